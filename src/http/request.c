/* Reading a request: headers and query parameters through libmicrohttpd. */
#include "http.h"

#include "core/utf8.h"

#include <microhttpd.h>
#include <string.h>

const char *http_request_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_request_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result check_utf8(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    bool *ok = cls;
    if (!utf8_is_valid(key, strlen(key)) || (value && !utf8_is_valid(value, strlen(value)))) {
        *ok = false;
        return MHD_NO;
    }
    return MHD_YES;
}

bool http_request_query_is_valid(const struct http_request *req)
{
    bool ok = true;
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_utf8, &ok);
    return ok;
}
