-- The order version of an account's users list, moved by every insert and delete, so deep
-- pages of users can seek from cached boundaries like recordings do (page_cache.c).
ALTER TABLE accounts ADD COLUMN users_version INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER users_count_insert;
CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    UPDATE accounts SET users_count = users_count + 1, users_version = users_version + 1
        WHERE id = NEW.account_id;
END;

DROP TRIGGER users_count_delete;
CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE accounts SET users_count = users_count - 1, users_version = users_version + 1
        WHERE id = OLD.account_id;
END;

CREATE TRIGGER users_order_update AFTER UPDATE OF created_at, id ON users
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.id IS NOT NEW.id BEGIN
    UPDATE accounts SET users_version = users_version + 1 WHERE id = NEW.account_id;
END;
