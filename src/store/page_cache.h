/* Page boundaries of lists, so a deep page seeks instead of skipping rows: for one list of an
 * account at one order version, the sort key of every STEP-th row. Shared by the threads of
 * one process; bounded in memory. */
#ifndef STORE_PAGE_CACHE_H
#define STORE_PAGE_CACHE_H

#include "core/uuid.h"

#include <stddef.h>
#include <stdint.h>

enum { PAGE_CACHE_STEP = 100 };

struct page_key {
    int64_t created_at;
    char id[UUID_LEN];
};

enum page_cache_result { PAGE_CACHE_MISS, PAGE_CACHE_HIT };

/* Which list of an account (the `list` argument below): NULL for all its recordings, a user
 * id for that user's recordings, PAGE_CACHE_USERS for its users (not an id: ids are UUIDs). */
#define PAGE_CACHE_USERS "users"

/* Looks for the key of the last row before row `offset` (0-based, in list order),
 * rounded down to a STEP boundary; *skip (OUT) is what remains to skip after that key.
 * Returns PAGE_CACHE_MISS when nothing is cached for (account, user, version). */
enum page_cache_result page_cache_find(const char *account_id, const char *user_id, int64_t version,
                                       int64_t offset, struct page_key *key, int64_t *skip);
/* Stores keys[i] = the key of row (i + 1) * STEP - 1, for (account, user, version). Copies. */
void page_cache_put(const char *account_id, const char *user_id, int64_t version,
                    const struct page_key *keys, size_t n);
/* Drops everything (tests, shutdown). */
void page_cache_clear(void);

#endif
