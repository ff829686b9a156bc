/* What a storage backend provides: one function table per backend (sqlite.c, postgres.c).
 * Only store.c and the backends include this. */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include "store.h"

struct store_ops;

/* Every backend connection starts with this header. */
struct store_conn {
    const struct store_ops *ops;
    struct store_conn *next; /* all connections of one store, for store_free */
    bool is_group_commit;    /* commits wait for store_sync, not for the disk */
    int64_t seen_changes;    /* the changes count at the last store_write_ticket */
};

struct store_ops {
    const char *name;
    /* Opens one connection to target; NULL (message in err) on failure. */
    struct store_conn *(*open)(const char *target, char *err, size_t errlen);
    void (*close)(struct store_conn *c);
    enum store_status (*migrate)(struct store_conn *c);
    bool (*is_initialized)(struct store_conn *c);
    enum store_status (*exec)(struct store_conn *c, const char *sql);
    /* Group commit; NULL where commits are durable by themselves. relax makes the connection's
     * commits skip the disk, changes counts its changes so far, sync_log flushes the log of
     * the database at target (*fd: a descriptor kept between calls, -1 at first). */
    enum store_status (*relax)(struct store_conn *c);
    int64_t (*changes)(struct store_conn *c);
    bool (*sync_log)(const char *target, int *fd);
    bool (*change_version)(struct store_conn *c, struct store_version *v);
    /* NULL where a read snapshot costs more than it saves. */
    enum store_status (*read_begin)(struct store_conn *c);
    void (*read_end)(struct store_conn *c);
    enum store_status (*account_insert)(struct store_conn *c, const struct store_account *a);
    enum store_status (*account_get)(struct store_conn *c, struct arena *ar, const char *id,
                                     struct store_account *out);
    enum store_status (*account_update)(struct store_conn *c, const char *id, const char *plan,
                                        int api_access, int64_t now);
    enum store_status (*account_any)(struct store_conn *c, bool *has_any);
    enum store_status (*user_insert)(struct store_conn *c, const struct store_user *u);
    enum store_status (*user_get)(struct store_conn *c, struct arena *ar, const char *account_id,
                                  const char *id, struct store_user *out);
    enum store_status (*user_find_by_email)(struct store_conn *c, struct arena *ar,
                                            const char *account_id, const char *email,
                                            struct store_user *out);
    enum store_status (*user_list)(struct store_conn *c, struct arena *ar, const char *account_id,
                                   int64_t offset, int64_t limit, struct store_user **rows,
                                   size_t *n, int64_t *total);
    enum store_status (*user_find_by_external_id)(struct store_conn *c, struct arena *ar,
                                                  const char *account_id, const char *external_id,
                                                  struct store_user *out);
    enum store_status (*user_update)(struct store_conn *c, const struct store_user *u,
                                     int64_t expected_version);
    enum store_status (*user_delete)(struct store_conn *c, const char *account_id, const char *id);
    enum store_status (*user_scan)(struct store_conn *c, const char *account_id,
                                   store_user_visit *visit, void *ctx);
    enum store_status (*user_set_password)(struct store_conn *c, const char *account_id,
                                           const char *user_id, const char *hash, int64_t now);
    enum store_status (*token_insert)(struct store_conn *c, enum store_token_kind kind,
                                      const struct store_token *t);
    enum store_status (*token_get)(struct store_conn *c, struct arena *ar,
                                   enum store_token_kind kind, const char *id,
                                   struct store_token *out);
    enum store_status (*token_list)(struct store_conn *c, struct arena *ar, const char *account_id,
                                    const char *user_id, struct store_token **rows, size_t *n);
    enum store_status (*token_rename)(struct store_conn *c, const char *account_id, const char *id,
                                      const char *name);
    enum store_status (*token_revoke)(struct store_conn *c, enum store_token_kind kind,
                                      const char *account_id, const char *id, int64_t now);
    enum store_status (*auth_lookup)(struct store_conn *c, struct arena *ar,
                                     enum store_token_kind kind, const unsigned char *hash,
                                     size_t hash_len, struct store_principal *out);
    enum store_status (*token_touch)(struct store_conn *c, const char *account_id, const char *id,
                                     int64_t now);
    enum store_status (*session_insert)(struct store_conn *c, const struct store_session *s);
    enum store_status (*session_lookup)(struct store_conn *c, struct arena *ar,
                                        const unsigned char *hash, size_t hash_len,
                                        struct store_session_view *out);
    enum store_status (*session_delete)(struct store_conn *c, const char *account_id,
                                        const char *id);
    enum store_status (*session_prune)(struct store_conn *c, const char *account_id,
                                       const char *user_id, int64_t now);
    enum store_status (*credentials_find)(struct store_conn *c, struct arena *ar, const char *email,
                                          size_t max, struct store_credential **rows, size_t *n);
    enum store_status (*sign_in_record)(struct store_conn *c, const char *account_id,
                                        const char *user_id, int failures, int64_t blocked_until);
    enum store_status (*bulk_mode)(struct store_conn *c, int mib); /* or NULL */
    /* Both NULL where a connection cannot take the database for itself (then the load
     * always shares it). */
    enum store_status (*bulk_exclusive)(struct store_conn *c);
    enum store_status (*bulk_shared)(struct store_conn *c);
    enum store_status (*recording_total)(struct store_conn *c, int64_t *n);
    /* Both NULL where indexes are never dropped for a load. */
    enum store_status (*recording_indexes_defer)(struct store_conn *c);
    enum store_status (*recording_indexes_build)(struct store_conn *c);
    enum store_status (*recording_insert)(struct store_conn *c, const struct store_recording *r);
    /* Or NULL: then one recording_insert each. */
    enum store_status (*recordings_insert)(struct store_conn *c, const struct store_recording *recs,
                                           size_t n, size_t *failed);
    enum store_status (*recording_get)(struct store_conn *c, struct arena *ar,
                                       const char *account_id, const char *user_id, const char *id,
                                       struct store_recording *out);
    enum store_status (*recording_list)(struct store_conn *c, struct arena *ar,
                                        const struct store_recording_query *q,
                                        struct store_recording **rows, size_t *n, int64_t *total);
    enum store_status (*recording_update)(struct store_conn *c, const char *account_id,
                                          const char *id, const struct store_recording_update *u);
};

/* Which filters a recording list uses, one bit each: backends build and cache one statement
 * per combination (F_MASKS of them). */
enum {
    F_USER = 1,
    F_TICKET = 2,
    F_PROVIDER = 4,
    F_CUSTOMER = 8,
    F_USER_EMAIL = 16,
    F_CREATED_AFTER = 32,
    F_CREATED_BEFORE = 64,
    F_UPDATED_AFTER = 128,
    F_MASKS = 256
};

/* Returns the filter bits of q. */
unsigned store_query_mask(const struct store_recording_query *q);

extern const struct store_ops store_sqlite_ops;
/* See store_bulk_memory. */
bool store_sqlite_reserve_pages(int mib);
extern const struct store_ops store_postgres_ops;

#endif
