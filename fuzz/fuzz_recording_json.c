/* Fuzzes reading a recording from JSON (import lines) and rendering it back. */
#include "api/render.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!utf8_is_valid((const char *)data, size))
        return 0;
    cJSON *json = cJSON_ParseWithLength((const char *)data, size);
    if (!json)
        return 0;
    struct arena *ar = arena_new();
    struct store_recording r;
    char err[256];
    if (api_recording_from_json(json, ar, &r, err, sizeof(err))) {
        struct buf b;
        buf_init(&b, 64 << 20);
        api_recording_render(&b, &r, true);
        cJSON *back = cJSON_ParseWithLength(b.data, b.len);
        if (!back)
            abort(); /* the renderer must always write valid JSON */
        cJSON_Delete(back);
        buf_fini(&b);
    }
    arena_free(ar);
    cJSON_Delete(json);
    return 0;
}
