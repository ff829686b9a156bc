/* Prometheus metrics of this process: requests by route and status, a latency histogram,
 * database errors and rate-limited requests. Counters are atomics shared by every thread. */
#ifndef API_METRICS_H
#define API_METRICS_H

#include "http/http.h"

/* Counts one finished request (its route, status and duration). */
void api_metrics_observe(const struct http_request *req, double duration_ms);
/* Counts a store call that failed for a reason other than "not found". */
void api_metrics_database_error(void);
/* Counts a request refused by the rate limiter. */
void api_metrics_rate_limited(void);
/* Appends the metrics in the Prometheus text format (version 0.0.4) to b. */
void api_metrics_render(struct buf *b);
/* The handler of the metrics listener: GET /metrics, 404 for anything else. */
void api_metrics_handler(struct http_request *req, struct http_response *res, void *app);

#endif
