/* The PATCH engine. Each operation is reduced to a parsed path (attribute, optional
 * sub-attribute, optional value filter) and applied to the JSON resource. */
#include "patch.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum op { OP_ADD, OP_REPLACE, OP_REMOVE };

static enum scim_patch_status failed(struct parse_error *err, enum scim_patch_status s,
                                     const char *msg)
{
    if (err->message[0] == '\0')
        snprintf(err->message, sizeof(err->message), "%s", msg);
    return s;
}

/* Finds a member by case-insensitive name and returns its key as stored (or NULL). */
static cJSON *get(cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItem(obj, name) : NULL;
}

static void set(cJSON *obj, const char *name, const cJSON *value)
{
    cJSON *copy = cJSON_Duplicate(value, true);
    if (get(obj, name))
        cJSON_ReplaceItemInObject(obj, get(obj, name)->string, copy);
    else
        cJSON_AddItemToObject(obj, name, copy);
}

static void drop(cJSON *obj, const char *name)
{
    cJSON *v = get(obj, name);
    if (v)
        cJSON_DeleteItemFromObject(obj, v->string);
}

/* add merges objects member by member and appends to arrays; otherwise it sets. */
static void add_value(cJSON *obj, const char *name, const cJSON *value)
{
    cJSON *cur = get(obj, name);
    if (cJSON_IsArray(cur)) {
        if (cJSON_IsArray(value)) {
            const cJSON *el;
            cJSON_ArrayForEach(el, value) {
                cJSON_AddItemToArray(cur, cJSON_Duplicate(el, true));
            }
        } else {
            cJSON_AddItemToArray(cur, cJSON_Duplicate(value, true));
        }
        return;
    }
    if (cJSON_IsObject(cur) && cJSON_IsObject(value)) {
        const cJSON *m;
        cJSON_ArrayForEach(m, value) {
            add_value(cur, m->string, m);
        }
        return;
    }
    set(obj, name, value);
}

static void apply_plain(enum op op, cJSON *obj, const char *name, const cJSON *value)
{
    if (op == OP_REMOVE)
        drop(obj, name);
    else if (op == OP_ADD)
        add_value(obj, name, value);
    else
        set(obj, name, value);
}

/* Does element (an object, or a simple value standing for its "value") satisfy filter? */
static bool element_matches(const struct scim_filter *filter, cJSON *el)
{
    if (cJSON_IsObject(el))
        return scim_filter_matches(filter, el);
    cJSON *wrap = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(wrap, "value", el);
    bool ok = scim_filter_matches(filter, wrap);
    cJSON_Delete(wrap);
    return ok;
}

/* Builds the element a filter like type eq "work" and primary eq true describes. */
static void seed_from_filter(const struct scim_filter *f, cJSON *el)
{
    if (f->kind == SCIM_FILTER_AND) {
        seed_from_filter(f->left, el);
        seed_from_filter(f->right, el);
        return;
    }
    if (f->kind != SCIM_FILTER_COMPARE || f->op != SCIM_OP_EQ || f->path.sub)
        return;
    switch (f->value_kind) {
    case SCIM_VALUE_STRING:
        cJSON_AddStringToObject(el, f->path.attr, f->string);
        break;
    case SCIM_VALUE_NUMBER:
        cJSON_AddNumberToObject(el, f->path.attr, f->number);
        break;
    case SCIM_VALUE_TRUE:
    case SCIM_VALUE_FALSE:
        cJSON_AddBoolToObject(el, f->path.attr, f->value_kind == SCIM_VALUE_TRUE);
        break;
    case SCIM_VALUE_NULL:
        break;
    }
}

static enum scim_patch_status apply_filtered(enum op op, cJSON *resource, const char *attr,
                                             const struct scim_filter *filter, const char *sub,
                                             const cJSON *value, struct parse_error *err)
{
    cJSON *arr = get(resource, attr);
    if (!arr) {
        if (op == OP_REMOVE)
            return SCIM_PATCH_OK;
        arr = cJSON_AddArrayToObject(resource, attr);
    }
    if (!cJSON_IsArray(arr))
        return failed(err, SCIM_PATCH_INVALID_PATH,
                      "a value filter needs a multi-valued attribute");
    bool matched = false;
    cJSON *el = arr->child;
    while (el) {
        cJSON *next = el->next;
        if (element_matches(filter, el)) {
            matched = true;
            if (op == OP_REMOVE && !sub) {
                cJSON_Delete(cJSON_DetachItemViaPointer(arr, el));
            } else if (sub) {
                if (!cJSON_IsObject(el))
                    return failed(err, SCIM_PATCH_INVALID_PATH,
                                  "the element has no sub-attributes");
                apply_plain(op, el, sub, value);
            } else if (op == OP_ADD && cJSON_IsObject(value) && cJSON_IsObject(el)) {
                const cJSON *m;
                cJSON_ArrayForEach(m, value) {
                    add_value(el, m->string, m);
                }
            } else {
                cJSON_ReplaceItemViaPointer(arr, el, cJSON_Duplicate(value, true));
            }
        }
        el = next;
    }
    if (!matched && op != OP_REMOVE) {
        /* Entra ID replaces emails[type eq "work"].value on users that have no work e-mail
         * yet: the element the filter describes is made. */
        cJSON *fresh = cJSON_CreateObject();
        seed_from_filter(filter, fresh);
        if (sub) {
            set(fresh, sub, value);
        } else if (cJSON_IsObject(value)) {
            const cJSON *m;
            cJSON_ArrayForEach(m, value) {
                set(fresh, m->string, m);
            }
        }
        cJSON_AddItemToArray(arr, fresh);
    }
    return SCIM_PATCH_OK;
}

static enum scim_patch_status apply_path(enum op op, cJSON *resource, const char *path_text,
                                         const cJSON *value, struct arena *ar,
                                         struct parse_error *err)
{
    struct scim_path p;
    struct scim_filter *filter;
    const char *sub_after;
    if (!scim_path_parse(ar, path_text, &p, &filter, &sub_after, err))
        return SCIM_PATCH_INVALID_PATH;
    if (strcasecmp(p.attr, "id") == 0 && !p.sub)
        return failed(err, SCIM_PATCH_MUTABILITY, "id cannot be changed");
    if (strcasecmp(p.attr, "meta") == 0 || strcasecmp(p.attr, "schemas") == 0)
        return SCIM_PATCH_OK; /* read-only bookkeeping: ignored */
    if (op != OP_REMOVE && !value)
        return failed(err, SCIM_PATCH_INVALID_VALUE, "the operation needs a value");
    if (filter)
        return apply_filtered(op, resource, p.attr, filter, sub_after, value, err);
    if (!p.sub) {
        apply_plain(op, resource, p.attr, value);
        return SCIM_PATCH_OK;
    }
    cJSON *cur = get(resource, p.attr);
    if (!cur) {
        if (op == OP_REMOVE)
            return SCIM_PATCH_OK;
        cur = cJSON_AddObjectToObject(resource, p.attr);
    }
    if (cJSON_IsObject(cur)) {
        apply_plain(op, cur, p.sub, value);
    } else if (cJSON_IsArray(cur)) {
        /* emails.value without a filter: every element. */
        cJSON *el;
        bool any = false;
        cJSON_ArrayForEach(el, cur) {
            if (cJSON_IsObject(el)) {
                apply_plain(op, el, p.sub, value);
                any = true;
            }
        }
        if (!any && op != OP_REMOVE) {
            cJSON *fresh = cJSON_CreateObject();
            set(fresh, p.sub, value);
            cJSON_AddItemToArray(cur, fresh);
        }
    } else if (op != OP_REMOVE) {
        cJSON *obj = cJSON_CreateObject();
        set(obj, p.sub, value);
        cJSON_ReplaceItemInObject(resource, cur->string, obj);
    }
    return SCIM_PATCH_OK;
}

static bool parse_op(const cJSON *o, enum op *op)
{
    const cJSON *name = cJSON_GetObjectItem(o, "op");
    if (!cJSON_IsString(name))
        return false;
    if (strcasecmp(name->valuestring, "add") == 0)
        *op = OP_ADD;
    else if (strcasecmp(name->valuestring, "replace") == 0)
        *op = OP_REPLACE;
    else if (strcasecmp(name->valuestring, "remove") == 0)
        *op = OP_REMOVE;
    else
        return false;
    return true;
}

enum scim_patch_status scim_patch_apply(void *resource_json, const void *body_json,
                                        struct arena *ar, struct parse_error *err)
{
    cJSON *resource = resource_json;
    const cJSON *body = body_json;
    err->offset = 0;
    err->message[0] = '\0';
    const cJSON *ops = cJSON_IsObject(body) ? cJSON_GetObjectItem(body, "Operations") : NULL;
    if (!ops || !cJSON_IsArray(ops) || !ops->child)
        return failed(err, SCIM_PATCH_INVALID_SYNTAX, "Operations must be a non-empty array");
    const cJSON *o;
    cJSON_ArrayForEach(o, ops) {
        enum op op;
        if (!cJSON_IsObject(o) || !parse_op(o, &op))
            return failed(err, SCIM_PATCH_INVALID_SYNTAX,
                          "each operation needs op: add, replace or remove");
        const cJSON *path = cJSON_GetObjectItem(o, "path");
        const cJSON *value = cJSON_GetObjectItem(o, "value");
        if (path && !cJSON_IsNull(path) && !cJSON_IsString(path))
            return failed(err, SCIM_PATCH_INVALID_PATH, "path must be a string");
        enum scim_patch_status s = SCIM_PATCH_OK;
        if (path && cJSON_IsString(path) && path->valuestring[0]) {
            s = apply_path(op, resource, path->valuestring, value, ar, err);
        } else if (op == OP_REMOVE) {
            return failed(err, SCIM_PATCH_NO_TARGET, "remove needs a path");
        } else if (!cJSON_IsObject(value)) {
            return failed(err, SCIM_PATCH_INVALID_VALUE,
                          "an operation without a path needs an object value");
        } else {
            const cJSON *m;
            cJSON_ArrayForEach(m, value) {
                s = apply_path(op, resource, m->string, m, ar, err);
                if (s != SCIM_PATCH_OK)
                    break;
            }
        }
        if (s != SCIM_PATCH_OK)
            return s;
    }
    return SCIM_PATCH_OK;
}
