/* The one storage interface: every handler and command reads and writes through these
 * functions, whatever the backend. Knows nothing of HTTP or JSON. Every function that touches
 * account data takes the account id and filters by it. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include "core/arena.h"
#include "core/uuid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_STATUS_MAP(X)                                                                        \
    X(STORE_OK, "ok")                                                                              \
    X(STORE_NOT_FOUND, "not found")                                                                \
    X(STORE_CONFLICT, "conflict")                                                                  \
    X(STORE_STALE, "stale version")                                                                \
    X(STORE_INVALID, "invalid argument")                                                           \
    X(STORE_UNAVAILABLE, "database unavailable")                                                   \
    X(STORE_ERROR, "database error")

enum store_status {
#define STORE_ENUM(name, text) name,
    STORE_STATUS_MAP(STORE_ENUM)
#undef STORE_ENUM
};

/* Returns a static name for a status, for logs. */
const char *store_status_name(enum store_status s);

enum store_token_kind { STORE_TOKEN_PERSONAL, STORE_TOKEN_SCIM };

struct store_account {
    char id[UUID_LEN];
    char *name;
    char *plan; /* "enterprise", "business" or "starter" */
    bool has_api_access;
    char owner_id[UUID_LEN];
    int64_t created_at, updated_at;
};

struct store_user {
    char id[UUID_LEN];
    char account_id[UUID_LEN];
    char *email;
    char *name;
    char *given_name;  /* may be NULL */
    char *family_name; /* may be NULL */
    char *external_id; /* may be NULL */
    bool is_admin, is_member, is_editor, is_active, has_avatar, is_owner;
    bool notify_first_view, notify_new_account_recording, notify_new_recording;
    int64_t version;
    int64_t created_at, updated_at;
};

/* A stored token: the keyed hash finds it; secret is the raw value, encrypted by auth/. */
struct store_token {
    char id[UUID_LEN];
    char account_id[UUID_LEN];
    char user_id[UUID_LEN]; /* empty for SCIM tokens */
    char *name;
    unsigned char *hash;
    size_t hash_len;
    unsigned char *secret;
    size_t secret_len;
    int64_t created_at, last_used_at, revoked_at; /* 0 when never */
};

/* What a presented token resolves to; filled by store_auth_lookup. */
struct store_principal {
    char token_id[UUID_LEN];
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];
    char *plan;
    bool has_api_access;
    bool is_revoked;
    bool is_user_active; /* false also when the user row is gone */
    bool is_admin, is_owner;
    int64_t last_used_at; /* personal tokens; 0 when never */
};

/* A signed-in browser session; the cookie's value is found by its keyed hash. */
struct store_session {
    char id[UUID_LEN];
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];
    const unsigned char *hash;
    size_t hash_len;
    int64_t created_at, expires_at;
};

/* What a session cookie resolves to: the session, its user and the user's account. */
struct store_session_view {
    char id[UUID_LEN];
    int64_t expires_at;
    struct store_user user;
    char *account_name;
    char *plan;
    bool has_api_access;
};

/* One user an email may sign in as (an email can belong to users of several accounts). */
struct store_credential {
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];
    char *password_hash; /* NULL: no password was ever set, no sign-in */
    bool is_active;
    int failed_sign_ins;           /* failures since the last success */
    int64_t sign_in_blocked_until; /* no attempt is checked before this; 0 when none */
};

struct store_recording {
    char id[UUID_LEN];
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];       /* empty when the user was deleted */
    char *user_email, *user_name; /* as when the recording was made */
    char *title, *summary, *description;
    int64_t created_at, updated_at;
    int64_t duration, impressions_count;
    char *recording_type, *recording_source, *url;
    char *helpdesk_info;        /* JSON object text, "{}" when none */
    char *ticket_id, *provider; /* copied out of helpdesk_info for filtering */
    char *vendor, *ip_address, *timezone, *network_type, *isp;
    char *console_logs;
    char *customer_email;
    /* The recording's v2 JSON object as the API renders it, kept with the row and written with
     * every change: required to insert or update one (the store may keep the descriptive
     * fields in it alone). NULL when a read finds a row written before it was kept (then the
     * other fields are all filled); a read that returns it fills only id, times,
     * customer_email and user_email besides. */
    char *rendered;
};

/* Filters of a recording list; NULL strings and zero times are "no filter". */
struct store_recording_query {
    const char *account_id;
    const char *user_id; /* only this user's recordings; NULL for all */
    const char *ticket_id, *provider, *customer_email, *user_email;
    int64_t created_after, created_before, updated_after;
    bool has_created_after, has_created_before, has_updated_after;
    int64_t offset, limit;
};

/* Which recording fields an update sets. */
struct store_recording_update {
    bool has_title, has_summary, has_description;
    const char *title, *summary, *description; /* summary/description may be NULL */
    int64_t updated_at;
    const char *rendered; /* the recording's JSON after the change */
};

struct store;
struct store_conn;

/* Opens a store for url ("sqlite:PATH", a bare path, or "postgresql://..."). Returns NULL and
 * writes a message into err (errlen bytes) when the URL is bad or the backend is missing.
 * Connections are opened lazily, one per thread. Free with store_free. */
struct store *store_open(const char *url, char *err, size_t errlen);
/* Closes every connection and frees the store. NULL is a no-op. */
void store_free(struct store *s);
/* Returns the calling thread's connection, opening it on first use; NULL when the database
 * cannot be reached. Owned by the store. */
struct store_conn *store_conn_get(struct store *s);
/* Returns the calling thread's connection when it has one open already, else NULL. */
struct store_conn *store_conn_peek(struct store *s);

/* Group commit. Once on, SQLite connections opened afterwards commit without waiting for the
 * disk: a write is durable when a store_sync that began after it returns. The server turns it
 * on and sends a write's answer only then, so one disk flush covers many writes. PostgreSQL is
 * unchanged (its COMMIT is durable). */
void store_set_group_commit(struct store *s, bool on);
/* Returns a ticket (> 0, growing) when this connection committed changes since its last call
 * that still need a store_sync to be durable, else 0. */
uint64_t store_write_ticket(struct store_conn *c);
/* Flushes the log to disk: every write whose ticket was issued before the call is then
 * durable. Returns the highest such ticket, or 0 when the flush failed. Blocking. */
uint64_t store_sync(struct store *s);

/* Returns the path of the key file that belongs beside this database by default. */
const char *store_default_key_path(const struct store *s);

/* Creates or upgrades the schema; safe when several processes start at once. STORE_STALE
 * when the database's schema is newer than this program's (made by a later version), which
 * it must not write to. */
enum store_status store_migrate(struct store_conn *c);
/* Returns true when the schema has at least one migration applied. */
bool store_is_initialized(struct store_conn *c);

/* Asks the database a trivial question; STORE_OK when it answers. */
enum store_status store_ping(struct store_conn *c);

/* The reads that follow, up to store_read_end, see one snapshot of the database: on SQLite one
 * read transaction (one round of file locks instead of one per statement); on PostgreSQL
 * nothing changes. Only for requests that do not write. */
enum store_status store_read_begin(struct store_conn *c);
void store_read_end(struct store_conn *c);

/* Identifies the state of the whole database: two equal versions mean no connection, in this
 * process or another, committed anything in between. Read without a transaction: a read
 * snapshot opened after it sees that state or a newer one, never an older. */
struct store_version {
    uint64_t words[3];
};
/* Fills *v (SQLite: from shared memory, for nothing; PostgreSQL: by asking for the position of
 * its write-ahead log, one round trip); false when it cannot tell now. */
bool store_change_version(struct store_conn *c, struct store_version *v);

enum store_status store_begin(struct store_conn *c);
enum store_status store_commit(struct store_conn *c);
/* Rolls back the open transaction; errors are ignored. */
void store_rollback(struct store_conn *c);

/* Accounts. */
enum store_status store_account_insert(struct store_conn *c, const struct store_account *a);
enum store_status store_account_get(struct store_conn *c, struct arena *ar, const char *id,
                                    struct store_account *out);
/* Sets plan (when not NULL) and API access (when api_access >= 0). */
enum store_status store_account_update(struct store_conn *c, const char *id, const char *plan,
                                       int api_access, int64_t now);
/* Returns STORE_OK and true in *has_any when at least one account exists. */
enum store_status store_account_any(struct store_conn *c, bool *has_any);

/* Fills u with a new active user of the account: fresh id, the default roles (member only),
 * notifications on, times now. Strings are borrowed. */
void store_user_init(struct store_user *u, const char *account_id, const char *email,
                     const char *name, int64_t now);

/* Returns the REST role name: "owner", else "admin", else "editor", else "member". */
const char *store_user_role(const struct store_user *u);

/* Users. STORE_CONFLICT when the email (case-insensitive) is taken in the account. */
enum store_status store_user_insert(struct store_conn *c, const struct store_user *u);
enum store_status store_user_get(struct store_conn *c, struct arena *ar, const char *account_id,
                                 const char *id, struct store_user *out);
enum store_status store_user_find_by_email(struct store_conn *c, struct arena *ar,
                                           const char *account_id, const char *email,
                                           struct store_user *out);
/* Lists users oldest first: *rows (arena array of *n users) and *total in the account. */
enum store_status store_user_list(struct store_conn *c, struct arena *ar, const char *account_id,
                                  int64_t offset, int64_t limit, struct store_user **rows,
                                  size_t *n, int64_t *total);
/* Finds a user by externalId (compared exactly). */
enum store_status store_user_find_by_external_id(struct store_conn *c, struct arena *ar,
                                                 const char *account_id, const char *external_id,
                                                 struct store_user *out);
/* Writes every field of u when its stored version is expected_version; the version then
 * grows by one. STORE_STALE when the version moved, STORE_CONFLICT when the email or
 * externalId is taken, STORE_NOT_FOUND when the user is gone. */
enum store_status store_user_update(struct store_conn *c, const struct store_user *u,
                                    int64_t expected_version);
/* Deletes a user; their tokens go with them, their recordings stay. */
enum store_status store_user_delete(struct store_conn *c, const char *account_id, const char *id);
/* Called by store_user_scan for each user; returns false to stop. */
typedef bool store_user_visit(const struct store_user *u, void *ctx);
/* Calls visit for every user of the account, oldest first. Strings passed to visit live until
 * it returns; scratch is reset between users. */
enum store_status store_user_scan(struct store_conn *c, const char *account_id,
                                  store_user_visit *visit, void *ctx);
enum store_status store_user_set_password(struct store_conn *c, const char *account_id,
                                          const char *user_id, const char *password_hash,
                                          int64_t now);

/* Tokens of both kinds; personal ones carry user_id. */
enum store_status store_token_insert(struct store_conn *c, enum store_token_kind kind,
                                     const struct store_token *t);
/* Finds a token by id (operator commands only). */
enum store_status store_token_get(struct store_conn *c, struct arena *ar,
                                  enum store_token_kind kind, const char *id,
                                  struct store_token *out);
/* Lists one user's personal tokens, newest first, revoked included. */
enum store_status store_token_list(struct store_conn *c, struct arena *ar, const char *account_id,
                                   const char *user_id, struct store_token **rows, size_t *n);
enum store_status store_token_rename(struct store_conn *c, const char *account_id, const char *id,
                                     const char *name);
/* Marks the token revoked at now; STORE_NOT_FOUND when unknown. */
enum store_status store_token_revoke(struct store_conn *c, enum store_token_kind kind,
                                     const char *account_id, const char *id, int64_t now);
/* Resolves a token hash to its principal; STORE_NOT_FOUND when no token has it. */
enum store_status store_auth_lookup(struct store_conn *c, struct arena *ar,
                                    enum store_token_kind kind, const unsigned char *hash,
                                    size_t hash_len, struct store_principal *out);

/* Sets the token's last_used_at to now, unless it was set less than a minute before: at
 * most one write a minute per token. STORE_NOT_FOUND when nothing was written. */
enum store_status store_token_touch(struct store_conn *c, const char *account_id, const char *id,
                                    int64_t now);

/* Sessions. */
enum store_status store_session_insert(struct store_conn *c, const struct store_session *s);
/* Resolves a session hash; STORE_NOT_FOUND when no session has it. Expiry and the user's
 * active flag are the caller's to check. */
enum store_status store_session_lookup(struct store_conn *c, struct arena *ar,
                                       const unsigned char *hash, size_t hash_len,
                                       struct store_session_view *out);
enum store_status store_session_delete(struct store_conn *c, const char *account_id,
                                       const char *id);
/* Deletes the user's sessions that expired before now. */
enum store_status store_session_prune(struct store_conn *c, const char *account_id,
                                      const char *user_id, int64_t now);

/* Sign-in. Finds the users with this email (case-insensitive) in every account, oldest first,
 * at most max of them: *rows (arena array) and *n. */
enum store_status store_credentials_find(struct store_conn *c, struct arena *ar, const char *email,
                                         size_t max, struct store_credential **rows, size_t *n);
/* Records the outcome of a sign-in attempt for one user: the failures since the last success
 * (0 after a success) and the time before which no further attempt is checked. */
enum store_status store_sign_in_record(struct store_conn *c, const char *account_id,
                                       const char *user_id, int failures, int64_t blocked_until);

/* For a process that bulk-loads the database at url, before it opens its first store: the
 * page caches of its SQLite databases take their (4 KiB) pages from one region of mib MiB reserved
 * now, asked for in huge pages, instead of allocating them one by one. Filling a 64 MiB cache page
 * by page took one page fault per page, which on a virtual machine cost an import about a tenth of
 * its time; huge pages take one per 2 MiB. The region stays until the process ends. False (nothing
 * changes) for PostgreSQL, when SQLite is in use already, or when the memory is not there. */
bool store_bulk_memory(const char *url, int mib);

/* Prepares this connection for a bulk load (a large import in one transaction): on SQLite a
 * page cache of mib MiB, so the transaction's pages stay in memory instead of being written
 * to the log and read back. */
enum store_status store_bulk_mode(struct store_conn *c, int mib);

/* Takes the database for this connection alone for a bulk load, when no other connection has
 * it open. SQLite then writes each new page once, into the database file (a rollback journal
 * keeps only the pages that existed before), instead of into the log and again when the log
 * is copied back; until store_bulk_shared, other connections wait for the database (their
 * busy timeout), and this one must not share it with another connection of its own process.
 * PostgreSQL only notes that no other session was there, which lets the load drop indexes
 * (store_recording_indexes_defer); sessions that come meanwhile wait for the recordings table
 * until it commits. Call outside a transaction. STORE_UNAVAILABLE when another connection has
 * the database open: the load then goes on beside the others as usual. */
enum store_status store_bulk_exclusive(struct store_conn *c);
/* Gives the database back to every connection (SQLite: the write-ahead log again). Call
 * outside a transaction, after store_bulk_exclusive succeeded. */
enum store_status store_bulk_shared(struct store_conn *c);

/* The number of recordings of every account. */
enum store_status store_recording_total(struct store_conn *c, int64_t *n);
/* Inside a transaction that will add many recordings: stops maintaining the recordings'
 * secondary indexes until store_recording_indexes_build, in the same transaction, builds each
 * again in one sort (faster than row by row once a load adds about half as many rows as the
 * table holds). On SQLite readers on other connections keep the indexes of their snapshot;
 * PostgreSQL does it only after store_bulk_exclusive found no other session (dropping an
 * index locks the table against every reader until the commit), and is a no-op otherwise. A
 * commit with them still dropped is refused (rolled back). After an error the transaction
 * must be rolled back. */
enum store_status store_recording_indexes_defer(struct store_conn *c);
enum store_status store_recording_indexes_build(struct store_conn *c);

/* Recordings. */
enum store_status store_recording_insert(struct store_conn *c, const struct store_recording *r);
/* Inserts recs in order, inside the caller's transaction (store_begin): a batch of at most a
 * few hundred. On failure *failed is the index of the recording that failed. */
enum store_status store_recordings_insert(struct store_conn *c, const struct store_recording *recs,
                                          size_t n, size_t *failed);
/* Gets one recording; when user_id is not NULL only that user's recording is visible. */
enum store_status store_recording_get(struct store_conn *c, struct arena *ar,
                                      const char *account_id, const char *user_id, const char *id,
                                      struct store_recording *out);
/* Lists recordings newest first (created_at, then id): *rows, *n and *total matching. */
enum store_status store_recording_list(struct store_conn *c, struct arena *ar,
                                       const struct store_recording_query *q,
                                       struct store_recording **rows, size_t *n, int64_t *total);
enum store_status store_recording_update(struct store_conn *c, const char *account_id,
                                         const char *id, const struct store_recording_update *u);

#endif
