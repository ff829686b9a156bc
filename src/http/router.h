/* Matching a method and path against a route table read top to bottom. Patterns are literal
 * segments and "{}" for one captured segment. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "core/arena.h"

#include <stddef.h>

struct api_call;

/* How a route authenticates its caller. */
enum http_auth { HTTP_AUTH_NONE, HTTP_AUTH_PERSONAL, HTTP_AUTH_SCIM, HTTP_AUTH_SESSION };

/* A handler returns the HTTP status it answered. */
typedef int http_route_fn(struct api_call *call);

struct http_route {
    const char *method;
    const char *pattern;
    enum http_auth auth;
    http_route_fn *handler;
};

enum { HTTP_ROUTE_MAX_PARAMS = 4 };

enum http_match_result { HTTP_MATCH_OK, HTTP_MATCH_NOT_FOUND, HTTP_MATCH_BAD_METHOD };

struct http_match {
    const struct http_route *route;
    const char *params[HTTP_ROUTE_MAX_PARAMS]; /* captured segments, arena copies */
    size_t n_params;
    char allow[96]; /* with HTTP_MATCH_BAD_METHOD: the methods the path takes, ", "-separated */
};

/* Finds the first route whose pattern and method match. With a path that matches only under
 * other methods, returns HTTP_MATCH_BAD_METHOD and fills allow. HEAD matches GET routes. */
enum http_match_result http_router_match(const struct http_route *routes, size_t n_routes,
                                         const char *method, const char *path, struct arena *ar,
                                         struct http_match *out);

#endif
