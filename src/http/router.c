/* Segment-by-segment matching; no allocation but the captured parameters. */
#include "router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches path against pattern; on success fills params when out is not NULL. */
static bool match_path(const char *pattern, const char *path, struct arena *ar,
                       struct http_match *out)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pe = strchr(p, '/');
        const char *se = strchr(s, '/');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        size_t slen = se ? (size_t)(se - s) : strlen(s);
        if (plen == 2 && p[0] == '{' && p[1] == '}') {
            if (slen == 0 || n >= HTTP_ROUTE_MAX_PARAMS)
                return false;
            if (out)
                out->params[n] = arena_strndup(ar, s, slen);
            n++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    /* A single trailing slash on the request is tolerated. */
    if (*p == '\0' && s[0] == '/' && s[1] == '\0')
        s++;
    if (*p || *s)
        return false;
    if (out)
        out->n_params = n;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum http_match_result http_router_match(const struct http_route *routes, size_t n_routes,
                                         const char *method, const char *path, struct arena *ar,
                                         struct http_match *out)
{
    memset(out, 0, sizeof(*out));
    bool path_seen = false;
    for (size_t i = 0; i < n_routes; i++) {
        if (!match_path(routes[i].pattern, path, NULL, NULL))
            continue;
        if (method_matches(routes[i].method, method)) {
            match_path(routes[i].pattern, path, ar, out);
            out->route = &routes[i];
            return HTTP_MATCH_OK;
        }
        if (strstr(out->allow, routes[i].method))
            continue;
        size_t len = strlen(out->allow);
        snprintf(out->allow + len, sizeof(out->allow) - len, "%s%s", path_seen ? ", " : "",
                 routes[i].method);
        path_seen = true;
    }
    return path_seen ? HTTP_MATCH_BAD_METHOD : HTTP_MATCH_NOT_FOUND;
}
