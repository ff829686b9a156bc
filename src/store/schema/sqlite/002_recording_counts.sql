-- Recording counts per account and per user, kept by triggers, so an unfiltered list does not
-- count the whole account on every page.
ALTER TABLE accounts ADD COLUMN recordings_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recordings_count INTEGER NOT NULL DEFAULT 0;

UPDATE accounts SET recordings_count =
    (SELECT count(*) FROM recordings r WHERE r.account_id = accounts.id);
UPDATE users SET recordings_count =
    (SELECT count(*) FROM recordings r WHERE r.account_id = users.account_id AND r.user_id = users.id);

CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count + 1 WHERE id = NEW.account_id;
    UPDATE users SET recordings_count = recordings_count + 1
        WHERE account_id = NEW.account_id AND id = NEW.user_id;
END;

CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count - 1 WHERE id = OLD.account_id;
    UPDATE users SET recordings_count = recordings_count - 1
        WHERE account_id = OLD.account_id AND id = OLD.user_id;
END;

CREATE TRIGGER recordings_count_owner AFTER UPDATE OF user_id ON recordings
WHEN OLD.user_id IS NOT NEW.user_id BEGIN
    UPDATE users SET recordings_count = recordings_count - 1
        WHERE account_id = OLD.account_id AND id = OLD.user_id;
    UPDATE users SET recordings_count = recordings_count + 1
        WHERE account_id = NEW.account_id AND id = NEW.user_id;
END;
