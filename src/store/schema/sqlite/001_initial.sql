-- Accounts, users, tokens and recordings. Times are UTC milliseconds since the epoch.
-- Every table but accounts carries account_id, and every query filters by it.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL CHECK (plan IN ('enterprise', 'business', 'starter')),
    api_access INTEGER NOT NULL DEFAULT 1,
    owner_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE users (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    email TEXT NOT NULL,
    email_lower TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    given_name TEXT,
    family_name TEXT,
    external_id TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_member INTEGER NOT NULL DEFAULT 1,
    is_editor INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    has_avatar INTEGER NOT NULL DEFAULT 0,
    notify_first_view INTEGER NOT NULL DEFAULT 1,
    notify_new_account_recording INTEGER NOT NULL DEFAULT 1,
    notify_new_recording INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX users_email ON users (account_id, email_lower);
CREATE UNIQUE INDEX users_external_id ON users (account_id, external_id);
CREATE INDEX users_created ON users (account_id, created_at, id);

CREATE TABLE personal_tokens (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    token_secret BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX personal_tokens_hash ON personal_tokens (token_hash);
CREATE UNIQUE INDEX personal_tokens_id ON personal_tokens (id);
CREATE INDEX personal_tokens_user ON personal_tokens (account_id, user_id, created_at);

CREATE TABLE scim_tokens (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    token_secret BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX scim_tokens_hash ON scim_tokens (token_hash);
CREATE UNIQUE INDEX scim_tokens_id ON scim_tokens (id);

CREATE TABLE recordings (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
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
    PRIMARY KEY (account_id, id)
);
CREATE INDEX recordings_created ON recordings (account_id, created_at DESC, id DESC);
CREATE INDEX recordings_user ON recordings (account_id, user_id, created_at DESC, id DESC);
CREATE INDEX recordings_ticket ON recordings (account_id, ticket_id, created_at DESC, id DESC);
CREATE INDEX recordings_provider ON recordings (account_id, provider, created_at DESC, id DESC);
CREATE INDEX recordings_customer ON recordings (account_id, customer_email_lower, created_at DESC, id DESC);
CREATE INDEX recordings_user_email ON recordings (account_id, user_email_lower, created_at DESC,
                                            id DESC);
CREATE INDEX recordings_updated ON recordings (account_id, updated_at);
