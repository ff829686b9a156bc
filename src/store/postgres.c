/* PostgreSQL backend (libpq): statements prepared once per connection, a reconnect when the
 * server went away, and migrations under an advisory lock so several servers can start at
 * once. Each connection belongs to one thread. Counters the SQLite backend keeps by trigger
 * are kept here in the same transaction as the write, which keeps the SQL portable. */
#include "store_int.h"

#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "page_cache.h"
#include "pq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char *const store_postgres_migrations[];
extern const size_t store_postgres_migrations_count;

enum { MIGRATION_LOCK = 727274, MAX_PARAMS = 32 };

#define USER_BASE                                                                                  \
    "u.id, u.account_id, u.email, u.name, u.given_name, u.family_name, u.external_id, "            \
    "u.is_admin, u.is_member, u.is_editor, u.is_active, u.has_avatar, "                            \
    "u.notify_first_view, u.notify_new_account_recording, u.notify_new_recording, u.version, "     \
    "u.created_at, u.updated_at, "
/* With the account joined (sessions), or with $1 the account id: its owner is read once per
 * statement, not joined to every row. */
#define USER_FIELDS USER_BASE "coalesce(a.owner_id = u.id, false) "
#define USER_FROM   "FROM users u JOIN accounts a ON a.id = u.account_id "
#define USER_COLS                                                                                  \
    USER_BASE "coalesce((SELECT owner_id FROM accounts WHERE id = $1) = u.id, false) FROM users "  \
              "u "

#define REC_COLS                                                                                   \
    "id, account_id, user_id, user_email, user_name, title, summary, description, created_at, "    \
    "updated_at, duration, impressions_count, recording_type, recording_source, url, "             \
    "helpdesk_info, ticket_id, provider, vendor, ip_address, timezone, network_type, isp, "        \
    "console_logs, customer_email, rendered "

#define TOKEN_COLS "id, account_id, name, token_hash, token_secret, created_at, revoked_at"

/* The statements, prepared by index on first use. */
#define PG_STATEMENTS(X)                                                                           \
    X(ACCOUNT_INSERT, "INSERT INTO accounts (id, name, plan, api_access, owner_id, created_at, "   \
                      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")                           \
    X(ACCOUNT_GET, "SELECT id, name, plan, api_access, owner_id, created_at, updated_at "          \
                   "FROM accounts WHERE id = $1")                                                  \
    X(ACCOUNT_UPDATE, "UPDATE accounts SET plan = coalesce($2::text, plan), api_access = CASE "    \
                      "WHEN $3::int < 0 THEN api_access ELSE $3::int = 1 END, updated_at = $4 "    \
                      "WHERE id = $1")                                                             \
    X(ACCOUNT_ANY, "SELECT 1 FROM accounts LIMIT 1")                                               \
    X(ACCOUNT_RECORDINGS, "SELECT recordings_count FROM accounts WHERE id = $1")                   \
    X(RECORDING_TOTAL, "SELECT coalesce(sum(recordings_count), 0) FROM accounts")                  \
    X(CHANGE_VERSION, "SELECT pg_snapshot_xmax(s)::text, ('x' || substr(md5(s::text), 1, 16))"     \
                      "::bit(64)::bigint, (extract(epoch FROM pg_postmaster_start_time()) * "      \
                      "1000000)::bigint FROM pg_current_snapshot() AS s")                          \
    X(ACCOUNT_ORDER_VERSION, "SELECT recordings_version FROM accounts WHERE id = $1")              \
    X(ACCOUNT_COUNT_UP, "UPDATE accounts SET recordings_count = recordings_count + $2, "           \
                        "recordings_version = recordings_version + 1 WHERE id = $1")               \
    X(USER_INSERT, "INSERT INTO users (account_id, id, email, email_lower, name, given_name, "     \
                   "family_name, external_id, is_admin, is_member, is_editor, is_active, "         \
                   "has_avatar, notify_first_view, notify_new_account_recording, "                 \
                   "notify_new_recording, version, created_at, updated_at) VALUES ($1, $2, $3, "   \
                   "lower($3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, "     \
                   "$17)")                                                                         \
    X(USER_GET, "SELECT " USER_COLS "WHERE u.account_id = $1 AND u.id = $2")                       \
    X(USER_BY_EMAIL, "SELECT " USER_COLS "WHERE u.account_id = $1 AND u.email_lower = lower($2)")  \
    X(USER_BY_EXTERNAL_ID, "SELECT " USER_COLS "WHERE u.account_id = $1 AND u.external_id = $2")   \
    X(USER_LIST,                                                                                   \
      "SELECT " USER_COLS "WHERE u.account_id = $1 AND (u.created_at, u.id) >= "                   \
      "(SELECT created_at, id FROM users WHERE account_id = $1 "                                   \
      "ORDER BY created_at, id OFFSET $3 LIMIT 1) ORDER BY u.created_at, u.id LIMIT $2")           \
    X(USER_SCAN, "SELECT " USER_COLS "WHERE u.account_id = $1 ORDER BY u.created_at, u.id")        \
    X(USER_COUNT, "SELECT count(*) FROM users WHERE account_id = $1")                              \
    X(USER_RECORDINGS, "SELECT recordings_count FROM users WHERE account_id = $1 AND id = $2")     \
    X(USER_COUNT_UP, "UPDATE users SET recordings_count = recordings_count + $3 "                  \
                     "WHERE account_id = $1 AND id = $2")                                          \
    X(USER_PASSWORD, "UPDATE users SET password_hash = $3, updated_at = $4 "                       \
                     "WHERE account_id = $1 AND id = $2")                                          \
    X(USER_UPDATE, "UPDATE users SET email = $3, email_lower = lower($3), name = $4, "             \
                   "given_name = $5, family_name = $6, external_id = $7, is_admin = $8, "          \
                   "is_member = $9, is_editor = $10, is_active = $11, updated_at = $12, "          \
                   "version = version + 1 WHERE account_id = $1 AND id = $2 AND version = $13")    \
    X(USER_EXISTS, "SELECT 1 FROM users WHERE account_id = $1 AND id = $2")                        \
    X(USER_DELETE, "DELETE FROM users WHERE account_id = $1 AND id = $2")                          \
    X(PTOKEN_INSERT, "INSERT INTO personal_tokens (account_id, id, user_id, name, token_hash, "    \
                     "token_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")              \
    X(STOKEN_INSERT, "INSERT INTO scim_tokens (account_id, id, token_hash, token_secret, "         \
                     "created_at) VALUES ($1, $2, $3, $4, $5)")                                    \
    X(PTOKEN_GET, "SELECT " TOKEN_COLS ", user_id, last_used_at FROM personal_tokens "             \
                  "WHERE id = $1")                                                                 \
    X(STOKEN_GET, "SELECT id, account_id, NULL, token_hash, token_secret, created_at, "            \
                  "revoked_at, '', NULL FROM scim_tokens WHERE id = $1")                           \
    X(PTOKEN_LIST, "SELECT " TOKEN_COLS ", user_id, last_used_at FROM personal_tokens "            \
                   "WHERE account_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC")     \
    X(PTOKEN_RENAME, "UPDATE personal_tokens SET name = $3 WHERE id = $2 AND "                     \
                     "($1::text IS NULL OR account_id = $1)")                                      \
    X(PTOKEN_REVOKE, "UPDATE personal_tokens SET revoked_at = coalesce(revoked_at, $3) "           \
                     "WHERE id = $2 AND ($1::text IS NULL OR account_id = $1)")                    \
    X(STOKEN_REVOKE, "UPDATE scim_tokens SET revoked_at = coalesce(revoked_at, $3) "               \
                     "WHERE id = $2 AND ($1::text IS NULL OR account_id = $1)")                    \
    X(PTOKEN_AUTH,                                                                                 \
      "SELECT t.id, t.account_id, t.user_id, a.plan, a.api_access, "                               \
      "t.revoked_at IS NOT NULL, coalesce(u.is_active, false), "                                   \
      "coalesce(u.is_admin, false), coalesce(a.owner_id = u.id, false), "                          \
      "coalesce(t.last_used_at, 0) FROM personal_tokens t JOIN accounts a ON a.id = t.account_id " \
      "LEFT JOIN users u ON u.account_id = t.account_id AND u.id = t.user_id "                     \
      "WHERE t.token_hash = $1")                                                                   \
    X(STOKEN_AUTH, "SELECT t.id, t.account_id, '', a.plan, a.api_access, "                         \
                   "t.revoked_at IS NOT NULL, true, false, false, 0 "                              \
                   "FROM scim_tokens t JOIN accounts a ON a.id = t.account_id "                    \
                   "WHERE t.token_hash = $1")                                                      \
    X(PTOKEN_TOUCH,                                                                                \
      "UPDATE personal_tokens SET last_used_at = $3 WHERE account_id = $1 "                        \
      "AND id = $2 AND (last_used_at IS NULL OR last_used_at <= $3::bigint - 60000)")              \
    X(SESSION_INSERT, "INSERT INTO sessions (account_id, id, user_id, token_hash, created_at, "    \
                      "expires_at) VALUES ($1, $2, $3, $4, $5, $6)")                               \
    X(SESSION_LOOKUP,                                                                              \
      "SELECT " USER_FIELDS ", s.id, s.expires_at, a.name, a.plan, a.api_access " USER_FROM        \
      "JOIN sessions s ON s.account_id = u.account_id AND "                                        \
      "s.user_id = u.id WHERE s.token_hash = $1")                                                  \
    X(SESSION_DELETE, "DELETE FROM sessions WHERE account_id = $1 AND id = $2")                    \
    X(SESSION_PRUNE, "DELETE FROM sessions WHERE account_id = $1 AND user_id = $2 AND "            \
                     "expires_at < $3")                                                            \
    X(CREDENTIALS, "SELECT account_id, id, password_hash, is_active, failed_sign_ins, "            \
                   "sign_in_blocked_until FROM users WHERE email_lower = lower($1) "               \
                   "ORDER BY created_at, account_id LIMIT $2")                                     \
    X(SIGN_IN_RECORD, "UPDATE users SET failed_sign_ins = $3, sign_in_blocked_until = $4 "         \
                      "WHERE account_id = $1 AND id = $2")                                         \
    X(RECORDING_INSERT, "INSERT INTO recordings (" REC_COLS ", customer_email_lower, "             \
                        "user_email_lower) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " \
                        "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, "   \
                        "$26, lower($25), lower($4))")                                             \
    X(RECORDING_GET, "SELECT " REC_COLS "FROM recordings WHERE account_id = $1 AND id = $2 "       \
                     "AND ($3::text IS NULL OR user_id = $3)")                                     \
    X(RECORDING_UPDATE, "UPDATE recordings SET title = CASE WHEN $3 THEN $4 ELSE title END, "      \
                        "summary = CASE WHEN $5 THEN $6 ELSE summary END, "                        \
                        "description = CASE WHEN $7 THEN $8 ELSE description END, "                \
                        "updated_at = $9, rendered = $10 WHERE account_id = $1 AND id = $2")       \
    X(KEYS_ALL, "SELECT created_at, id, (SELECT recordings_version FROM accounts WHERE id = $1) "  \
                "FROM recordings WHERE account_id = $1 ORDER BY created_at DESC, id DESC")         \
    X(KEYS_USER, "SELECT created_at, id, (SELECT recordings_version FROM accounts WHERE id = $1) " \
                 "FROM recordings WHERE account_id = $1 AND user_id = $2 "                         \
                 "ORDER BY created_at DESC, id DESC")                                              \
    X(SEEK_ALL, "SELECT " REC_COLS "FROM recordings WHERE account_id = $1 AND $2::text IS NULL "   \
                "AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC "               \
                "LIMIT $5 OFFSET $6")                                                              \
    X(SEEK_USER, "SELECT " REC_COLS "FROM recordings WHERE account_id = $1 AND user_id = $2 "      \
                 "AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC "              \
                 "LIMIT $5 OFFSET $6")

enum pg_stmt {
#define PG_ENUM(name, sql) PG_##name,
    PG_STATEMENTS(PG_ENUM)
#undef PG_ENUM
        PG_COUNT
};

static const char *const pg_sql[PG_COUNT] = {
#define PG_TEXT(name, sql) sql,
    PG_STATEMENTS(PG_TEXT)
#undef PG_TEXT
};

/* Counter changes of an open transaction, applied once before COMMIT: updating the same
 * counter row once per recording would leave a chain of row versions that every later
 * update in the transaction walks (quadratic in the size of an import). */
enum { PENDING_MAX = 64 };
struct pending_count {
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];
    int64_t delta;
};

struct pg_conn {
    struct store_conn base;
    PGconn *db;
    bool is_in_transaction;
    bool is_version_unavailable; /* change_version failed other than by a lost connection */
    struct pending_count pending[PENDING_MAX];
    size_t n_pending;
    bool prepared[PG_COUNT];
    bool list_prepared[F_MASKS], count_prepared[F_MASKS];
    bool is_alone;   /* store_bulk_exclusive found no other session on the database */
    char **deferred; /* CREATE INDEX statements a bulk load dropped, to run at its end */
    size_t n_deferred;
};

static struct pg_conn *pg(struct store_conn *c)
{
    return (struct pg_conn *)c;
}

/* Parameters in text form (or binary for bytea), built up in order. */
struct params {
    int n;
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    char numbers[MAX_PARAMS][24];
};

static void p_text(struct params *p, const char *s)
{
    p->values[p->n] = s;
    p->lengths[p->n] = 0;
    p->formats[p->n] = 0;
    p->n++;
}

static void p_id(struct params *p, const char *s)
{
    p_text(p, s && *s ? s : NULL);
}

static void p_int(struct params *p, int64_t v)
{
    snprintf(p->numbers[p->n], sizeof(p->numbers[0]), "%lld", (long long)v);
    p_text(p, p->numbers[p->n]);
}

static void p_bool(struct params *p, bool v)
{
    p_text(p, v ? "t" : "f");
}

static void p_blob(struct params *p, const unsigned char *data, size_t len)
{
    p->values[p->n] = (const char *)data;
    p->lengths[p->n] = (int)len;
    p->formats[p->n] = 1;
    p->n++;
}

static enum store_status status_of_result(struct pg_conn *c, PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE)
        return STORE_OK;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state && (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0))
        return STORE_CONFLICT;
    if (PQstatus(c->db) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0 || strcmp(state, "40001") == 0 ||
        strcmp(state, "40P01") == 0 || strcmp(state, "53300") == 0 || strcmp(state, "55P03") == 0) {
        log_error("postgres unavailable: %s", PQerrorMessage(c->db));
        return STORE_UNAVAILABLE;
    }
    log_error("postgres error %s: %s", state, res ? PQresultErrorMessage(res) : "");
    return STORE_ERROR;
}

/* The session's settings, again after every reconnection. A statement waits at most 5 s for
 * a lock (as SQLite's busy timeout), then the request answers 503: an import that dropped the
 * recordings' indexes holds their table until it commits, and no request may hang behind it. */
static void configure_session(struct pg_conn *c)
{
    PGresult *res = PQexec(c->db, "SET client_min_messages = warning; SET lock_timeout = '5s'");
    PQclear(res);
}

/* Reconnects a connection the server dropped. Prepared statements died with it. */
static bool reconnect(struct pg_conn *c)
{
    if (PQstatus(c->db) == CONNECTION_OK)
        return true;
    if (c->is_in_transaction)
        return false; /* the transaction is lost; its owner must learn that */
    PQreset(c->db);
    memset(c->prepared, 0, sizeof(c->prepared));
    memset(c->list_prepared, 0, sizeof(c->list_prepared));
    memset(c->count_prepared, 0, sizeof(c->count_prepared));
    if (PQstatus(c->db) != CONNECTION_OK) {
        log_error("postgres reconnect failed: %s", PQerrorMessage(c->db));
        return false;
    }
    configure_session(c);
    log_info("postgres connection re-established");
    return true;
}

/* STORE_OK once prepared; else why not (STORE_UNAVAILABLE for a lost connection or a lock
 * not granted in time: preparing locks the tables a statement names). */
static enum store_status prepare_named(struct pg_conn *c, const char *name, const char *sql,
                                       bool *done)
{
    if (*done)
        return STORE_OK;
    PGresult *res = PQprepare(c->db, name, sql, 0, NULL);
    enum store_status s = status_of_result(c, res);
    if (s != STORE_OK)
        log_error("postgres prepare %s failed: %s", name, PQresultErrorMessage(res));
    PQclear(res);
    *done = s == STORE_OK;
    return s;
}

/* Executes a prepared statement; one retry after a reconnect when outside a transaction.
 * Returns the result (the caller clears it) and its status in *s. */
static PGresult *exec_named(struct pg_conn *c, const char *name, const char *sql, bool *done,
                            const struct params *p, enum store_status *s)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!reconnect(c)) {
            *s = STORE_UNAVAILABLE;
            return NULL;
        }
        enum store_status ps = prepare_named(c, name, sql, done);
        if (ps != STORE_OK) {
            if (PQstatus(c->db) != CONNECTION_OK)
                continue;
            *s = ps;
            return NULL;
        }
        PGresult *res = PQexecPrepared(c->db, name, p ? p->n : 0, p ? p->values : NULL,
                                       p ? p->lengths : NULL, p ? p->formats : NULL, 0);
        *s = status_of_result(c, res);
        if (*s == STORE_UNAVAILABLE && PQstatus(c->db) != CONNECTION_OK && !c->is_in_transaction &&
            attempt == 0) {
            PQclear(res);
            continue;
        }
        return res;
    }
    *s = STORE_UNAVAILABLE;
    return NULL;
}

static PGresult *run(struct pg_conn *c, enum pg_stmt id, const struct params *p,
                     enum store_status *s)
{
    char name[16];
    snprintf(name, sizeof(name), "s%d", (int)id);
    return exec_named(c, name, pg_sql[id], &c->prepared[id], p, s);
}

/* Called with each row of a streamed statement (a one-row result); returns false to stop. */
typedef bool row_visit(PGresult *row, void *ctx);

/* Runs a prepared statement in libpq's single-row mode, so memory does not grow with the
 * number of rows: each row is handed to visit and freed. */
static enum store_status stream(struct pg_conn *c, enum pg_stmt id, const struct params *p,
                                row_visit *visit, void *ctx)
{
    char name[16];
    snprintf(name, sizeof(name), "s%d", (int)id);
    if (!reconnect(c))
        return STORE_UNAVAILABLE;
    enum store_status ps = prepare_named(c, name, pg_sql[id], &c->prepared[id]);
    if (ps != STORE_OK)
        return ps;
    if (!PQsendQueryPrepared(c->db, name, p->n, p->values, p->lengths, p->formats, 0) ||
        !PQsetSingleRowMode(c->db))
        return status_of_result(c, NULL);
    enum store_status s = STORE_OK;
    bool more = true;
    PGresult *r;
    while ((r = PQgetResult(c->db))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE) {
            if (more)
                more = visit(r, ctx); /* after a stop, the rest is drained unread */
        } else if (st != PGRES_TUPLES_OK) {
            s = status_of_result(c, r);
        }
        PQclear(r);
    }
    return s;
}

/* Runs a statement that returns no rows; STORE_NOT_FOUND when it changed none. */
static enum store_status run_change(struct pg_conn *c, enum pg_stmt id, const struct params *p)
{
    enum store_status s;
    PGresult *res = run(c, id, p, &s);
    if (s == STORE_OK && strcmp(PQcmdTuples(res), "0") == 0)
        s = STORE_NOT_FOUND;
    PQclear(res);
    return s;
}

/* Runs a statement that returns at most one row; STORE_NOT_FOUND when none. */
static PGresult *run_one(struct pg_conn *c, enum pg_stmt id, const struct params *p,
                         enum store_status *s)
{
    PGresult *res = run(c, id, p, s);
    if (*s == STORE_OK && PQntuples(res) == 0)
        *s = STORE_NOT_FOUND;
    return res;
}

static char *col_str(struct arena *ar, PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return arena_strndup(ar, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static void col_id(PGresult *r, int row, int col, char out[UUID_LEN])
{
    size_t n = PQgetisnull(r, row, col) ? 0 : (size_t)PQgetlength(r, row, col);
    if (n >= UUID_LEN)
        n = UUID_LEN - 1;
    if (n)
        memcpy(out, PQgetvalue(r, row, col), n);
    out[n] = '\0';
}

static int64_t col_int(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static bool col_bool(PGresult *r, int row, int col)
{
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static unsigned char *col_blob(struct arena *ar, PGresult *r, int row, int col, size_t *len)
{
    size_t n = 0;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
    unsigned char *out = arena_alloc(ar, n ? n : 1);
    if (raw && n)
        memcpy(out, raw, n);
    PQfreemem(raw);
    *len = raw ? n : 0;
    return out;
}

static enum store_status flush_counts(struct pg_conn *c);

static void forget_deferred(struct pg_conn *c)
{
    for (size_t i = 0; i < c->n_deferred; i++)
        free(c->deferred[i]);
    c->n_deferred = 0;
}

static enum store_status exec_sql(struct store_conn *base, const char *sql)
{
    struct pg_conn *c = pg(base);
    if (strcmp(sql, "COMMIT") == 0 && c->n_deferred > 0) {
        log_error("a commit without the recording indexes a bulk load dropped: rolled back");
        exec_sql(base, "ROLLBACK");
        return STORE_ERROR;
    }
    if (strcmp(sql, "ROLLBACK") == 0)
        forget_deferred(c);
    if (strcmp(sql, "COMMIT") == 0 && c->n_pending > 0) {
        enum store_status fs = flush_counts(c);
        if (fs != STORE_OK) {
            PGresult *rb = PQexec(c->db, "ROLLBACK");
            PQclear(rb);
            c->is_in_transaction = false;
            return fs;
        }
    }
    if (strcmp(sql, "ROLLBACK") == 0)
        c->n_pending = 0;
    bool is_begin = strncmp(sql, "BEGIN", 5) == 0;
    bool is_end = strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
    if (!c->is_in_transaction && !reconnect(c))
        return STORE_UNAVAILABLE;
    PGresult *res = PQexec(c->db, sql);
    enum store_status s = status_of_result(c, res);
    PQclear(res);
    if (is_begin && s == STORE_OK)
        c->is_in_transaction = true;
    if (is_end)
        c->is_in_transaction = false;
    return s;
}

static void close_conn(struct store_conn *base)
{
    struct pg_conn *c = pg(base);
    forget_deferred(c);
    free(c->deferred);
    PQfinish(c->db);
    free(c);
}

static struct store_conn *open_conn(const char *uri, char *err, size_t errlen)
{
    if (!pq_load(err, errlen))
        return NULL;
    struct pg_conn *c = xcalloc(1, sizeof(*c));
    c->base.ops = &store_postgres_ops;
    c->db = PQconnectdb(uri);
    if (PQstatus(c->db) != CONNECTION_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(c->db));
        err[strcspn(err, "\n")] = '\0';
        PQfinish(c->db);
        free(c);
        return NULL;
    }
    configure_session(c);
    return &c->base;
}

static int64_t schema_version(struct pg_conn *c)
{
    PGresult *res = PQexec(c->db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    int64_t v = PQresultStatus(res) == PGRES_TUPLES_OK ? col_int(res, 0, 0) : 0;
    PQclear(res);
    return v;
}

static bool is_initialized(struct store_conn *base)
{
    return schema_version(pg(base)) > 0;
}

static enum store_status migrate(struct store_conn *base)
{
    struct pg_conn *c = pg(base);
    char sql[160];
    /* The advisory lock makes servers that start together take turns: the first applies the
     * migrations, the others then find nothing to do. */
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(%d)", MIGRATION_LOCK);
    enum store_status s = exec_sql(base, sql);
    if (s != STORE_OK)
        return s;
    s = exec_sql(base, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY "
                       "KEY, applied_at BIGINT NOT NULL)");
    int have = s == STORE_OK ? schema_version(c) : 0;
    if ((size_t)have > store_postgres_migrations_count) {
        log_error("the database's schema is version %d, newer than this program's %zu", have,
                  store_postgres_migrations_count);
        s = STORE_STALE;
    }
    for (size_t v = (size_t)have; s == STORE_OK && v < store_postgres_migrations_count; v++) {
        s = exec_sql(base, "BEGIN");
        if (s == STORE_OK)
            s = exec_sql(base, store_postgres_migrations[v]);
        snprintf(sql, sizeof(sql), "INSERT INTO schema_migrations VALUES (%zu, %lld)", v + 1,
                 (long long)time_now_ms());
        if (s == STORE_OK)
            s = exec_sql(base, sql);
        s = s == STORE_OK ? exec_sql(base, "COMMIT") : (exec_sql(base, "ROLLBACK"), s);
    }
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%d)", MIGRATION_LOCK);
    exec_sql(base, sql);
    return s;
}

static enum store_status account_insert(struct store_conn *base, const struct store_account *a)
{
    struct params p = {0};
    p_text(&p, a->id);
    p_text(&p, a->name);
    p_text(&p, a->plan);
    p_bool(&p, a->has_api_access);
    p_id(&p, a->owner_id);
    p_int(&p, a->created_at);
    p_int(&p, a->updated_at);
    return run_change(pg(base), PG_ACCOUNT_INSERT, &p);
}

static enum store_status account_get(struct store_conn *base, struct arena *ar, const char *id,
                                     struct store_account *out)
{
    struct params p = {0};
    p_text(&p, id);
    enum store_status s;
    PGresult *r = run_one(pg(base), PG_ACCOUNT_GET, &p, &s);
    if (s == STORE_OK) {
        col_id(r, 0, 0, out->id);
        out->name = col_str(ar, r, 0, 1);
        out->plan = col_str(ar, r, 0, 2);
        out->has_api_access = col_bool(r, 0, 3);
        col_id(r, 0, 4, out->owner_id);
        out->created_at = col_int(r, 0, 5);
        out->updated_at = col_int(r, 0, 6);
    }
    PQclear(r);
    return s;
}

static enum store_status account_update(struct store_conn *base, const char *id, const char *plan,
                                        int api_access, int64_t now)
{
    struct params p = {0};
    p_text(&p, id);
    p_text(&p, plan);
    p_int(&p, api_access);
    p_int(&p, now);
    return run_change(pg(base), PG_ACCOUNT_UPDATE, &p);
}

static enum store_status account_any(struct store_conn *base, bool *has_any)
{
    enum store_status s;
    PGresult *r = run(pg(base), PG_ACCOUNT_ANY, NULL, &s);
    *has_any = s == STORE_OK && PQntuples(r) > 0;
    PQclear(r);
    return s;
}

static enum store_status user_insert(struct store_conn *base, const struct store_user *u)
{
    struct params p = {0};
    p_text(&p, u->account_id);
    p_text(&p, u->id);
    p_text(&p, u->email);
    p_text(&p, u->name ? u->name : "");
    p_text(&p, u->given_name);
    p_text(&p, u->family_name);
    p_text(&p, u->external_id);
    p_bool(&p, u->is_admin);
    p_bool(&p, u->is_member);
    p_bool(&p, u->is_editor);
    p_bool(&p, u->is_active);
    p_bool(&p, u->has_avatar);
    p_bool(&p, u->notify_first_view);
    p_bool(&p, u->notify_new_account_recording);
    p_bool(&p, u->notify_new_recording);
    p_int(&p, u->created_at);
    p_int(&p, u->updated_at);
    return run_change(pg(base), PG_USER_INSERT, &p);
}

static void row_to_user(struct arena *ar, PGresult *r, int i, struct store_user *u)
{
    col_id(r, i, 0, u->id);
    col_id(r, i, 1, u->account_id);
    u->email = col_str(ar, r, i, 2);
    u->name = col_str(ar, r, i, 3);
    u->given_name = col_str(ar, r, i, 4);
    u->family_name = col_str(ar, r, i, 5);
    u->external_id = col_str(ar, r, i, 6);
    u->is_admin = col_bool(r, i, 7);
    u->is_member = col_bool(r, i, 8);
    u->is_editor = col_bool(r, i, 9);
    u->is_active = col_bool(r, i, 10);
    u->has_avatar = col_bool(r, i, 11);
    u->notify_first_view = col_bool(r, i, 12);
    u->notify_new_account_recording = col_bool(r, i, 13);
    u->notify_new_recording = col_bool(r, i, 14);
    u->version = col_int(r, i, 15);
    u->created_at = col_int(r, i, 16);
    u->updated_at = col_int(r, i, 17);
    u->is_owner = col_bool(r, i, 18);
}

static enum store_status user_one(struct store_conn *base, struct arena *ar, enum pg_stmt id,
                                  const char *account_id, const char *key, struct store_user *out)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, key);
    enum store_status s;
    PGresult *r = run_one(pg(base), id, &p, &s);
    if (s == STORE_OK)
        row_to_user(ar, r, 0, out);
    PQclear(r);
    return s;
}

static enum store_status user_get(struct store_conn *base, struct arena *ar, const char *account_id,
                                  const char *id, struct store_user *out)
{
    return user_one(base, ar, PG_USER_GET, account_id, id, out);
}

static enum store_status user_find_by_email(struct store_conn *base, struct arena *ar,
                                            const char *account_id, const char *email,
                                            struct store_user *out)
{
    return user_one(base, ar, PG_USER_BY_EMAIL, account_id, email, out);
}

static enum store_status user_find_by_external_id(struct store_conn *base, struct arena *ar,
                                                  const char *account_id, const char *external_id,
                                                  struct store_user *out)
{
    return user_one(base, ar, PG_USER_BY_EXTERNAL_ID, account_id, external_id, out);
}

static enum store_status count_of(struct pg_conn *c, enum pg_stmt id, const struct params *p,
                                  int64_t *total)
{
    enum store_status s;
    PGresult *r = run(c, id, p, &s);
    *total = s == STORE_OK && PQntuples(r) > 0 ? col_int(r, 0, 0) : 0;
    PQclear(r);
    return s;
}

/* The statement's snapshot: which transactions it sees as committed is all that decides what
 * it reads, and any transaction that changes data (it has an id) changes the snapshots taken
 * after it ends (its id leaves the in-progress list, or the next id moves). So an equal
 * snapshot means equal data. The next transaction id exactly, the rest (the oldest active id
 * and the in-progress list) by 64 bits of its digest. The write-ahead log's insert position,
 * used before, moves with the commit record, which is written before the commit becomes
 * visible: a reader could take the new position with the old data, and a later reader get
 * that stale answer (a racing test caught it). The server's start time tells one server from
 * another after a fail-over. */
static bool change_version(struct store_conn *base, struct store_version *v)
{
    struct pg_conn *c = pg(base);
    if (c->is_version_unavailable || c->is_in_transaction)
        return false;
    enum store_status s;
    PGresult *r = run(c, PG_CHANGE_VERSION, NULL, &s);
    bool ok = s == STORE_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
    if (ok) {
        memset(v, 0, sizeof(*v));
        v->words[0] = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        v->words[1] = (uint64_t)col_int(r, 0, 1);
        v->words[2] = (uint64_t)col_int(r, 0, 2);
    } else if (s == STORE_ERROR) {
        c->is_version_unavailable = true;
    }
    PQclear(r);
    return ok;
}

/* No other session on the database: a bulk load may then drop the recordings' indexes (which
 * locks the table against every other reader until it commits, hence only then). */
static enum store_status bulk_exclusive(struct store_conn *base)
{
    struct pg_conn *c = pg(base);
    PGresult *r = PQexec(c->db, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND pid <> pg_backend_pid() AND "
                                "backend_type = 'client backend'");
    c->is_alone = PQresultStatus(r) == PGRES_TUPLES_OK && col_int(r, 0, 0) == 0;
    PQclear(r);
    return c->is_alone ? STORE_OK : STORE_UNAVAILABLE;
}

static enum store_status bulk_shared(struct store_conn *base)
{
    pg(base)->is_alone = false;
    return STORE_OK;
}

/* Drops the recordings' secondary indexes (not the primary key's), keeping their definitions;
 * a no-op beside other sessions. A commit without them built again turns into a rollback. */
static enum store_status recording_indexes_defer(struct store_conn *base)
{
    struct pg_conn *c = pg(base);
    if (!c->is_alone || c->n_deferred)
        return STORE_OK;
    if (!c->is_in_transaction)
        return STORE_ERROR;
    PGresult *r = PQexec(c->db, "SELECT quote_ident(indexname), indexdef FROM pg_indexes WHERE "
                                "schemaname = current_schema() AND tablename = 'recordings' AND "
                                "indexname NOT IN (SELECT conname FROM pg_constraint WHERE "
                                "conrelid = 'recordings'::regclass)");
    enum store_status s = status_of_result(c, r);
    int n = s == STORE_OK ? PQntuples(r) : 0;
    free(c->deferred);
    c->deferred = xcalloc((size_t)n + 1, sizeof(*c->deferred));
    for (int i = 0; i < n && s == STORE_OK; i++) {
        c->deferred[c->n_deferred++] = xstrdup(PQgetvalue(r, i, 1));
        char sql[256];
        snprintf(sql, sizeof(sql), "DROP INDEX %s", PQgetvalue(r, i, 0));
        PGresult *d = PQexec(c->db, sql);
        s = status_of_result(c, d);
        PQclear(d);
    }
    PQclear(r);
    if (s != STORE_OK) /* rolled back by the caller: nothing to build */
        forget_deferred(c);
    return s;
}

static enum store_status recording_indexes_build(struct store_conn *base)
{
    struct pg_conn *c = pg(base);
    enum store_status s = STORE_OK;
    for (size_t i = 0; i < c->n_deferred && s == STORE_OK; i++) {
        PGresult *r = PQexec(c->db, c->deferred[i]);
        s = status_of_result(c, r);
        PQclear(r);
    }
    forget_deferred(c);
    return s;
}

static enum store_status recording_total(struct store_conn *base, int64_t *n)
{
    struct params p = {0};
    return count_of(pg(base), PG_RECORDING_TOTAL, &p, n);
}

static enum store_status user_list(struct store_conn *base, struct arena *ar,
                                   const char *account_id, int64_t offset, int64_t limit,
                                   struct store_user **rows, size_t *n, int64_t *total)
{
    struct pg_conn *c = pg(base);
    struct params p = {0};
    p_text(&p, account_id);
    enum store_status s = count_of(c, PG_USER_COUNT, &p, total);
    if (s != STORE_OK)
        return s;
    p_int(&p, limit);
    p_int(&p, offset);
    PGresult *r = run(c, PG_USER_LIST, &p, &s);
    *n = 0;
    *rows = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
    if (s == STORE_OK) {
        for (int i = 0; i < PQntuples(r) && (int64_t)*n < limit; i++)
            row_to_user(ar, r, i, &(*rows)[(*n)++]);
    }
    PQclear(r);
    return s;
}

struct scan_ctx {
    store_user_visit *visit;
    void *ctx;
};

static bool scan_row(PGresult *row, void *ctx)
{
    struct scan_ctx *sc = ctx;
    struct arena *scratch = arena_new();
    struct store_user u;
    row_to_user(scratch, row, 0, &u);
    bool more = sc->visit(&u, sc->ctx);
    arena_free(scratch);
    return more;
}

static enum store_status user_scan(struct store_conn *base, const char *account_id,
                                   store_user_visit *visit, void *ctx)
{
    struct params p = {0};
    p_text(&p, account_id);
    struct scan_ctx sc = {visit, ctx};
    return stream(pg(base), PG_USER_SCAN, &p, scan_row, &sc);
}

static enum store_status user_update(struct store_conn *base, const struct store_user *u,
                                     int64_t expected_version)
{
    struct pg_conn *c = pg(base);
    struct params p = {0};
    p_text(&p, u->account_id);
    p_text(&p, u->id);
    p_text(&p, u->email);
    p_text(&p, u->name ? u->name : "");
    p_text(&p, u->given_name);
    p_text(&p, u->family_name);
    p_text(&p, u->external_id);
    p_bool(&p, u->is_admin);
    p_bool(&p, u->is_member);
    p_bool(&p, u->is_editor);
    p_bool(&p, u->is_active);
    p_int(&p, u->updated_at);
    p_int(&p, expected_version);
    enum store_status s = run_change(c, PG_USER_UPDATE, &p);
    if (s != STORE_NOT_FOUND)
        return s;
    p.n = 2;
    PGresult *r = run(c, PG_USER_EXISTS, &p, &s);
    if (s == STORE_OK)
        s = PQntuples(r) > 0 ? STORE_STALE : STORE_NOT_FOUND;
    PQclear(r);
    return s;
}

/* Runs a statement bound to (account_id, key) that changes rows. */
static enum store_status change_by_pair(struct store_conn *base, enum pg_stmt id,
                                        const char *account_id, const char *key)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, key);
    return run_change(pg(base), id, &p);
}

static enum store_status user_delete(struct store_conn *base, const char *account_id,
                                     const char *id)
{
    return change_by_pair(base, PG_USER_DELETE, account_id, id);
}

static enum store_status user_set_password(struct store_conn *base, const char *account_id,
                                           const char *user_id, const char *hash, int64_t now)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, user_id);
    p_text(&p, hash);
    p_int(&p, now);
    return run_change(pg(base), PG_USER_PASSWORD, &p);
}

static enum store_status token_insert(struct store_conn *base, enum store_token_kind kind,
                                      const struct store_token *t)
{
    struct params p = {0};
    p_text(&p, t->account_id);
    p_text(&p, t->id);
    if (kind == STORE_TOKEN_PERSONAL) {
        p_text(&p, t->user_id);
        p_text(&p, t->name);
    }
    p_blob(&p, t->hash, t->hash_len);
    p_blob(&p, t->secret, t->secret_len);
    p_int(&p, t->created_at);
    return run_change(pg(base), kind == STORE_TOKEN_PERSONAL ? PG_PTOKEN_INSERT : PG_STOKEN_INSERT,
                      &p);
}

static void row_to_token(struct arena *ar, PGresult *r, int i, struct store_token *t)
{
    col_id(r, i, 0, t->id);
    col_id(r, i, 1, t->account_id);
    t->name = col_str(ar, r, i, 2);
    t->hash = col_blob(ar, r, i, 3, &t->hash_len);
    t->secret = col_blob(ar, r, i, 4, &t->secret_len);
    t->created_at = col_int(r, i, 5);
    t->revoked_at = col_int(r, i, 6);
    col_id(r, i, 7, t->user_id);
    t->last_used_at = col_int(r, i, 8);
}

static enum store_status token_get(struct store_conn *base, struct arena *ar,
                                   enum store_token_kind kind, const char *id,
                                   struct store_token *out)
{
    struct params p = {0};
    p_text(&p, id);
    enum store_status s;
    PGresult *r =
        run_one(pg(base), kind == STORE_TOKEN_PERSONAL ? PG_PTOKEN_GET : PG_STOKEN_GET, &p, &s);
    if (s == STORE_OK)
        row_to_token(ar, r, 0, out);
    PQclear(r);
    return s;
}

static enum store_status token_list(struct store_conn *base, struct arena *ar,
                                    const char *account_id, const char *user_id,
                                    struct store_token **rows, size_t *n)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, user_id);
    enum store_status s;
    PGresult *r = run(pg(base), PG_PTOKEN_LIST, &p, &s);
    *n = 0;
    int count = s == STORE_OK ? PQntuples(r) : 0;
    *rows = arena_calloc(ar, (size_t)(count > 0 ? count : 1), sizeof(**rows));
    for (int i = 0; i < count; i++)
        row_to_token(ar, r, i, &(*rows)[(*n)++]);
    PQclear(r);
    return s;
}

static enum store_status token_rename(struct store_conn *base, const char *account_id,
                                      const char *id, const char *name)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, id);
    p_text(&p, name);
    return run_change(pg(base), PG_PTOKEN_RENAME, &p);
}

static enum store_status token_revoke(struct store_conn *base, enum store_token_kind kind,
                                      const char *account_id, const char *id, int64_t now)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, id);
    p_int(&p, now);
    return run_change(pg(base), kind == STORE_TOKEN_PERSONAL ? PG_PTOKEN_REVOKE : PG_STOKEN_REVOKE,
                      &p);
}

static enum store_status auth_lookup(struct store_conn *base, struct arena *ar,
                                     enum store_token_kind kind, const unsigned char *hash,
                                     size_t hash_len, struct store_principal *out)
{
    struct params p = {0};
    p_blob(&p, hash, hash_len);
    enum store_status s;
    PGresult *r =
        run_one(pg(base), kind == STORE_TOKEN_PERSONAL ? PG_PTOKEN_AUTH : PG_STOKEN_AUTH, &p, &s);
    if (s == STORE_OK) {
        col_id(r, 0, 0, out->token_id);
        col_id(r, 0, 1, out->account_id);
        col_id(r, 0, 2, out->user_id);
        out->plan = col_str(ar, r, 0, 3);
        out->has_api_access = col_bool(r, 0, 4);
        out->is_revoked = col_bool(r, 0, 5);
        out->is_user_active = col_bool(r, 0, 6);
        out->is_admin = col_bool(r, 0, 7);
        out->is_owner = col_bool(r, 0, 8);
        out->last_used_at = col_int(r, 0, 9);
    }
    PQclear(r);
    return s;
}

static enum store_status token_touch(struct store_conn *base, const char *account_id,
                                     const char *id, int64_t now)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, id);
    p_int(&p, now);
    return run_change(pg(base), PG_PTOKEN_TOUCH, &p);
}

static enum store_status session_insert(struct store_conn *base, const struct store_session *se)
{
    struct params p = {0};
    p_text(&p, se->account_id);
    p_text(&p, se->id);
    p_text(&p, se->user_id);
    p_blob(&p, se->hash, se->hash_len);
    p_int(&p, se->created_at);
    p_int(&p, se->expires_at);
    return run_change(pg(base), PG_SESSION_INSERT, &p);
}

static enum store_status session_lookup(struct store_conn *base, struct arena *ar,
                                        const unsigned char *hash, size_t hash_len,
                                        struct store_session_view *out)
{
    struct params p = {0};
    p_blob(&p, hash, hash_len);
    enum store_status s;
    PGresult *r = run_one(pg(base), PG_SESSION_LOOKUP, &p, &s);
    if (s == STORE_OK) {
        row_to_user(ar, r, 0, &out->user);
        col_id(r, 0, 19, out->id);
        out->expires_at = col_int(r, 0, 20);
        out->account_name = col_str(ar, r, 0, 21);
        out->plan = col_str(ar, r, 0, 22);
        out->has_api_access = col_bool(r, 0, 23);
    }
    PQclear(r);
    return s;
}

static enum store_status session_delete(struct store_conn *base, const char *account_id,
                                        const char *id)
{
    return change_by_pair(base, PG_SESSION_DELETE, account_id, id);
}

static enum store_status session_prune(struct store_conn *base, const char *account_id,
                                       const char *user_id, int64_t now)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, user_id);
    p_int(&p, now);
    enum store_status s = run_change(pg(base), PG_SESSION_PRUNE, &p);
    return s == STORE_NOT_FOUND ? STORE_OK : s;
}

static enum store_status credentials_find(struct store_conn *base, struct arena *ar,
                                          const char *email, size_t max,
                                          struct store_credential **rows, size_t *n)
{
    struct params p = {0};
    p_text(&p, email);
    p_int(&p, (int64_t)max);
    enum store_status s;
    PGresult *r = run(pg(base), PG_CREDENTIALS, &p, &s);
    *rows = arena_calloc(ar, max ? max : 1, sizeof(**rows));
    *n = 0;
    if (s == STORE_OK) {
        int count = PQntuples(r);
        for (int i = 0; i < count && *n < max; i++) {
            struct store_credential *cr = &(*rows)[(*n)++];
            col_id(r, i, 0, cr->account_id);
            col_id(r, i, 1, cr->user_id);
            cr->password_hash = col_str(ar, r, i, 2);
            cr->is_active = col_bool(r, i, 3);
            cr->failed_sign_ins = (int)col_int(r, i, 4);
            cr->sign_in_blocked_until = col_int(r, i, 5);
        }
    }
    PQclear(r);
    return s;
}

static enum store_status sign_in_record(struct store_conn *base, const char *account_id,
                                        const char *user_id, int failures, int64_t blocked_until)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, user_id);
    p_int(&p, failures);
    p_int(&p, blocked_until);
    return run_change(pg(base), PG_SIGN_IN_RECORD, &p);
}

/* Applies the counter changes gathered in this transaction. */
static enum store_status flush_counts(struct pg_conn *c)
{
    enum store_status s = STORE_OK;
    for (size_t i = 0; i < c->n_pending && s == STORE_OK; i++) {
        struct pending_count *pc = &c->pending[i];
        struct params p = {0};
        p_text(&p, pc->account_id);
        if (!pc->user_id[0]) {
            p_int(&p, pc->delta);
            s = run_change(c, PG_ACCOUNT_COUNT_UP, &p);
        } else {
            p_text(&p, pc->user_id);
            p_int(&p, pc->delta);
            s = run_change(c, PG_USER_COUNT_UP, &p);
            if (s == STORE_NOT_FOUND)
                s = STORE_OK; /* recordings of a deleted user */
        }
    }
    c->n_pending = 0;
    return s;
}

/* Adds delta to a pending counter (the account's when user_id is empty). */
static enum store_status add_pending(struct pg_conn *c, const char *account_id, const char *user_id,
                                     int64_t delta)
{
    for (size_t i = 0; i < c->n_pending; i++) {
        struct pending_count *pc = &c->pending[i];
        if (strcmp(pc->account_id, account_id) == 0 && strcmp(pc->user_id, user_id) == 0) {
            pc->delta += delta;
            return STORE_OK;
        }
    }
    if (c->n_pending == PENDING_MAX) {
        enum store_status s = flush_counts(c);
        if (s != STORE_OK)
            return s;
    }
    struct pending_count *pc = &c->pending[c->n_pending++];
    snprintf(pc->account_id, sizeof(pc->account_id), "%s", account_id);
    snprintf(pc->user_id, sizeof(pc->user_id), "%s", user_id);
    pc->delta = delta;
    return STORE_OK;
}

/* Counts one more recording for the account and its user, before the transaction commits. */
static enum store_status count_recording(struct pg_conn *c, const char *account_id,
                                         const char *user_id)
{
    enum store_status s = add_pending(c, account_id, "", 1);
    if (s == STORE_OK && user_id[0])
        s = add_pending(c, account_id, user_id, 1);
    return s;
}

static void recording_params(const struct store_recording *r, struct params *p)
{
    p_text(p, r->id);
    p_text(p, r->account_id);
    p_id(p, r->user_id);
    p_text(p, r->user_email);
    p_text(p, r->user_name);
    p_text(p, r->title);
    p_text(p, r->summary);
    p_text(p, r->description);
    p_int(p, r->created_at);
    p_int(p, r->updated_at);
    p_int(p, r->duration);
    p_int(p, r->impressions_count);
    p_text(p, r->recording_type);
    p_text(p, r->recording_source);
    p_text(p, r->url);
    p_text(p, r->helpdesk_info ? r->helpdesk_info : "{}");
    p_text(p, r->ticket_id);
    p_text(p, r->provider);
    p_text(p, r->vendor);
    p_text(p, r->ip_address);
    p_text(p, r->timezone);
    p_text(p, r->network_type);
    p_text(p, r->isp);
    p_text(p, r->console_logs);
    p_text(p, r->customer_email);
    p_text(p, r->rendered);
}

static enum store_status insert_one_recording(struct pg_conn *c, const struct store_recording *r)
{
    struct params p = {0};
    recording_params(r, &p);
    enum store_status s = run_change(c, PG_RECORDING_INSERT, &p);
    if (s != STORE_OK)
        return s;
    return count_recording(c, r->account_id, r->user_id);
}

static enum store_status recording_insert(struct store_conn *base, const struct store_recording *r)
{
    struct pg_conn *c = pg(base);
    if (c->is_in_transaction)
        return insert_one_recording(c, r);
    /* The counters move in the same transaction as the row. */
    enum store_status s = exec_sql(base, "BEGIN");
    if (s == STORE_OK)
        s = insert_one_recording(c, r);
    if (s == STORE_OK)
        return exec_sql(base, "COMMIT");
    exec_sql(base, "ROLLBACK");
    return s;
}

/* Inserts a batch inside the caller's transaction in libpq's pipeline mode: the rows go out
 * back to back and their results come back together, one round trip instead of one per row.
 * Each result is a short command tag, so a batch of a few hundred cannot fill the socket
 * buffers and leave both sides blocked on a blocking connection. */
static enum store_status recordings_insert(struct store_conn *base,
                                           const struct store_recording *recs, size_t n,
                                           size_t *failed)
{
    struct pg_conn *c = pg(base);
    *failed = n;
    if (!c->is_in_transaction)
        return STORE_ERROR; /* a batch is only ever part of a larger transaction */
    char name[16];
    snprintf(name, sizeof(name), "s%d", (int)PG_RECORDING_INSERT);
    enum store_status ps =
        prepare_named(c, name, pg_sql[PG_RECORDING_INSERT], &c->prepared[PG_RECORDING_INSERT]);
    if (ps != STORE_OK)
        return ps;
    if (!PQenterPipelineMode(c->db))
        return status_of_result(c, NULL);
    size_t sent = 0;
    for (; sent < n; sent++) {
        struct params p = {0};
        recording_params(&recs[sent], &p);
        if (!PQsendQueryPrepared(c->db, name, p.n, p.values, p.lengths, p.formats, 0))
            break;
    }
    enum store_status s = STORE_OK;
    bool synced = sent == n && PQpipelineSync(c->db);
    if (!synced) {
        s = status_of_result(c, NULL);
        *failed = sent;
    }
    /* Each query's results end with a NULL; an error aborts the queries after it
     * (PGRES_PIPELINE_ABORTED); the sync point ends it all. */
    size_t query = 0;
    while (query <= sent) {
        PGresult *r = PQgetResult(c->db);
        if (!r) {
            if (query == sent || PQstatus(c->db) != CONNECTION_OK)
                break; /* no sync point coming */
            query++;
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED && s == STORE_OK) {
            s = status_of_result(c, r);
            *failed = query;
        }
        PQclear(r);
    }
    if (!PQexitPipelineMode(c->db) && s == STORE_OK)
        s = status_of_result(c, NULL);
    for (size_t i = 0; i < n && s == STORE_OK; i++)
        s = count_recording(c, recs[i].account_id, recs[i].user_id);
    return s;
}

static void row_to_recording(struct arena *ar, PGresult *res, int i, struct store_recording *r)
{
    col_id(res, i, 0, r->id);
    col_id(res, i, 1, r->account_id);
    r->created_at = col_int(res, i, 8);
    r->updated_at = col_int(res, i, 9);
    r->user_email = col_str(ar, res, i, 3);
    r->customer_email = col_str(ar, res, i, 24);
    r->rendered = col_str(ar, res, i, 25);
    if (r->rendered)
        return;
    col_id(res, i, 2, r->user_id);
    r->user_name = col_str(ar, res, i, 4);
    r->title = col_str(ar, res, i, 5);
    r->summary = col_str(ar, res, i, 6);
    r->description = col_str(ar, res, i, 7);
    r->duration = col_int(res, i, 10);
    r->impressions_count = col_int(res, i, 11);
    r->recording_type = col_str(ar, res, i, 12);
    r->recording_source = col_str(ar, res, i, 13);
    r->url = col_str(ar, res, i, 14);
    r->helpdesk_info = col_str(ar, res, i, 15);
    r->ticket_id = col_str(ar, res, i, 16);
    r->provider = col_str(ar, res, i, 17);
    r->vendor = col_str(ar, res, i, 18);
    r->ip_address = col_str(ar, res, i, 19);
    r->timezone = col_str(ar, res, i, 20);
    r->network_type = col_str(ar, res, i, 21);
    r->isp = col_str(ar, res, i, 22);
    r->console_logs = col_str(ar, res, i, 23);
}

static enum store_status recording_get(struct store_conn *base, struct arena *ar,
                                       const char *account_id, const char *user_id, const char *id,
                                       struct store_recording *out)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, id);
    p_text(&p, user_id);
    enum store_status s;
    PGresult *r = run_one(pg(base), PG_RECORDING_GET, &p, &s);
    if (s == STORE_OK)
        row_to_recording(ar, r, 0, out);
    PQclear(r);
    return s;
}

static enum store_status recording_update(struct store_conn *base, const char *account_id,
                                          const char *id, const struct store_recording_update *u)
{
    struct params p = {0};
    p_text(&p, account_id);
    p_text(&p, id);
    p_bool(&p, u->has_title);
    p_text(&p, u->title);
    p_bool(&p, u->has_summary);
    p_text(&p, u->summary);
    p_bool(&p, u->has_description);
    p_text(&p, u->description);
    p_int(&p, u->updated_at);
    p_text(&p, u->rendered);
    return run_change(pg(base), PG_RECORDING_UPDATE, &p);
}

/* Builds the WHERE clause and its parameters; PostgreSQL wants every $n used, so the numbers
 * follow the filters present. */
static void build_where(const struct store_recording_query *q, char *out, size_t len,
                        struct params *p)
{
    size_t used = 0;
    p_text(p, q->account_id);
    used += (size_t)snprintf(out, len, "WHERE account_id = $1");
    struct {
        bool on;
        const char *left, *right; /* around the parameter number */
        const char *text;
        int64_t number;
    } terms[] = {
        {q->user_id != NULL, " AND user_id = $", "", q->user_id, 0},
        {q->ticket_id != NULL, " AND ticket_id = $", "", q->ticket_id, 0},
        {q->provider != NULL, " AND provider = $", "", q->provider, 0},
        {q->customer_email != NULL, " AND customer_email_lower = lower($", ")", q->customer_email,
         0},
        {q->user_email != NULL, " AND user_email_lower = lower($", ")", q->user_email, 0},
        {q->has_created_after, " AND created_at > $", "", NULL, q->created_after},
        {q->has_created_before, " AND created_at < $", "", NULL, q->created_before},
        {q->has_updated_after, " AND updated_at > $", "", NULL, q->updated_after},
    };
    for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++) {
        if (!terms[i].on)
            continue;
        if (terms[i].text)
            p_text(p, terms[i].text);
        else
            p_int(p, terms[i].number);
        if (used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%d%s", terms[i].left, p->n,
                                     terms[i].right);
    }
}

static enum store_status read_rows(struct pg_conn *c, struct arena *ar, PGresult *r,
                                   enum store_status s, int64_t limit,
                                   struct store_recording **rows, size_t *n)
{
    (void)c;
    *n = 0;
    *rows = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
    if (s == STORE_OK) {
        for (int i = 0; i < PQntuples(r) && (int64_t)*n < limit; i++)
            row_to_recording(ar, r, i, &(*rows)[(*n)++]);
    }
    PQclear(r);
    return s;
}

struct keys_ctx {
    struct page_key *keys;
    size_t n, cap;
    int64_t row;
    int64_t version; /* the order version the keys were read at */
};

static bool key_row(PGresult *row, void *ctx)
{
    struct keys_ctx *k = ctx;
    if (k->row == 0)
        k->version = col_int(row, 0, 2);
    if (++k->row % PAGE_CACHE_STEP != 0)
        return true;
    if (k->n == k->cap) {
        k->cap *= 2;
        k->keys = xrealloc(k->keys, k->cap * sizeof(*k->keys));
    }
    k->keys[k->n].created_at = col_int(row, 0, 0);
    col_id(row, 0, 1, k->keys[k->n].id);
    k->n++;
    return true;
}

/* Reads every PAGE_CACHE_STEP-th sort key into the page cache (see sqlite.c), streaming the
 * index so that memory stays at one key per step. The keys are filed under the order version
 * read by the same statement (one snapshot), not the one the caller read before: a commit in
 * between must not leave newer keys under an older version. */
static enum store_status build_page_keys(struct pg_conn *c, const struct store_recording_query *q,
                                         int64_t total)
{
    struct params p = {0};
    p_text(&p, q->account_id);
    if (q->user_id)
        p_text(&p, q->user_id);
    struct keys_ctx k = {.cap = (size_t)(total / PAGE_CACHE_STEP) + 1};
    k.keys = xmalloc(k.cap * sizeof(*k.keys));
    enum store_status s = stream(c, q->user_id ? PG_KEYS_USER : PG_KEYS_ALL, &p, key_row, &k);
    if (s == STORE_OK && k.row > 0)
        page_cache_put(q->account_id, q->user_id, k.version, k.keys, k.n);
    free(k.keys);
    return s;
}

static enum store_status seek_page(struct pg_conn *c, struct arena *ar,
                                   const struct store_recording_query *q, int64_t total,
                                   struct store_recording **rows, size_t *n)
{
    struct params p = {0};
    p_text(&p, q->account_id);
    int64_t version;
    enum store_status s = count_of(c, PG_ACCOUNT_ORDER_VERSION, &p, &version);
    if (s != STORE_OK)
        return s;
    struct page_key key;
    int64_t skip;
    if (page_cache_find(q->account_id, q->user_id, version, q->offset, &key, &skip) ==
        PAGE_CACHE_MISS) {
        if ((s = build_page_keys(c, q, total)) != STORE_OK)
            return s;
        if (page_cache_find(q->account_id, q->user_id, version, q->offset, &key, &skip) ==
            PAGE_CACHE_MISS)
            return STORE_NOT_FOUND;
    }
    p_text(&p, q->user_id);
    p_int(&p, key.created_at);
    p_text(&p, key.id);
    p_int(&p, q->limit);
    p_int(&p, skip);
    PGresult *r = run(c, q->user_id ? PG_SEEK_USER : PG_SEEK_ALL, &p, &s);
    return read_rows(c, ar, r, s, q->limit, rows, n);
}

static enum store_status recording_list(struct store_conn *base, struct arena *ar,
                                        const struct store_recording_query *q,
                                        struct store_recording **rows, size_t *n, int64_t *total)
{
    struct pg_conn *c = pg(base);
    unsigned m = store_query_mask(q);
    struct params p = {0};
    char where[512], sql[1024], name[16];
    build_where(q, where, sizeof(where), &p);
    enum store_status s;
    if (m == 0 || m == F_USER) {
        s = count_of(c, m == 0 ? PG_ACCOUNT_RECORDINGS : PG_USER_RECORDINGS, &p, total);
    } else {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM recordings %s", where);
        snprintf(name, sizeof(name), "c%u", m);
        PGresult *r = exec_named(c, name, sql, &c->count_prepared[m], &p, &s);
        *total = s == STORE_OK ? col_int(r, 0, 0) : 0;
        PQclear(r);
    }
    if (s != STORE_OK)
        return s;
    if (q->offset >= *total) {
        *n = 0;
        *rows = arena_calloc(ar, 1, sizeof(**rows));
        return STORE_OK;
    }
    if ((m == 0 || m == F_USER) && q->offset >= 10 * PAGE_CACHE_STEP) {
        s = seek_page(c, ar, q, *total, rows, n);
        if (s != STORE_NOT_FOUND)
            return s;
    }
    int next = p.n + 1;
    snprintf(sql, sizeof(sql),
             "SELECT " REC_COLS "FROM recordings %s ORDER BY created_at DESC, id DESC "
             "LIMIT $%d OFFSET $%d",
             where, next, next + 1);
    p_int(&p, q->limit);
    p_int(&p, q->offset);
    snprintf(name, sizeof(name), "l%u", m);
    PGresult *r = exec_named(c, name, sql, &c->list_prepared[m], &p, &s);
    return read_rows(c, ar, r, s, q->limit, rows, n);
}

const struct store_ops store_postgres_ops = {
    .name = "postgres",
    .open = open_conn,
    .close = close_conn,
    .migrate = migrate,
    .is_initialized = is_initialized,
    .exec = exec_sql,
    .account_insert = account_insert,
    .account_get = account_get,
    .account_update = account_update,
    .account_any = account_any,
    .user_insert = user_insert,
    .user_get = user_get,
    .user_find_by_email = user_find_by_email,
    .user_find_by_external_id = user_find_by_external_id,
    .user_update = user_update,
    .user_delete = user_delete,
    .user_scan = user_scan,
    .user_list = user_list,
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
    .recording_total = recording_total,
    .bulk_exclusive = bulk_exclusive,
    .bulk_shared = bulk_shared,
    .recording_indexes_defer = recording_indexes_defer,
    .recording_indexes_build = recording_indexes_build,
    .change_version = change_version,
    .recording_insert = recording_insert,
    .recordings_insert = recordings_insert,
    .recording_get = recording_get,
    .recording_list = recording_list,
    .recording_update = recording_update,
};
