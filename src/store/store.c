/* Chooses the backend from the database URL, keeps one connection per thread, and forwards
 * each store call to the backend's function table. */
#include "store_int.h"

#include "core/log.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct store {
    const struct store_ops *ops;
    char *target; /* what the backend opens: a file path or a libpq URI */
    char *key_path;
    uint64_t serial;
    pthread_mutex_t lock;
    struct store_conn *conns;
    atomic_bool is_group_commit;
    int log_fd; /* kept by store_sync */
};

static atomic_uint_fast64_t last_ticket;

static atomic_uint_fast64_t next_serial = 1;

enum { THREAD_CACHE = 4 };
static _Thread_local struct {
    uint64_t serial;
    struct store_conn *conn;
} thread_conns[THREAD_CACHE];

/* The test switch SCREENDESK_TEST_FAIL_STORE_EVERY=N makes every Nth store call fail, so the
 * tests can show that each endpoint then answers a clean 500 or 503 and goes on serving. */
static atomic_long fault_every = -1;
static atomic_long fault_calls;

static bool fault_injected(void)
{
    long every = atomic_load(&fault_every);
    if (every < 0) {
        const char *v = getenv("SCREENDESK_TEST_FAIL_STORE_EVERY");
        every = v ? strtol(v, NULL, 10) : 0;
        atomic_store(&fault_every, every > 0 ? every : 0);
    }
    return every > 0 && (atomic_fetch_add(&fault_calls, 1) + 1) % every == 0;
}

unsigned store_query_mask(const struct store_recording_query *q)
{
    return (q->user_id ? F_USER : 0) | (q->ticket_id ? F_TICKET : 0) |
           (q->provider ? F_PROVIDER : 0) | (q->customer_email ? F_CUSTOMER : 0) |
           (q->user_email ? F_USER_EMAIL : 0) | (q->has_created_after ? F_CREATED_AFTER : 0) |
           (q->has_created_before ? F_CREATED_BEFORE : 0) |
           (q->has_updated_after ? F_UPDATED_AFTER : 0);
}

const char *store_status_name(enum store_status s)
{
    switch (s) {
#define STORE_NAME(name, text)                                                                     \
    case name:                                                                                     \
        return text;
        STORE_STATUS_MAP(STORE_NAME)
#undef STORE_NAME
    }
    return "unknown";
}

void store_user_init(struct store_user *u, const char *account_id, const char *email,
                     const char *name, int64_t now)
{
    memset(u, 0, sizeof(*u));
    uuid_v7_new(u->id);
    snprintf(u->account_id, sizeof(u->account_id), "%s", account_id);
    u->email = (char *)email;
    u->name = (char *)(name ? name : "");
    u->is_member = true;
    u->is_active = true;
    u->notify_first_view = true;
    u->notify_new_account_recording = true;
    u->notify_new_recording = true;
    u->version = 1;
    u->created_at = now;
    u->updated_at = now;
}

const char *store_user_role(const struct store_user *u)
{
    if (u->is_owner)
        return "owner";
    if (u->is_admin)
        return "admin";
    if (u->is_editor)
        return "editor";
    return "member";
}

static bool is_postgres_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

struct store *store_open(const char *url, char *err, size_t errlen)
{
    const struct store_ops *ops = &store_sqlite_ops;
    const char *target = url;
    bool is_postgres = is_postgres_url(url);
    if (is_postgres) {
        ops = &store_postgres_ops;
    } else if (strncmp(url, "sqlite:", 7) == 0) {
        target = url + 7;
    } else if (strstr(url, "://") || strncmp(url, "postgres", 8) == 0) {
        snprintf(err, errlen, "unsupported database URL scheme in '%s'", url);
        return NULL;
    }
    if (*target == '\0') {
        snprintf(err, errlen, "database URL '%s' names no file", url);
        return NULL;
    }
    struct store *s = xcalloc(1, sizeof(*s));
    s->ops = ops;
    s->target = xstrdup(target);
    if (is_postgres) {
        /* A server's database has no file to sit beside: the key file is in the working
         * directory unless --key-file or SCREENDESK_KEY_FILE says otherwise. */
        s->key_path = xstrdup("screendesk.key");
    } else {
        size_t n = strlen(target) + 5;
        s->key_path = xmalloc(n);
        snprintf(s->key_path, n, "%s.key", target);
    }
    s->serial = atomic_fetch_add(&next_serial, 1);
    pthread_mutex_init(&s->lock, NULL);
    s->log_fd = -1;
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    struct store_conn *c = s->conns;
    while (c) {
        struct store_conn *next = c->next;
        c->ops->close(c);
        c = next;
    }
    for (int i = 0; i < THREAD_CACHE; i++) {
        if (thread_conns[i].serial == s->serial)
            thread_conns[i].serial = 0;
    }
    pthread_mutex_destroy(&s->lock);
    if (s->log_fd >= 0)
        close(s->log_fd);
    free(s->target);
    free(s->key_path);
    free(s);
}

const char *store_default_key_path(const struct store *s)
{
    return s->key_path;
}

struct store_conn *store_conn_get(struct store *s)
{
    struct store_conn *open_conn = store_conn_peek(s);
    if (open_conn)
        return open_conn;
    int free_slot = -1;
    for (int i = 0; i < THREAD_CACHE && free_slot < 0; i++)
        if (thread_conns[i].serial == 0)
            free_slot = i;
    char err[256];
    struct store_conn *c = s->ops->open(s->target, err, sizeof(err));
    if (!c) {
        log_error("cannot open database: %s", err);
        return NULL;
    }
    if (atomic_load(&s->is_group_commit) && s->ops->relax && s->ops->relax(c) == STORE_OK)
        c->is_group_commit = true;
    c->seen_changes = c->ops->changes ? c->ops->changes(c) : 0;
    pthread_mutex_lock(&s->lock);
    c->next = s->conns;
    s->conns = c;
    pthread_mutex_unlock(&s->lock);
    if (free_slot < 0)
        free_slot = 0; /* a thread using more than THREAD_CACHE stores re-opens; rare */
    thread_conns[free_slot].serial = s->serial;
    thread_conns[free_slot].conn = c;
    return c;
}

struct store_conn *store_conn_peek(struct store *s)
{
    for (int i = 0; i < THREAD_CACHE; i++)
        if (thread_conns[i].serial == s->serial)
            return thread_conns[i].conn;
    return NULL;
}

void store_set_group_commit(struct store *s, bool on)
{
    atomic_store(&s->is_group_commit, on && s->ops->sync_log != NULL);
}

uint64_t store_write_ticket(struct store_conn *c)
{
    if (!c->is_group_commit)
        return 0;
    int64_t now = c->ops->changes(c);
    if (now == c->seen_changes)
        return 0;
    c->seen_changes = now;
    return atomic_fetch_add(&last_ticket, 1) + 1;
}

uint64_t store_sync(struct store *s)
{
    /* Read before flushing: every ticket up to this one was issued after its commit, so the
     * flush that follows covers it. */
    uint64_t covered = atomic_load(&last_ticket);
    if (!s->ops->sync_log)
        return covered;
    /* Test switch: a disk that cannot flush, to show no write is answered before it is. */
    static atomic_int fail_sync = -1;
    if (atomic_load(&fail_sync) < 0)
        atomic_store(&fail_sync, getenv("SCREENDESK_TEST_FAIL_SYNC") != NULL);
    if (atomic_load(&fail_sync))
        return 0;
    return s->ops->sync_log(s->target, &s->log_fd) ? covered : 0;
}

enum store_status store_migrate(struct store_conn *c)
{
    return c->ops->migrate(c);
}

bool store_is_initialized(struct store_conn *c)
{
    return c->ops->is_initialized(c);
}

enum store_status store_ping(struct store_conn *c)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->exec(c, "SELECT 1");
}

enum store_status store_read_begin(struct store_conn *c)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->read_begin ? c->ops->read_begin(c) : STORE_OK;
}

bool store_change_version(struct store_conn *c, struct store_version *v)
{
    return c->ops->change_version(c, v);
}

void store_read_end(struct store_conn *c)
{
    if (c->ops->read_end)
        c->ops->read_end(c);
}

enum store_status store_begin(struct store_conn *c)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->exec(c, "BEGIN");
}

enum store_status store_commit(struct store_conn *c)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->exec(c, "COMMIT");
}

void store_rollback(struct store_conn *c)
{
    (void)c->ops->exec(c, "ROLLBACK");
}

enum store_status store_account_insert(struct store_conn *c, const struct store_account *a)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->account_insert(c, a);
}

enum store_status store_account_get(struct store_conn *c, struct arena *ar, const char *id,
                                    struct store_account *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->account_get(c, ar, id, out);
}

enum store_status store_account_update(struct store_conn *c, const char *id, const char *plan,
                                       int api_access, int64_t now)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->account_update(c, id, plan, api_access, now);
}

enum store_status store_account_any(struct store_conn *c, bool *has_any)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->account_any(c, has_any);
}

enum store_status store_user_insert(struct store_conn *c, const struct store_user *u)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_insert(c, u);
}

enum store_status store_user_get(struct store_conn *c, struct arena *ar, const char *account_id,
                                 const char *id, struct store_user *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_get(c, ar, account_id, id, out);
}

enum store_status store_user_find_by_email(struct store_conn *c, struct arena *ar,
                                           const char *account_id, const char *email,
                                           struct store_user *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_find_by_email(c, ar, account_id, email, out);
}

enum store_status store_user_list(struct store_conn *c, struct arena *ar, const char *account_id,
                                  int64_t offset, int64_t limit, struct store_user **rows,
                                  size_t *n, int64_t *total)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_list(c, ar, account_id, offset, limit, rows, n, total);
}

enum store_status store_user_find_by_external_id(struct store_conn *c, struct arena *ar,
                                                 const char *account_id, const char *external_id,
                                                 struct store_user *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_find_by_external_id(c, ar, account_id, external_id, out);
}

enum store_status store_user_update(struct store_conn *c, const struct store_user *u,
                                    int64_t expected_version)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_update(c, u, expected_version);
}

enum store_status store_user_delete(struct store_conn *c, const char *account_id, const char *id)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_delete(c, account_id, id);
}

enum store_status store_user_scan(struct store_conn *c, const char *account_id,
                                  store_user_visit *visit, void *ctx)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_scan(c, account_id, visit, ctx);
}

enum store_status store_user_set_password(struct store_conn *c, const char *account_id,
                                          const char *user_id, const char *password_hash,
                                          int64_t now)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->user_set_password(c, account_id, user_id, password_hash, now);
}

enum store_status store_token_insert(struct store_conn *c, enum store_token_kind kind,
                                     const struct store_token *t)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_insert(c, kind, t);
}

enum store_status store_token_get(struct store_conn *c, struct arena *ar,
                                  enum store_token_kind kind, const char *id,
                                  struct store_token *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_get(c, ar, kind, id, out);
}

enum store_status store_token_list(struct store_conn *c, struct arena *ar, const char *account_id,
                                   const char *user_id, struct store_token **rows, size_t *n)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_list(c, ar, account_id, user_id, rows, n);
}

enum store_status store_token_rename(struct store_conn *c, const char *account_id, const char *id,
                                     const char *name)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_rename(c, account_id, id, name);
}

enum store_status store_token_revoke(struct store_conn *c, enum store_token_kind kind,
                                     const char *account_id, const char *id, int64_t now)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_revoke(c, kind, account_id, id, now);
}

enum store_status store_auth_lookup(struct store_conn *c, struct arena *ar,
                                    enum store_token_kind kind, const unsigned char *hash,
                                    size_t hash_len, struct store_principal *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->auth_lookup(c, ar, kind, hash, hash_len, out);
}

enum store_status store_token_touch(struct store_conn *c, const char *account_id, const char *id,
                                    int64_t now)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->token_touch(c, account_id, id, now);
}

enum store_status store_session_insert(struct store_conn *c, const struct store_session *s)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->session_insert(c, s);
}

enum store_status store_session_lookup(struct store_conn *c, struct arena *ar,
                                       const unsigned char *hash, size_t hash_len,
                                       struct store_session_view *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->session_lookup(c, ar, hash, hash_len, out);
}

enum store_status store_session_delete(struct store_conn *c, const char *account_id, const char *id)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->session_delete(c, account_id, id);
}

enum store_status store_session_prune(struct store_conn *c, const char *account_id,
                                      const char *user_id, int64_t now)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->session_prune(c, account_id, user_id, now);
}

enum store_status store_credentials_find(struct store_conn *c, struct arena *ar, const char *email,
                                         size_t max, struct store_credential **rows, size_t *n)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->credentials_find(c, ar, email, max, rows, n);
}

enum store_status store_sign_in_record(struct store_conn *c, const char *account_id,
                                       const char *user_id, int failures, int64_t blocked_until)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->sign_in_record(c, account_id, user_id, failures, blocked_until);
}

bool store_bulk_memory(const char *url, int mib)
{
    return !is_postgres_url(url) && store_sqlite_reserve_pages(mib);
}

enum store_status store_bulk_mode(struct store_conn *c, int mib)
{
    return c->ops->bulk_mode ? c->ops->bulk_mode(c, mib) : STORE_OK;
}

enum store_status store_bulk_exclusive(struct store_conn *c)
{
    return c->ops->bulk_exclusive ? c->ops->bulk_exclusive(c) : STORE_UNAVAILABLE;
}

enum store_status store_bulk_shared(struct store_conn *c)
{
    return c->ops->bulk_shared ? c->ops->bulk_shared(c) : STORE_OK;
}

enum store_status store_recording_total(struct store_conn *c, int64_t *n)
{
    return c->ops->recording_total(c, n);
}

enum store_status store_recording_indexes_defer(struct store_conn *c)
{
    return c->ops->recording_indexes_defer ? c->ops->recording_indexes_defer(c) : STORE_OK;
}

enum store_status store_recording_indexes_build(struct store_conn *c)
{
    return c->ops->recording_indexes_build ? c->ops->recording_indexes_build(c) : STORE_OK;
}

enum store_status store_recording_insert(struct store_conn *c, const struct store_recording *r)
{
    if (!r->rendered)
        return STORE_INVALID;
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->recording_insert(c, r);
}

enum store_status store_recordings_insert(struct store_conn *c, const struct store_recording *recs,
                                          size_t n, size_t *failed)
{
    for (*failed = 0; *failed < n; ++*failed)
        if (!recs[*failed].rendered)
            return STORE_INVALID;
    *failed = 0;
    if (fault_injected())
        return STORE_ERROR;
    if (c->ops->recordings_insert)
        return c->ops->recordings_insert(c, recs, n, failed);
    enum store_status s = STORE_OK;
    for (*failed = 0; *failed < n; ++*failed)
        if ((s = c->ops->recording_insert(c, &recs[*failed])) != STORE_OK)
            return s;
    return s;
}

enum store_status store_recording_get(struct store_conn *c, struct arena *ar,
                                      const char *account_id, const char *user_id, const char *id,
                                      struct store_recording *out)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->recording_get(c, ar, account_id, user_id, id, out);
}

enum store_status store_recording_list(struct store_conn *c, struct arena *ar,
                                       const struct store_recording_query *q,
                                       struct store_recording **rows, size_t *n, int64_t *total)
{
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->recording_list(c, ar, q, rows, n, total);
}

enum store_status store_recording_update(struct store_conn *c, const char *account_id,
                                         const char *id, const struct store_recording_update *u)
{
    if (!u->rendered)
        return STORE_INVALID;
    if (fault_injected())
        return STORE_ERROR;
    return c->ops->recording_update(c, account_id, id, u);
}
