/* A direct writer renders the hot objects: cheaper than building a cJSON tree per record. */
#include "render.h"

#include "core/jsonw.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"

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
