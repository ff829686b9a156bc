/* What REST and SCIM handlers share: the application state and one call's context. */
#ifndef API_API_H
#define API_API_H

#include "auth/token.h"
#include "http/http.h"
#include "http/router.h"
#include "store/store.h"

#include <stdbool.h>

/* Long-lived state made by `serve` and shared read-only by every worker thread. */
struct app {
    struct store *store;
    const struct auth_keys *keys;
    struct ratelimit *ratelimit; /* NULL when rate limiting is off */
    bool is_https_only;          /* refuse plain HTTP but /healthz and /readyz */
    bool is_answer_cache_off;    /* every read queries the database (api/answer_cache.c) */
};

/* One request on its way through dispatch: what the handler reads and fills. */
struct api_call {
    struct http_request *req;
    struct http_response *res;
    struct app *app;
    struct arena *arena;
    struct store_conn *conn;
    struct store_principal who;        /* the caller, on authenticated routes */
    struct store_session_view session; /* the signed-in user, on web routes */
    const char *session_raw;           /* the session cookie's value, on web routes */
    const char *const *params;         /* captured path segments */
    const char *base_url;              /* "scheme://host", once made (scim_base_url) */
    bool is_scim;
};

/* The route table and the dispatcher handed to the HTTP server. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;
/* Matches the route, authorizes the caller, runs the handler; always fills res. Marks the
 * request with a durability ticket when it wrote (group commit). */
void api_dispatch(struct http_request *req, struct http_response *res, void *app);
/* The server's group-commit sync: makes the store's writes durable (see store_sync). */
uint64_t api_sync(void *app);
/* Turns an answer whose writes could not be made durable into a 503 in its API's shape. */
void api_not_durable(struct http_request *req, struct http_response *res, void *app);

/* Sets a REST error body {"error": {"message", "code"}}; returns status. */
int api_error(struct api_call *call, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the error for a failed store call: 404 with not_found_message, 503, or 500. */
int api_store_error(struct api_call *call, enum store_status s, const char *not_found_message);
/* Sets status and a JSON body already rendered into b (taken over); returns status. */
int api_json_buf(struct api_call *call, int status, struct buf *b);

/* Hands a cJSON tree (may be NULL) to the request's arena, which deletes it when the
 * request ends; returns the tree. */
void *api_json_owned(struct api_call *call, void *json);

/* True when the request came over TLS, or through a TLS-terminating proxy that says so. */
bool api_is_https(const struct http_request *req);

/* True when the caller sees every recording of the account (admin or owner). */
bool api_caller_sees_all(const struct api_call *call);

/* Handlers. */
int api_health_get(struct api_call *call);
int api_ready_get(struct api_call *call);
int api_recordings_list(struct api_call *call);
int api_recordings_list_v1(struct api_call *call);
int api_recordings_get(struct api_call *call);
int api_recordings_get_v1(struct api_call *call);
int api_recordings_update(struct api_call *call);
int api_users_list(struct api_call *call);
int api_users_get(struct api_call *call);
int api_users_search(struct api_call *call);

#endif
