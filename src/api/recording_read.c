/* Reads a recording in the API's own shape straight from its JSON text (import lines). One
 * pass keeps the values a recording has and checks that the rest is JSON; a cJSON tree would
 * make a node and a copy of every value, then search them by name: that was half of an
 * import's parsing time. It accepts the JSON cJSON accepts (whitespace, number forms, string
 * escapes, nesting limit, first of duplicate names), as the server's other bodies go through
 * cJSON, except text after the value, which cJSON leaves unread and this refuses. */
#include "render.h"

#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"
#include "core/uuid.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the values a recording is made of are kept while the line is read. */
enum slot {
    S_ROOT,
    S_UUID,
    S_TITLE,
    S_SUMMARY,
    S_DESCRIPTION,
    S_CONSOLE_LOGS,
    S_USER_EMAIL,
    S_META,
    S_CREATED_AT,
    S_UPDATED_AT,
    S_DURATION,
    S_IMPRESSIONS,
    S_RECORDING_TYPE,
    S_RECORDING_SOURCE,
    S_URL,
    S_HELPDESK,
    S_TICKET_ID,
    S_PROVIDER,
    S_TECH,
    S_VENDOR,
    S_IP_ADDRESS,
    S_TIMEZONE,
    S_NETWORK_TYPE,
    S_ISP,
    S_CUSTOMER,
    S_CUSTOMER_EMAIL,
    S_USER,
    S_USER_OBJ_EMAIL,
    S_USER_NAME,
    S_COUNT
};

enum kind { K_ABSENT, K_NULL, K_BOOL, K_NUMBER, K_STRING, K_ARRAY, K_OBJECT };

struct value {
    enum kind kind;
    double number;
    char *string;     /* K_STRING: decoded, NUL-terminated (a \u0000 ends it, as in cJSON) */
    const char *text; /* the value as written, and its length */
    size_t len;
};

/* A member the reader keeps, and for an object the members kept inside it. */
struct member {
    const char *name;
    size_t name_len;
    enum slot slot;
    const struct member *inner; /* ends with a NULL name; NULL: keep nothing inside */
};

#define M(name, slot, inner)                                                                       \
    {                                                                                              \
        name, sizeof(name) - 1, slot, inner                                                        \
    }
#define M_END                                                                                      \
    {                                                                                              \
        NULL, 0, S_ROOT, NULL                                                                      \
    }

static const struct member helpdesk_members[] = {M("ticket_id", S_TICKET_ID, NULL),
                                                 M("provider", S_PROVIDER, NULL), M_END};
static const struct member metadata_members[] = {M("created_at", S_CREATED_AT, NULL),
                                                 M("updated_at", S_UPDATED_AT, NULL),
                                                 M("duration", S_DURATION, NULL),
                                                 M("impressions_count", S_IMPRESSIONS, NULL),
                                                 M("recording_type", S_RECORDING_TYPE, NULL),
                                                 M("recording_source", S_RECORDING_SOURCE, NULL),
                                                 M("url", S_URL, NULL),
                                                 M("helpdesk_info", S_HELPDESK, helpdesk_members),
                                                 M_END};
static const struct member technical_members[] = {
    M("vendor", S_VENDOR, NULL),     M("ip_address", S_IP_ADDRESS, NULL),
    M("timezone", S_TIMEZONE, NULL), M("network_type", S_NETWORK_TYPE, NULL),
    M("isp", S_ISP, NULL),           M_END};
static const struct member customer_members[] = {M("email", S_CUSTOMER_EMAIL, NULL), M_END};
static const struct member user_members[] = {M("email", S_USER_OBJ_EMAIL, NULL),
                                             M("name", S_USER_NAME, NULL), M_END};
static const struct member recording_members[] = {M("uuid", S_UUID, NULL),
                                                  M("title", S_TITLE, NULL),
                                                  M("summary", S_SUMMARY, NULL),
                                                  M("description", S_DESCRIPTION, NULL),
                                                  M("metadata", S_META, metadata_members),
                                                  M("technical_details", S_TECH, technical_members),
                                                  M("console_logs", S_CONSOLE_LOGS, NULL),
                                                  M("customer", S_CUSTOMER, customer_members),
                                                  M("user", S_USER, user_members),
                                                  M("user_email", S_USER_EMAIL, NULL),
                                                  M_END};
static const struct member recording = M("", S_ROOT, recording_members);

struct reader {
    const char *p, *end;
    struct arena *ar;
    int depth; /* objects and arrays open */
    struct value v[S_COUNT];
};

/* cJSON's whitespace: every byte up to the space. */
static void skip_space(struct reader *rd)
{
    while (rd->p < rd->end && (unsigned char)*rd->p <= ' ')
        rd->p++;
}

/* Four hex digits as cJSON reads them: a bad digit makes the whole 0. */
static unsigned hex4(const char *s)
{
    unsigned h = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return 0;
        h = h << 4 | d;
    }
    return h;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes the escapes of the string text s..e (between its quotes) into out, which has room
 * for e - s + 1 bytes (no escape decodes longer than it is written); false for an escape cJSON
 * refuses. */
static bool decode(const char *s, const char *e, char *out)
{
    char *o = out;
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        const char *run_end = bs ? bs : e;
        memcpy(o, s, (size_t)(run_end - s));
        o += run_end - s;
        s = run_end;
        if (!bs)
            break;
        char c;
        switch (s[1]) { /* a backslash is never last: the closing quote would be escaped */
        case 'b':
            c = '\b';
            break;
        case 'f':
            c = '\f';
            break;
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        case '"':
        case '\\':
        case '/':
            c = s[1];
            break;
        case 'u': {
            if (e - s < 6)
                return false;
            unsigned cp = hex4(s + 2);
            const char *next = s + 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate: its low one must follow */
                if (e - next < 6 || next[0] != '\\' || next[1] != 'u')
                    return false;
                unsigned low = hex4(next + 2);
                if (low < 0xDC00 || low > 0xDFFF)
                    return false;
                cp = 0x10000 + (((cp & 0x3FF) << 10) | (low & 0x3FF));
                next += 6;
            }
            o = put_utf8(o, cp);
            s = next;
            continue;
        }
        default:
            return false;
        }
        *o++ = c;
        s += 2;
    }
    *o = '\0';
    return true;
}

/* Reads the string at rd->p, setting *raw and *raw_len to the text between its quotes. *out
 * gets it decoded in the arena when it has escapes (checked either way), and a copy of it
 * without any when copy_plain; else NULL. */
static bool read_string(struct reader *rd, bool copy_plain, char **out, const char **raw,
                        size_t *raw_len)
{
    const char *s = rd->p + 1, *q = s;
    bool has_escape = false;
    *out = NULL;
    while (q < rd->end && *q != '"') {
        if (*q == '\\') {
            if (q + 1 >= rd->end)
                return false;
            has_escape = true;
            q++;
        }
        q++;
    }
    if (q >= rd->end)
        return false;
    *raw = s;
    *raw_len = (size_t)(q - s);
    rd->p = q + 1;
    if (!has_escape) {
        if (copy_plain)
            *out = arena_strndup(rd->ar, s, (size_t)(q - s));
        return true;
    }
    *out = arena_alloc(rd->ar, (size_t)(q - s) + 1);
    return decode(s, q, *out);
}

/* A number as cJSON reads one: the run of digits, signs, exponents and points, then strtod,
 * which may stop short of its end. */
static bool read_number(struct reader *rd, double *out)
{
    size_t n = 0;
    while (rd->p + n < rd->end) {
        char c = rd->p[n];
        if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.'))
            break;
        n++;
    }
    char small[64];
    char *text = n < sizeof(small) ? small : arena_alloc(rd->ar, n + 1);
    memcpy(text, rd->p, n);
    text[n] = '\0';
    char *after;
    double d = strtod(text, &after);
    if (after == text)
        return false;
    rd->p += after - text;
    *out = d;
    return true;
}

static bool read_literal(struct reader *rd, const char *word, size_t len)
{
    if ((size_t)(rd->end - rd->p) < len || memcmp(rd->p, word, len) != 0)
        return false;
    rd->p += len;
    return true;
}

static bool read_value(struct reader *rd, const struct member *keep);

/* The member of `members` a name is: as written (raw, len) or, when it has escapes, decoded
 * (compared as cJSON does, up to its first NUL). NULL for none. */
static const struct member *find_member(const struct member *members, const char *raw, size_t len,
                                        const char *decoded)
{
    if (!members)
        return NULL;
    const char *name = decoded ? decoded : raw;
    if (decoded)
        len = strlen(decoded);
    for (const struct member *m = members; m->name; m++)
        if (m->name_len == len && memcmp(m->name, name, len) == 0)
            return m;
    return NULL;
}

static bool read_object(struct reader *rd, const struct member *members)
{
    if (rd->depth >= CJSON_NESTING_LIMIT)
        return false;
    rd->depth++;
    rd->p++; /* '{' */
    skip_space(rd);
    if (rd->p < rd->end && *rd->p == '}') {
        rd->p++;
        rd->depth--;
        return true;
    }
    for (;;) {
        skip_space(rd);
        if (rd->p >= rd->end || *rd->p != '"')
            return false;
        const char *raw;
        size_t len;
        char *decoded;
        if (!read_string(rd, false, &decoded, &raw, &len))
            return false;
        const struct member *m = find_member(members, raw, len, decoded);
        if (m && rd->v[m->slot].kind != K_ABSENT)
            m = NULL; /* a name given twice: the first one counts */
        skip_space(rd);
        if (rd->p >= rd->end || *rd->p != ':')
            return false;
        rd->p++;
        skip_space(rd);
        if (!read_value(rd, m))
            return false;
        skip_space(rd);
        if (rd->p < rd->end && *rd->p == ',') {
            rd->p++;
            continue;
        }
        if (rd->p < rd->end && *rd->p == '}') {
            rd->p++;
            rd->depth--;
            return true;
        }
        return false;
    }
}

static bool read_array(struct reader *rd)
{
    if (rd->depth >= CJSON_NESTING_LIMIT)
        return false;
    rd->depth++;
    rd->p++; /* '[' */
    skip_space(rd);
    if (rd->p < rd->end && *rd->p == ']') {
        rd->p++;
        rd->depth--;
        return true;
    }
    for (;;) {
        skip_space(rd);
        if (!read_value(rd, NULL))
            return false;
        skip_space(rd);
        if (rd->p < rd->end && *rd->p == ',') {
            rd->p++;
            continue;
        }
        if (rd->p < rd->end && *rd->p == ']') {
            rd->p++;
            rd->depth--;
            return true;
        }
        return false;
    }
}

/* Reads the value at rd->p, into keep's slot when keep is not NULL. */
static bool read_value(struct reader *rd, const struct member *keep)
{
    if (rd->p >= rd->end)
        return false;
    const char *start = rd->p;
    struct value v = {.kind = K_NULL};
    const char *raw;
    size_t len;
    char *text;
    bool ok;
    switch (*rd->p) {
    case '{':
        v.kind = K_OBJECT;
        ok = read_object(rd, keep ? keep->inner : NULL);
        break;
    case '[':
        v.kind = K_ARRAY;
        ok = read_array(rd);
        break;
    case '"':
        v.kind = K_STRING;
        ok = read_string(rd, keep != NULL, &text, &raw, &len);
        v.string = text;
        break;
    case 'n':
        ok = read_literal(rd, "null", 4);
        break;
    case 't':
        v.kind = K_BOOL;
        ok = read_literal(rd, "true", 4);
        break;
    case 'f':
        v.kind = K_BOOL;
        ok = read_literal(rd, "false", 5);
        break;
    default:
        v.kind = K_NUMBER;
        ok = (*rd->p == '-' || (*rd->p >= '0' && *rd->p <= '9')) && read_number(rd, &v.number);
    }
    if (ok && keep) {
        v.text = start;
        v.len = (size_t)(rd->p - start);
        rd->v[keep->slot] = v;
    }
    return ok;
}

/* An optional string (null or absent gives NULL); false when of another type or longer than
 * max_chars (0: no limit). */
static bool get_string(const struct reader *rd, enum slot s, const char *name, size_t max_chars,
                       char **out, char *err, size_t errlen)
{
    const struct value *v = &rd->v[s];
    *out = NULL;
    if (v->kind == K_ABSENT || v->kind == K_NULL)
        return true;
    if (v->kind != K_STRING) {
        snprintf(err, errlen, "%s must be a string or null", name);
        return false;
    }
    if (max_chars && utf8_length(v->string) > max_chars) {
        snprintf(err, errlen, "%s is longer than %zu characters", name, max_chars);
        return false;
    }
    *out = v->string;
    return true;
}

static bool get_count(const struct reader *rd, enum slot s, const char *name, int64_t *out,
                      char *err, size_t errlen)
{
    const struct value *v = &rd->v[s];
    *out = 0;
    if (v->kind == K_ABSENT || v->kind == K_NULL)
        return true;
    double d = v->kind == K_NUMBER ? v->number : -1;
    if (d < 0 || d > 9007199254740991.0 || floor(d) != d) {
        snprintf(err, errlen, "%s must be a non-negative integer", name);
        return false;
    }
    *out = (int64_t)d;
    return true;
}

static bool get_time(const struct reader *rd, enum slot s, const char *name, int64_t *out,
                     char *err, size_t errlen)
{
    const struct value *v = &rd->v[s];
    *out = 0;
    if (v->kind == K_ABSENT || v->kind == K_NULL)
        return true;
    if (v->kind != K_STRING || !time_parse_iso(v->string, out)) {
        snprintf(err, errlen, "%s must be an ISO 8601 time", name);
        return false;
    }
    return true;
}

/* An optional object: absent and null stand for an empty one. */
static bool is_object_or_none(const struct reader *rd, enum slot s)
{
    enum kind k = rd->v[s].kind;
    return k == K_ABSENT || k == K_NULL || k == K_OBJECT;
}

/* A scalar member of helpdesk_info as text, for the ticket_id and provider filters. */
static char *scalar_text(const struct reader *rd, enum slot s, struct arena *ar)
{
    const struct value *v = &rd->v[s];
    if (v->kind == K_STRING)
        return v->string;
    if (v->kind == K_NUMBER) {
        double d = v->number;
        if (floor(d) == d && fabs(d) < 1e15)
            return arena_printf(ar, "%lld", (long long)d);
        return arena_printf(ar, "%.17g", d);
    }
    return NULL;
}

/* helpdesk_info as compact JSON, written by cJSON as the server writes any JSON it keeps. */
static char *helpdesk_text(const struct reader *rd, struct arena *ar)
{
    const struct value *v = &rd->v[S_HELPDESK];
    if (v->kind != K_OBJECT)
        return arena_strdup(ar, "{}");
    cJSON *json = cJSON_ParseWithLength(v->text, v->len);
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    char *out = arena_strdup(ar, text ? text : "{}");
    cJSON_free(text);
    cJSON_Delete(json);
    return out;
}

static bool get_sections(const struct reader *rd, struct arena *ar, struct store_recording *r,
                         char *err, size_t errlen)
{
    const char *not_object = !is_object_or_none(rd, S_META)       ? "metadata"
                             : !is_object_or_none(rd, S_TECH)     ? "technical_details"
                             : !is_object_or_none(rd, S_CUSTOMER) ? "customer"
                                                                  : NULL;
    if (not_object) {
        snprintf(err, errlen, "%s must be an object", not_object);
        return false;
    }
    if (!get_time(rd, S_CREATED_AT, "created_at", &r->created_at, err, errlen) ||
        !get_time(rd, S_UPDATED_AT, "updated_at", &r->updated_at, err, errlen) ||
        !get_count(rd, S_DURATION, "duration", &r->duration, err, errlen) ||
        !get_count(rd, S_IMPRESSIONS, "impressions_count", &r->impressions_count, err, errlen) ||
        !get_string(rd, S_RECORDING_TYPE, "recording_type", 0, &r->recording_type, err, errlen) ||
        !get_string(rd, S_RECORDING_SOURCE, "recording_source", 0, &r->recording_source, err,
                    errlen) ||
        !get_string(rd, S_URL, "url", 0, &r->url, err, errlen) ||
        !get_string(rd, S_VENDOR, "vendor", 0, &r->vendor, err, errlen) ||
        !get_string(rd, S_IP_ADDRESS, "ip_address", 0, &r->ip_address, err, errlen) ||
        !get_string(rd, S_TIMEZONE, "timezone", 0, &r->timezone, err, errlen) ||
        !get_string(rd, S_NETWORK_TYPE, "network_type", 0, &r->network_type, err, errlen) ||
        !get_string(rd, S_ISP, "isp", 0, &r->isp, err, errlen) ||
        !get_string(rd, S_CUSTOMER_EMAIL, "email", 0, &r->customer_email, err, errlen))
        return false;
    if (!is_object_or_none(rd, S_HELPDESK)) {
        snprintf(err, errlen, "metadata.helpdesk_info must be an object");
        return false;
    }
    r->helpdesk_info = helpdesk_text(rd, ar);
    r->ticket_id = scalar_text(rd, S_TICKET_ID, ar);
    r->provider = scalar_text(rd, S_PROVIDER, ar);
    return true;
}

/* The recording the values read make, checked field by field in the order of the API's
 * object, so that the first bad field is the one named. */
static bool get_recording(const struct reader *rd, struct arena *ar, struct store_recording *r,
                          char *err, size_t errlen)
{
    if (rd->v[S_ROOT].kind != K_OBJECT) {
        snprintf(err, errlen, "a recording must be a JSON object");
        return false;
    }
    char *uuid;
    if (!get_string(rd, S_UUID, "uuid", 0, &uuid, err, errlen))
        return false;
    if (uuid && !uuid_is_valid(uuid)) {
        snprintf(err, errlen, "uuid is not a UUID");
        return false;
    }
    if (uuid) {
        for (size_t i = 0; i < UUID_LEN - 1; i++)
            r->id[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
    }
    if (!get_string(rd, S_TITLE, "title", LIMIT_TITLE_CHARS, &r->title, err, errlen) ||
        !get_string(rd, S_SUMMARY, "summary", LIMIT_TEXT_CHARS, &r->summary, err, errlen) ||
        !get_string(rd, S_DESCRIPTION, "description", LIMIT_TEXT_CHARS, &r->description, err,
                    errlen) ||
        !get_string(rd, S_CONSOLE_LOGS, "console_logs", 0, &r->console_logs, err, errlen) ||
        !get_sections(rd, ar, r, err, errlen))
        return false;
    if (!is_object_or_none(rd, S_USER)) {
        snprintf(err, errlen, "user must be an object");
        return false;
    }
    if (!get_string(rd, S_USER_EMAIL, "user_email", 0, &r->user_email, err, errlen))
        return false;
    if (!r->user_email &&
        !get_string(rd, S_USER_OBJ_EMAIL, "email", 0, &r->user_email, err, errlen))
        return false;
    if (!r->user_email) {
        snprintf(err, errlen, "user_email is required");
        return false;
    }
    const struct value *name = &rd->v[S_USER_NAME];
    r->user_name = name->kind == K_STRING ? name->string : NULL;
    return true;
}

enum api_read api_recording_read(const char *text, size_t len, struct arena *ar,
                                 struct store_recording *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    struct reader rd = {.p = text, .end = text + len, .ar = ar};
    if (len >= 5 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        rd.p += 3; /* a byte order mark, which cJSON skips too */
    skip_space(&rd);
    bool ok = read_value(&rd, &recording);
    skip_space(&rd);
    if (!ok || rd.p != rd.end) {
        snprintf(err, errlen, "not valid JSON");
        return API_READ_NOT_JSON;
    }
    return get_recording(&rd, ar, r, err, errlen) ? API_READ_OK : API_READ_INVALID;
}
