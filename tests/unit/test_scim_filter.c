/* scim/filter.c and scim/filter_eval.c: the grammar of RFC 7644 section 3.4.2.2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scim/filter.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Renders a tree as a compact, fully parenthesised string for comparison. */
static void show(const struct scim_filter *f, char *out, size_t len)
{
    static const char *const ops[] = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"};
    char a[256], b[256], path[128];
    switch (f->kind) {
    case SCIM_FILTER_AND:
    case SCIM_FILTER_OR:
        show(f->left, a, sizeof(a));
        show(f->right, b, sizeof(b));
        snprintf(out, len, "(%s %s %s)", a, f->kind == SCIM_FILTER_AND ? "and" : "or", b);
        return;
    case SCIM_FILTER_NOT:
        show(f->left, a, sizeof(a));
        snprintf(out, len, "not(%s)", a);
        return;
    default:
        break;
    }
    snprintf(path, sizeof(path), "%s%s%s", f->path.attr, f->path.sub ? "." : "",
             f->path.sub ? f->path.sub : "");
    if (f->kind == SCIM_FILTER_PRESENT) {
        snprintf(out, len, "%s pr", path);
    } else if (f->kind == SCIM_FILTER_VALUE_PATH) {
        show(f->left, a, sizeof(a));
        snprintf(out, len, "%s[%s]", path, a);
    } else if (f->value_kind == SCIM_VALUE_STRING) {
        snprintf(out, len, "%s %s '%s'", path, ops[f->op], f->string);
    } else if (f->value_kind == SCIM_VALUE_NUMBER) {
        snprintf(out, len, "%s %s %g", path, ops[f->op], f->number);
    } else {
        snprintf(out, len, "%s %s %s", path, ops[f->op],
                 f->value_kind == SCIM_VALUE_TRUE    ? "true"
                 : f->value_kind == SCIM_VALUE_FALSE ? "false"
                                                     : "null");
    }
}

static void parses_to(const char *text, const char *expected)
{
    struct arena *ar = arena_new();
    struct parse_error err;
    struct scim_filter *f = scim_filter_parse(ar, text, &err);
    if (!f)
        fail_msg("'%s' did not parse: %s", text, err.message);
    char out[1024];
    show(f, out, sizeof(out));
    if (strcmp(out, expected) != 0)
        fail_msg("'%s' parsed as %s, expected %s", text, out, expected);
    arena_free(ar);
}

static void every_operator(void **state)
{
    (void)state;
    const char *ops[] = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"};
    for (size_t i = 0; i < 9; i++) {
        char text[64], expected[64];
        snprintf(text, sizeof(text), "userName %s \"x\"", ops[i]);
        snprintf(expected, sizeof(expected), "userName %s 'x'", ops[i]);
        parses_to(text, expected);
    }
    parses_to("title pr", "title pr");
    parses_to("userName EQ \"a\"", "userName eq 'a'");
    parses_to("meta.lastModified gt \"2011-05-13T04:42:34Z\"",
              "meta.lastModified gt '2011-05-13T04:42:34Z'");
    parses_to("active eq true", "active eq true");
    parses_to("active eq False", "active eq false");
    parses_to("externalId eq null", "externalId eq null");
    parses_to("count ge -1.5e2", "count ge -150");
    parses_to("name.familyName co \"O'Malley\"", "name.familyName co 'O'Malley'");
    parses_to("userName eq \"a\\\"b\\\\c\\u00e9\"", "userName eq 'a\"b\\c\xc3\xa9'");
    parses_to("a eq \"\\ud83c\\udfa5\"", "a eq '\xf0\x9f\x8e\xa5'");
}

static void precedence_and_grouping(void **state)
{
    (void)state;
    parses_to("a eq 1 or b eq 2 and c eq 3", "(a eq 1 or (b eq 2 and c eq 3))");
    parses_to("a eq 1 and b eq 2 or c eq 3", "((a eq 1 and b eq 2) or c eq 3)");
    parses_to("(a eq 1 or b eq 2) and c eq 3", "((a eq 1 or b eq 2) and c eq 3)");
    parses_to("not (a eq 1) and b pr", "(not(a eq 1) and b pr)");
    parses_to("a pr AND b pr Or c pr", "((a pr and b pr) or c pr)");
    parses_to("  ( ( a pr ) )  ", "a pr");
    parses_to("a eq 1 and b eq 2 and c eq 3", "((a eq 1 and b eq 2) and c eq 3)");
}

static void value_paths_and_urns(void **state)
{
    (void)state;
    parses_to("emails[type eq \"work\" and value co \"@example.com\"]",
              "emails[(type eq 'work' and value co '@example.com')]");
    parses_to("emails[type eq \"work\"].value eq \"a@b.c\"",
              "emails[(type eq 'work' and value eq 'a@b.c')]");
    parses_to("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", "userName sw 'J'");
    parses_to("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq \"x\"",
              "name.familyName eq 'x'");
    parses_to("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co "
              "\"example.org\")",
              "(userType eq 'Employee' and (emails co 'example.com' or emails.value co "
              "'example.org'))");
    parses_to("not(emails[primary eq true])", "not(emails[primary eq true])");
}

static void fails_at(const char *text, size_t offset)
{
    struct arena *ar = arena_new();
    struct parse_error err;
    if (scim_filter_parse(ar, text, &err))
        fail_msg("'%s' parsed but should not", text);
    if (err.offset != offset)
        fail_msg("'%s' failed at %zu (%s), expected %zu", text, err.offset, err.message, offset);
    assert_non_null(strstr(err.message, "offset"));
    arena_free(ar);
}

static void errors_say_where(void **state)
{
    (void)state;
    fails_at("", 0);
    fails_at("userName", 8);
    fails_at("userName eq", 11);
    fails_at("userName eq ", 12);
    fails_at("userName xx \"a\"", 9);
    fails_at("userName eq \"a", 14);
    fails_at("userName eq a", 12);
    fails_at("(userName eq \"a\"", 16);
    fails_at("userName eq \"a\")", 15);
    fails_at("userName eq \"a\" junk", 16);
    fails_at("emails[type eq \"work\"", 21);
    fails_at("emails[type[value eq 1]]", 11);
    fails_at("not userName pr", 4);
    fails_at("a pr and", 8);
    fails_at("a pr or or b pr", 11); /* "or" is read as an attribute name */
    fails_at("1abc eq 1", 0);
    fails_at("a eq 12x", 5);
    fails_at("a eq \"\\q\"", 8);
    fails_at("a eq \"ab\\", 9);          /* a backslash at the very end (found by fuzzing) */
    fails_at("a eq \"\\uDaee\\uD-", 12); /* a cut surrogate pair (found by fuzzing) */
    fails_at("a eq \"\\u12\"", 8);
    char deep[101];
    memset(deep, '(', 100);
    deep[100] = '\0';
    fails_at(deep, 64);
}

static cJSON *user(void)
{
    return cJSON_Parse(
        "{\"id\":\"2819c223\",\"externalId\":\"Ext-1\",\"userName\":\"Bjensen@Example.com\","
        "\"name\":{\"formatted\":\"Barbara Jensen\",\"familyName\":\"Jensen\"},"
        "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true},"
        "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],\"active\":true,"
        "\"roles\":[\"admin\",\"member\"],\"meta\":{\"lastModified\":\"2026-01-07T15:29:37.821Z\","
        "\"version\":\"W/\\\"3\\\"\"}}");
}

static bool eval(const char *text)
{
    struct arena *ar = arena_new();
    struct parse_error err;
    struct scim_filter *f = scim_filter_parse(ar, text, &err);
    if (!f)
        fail_msg("'%s' did not parse: %s", text, err.message);
    cJSON *u = user();
    bool ok = scim_filter_matches(f, u);
    cJSON_Delete(u);
    arena_free(ar);
    return ok;
}

static void evaluates_against_a_resource(void **state)
{
    (void)state;
    assert_true(eval("userName eq \"bjensen@example.com\""));
    assert_true(eval("USERNAME Eq \"BJENSEN@EXAMPLE.COM\""));
    assert_false(eval("externalId eq \"ext-1\"")); /* case-exact */
    assert_true(eval("externalId eq \"Ext-1\""));
    assert_true(eval("name.familyName sw \"jen\""));
    assert_true(eval("name.formatted ew \"JENSEN\""));
    assert_true(eval("name.formatted co \"a J\""));
    assert_true(eval("emails co \"jensen.org\""));
    assert_true(eval("emails.value eq \"babs@jensen.org\""));
    assert_true(eval("emails[type eq \"work\" and primary eq true]"));
    assert_false(eval("emails[type eq \"home\" and primary eq true]"));
    assert_true(eval("emails[type eq \"work\"].value eq \"BJENSEN@example.com\""));
    assert_false(eval("emails[type eq \"home\"].value eq \"bjensen@example.com\""));
    assert_true(eval("active eq true and not (active eq false)"));
    assert_true(eval("roles eq \"admin\""));
    assert_true(eval("roles[value eq \"member\"]"));
    assert_false(eval("roles eq \"editor\""));
    assert_true(eval("title pr or userName pr"));
    assert_false(eval("title pr"));
    assert_true(eval("title eq null"));
    assert_true(eval("title ne \"x\""));
    assert_false(eval("userName ne \"bjensen@example.com\""));
    assert_true(eval("meta.lastModified gt \"2026-01-01T00:00:00Z\""));
    assert_false(eval("meta.lastModified lt \"2026-01-01T00:00:00Z\""));
    assert_false(eval("active gt true")); /* not a boolean operator */
    assert_true(eval("userName eq \"nobody\" or emails[value ew \".org\"]"));
}

static void path_parsing_for_patch(void **state)
{
    (void)state;
    struct arena *ar = arena_new();
    struct parse_error err;
    struct scim_path p;
    struct scim_filter *f;
    const char *sub;
    assert_true(scim_path_parse(ar, "name.givenName", &p, &f, &sub, &err));
    assert_string_equal(p.attr, "name");
    assert_string_equal(p.sub, "givenName");
    assert_null(f);
    assert_true(scim_path_parse(ar, "emails[type eq \"work\"].value", &p, &f, &sub, &err));
    assert_string_equal(p.attr, "emails");
    assert_non_null(f);
    assert_string_equal(sub, "value");
    assert_true(
        scim_path_parse(ar, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                        &p, &f, &sub, &err));
    assert_string_equal(p.attr, "manager");
    assert_false(scim_path_parse(ar, "emails[type eq]", &p, &f, &sub, &err));
    assert_false(scim_path_parse(ar, "name.givenName.x", &p, &f, &sub, &err));
    assert_false(scim_path_parse(ar, "", &p, &f, &sub, &err));
    arena_free(ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_operator),
        cmocka_unit_test(precedence_and_grouping),
        cmocka_unit_test(value_paths_and_urns),
        cmocka_unit_test(errors_say_where),
        cmocka_unit_test(evaluates_against_a_resource),
        cmocka_unit_test(path_parsing_for_patch),
    };
    return cmocka_run_group_tests_name("scim_filter", tests, NULL, NULL);
}
