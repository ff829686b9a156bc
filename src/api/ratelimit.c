/* Buckets live in sharded hash tables, each shard behind its own mutex, so worker threads
 * rarely wait for each other. A bucket that has refilled completely holds no information and
 * is dropped when its shard grows, which bounds memory by the number of recently active
 * tokens. */
#include "ratelimit.h"

#include "core/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { SHARDS = 16, KEY_MAX = 48, SWEEP_AT = 4096 };

struct bucket {
    char key[KEY_MAX];
    double tokens;
    double updated_ms;
    struct bucket *next;
};

struct shard {
    pthread_mutex_t lock;
    struct bucket *slots[256];
    size_t count;
};

struct ratelimit {
    double rate, burst; /* per millisecond, and the bucket size */
    unsigned rate_per_s;
    struct shard shards[SHARDS];
};

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct ratelimit *ratelimit_new(unsigned rate)
{
    struct ratelimit *rl = xcalloc(1, sizeof(*rl));
    rl->rate_per_s = rate;
    rl->rate = rate / 1000.0;
    rl->burst = 2.0 * rate;
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_init(&rl->shards[i].lock, NULL);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    for (int i = 0; i < SHARDS; i++) {
        for (int j = 0; j < 256; j++) {
            struct bucket *b = rl->shards[i].slots[j];
            while (b) {
                struct bucket *next = b->next;
                free(b);
                b = next;
            }
        }
        pthread_mutex_destroy(&rl->shards[i].lock);
    }
    free(rl);
}

static void refill(const struct ratelimit *rl, struct bucket *b, double now_ms)
{
    if (now_ms > b->updated_ms) {
        b->tokens = fmin(rl->burst, b->tokens + (now_ms - b->updated_ms) * rl->rate);
        b->updated_ms = now_ms;
    }
}

/* Drops buckets that are full again: forgetting them changes no answer. */
static void sweep(const struct ratelimit *rl, struct shard *sh, double now_ms)
{
    for (int j = 0; j < 256; j++) {
        struct bucket **pp = &sh->slots[j];
        while (*pp) {
            struct bucket *b = *pp;
            refill(rl, b, now_ms);
            if (b->tokens >= rl->burst) {
                *pp = b->next;
                free(b);
                sh->count--;
            } else {
                pp = &b->next;
            }
        }
    }
}

void ratelimit_take(struct ratelimit *rl, const char *key, double now_ms,
                    struct ratelimit_result *out)
{
    uint32_t h = hash(key);
    struct shard *sh = &rl->shards[h % SHARDS];
    pthread_mutex_lock(&sh->lock);
    struct bucket **slot = &sh->slots[(h / SHARDS) % 256];
    struct bucket *b = *slot;
    while (b && strncmp(b->key, key, KEY_MAX - 1) != 0)
        b = b->next;
    if (!b) {
        if (sh->count >= SWEEP_AT)
            sweep(rl, sh, now_ms);
        b = xcalloc(1, sizeof(*b));
        strncpy(b->key, key, KEY_MAX - 1);
        b->tokens = rl->burst;
        b->updated_ms = now_ms;
        b->next = *slot;
        *slot = b;
        sh->count++;
    }
    refill(rl, b, now_ms);
    out->is_allowed = b->tokens >= 1.0;
    if (out->is_allowed)
        b->tokens -= 1.0;
    double missing = rl->burst - b->tokens;
    out->limit = (unsigned)rl->burst;
    out->remaining = (unsigned)floor(b->tokens);
    out->reset_s = (unsigned)ceil(missing / rl->rate / 1000.0);
    out->retry_after = out->is_allowed ? 0 : (unsigned)ceil((1.0 - b->tokens) / rl->rate / 1000.0);
    if (!out->is_allowed && out->retry_after == 0)
        out->retry_after = 1;
    pthread_mutex_unlock(&sh->lock);
}
