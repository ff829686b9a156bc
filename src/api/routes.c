/* THE route table, read top to bottom, and the dispatcher: match, authorize, handle. */
#include "api.h"

#include "api/answer_cache.h"
#include "api/metrics.h"
#include "api/ratelimit.h"
#include "auth/authorize.h"
#include "core/time.h"
#include "core/utf8.h"
#include "scim/scim.h"
#include "web/web.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct http_route api_routes[] = {
    {"GET", "/healthz", HTTP_AUTH_NONE, api_health_get},
    {"GET", "/readyz", HTTP_AUTH_NONE, api_ready_get},
    {"GET", "/api/v2/recordings", HTTP_AUTH_PERSONAL, api_recordings_list},
    {"GET", "/api/v2/recordings/{}", HTTP_AUTH_PERSONAL, api_recordings_get},
    {"PATCH", "/api/v2/recordings/{}", HTTP_AUTH_PERSONAL, api_recordings_update},
    {"GET", "/api/v2/users", HTTP_AUTH_PERSONAL, api_users_list},
    {"GET", "/api/v2/users/search", HTTP_AUTH_PERSONAL, api_users_search},
    {"GET", "/api/v2/users/{}", HTTP_AUTH_PERSONAL, api_users_get},
    {"GET", "/api/v1/recordings", HTTP_AUTH_PERSONAL, api_recordings_list_v1},
    {"GET", "/api/v1/recordings/{}", HTTP_AUTH_PERSONAL, api_recordings_get_v1},
    {"GET", "/scim/v2/Users", HTTP_AUTH_SCIM, scim_users_list},
    {"POST", "/scim/v2/Users", HTTP_AUTH_SCIM, scim_users_create},
    {"GET", "/scim/v2/Users/{}", HTTP_AUTH_SCIM, scim_users_get},
    {"PUT", "/scim/v2/Users/{}", HTTP_AUTH_SCIM, scim_users_replace},
    {"PATCH", "/scim/v2/Users/{}", HTTP_AUTH_SCIM, scim_users_update},
    {"DELETE", "/scim/v2/Users/{}", HTTP_AUTH_SCIM, scim_users_delete},
    {"GET", "/scim/v2/ServiceProviderConfig", HTTP_AUTH_SCIM, scim_service_provider_config},
    {"GET", "/scim/v2/ResourceTypes", HTTP_AUTH_SCIM, scim_resource_types},
    {"GET", "/scim/v2/ResourceTypes/User", HTTP_AUTH_SCIM, scim_resource_type_user},
    {"GET", "/scim/v2/Schemas", HTTP_AUTH_SCIM, scim_schemas},
    {"GET", "/scim/v2/Schemas/{}", HTTP_AUTH_SCIM, scim_schema_get},
    {"GET", "/", HTTP_AUTH_NONE, web_home},
    {"GET", "/assets/app.css", HTTP_AUTH_NONE, web_asset_css},
    {"GET", "/assets/app.js", HTTP_AUTH_NONE, web_asset_js},
    {"GET", "/assets/icon.svg", HTTP_AUTH_NONE, web_asset_icon},
    {"GET", "/signin", HTTP_AUTH_NONE, web_signin_form},
    {"POST", "/signin", HTTP_AUTH_NONE, web_signin},
    {"POST", "/signout", HTTP_AUTH_SESSION, web_signout},
    {"GET", "/settings", HTTP_AUTH_SESSION, web_settings},
    {"GET", "/settings/profile", HTTP_AUTH_SESSION, web_profile},
    {"GET", "/settings/tokens", HTTP_AUTH_SESSION, web_tokens},
    {"POST", "/settings/tokens", HTTP_AUTH_SESSION, web_token_create},
    {"GET", "/settings/tokens/new", HTTP_AUTH_SESSION, web_token_new},
    {"GET", "/settings/tokens/{}", HTTP_AUTH_SESSION, web_token_view},
    {"GET", "/settings/tokens/{}/edit", HTTP_AUTH_SESSION, web_token_edit_form},
    {"POST", "/settings/tokens/{}/edit", HTTP_AUTH_SESSION, web_token_edit},
    {"GET", "/settings/tokens/{}/revoke", HTTP_AUTH_SESSION, web_token_revoke_form},
    {"POST", "/settings/tokens/{}/revoke", HTTP_AUTH_SESSION, web_token_revoke},
};
const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

int api_health_get(struct api_call *call)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    http_response_json(call->res, 200, "application/json", o);
    return 200;
}

/* Ready means the database answers: what a load balancer should route on. */
int api_ready_get(struct api_call *call)
{
    struct store_conn *c = store_conn_get(call->app->store);
    enum store_status s = c ? store_ping(c) : STORE_UNAVAILABLE;
    if (s != STORE_OK)
        return api_error(call, 503, "The database does not answer");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddStringToObject(o, "database", "ok");
    http_response_json(call->res, 200, "application/json", o);
    return 200;
}

/* Runs the ordered checks of SPEC section 2; returns 0 or the error status answered. */
static int authorize(struct api_call *call, enum http_auth kind)
{
    enum store_token_kind tk = kind == HTTP_AUTH_SCIM ? STORE_TOKEN_SCIM : STORE_TOKEN_PERSONAL;
    const char *header = http_request_header(call->req, "Authorization");
    switch (auth_authorize(call->conn, call->app->keys, call->arena, tk, header, &call->who)) {
    case AUTH_OK:
        call->req->account_id = arena_strdup(call->arena, call->who.account_id);
        return 0;
    case AUTH_UNAUTHENTICATED:
        return api_error(call, 401, "The access token provided is invalid or deactivated");
    case AUTH_PLAN:
        call->req->account_id = arena_strdup(call->arena, call->who.account_id);
        return api_error(call, 403, "API access requires the Enterprise plan");
    case AUTH_API_OFF:
        call->req->account_id = arena_strdup(call->arena, call->who.account_id);
        return api_error(call, 403, "API access is disabled for this account");
    case AUTH_UNAVAILABLE:
        return api_store_error(call, STORE_UNAVAILABLE, "");
    }
    return api_store_error(call, STORE_ERROR, "");
}

/* Takes one request from the caller's token bucket and sets the RateLimit headers; returns 0
 * or the 429 it answered. */
static int rate_limit(struct api_call *call)
{
    struct ratelimit_result r;
    ratelimit_take(call->app->ratelimit, call->who.token_id, time_mono_ms(), &r);
    char text[24];
    struct http_response *res = call->res;
    if (!r.is_allowed) {
        api_metrics_rate_limited();
        api_error(call, 429, "Too many requests; retry after %u seconds", r.retry_after);
        snprintf(text, sizeof(text), "%u", r.retry_after);
        http_response_header(res, call->arena, "Retry-After", text);
    }
    snprintf(text, sizeof(text), "%u", r.limit);
    http_response_header(res, call->arena, "RateLimit-Limit", text);
    snprintf(text, sizeof(text), "%u", r.remaining);
    http_response_header(res, call->arena, "RateLimit-Remaining", text);
    snprintf(text, sizeof(text), "%u", r.reset_s);
    http_response_header(res, call->arena, "RateLimit-Reset", text);
    return r.is_allowed ? 0 : 429;
}

bool api_is_https(const struct http_request *req)
{
    const char *proto = http_request_header(req, "X-Forwarded-Proto");
    return req->is_tls || (proto && strcasecmp(proto, "https") == 0);
}

/* Authorizes and answers a token-authenticated call. A read-only call reads one snapshot of
 * the database (see store_read_begin); the token's "last used" is written after it. */
static void authorized_call(struct api_call *call, const struct http_route *route)
{
    const char *method = call->req->method;
    bool is_read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    /* A read made when nothing was committed since an identical request was answered gets
     * that answer again (authorization included: it depends on the same data). The version
     * is read before the snapshot opens, so an answer is never labelled newer than its data;
     * and only for a request seen before, so one-off requests never pay for it. */
    struct store_version version;
    struct answer_key key;
    bool is_cacheable = false;
    const struct answer_entry *hit = NULL;
    if (is_read && !call->app->is_answer_cache_off) {
        answer_key_make(call, &key);
        is_cacheable = answer_cache_seen(&key) && store_change_version(call->conn, &version);
        if (is_cacheable)
            hit = answer_cache_find(&key, &version, call);
    }
    bool is_ok;
    if (hit) {
        call->req->account_id = arena_strdup(call->arena, call->who.account_id);
        is_ok = !(call->app->ratelimit && rate_limit(call));
        if (is_ok)
            answer_cache_apply(hit, call);
    } else {
        bool in_snapshot = is_read && store_read_begin(call->conn) == STORE_OK;
        is_ok = authorize(call, route->auth) == 0 && !(call->app->ratelimit && rate_limit(call));
        if (is_ok) {
            const struct http_header *before = call->res->headers;
            route->handler(call);
            if (is_cacheable && in_snapshot)
                answer_cache_put(&key, &version, call, before);
        }
        if (in_snapshot)
            store_read_end(call->conn);
    }
    if (is_ok) {
        /* The answer waits for the handler's writes to be durable, not for "last used". */
        call->req->durable_ticket = store_write_ticket(call->conn);
        auth_record_use(call->conn, &call->who);
        (void)store_write_ticket(call->conn);
    }
}

static void dispatch(struct http_request *req, struct http_response *res, void *app);

void api_dispatch(struct http_request *req, struct http_response *res, void *app)
{
    dispatch(req, res, app);
    /* With group commit, an answer that reports writes waits until they are on disk. */
    struct store_conn *c = store_conn_peek(((struct app *)app)->store);
    uint64_t ticket = c ? store_write_ticket(c) : 0;
    if (ticket)
        req->durable_ticket = ticket;
}

uint64_t api_sync(void *app)
{
    return store_sync(((struct app *)app)->store);
}

void api_not_durable(struct http_request *req, struct http_response *res, void *app)
{
    struct api_call call = {.req = req, .res = res, .app = app, .arena = req->arena};
    call.is_scim = strncmp(req->path, "/scim/", 6) == 0;
    res->headers = NULL;
    api_error(&call, 503, "The change could not be made durable; it may or may not be stored");
}

static void dispatch(struct http_request *req, struct http_response *res, void *app)
{
    struct api_call call = {.req = req, .res = res, .app = app, .arena = req->arena};
    call.is_scim = strncmp(req->path, "/scim/", 6) == 0;
    if (req->is_url_too_long) {
        api_error(&call, 414, "The URL is longer than the limit of 8 KiB");
        return;
    }
    if (req->is_body_too_large) {
        api_error(&call, 413, "The request body is larger than the limit of 1 MiB");
        return;
    }
    if (!utf8_is_valid(req->path, strlen(req->path)) || !http_request_query_is_valid(req)) {
        api_error(&call, 400, "The URL is not valid UTF-8");
        return;
    }
    if (call.app->is_https_only && !api_is_https(req) && strcmp(req->path, "/healthz") != 0 &&
        strcmp(req->path, "/readyz") != 0) {
        api_error(&call, 403, "HTTPS is required");
        return;
    }
    struct http_match m;
    switch (
        http_router_match(api_routes, api_routes_count, req->method, req->path, req->arena, &m)) {
    case HTTP_MATCH_NOT_FOUND:
        api_error(&call, 404, "We could not find any resource at %s", req->path);
        return;
    case HTTP_MATCH_BAD_METHOD:
        api_error(&call, 405, "%s is not allowed here", req->method);
        http_response_header(res, req->arena, "Allow", m.allow);
        return;
    case HTTP_MATCH_OK:
        break;
    }
    call.params = m.params;
    req->route = (int)(m.route - api_routes);
    if (m.route->auth != HTTP_AUTH_NONE) {
        call.conn = store_conn_get(call.app->store);
        if (!call.conn) {
            api_store_error(&call, STORE_UNAVAILABLE, "");
            return;
        }
        if (m.route->auth == HTTP_AUTH_SESSION) {
            if (web_authorize(&call))
                return;
        } else {
            authorized_call(&call, m.route);
            return;
        }
    }
    m.route->handler(&call);
}
