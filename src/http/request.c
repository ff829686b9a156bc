/* Reading a request: headers and query parameters through libmicrohttpd. */
#include "http.h"

#include "core/utf8.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>

const char *http_request_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_request_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_cookie(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void http_request_client_ip(const struct http_request *req, char *out, size_t len)
{
    out[0] = '\0';
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)len);
}

struct pair_visit {
    http_pair_fn *fn;
    void *ctx;
};

static enum MHD_Result visit_pair(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    struct pair_visit *v = cls;
    v->fn(v->ctx, key, value);
    return MHD_YES;
}

void http_request_query_each(const struct http_request *req, http_pair_fn *fn, void *ctx)
{
    struct pair_visit v = {fn, ctx};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, visit_pair, &v);
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
