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

/* Appends a string literal, whose length is known when compiling. */
#define LIT(b, s) buf_append(b, s, sizeof(s) - 1)

static void iso_time(struct buf *b, int64_t ms)
{
    char iso[TIME_ISO_LEN];
    time_format_iso(ms, iso);
    buf_append(b, iso, TIME_ISO_LEN - 1);
}

static void time_field(struct buf *b, const char *k, int64_t ms, bool comma)
{
    jsonw_key(b, k);
    LIT(b, "\"");
    iso_time(b, ms);
    buf_puts(b, comma ? "\"," : "\"");
}

/* What a v1 record adds before the object's closing brace. */
static void v1_emails(struct buf *b, const struct store_recording *r)
{
    LIT(b, ",\"customer_email\":");
    jsonw_string(b, r->customer_email);
    LIT(b, ",\"user_email\":");
    jsonw_string(b, r->user_email);
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
    v1_emails(b, r);
    LIT(b, "}");
}

/* A recording's object is about 1 KB: room for it at once instead of doubling up to it. */
enum { RENDERED_GUESS = 1536 };

char *api_recording_rendered(struct arena *ar, const struct store_recording *r)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_reserve(&b, RENDERED_GUESS);
    render_fields(&b, r, false);
    char *out = arena_strndup(ar, b.data, b.len);
    buf_fini(&b);
    return out;
}

/* The documented object, its keys and punctuation written as literals between the values
 * (one append each instead of four or five per field). */
static void render_fields(struct buf *b, const struct store_recording *r, bool is_v1)
{
    LIT(b, "{\"uuid\":");
    jsonw_string(b, r->id);
    LIT(b, ",\"title\":");
    jsonw_string(b, r->title);
    LIT(b, ",\"summary\":");
    jsonw_string(b, r->summary);
    LIT(b, ",\"description\":");
    jsonw_string(b, r->description);
    LIT(b, ",\"metadata\":{\"created_at\":\"");
    iso_time(b, r->created_at);
    LIT(b, "\",\"updated_at\":\"");
    iso_time(b, r->updated_at);
    LIT(b, "\",\"duration\":");
    buf_put_int(b, r->duration);
    LIT(b, ",\"impressions_count\":");
    buf_put_int(b, r->impressions_count);
    LIT(b, ",\"recording_type\":");
    jsonw_string(b, r->recording_type);
    LIT(b, ",\"recording_source\":");
    jsonw_string(b, r->recording_source);
    LIT(b, ",\"url\":");
    jsonw_string(b, r->url);
    LIT(b, ",\"helpdesk_info\":");
    /* Stored as compact JSON written by cJSON at import, so it is inserted as it is. */
    buf_puts(b, r->helpdesk_info && *r->helpdesk_info ? r->helpdesk_info : "{}");
    LIT(b, "},\"technical_details\":{\"vendor\":");
    jsonw_string(b, r->vendor);
    LIT(b, ",\"ip_address\":");
    jsonw_string(b, r->ip_address);
    LIT(b, ",\"timezone\":");
    jsonw_string(b, r->timezone);
    LIT(b, ",\"network_type\":");
    jsonw_string(b, r->network_type);
    LIT(b, ",\"isp\":");
    jsonw_string(b, r->isp);
    LIT(b, "},\"console_logs\":");
    jsonw_string(b, r->console_logs);
    LIT(b, ",\"customer\":{\"email\":");
    jsonw_string(b, r->customer_email);
    LIT(b, "},\"user\":{\"email\":");
    jsonw_string(b, r->user_email);
    LIT(b, ",\"name\":");
    jsonw_string(b, r->user_name);
    LIT(b, "}");
    if (is_v1)
        v1_emails(b, r);
    LIT(b, "}");
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
