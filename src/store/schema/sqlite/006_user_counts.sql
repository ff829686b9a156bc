-- The number of users per account, kept by triggers, so a users page (REST or SCIM) does not
-- count the whole account every time.
ALTER TABLE accounts ADD COLUMN users_count INTEGER NOT NULL DEFAULT 0;

UPDATE accounts SET users_count = (SELECT count(*) FROM users u WHERE u.account_id = accounts.id);

CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    UPDATE accounts SET users_count = users_count + 1 WHERE id = NEW.account_id;
END;

CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE accounts SET users_count = users_count - 1 WHERE id = OLD.account_id;
END;
