/* http/router.c: matching, captured segments, 404 and 405 with Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/router.h"

static int handler(struct api_call *call)
{
    (void)call;
    return 200;
}

static const struct http_route routes[] = {
    {"GET", "/healthz", HTTP_AUTH_NONE, handler},
    {"GET", "/api/v2/users/search", HTTP_AUTH_PERSONAL, handler},
    {"GET", "/api/v2/users/{}", HTTP_AUTH_PERSONAL, handler},
    {"GET", "/api/v2/recordings/{}", HTTP_AUTH_PERSONAL, handler},
    {"PATCH", "/api/v2/recordings/{}", HTTP_AUTH_PERSONAL, handler},
};

static void matches_literal_and_captured_paths(void **state)
{
    (void)state;
    struct arena *ar = arena_new();
    struct http_match m;
    assert_int_equal(http_router_match(routes, 5, "GET", "/healthz", ar, &m), HTTP_MATCH_OK);
    assert_ptr_equal(m.route, &routes[0]);
    assert_int_equal(http_router_match(routes, 5, "GET", "/healthz/", ar, &m), HTTP_MATCH_OK);
    assert_int_equal(http_router_match(routes, 5, "HEAD", "/healthz", ar, &m), HTTP_MATCH_OK);
    assert_int_equal(http_router_match(routes, 5, "GET", "/api/v2/users/search", ar, &m),
                     HTTP_MATCH_OK);
    assert_ptr_equal(m.route, &routes[1]);
    assert_int_equal(http_router_match(routes, 5, "GET", "/api/v2/users/a@b.c", ar, &m),
                     HTTP_MATCH_OK);
    assert_ptr_equal(m.route, &routes[2]);
    assert_int_equal(m.n_params, 1);
    assert_string_equal(m.params[0], "a@b.c");
    assert_int_equal(http_router_match(routes, 5, "PATCH", "/api/v2/recordings/abc", ar, &m),
                     HTTP_MATCH_OK);
    assert_ptr_equal(m.route, &routes[4]);
    assert_string_equal(m.params[0], "abc");
    arena_free(ar);
}

static void unknown_paths_and_wrong_methods(void **state)
{
    (void)state;
    struct arena *ar = arena_new();
    struct http_match m;
    const char *missing[] = {"/",
                             "",
                             "/api",
                             "/api/v2/recordings/a/b",
                             "/api/v2/users/",
                             "/healthzz",
                             "//healthz",
                             "/api/v2/recordings//"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        assert_int_equal(http_router_match(routes, 5, "GET", missing[i], ar, &m),
                         HTTP_MATCH_NOT_FOUND);
    assert_int_equal(http_router_match(routes, 5, "DELETE", "/api/v2/recordings/x", ar, &m),
                     HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "GET, PATCH");
    assert_int_equal(http_router_match(routes, 5, "POST", "/healthz", ar, &m),
                     HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "GET");
    arena_free(ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_literal_and_captured_paths),
        cmocka_unit_test(unknown_paths_and_wrong_methods),
    };
    return cmocka_run_group_tests_name("http_router", tests, NULL, NULL);
}
