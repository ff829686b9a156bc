/* Fuzzes reading a recording from JSON text (import lines) and rendering it back. The reader
 * must take exactly the JSON texts cJSON takes whole, and find the same strings in them. */
#include "api/render.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cJSON's reading of the whole text: NULL when it is not one JSON value. */
static cJSON *parse_whole(const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (json && end)
        while (end < text + len && (unsigned char)*end <= ' ')
            end++;
    if (json && end != text + len) {
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

/* The same string, or both absent; a string of cJSON's where the reader kept one. */
static void same_string(const cJSON *o, const char *name, const char *got)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, name) : NULL;
    const char *want = cJSON_IsString(v) ? v->valuestring : NULL;
    if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (!utf8_is_valid(text, size))
        return 0;
    struct arena *ar = arena_new();
    struct store_recording r;
    char err[256];
    enum api_read got = api_recording_read(text, size, ar, &r, err, sizeof(err));
    cJSON *json = parse_whole(text, size);
    if ((got == API_READ_NOT_JSON) != (json == NULL))
        abort(); /* the two disagree on whether this is JSON */
    if (got == API_READ_OK) {
        same_string(json, "title", r.title);
        same_string(json, "summary", r.summary);
        same_string(json, "console_logs", r.console_logs);
        const cJSON *meta = cJSON_GetObjectItemCaseSensitive(json, "metadata");
        same_string(meta, "url", r.url);
        const cJSON *user = cJSON_GetObjectItemCaseSensitive(json, "user");
        same_string(user, "name", r.user_name);
        struct buf b;
        buf_init(&b, 64 << 20);
        api_recording_render(&b, &r, true);
        cJSON *back = cJSON_ParseWithLength(b.data, b.len);
        if (!back)
            abort(); /* the renderer must always write valid JSON */
        cJSON_Delete(back);
        buf_fini(&b);
    }
    cJSON_Delete(json);
    arena_free(ar);
    return 0;
}
