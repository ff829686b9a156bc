-- Accounts, users, tokens and recordings for PostgreSQL (and compatible engines).
-- Times are UTC milliseconds since the epoch. Every table but accounts carries account_id,
-- leads its primary key with it, and every query filters by it, so the tables can be
-- distributed by account_id (Citus) or split by range (CockroachDB) without changing a query.
-- No triggers, sequences or server-side functions: counters are kept by the server in the
-- same transaction as the write. Identifiers compare bytewise (COLLATE "C"), as in SQLite.
CREATE TABLE accounts (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL CHECK (plan IN ('enterprise', 'business', 'starter')),
    api_access BOOLEAN NOT NULL DEFAULT TRUE,
    owner_id TEXT,
    recordings_count BIGINT NOT NULL DEFAULT 0,
    recordings_version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id TEXT COLLATE "C" NOT NULL,
    email TEXT NOT NULL,
    email_lower TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    given_name TEXT,
    family_name TEXT,
    external_id TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    is_member BOOLEAN NOT NULL DEFAULT TRUE,
    is_editor BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    has_avatar BOOLEAN NOT NULL DEFAULT FALSE,
    notify_first_view BOOLEAN NOT NULL DEFAULT TRUE,
    notify_new_account_recording BOOLEAN NOT NULL DEFAULT TRUE,
    notify_new_recording BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,
    recordings_count BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX users_email ON users (account_id, email_lower);
CREATE UNIQUE INDEX users_external_id ON users (account_id, external_id);
CREATE INDEX users_created ON users (account_id, created_at, id);

CREATE TABLE personal_tokens (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL,
    token_secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX personal_tokens_hash ON personal_tokens (token_hash);
CREATE UNIQUE INDEX personal_tokens_id ON personal_tokens (id);
CREATE INDEX personal_tokens_user ON personal_tokens (account_id, user_id, created_at);

CREATE TABLE scim_tokens (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id TEXT COLLATE "C" NOT NULL,
    token_hash BYTEA NOT NULL,
    token_secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX scim_tokens_hash ON scim_tokens (token_hash);
CREATE UNIQUE INDEX scim_tokens_id ON scim_tokens (id);

CREATE TABLE recordings (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C",
    user_email TEXT,
    user_name TEXT,
    title TEXT,
    summary TEXT,
    description TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    duration BIGINT NOT NULL DEFAULT 0,
    impressions_count BIGINT NOT NULL DEFAULT 0,
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
CREATE INDEX recordings_user_email ON recordings (account_id, user_email_lower, created_at DESC, id DESC);
CREATE INDEX recordings_updated ON recordings (account_id, updated_at);
