/* The SCIM error shape (RFC 7644 section 3.12), built here and nowhere else. */
#include "scim.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

int scim_error(struct api_call *call, int status, const char *scim_type, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    char status_text[8];
    snprintf(status_text, sizeof(status_text), "%d", status);
    cJSON *o = cJSON_CreateObject();
    cJSON *schemas = cJSON_AddArrayToObject(o, "schemas");
    cJSON_AddItemToArray(schemas, cJSON_CreateString(SCIM_ERROR_SCHEMA));
    cJSON_AddStringToObject(o, "detail", detail);
    cJSON_AddStringToObject(o, "status", status_text);
    if (scim_type)
        cJSON_AddStringToObject(o, "scimType", scim_type);
    return scim_json(call, status, o);
}

int scim_json(struct api_call *call, int status, void *json)
{
    http_response_json(call->res, status, SCIM_CONTENT_TYPE, json);
    return status;
}

int scim_json_buf(struct api_call *call, int status, struct buf *b)
{
    api_json_buf(call, status, b);
    call->res->content_type = SCIM_CONTENT_TYPE;
    return status;
}

const char *scim_base_url(struct api_call *call)
{
    if (!call->base_url) {
        const char *host = http_request_header(call->req, "Host");
        call->base_url = arena_printf(call->arena, "%s://%s", call->req->is_tls ? "https" : "http",
                                      host && *host ? host : "localhost");
    }
    return call->base_url;
}
