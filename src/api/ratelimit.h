/* Per-token rate limiting: a token bucket of rate N per second and burst 2N for each key,
 * shared by every worker thread. */
#ifndef API_RATELIMIT_H
#define API_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

/* What one take decided, for the RateLimit-* and Retry-After headers. */
struct ratelimit_result {
    bool is_allowed;
    unsigned limit;       /* the burst size */
    unsigned remaining;   /* whole requests left now */
    unsigned reset_s;     /* seconds until the bucket is full again */
    unsigned retry_after; /* seconds to wait, when not allowed */
};

/* Returns a limiter of rate requests per second (burst 2 * rate); free with ratelimit_free. */
struct ratelimit *ratelimit_new(unsigned rate);
void ratelimit_free(struct ratelimit *rl);
/* Takes one request for key at monotonic time now_ms; fills out. Thread-safe. */
void ratelimit_take(struct ratelimit *rl, const char *key, double now_ms,
                    struct ratelimit_result *out);

#endif
