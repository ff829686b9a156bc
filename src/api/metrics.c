/* Fixed tables of atomic counters indexed by route and status: no allocation and no lock on
 * the request path. */
#include "metrics.h"

#include "api.h"

#include <stdatomic.h>
#include <string.h>

enum { MAX_ROUTES = 64, BUCKETS = 12 };

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                               409, 412, 413, 415, 422, 429, 500, 503, 0};
#define N_STATUSES (sizeof(statuses) / sizeof(statuses[0]))
static const double bucket_ms[BUCKETS - 1] = {0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000};

/* Row MAX_ROUTES is for requests that matched no route. */
static atomic_ulong requests[MAX_ROUTES + 1][N_STATUSES];
static atomic_ulong latency[MAX_ROUTES + 1][BUCKETS];
static atomic_ulong latency_sum_us[MAX_ROUTES + 1];
static atomic_ulong database_errors;
static atomic_ulong rate_limited;

static size_t row_of(int route)
{
    return route >= 0 && route < MAX_ROUTES && (size_t)route < api_routes_count ? (size_t)route
                                                                                : MAX_ROUTES;
}

void api_metrics_observe(const struct http_request *req, double duration_ms)
{
    size_t row = row_of(req->route);
    size_t col = N_STATUSES - 1;
    for (size_t i = 0; i + 1 < N_STATUSES; i++) {
        if (statuses[i] == req->status) {
            col = i;
            break;
        }
    }
    atomic_fetch_add(&requests[row][col], 1);
    size_t b = 0;
    while (b < BUCKETS - 1 && duration_ms > bucket_ms[b])
        b++;
    atomic_fetch_add(&latency[row][b], 1);
    atomic_fetch_add(&latency_sum_us[row], (unsigned long)(duration_ms * 1000.0));
}

void api_metrics_database_error(void)
{
    atomic_fetch_add(&database_errors, 1);
}

void api_metrics_rate_limited(void)
{
    atomic_fetch_add(&rate_limited, 1);
}

static void labels(struct buf *b, size_t row)
{
    if (row == MAX_ROUTES)
        buf_puts(b, "method=\"\",route=\"unmatched\"");
    else
        buf_printf(b, "method=\"%s\",route=\"%s\"", api_routes[row].method,
                   api_routes[row].pattern);
}

void api_metrics_render(struct buf *b)
{
    buf_puts(b, "# HELP screendesk_requests_total Requests answered, by route and status.\n"
                "# TYPE screendesk_requests_total counter\n");
    for (size_t row = 0; row <= MAX_ROUTES; row++) {
        for (size_t col = 0; col < N_STATUSES; col++) {
            unsigned long n = atomic_load(&requests[row][col]);
            if (!n)
                continue;
            buf_puts(b, "screendesk_requests_total{");
            labels(b, row);
            if (statuses[col])
                buf_printf(b, ",status=\"%d\"} %lu\n", statuses[col], n);
            else
                buf_printf(b, ",status=\"other\"} %lu\n", n);
        }
    }
    buf_puts(b, "# HELP screendesk_request_duration_seconds Time from the request's headers to "
                "its answer.\n# TYPE screendesk_request_duration_seconds histogram\n");
    for (size_t row = 0; row <= MAX_ROUTES; row++) {
        unsigned long total = 0;
        for (size_t i = 0; i < BUCKETS; i++)
            total += atomic_load(&latency[row][i]);
        if (!total)
            continue;
        unsigned long cumulative = 0;
        for (size_t i = 0; i < BUCKETS; i++) {
            cumulative += atomic_load(&latency[row][i]);
            buf_puts(b, "screendesk_request_duration_seconds_bucket{");
            labels(b, row);
            if (i < BUCKETS - 1)
                buf_printf(b, ",le=\"%g\"} %lu\n", bucket_ms[i] / 1000.0, cumulative);
            else
                buf_printf(b, ",le=\"+Inf\"} %lu\n", cumulative);
        }
        buf_puts(b, "screendesk_request_duration_seconds_sum{");
        labels(b, row);
        buf_printf(b, "} %.6f\n", atomic_load(&latency_sum_us[row]) / 1e6);
        buf_puts(b, "screendesk_request_duration_seconds_count{");
        labels(b, row);
        buf_printf(b, "} %lu\n", total);
    }
    buf_printf(b,
               "# HELP screendesk_database_errors_total Store calls that failed (not counting "
               "\"not found\").\n# TYPE screendesk_database_errors_total counter\n"
               "screendesk_database_errors_total %lu\n"
               "# HELP screendesk_rate_limited_total Requests refused with 429.\n"
               "# TYPE screendesk_rate_limited_total counter\n"
               "screendesk_rate_limited_total %lu\n",
               atomic_load(&database_errors), atomic_load(&rate_limited));
}

void api_metrics_handler(struct http_request *req, struct http_response *res, void *app)
{
    (void)app;
    buf_reset(&res->body);
    if (strcmp(req->path, "/metrics") != 0) {
        res->status = 404;
        res->content_type = "text/plain; charset=utf-8";
        buf_puts(&res->body, "not found; metrics are at /metrics\n");
        return;
    }
    res->status = 200;
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    api_metrics_render(&res->body);
}
