/* Answers of read-only API requests, kept per worker thread and given again while nothing
 * was committed since the version (store_change_version) read before the snapshot they came
 * from: same request, same credentials, same data, so the same answer, never a stale one. */
#ifndef API_ANSWER_CACHE_H
#define API_ANSWER_CACHE_H

#include "api/api.h"

#include <stdbool.h>

struct answer_key {
    unsigned char hash[32];
};

/* Makes the key of this request: method, path, query, scheme, and every request header a
 * read handler looks at (credentials, Host, conditional headers). A handler that starts
 * reading another header must add it here. */
void answer_key_make(const struct api_call *call, struct answer_key *key);
/* Whether this thread saw the request before (its answer kept or not); if not, remembers it.
 * Only a request seen before is worth a version, which costs a query on PostgreSQL. */
bool answer_cache_seen(const struct answer_key *key);
/* On a hit for (key, version), fills call->who with the caller as then and returns the entry,
 * else NULL. The entry lives until the next call on this thread. */
const struct answer_entry *answer_cache_find(const struct answer_key *key,
                                             const struct store_version *version,
                                             struct api_call *call);
/* Gives the answer of entry to call (status, type, the handler's headers, body). */
void answer_cache_apply(const struct answer_entry *entry, struct api_call *call);
/* Keeps call's answer (a 200 of at most 128 KiB) for (key, version); handler_headers are
 * the response headers the handler added (those before `until` in res->headers). */
void answer_cache_put(const struct answer_key *key, const struct store_version *version,
                      const struct api_call *call, const struct http_header *until);

#endif
