-- A version per account that moves whenever the order of its recordings can change
-- (insert, delete, a new created_at or owner). Servers cache page boundaries per version.
ALTER TABLE accounts ADD COLUMN recordings_version INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER recordings_count_insert;
CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count + 1,
                        recordings_version = recordings_version + 1
        WHERE id = NEW.account_id;
    UPDATE users SET recordings_count = recordings_count + 1
        WHERE account_id = NEW.account_id AND id = NEW.user_id;
END;

DROP TRIGGER recordings_count_delete;
CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count - 1,
                        recordings_version = recordings_version + 1
        WHERE id = OLD.account_id;
    UPDATE users SET recordings_count = recordings_count - 1
        WHERE account_id = OLD.account_id AND id = OLD.user_id;
END;

CREATE TRIGGER recordings_order_update AFTER UPDATE OF created_at, user_id ON recordings
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.user_id IS NOT NEW.user_id BEGIN
    UPDATE accounts SET recordings_version = recordings_version + 1 WHERE id = NEW.account_id;
END;
