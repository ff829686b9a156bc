-- Browser sessions of the web pages, and the slow-down after failed sign-ins.
-- A session is found by the keyed hash of its cookie, never by the cookie itself.
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN sign_in_blocked_until INTEGER NOT NULL DEFAULT 0;
-- Sign-in knows an email, not an account.
CREATE INDEX users_email_any ON users (email_lower);

CREATE TABLE sessions (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sessions_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (account_id, user_id, expires_at);
