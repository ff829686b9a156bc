-- One index for lookups by email within an account and across accounts (see the SQLite
-- migration of the same name).
DROP INDEX users_email;
DROP INDEX users_email_any;
CREATE UNIQUE INDEX users_email ON users (email_lower, account_id);
