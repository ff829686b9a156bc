/* The REST error shape, built here and nowhere else; on /scim paths errors take the SCIM
 * shape through scim_error. */
#include "api.h"

#include "api/metrics.h"
#include "core/log.h"
#include "scim/scim.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

int api_error(struct api_call *call, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (call->is_scim) {
        /* Errors before a SCIM handler runs (401, 404, 405, 413, ...) take the SCIM shape. */
        scim_error(call, status, NULL, "%s", msg);
    } else {
        cJSON *root = cJSON_CreateObject();
        cJSON *err = cJSON_AddObjectToObject(root, "error");
        cJSON_AddStringToObject(err, "message", msg);
        cJSON_AddNumberToObject(err, "code", status);
        http_response_json(call->res, status, "application/json", root);
    }
    if (status == 401)
        http_response_header(call->res, call->arena, "WWW-Authenticate",
                             "Bearer realm=\"screendesk\"");
    return status;
}

int api_store_error(struct api_call *call, enum store_status s, const char *not_found_message)
{
    if (s == STORE_NOT_FOUND)
        return api_error(call, 404, "%s", not_found_message);
    /* The cause was logged by the store; the client learns only that it failed. */
    api_metrics_database_error();
    log_error("request %s: store call failed: %s", call->req->request_id, store_status_name(s));
    if (s == STORE_UNAVAILABLE)
        return api_error(call, 503, "The service is temporarily unavailable; try again");
    return api_error(call, 500, "Something went wrong with the Screendesk API");
}

int api_json_buf(struct api_call *call, int status, struct buf *b)
{
    buf_fini(&call->res->body);
    call->res->body = *b;
    call->res->status = status;
    call->res->content_type = "application/json";
    buf_init(b, b->max);
    return status;
}

static void delete_json(void *json)
{
    cJSON_Delete(json);
}

void *api_json_owned(struct api_call *call, void *json)
{
    if (json)
        arena_cleanup_add(call->arena, delete_json, json);
    return json;
}
