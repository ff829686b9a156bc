/* scim/patch.c: RFC 7644 section 3.5.2 examples and what Okta and Entra ID send, each with
 * the resource it must produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scim/patch.h"

#include <cjson/cJSON.h>
#include <string.h>

#define BASE                                                                                       \
    "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\","                \
    "\"givenName\":\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\","           \
    "\"primary\":true,\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\"]}"

struct patch_case {
    const char *name;
    const char *operations; /* the Operations array */
    const char *expect;     /* the resulting resource, or NULL when an error is expected */
    enum scim_patch_status status;
};

static const struct patch_case cases[] = {
    {"okta deactivate", "[{\"op\":\"replace\",\"value\":{\"active\":false}}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":false,\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"entra replace active as string",
     "[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":\"False\",\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"entra value path email",
     "[{\"op\":\"Replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
     "\"value\":\"b@x.test\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"b@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"entra value path creates element",
     "[{\"op\":\"Add\",\"path\":\"emails[type eq \\\"home\\\"].value\",\"value\":\"h@x.test\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"},{\"type\":\"home\",\"value\":\"h@x.test\"}],\"active\":true,"
     "\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"pathless keys that are paths",
     "[{\"op\":\"replace\",\"value\":{\"name.givenName\":\"Anna\",\"userName\":\"n@x.test\"}}]",
     "{\"id\":\"u1\",\"userName\":\"n@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Anna\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"add merges complex and appends multi-valued",
     "[{\"op\":\"add\",\"value\":{\"name\":{\"middleName\":\"J\"},\"roles\":[\"admin\"]}}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\",\"middleName\":\"J\"},\"emails\":[{\"value\":\"a@x.test\","
     "\"primary\":true,\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\",\"admin\"]}",
     SCIM_PATCH_OK},
    {"remove with value filter on simple values",
     "[{\"op\":\"remove\",\"path\":\"roles[value eq \\\"member\\\"]\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[]}",
     SCIM_PATCH_OK},
    {"remove sub-attribute and attribute",
     "[{\"op\":\"remove\",\"path\":\"name.familyName\"},{\"op\":\"remove\",\"path\":\"emails\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\"},\"active\":true,\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"replace whole multi-valued attribute",
     "[{\"op\":\"replace\",\"path\":\"roles\",\"value\":[{\"value\":\"admin\"}]}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[{\"value\":\"admin\"}]}",
     SCIM_PATCH_OK},
    {"enterprise extension and unknown attributes are kept aside",
     "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
     "manager\",\"value\":\"boss\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Ann\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\"],\"manager\":\"boss\"}",
     SCIM_PATCH_OK},
    {"case-insensitive attribute names",
     "[{\"op\":\"REPLACE\",\"path\":\"NAME.GIVENNAME\",\"value\":\"Z\"}]",
     "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"formatted\":\"Ann Lee\",\"givenName\":"
     "\"Z\",\"familyName\":\"Lee\"},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true,"
     "\"type\":\"work\"}],\"active\":true,\"roles\":[\"member\"]}",
     SCIM_PATCH_OK},
    {"meta is ignored", "[{\"op\":\"replace\",\"path\":\"meta.version\",\"value\":\"x\"}]", BASE,
     SCIM_PATCH_OK},
    {"remove without path", "[{\"op\":\"remove\"}]", NULL, SCIM_PATCH_NO_TARGET},
    {"unknown op", "[{\"op\":\"move\",\"path\":\"active\",\"value\":true}]", NULL,
     SCIM_PATCH_INVALID_SYNTAX},
    {"bad path", "[{\"op\":\"replace\",\"path\":\"emails[type eq]\",\"value\":1}]", NULL,
     SCIM_PATCH_INVALID_PATH},
    {"id is immutable", "[{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}]", NULL,
     SCIM_PATCH_MUTABILITY},
    {"pathless value must be an object", "[{\"op\":\"replace\",\"value\":true}]", NULL,
     SCIM_PATCH_INVALID_VALUE},
    {"replace needs a value", "[{\"op\":\"replace\",\"path\":\"active\"}]", NULL,
     SCIM_PATCH_INVALID_VALUE},
    {"empty operations", "[]", NULL, SCIM_PATCH_INVALID_SYNTAX},
};

static void table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct patch_case *c = &cases[i];
        cJSON *resource = cJSON_Parse(BASE);
        cJSON *body = cJSON_CreateObject();
        cJSON *ops = cJSON_Parse(c->operations);
        assert_non_null(ops);
        cJSON_AddItemToObject(body, "Operations", ops);
        struct arena *ar = arena_new();
        struct parse_error err;
        enum scim_patch_status s = scim_patch_apply(resource, body, ar, &err);
        if (s != c->status)
            fail_msg("%s: status %d (%s), expected %d", c->name, s, err.message, c->status);
        if (c->expect) {
            cJSON *expect = cJSON_Parse(c->expect);
            assert_non_null(expect);
            if (!cJSON_Compare(resource, expect, true)) {
                char *got = cJSON_PrintUnformatted(resource);
                fail_msg("%s: got %s", c->name, got);
            }
            cJSON_Delete(expect);
        } else {
            assert_true(err.message[0] != '\0');
        }
        arena_free(ar);
        cJSON_Delete(body);
        cJSON_Delete(resource);
    }
}

static void body_must_be_patch_request(void **state)
{
    (void)state;
    cJSON *resource = cJSON_Parse(BASE);
    cJSON *body = cJSON_Parse("{\"op\":\"replace\"}");
    struct arena *ar = arena_new();
    struct parse_error err;
    assert_int_equal(scim_patch_apply(resource, body, ar, &err), SCIM_PATCH_INVALID_SYNTAX);
    assert_int_equal(scim_patch_apply(resource, NULL, ar, &err), SCIM_PATCH_INVALID_SYNTAX);
    arena_free(ar);
    cJSON_Delete(body);
    cJSON_Delete(resource);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(body_must_be_patch_request),
    };
    return cmocka_run_group_tests_name("scim_patch", tests, NULL, NULL);
}
