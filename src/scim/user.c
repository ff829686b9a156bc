/* SCIM User resources: the store user as SCIM JSON and back, and the /Users handlers. */
#include "scim.h"

#include "core/jsonw.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"
#include "scim/filter.h"
#include "scim/patch.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void put_string(struct buf *b, const char *key, const char *value)
{
    buf_append(b, ",", 1);
    jsonw_key(b, key);
    jsonw_string(b, value);
}

static void put_time(struct buf *b, const char *key, int64_t ms)
{
    char iso[TIME_ISO_LEN];
    time_format_iso(ms, iso);
    put_string(b, key, iso);
}

void scim_user_write(struct buf *b, struct api_call *call, const struct store_user *u)
{
    buf_puts(b, "{\"schemas\":[\"" SCIM_USER_SCHEMA "\"]");
    put_string(b, "id", u->id);
    if (u->external_id)
        put_string(b, "externalId", u->external_id);
    put_string(b, "userName", u->email);
    buf_puts(b, ",\"name\":{\"formatted\":");
    jsonw_string(b, u->name ? u->name : "");
    if (u->given_name)
        put_string(b, "givenName", u->given_name);
    if (u->family_name)
        put_string(b, "familyName", u->family_name);
    buf_append(b, "}", 1);
    if (u->name && *u->name)
        put_string(b, "displayName", u->name);
    buf_puts(b, ",\"emails\":[{\"value\":");
    jsonw_string(b, u->email);
    buf_puts(b, ",\"primary\":true,\"type\":\"work\"}],\"active\":");
    buf_puts(b, u->is_active ? "true" : "false");
    buf_puts(b, ",\"roles\":[");
    const char *sep = "";
    if (u->is_admin) {
        buf_puts(b, "\"admin\"");
        sep = ",";
    }
    if (u->is_member) {
        buf_puts(b, sep);
        buf_puts(b, "\"member\"");
        sep = ",";
    }
    if (u->is_editor) {
        buf_puts(b, sep);
        buf_puts(b, "\"editor\"");
    }
    buf_puts(b, "],\"meta\":{\"resourceType\":\"User\"");
    put_time(b, "created", u->created_at);
    put_time(b, "lastModified", u->updated_at);
    buf_puts(b, ",\"location\":\"");
    buf_puts(b, scim_base_url(call));
    buf_puts(b, "/scim/v2/Users/");
    buf_puts(b, u->id);
    buf_puts(b, "\",\"version\":\"W/\\\"");
    buf_put_int(b, u->version);
    buf_puts(b, "\\\"\"}}");
}

/* The user as a SCIM resource (RFC 7643 section 4.1) as a tree, for filters, PATCH and
 * attribute selection: parsed from what scim_user_write writes, so the two never differ. The
 * caller deletes it. */
void *scim_user_to_json(struct api_call *call, const struct store_user *u)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    scim_user_write(&b, call, u);
    cJSON *o = cJSON_ParseWithLength(b.data, b.len);
    buf_fini(&b);
    return o;
}

/* Reads a boolean that identity providers may send as a string ("True" from Entra ID).
 * Returns 1, 0, or -1 when the value is neither. */
static int boolean_of(const cJSON *v)
{
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsString(v)) {
        if (strcasecmp(v->valuestring, "true") == 0)
            return 1;
        if (strcasecmp(v->valuestring, "false") == 0)
            return 0;
    }
    return -1;
}

static bool set_role(struct store_user *u, const char *name, bool on)
{
    if (strcasecmp(name, "admin") == 0)
        u->is_admin = on;
    else if (strcasecmp(name, "member") == 0)
        u->is_member = on;
    else if (strcasecmp(name, "editor") == 0)
        u->is_editor = on;
    else
        return false;
    return true;
}

/* Roles per SPEC section 6: absent, null or [] -> defaults; an object of booleans, an array
 * of names or of {"value": name} -> the roles named true, the rest false. */
static bool read_roles(const cJSON *roles, struct store_user *u, char *err, size_t errlen)
{
    u->is_admin = false;
    u->is_member = true;
    u->is_editor = false;
    if (!roles || cJSON_IsNull(roles) || (cJSON_IsArray(roles) && !roles->child))
        return true;
    u->is_member = false;
    if (cJSON_IsString(roles)) {
        set_role(u, roles->valuestring, true);
        return true;
    }
    const cJSON *r;
    if (cJSON_IsObject(roles)) {
        cJSON_ArrayForEach(r, roles) {
            int on = boolean_of(r);
            if (on < 0) {
                snprintf(err, errlen, "roles.%s must be a boolean", r->string);
                return false;
            }
            set_role(u, r->string, on == 1);
        }
        return true;
    }
    if (!cJSON_IsArray(roles)) {
        snprintf(err, errlen, "roles must be an object of booleans or an array");
        return false;
    }
    cJSON_ArrayForEach(r, roles) {
        const cJSON *name = cJSON_IsObject(r) ? cJSON_GetObjectItem(r, "value") : r;
        if (!cJSON_IsString(name)) {
            snprintf(err, errlen, "each role must be a name or {\"value\": name}");
            return false;
        }
        set_role(u, name->valuestring, true);
    }
    return true;
}

/* Reads an optional string member; false when present with another type. */
static bool opt_string(const cJSON *o, const char *key, struct arena *ar, char **out, char *err,
                       size_t errlen)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItem(o, key) : NULL;
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        snprintf(err, errlen, "%s must be a string", key);
        return false;
    }
    *out = arena_strdup(ar, v->valuestring);
    return true;
}

/* Fills the SCIM-held fields of u from a full resource (create, PUT, or a patched copy).
 * Attributes the server does not keep are ignored. Returns false with the reason in err. */
static bool user_from_json(const cJSON *o, struct arena *ar, struct store_user *u, char *err,
                           size_t errlen)
{
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "the body must be a JSON object");
        return false;
    }
    const cJSON *user_name = cJSON_GetObjectItem(o, "userName");
    if (!cJSON_IsString(user_name) || !*user_name->valuestring) {
        snprintf(err, errlen, "userName is required and must be a non-empty string");
        return false;
    }
    if (strlen(user_name->valuestring) > LIMIT_EMAIL_BYTES) {
        snprintf(err, errlen, "userName is longer than %d bytes", LIMIT_EMAIL_BYTES);
        return false;
    }
    u->email = arena_strdup(ar, user_name->valuestring);
    const cJSON *name = cJSON_GetObjectItem(o, "name");
    if (name && !cJSON_IsNull(name) && !cJSON_IsObject(name)) {
        snprintf(err, errlen, "name must be an object");
        return false;
    }
    char *formatted, *display;
    if (!opt_string(o, "externalId", ar, &u->external_id, err, errlen) ||
        !opt_string(name, "givenName", ar, &u->given_name, err, errlen) ||
        !opt_string(name, "familyName", ar, &u->family_name, err, errlen) ||
        !opt_string(name, "formatted", ar, &formatted, err, errlen) ||
        !opt_string(o, "displayName", ar, &display, err, errlen))
        return false;
    if (formatted && *formatted)
        u->name = formatted;
    else if (u->given_name || u->family_name)
        u->name = arena_printf(ar, "%s%s%s", u->given_name ? u->given_name : "",
                               u->given_name && u->family_name ? " " : "",
                               u->family_name ? u->family_name : "");
    else
        u->name = display ? display : "";
    if (utf8_length(u->name) > LIMIT_NAME_CHARS) {
        snprintf(err, errlen, "name is longer than %d characters", LIMIT_NAME_CHARS);
        return false;
    }
    const cJSON *active = cJSON_GetObjectItem(o, "active");
    if (active && !cJSON_IsNull(active)) {
        int on = boolean_of(active);
        if (on < 0) {
            snprintf(err, errlen, "active must be a boolean");
            return false;
        }
        u->is_active = on == 1;
    } else {
        u->is_active = true;
    }
    return read_roles(cJSON_GetObjectItem(o, "roles"), u, err, errlen);
}

/* Parses the request body as JSON; answers 400 invalidSyntax itself. */
static cJSON *parse_body(struct api_call *call, int *status)
{
    const struct buf *b = &call->req->body;
    *status = 0;
    if (b->len == 0) {
        *status = scim_error(call, 400, "invalidSyntax", "The request body is empty");
        return NULL;
    }
    if (!utf8_is_valid(b->data, b->len)) {
        *status = scim_error(call, 400, "invalidSyntax", "The request body is not valid UTF-8");
        return NULL;
    }
    cJSON *json = api_json_owned(call, cJSON_ParseWithLength(b->data, b->len));
    if (!json)
        *status = scim_error(call, 400, "invalidSyntax", "The request body is not valid JSON");
    return json;
}

static int store_failure(struct api_call *call, enum store_status s)
{
    switch (s) {
    case STORE_NOT_FOUND:
        return scim_error(call, 404, NULL, "User not found");
    case STORE_CONFLICT:
        return scim_error(call, 409, "uniqueness", "userName or externalId is already taken");
    case STORE_STALE:
        return scim_error(call, 412, NULL, "The user changed since that version");
    default:
        return api_store_error(call, s, "User not found");
    }
}

/* Finds the user the path names: by SCIM id, else by externalId. */
static int find_user(struct api_call *call, struct store_user *u)
{
    const char *key = call->params[0];
    enum store_status s = STORE_NOT_FOUND;
    if (uuid_is_valid(key))
        s = store_user_get(call->conn, call->arena, call->who.account_id, key, u);
    if (s == STORE_NOT_FOUND)
        s = store_user_find_by_external_id(call->conn, call->arena, call->who.account_id, key, u);
    return s == STORE_OK ? 0 : store_failure(call, s);
}

/* The quoted version inside an ETag value: W/"3" and "3" both give 3; -1 when malformed. */
static long long etag_version(const char *tag)
{
    if (strncmp(tag, "W/", 2) == 0)
        tag += 2;
    if (*tag != '"')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(tag + 1, &end, 10);
    return errno || *end != '"' ? -1 : v;
}

/* If-Match with a version other than the user's: 412. */
static int check_if_match(struct api_call *call, const struct store_user *u)
{
    const char *tag = http_request_header(call->req, "If-Match");
    if (!tag || strcmp(tag, "*") == 0)
        return 0;
    if (etag_version(tag) != u->version)
        return scim_error(call, 412, NULL, "If-Match does not match the user's version");
    return 0;
}

static void set_etag(struct api_call *call, const struct store_user *u)
{
    char tag[32];
    snprintf(tag, sizeof(tag), "W/\"%lld\"", (long long)u->version);
    http_response_header(call->res, call->arena, "ETag", tag);
}

static int answer_user(struct api_call *call, int status, const struct store_user *u)
{
    set_etag(call, u);
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    scim_user_write(&b, call, u);
    return scim_json_buf(call, status, &b);
}

int scim_users_get(struct api_call *call)
{
    struct store_user u;
    int rc = find_user(call, &u);
    if (rc)
        return rc;
    const char *none_match = http_request_header(call->req, "If-None-Match");
    if (none_match && etag_version(none_match) == u.version) {
        set_etag(call, &u);
        call->res->status = 304;
        buf_reset(&call->res->body);
        return 304;
    }
    return answer_user(call, 200, &u);
}

int scim_users_create(struct api_call *call)
{
    int status;
    cJSON *body = parse_body(call, &status);
    if (!body)
        return status;
    struct store_user u;
    store_user_init(&u, call->who.account_id, "", NULL, time_now_ms());
    char err[256];
    if (!user_from_json(body, call->arena, &u, err, sizeof(err)))
        return scim_error(call, 422, "invalidValue", "%s", err);
    enum store_status s = store_user_insert(call->conn, &u);
    if (s != STORE_OK)
        return store_failure(call, s);
    http_response_header(
        call->res, call->arena, "Location",
        arena_printf(call->arena, "%s/scim/v2/Users/%s", scim_base_url(call), u.id));
    return answer_user(call, 201, &u);
}

/* Stores next (the user after a PUT or PATCH) if the owner keeps being active, and answers. */
static int save(struct api_call *call, const struct store_user *before, struct store_user *next)
{
    if (before->is_owner && !next->is_active)
        return scim_error(call, 403, NULL, "The account owner cannot be deactivated");
    next->updated_at = time_now_ms();
    if (next->updated_at <= before->updated_at)
        next->updated_at = before->updated_at + 1;
    enum store_status s = store_user_update(call->conn, next, before->version);
    if (s != STORE_OK)
        return store_failure(call, s);
    next->version = before->version + 1;
    return answer_user(call, 200, next);
}

int scim_users_replace(struct api_call *call)
{
    struct store_user before;
    int rc = find_user(call, &before);
    if (rc || (rc = check_if_match(call, &before)))
        return rc;
    int status;
    cJSON *body = parse_body(call, &status);
    if (!body)
        return status;
    struct store_user next = before;
    char err[256];
    if (!user_from_json(body, call->arena, &next, err, sizeof(err)))
        return scim_error(call, 422, "invalidValue", "%s", err);
    const cJSON *id = cJSON_GetObjectItem(body, "id");
    if (cJSON_IsString(id) && strcmp(id->valuestring, before.id) != 0)
        return scim_error(call, 400, "mutability", "id cannot be changed");
    return save(call, &before, &next);
}

static const char *text_at(const cJSON *o, const char *key, const char *sub)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItem(o, key) : NULL;
    if (sub)
        v = cJSON_IsObject(v) ? cJSON_GetObjectItem(v, sub) : NULL;
    return v && cJSON_IsString(v) ? v->valuestring : "";
}

/* The stored name is name.formatted. A PATCH that changes displayName, or givenName or
 * familyName, without touching formatted means the name changed: formatted follows. */
static void reconcile_name(const cJSON *before, cJSON *after)
{
    if (strcmp(text_at(before, "name", "formatted"), text_at(after, "name", "formatted")) != 0)
        return;
    cJSON *name = cJSON_GetObjectItem(after, "name");
    if (!cJSON_IsObject(name))
        return;
    const char *display = text_at(after, "displayName", NULL);
    if (strcmp(text_at(before, "displayName", NULL), display) != 0) {
        cJSON_ReplaceItemInObject(name, "formatted", cJSON_CreateString(display));
        return;
    }
    if (strcmp(text_at(before, "name", "givenName"), text_at(after, "name", "givenName")) != 0 ||
        strcmp(text_at(before, "name", "familyName"), text_at(after, "name", "familyName")) != 0) {
        cJSON_DeleteItemFromObject(name, "formatted");
        cJSON_DeleteItemFromObject(after, "displayName");
    }
}

int scim_users_update(struct api_call *call)
{
    struct store_user before;
    int rc = find_user(call, &before);
    if (rc || (rc = check_if_match(call, &before)))
        return rc;
    int status;
    cJSON *body = parse_body(call, &status);
    if (!body)
        return status;
    cJSON *resource = api_json_owned(call, scim_user_to_json(call, &before));
    struct parse_error perr;
    static const char *const types[] = {[SCIM_PATCH_INVALID_SYNTAX] = "invalidSyntax",
                                        [SCIM_PATCH_INVALID_PATH] = "invalidPath",
                                        [SCIM_PATCH_NO_TARGET] = "noTarget",
                                        [SCIM_PATCH_INVALID_VALUE] = "invalidValue",
                                        [SCIM_PATCH_MUTABILITY] = "mutability"};
    cJSON *original = api_json_owned(call, cJSON_Duplicate(resource, true));
    enum scim_patch_status ps = scim_patch_apply(resource, body, call->arena, &perr);
    if (ps != SCIM_PATCH_OK)
        return scim_error(call, 400, types[ps], "%s", perr.message);
    reconcile_name(original, resource);
    struct store_user next = before;
    char err[256];
    if (!user_from_json(resource, call->arena, &next, err, sizeof(err)))
        return scim_error(call, 400, "invalidValue", "%s", err);
    return save(call, &before, &next);
}

int scim_users_delete(struct api_call *call)
{
    struct store_user u;
    int rc = find_user(call, &u);
    if (rc || (rc = check_if_match(call, &u)))
        return rc;
    if (u.is_owner)
        return scim_error(call, 403, NULL, "The account owner cannot be deleted");
    enum store_status s = store_user_delete(call->conn, u.account_id, u.id);
    if (s != STORE_OK)
        return store_failure(call, s);
    call->res->status = 204;
    call->res->content_type = NULL;
    buf_reset(&call->res->body);
    return 204;
}
