/* /api/v2/recordings and /api/v1/recordings: list, get, update. */
#include "api.h"

#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"
#include "http/form.h"
#include "pagination.h"
#include "render.h"

#include <cjson/cJSON.h>
#include <string.h>
#include <strings.h>

bool api_caller_sees_all(const struct api_call *call)
{
    return call->who.is_admin || call->who.is_owner;
}

static const char *visible_user(const struct api_call *call)
{
    return api_caller_sees_all(call) ? NULL : call->who.user_id;
}

/* Reads an optional text filter; false when present but empty. */
static bool text_filter(struct api_call *call, const char *name, const char **out)
{
    *out = http_request_query(call->req, name);
    return !*out || **out != '\0';
}

static bool time_filter(struct api_call *call, const char *name, int64_t *out, bool *has)
{
    const char *v = http_request_query(call->req, name);
    *has = v != NULL;
    return !v || time_parse_iso(v, out);
}

/* Fills the query from the filters; returns 0 or the 400 it answered. */
static int read_filters(struct api_call *call, struct store_recording_query *q)
{
    static const char *const text_names[] = {"ticket_id", "provider", "customer_email",
                                             "user_email"};
    const char **text_out[] = {&q->ticket_id, &q->provider, &q->customer_email, &q->user_email};
    for (size_t i = 0; i < 4; i++) {
        if (!text_filter(call, text_names[i], text_out[i]))
            return api_error(call, 400, "%s must not be empty", text_names[i]);
    }
    if (!time_filter(call, "created_after", &q->created_after, &q->has_created_after))
        return api_error(call, 400, "created_after must be an ISO 8601 time");
    if (!time_filter(call, "created_before", &q->created_before, &q->has_created_before))
        return api_error(call, 400, "created_before must be an ISO 8601 time");
    if (!time_filter(call, "updated_after", &q->updated_after, &q->has_updated_after))
        return api_error(call, 400, "updated_after must be an ISO 8601 time");
    return 0;
}

static int list(struct api_call *call, bool is_v1)
{
    struct api_page page;
    if (!api_page_parse(http_request_query(call->req, "page"),
                        http_request_query(call->req, "items"), &page))
        return api_error(call, 400, "page and items must be positive integers");
    struct store_recording_query q = {.account_id = call->who.account_id,
                                      .user_id = visible_user(call),
                                      .offset = page.offset,
                                      .limit = page.per};
    int rc = read_filters(call, &q);
    if (rc)
        return rc;
    struct store_recording *rows;
    size_t n;
    int64_t total;
    enum store_status s = store_recording_list(call->conn, call->arena, &q, &rows, &n, &total);
    if (s != STORE_OK)
        return api_store_error(call, s, "Recording not found or does not exist");
    api_page_finish(&page, total, (int64_t)n);
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "{\"pagination\":{");
    api_page_render(&page, &b);
    buf_puts(&b, is_v1 ? ",\"records\":[" : "},\"records\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_append(&b, ",", 1);
        api_recording_render(&b, &rows[i], is_v1);
    }
    buf_puts(&b, is_v1 ? "]}}" : "]}");
    return api_json_buf(call, 200, &b);
}

int api_recordings_list(struct api_call *call)
{
    return list(call, false);
}

int api_recordings_list_v1(struct api_call *call)
{
    return list(call, true);
}

/* Reads the recording named by the path into r; returns 0 or the error status answered. */
static int load(struct api_call *call, struct store_recording *r)
{
    const char *id = call->params[0];
    if (!uuid_is_valid(id))
        return api_error(call, 404, "Recording not found or does not exist");
    char lower[UUID_LEN];
    for (size_t i = 0; i < UUID_LEN; i++)
        lower[i] = (char)(id[i] >= 'A' && id[i] <= 'F' ? id[i] + 32 : id[i]);
    enum store_status s = store_recording_get(call->conn, call->arena, call->who.account_id,
                                              visible_user(call), lower, r);
    if (s != STORE_OK)
        return api_store_error(call, s, "Recording not found or does not exist");
    return 0;
}

static int get(struct api_call *call, bool is_v1)
{
    struct store_recording r;
    int rc = load(call, &r);
    if (rc)
        return rc;
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    api_recording_render(&b, &r, is_v1);
    return api_json_buf(call, 200, &b);
}

int api_recordings_get(struct api_call *call)
{
    return get(call, false);
}

int api_recordings_get_v1(struct api_call *call)
{
    return get(call, true);
}

/* One updatable field as read from the body: absent, null, or a string. */
struct field {
    bool is_present, is_null;
    const char *value;
};

static int check_text(struct api_call *call, const char *name, const struct field *f, bool is_title)
{
    if (!f->is_present)
        return 0;
    if (is_title) {
        if (f->is_null || !f->value || !*f->value || utf8_length(f->value) > LIMIT_TITLE_CHARS)
            return api_error(call, 422, "title must be a non-empty string of at most %d characters",
                             LIMIT_TITLE_CHARS);
        return 0;
    }
    if (!f->is_null && (!f->value || utf8_length(f->value) > LIMIT_TEXT_CHARS))
        return api_error(call, 422, "%s must be a string of at most %d characters, or null", name,
                         LIMIT_TEXT_CHARS);
    return 0;
}

static void json_field(const cJSON *rec, const char *name, struct field *f)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, name);
    f->is_present = v != NULL;
    f->is_null = cJSON_IsNull(v);
    f->value = v && cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Parses a JSON body into the three fields; returns 0 or the status answered. */
static int parse_json(struct api_call *call, struct field f[3])
{
    static const char *const names[] = {"title", "summary", "description"};
    const struct buf *body = &call->req->body;
    cJSON *root = api_json_owned(call, cJSON_ParseWithLength(body->data, body->len));
    if (!root)
        return api_error(call, 400, "The request body is not valid JSON");
    if (!cJSON_IsObject(root))
        return api_error(call, 400, "The request body must be a JSON object");
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root, "recording");
    if (rec && !cJSON_IsObject(rec))
        return api_error(call, 422, "recording must be an object");
    if (!rec)
        rec = root; /* unwrapped parameters, as Rails' wrap_parameters accepts them */
    for (int i = 0; i < 3; i++) {
        json_field(rec, names[i], &f[i]);
        if (f[i].is_present && !f[i].is_null && !f[i].value)
            return api_error(call, 422, "%s must be a string", names[i]);
    }
    return 0;
}

static int parse_form(struct api_call *call, struct field f[3])
{
    static const char *const names[] = {"recording[title]", "recording[summary]",
                                        "recording[description]"};
    static const char *const bare[] = {"title", "summary", "description"};
    struct http_form_field *fields;
    size_t n;
    const struct buf *body = &call->req->body;
    if (!http_form_parse(call->arena, body->data, body->len, &fields, &n))
        return api_error(call, 400, "The form body is malformed or not valid UTF-8");
    for (int i = 0; i < 3; i++) {
        const char *v = http_form_get(fields, n, names[i]);
        if (!v)
            v = http_form_get(fields, n, bare[i]);
        f[i] = (struct field){.is_present = v != NULL, .value = v};
    }
    return 0;
}

static bool has_type(const char *content_type, const char *type)
{
    size_t n = strlen(type);
    return strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

static int parse_body(struct api_call *call, struct field f[3])
{
    const struct buf *body = &call->req->body;
    if (body->len == 0)
        return api_error(call, 400, "The request body is empty");
    if (!utf8_is_valid(body->data, body->len))
        return api_error(call, 400, "The request body is not valid UTF-8");
    const char *type = http_request_header(call->req, "Content-Type");
    if (!type || !*type)
        return body->data[0] == '{' ? parse_json(call, f) : parse_form(call, f);
    if (has_type(type, "application/json") || strstr(type, "+json"))
        return parse_json(call, f);
    if (has_type(type, "application/x-www-form-urlencoded"))
        return parse_form(call, f);
    return api_error(call, 415,
                     "Send the body as application/json or "
                     "application/x-www-form-urlencoded");
}

static void set_text(cJSON *o, const char *key, const char *value)
{
    cJSON *v = value ? cJSON_CreateString(value) : cJSON_CreateNull();
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

/* The recording's JSON after the update: its stored rendering (or a fresh one) with the
 * changed fields replaced in place, so the key order stays the documented one. */
static char *updated_rendering(struct api_call *call, const struct store_recording *r,
                               const struct store_recording_update *u)
{
    const char *before = r->rendered ? r->rendered : api_recording_rendered(call->arena, r);
    cJSON *o = api_json_owned(call, cJSON_Parse(before));
    if (!o)
        return NULL;
    if (u->has_title)
        set_text(o, "title", u->title);
    if (u->has_summary)
        set_text(o, "summary", u->summary);
    if (u->has_description)
        set_text(o, "description", u->description);
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
    if (!cJSON_IsObject(meta))
        return NULL;
    char iso[TIME_ISO_LEN];
    time_format_iso(u->updated_at, iso);
    set_text(meta, "updated_at", iso);
    char *text = cJSON_PrintUnformatted(o);
    char *out = text ? arena_strdup(call->arena, text) : NULL;
    cJSON_free(text);
    return out;
}

int api_recordings_update(struct api_call *call)
{
    if (!api_caller_sees_all(call))
        return api_error(call, 403, "Forbidden - User is not an admin");
    struct field f[3] = {{0}};
    int rc = parse_body(call, f);
    if (rc)
        return rc;
    if (!f[0].is_present && !f[1].is_present && !f[2].is_present)
        return api_error(call, 422,
                         "recording needs at least one of title, summary, "
                         "description");
    if ((rc = check_text(call, "title", &f[0], true)) ||
        (rc = check_text(call, "summary", &f[1], false)) ||
        (rc = check_text(call, "description", &f[2], false)))
        return rc;
    struct store_recording r = {0};
    if ((rc = load(call, &r)))
        return rc;
    struct store_recording_update u = {.has_title = f[0].is_present,
                                       .title = f[0].value,
                                       .has_summary = f[1].is_present,
                                       .summary = f[1].is_null ? NULL : f[1].value,
                                       .has_description = f[2].is_present,
                                       .description = f[2].is_null ? NULL : f[2].value,
                                       .updated_at = time_now_ms()};
    /* updated_at must move even when two writes land in the same millisecond. */
    if (u.updated_at <= r.updated_at)
        u.updated_at = r.updated_at + 1;
    u.rendered = updated_rendering(call, &r, &u);
    if (!u.rendered)
        return api_store_error(call, STORE_ERROR, "");
    enum store_status s = store_recording_update(call->conn, call->who.account_id, r.id, &u);
    if (s != STORE_OK)
        return api_store_error(call, s, "Recording not found or does not exist");
    return get(call, false);
}
