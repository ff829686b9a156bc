/* A small direct-mapped table per thread: 16 answers of at most 128 KiB, freed with the
 * thread. Keys are BLAKE2b hashes of everything an answer depends on besides the data. */
#include "answer_cache.h"

#include "core/xalloc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum { SLOTS = 16, MAX_BODY = 128 * 1024, MAX_HEADERS = 4, PLAN_LEN = 16 };

struct answer_entry {
    bool is_used;    /* key is set: the request was seen */
    bool has_answer; /* and its answer kept, with the rest */
    struct answer_key key;
    struct store_version version;
    struct store_principal who;
    char plan[PLAN_LEN];
    int status;
    const char *content_type; /* handlers' types are string literals */
    size_t n_headers;
    char *header_names[MAX_HEADERS], *header_values[MAX_HEADERS];
    char *body;
    size_t body_len;
};

struct answer_table {
    struct answer_entry slots[SLOTS];
};

static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void entry_clear(struct answer_entry *e)
{
    for (size_t i = 0; i < e->n_headers; i++) {
        free(e->header_names[i]);
        free(e->header_values[i]);
    }
    free(e->body);
    memset(e, 0, sizeof(*e));
}

static void table_free(void *p)
{
    struct answer_table *t = p;
    for (int i = 0; i < SLOTS; i++)
        entry_clear(&t->slots[i]);
    free(t);
}

static void make_key(void)
{
    pthread_key_create(&table_key, table_free);
}

static struct answer_table *table(void)
{
    pthread_once(&table_once, make_key);
    struct answer_table *t = pthread_getspecific(table_key);
    if (!t) {
        t = xcalloc(1, sizeof(*t));
        pthread_setspecific(table_key, t);
    }
    return t;
}

static void feed(crypto_generichash_state *st, const char *s)
{
    if (s)
        crypto_generichash_update(st, (const unsigned char *)s, strlen(s) + 1);
    else
        crypto_generichash_update(st, (const unsigned char *)"\xff", 1);
}

static void feed_arg(void *ctx, const char *name, const char *value)
{
    feed(ctx, name);
    feed(ctx, value);
}

void answer_key_make(const struct api_call *call, struct answer_key *key)
{
    const struct http_request *req = call->req;
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(key->hash));
    feed(&st, req->method);
    feed(&st, req->path);
    http_request_query_each(req, feed_arg, &st);
    feed(&st, "\n");
    /* Every request header a read handler looks at. */
    feed(&st, http_request_header(req, "Authorization"));
    feed(&st, http_request_header(req, "Host"));
    feed(&st, http_request_header(req, "If-None-Match"));
    feed(&st, http_request_header(req, "If-Match"));
    feed(&st, http_request_header(req, "X-Forwarded-Proto"));
    feed(&st, req->is_tls ? "tls" : "plain");
    crypto_generichash_final(&st, key->hash, sizeof(key->hash));
}

static struct answer_entry *slot_of(const struct answer_key *key)
{
    return &table()->slots[key->hash[0] % SLOTS];
}

bool answer_cache_seen(const struct answer_key *key)
{
    struct answer_entry *e = slot_of(key);
    if (e->is_used && memcmp(&e->key, key, sizeof(*key)) == 0)
        return true;
    entry_clear(e);
    e->key = *key;
    e->is_used = true;
    return false;
}

const struct answer_entry *answer_cache_find(const struct answer_key *key,
                                             const struct store_version *version,
                                             struct api_call *call)
{
    struct answer_entry *e = slot_of(key);
    if (!e->has_answer || memcmp(&e->key, key, sizeof(*key)) != 0 ||
        memcmp(&e->version, version, sizeof(*version)) != 0)
        return NULL;
    call->who = e->who;
    call->who.plan = e->plan;
    return e;
}

void answer_cache_apply(const struct answer_entry *e, struct api_call *call)
{
    struct http_response *res = call->res;
    res->status = e->status;
    res->content_type = e->content_type;
    for (size_t i = 0; i < e->n_headers; i++)
        http_response_header(res, call->arena, e->header_names[i], e->header_values[i]);
    buf_reset(&res->body);
    buf_append(&res->body, e->body, e->body_len);
}

void answer_cache_put(const struct answer_key *key, const struct store_version *version,
                      const struct api_call *call, const struct http_header *until)
{
    const struct http_response *res = call->res;
    size_t n_headers = 0;
    for (const struct http_header *h = res->headers; h && h != until; h = h->next)
        n_headers++;
    if (res->status != 200 || res->body.len > MAX_BODY || n_headers > MAX_HEADERS ||
        !call->who.plan || strlen(call->who.plan) >= PLAN_LEN)
        return;
    struct answer_entry *e = slot_of(key);
    entry_clear(e);
    e->key = *key;
    e->version = *version;
    e->who = call->who;
    memcpy(e->plan, call->who.plan, strlen(call->who.plan) + 1);
    e->who.plan = NULL;
    e->status = res->status;
    e->content_type = res->content_type;
    for (const struct http_header *h = res->headers; h && h != until; h = h->next) {
        e->header_names[e->n_headers] = xstrdup(h->name);
        e->header_values[e->n_headers] = xstrdup(h->value);
        e->n_headers++;
    }
    e->body = xmalloc(res->body.len ? res->body.len : 1);
    if (res->body.len)
        memcpy(e->body, res->body.data, res->body.len);
    e->body_len = res->body.len;
    e->is_used = true;
    e->has_answer = true;
}
