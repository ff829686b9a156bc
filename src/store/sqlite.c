/* SQLite backend: WAL, foreign keys, busy timeout, statements prepared once per connection.
 * Each connection belongs to one thread. */
#include "store_int.h"

#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "page_cache.h"
#include "walbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a statement waits for a lock another connection holds. */
enum { BUSY_TIMEOUT_MS = 5000 };

extern const char *const store_sqlite_migrations[];
extern const size_t store_sqlite_migrations_count;

enum stmt_id {
    ST_ACCOUNT_INSERT,
    ST_ACCOUNT_GET,
    ST_ACCOUNT_UPDATE,
    ST_ACCOUNT_ANY,
    ST_USER_INSERT,
    ST_USER_GET,
    ST_USER_BY_EMAIL,
    ST_USER_LIST,
    ST_USER_COUNT,
    ST_USER_ORDER_VERSION,
    ST_USER_KEYS,
    ST_USER_SEEK,
    ST_USER_PASSWORD,
    ST_USER_BY_EXTERNAL_ID,
    ST_USER_UPDATE,
    ST_USER_DELETE,
    ST_USER_SCAN,
    ST_USER_EXISTS,
    ST_PTOKEN_INSERT,
    ST_STOKEN_INSERT,
    ST_PTOKEN_GET,
    ST_STOKEN_GET,
    ST_PTOKEN_LIST,
    ST_PTOKEN_RENAME,
    ST_PTOKEN_REVOKE,
    ST_STOKEN_REVOKE,
    ST_PTOKEN_AUTH,
    ST_STOKEN_AUTH,
    ST_PTOKEN_TOUCH,
    ST_SESSION_INSERT,
    ST_SESSION_LOOKUP,
    ST_SESSION_DELETE,
    ST_SESSION_PRUNE,
    ST_CREDENTIALS,
    ST_SIGN_IN_RECORD,
    ST_RECORDING_INSERT,
    ST_RECORDING_TOTAL,
    ST_RECORDING_GET,
    ST_RECORDING_FULL,
    ST_RECORDING_UPDATE,
    ST_ACCOUNT_RECORDINGS,
    ST_ACCOUNT_ORDER_VERSION,
    ST_USER_RECORDINGS,
    ST_READ_BEGIN,
    ST_READ_END,
    ST_COUNT
};

#define USER_BASE                                                                                  \
    "u.id, u.account_id, u.email, u.name, u.given_name, u.family_name, u.external_id, "            \
    "u.is_admin, u.is_member, u.is_editor, u.is_active, u.has_avatar, "                            \
    "u.notify_first_view, u.notify_new_account_recording, u.notify_new_recording, u.version, "     \
    "u.created_at, u.updated_at, "
/* With the account joined (sessions), or with ?1 the account id: its owner is read once per
 * statement, not joined to every row. */
#define USER_FIELDS USER_BASE "coalesce(a.owner_id = u.id, 0) "
#define USER_FROM   "FROM users u JOIN accounts a ON a.id = u.account_id "
#define USER_COLS                                                                                  \
    USER_BASE "coalesce((SELECT owner_id FROM accounts WHERE id = ?1) = u.id, 0) FROM users u "

/* Recordings name their account by its number (migration 008); every recording statement has
 * the account's id as ?1. */
#define REC_ACCOUNT "account_num = (SELECT num FROM accounts WHERE id = ?1)"

#define REC_COLS                                                                                   \
    "id, ?1, user_id, user_email, user_name, title, summary, description, created_at, "            \
    "updated_at, duration, impressions_count, recording_type, recording_source, url, "             \
    "helpdesk_info, ticket_id, provider, vendor, ip_address, timezone, network_type, isp, "        \
    "console_logs, customer_email, rendered "

/* What reads select: a row that keeps its rendered JSON needs nothing more, and SQLite then
 * decodes 7 columns instead of 26. Rows without it (none written by this version) are read
 * again whole (ST_RECORDING_FULL). */
#define REC_READ "id, ?1, user_email, created_at, updated_at, customer_email, rendered "

#define TOKEN_COLS "id, account_id, name, token_hash, token_secret, created_at, revoked_at"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_ACCOUNT_INSERT] = "INSERT INTO accounts (id, name, plan, api_access, owner_id, "
                          "created_at, updated_at, num) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                          "(SELECT coalesce(max(num), 0) + 1 FROM accounts))",
    [ST_ACCOUNT_GET] = "SELECT id, name, plan, api_access, owner_id, created_at, updated_at "
                       "FROM accounts WHERE id = ?1",
    [ST_ACCOUNT_UPDATE] = "UPDATE accounts SET plan = coalesce(?2, plan), api_access = "
                          "CASE WHEN ?3 < 0 THEN api_access ELSE ?3 END, updated_at = ?4 "
                          "WHERE id = ?1",
    [ST_ACCOUNT_ANY] = "SELECT 1 FROM accounts LIMIT 1",
    [ST_USER_INSERT] = "INSERT INTO users (account_id, id, email, email_lower, name, given_name, "
                       "family_name, external_id, is_admin, is_member, is_editor, is_active, "
                       "has_avatar, notify_first_view, notify_new_account_recording, "
                       "notify_new_recording, version, created_at, updated_at) VALUES (?1, ?2, "
                       "?3, lower(?3), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 1, "
                       "?16, ?17)",
    [ST_USER_GET] = "SELECT " USER_COLS "WHERE u.account_id = ?1 AND u.id = ?2",
    [ST_USER_BY_EMAIL] =
        "SELECT " USER_COLS "WHERE u.account_id = ?1 AND u.email_lower = lower(?2)",
    /* The page's first key is found in the index alone (OFFSET over the whole rows would read
     * and decode every skipped user: 66 ms for the last page of 100,000, now 6 ms). */
    [ST_USER_LIST] = "SELECT " USER_COLS "WHERE u.account_id = ?1 AND (u.created_at, u.id) >= "
                     "(SELECT created_at, id FROM users WHERE account_id = ?1 "
                     "ORDER BY created_at, id LIMIT 1 OFFSET ?3) "
                     "ORDER BY u.created_at, u.id LIMIT ?2",
    [ST_USER_COUNT] = "SELECT users_count FROM accounts WHERE id = ?1",
    [ST_USER_ORDER_VERSION] = "SELECT users_version FROM accounts WHERE id = ?1",
    [ST_USER_KEYS] =
        "SELECT created_at, id FROM users WHERE account_id = ?1 ORDER BY created_at, id",
    [ST_USER_SEEK] =
        "SELECT " USER_COLS "WHERE u.account_id = ?1 AND (u.created_at, u.id) > (?3, ?4) "
        "ORDER BY u.created_at, u.id LIMIT ?2 OFFSET ?5",
    [ST_USER_PASSWORD] = "UPDATE users SET password_hash = ?3, updated_at = ?4 "
                         "WHERE account_id = ?1 AND id = ?2",
    [ST_USER_BY_EXTERNAL_ID] = "SELECT " USER_COLS "WHERE u.account_id = ?1 AND u.external_id = ?2",
    [ST_USER_UPDATE] = "UPDATE users SET email = ?3, email_lower = lower(?3), name = ?4, "
                       "given_name = ?5, family_name = ?6, external_id = ?7, is_admin = ?8, "
                       "is_member = ?9, is_editor = ?10, is_active = ?11, updated_at = ?12, "
                       "version = version + 1 WHERE account_id = ?1 AND id = ?2 AND version = ?13",
    [ST_USER_DELETE] = "DELETE FROM users WHERE account_id = ?1 AND id = ?2",
    [ST_USER_SCAN] = "SELECT " USER_COLS "WHERE u.account_id = ?1 ORDER BY u.created_at, u.id",
    [ST_USER_EXISTS] = "SELECT 1 FROM users WHERE account_id = ?1 AND id = ?2",
    [ST_PTOKEN_INSERT] = "INSERT INTO personal_tokens (account_id, id, user_id, name, "
                         "token_hash, token_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                         "?7)",
    [ST_STOKEN_INSERT] = "INSERT INTO scim_tokens (account_id, id, token_hash, token_secret, "
                         "created_at) VALUES (?1, ?2, ?5, ?6, ?7)",
    [ST_PTOKEN_GET] = "SELECT " TOKEN_COLS ", user_id, last_used_at FROM personal_tokens "
                      "WHERE id = ?1",
    [ST_STOKEN_GET] = "SELECT id, account_id, NULL, token_hash, token_secret, created_at, "
                      "revoked_at, '', NULL FROM scim_tokens WHERE id = ?1",
    [ST_PTOKEN_LIST] = "SELECT " TOKEN_COLS ", user_id, last_used_at FROM personal_tokens "
                       "WHERE account_id = ?1 AND user_id = ?2 ORDER BY created_at DESC, id DESC",
    [ST_PTOKEN_RENAME] = "UPDATE personal_tokens SET name = ?3 WHERE id = ?2 AND "
                         "(?1 IS NULL OR account_id = ?1)",
    [ST_PTOKEN_REVOKE] = "UPDATE personal_tokens SET revoked_at = coalesce(revoked_at, ?3) "
                         "WHERE id = ?2 AND (?1 IS NULL OR account_id = ?1)",
    [ST_STOKEN_REVOKE] = "UPDATE scim_tokens SET revoked_at = coalesce(revoked_at, ?3) "
                         "WHERE id = ?2 AND (?1 IS NULL OR account_id = ?1)",
    [ST_PTOKEN_AUTH] =
        "SELECT t.id, t.account_id, t.user_id, a.plan, a.api_access, "
        "t.revoked_at IS NOT NULL, coalesce(u.is_active, 0), "
        "coalesce(u.is_admin, 0), coalesce(a.owner_id = u.id, 0), "
        "coalesce(t.last_used_at, 0) FROM personal_tokens t JOIN accounts a ON a.id = t.account_id "
        "LEFT JOIN users u ON u.account_id = t.account_id AND u.id = t.user_id "
        "WHERE t.token_hash = ?1",
    [ST_STOKEN_AUTH] = "SELECT t.id, t.account_id, '', a.plan, a.api_access, "
                       "t.revoked_at IS NOT NULL, 1, 0, 0, 0 "
                       "FROM scim_tokens t JOIN accounts a ON a.id = t.account_id "
                       "WHERE t.token_hash = ?1",
    [ST_READ_BEGIN] = "BEGIN",
    [ST_READ_END] = "COMMIT",
    [ST_PTOKEN_TOUCH] = "UPDATE personal_tokens SET last_used_at = ?3 WHERE account_id = ?1 "
                        "AND id = ?2 AND (last_used_at IS NULL OR last_used_at <= ?3 - 60000)",
    [ST_SESSION_INSERT] = "INSERT INTO sessions (account_id, id, user_id, token_hash, created_at, "
                          "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_SESSION_LOOKUP] = "SELECT " USER_FIELDS ", s.id, s.expires_at, a.name, a.plan, "
                          "a.api_access " USER_FROM "JOIN sessions s ON s.account_id = "
                          "u.account_id AND s.user_id = u.id WHERE s.token_hash = ?1",
    [ST_SESSION_DELETE] = "DELETE FROM sessions WHERE account_id = ?1 AND id = ?2",
    [ST_SESSION_PRUNE] = "DELETE FROM sessions WHERE account_id = ?1 AND user_id = ?2 AND "
                         "expires_at < ?3",
    [ST_CREDENTIALS] = "SELECT account_id, id, password_hash, is_active, failed_sign_ins, "
                       "sign_in_blocked_until FROM users WHERE email_lower = lower(?1) "
                       "ORDER BY created_at, account_id LIMIT ?2",
    [ST_SIGN_IN_RECORD] = "UPDATE users SET failed_sign_ins = ?3, sign_in_blocked_until = ?4 "
                          "WHERE account_id = ?1 AND id = ?2",
    /* A row with its rendered JSON keeps besides only what queries filter, sort or add (v1)
     * by: the descriptive columns (title to console_logs) stay NULL (or their default), which
     * makes rows about 40 % smaller. Rows from before migration 004 keep every column and no
     * rendered JSON until their next change. */
    [ST_RECORDING_INSERT] =
        "INSERT INTO recordings (id, account_num, user_id, user_email, created_at, updated_at, "
        "ticket_id, provider, customer_email, rendered, customer_email_lower, user_email_lower) "
        "VALUES (?1, (SELECT num FROM accounts WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "lower(?9), lower(?4))",
    [ST_RECORDING_FULL] = "SELECT " REC_COLS "FROM recordings WHERE " REC_ACCOUNT " AND id = ?2",
    [ST_RECORDING_GET] = "SELECT " REC_READ "FROM recordings WHERE " REC_ACCOUNT " AND id = ?2 "
                         "AND (?3 IS NULL OR user_id = ?3)",
    [ST_RECORDING_TOTAL] = "SELECT coalesce(sum(recordings_count), 0) FROM accounts",
    [ST_ACCOUNT_RECORDINGS] = "SELECT recordings_count FROM accounts WHERE id = ?1",
    [ST_ACCOUNT_ORDER_VERSION] = "SELECT recordings_version FROM accounts WHERE id = ?1",
    [ST_USER_RECORDINGS] = "SELECT recordings_count FROM users WHERE account_id = ?1 AND id = ?2",
    /* The changed recording is all in its new rendered JSON, which an older row gets then. */
    [ST_RECORDING_UPDATE] =
        "UPDATE recordings SET user_name = NULL, title = NULL, summary = NULL, description = "
        "NULL, duration = 0, impressions_count = 0, recording_type = NULL, recording_source = "
        "NULL, url = NULL, helpdesk_info = '{}', vendor = NULL, ip_address = NULL, timezone = "
        "NULL, network_type = NULL, isp = NULL, console_logs = NULL, updated_at = ?3, rendered "
        "= ?4 WHERE " REC_ACCOUNT " AND id = ?2",
};

struct sqlite_conn {
    struct store_conn base;
    sqlite3 *db;
    sqlite3_stmt *stmts[ST_COUNT];
    sqlite3_stmt *rec_list[F_MASKS];
    sqlite3_stmt *rec_count[F_MASKS];
    sqlite3_stmt *rec_keys[2], *rec_seek[2]; /* unfiltered lists: all, one user's */
    const volatile unsigned char *wal_index; /* see wal_index() */
    bool is_not_wal;
    char **deferred; /* CREATE statements a bulk load dropped, to run at its end */
    size_t n_deferred;
    /* The bulk load dropped the counting trigger: the accounts it inserted into, whose
     * counts it takes again at its end. */
    bool is_counting_deferred;
    char (*loaded)[UUID_LEN];
    size_t n_loaded, cap_loaded;
};

static struct sqlite_conn *sq(struct store_conn *c)
{
    return (struct sqlite_conn *)c;
}

static enum store_status status_of(struct sqlite_conn *c, int rc)
{
    switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STORE_OK;
    case SQLITE_CONSTRAINT:
        return STORE_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_error("sqlite busy: %s", sqlite3_errmsg(c->db));
        return STORE_UNAVAILABLE;
    default:
        log_error("sqlite error %d: %s", rc, sqlite3_errmsg(c->db));
        return STORE_ERROR;
    }
}

static sqlite3_stmt *prepare(struct sqlite_conn *c, sqlite3_stmt **slot, const char *sql)
{
    if (!*slot &&
        sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        log_error("sqlite prepare failed: %s", sqlite3_errmsg(c->db));
        *slot = NULL;
    }
    return *slot;
}

static sqlite3_stmt *stmt(struct sqlite_conn *c, enum stmt_id id)
{
    return prepare(c, &c->stmts[id], stmt_sql[id]);
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* An empty id means "none": stored as NULL. */
static void bind_id(sqlite3_stmt *st, int i, const char *s)
{
    bind_text(st, i, s && *s ? s : NULL);
}

static char *col_str(struct arena *ar, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return NULL;
    return arena_strndup(ar, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
}

static void col_id(sqlite3_stmt *st, int i, char out[UUID_LEN])
{
    const unsigned char *s = sqlite3_column_text(st, i);
    size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;
    if (n >= UUID_LEN)
        n = UUID_LEN - 1;
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
}

static unsigned char *col_blob(struct arena *ar, sqlite3_stmt *st, int i, size_t *len)
{
    const void *b = sqlite3_column_blob(st, i);
    *len = (size_t)sqlite3_column_bytes(st, i);
    unsigned char *p = arena_alloc(ar, *len ? *len : 1);
    if (b && *len)
        memcpy(p, b, *len);
    return p;
}

/* Runs a statement that returns no rows and reports whether it changed one. */
static enum store_status run_change(struct sqlite_conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    enum store_status s = status_of(c, rc);
    if (s == STORE_OK && sqlite3_changes(c->db) == 0)
        s = STORE_NOT_FOUND;
    done(st);
    return s;
}

static enum store_status exec_sql(struct store_conn *base, const char *sql)
{
    struct sqlite_conn *c = sq(base);
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("sqlite exec failed: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return rc == SQLITE_BUSY ? STORE_UNAVAILABLE : STORE_ERROR;
    }
    return STORE_OK;
}

static void forget_deferred(struct sqlite_conn *c)
{
    for (size_t i = 0; i < c->n_deferred; i++)
        sqlite3_free(c->deferred[i]);
    c->n_deferred = 0;
    c->is_counting_deferred = false;
    c->n_loaded = 0;
}

static void close_conn(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    for (int i = 0; i < F_MASKS; i++) {
        sqlite3_finalize(c->rec_list[i]);
        sqlite3_finalize(c->rec_count[i]);
    }
    for (int i = 0; i < 2; i++) {
        sqlite3_finalize(c->rec_keys[i]);
        sqlite3_finalize(c->rec_seek[i]);
    }
    forget_deferred(c);
    free(c->deferred);
    free(c->loaded);
    sqlite3_close(c->db);
    free(c);
}

/* Before SQLite's first use: no global memory statistics, which would take a process-wide
 * mutex on every allocation of every connection. Then (registering initializes SQLite) the
 * VFS that writes a transaction's log frames together (walbuf.h); without it, SQLite's. */
static void configure_library(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (!walbuf_register())
        log_error("the log-batching VFS is not in use: SQLite has no default VFS to wrap");
}

static pthread_once_t library_once = PTHREAD_ONCE_INIT;

/* Huge pages are 2 MiB on x86-64 and on most arm64 kernels; an unaligned region only gets
 * them in its aligned middle. */
enum { HUGE_PAGE_BYTES = 2 << 20 };

bool store_sqlite_reserve_pages(int mib)
{
    int header = 0;
    if (mib <= 0 || sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header) != SQLITE_OK)
        return false;
    /* A slot holds a 4 KiB page (what this server makes) and its header; caches of databases
     * with larger pages go on allocating theirs one by one. */
    size_t slot = ((size_t)4096 + (size_t)header + 7) & ~(size_t)7;
    size_t bytes = (size_t)mib << 20;
    size_t slots = bytes / 4096;
    size_t len = slots * slot + HUGE_PAGE_BYTES;
    void *region = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        return false;
    uintptr_t at = ((uintptr_t)region + HUGE_PAGE_BYTES - 1) & ~(uintptr_t)(HUGE_PAGE_BYTES - 1);
#ifdef MADV_HUGEPAGE
    /* Advice only: without transparent huge pages it is 4 KiB pages as before. */
    (void)madvise((void *)at, slots * slot, MADV_HUGEPAGE);
#endif
    bool ok = sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)at, (int)slot, (int)slots) ==
              SQLITE_OK; /* refused once SQLite is in use: then it stays as it was */
    if (!ok)
        munmap(region, len);
    return ok;
}

static struct store_conn *open_conn(const char *path, char *err, size_t errlen)
{
    pthread_once(&library_once, configure_library);
    struct sqlite_conn *c = xcalloc(1, sizeof(*c));
    c->base.ops = &store_sqlite_ops;
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    /* WAL lets readers on other threads and processes go on while one writer commits;
     * synchronous=FULL makes each acknowledged commit survive power loss, not only a crash.
     * A new database gets 4 KiB pages (an existing one keeps its own): every commit writes
     * each page it changed to the log, about 7 for a SCIM user, so larger pages slow every
     * write (16 KiB: 20 % fewer SCIM creations a second), and an import, whose index builds
     * read the table through a memory map, gains nothing from them. */
    const char *setup = "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                        "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    rc = sqlite3_exec(c->db, setup, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 rc == SQLITE_BUSY ? "database is locked by another program (an import that has "
                                     "the database to itself keeps it until it ends)"
                 : msg             ? msg
                                   : "cannot configure");
        sqlite3_free(msg);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    return &c->base;
}

static int schema_version(struct sqlite_conn *c)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1,
                           &st, NULL) != SQLITE_OK) {
        return 0;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static bool is_initialized(struct store_conn *base)
{
    return schema_version(sq(base)) > 0;
}

static enum store_status migrate(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    /* BEGIN IMMEDIATE takes the write lock first, so two processes starting at once apply
     * each migration exactly once: the second waits, then sees the new version. */
    enum store_status s = exec_sql(base, "BEGIN IMMEDIATE");
    if (s != STORE_OK)
        return s;
    s = exec_sql(base, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                       "KEY, applied_at INTEGER NOT NULL)");
    if (s != STORE_OK)
        goto out;
    int have = schema_version(c);
    if ((size_t)have > store_sqlite_migrations_count) {
        log_error("the database's schema is version %d, newer than this program's %zu", have,
                  store_sqlite_migrations_count);
        s = STORE_STALE;
        goto out;
    }
    for (size_t v = (size_t)have; v < store_sqlite_migrations_count; v++) {
        s = exec_sql(base, store_sqlite_migrations[v]);
        if (s != STORE_OK)
            goto out;
        char sql[128];
        snprintf(sql, sizeof(sql), "INSERT INTO schema_migrations VALUES (%zu, %lld)", v + 1,
                 (long long)time_now_ms());
        s = exec_sql(base, sql);
        if (s != STORE_OK)
            goto out;
    }
    s = exec_sql(base, "COMMIT");
out:
    if (s != STORE_OK)
        exec_sql(base, "ROLLBACK");
    return s;
}

static enum store_status account_insert(struct store_conn *base, const struct store_account *a)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_ACCOUNT_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, a->id);
    bind_text(st, 2, a->name);
    bind_text(st, 3, a->plan);
    sqlite3_bind_int(st, 4, a->has_api_access);
    bind_id(st, 5, a->owner_id);
    sqlite3_bind_int64(st, 6, a->created_at);
    sqlite3_bind_int64(st, 7, a->updated_at);
    return run_change(c, st);
}

static enum store_status account_get(struct store_conn *base, struct arena *ar, const char *id,
                                     struct store_account *out)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_ACCOUNT_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK) {
        col_id(st, 0, out->id);
        out->name = col_str(ar, st, 1);
        out->plan = col_str(ar, st, 2);
        out->has_api_access = sqlite3_column_int(st, 3) != 0;
        col_id(st, 4, out->owner_id);
        out->created_at = sqlite3_column_int64(st, 5);
        out->updated_at = sqlite3_column_int64(st, 6);
    }
    done(st);
    return s;
}

static enum store_status account_update(struct store_conn *base, const char *id, const char *plan,
                                        int api_access, int64_t now)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_ACCOUNT_UPDATE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, plan);
    sqlite3_bind_int(st, 3, api_access);
    sqlite3_bind_int64(st, 4, now);
    return run_change(c, st);
}

static enum store_status account_any(struct store_conn *base, bool *has_any)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_ACCOUNT_ANY);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    *has_any = rc == SQLITE_ROW;
    enum store_status s = status_of(c, rc);
    done(st);
    return s;
}

static enum store_status user_insert(struct store_conn *base, const struct store_user *u)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_USER_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, u->account_id);
    bind_text(st, 2, u->id);
    bind_text(st, 3, u->email);
    bind_text(st, 4, u->name ? u->name : "");
    bind_text(st, 5, u->given_name);
    bind_text(st, 6, u->family_name);
    bind_text(st, 7, u->external_id);
    sqlite3_bind_int(st, 8, u->is_admin);
    sqlite3_bind_int(st, 9, u->is_member);
    sqlite3_bind_int(st, 10, u->is_editor);
    sqlite3_bind_int(st, 11, u->is_active);
    sqlite3_bind_int(st, 12, u->has_avatar);
    sqlite3_bind_int(st, 13, u->notify_first_view);
    sqlite3_bind_int(st, 14, u->notify_new_account_recording);
    sqlite3_bind_int(st, 15, u->notify_new_recording);
    sqlite3_bind_int64(st, 16, u->created_at);
    sqlite3_bind_int64(st, 17, u->updated_at);
    return run_change(c, st);
}

static void row_to_user(struct arena *ar, sqlite3_stmt *st, struct store_user *u)
{
    col_id(st, 0, u->id);
    col_id(st, 1, u->account_id);
    u->email = col_str(ar, st, 2);
    u->name = col_str(ar, st, 3);
    u->given_name = col_str(ar, st, 4);
    u->family_name = col_str(ar, st, 5);
    u->external_id = col_str(ar, st, 6);
    u->is_admin = sqlite3_column_int(st, 7) != 0;
    u->is_member = sqlite3_column_int(st, 8) != 0;
    u->is_editor = sqlite3_column_int(st, 9) != 0;
    u->is_active = sqlite3_column_int(st, 10) != 0;
    u->has_avatar = sqlite3_column_int(st, 11) != 0;
    u->notify_first_view = sqlite3_column_int(st, 12) != 0;
    u->notify_new_account_recording = sqlite3_column_int(st, 13) != 0;
    u->notify_new_recording = sqlite3_column_int(st, 14) != 0;
    u->version = sqlite3_column_int64(st, 15);
    u->created_at = sqlite3_column_int64(st, 16);
    u->updated_at = sqlite3_column_int64(st, 17);
    u->is_owner = sqlite3_column_int(st, 18) != 0;
}

static enum store_status user_one(struct sqlite_conn *c, struct arena *ar, enum stmt_id id,
                                  const char *account_id, const char *key, struct store_user *out)
{
    sqlite3_stmt *st = stmt(c, id);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, key);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK)
        row_to_user(ar, st, out);
    done(st);
    return s;
}

static enum store_status user_get(struct store_conn *base, struct arena *ar, const char *account_id,
                                  const char *id, struct store_user *out)
{
    return user_one(sq(base), ar, ST_USER_GET, account_id, id, out);
}

static enum store_status user_find_by_email(struct store_conn *base, struct arena *ar,
                                            const char *account_id, const char *email,
                                            struct store_user *out)
{
    return user_one(sq(base), ar, ST_USER_BY_EMAIL, account_id, email, out);
}

static enum store_status user_find_by_external_id(struct store_conn *base, struct arena *ar,
                                                  const char *account_id, const char *external_id,
                                                  struct store_user *out)
{
    return user_one(sq(base), ar, ST_USER_BY_EXTERNAL_ID, account_id, external_id, out);
}

static enum store_status user_update(struct store_conn *base, const struct store_user *u,
                                     int64_t expected_version)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_USER_UPDATE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, u->account_id);
    bind_text(st, 2, u->id);
    bind_text(st, 3, u->email);
    bind_text(st, 4, u->name ? u->name : "");
    bind_text(st, 5, u->given_name);
    bind_text(st, 6, u->family_name);
    bind_text(st, 7, u->external_id);
    sqlite3_bind_int(st, 8, u->is_admin);
    sqlite3_bind_int(st, 9, u->is_member);
    sqlite3_bind_int(st, 10, u->is_editor);
    sqlite3_bind_int(st, 11, u->is_active);
    sqlite3_bind_int64(st, 12, u->updated_at);
    sqlite3_bind_int64(st, 13, expected_version);
    enum store_status s = run_change(c, st);
    if (s != STORE_NOT_FOUND)
        return s;
    /* No row changed: the user is gone, or its version moved on. */
    sqlite3_stmt *ex = stmt(c, ST_USER_EXISTS);
    if (!ex)
        return STORE_ERROR;
    bind_text(ex, 1, u->account_id);
    bind_text(ex, 2, u->id);
    int rc = sqlite3_step(ex);
    s = rc == SQLITE_ROW ? STORE_STALE : rc == SQLITE_DONE ? STORE_NOT_FOUND : status_of(c, rc);
    done(ex);
    return s;
}

/* Runs a statement bound to (account_id, key) that changes rows. */
static enum store_status change_by_pair(struct store_conn *base, enum stmt_id id,
                                        const char *account_id, const char *key)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, id);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, key);
    return run_change(c, st);
}

static enum store_status user_delete(struct store_conn *base, const char *account_id,
                                     const char *id)
{
    return change_by_pair(base, ST_USER_DELETE, account_id, id);
}

static enum store_status user_scan(struct store_conn *base, const char *account_id,
                                   store_user_visit *visit, void *ctx)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_USER_SCAN);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    struct arena *scratch = arena_new();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_user u;
        row_to_user(scratch, st, &u);
        bool more = visit(&u, ctx);
        arena_free(scratch);
        scratch = arena_new();
        if (!more) {
            rc = SQLITE_DONE;
            break;
        }
    }
    arena_free(scratch);
    enum store_status s = status_of(c, rc);
    done(st);
    return s;
}

static enum store_status count_rows(struct sqlite_conn *c, sqlite3_stmt *st, int64_t *total)
{
    int rc = sqlite3_step(st);
    enum store_status s = status_of(c, rc);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    return s;
}

/* Reads up to limit users from a bound statement into a new array. */
static enum store_status read_users(struct sqlite_conn *c, struct arena *ar, sqlite3_stmt *st,
                                    int64_t limit, struct store_user **rows, size_t *n)
{
    *rows = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && (int64_t)*n < limit)
        row_to_user(ar, st, &(*rows)[(*n)++]);
    enum store_status s = status_of(c, rc);
    done(st);
    return s;
}

/* Steps a bound statement that lists (created_at, id) in list order and caches the key of
 * every STEP-th row for (account, list, version). */
static enum store_status collect_page_keys(struct sqlite_conn *c, sqlite3_stmt *st, int64_t total,
                                           const char *account_id, const char *list,
                                           int64_t version)
{
    size_t cap = (size_t)(total / PAGE_CACHE_STEP) + 1, n = 0;
    struct page_key *keys = xmalloc(cap * sizeof(*keys));
    int rc;
    int64_t row = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (++row % PAGE_CACHE_STEP != 0)
            continue;
        if (n == cap) {
            cap *= 2;
            keys = xrealloc(keys, cap * sizeof(*keys));
        }
        keys[n].created_at = sqlite3_column_int64(st, 0);
        col_id(st, 1, keys[n].id);
        n++;
    }
    enum store_status s = status_of(c, rc);
    done(st);
    if (s == STORE_OK)
        page_cache_put(account_id, list, version, keys, n);
    free(keys);
    return s;
}

/* The boundary key to seek from for row `offset` of a list, and the rows left to skip after it:
 * version is a bound statement reading the list's order version, keys one listing its
 * (created_at, id) in list order, run only when the page cache has nothing for that version.
 * STORE_NOT_FOUND when no boundary serves the offset. */
static enum store_status find_boundary(struct sqlite_conn *c, const char *account_id,
                                       const char *list, sqlite3_stmt *version, sqlite3_stmt *keys,
                                       int64_t offset, int64_t total, struct page_key *key,
                                       int64_t *skip)
{
    int64_t v;
    enum store_status s = count_rows(c, version, &v);
    if (s == STORE_OK &&
        page_cache_find(account_id, list, v, offset, key, skip) == PAGE_CACHE_MISS) {
        if ((s = collect_page_keys(c, keys, total, account_id, list, v)) != STORE_OK)
            return s;
        if (page_cache_find(account_id, list, v, offset, key, skip) == PAGE_CACHE_MISS)
            return STORE_NOT_FOUND;
    }
    done(keys);
    return s;
}

/* A deep page of users: seek past the cached boundary key, then skip what remains (less than
 * a step). STORE_NOT_FOUND when the cache cannot serve this page. */
static enum store_status seek_users_page(struct sqlite_conn *c, struct arena *ar,
                                         const char *account_id, int64_t offset, int64_t limit,
                                         int64_t total, struct store_user **rows, size_t *n)
{
    sqlite3_stmt *vs = stmt(c, ST_USER_ORDER_VERSION), *ks = stmt(c, ST_USER_KEYS);
    if (!vs || !ks)
        return STORE_ERROR;
    bind_text(vs, 1, account_id);
    bind_text(ks, 1, account_id);
    struct page_key key;
    int64_t skip;
    enum store_status s =
        find_boundary(c, account_id, PAGE_CACHE_USERS, vs, ks, offset, total, &key, &skip);
    if (s != STORE_OK)
        return s;
    sqlite3_stmt *st = stmt(c, ST_USER_SEEK);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, key.created_at);
    bind_text(st, 4, key.id);
    sqlite3_bind_int64(st, 5, skip);
    return read_users(c, ar, st, limit, rows, n);
}

static enum store_status user_list(struct store_conn *base, struct arena *ar,
                                   const char *account_id, int64_t offset, int64_t limit,
                                   struct store_user **rows, size_t *n, int64_t *total)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *cnt = stmt(c, ST_USER_COUNT);
    if (!cnt)
        return STORE_ERROR;
    bind_text(cnt, 1, account_id);
    enum store_status s = count_rows(c, cnt, total);
    if (s != STORE_OK)
        return s;
    if (offset >= 10 * PAGE_CACHE_STEP && offset < *total) {
        s = seek_users_page(c, ar, account_id, offset, limit, *total, rows, n);
        if (s != STORE_NOT_FOUND)
            return s;
    }
    sqlite3_stmt *st = stmt(c, ST_USER_LIST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    return read_users(c, ar, st, limit, rows, n);
}

static enum store_status user_set_password(struct store_conn *base, const char *account_id,
                                           const char *user_id, const char *hash, int64_t now)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_USER_PASSWORD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, user_id);
    bind_text(st, 3, hash);
    sqlite3_bind_int64(st, 4, now);
    return run_change(c, st);
}

static enum store_status token_insert(struct store_conn *base, enum store_token_kind kind,
                                      const struct store_token *t)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, kind == STORE_TOKEN_PERSONAL ? ST_PTOKEN_INSERT : ST_STOKEN_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, t->account_id);
    bind_text(st, 2, t->id);
    if (kind == STORE_TOKEN_PERSONAL) {
        bind_text(st, 3, t->user_id);
        bind_text(st, 4, t->name);
    }
    sqlite3_bind_blob(st, 5, t->hash, (int)t->hash_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, t->secret, (int)t->secret_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, t->created_at);
    return run_change(c, st);
}

static void row_to_token(struct arena *ar, sqlite3_stmt *st, struct store_token *t)
{
    col_id(st, 0, t->id);
    col_id(st, 1, t->account_id);
    t->name = col_str(ar, st, 2);
    t->hash = col_blob(ar, st, 3, &t->hash_len);
    t->secret = col_blob(ar, st, 4, &t->secret_len);
    t->created_at = sqlite3_column_int64(st, 5);
    t->revoked_at = sqlite3_column_int64(st, 6);
    col_id(st, 7, t->user_id);
    t->last_used_at = sqlite3_column_int64(st, 8);
}

static enum store_status token_get(struct store_conn *base, struct arena *ar,
                                   enum store_token_kind kind, const char *id,
                                   struct store_token *out)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, kind == STORE_TOKEN_PERSONAL ? ST_PTOKEN_GET : ST_STOKEN_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK)
        row_to_token(ar, st, out);
    done(st);
    return s;
}

static enum store_status token_list(struct store_conn *base, struct arena *ar,
                                    const char *account_id, const char *user_id,
                                    struct store_token **rows, size_t *n)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_PTOKEN_LIST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, user_id);
    size_t cap = 8;
    *rows = arena_calloc(ar, cap, sizeof(**rows));
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            struct store_token *grown = arena_calloc(ar, cap * 2, sizeof(*grown));
            memcpy(grown, *rows, cap * sizeof(*grown));
            *rows = grown;
            cap *= 2;
        }
        row_to_token(ar, st, &(*rows)[(*n)++]);
    }
    enum store_status s = status_of(c, rc);
    done(st);
    return s;
}

static enum store_status token_rename(struct store_conn *base, const char *account_id,
                                      const char *id, const char *name)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_PTOKEN_RENAME);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, id);
    bind_text(st, 3, name);
    return run_change(c, st);
}

/* Runs a statement bound to (account_id, key, time) that changes rows. */
static enum store_status change_at(struct store_conn *base, enum stmt_id id, const char *account_id,
                                   const char *key, int64_t at)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, id);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, key);
    sqlite3_bind_int64(st, 3, at);
    return run_change(c, st);
}

static enum store_status token_revoke(struct store_conn *base, enum store_token_kind kind,
                                      const char *account_id, const char *id, int64_t now)
{
    return change_at(base, kind == STORE_TOKEN_PERSONAL ? ST_PTOKEN_REVOKE : ST_STOKEN_REVOKE,
                     account_id, id, now);
}

static enum store_status auth_lookup(struct store_conn *base, struct arena *ar,
                                     enum store_token_kind kind, const unsigned char *hash,
                                     size_t hash_len, struct store_principal *out)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, kind == STORE_TOKEN_PERSONAL ? ST_PTOKEN_AUTH : ST_STOKEN_AUTH);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK) {
        col_id(st, 0, out->token_id);
        col_id(st, 1, out->account_id);
        col_id(st, 2, out->user_id);
        out->plan = col_str(ar, st, 3);
        out->has_api_access = sqlite3_column_int(st, 4) != 0;
        out->is_revoked = sqlite3_column_int(st, 5) != 0;
        out->is_user_active = sqlite3_column_int(st, 6) != 0;
        out->is_admin = sqlite3_column_int(st, 7) != 0;
        out->is_owner = sqlite3_column_int(st, 8) != 0;
        out->last_used_at = sqlite3_column_int64(st, 9);
    }
    done(st);
    return s;
}

/* Group commit: commits no longer wait for the disk; sync_log does, for many at once. In WAL
 * mode a commit is all in the log file, so flushing the log after the commit makes it exactly
 * as durable as synchronous=FULL would have. */
static enum store_status relax(struct store_conn *base)
{
    return exec_sql(base, "PRAGMA synchronous=NORMAL");
}

static int64_t changes(struct store_conn *base)
{
    return sqlite3_total_changes64(sq(base)->db);
}

static bool sync_log(const char *target, int *fd)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s-wal", target) >= (int)sizeof(path))
        return false;
    /* The log can be removed and made again (when every connection closed); flush the file
     * that is there now. */
    struct stat now, held;
    if (stat(path, &now) != 0)
        return errno == ENOENT; /* no log: every commit is already in the database file */
    if (*fd >= 0 &&
        (fstat(*fd, &held) != 0 || held.st_ino != now.st_ino || held.st_dev != now.st_dev)) {
        close(*fd);
        *fd = -1;
    }
    if (*fd < 0 && (*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    if (fdatasync(*fd) != 0) {
        log_error("cannot flush %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

static enum store_status bulk_mode(struct store_conn *base, int mib)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", mib * 1024);
    return exec_sql(base, sql);
}

/* Sets the journal mode; true when the database is in `mode` afterwards. */
static bool journal_mode(struct sqlite_conn *c, const char *mode)
{
    char sql[48];
    snprintf(sql, sizeof(sql), "PRAGMA journal_mode=%s", mode);
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), mode) == 0;
    sqlite3_finalize(st);
    return ok;
}

/* Leaving WAL mode needs every other connection closed: SQLite refuses it at once (no busy
 * wait) while one has the database open, so a load beside running servers goes on in WAL
 * mode. A process killed during the load leaves a hot journal, which the next connection to
 * open the database rolls back before it sets WAL mode again (open_conn). */
static enum store_status bulk_exclusive(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_busy_timeout(c->db, 0);
    bool ok = journal_mode(c, "delete");
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    return ok ? STORE_OK : STORE_UNAVAILABLE;
}

static enum store_status bulk_shared(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    if (journal_mode(c, "wal"))
        return STORE_OK;
    log_error("cannot set WAL mode again: %s", sqlite3_errmsg(c->db));
    return STORE_ERROR;
}

static enum store_status recording_total(struct store_conn *base, int64_t *n)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_RECORDING_TOTAL);
    return st ? count_rows(c, st, n) : STORE_ERROR;
}

/* A transaction that dropped indexes ends: rolled back, they are there again; committed, the
 * commit hook has refused it unless they were built again. */
static void forget_deferred_hook(void *c)
{
    forget_deferred(c);
}

static int refuse_commit_while_deferred(void *c)
{
    if (((struct sqlite_conn *)c)->n_deferred == 0)
        return 0;
    log_error("a commit without the recording indexes a bulk load dropped: rolled back");
    return 1;
}

/* Drops the recordings table's secondary indexes and its counting trigger, keeping their
 * definitions. Other connections go on reading the last committed snapshot, indexes included,
 * until the load commits with them made again (a commit without them turns into a rollback).
 * The trigger moves two counters a row (0.4 s of 1.9 for 100,000 recordings); the load counts
 * the accounts it touched again instead, once, at its end. */
static enum store_status recording_indexes_defer(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    if (c->n_deferred)
        return STORE_OK; /* already, in this transaction */
    if (sqlite3_get_autocommit(c->db))
        return STORE_ERROR; /* only inside a transaction */
    sqlite3_commit_hook(c->db, refuse_commit_while_deferred, c);
    sqlite3_rollback_hook(c->db, forget_deferred_hook, c);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = "
                           "'recordings' AND sql IS NOT NULL AND (type = 'index' OR (type = "
                           "'trigger' AND name = 'recordings_count_insert')) "
                           "ORDER BY type = 'trigger'",
                           -1, &st, NULL) != SQLITE_OK)
        return status_of(c, sqlite3_errcode(c->db));
    size_t n = 0, cap = 0;
    char **drops = NULL, **defs = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            defs = xrealloc(defs, cap * sizeof(*defs));
            drops = xrealloc(drops, cap * sizeof(*drops));
        }
        const char *type = (const char *)sqlite3_column_text(st, 0);
        bool is_trigger = strcmp(type, "trigger") == 0;
        drops[n] = sqlite3_mprintf("DROP %s \"%w\"", is_trigger ? "TRIGGER" : "INDEX",
                                   (const char *)sqlite3_column_text(st, 1));
        defs[n++] = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 2));
        c->is_counting_deferred |= is_trigger;
    }
    sqlite3_finalize(st);
    free(c->deferred);
    c->deferred = defs;
    c->n_deferred = n; /* before the drops: a failing one may roll back, which forgets them */
    enum store_status s = status_of(c, rc);
    for (size_t i = 0; i < n; i++) {
        if (s == STORE_OK)
            s = exec_sql(base, drops[i]);
        sqlite3_free(drops[i]);
    }
    free(drops);
    if (s != STORE_OK) /* rolled back by the caller: nothing to build */
        forget_deferred(c);
    return s;
}

/* Counts an account's recordings, and each of its users', again (what the counting trigger
 * keeps), from the indexes just built; and moves the account's order version. */
static enum store_status count_again(struct sqlite_conn *c, const char *account_id)
{
    static const char *const sql[] = {
        "UPDATE accounts SET recordings_count = (SELECT count(*) FROM recordings WHERE "
        "account_num = accounts.num), recordings_version = recordings_version + 1 WHERE id = ?1",
        "UPDATE users SET recordings_count = (SELECT count(*) FROM recordings r WHERE "
        "r." REC_ACCOUNT " AND r.user_id = users.id) WHERE account_id = ?1"};
    enum store_status s = STORE_OK;
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && s == STORE_OK; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(c->db, sql[i], -1, &st, NULL) != SQLITE_OK)
            return status_of(c, sqlite3_errcode(c->db));
        bind_text(st, 1, account_id);
        s = status_of(c, sqlite3_step(st));
        sqlite3_finalize(st);
    }
    return s;
}

/* Reads an integer PRAGMA into *v; false when it cannot. */
static bool pragma_int(struct sqlite_conn *c, const char *name, int *v)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA %s", name);
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

/* While the indexes are built: SQLite's sorter sorts and writes runs of at most the page
 * cache's size, and with helper threads it sorts each run on one of them while the scan of
 * the table goes on; runs of the default cache's 2 MiB keep the CPU the parsing thread had
 * busy. A scan and an index written in order need no larger cache. Each index is one scan of
 * the whole table, read through a memory map instead of a pread per page: SQLite maps only
 * pages that are in the database file and not changed in the page cache, so the scans see
 * exactly what they would through read calls. */
enum { BUILD_CACHE_KIB = 2048, BUILD_SORT_THREADS = 2, BUILD_MMAP_BYTES = 1 << 30 };

/* Makes again what recording_indexes_defer dropped (an index: one sort of the table). */
static enum store_status recording_indexes_build(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    int cache, mmap_bytes;
    if (!pragma_int(c, "cache_size", &cache) || !pragma_int(c, "mmap_size", &mmap_bytes))
        return status_of(c, sqlite3_errcode(c->db));
    char sql[128];
    snprintf(sql, sizeof(sql), "PRAGMA threads=%d; PRAGMA cache_size=-%d; PRAGMA mmap_size=%d",
             BUILD_SORT_THREADS, BUILD_CACHE_KIB, BUILD_MMAP_BYTES);
    enum store_status s = exec_sql(base, sql);
    for (size_t i = 0; i < c->n_deferred && s == STORE_OK; i++)
        s = exec_sql(base, c->deferred[i]);
    snprintf(sql, sizeof(sql), "PRAGMA threads=0; PRAGMA cache_size=%d; PRAGMA mmap_size=%d", cache,
             mmap_bytes);
    if (exec_sql(base, sql) != STORE_OK && s == STORE_OK)
        s = STORE_ERROR;
    for (size_t i = 0; i < c->n_loaded && s == STORE_OK; i++)
        s = count_again(c, c->loaded[i]);
    forget_deferred(c);
    return s;
}

/* Notes the account a bulk load inserts into while the counting trigger is dropped. */
static void note_loaded(struct sqlite_conn *c, const char *account_id)
{
    for (size_t i = c->n_loaded; i-- > 0;)
        if (strcmp(c->loaded[i], account_id) == 0)
            return;
    if (c->n_loaded == c->cap_loaded) {
        c->cap_loaded = c->cap_loaded ? 2 * c->cap_loaded : 4;
        c->loaded = xrealloc(c->loaded, c->cap_loaded * sizeof(*c->loaded));
    }
    snprintf(c->loaded[c->n_loaded++], UUID_LEN, "%s", account_id);
}

static enum store_status read_begin(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_READ_BEGIN);
    if (!st)
        return STORE_ERROR;
    enum store_status s = status_of(c, sqlite3_step(st));
    done(st);
    return s;
}

/* The WAL-index header at the start of the shared-memory file (-shm), in the layout
 * https://sqlite.org/walformat.html documents: written in two copies, the second first, at
 * every commit; readers take it when both copies agree. */
struct wal_index_header {
    uint32_t version;
    uint32_t unused;
    uint32_t change; /* moves with every write transaction */
    uint8_t is_init;
    uint8_t big_endian_checksum;
    uint16_t page_size;
    uint32_t max_frame; /* the last committed frame of the log */
    uint32_t pages;
    uint32_t frame_checksum[2];
    uint32_t salt[2]; /* change whenever the log restarts from its first frame */
    uint32_t checksum[2];
};
_Static_assert(sizeof(struct wal_index_header) == 48, "the WAL-index header is 48 bytes");

/* The connection's mapping of the shared-memory file, from the VFS that SQLite itself uses
 * (xShmMap of region 0: mapped by the connection's first read in WAL mode, or here, and
 * until it closes). NULL outside WAL mode. */
static const volatile unsigned char *wal_index(struct sqlite_conn *c)
{
    if (c->wal_index || c->is_not_wal)
        return c->wal_index;
    sqlite3_stmt *st = NULL;
    c->is_not_wal = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK ||
                    sqlite3_step(st) != SQLITE_ROW ||
                    strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0;
    sqlite3_finalize(st);
    if (c->is_not_wal)
        return NULL;
    sqlite3_file *f = NULL;
    void volatile *region = NULL;
    if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
        return NULL;
    if (f->pMethods->xShmMap(f, 0, 32 * 1024, 0, &region) != SQLITE_OK)
        return NULL;
    c->wal_index = region;
    return c->wal_index;
}

/* Every commit, by any connection of any process, writes a new header: a larger last frame,
 * or new salts when the log restarts. So equal headers mean nothing was committed in between.
 * This reads it as SQLite's readers do before they lock (both copies, the second after the
 * first, must agree), but takes no lock: on a torn read it reports no version. */
static bool change_version(struct store_conn *base, struct store_version *v)
{
    const volatile unsigned char *shm = wal_index(sq(base));
    if (!shm)
        return false;
    struct wal_index_header h[2];
    unsigned char *out = (unsigned char *)h;
    for (size_t i = 0; i < sizeof(h[0]); i++)
        out[i] = shm[i];
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    for (size_t i = sizeof(h[0]); i < sizeof(h); i++)
        out[i] = shm[i];
    if (memcmp(&h[0], &h[1], sizeof(h[0])) != 0 || !h[0].is_init)
        return false;
    v->words[0] = (uint64_t)h[0].change << 32 | h[0].max_frame;
    v->words[1] = (uint64_t)h[0].salt[0] << 32 | h[0].salt[1];
    v->words[2] = (uint64_t)h[0].frame_checksum[0] << 32 | h[0].frame_checksum[1];
    return true;
}

static void read_end(struct store_conn *base)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_READ_END);
    if (st) {
        (void)sqlite3_step(st);
        done(st);
    }
    if (!sqlite3_get_autocommit(c->db))
        (void)exec_sql(base, "ROLLBACK");
}

static enum store_status token_touch(struct store_conn *base, const char *account_id,
                                     const char *id, int64_t now)
{
    return change_at(base, ST_PTOKEN_TOUCH, account_id, id, now);
}

static enum store_status session_insert(struct store_conn *base, const struct store_session *se)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_SESSION_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, se->account_id);
    bind_text(st, 2, se->id);
    bind_text(st, 3, se->user_id);
    sqlite3_bind_blob(st, 4, se->hash, (int)se->hash_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, se->created_at);
    sqlite3_bind_int64(st, 6, se->expires_at);
    return run_change(c, st);
}

static enum store_status session_lookup(struct store_conn *base, struct arena *ar,
                                        const unsigned char *hash, size_t hash_len,
                                        struct store_session_view *out)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_SESSION_LOOKUP);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK) {
        row_to_user(ar, st, &out->user);
        col_id(st, 19, out->id);
        out->expires_at = sqlite3_column_int64(st, 20);
        out->account_name = col_str(ar, st, 21);
        out->plan = col_str(ar, st, 22);
        out->has_api_access = sqlite3_column_int(st, 23) != 0;
    }
    done(st);
    return s;
}

static enum store_status session_delete(struct store_conn *base, const char *account_id,
                                        const char *id)
{
    return change_by_pair(base, ST_SESSION_DELETE, account_id, id);
}

static enum store_status session_prune(struct store_conn *base, const char *account_id,
                                       const char *user_id, int64_t now)
{
    enum store_status s = change_at(base, ST_SESSION_PRUNE, account_id, user_id, now);
    return s == STORE_NOT_FOUND ? STORE_OK : s;
}

static enum store_status credentials_find(struct store_conn *base, struct arena *ar,
                                          const char *email, size_t max,
                                          struct store_credential **rows, size_t *n)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_CREDENTIALS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, email);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    *rows = arena_calloc(ar, max ? max : 1, sizeof(**rows));
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        struct store_credential *cr = &(*rows)[(*n)++];
        col_id(st, 0, cr->account_id);
        col_id(st, 1, cr->user_id);
        cr->password_hash = col_str(ar, st, 2);
        cr->is_active = sqlite3_column_int(st, 3) != 0;
        cr->failed_sign_ins = sqlite3_column_int(st, 4);
        cr->sign_in_blocked_until = sqlite3_column_int64(st, 5);
    }
    enum store_status s = status_of(c, rc);
    done(st);
    return s;
}

static enum store_status sign_in_record(struct store_conn *base, const char *account_id,
                                        const char *user_id, int failures, int64_t blocked_until)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_SIGN_IN_RECORD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, user_id);
    sqlite3_bind_int(st, 3, failures);
    sqlite3_bind_int64(st, 4, blocked_until);
    return run_change(c, st);
}

static enum store_status recording_insert(struct store_conn *base, const struct store_recording *r)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_RECORDING_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, r->id);
    bind_text(st, 2, r->account_id);
    bind_id(st, 3, r->user_id);
    bind_text(st, 4, r->user_email);
    sqlite3_bind_int64(st, 5, r->created_at);
    sqlite3_bind_int64(st, 6, r->updated_at);
    bind_text(st, 7, r->ticket_id);
    bind_text(st, 8, r->provider);
    bind_text(st, 9, r->customer_email);
    bind_text(st, 10, r->rendered);
    enum store_status s = run_change(c, st);
    if (s == STORE_OK && c->is_counting_deferred)
        note_loaded(c, r->account_id);
    return s;
}

/* Reads a REC_READ row. */
static void row_to_recording(struct arena *ar, sqlite3_stmt *st, struct store_recording *r)
{
    col_id(st, 0, r->id);
    col_id(st, 1, r->account_id);
    r->user_email = col_str(ar, st, 2);
    r->created_at = sqlite3_column_int64(st, 3);
    r->updated_at = sqlite3_column_int64(st, 4);
    r->customer_email = col_str(ar, st, 5);
    r->rendered = col_str(ar, st, 6);
}

/* Fills a recording read without its rendered JSON with every column (REC_COLS). */
static enum store_status load_full(struct sqlite_conn *c, struct arena *ar,
                                   struct store_recording *r)
{
    sqlite3_stmt *st = stmt(c, ST_RECORDING_FULL);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, r->account_id);
    bind_text(st, 2, r->id);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK) {
        col_id(st, 2, r->user_id);
        r->user_name = col_str(ar, st, 4);
        r->title = col_str(ar, st, 5);
        r->summary = col_str(ar, st, 6);
        r->description = col_str(ar, st, 7);
        r->duration = sqlite3_column_int64(st, 10);
        r->impressions_count = sqlite3_column_int64(st, 11);
        r->recording_type = col_str(ar, st, 12);
        r->recording_source = col_str(ar, st, 13);
        r->url = col_str(ar, st, 14);
        r->helpdesk_info = col_str(ar, st, 15);
        r->ticket_id = col_str(ar, st, 16);
        r->provider = col_str(ar, st, 17);
        r->vendor = col_str(ar, st, 18);
        r->ip_address = col_str(ar, st, 19);
        r->timezone = col_str(ar, st, 20);
        r->network_type = col_str(ar, st, 21);
        r->isp = col_str(ar, st, 22);
        r->console_logs = col_str(ar, st, 23);
    }
    done(st);
    return s;
}

/* Completes the rows that came without their rendered JSON. */
static enum store_status complete_rows(struct sqlite_conn *c, struct arena *ar,
                                       struct store_recording *rows, size_t n)
{
    enum store_status s = STORE_OK;
    for (size_t i = 0; i < n && s == STORE_OK; i++)
        if (!rows[i].rendered)
            s = load_full(c, ar, &rows[i]);
    return s;
}

static enum store_status recording_get(struct store_conn *base, struct arena *ar,
                                       const char *account_id, const char *user_id, const char *id,
                                       struct store_recording *out)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_RECORDING_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, id);
    bind_text(st, 3, user_id);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_ROW    ? STORE_OK
                          : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                              : status_of(c, rc);
    if (s == STORE_OK)
        row_to_recording(ar, st, out);
    done(st);
    return s == STORE_OK ? complete_rows(c, ar, out, 1) : s;
}

/* Parameters keep fixed numbers whatever the mask, so binding never depends on it. */
static void where_clause(char *out, size_t len, unsigned m)
{
    snprintf(out, len, "WHERE " REC_ACCOUNT "%s%s%s%s%s%s%s%s",
             m & F_USER ? " AND user_id = ?2" : "", m & F_TICKET ? " AND ticket_id = ?3" : "",
             m & F_PROVIDER ? " AND provider = ?4" : "",
             m & F_CUSTOMER ? " AND customer_email_lower = lower(?5)" : "",
             m & F_USER_EMAIL ? " AND user_email_lower = lower(?6)" : "",
             m & F_CREATED_AFTER ? " AND created_at > ?7" : "",
             m & F_CREATED_BEFORE ? " AND created_at < ?8" : "",
             m & F_UPDATED_AFTER ? " AND updated_at > ?9" : "");
}

static void bind_query(sqlite3_stmt *st, const struct store_recording_query *q)
{
    int max = sqlite3_bind_parameter_count(st);
    bind_text(st, 1, q->account_id);
    if (max >= 2)
        bind_text(st, 2, q->user_id);
    if (max >= 3)
        bind_text(st, 3, q->ticket_id);
    if (max >= 4)
        bind_text(st, 4, q->provider);
    if (max >= 5)
        bind_text(st, 5, q->customer_email);
    if (max >= 6)
        bind_text(st, 6, q->user_email);
    if (max >= 7)
        sqlite3_bind_int64(st, 7, q->created_after);
    if (max >= 8)
        sqlite3_bind_int64(st, 8, q->created_before);
    if (max >= 9)
        sqlite3_bind_int64(st, 9, q->updated_after);
}

static enum store_status read_rows(struct sqlite_conn *c, struct arena *ar, sqlite3_stmt *st,
                                   int64_t limit, struct store_recording **rows, size_t *n)
{
    *n = 0;
    *rows = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && (int64_t)*n < limit)
        row_to_recording(ar, st, &(*rows)[(*n)++]);
    enum store_status s = status_of(c, rc);
    done(st);
    return s == STORE_OK ? complete_rows(c, ar, *rows, *n) : s;
}

/* Reads the sort keys of every PAGE_CACHE_STEP-th recording, in list order, into the page
 * cache: one walk of the index instead of one per deep page. */
/* The statement listing the sort keys of q's list (all recordings, or one user's), bound. */
static sqlite3_stmt *page_keys(struct sqlite_conn *c, const struct store_recording_query *q)
{
    int which = q->user_id ? 1 : 0;
    sqlite3_stmt *st = prepare(
        c, &c->rec_keys[which],
        which ? "SELECT created_at, id FROM recordings WHERE " REC_ACCOUNT " AND user_id = ?2 "
                "ORDER BY created_at DESC, id DESC"
              : "SELECT created_at, id FROM recordings WHERE " REC_ACCOUNT " "
                "ORDER BY created_at DESC, id DESC");
    if (st) {
        bind_text(st, 1, q->account_id);
        if (which)
            bind_text(st, 2, q->user_id);
    }
    return st;
}

/* An unfiltered deep page: seek past the cached boundary key, then skip what remains (less
 * than a step). Returns STORE_NOT_FOUND when the cache cannot serve this page. */
static enum store_status seek_page(struct sqlite_conn *c, struct arena *ar,
                                   const struct store_recording_query *q, int64_t total,
                                   struct store_recording **rows, size_t *n)
{
    sqlite3_stmt *vs = stmt(c, ST_ACCOUNT_ORDER_VERSION), *ks = page_keys(c, q);
    if (!vs || !ks)
        return STORE_ERROR;
    bind_text(vs, 1, q->account_id);
    struct page_key key;
    int64_t skip;
    enum store_status s =
        find_boundary(c, q->account_id, q->user_id, vs, ks, q->offset, total, &key, &skip);
    if (s != STORE_OK)
        return s;
    int which = q->user_id ? 1 : 0;
    sqlite3_stmt *st = prepare(
        c, &c->rec_seek[which],
        which ? "SELECT " REC_READ "FROM recordings WHERE " REC_ACCOUNT " AND user_id = ?2 AND "
                "(created_at, id) < (?3, ?4) ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6"
              : "SELECT " REC_READ "FROM recordings WHERE " REC_ACCOUNT " AND ?2 IS NULL AND "
                "(created_at, id) < (?3, ?4) ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6");
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, q->account_id);
    bind_text(st, 2, q->user_id);
    sqlite3_bind_int64(st, 3, key.created_at);
    bind_text(st, 4, key.id);
    sqlite3_bind_int64(st, 5, q->limit);
    sqlite3_bind_int64(st, 6, skip);
    return read_rows(c, ar, st, q->limit, rows, n);
}

static enum store_status recording_list(struct store_conn *base, struct arena *ar,
                                        const struct store_recording_query *q,
                                        struct store_recording **rows, size_t *n, int64_t *total)
{
    struct sqlite_conn *c = sq(base);
    unsigned m = store_query_mask(q);
    char where[512], sql[2048];
    where_clause(where, sizeof(where), m);
    /* Every statement names ?9 and ?10/?11 so that parameter numbers stay fixed. */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM recordings %s AND ?9 IS ?9", where);
    /* Unfiltered lists read the counts the triggers of migration 002 keep. */
    sqlite3_stmt *cnt = m == 0        ? stmt(c, ST_ACCOUNT_RECORDINGS)
                        : m == F_USER ? stmt(c, ST_USER_RECORDINGS)
                                      : prepare(c, &c->rec_count[m], sql);
    if (!cnt)
        return STORE_ERROR;
    bind_query(cnt, q);
    enum store_status s = count_rows(c, cnt, total);
    if (s != STORE_OK)
        return s;
    if (q->offset >= *total) {
        /* Past the end: nothing to read, and no index to walk. */
        *n = 0;
        *rows = arena_calloc(ar, 1, sizeof(**rows));
        return STORE_OK;
    }
    if ((m == 0 || m == F_USER) && q->offset >= 10 * PAGE_CACHE_STEP) {
        s = seek_page(c, ar, q, *total, rows, n);
        if (s != STORE_NOT_FOUND)
            return s;
    }
    snprintf(sql, sizeof(sql),
             "SELECT " REC_READ "FROM recordings %s AND ?9 IS ?9 ORDER BY created_at DESC, id "
             "DESC LIMIT ?10 OFFSET ?11",
             where);
    sqlite3_stmt *st = prepare(c, &c->rec_list[m], sql);
    if (!st)
        return STORE_ERROR;
    bind_query(st, q);
    sqlite3_bind_int64(st, 10, q->limit);
    sqlite3_bind_int64(st, 11, q->offset);
    return read_rows(c, ar, st, q->limit, rows, n);
}

static enum store_status recording_update(struct store_conn *base, const char *account_id,
                                          const char *id, const struct store_recording_update *u)
{
    struct sqlite_conn *c = sq(base);
    sqlite3_stmt *st = stmt(c, ST_RECORDING_UPDATE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, account_id);
    bind_text(st, 2, id);
    sqlite3_bind_int64(st, 3, u->updated_at);
    bind_text(st, 4, u->rendered);
    return run_change(c, st);
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .open = open_conn,
    .close = close_conn,
    .migrate = migrate,
    .is_initialized = is_initialized,
    .exec = exec_sql,
    .relax = relax,
    .changes = changes,
    .sync_log = sync_log,
    .read_begin = read_begin,
    .change_version = change_version,
    .bulk_mode = bulk_mode,
    .bulk_exclusive = bulk_exclusive,
    .bulk_shared = bulk_shared,
    .recording_total = recording_total,
    .recording_indexes_defer = recording_indexes_defer,
    .recording_indexes_build = recording_indexes_build,
    .read_end = read_end,
    .account_insert = account_insert,
    .account_get = account_get,
    .account_update = account_update,
    .account_any = account_any,
    .user_insert = user_insert,
    .user_get = user_get,
    .user_find_by_email = user_find_by_email,
    .user_list = user_list,
    .user_find_by_external_id = user_find_by_external_id,
    .user_update = user_update,
    .user_delete = user_delete,
    .user_scan = user_scan,
    .user_set_password = user_set_password,
    .token_insert = token_insert,
    .token_get = token_get,
    .token_list = token_list,
    .token_rename = token_rename,
    .token_revoke = token_revoke,
    .auth_lookup = auth_lookup,
    .token_touch = token_touch,
    .session_insert = session_insert,
    .session_lookup = session_lookup,
    .session_delete = session_delete,
    .session_prune = session_prune,
    .credentials_find = credentials_find,
    .sign_in_record = sign_in_record,
    .recording_insert = recording_insert,
    .recording_get = recording_get,
    .recording_list = recording_list,
    .recording_update = recording_update,
};
