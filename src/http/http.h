/* The HTTP boundary: requests and responses as plain structs, served by libmicrohttpd.
 * Knows no route: the caller hands it one function that answers every request. */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/uuid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;

struct http_header {
    const char *name, *value;
    struct http_header *next;
};

struct http_request {
    struct arena *arena; /* everything made for this request; freed when it completes */
    struct MHD_Connection *conn;
    const char *method;
    const char *path; /* decoded, without the query string */
    struct buf body;  /* at most the body limit; see is_body_too_large */
    bool is_body_too_large;
    bool is_url_too_long;
    bool is_tls;
    char request_id[UUID_LEN + 28];
    double started_ms;
    const char *account_id; /* set by the application, for the access log */
    int status;             /* the status sent, for the access log */
    int route;              /* set by the application: which route answered; -1 for none */
    /* Set by the application when the answer reports writes that are not durable yet: the
     * server sends it once cfg.sync has covered this ticket (group commit). */
    uint64_t durable_ticket;
    struct http_response *parked; /* the answer waiting for that, or NULL */
};

struct http_response {
    int status;
    const char *content_type;
    struct buf body;
    struct http_header *headers; /* arena-allocated */
};

/* Answers one request: fills res (status, body, headers); returns nothing. */
typedef void http_handler(struct http_request *req, struct http_response *res, void *app);

struct http_server_config {
    const char *host; /* NULL or "" for every address */
    unsigned short port;
    unsigned threads;
    const char *tls_cert_pem, *tls_key_pem; /* contents, not paths; NULL for plain HTTP */
    unsigned connection_limit, per_ip_limit, idle_timeout_seconds;
    unsigned request_timeout_seconds; /* a body still arriving after this is cut off */
    unsigned header_timeout_seconds;  /* headers not complete after this: cut off */
    size_t header_limit, url_limit;
    size_t body_limit;
    http_handler *handler;
    void *app;
    /* Called once per request after the answer was sent (metrics); may be NULL. */
    void (*on_complete)(const struct http_request *req, double duration_ms);
    bool is_quiet; /* no access log (the metrics listener) */
    /* Group commit: makes the application's writes durable and returns the highest ticket
     * that now is (0 when it failed). Called by one server thread for many waiting answers at
     * once. NULL: answers never wait. */
    uint64_t (*sync)(void *app);
    /* Replaces an answer whose writes sync could not make durable (a 503). */
    void (*not_durable)(struct http_request *req, struct http_response *res, void *app);
};

struct http_server;

/* Starts listening and serving on worker threads. Returns NULL with a message in err. */
struct http_server *http_server_start(const struct http_server_config *cfg, char *err,
                                      size_t errlen);
/* Returns the port actually bound (useful with port 0). */
unsigned short http_server_port(const struct http_server *s);
/* Stops accepting, waits up to grace_ms for requests in flight, then stops and frees. */
void http_server_stop(struct http_server *s, unsigned grace_ms);

/* Returns a request header's value (case-insensitive name), or NULL. */
const char *http_request_header(const struct http_request *req, const char *name);
/* Returns a query parameter's decoded value, or NULL when absent. */
const char *http_request_query(const struct http_request *req, const char *name);
/* Returns a cookie's value from the Cookie header (libmicrohttpd parses it), or NULL. */
const char *http_request_cookie(const struct http_request *req, const char *name);
/* Writes the client's address (IPv4 or IPv6 text) into out; "" when unknown. */
void http_request_client_ip(const struct http_request *req, char *out, size_t len);
/* Calls fn for every query parameter, in the order of the URL (value NULL when bare). */
typedef void http_pair_fn(void *ctx, const char *name, const char *value);
void http_request_query_each(const struct http_request *req, http_pair_fn *fn, void *ctx);
/* Returns true when every query parameter name and value is valid UTF-8. */
bool http_request_query_is_valid(const struct http_request *req);

/* Adds a response header (strings copied into the request arena). */
void http_response_header(struct http_response *res, struct arena *ar, const char *name,
                          const char *value);
/* Sets status, content type and a JSON body taken from a cJSON tree, which this deletes. */
void http_response_json(struct http_response *res, int status, const char *content_type,
                        void *json);

#endif
