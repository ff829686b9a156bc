/* GET /scim/v2/Users: filtering, paging, and attribute projection. An equality on userName,
 * an e-mail or externalId is answered from an index; other filters scan the account. */
#include "scim.h"

#include "scim/filter.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SCIM_MAX_COUNT = 100 };

enum key_kind { KEY_NONE, KEY_EMAIL, KEY_EXTERNAL_ID, KEY_ID };

/* Finds an equality the store can look up, among the terms every match must satisfy. */
static enum key_kind indexable(const struct scim_filter *f, const char **value)
{
    if (f->kind == SCIM_FILTER_AND) {
        enum key_kind k = indexable(f->left, value);
        return k != KEY_NONE ? k : indexable(f->right, value);
    }
    if (f->kind == SCIM_FILTER_VALUE_PATH && strcasecmp(f->path.attr, "emails") == 0) {
        const struct scim_filter *inner = f->left;
        struct scim_filter probe;
        /* emails[value eq "x"] and emails[type eq "work" and value eq "x"] */
        for (;;) {
            const struct scim_filter *term = inner->kind == SCIM_FILTER_AND ? inner->right : inner;
            if (term->kind == SCIM_FILTER_COMPARE && term->op == SCIM_OP_EQ &&
                term->value_kind == SCIM_VALUE_STRING && !term->path.sub &&
                strcasecmp(term->path.attr, "value") == 0) {
                probe = *term;
                *value = probe.string;
                return KEY_EMAIL;
            }
            if (inner->kind != SCIM_FILTER_AND)
                return KEY_NONE;
            inner = inner->left;
        }
    }
    if (f->kind != SCIM_FILTER_COMPARE || f->op != SCIM_OP_EQ || f->value_kind != SCIM_VALUE_STRING)
        return KEY_NONE;
    *value = f->string;
    const char *a = f->path.attr, *sub = f->path.sub;
    if (!sub && strcasecmp(a, "userName") == 0)
        return KEY_EMAIL;
    if (strcasecmp(a, "emails") == 0 && (!sub || strcasecmp(sub, "value") == 0))
        return KEY_EMAIL;
    if (!sub && strcasecmp(a, "externalId") == 0)
        return KEY_EXTERNAL_ID;
    if (!sub && strcasecmp(a, "id") == 0)
        return KEY_ID;
    return KEY_NONE;
}

/* Parses a non-negative integer query value; def when absent; false when malformed. */
static bool query_int(struct api_call *call, const char *name, long def, long *out)
{
    const char *v = http_request_query(call->req, name);
    if (!v) {
        *out = def;
        return true;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno)
        return false;
    *out = n;
    return true;
}

/* Does the comma-separated list name this attribute (or one of its sub-attributes)?
 * Returns 0 for no, 1 for the whole attribute, 2 for sub-attributes only. */
static int listed(const char *list, const char *attr)
{
    int found = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        size_t n = len;
        while (n && *item == ' ')
            item++, n--;
        while (n && item[n - 1] == ' ')
            n--;
        /* Drop a schema URN prefix: everything up to the last ':'. */
        for (size_t i = n; i > 0; i--) {
            if (item[i - 1] == ':') {
                item += i;
                n -= i;
                break;
            }
        }
        size_t alen = strlen(attr);
        if (n == alen && strncasecmp(item, attr, alen) == 0)
            return 1;
        if (n > alen && item[alen] == '.' && strncasecmp(item, attr, alen) == 0)
            found = 2;
        if (!end)
            break;
        p = end + 1;
    }
    return found;
}

/* Keeps only the requested sub-attributes of a complex attribute (or of each element). */
static void keep_subs(cJSON *v, const char *list, const char *attr)
{
    if (cJSON_IsArray(v)) {
        cJSON *el;
        cJSON_ArrayForEach(el, v) {
            keep_subs(el, list, attr);
        }
        return;
    }
    if (!cJSON_IsObject(v))
        return;
    cJSON *m = v->child;
    while (m) {
        cJSON *next = m->next;
        char full[256];
        snprintf(full, sizeof(full), "%s.%s", attr, m->string);
        if (!listed(list, full))
            cJSON_Delete(cJSON_DetachItemViaPointer(v, m));
        m = next;
    }
}

/* RFC 7644 section 3.9: attributes and excludedAttributes; id and schemas always stay. */
static void project(cJSON *resource, const char *attributes, const char *excluded)
{
    cJSON *m = resource->child;
    while (m) {
        cJSON *next = m->next;
        bool always = strcmp(m->string, "id") == 0 || strcmp(m->string, "schemas") == 0;
        if (!always && attributes) {
            int how = listed(attributes, m->string);
            if (how == 0)
                cJSON_Delete(cJSON_DetachItemViaPointer(resource, m));
            else if (how == 2)
                keep_subs(m, attributes, m->string);
        } else if (!always && excluded && listed(excluded, m->string) == 1) {
            cJSON_Delete(cJSON_DetachItemViaPointer(resource, m));
        }
        m = next;
    }
}

struct collect {
    struct api_call *call;
    const struct scim_filter *filter;
    long start, count; /* 1-based first index, page size */
    long matched;
    const char *attributes, *excluded;
    bool is_projected; /* attributes or excludedAttributes given: resources go through trees */
    cJSON *resources;  /* the page's resources, when projected */
    struct buf out;    /* the page's resources written out, comma-separated, when not */
    long n_out;
};

/* Adds a user of the page; tree is its resource when one was already made (or NULL), and
 * is taken over. */
static void emit(struct collect *c, const struct store_user *u, cJSON *tree)
{
    if (c->is_projected) {
        cJSON *r = tree ? tree : scim_user_to_json(c->call, u);
        project(r, c->attributes, c->excluded);
        cJSON_AddItemToArray(c->resources, r);
        return;
    }
    cJSON_Delete(tree);
    if (c->n_out++)
        buf_append(&c->out, ",", 1);
    scim_user_write(&c->out, c->call, u);
}

static bool visit(const struct store_user *u, void *ctx)
{
    struct collect *c = ctx;
    cJSON *r = c->filter ? scim_user_to_json(c->call, u) : NULL;
    if (!c->filter || scim_filter_matches(c->filter, r)) {
        c->matched++;
        if (c->matched >= c->start && c->matched < c->start + c->count) {
            emit(c, u, r);
            return true;
        }
    }
    cJSON_Delete(r);
    return true;
}

/* Looks up the one user an indexable equality names, and checks the whole filter. */
static enum store_status lookup(struct collect *c, enum key_kind kind, const char *value)
{
    struct store_user u;
    struct api_call *call = c->call;
    enum store_status s = STORE_NOT_FOUND;
    const char *account = call->who.account_id;
    if (kind == KEY_EMAIL)
        s = store_user_find_by_email(call->conn, call->arena, account, value, &u);
    else if (kind == KEY_EXTERNAL_ID)
        s = store_user_find_by_external_id(call->conn, call->arena, account, value, &u);
    else if (kind == KEY_ID && uuid_is_valid(value))
        s = store_user_get(call->conn, call->arena, account, value, &u);
    if (s == STORE_NOT_FOUND)
        return STORE_OK;
    if (s == STORE_OK)
        visit(&u, c);
    return s;
}

/* No filter: the store pages by itself, from its index. */
static enum store_status page(struct collect *c)
{
    struct store_user *rows;
    size_t n;
    int64_t total;
    struct api_call *call = c->call;
    enum store_status s = store_user_list(call->conn, call->arena, call->who.account_id,
                                          c->start - 1, c->count, &rows, &n, &total);
    if (s != STORE_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        emit(c, &rows[i], NULL);
    c->matched = total;
    return STORE_OK;
}

int scim_users_list(struct api_call *call)
{
    long start, count;
    if (!query_int(call, "startIndex", 1, &start) ||
        !query_int(call, "count", SCIM_MAX_COUNT, &count))
        return scim_error(call, 400, "invalidValue", "startIndex and count must be integers");
    if (start < 1)
        start = 1;
    if (count < 0)
        count = 0;
    if (count > SCIM_MAX_COUNT)
        count = SCIM_MAX_COUNT;
    struct collect c = {.call = call,
                        .start = start,
                        .count = count,
                        .attributes = http_request_query(call->req, "attributes"),
                        .excluded = http_request_query(call->req, "excludedAttributes")};
    c.is_projected = c.attributes || c.excluded;
    c.resources = c.is_projected ? cJSON_CreateArray() : NULL;
    buf_init(&c.out, SIZE_MAX / 2);
    const char *text = http_request_query(call->req, "filter");
    enum store_status s;
    if (text && *text) {
        struct parse_error err;
        c.filter = scim_filter_parse(call->arena, text, &err);
        if (!c.filter) {
            cJSON_Delete(c.resources);
            buf_fini(&c.out);
            return scim_error(call, 400, "invalidFilter", "%s", err.message);
        }
        const char *value = NULL;
        enum key_kind kind = indexable(c.filter, &value);
        /* A filter that is nothing but the equality the look-up answers needs no second
         * check: the user found is exactly the match (and no tree is built for it). */
        if (kind != KEY_NONE && c.filter->kind == SCIM_FILTER_COMPARE)
            c.filter = NULL;
        s = kind != KEY_NONE ? lookup(&c, kind, value)
                             : store_user_scan(call->conn, call->who.account_id, visit, &c);
    } else {
        s = page(&c);
    }
    if (s != STORE_OK) {
        cJSON_Delete(c.resources);
        buf_fini(&c.out);
        return api_store_error(call, s, "");
    }
    if (!c.is_projected) {
        struct buf b;
        buf_init(&b, SIZE_MAX / 2);
        buf_puts(&b, "{\"schemas\":[\"" SCIM_LIST_SCHEMA "\"],\"totalResults\":");
        buf_put_int(&b, c.matched);
        buf_puts(&b, ",\"startIndex\":");
        buf_put_int(&b, start);
        buf_puts(&b, ",\"itemsPerPage\":");
        buf_put_int(&b, c.n_out);
        buf_puts(&b, ",\"Resources\":[");
        if (c.out.len)
            buf_append(&b, c.out.data, c.out.len);
        buf_puts(&b, "]}");
        buf_fini(&c.out);
        return scim_json_buf(call, 200, &b);
    }
    buf_fini(&c.out);
    cJSON *o = cJSON_CreateObject();
    cJSON *schemas = cJSON_AddArrayToObject(o, "schemas");
    cJSON_AddItemToArray(schemas, cJSON_CreateString(SCIM_LIST_SCHEMA));
    cJSON_AddNumberToObject(o, "totalResults", (double)c.matched);
    cJSON_AddNumberToObject(o, "startIndex", (double)start);
    cJSON_AddNumberToObject(o, "itemsPerPage", cJSON_GetArraySize(c.resources));
    cJSON_AddItemToObject(o, "Resources", c.resources);
    return scim_json(call, 200, o);
}
