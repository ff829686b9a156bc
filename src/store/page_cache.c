/* A small table of entries, each holding the boundaries of one list at one version; the
 * least recently used entries go first when the total passes the key budget. */
#include "page_cache.h"

#include "core/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ENTRIES = 64, KEY_BUDGET = 200000 }; /* about 9 MB of keys at most */

struct entry {
    char account_id[UUID_LEN];
    char user_id[UUID_LEN];
    int64_t version;
    struct page_key *keys;
    size_t n;
    uint64_t used; /* a clock for least-recently-used eviction */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[ENTRIES];
static size_t total_keys;
static uint64_t tick;

static bool same(const struct entry *e, const char *account_id, const char *user_id)
{
    return e->keys && strcmp(e->account_id, account_id) == 0 &&
           strcmp(e->user_id, user_id ? user_id : "") == 0;
}

static void drop(struct entry *e)
{
    total_keys -= e->n;
    free(e->keys);
    memset(e, 0, sizeof(*e));
}

enum page_cache_result page_cache_find(const char *account_id, const char *user_id, int64_t version,
                                       int64_t offset, struct page_key *key, int64_t *skip)
{
    enum page_cache_result r = PAGE_CACHE_MISS;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < ENTRIES; i++) {
        struct entry *e = &table[i];
        if (!same(e, account_id, user_id) || e->version != version)
            continue;
        e->used = ++tick;
        int64_t block = offset / PAGE_CACHE_STEP;
        if (block > (int64_t)e->n)
            block = (int64_t)e->n;
        if (block == 0)
            break; /* nothing to seek past: a plain offset is as cheap */
        *key = e->keys[block - 1];
        *skip = offset - block * PAGE_CACHE_STEP;
        r = PAGE_CACHE_HIT;
        break;
    }
    pthread_mutex_unlock(&lock);
    return r;
}

/* The least recently used entry, or NULL when the table is empty. */
static struct entry *least_recent(void)
{
    struct entry *victim = NULL;
    for (int i = 0; i < ENTRIES; i++) {
        if (table[i].keys && (!victim || table[i].used < victim->used))
            victim = &table[i];
    }
    return victim;
}

void page_cache_put(const char *account_id, const char *user_id, int64_t version,
                    const struct page_key *keys, size_t n)
{
    if (n == 0 || n > KEY_BUDGET)
        return;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < ENTRIES; i++) {
        if (same(&table[i], account_id, user_id))
            drop(&table[i]);
    }
    struct entry *slot;
    while (total_keys + n > KEY_BUDGET && (slot = least_recent()))
        drop(slot);
    slot = NULL;
    for (int i = 0; i < ENTRIES && !slot; i++) {
        if (!table[i].keys)
            slot = &table[i];
    }
    if (!slot) {
        slot = least_recent();
        drop(slot);
    }
    snprintf(slot->account_id, sizeof(slot->account_id), "%s", account_id);
    snprintf(slot->user_id, sizeof(slot->user_id), "%s", user_id ? user_id : "");
    slot->version = version;
    slot->keys = xmalloc(n * sizeof(*keys));
    memcpy(slot->keys, keys, n * sizeof(*keys));
    slot->n = n;
    slot->used = ++tick;
    total_keys += n;
    pthread_mutex_unlock(&lock);
}

void page_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < ENTRIES; i++) {
        if (table[i].keys)
            drop(&table[i]);
    }
    pthread_mutex_unlock(&lock);
}
