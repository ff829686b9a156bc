/* Evaluates a filter tree against a resource in its JSON form, as RFC 7644 section 3.4.2.2
 * describes: a multi-valued attribute matches when any of its values does; a filter on a
 * multi-valued complex attribute without a sub-attribute compares its "value". String
 * comparisons ignore ASCII case except on case-exact attributes. No I/O. */
#include "filter.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Case-insensitive or exact: is needle found in hay at the position op asks for? */
static bool string_op(enum scim_filter_op op, const char *hay, const char *needle, bool exact)
{
    size_t hn = strlen(hay), nn = strlen(needle);
    int cmp = exact ? strcmp(hay, needle) : strcasecmp(hay, needle);
    switch (op) {
    case SCIM_OP_EQ:
        return cmp == 0;
    case SCIM_OP_NE:
        return cmp != 0;
    case SCIM_OP_GT:
        return cmp > 0;
    case SCIM_OP_GE:
        return cmp >= 0;
    case SCIM_OP_LT:
        return cmp < 0;
    case SCIM_OP_LE:
        return cmp <= 0;
    case SCIM_OP_SW:
        return nn <= hn && (exact ? strncmp(hay, needle, nn) : strncasecmp(hay, needle, nn)) == 0;
    case SCIM_OP_EW:
        return nn <= hn &&
               (exact ? strcmp(hay + hn - nn, needle) : strcasecmp(hay + hn - nn, needle)) == 0;
    case SCIM_OP_CO:
        for (size_t i = 0; i + nn <= hn; i++) {
            if ((exact ? strncmp(hay + i, needle, nn) : strncasecmp(hay + i, needle, nn)) == 0)
                return true;
        }
        return false;
    }
    return false;
}

static bool number_op(enum scim_filter_op op, double a, double b)
{
    switch (op) {
    case SCIM_OP_EQ:
        return a == b;
    case SCIM_OP_NE:
        return a != b;
    case SCIM_OP_GT:
        return a > b;
    case SCIM_OP_GE:
        return a >= b;
    case SCIM_OP_LT:
        return a < b;
    case SCIM_OP_LE:
        return a <= b;
    default:
        return false;
    }
}

/* Compares one candidate value with the filter's value. */
static bool compare_one(const struct scim_filter *f, const cJSON *v, bool exact)
{
    switch (f->value_kind) {
    case SCIM_VALUE_STRING:
        return cJSON_IsString(v) && string_op(f->op, v->valuestring, f->string, exact);
    case SCIM_VALUE_NUMBER:
        return cJSON_IsNumber(v) && number_op(f->op, v->valuedouble, f->number);
    case SCIM_VALUE_TRUE:
    case SCIM_VALUE_FALSE:
        if (!cJSON_IsBool(v) || (f->op != SCIM_OP_EQ && f->op != SCIM_OP_NE))
            return false;
        return (cJSON_IsTrue(v) == (f->value_kind == SCIM_VALUE_TRUE)) == (f->op == SCIM_OP_EQ);
    case SCIM_VALUE_NULL:
        return false; /* handled by the caller */
    }
    return false;
}

static bool is_present(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return false;
    if (cJSON_IsString(v))
        return v->valuestring[0] != '\0';
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        return v->child != NULL;
    return true;
}

/* The value a path names inside one object; for a complex multi-valued attribute without a
 * sub-attribute, the elements' "value" is used (RFC 7644 section 3.4.2.2). */
static const cJSON *member(const cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItem(obj, name) : NULL;
}

/* Calls test on each value the path names; returns true when any call does. */
static bool any_value(const cJSON *resource, const struct scim_path *p,
                      bool (*test)(const struct scim_filter *, const cJSON *, bool),
                      const struct scim_filter *f, bool exact)
{
    const cJSON *v = member(resource, p->attr);
    if (!v)
        return false;
    if (cJSON_IsArray(v)) {
        const cJSON *el;
        cJSON_ArrayForEach(el, v) {
            const cJSON *target = p->sub               ? member(el, p->sub)
                                  : cJSON_IsObject(el) ? member(el, "value")
                                                       : el;
            if (target && test(f, target, exact))
                return true;
        }
        return false;
    }
    if (p->sub)
        v = member(v, p->sub);
    return v && test(f, v, exact);
}

static bool present_test(const struct scim_filter *f, const cJSON *v, bool exact)
{
    (void)f;
    (void)exact;
    return is_present(v);
}

static bool matches(const struct scim_filter *f, const cJSON *r)
{
    switch (f->kind) {
    case SCIM_FILTER_AND:
        return matches(f->left, r) && matches(f->right, r);
    case SCIM_FILTER_OR:
        return matches(f->left, r) || matches(f->right, r);
    case SCIM_FILTER_NOT:
        return !matches(f->left, r);
    case SCIM_FILTER_PRESENT:
        return any_value(r, &f->path, present_test, f, false);
    case SCIM_FILTER_COMPARE: {
        bool exact = scim_attr_is_case_exact(f->path.attr, f->path.sub);
        if (f->value_kind == SCIM_VALUE_NULL) {
            bool present = any_value(r, &f->path, present_test, f, false);
            return f->op == SCIM_OP_EQ ? !present : f->op == SCIM_OP_NE ? present : false;
        }
        if (f->op == SCIM_OP_NE) {
            struct scim_filter eq = *f;
            eq.op = SCIM_OP_EQ;
            return !any_value(r, &f->path, compare_one, &eq, exact);
        }
        return any_value(r, &f->path, compare_one, f, exact);
    }
    case SCIM_FILTER_VALUE_PATH: {
        const cJSON *v = member(r, f->path.attr);
        if (cJSON_IsObject(v))
            return matches(f->left, v);
        if (!cJSON_IsArray(v))
            return false;
        const cJSON *el;
        cJSON_ArrayForEach(el, v) {
            if (cJSON_IsObject(el)) {
                if (matches(f->left, el))
                    return true;
            } else {
                /* A simple multi-valued attribute (roles as names): its element is "value". */
                cJSON *wrap = cJSON_CreateObject();
                cJSON_AddItemReferenceToObject(wrap, "value", (cJSON *)el);
                bool ok = matches(f->left, wrap);
                cJSON_Delete(wrap);
                if (ok)
                    return true;
            }
        }
        return false;
    }
    }
    return false;
}

bool scim_filter_matches(const struct scim_filter *f, const void *resource)
{
    return matches(f, resource);
}
