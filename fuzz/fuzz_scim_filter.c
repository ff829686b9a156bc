/* Fuzzes the SCIM filter parser and evaluates what parses against a sample user. */
#include "scim/filter.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
    "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"givenName\":\"Ann\"},"
    "\"emails\":[{\"value\":\"a@x.test\",\"type\":\"work\",\"primary\":true}],"
    "\"active\":true,\"roles\":[\"member\"],\"meta\":{\"version\":\"W/\\\"1\\\"\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct arena *ar = arena_new();
    struct parse_error err;
    struct scim_filter *f = scim_filter_parse(ar, text, &err);
    if (f) {
        cJSON *user = cJSON_Parse(sample);
        (void)scim_filter_matches(f, user);
        cJSON_Delete(user);
    } else if (err.offset > size || err.message[0] == '\0') {
        abort();
    }
    struct scim_path p;
    struct scim_filter *vf;
    const char *sub;
    (void)scim_path_parse(ar, text, &p, &vf, &sub, &err);
    arena_free(ar);
    free(text);
    return 0;
}
