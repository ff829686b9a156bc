/* A direct writer renders the hot objects: cheaper than building a cJSON tree per record. */
#include "render.h"

#include "core/jsonw.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void str_field(struct buf *b, const char *k, const char *v, bool comma)
{
    jsonw_key(b, k);
    jsonw_string(b, v);
    if (comma)
        buf_append(b, ",", 1);
}

static void time_field(struct buf *b, const char *k, int64_t ms, bool comma)
{
    char iso[TIME_ISO_LEN];
    time_format_iso(ms, iso);
    jsonw_key(b, k);
    buf_append(b, "\"", 1);
    buf_append(b, iso, TIME_ISO_LEN - 1);
    buf_puts(b, comma ? "\"," : "\"");
}

static void render_fields(struct buf *b, const struct store_recording *r, bool is_v1);

void api_recording_render(struct buf *b, const struct store_recording *r, bool is_v1)
{
    if (!r->rendered) {
        render_fields(b, r, is_v1);
        return;
    }
    /* The stored v2 object; v1 adds two keys before its closing brace. */
    size_t n = strlen(r->rendered);
    if (!is_v1 || n < 2) {
        buf_append(b, r->rendered, n);
        return;
    }
    buf_append(b, r->rendered, n - 1);
    buf_append(b, ",", 1);
    str_field(b, "customer_email", r->customer_email, true);
    str_field(b, "user_email", r->user_email, false);
    buf_append(b, "}", 1);
}

char *api_recording_rendered(struct arena *ar, const struct store_recording *r)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    render_fields(&b, r, false);
    char *out = arena_strndup(ar, b.data, b.len);
    buf_fini(&b);
    return out;
}

static void render_fields(struct buf *b, const struct store_recording *r, bool is_v1)
{
    buf_append(b, "{", 1);
    str_field(b, "uuid", r->id, true);
    str_field(b, "title", r->title, true);
    str_field(b, "summary", r->summary, true);
    str_field(b, "description", r->description, true);
    buf_puts(b, "\"metadata\":{");
    time_field(b, "created_at", r->created_at, true);
    time_field(b, "updated_at", r->updated_at, true);
    buf_printf(b, "\"duration\":%lld,\"impressions_count\":%lld,", (long long)r->duration,
               (long long)r->impressions_count);
    str_field(b, "recording_type", r->recording_type, true);
    str_field(b, "recording_source", r->recording_source, true);
    str_field(b, "url", r->url, true);
    jsonw_key(b, "helpdesk_info");
    /* Stored as compact JSON written by cJSON at import, so it is inserted as it is. */
    buf_puts(b, r->helpdesk_info && *r->helpdesk_info ? r->helpdesk_info : "{}");
    buf_puts(b, "},\"technical_details\":{");
    str_field(b, "vendor", r->vendor, true);
    str_field(b, "ip_address", r->ip_address, true);
    str_field(b, "timezone", r->timezone, true);
    str_field(b, "network_type", r->network_type, true);
    str_field(b, "isp", r->isp, false);
    buf_puts(b, "},");
    str_field(b, "console_logs", r->console_logs, true);
    buf_puts(b, "\"customer\":{");
    str_field(b, "email", r->customer_email, false);
    buf_puts(b, "},\"user\":{");
    str_field(b, "email", r->user_email, true);
    str_field(b, "name", r->user_name, false);
    buf_append(b, "}", 1);
    if (is_v1) {
        buf_append(b, ",", 1);
        str_field(b, "customer_email", r->customer_email, true);
        str_field(b, "user_email", r->user_email, false);
    }
    buf_append(b, "}", 1);
}

static const char *enabled(bool on)
{
    return on ? "Enabled" : "Disabled";
}

void api_user_render(struct buf *b, const struct store_user *u)
{
    buf_append(b, "{", 1);
    str_field(b, "email", u->email, true);
    str_field(b, "name", u->name, true);
    buf_puts(b, u->has_avatar ? "\"has_avatar\":true," : "\"has_avatar\":false,");
    str_field(b, "role", store_user_role(u), true);
    buf_puts(b, "\"notifications\":{\"notify_first_view\":\"");
    buf_puts(b, enabled(u->notify_first_view));
    buf_puts(b, "\",\"notify_new_account_recording\":\"");
    buf_puts(b, enabled(u->notify_new_account_recording));
    buf_puts(b, "\",\"notify_new_recording\":\"");
    buf_puts(b, enabled(u->notify_new_recording));
    buf_puts(b, "\"},");
    time_field(b, "created_at", u->created_at, true);
    time_field(b, "updated_at", u->updated_at, false);
    buf_append(b, "}", 1);
}

/* Reads an optional string (null or absent gives NULL); false when of another type or too
 * long (max_chars, 0 for no limit). */
static bool read_string(const cJSON *o, const char *name, struct arena *ar, char **out,
                        size_t max_chars, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        snprintf(err, errlen, "%s must be a string or null", name);
        return false;
    }
    if (max_chars && utf8_length(v->valuestring) > max_chars) {
        snprintf(err, errlen, "%s is longer than %zu characters", name, max_chars);
        return false;
    }
    *out = arena_strdup(ar, v->valuestring);
    return true;
}

static bool read_count(const cJSON *o, const char *name, int64_t *out, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = 0;
    if (!v || cJSON_IsNull(v))
        return true;
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (d < 0 || d > 9007199254740991.0 || floor(d) != d) {
        snprintf(err, errlen, "%s must be a non-negative integer", name);
        return false;
    }
    *out = (int64_t)d;
    return true;
}

static bool read_time(const cJSON *o, const char *name, int64_t *out, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = 0;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v) || !time_parse_iso(v->valuestring, out)) {
        snprintf(err, errlen, "%s must be an ISO 8601 time", name);
        return false;
    }
    return true;
}

/* Returns the object member name, or an empty object when absent; NULL when not an object. */
static const cJSON *sub_object(const cJSON *o, const char *name)
{
    static const cJSON empty = {.type = cJSON_Object};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v || cJSON_IsNull(v))
        return &empty;
    return cJSON_IsObject(v) ? v : NULL;
}

/* Copies a scalar member of helpdesk_info as text, for the ticket_id and provider filters. */
static char *scalar_text(const cJSON *o, const char *name, struct arena *ar)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsString(v))
        return arena_strdup(ar, v->valuestring);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (floor(d) == d && fabs(d) < 1e15)
            return arena_printf(ar, "%lld", (long long)d);
        return arena_printf(ar, "%.17g", d);
    }
    return NULL;
}

static bool read_sections(const cJSON *o, struct arena *ar, struct store_recording *r, char *err,
                          size_t errlen)
{
    const cJSON *meta = sub_object(o, "metadata");
    const cJSON *tech = sub_object(o, "technical_details");
    const cJSON *customer = sub_object(o, "customer");
    if (!meta || !tech || !customer) {
        snprintf(err, errlen, "%s must be an object",
                 !meta   ? "metadata"
                 : !tech ? "technical_details"
                         : "customer");
        return false;
    }
    if (!read_time(meta, "created_at", &r->created_at, err, errlen) ||
        !read_time(meta, "updated_at", &r->updated_at, err, errlen) ||
        !read_count(meta, "duration", &r->duration, err, errlen) ||
        !read_count(meta, "impressions_count", &r->impressions_count, err, errlen) ||
        !read_string(meta, "recording_type", ar, &r->recording_type, 0, err, errlen) ||
        !read_string(meta, "recording_source", ar, &r->recording_source, 0, err, errlen) ||
        !read_string(meta, "url", ar, &r->url, 0, err, errlen) ||
        !read_string(tech, "vendor", ar, &r->vendor, 0, err, errlen) ||
        !read_string(tech, "ip_address", ar, &r->ip_address, 0, err, errlen) ||
        !read_string(tech, "timezone", ar, &r->timezone, 0, err, errlen) ||
        !read_string(tech, "network_type", ar, &r->network_type, 0, err, errlen) ||
        !read_string(tech, "isp", ar, &r->isp, 0, err, errlen) ||
        !read_string(customer, "email", ar, &r->customer_email, 0, err, errlen))
        return false;
    const cJSON *helpdesk = sub_object(meta, "helpdesk_info");
    if (!helpdesk) {
        snprintf(err, errlen, "metadata.helpdesk_info must be an object");
        return false;
    }
    char *text = cJSON_PrintUnformatted(helpdesk);
    r->helpdesk_info = arena_strdup(ar, text ? text : "{}");
    cJSON_free(text);
    r->ticket_id = scalar_text(helpdesk, "ticket_id", ar);
    r->provider = scalar_text(helpdesk, "provider", ar);
    return true;
}

bool api_recording_from_json(const void *json, struct arena *ar, struct store_recording *r,
                             char *err, size_t errlen)
{
    const cJSON *o = json;
    memset(r, 0, sizeof(*r));
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "a recording must be a JSON object");
        return false;
    }
    char *uuid = NULL;
    if (!read_string(o, "uuid", ar, &uuid, 0, err, errlen))
        return false;
    if (uuid && !uuid_is_valid(uuid)) {
        snprintf(err, errlen, "uuid is not a UUID");
        return false;
    }
    if (uuid) {
        for (size_t i = 0; i < UUID_LEN - 1; i++)
            r->id[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
    }
    if (!read_string(o, "title", ar, &r->title, LIMIT_TITLE_CHARS, err, errlen) ||
        !read_string(o, "summary", ar, &r->summary, LIMIT_TEXT_CHARS, err, errlen) ||
        !read_string(o, "description", ar, &r->description, LIMIT_TEXT_CHARS, err, errlen) ||
        !read_string(o, "console_logs", ar, &r->console_logs, 0, err, errlen) ||
        !read_sections(o, ar, r, err, errlen))
        return false;
    const cJSON *user = sub_object(o, "user");
    if (!user) {
        snprintf(err, errlen, "user must be an object");
        return false;
    }
    if (!read_string(o, "user_email", ar, &r->user_email, 0, err, errlen))
        return false;
    if (!r->user_email && !read_string(user, "email", ar, &r->user_email, 0, err, errlen))
        return false;
    if (!r->user_email) {
        snprintf(err, errlen, "user_email is required");
        return false;
    }
    return true;
}
