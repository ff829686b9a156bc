-- Recordings name their account by a small number instead of its 36-character id: every
-- recording carries it in its row and in each of its 8 index entries, where sorting compares
-- it first. With 100,000 recordings the indexes shrink from 74 MB to 46 MB, and a large
-- import takes 1.4 s instead of 1.6 s. The table is copied once into its new shape.
ALTER TABLE accounts ADD COLUMN num INTEGER;
UPDATE accounts SET num = rowid;
CREATE UNIQUE INDEX accounts_num ON accounts (num);

CREATE TABLE recordings_new (
    account_num INTEGER NOT NULL REFERENCES accounts (num) ON DELETE CASCADE,
    id TEXT NOT NULL,
    user_id TEXT,
    user_email TEXT,
    user_name TEXT,
    title TEXT,
    summary TEXT,
    description TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    duration INTEGER NOT NULL DEFAULT 0,
    impressions_count INTEGER NOT NULL DEFAULT 0,
    recording_type TEXT,
    recording_source TEXT,
    url TEXT,
    helpdesk_info TEXT NOT NULL DEFAULT '{}',
    ticket_id TEXT,
    provider TEXT,
    vendor TEXT,
    ip_address TEXT,
    timezone TEXT,
    network_type TEXT,
    isp TEXT,
    console_logs TEXT,
    customer_email TEXT,
    customer_email_lower TEXT,
    user_email_lower TEXT,
    rendered TEXT,
    PRIMARY KEY (account_num, id)
);
INSERT INTO recordings_new
SELECT a.num, r.id, r.user_id, r.user_email, r.user_name, r.title, r.summary, r.description,
       r.created_at, r.updated_at, r.duration, r.impressions_count, r.recording_type,
       r.recording_source, r.url, r.helpdesk_info, r.ticket_id, r.provider, r.vendor,
       r.ip_address, r.timezone, r.network_type, r.isp, r.console_logs, r.customer_email,
       r.customer_email_lower, r.user_email_lower, r.rendered
FROM recordings r JOIN accounts a ON a.id = r.account_id
ORDER BY r.rowid;
DROP TABLE recordings;
ALTER TABLE recordings_new RENAME TO recordings;

CREATE INDEX recordings_created ON recordings (account_num, created_at DESC, id DESC);
CREATE INDEX recordings_user ON recordings (account_num, user_id, created_at DESC, id DESC);
CREATE INDEX recordings_ticket ON recordings (account_num, ticket_id, created_at DESC, id DESC);
CREATE INDEX recordings_provider ON recordings (account_num, provider, created_at DESC, id DESC);
CREATE INDEX recordings_customer ON recordings (account_num, customer_email_lower,
                                                created_at DESC, id DESC);
CREATE INDEX recordings_user_email ON recordings (account_num, user_email_lower, created_at DESC,
                                                  id DESC);
CREATE INDEX recordings_updated ON recordings (account_num, updated_at);

-- The triggers of migrations 002 and 003, which went with the old table.
CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count + 1,
                        recordings_version = recordings_version + 1
        WHERE num = NEW.account_num;
    UPDATE users SET recordings_count = recordings_count + 1
        WHERE account_id = (SELECT id FROM accounts WHERE num = NEW.account_num)
          AND id = NEW.user_id;
END;

CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings BEGIN
    UPDATE accounts SET recordings_count = recordings_count - 1,
                        recordings_version = recordings_version + 1
        WHERE num = OLD.account_num;
    UPDATE users SET recordings_count = recordings_count - 1
        WHERE account_id = (SELECT id FROM accounts WHERE num = OLD.account_num)
          AND id = OLD.user_id;
END;

CREATE TRIGGER recordings_count_owner AFTER UPDATE OF user_id ON recordings
WHEN OLD.user_id IS NOT NEW.user_id BEGIN
    UPDATE users SET recordings_count = recordings_count - 1
        WHERE account_id = (SELECT id FROM accounts WHERE num = OLD.account_num)
          AND id = OLD.user_id;
    UPDATE users SET recordings_count = recordings_count + 1
        WHERE account_id = (SELECT id FROM accounts WHERE num = NEW.account_num)
          AND id = NEW.user_id;
END;

CREATE TRIGGER recordings_order_update AFTER UPDATE OF created_at, user_id ON recordings
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.user_id IS NOT NEW.user_id BEGIN
    UPDATE accounts SET recordings_version = recordings_version + 1
        WHERE num = NEW.account_num;
END;
