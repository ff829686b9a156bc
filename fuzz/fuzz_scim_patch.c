/* Fuzzes SCIM PATCH bodies (JSON parsing, paths, the engine) against a sample user. */
#include "scim/patch.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
    "{\"id\":\"u1\",\"userName\":\"a@x.test\",\"name\":{\"givenName\":\"Ann\"},"
    "\"emails\":[{\"value\":\"a@x.test\",\"type\":\"work\",\"primary\":true}],"
    "\"active\":true,\"roles\":[\"member\"]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    if (!body)
        return 0;
    cJSON *user = cJSON_Parse(sample);
    struct arena *ar = arena_new();
    struct parse_error err;
    (void)scim_patch_apply(user, body, ar, &err);
    char *out = cJSON_PrintUnformatted(user);
    free(out);
    arena_free(ar);
    cJSON_Delete(user);
    cJSON_Delete(body);
    return 0;
}
