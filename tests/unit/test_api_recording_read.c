/* api/recording_read.c: a recording read straight from an import line's JSON text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "api/render.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena *ar;
static struct store_recording r;
static char err[256];

static int setup(void **state)
{
    (void)state;
    ar = arena_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(ar);
    return 0;
}

static enum api_read read_text(const char *text)
{
    err[0] = '\0';
    return api_recording_read(text, strlen(text), ar, &r, err, sizeof(err));
}

/* Whether cJSON takes the whole text as one JSON value. */
static bool cjson_takes(const char *text)
{
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(text, strlen(text), &end, 0);
    while (json && end && *end && (unsigned char)*end <= ' ')
        end++;
    bool whole = json && end && *end == '\0';
    cJSON_Delete(json);
    return whole;
}

static void check_not_json(const char *text)
{
    assert_int_equal(read_text(text), API_READ_NOT_JSON);
    assert_string_equal(err, "not valid JSON");
    assert_false(cjson_takes(text));
}

static void check_invalid(const char *text, const char *message)
{
    assert_int_equal(read_text(text), API_READ_INVALID);
    assert_string_equal(err, message);
    assert_true(cjson_takes(text));
}

static void reads_every_field(void **state)
{
    (void)state;
    assert_int_equal(
        read_text(
            "{\"uuid\": \"0190C3C4-5B6A-7C8D-9E0F-A1B2C3D4E5F6\", \"title\": \"Pay fails\", "
            "\"summary\": \"s\", \"description\": null, \"metadata\": {\"created_at\": "
            "\"2026-01-07T15:29:37.821Z\", \"duration\": 1e2, \"impressions_count\": 3, "
            "\"recording_type\": \"video\", \"recording_source\": \"widget\", \"url\": "
            "\"https://x.test/1\", \"helpdesk_info\": {\"provider\": \"zendesk\", "
            "\"ticket_id\": 40000, \"extra\": [1.5, {\"a\": true}]}}, "
            "\"technical_details\": {\"vendor\": \"Chrome\", \"ip_address\": \"203.0.113.9\", "
            "\"timezone\": \"Europe/Paris\", \"network_type\": \"wifi\", \"isp\": \"Orange\"}, "
            "\"console_logs\": \"[error]\", \"customer\": {\"email\": \"c@x.test\"}, "
            "\"user\": {\"email\": \"ignored@x.test\", \"name\": \"Ann\"}, "
            "\"user_email\": \"agent@x.test\", \"unknown\": {\"deep\": [[]]}}"),
        API_READ_OK);
    assert_string_equal(r.id, "0190c3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f6");
    assert_string_equal(r.title, "Pay fails");
    assert_string_equal(r.summary, "s");
    assert_null(r.description);
    assert_int_equal(r.created_at, 1767799777821);
    assert_int_equal(r.updated_at, 0);
    assert_int_equal(r.duration, 100);
    assert_int_equal(r.impressions_count, 3);
    assert_string_equal(r.recording_type, "video");
    assert_string_equal(r.recording_source, "widget");
    assert_string_equal(r.url, "https://x.test/1");
    assert_string_equal(
        r.helpdesk_info,
        "{\"provider\":\"zendesk\",\"ticket_id\":40000,\"extra\":[1.5,{\"a\":true}]}");
    assert_string_equal(r.ticket_id, "40000");
    assert_string_equal(r.provider, "zendesk");
    assert_string_equal(r.vendor, "Chrome");
    assert_string_equal(r.ip_address, "203.0.113.9");
    assert_string_equal(r.timezone, "Europe/Paris");
    assert_string_equal(r.network_type, "wifi");
    assert_string_equal(r.isp, "Orange");
    assert_string_equal(r.console_logs, "[error]");
    assert_string_equal(r.customer_email, "c@x.test");
    assert_string_equal(r.user_email, "agent@x.test");
    assert_string_equal(r.user_name, "Ann");
}

static void absent_parts_are_empty(void **state)
{
    (void)state;
    assert_int_equal(read_text("{\"user\": {\"email\": \"u@x\"}, \"metadata\": null}"),
                     API_READ_OK);
    assert_string_equal(r.user_email, "u@x");
    assert_null(r.user_name);
    assert_null(r.title);
    assert_string_equal(r.id, "");
    assert_string_equal(r.helpdesk_info, "{}");
    assert_null(r.ticket_id);
    assert_null(r.customer_email);
}

static void decodes_escapes_as_cjson_does(void **state)
{
    (void)state;
    assert_int_equal(read_text("{\"user_email\": \"u@x\", \"title\": "
                               "\"\\u00e9\\ud83d\\ude00\\/\\\"\\\\\\b\\f\\n\\r\\t\", "
                               "\"summary\": \"cut\\u0000here\", \"description\": \"\\uZZZZ\"}"),
                     API_READ_OK);
    assert_string_equal(r.title, "\xc3\xa9\xf0\x9f\x98\x80/\"\\\b\f\n\r\t");
    assert_string_equal(r.summary, "cut");  /* a C string ends at its NUL, as cJSON's */
    assert_string_equal(r.description, ""); /* cJSON reads bad hex digits as U+0000 */
    check_not_json("{\"title\": \"\\x\"}");
    check_not_json("{\"title\": \"\\udc00\"}");        /* a low surrogate alone */
    check_not_json("{\"title\": \"\\ud83d\"}");        /* a high one without its low */
    check_not_json("{\"title\": \"\\ud83d\\u0041\"}"); /* followed by no low one */
    check_not_json("{\"title\": \"\\u12\"}");
    check_not_json("{\"title\": \"open}");
    check_not_json("{\"title\": \"ends with a backslash\\");
}

static void first_of_duplicate_names_counts(void **state)
{
    (void)state;
    assert_int_equal(read_text("{\"user_email\": \"u@x\", \"ti\\u0074le\": \"first\", \"title\": "
                               "\"second\", \"metadata\": {\"duration\": 1}, \"metadata\": "
                               "{\"duration\": 2}, \"customer\": null, \"customer\": "
                               "{\"email\": \"c@x\"}}"),
                     API_READ_OK);
    assert_string_equal(r.title, "first");
    assert_int_equal(r.duration, 1);
    assert_null(r.customer_email);
    /* A name is compared decoded, up to its first NUL, as cJSON compares it. */
    assert_int_equal(read_text("{\"user_email\": \"u@x\", \"title\\u0000x\": \"cut name\"}"),
                     API_READ_OK);
    assert_string_equal(r.title, "cut name");
}

static void takes_the_json_cjson_takes(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "\xef\xbb\xbf{\"user_email\": \"u@x\"}",       /* a byte order mark */
        " \t{\"user_email\": \"u@x\"}\x01 \r",         /* cJSON's whitespace: any control */
        "{\"user_email\": \"u@x\", \"duration\": 01}", /* cJSON's lenient numbers */
        "{\"user_email\": \"u@x\", \"x\": [-.5, 1., 1E+2, -0]}",
        "{\"user_email\": \"u@x\", \"x\": \"raw\ttab\"}", /* a raw control in a string */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(read_text(ok[i]), API_READ_OK);
        assert_true(cjson_takes(ok[i]));
    }
    check_not_json("");
    check_not_json("   ");
    check_not_json("{\"user_email\": \"u@x\",}");
    check_not_json("{\"user_email\" \"u@x\"}");
    check_not_json("{\"a\": [1,]}");
    check_not_json("{\"a\": +1}");
    check_not_json("{\"a\": .5}");
    check_not_json("{\"a\": 1e}");
    check_not_json("{\"a\": nul}");
    check_not_json("{\"a\": tru}");
    check_not_json("{'a': 1}");
    check_not_json("{\"a\": 1");
}

static void refuses_text_after_the_value(void **state)
{
    (void)state;
    /* cJSON stops after the value and leaves the rest unread; a line is one value. */
    assert_int_equal(read_text("{\"user_email\": \"u@x\"} {\"user_email\": \"v@x\"}"),
                     API_READ_NOT_JSON);
    assert_int_equal(read_text("{\"user_email\": \"u@x\"}x"), API_READ_NOT_JSON);
}

/* n arrays, one inside the other, in a recording (itself one level). */
static char *nested(size_t n)
{
    size_t len = n * 2 + 32;
    char *text = malloc(len);
    size_t at = (size_t)snprintf(text, len, "{\"user_email\":\"u@x\",\"a\":");
    for (size_t i = 0; i < n; i++)
        text[at++] = '[';
    for (size_t i = 0; i < n; i++)
        text[at++] = ']';
    text[at++] = '}';
    text[at] = '\0';
    return text;
}

static void nests_as_deep_as_cjson(void **state)
{
    (void)state;
    char *deepest = nested(CJSON_NESTING_LIMIT - 1), *too_deep = nested(CJSON_NESTING_LIMIT);
    assert_int_equal(read_text(deepest), API_READ_OK);
    assert_true(cjson_takes(deepest));
    check_not_json(too_deep);
    free(deepest);
    free(too_deep);
}

static void names_the_first_bad_field(void **state)
{
    (void)state;
    check_invalid("[{\"user_email\": \"u@x\"}]", "a recording must be a JSON object");
    check_invalid("{\"uuid\": \"nope\", \"title\": 1}", "uuid is not a UUID");
    check_invalid("{\"title\": 1, \"metadata\": []}", "title must be a string or null");
    check_invalid("{\"metadata\": [], \"technical_details\": 1}", "metadata must be an object");
    check_invalid("{\"technical_details\": 1}", "technical_details must be an object");
    check_invalid("{\"customer\": \"c@x\"}", "customer must be an object");
    check_invalid("{\"metadata\": {\"created_at\": \"yesterday\"}}",
                  "created_at must be an ISO 8601 time");
    check_invalid("{\"metadata\": {\"duration\": 1.5}}", "duration must be a non-negative integer");
    check_invalid("{\"metadata\": {\"impressions_count\": -1}}",
                  "impressions_count must be a non-negative integer");
    check_invalid("{\"metadata\": {\"duration\": \"3\"}}",
                  "duration must be a non-negative integer");
    check_invalid("{\"metadata\": {\"helpdesk_info\": [1]}}",
                  "metadata.helpdesk_info must be an object");
    check_invalid("{\"user\": []}", "user must be an object");
    check_invalid("{\"user_email\": 7}", "user_email must be a string or null");
    check_invalid("{\"user\": {\"email\": false}}", "email must be a string or null");
    check_invalid("{\"title\": \"t\"}", "user_email is required");
    char *long_title = malloc(400);
    snprintf(long_title, 400, "{\"user_email\": \"u@x\", \"title\": \"%0256d\"}", 0);
    check_invalid(long_title, "title is longer than 255 characters");
    free(long_title);
    /* 255 characters of two bytes each are within the limit. */
    char title[255 * 2 + 64];
    size_t at = (size_t)snprintf(title, sizeof(title), "{\"user_email\": \"u@x\", \"title\": \"");
    for (int i = 0; i < 255; i++, at += 2)
        memcpy(title + at, "\xc3\xa9", 2);
    memcpy(title + at, "\"}", 3);
    assert_int_equal(read_text(title), API_READ_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_field),
        cmocka_unit_test(absent_parts_are_empty),
        cmocka_unit_test(decodes_escapes_as_cjson_does),
        cmocka_unit_test(first_of_duplicate_names_counts),
        cmocka_unit_test(takes_the_json_cjson_takes),
        cmocka_unit_test(refuses_text_after_the_value),
        cmocka_unit_test(nests_as_deep_as_cjson),
        cmocka_unit_test(names_the_first_bad_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
