/* Recursive-descent parser for the SCIM filter grammar:
 *
 *   filter   = or
 *   or       = and *("or" and)
 *   and      = unary *("and" unary)
 *   unary    = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath [ "." sub op value ]
 *   attrExp  = path "pr" / path op value
 *
 * "not" binds tighter than "and", which binds tighter than "or". Operators and the logical
 * words are case-insensitive. The form Entra ID sends, emails[type eq "work"].value eq "x", is
 * read as emails[type eq "work" and value eq "x"]. No I/O. */
#include "filter.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct parser {
    struct arena *ar;
    const char *text;
    const char *p;
    struct parse_error *err;
    int depth;
};

enum { MAX_DEPTH = 64 };

static bool fail(struct parser *ps, const char *msg)
{
    if (ps->err->message[0] == '\0') {
        ps->err->offset = (size_t)(ps->p - ps->text);
        snprintf(ps->err->message, sizeof(ps->err->message), "%s at offset %zu", msg,
                 ps->err->offset);
    }
    return false;
}

static void skip_space(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '$';
}

/* Matches a case-insensitive keyword that is not followed by a name character. */
static bool keyword(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if (strncasecmp(ps->p, word, n) == 0 && !is_name_char(ps->p[n])) {
        ps->p += n;
        return true;
    }
    return false;
}

static struct scim_filter *node(struct parser *ps, enum scim_filter_kind kind)
{
    struct scim_filter *f = arena_calloc(ps->ar, 1, sizeof(*f));
    f->kind = kind;
    return f;
}

/* Reads a name: ALPHA *(nameChar). */
static const char *name(struct parser *ps)
{
    const char *start = ps->p;
    if (!((*ps->p >= 'A' && *ps->p <= 'Z') || (*ps->p >= 'a' && *ps->p <= 'z') || *ps->p == '$'))
        return NULL;
    while (is_name_char(*ps->p))
        ps->p++;
    return arena_strndup(ps->ar, start, (size_t)(ps->p - start));
}

/* attrPath = [URI ":"] ATTRNAME *1("." subAttr). A URI is recognised by its "urn:" start;
 * everything up to the last ':' before the attribute name is dropped. */
static bool path(struct parser *ps, struct scim_path *out)
{
    if (strncasecmp(ps->p, "urn:", 4) == 0) {
        const char *q = ps->p;
        const char *last_colon = NULL;
        while (*q && *q != ' ' && *q != '[' && *q != '(' && *q != ')') {
            if (*q == ':')
                last_colon = q;
            q++;
        }
        if (!last_colon)
            return fail(ps, "malformed schema URN");
        ps->p = last_colon + 1;
    }
    out->attr = name(ps);
    if (!out->attr)
        return fail(ps, "expected an attribute name");
    out->sub = NULL;
    if (*ps->p == '.') {
        ps->p++;
        out->sub = name(ps);
        if (!out->sub)
            return fail(ps, "expected a sub-attribute name after '.'");
    }
    return true;
}

/* Reads four hex digits; -1 when any is missing or not hex (stops at the terminator). */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        int d = (h >= '0' && h <= '9')   ? h - '0'
                : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool string_value(struct parser *ps, struct scim_filter *f)
{
    /* JSON string: escapes \" \\ \/ \b \f \n \r \t \uXXXX (surrogate pairs joined). */
    ps->p++;
    size_t cap = strlen(ps->p) + 1;
    char *out = arena_alloc(ps->ar, cap);
    size_t n = 0;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '\0')
            return fail(ps, "unterminated string");
        if (c < 0x20)
            return fail(ps, "control character in string");
        if (c != '\\') {
            out[n++] = (char)c;
            ps->p++;
            continue;
        }
        ps->p++;
        char e = *ps->p;
        if (e == '\0')
            return fail(ps, "unterminated string");
        ps->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            out[n++] = map[simple - "\"\\/bfnrt"];
            continue;
        }
        if (e != 'u')
            return fail(ps, "bad escape in string");
        long cp = hex4(ps->p);
        if (cp < 0)
            return fail(ps, "bad \\u escape in string");
        ps->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && ps->p[0] == '\\' && ps->p[1] == 'u') {
            long lo = hex4(ps->p + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                ps->p += 6;
            }
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail(ps, "invalid code point in string");
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | (cp >> 6));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xE0 | (cp >> 12));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | (cp >> 18));
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    ps->p++;
    out[n] = '\0';
    f->value_kind = SCIM_VALUE_STRING;
    f->string = out;
    return true;
}

static bool comp_value(struct parser *ps, struct scim_filter *f)
{
    if (*ps->p == '"')
        return string_value(ps, f);
    if (keyword(ps, "true")) {
        f->value_kind = SCIM_VALUE_TRUE;
        return true;
    }
    if (keyword(ps, "false")) {
        f->value_kind = SCIM_VALUE_FALSE;
        return true;
    }
    if (keyword(ps, "null")) {
        f->value_kind = SCIM_VALUE_NULL;
        return true;
    }
    if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
        char *end;
        double d = strtod(ps->p, &end);
        if (end == ps->p || !isfinite(d) || is_name_char(*end))
            return fail(ps, "malformed number");
        ps->p = end;
        f->value_kind = SCIM_VALUE_NUMBER;
        f->number = d;
        return true;
    }
    return fail(ps, "expected a value: a string, number, true, false or null");
}

static bool comp_op(struct parser *ps, enum scim_filter_op *op)
{
    static const struct {
        const char *word;
        enum scim_filter_op op;
    } ops[] = {{"eq", SCIM_OP_EQ}, {"ne", SCIM_OP_NE}, {"co", SCIM_OP_CO},
               {"sw", SCIM_OP_SW}, {"ew", SCIM_OP_EW}, {"gt", SCIM_OP_GT},
               {"ge", SCIM_OP_GE}, {"lt", SCIM_OP_LT}, {"le", SCIM_OP_LE}};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (keyword(ps, ops[i].word)) {
            *op = ops[i].op;
            return true;
        }
    }
    return fail(ps, "expected an operator (eq ne co sw ew gt ge lt le pr)");
}

static struct scim_filter *parse_or(struct parser *ps, bool in_brackets);

/* attrExp after its path: "pr" or op value. */
static struct scim_filter *attr_exp(struct parser *ps, const struct scim_path *p)
{
    if (*ps->p != ' ' && *ps->p != '\t')
        return fail(ps, "expected a space after the attribute path"), NULL;
    skip_space(ps);
    if (keyword(ps, "pr")) {
        struct scim_filter *f = node(ps, SCIM_FILTER_PRESENT);
        f->path = *p;
        return f;
    }
    struct scim_filter *f = node(ps, SCIM_FILTER_COMPARE);
    f->path = *p;
    if (!comp_op(ps, &f->op))
        return NULL;
    if (*ps->p != ' ' && *ps->p != '\t')
        return fail(ps, "expected a space after the operator"), NULL;
    skip_space(ps);
    return comp_value(ps, f) ? f : NULL;
}

static struct scim_filter *unary(struct parser *ps, bool in_brackets)
{
    skip_space(ps);
    if (++ps->depth > MAX_DEPTH)
        return fail(ps, "filter nested too deeply"), NULL;
    struct scim_filter *result = NULL;
    const char *save = ps->p;
    if (keyword(ps, "not")) {
        skip_space(ps);
        if (*ps->p != '(')
            return fail(ps, "expected '(' after not"), NULL;
        ps->p++;
        struct scim_filter *inner = parse_or(ps, in_brackets);
        if (!inner)
            return NULL;
        if (*ps->p != ')')
            return fail(ps, "expected ')'"), NULL;
        ps->p++;
        result = node(ps, SCIM_FILTER_NOT);
        result->left = inner;
    } else if (*ps->p == '(') {
        ps->p++;
        result = parse_or(ps, in_brackets);
        if (!result)
            return NULL;
        if (*ps->p != ')')
            return fail(ps, "expected ')'"), NULL;
        ps->p++;
    } else {
        ps->p = save;
        struct scim_path p;
        if (!path(ps, &p))
            return NULL;
        if (*ps->p == '[') {
            if (in_brackets)
                return fail(ps, "value filters cannot be nested"), NULL;
            if (p.sub)
                return fail(ps, "a value filter follows an attribute, not a sub-attribute"), NULL;
            ps->p++;
            struct scim_filter *inner = parse_or(ps, true);
            if (!inner)
                return NULL;
            if (*ps->p != ']')
                return fail(ps, "expected ']'"), NULL;
            ps->p++;
            result = node(ps, SCIM_FILTER_VALUE_PATH);
            result->path = p;
            result->left = inner;
            if (*ps->p == '.') {
                /* emails[type eq "work"].value eq "x" */
                ps->p++;
                struct scim_path sub = {.attr = name(ps)};
                if (!sub.attr)
                    return fail(ps, "expected a sub-attribute name after ']'"), NULL;
                struct scim_filter *cmp = attr_exp(ps, &sub);
                if (!cmp)
                    return NULL;
                struct scim_filter *both = node(ps, SCIM_FILTER_AND);
                both->left = inner;
                both->right = cmp;
                result->left = both;
            }
        } else {
            result = attr_exp(ps, &p);
        }
    }
    ps->depth--;
    skip_space(ps);
    return result;
}

static struct scim_filter *parse_and(struct parser *ps, bool in_brackets)
{
    struct scim_filter *left = unary(ps, in_brackets);
    if (!left)
        return NULL;
    while (keyword(ps, "and")) {
        struct scim_filter *right = unary(ps, in_brackets);
        if (!right)
            return NULL;
        struct scim_filter *f = node(ps, SCIM_FILTER_AND);
        f->left = left;
        f->right = right;
        left = f;
    }
    return left;
}

static struct scim_filter *parse_or(struct parser *ps, bool in_brackets)
{
    struct scim_filter *left = parse_and(ps, in_brackets);
    if (!left)
        return NULL;
    while (keyword(ps, "or")) {
        struct scim_filter *right = parse_and(ps, in_brackets);
        if (!right)
            return NULL;
        struct scim_filter *f = node(ps, SCIM_FILTER_OR);
        f->left = left;
        f->right = right;
        left = f;
    }
    return left;
}

struct scim_filter *scim_filter_parse(struct arena *ar, const char *text, struct parse_error *err)
{
    struct parser ps = {.ar = ar, .text = text, .p = text, .err = err};
    err->offset = 0;
    err->message[0] = '\0';
    struct scim_filter *f = parse_or(&ps, false);
    if (!f)
        return NULL;
    skip_space(&ps);
    if (*ps.p != '\0') {
        fail(&ps, *ps.p == ')' ? "unbalanced ')'" : "unexpected text after the filter");
        return NULL;
    }
    return f;
}

bool scim_path_parse(struct arena *ar, const char *text, struct scim_path *out,
                     struct scim_filter **filter, const char **sub_after_filter,
                     struct parse_error *err)
{
    struct parser ps = {.ar = ar, .text = text, .p = text, .err = err};
    err->offset = 0;
    err->message[0] = '\0';
    *filter = NULL;
    *sub_after_filter = NULL;
    if (!path(&ps, out))
        return false;
    if (*ps.p == '[') {
        if (out->sub)
            return fail(&ps, "a value filter follows an attribute, not a sub-attribute");
        ps.p++;
        *filter = parse_or(&ps, true);
        if (!*filter)
            return false;
        if (*ps.p != ']')
            return fail(&ps, "expected ']'");
        ps.p++;
        if (*ps.p == '.') {
            ps.p++;
            *sub_after_filter = name(&ps);
            if (!*sub_after_filter)
                return fail(&ps, "expected a sub-attribute name after ']'");
        }
    }
    if (*ps.p != '\0')
        return fail(&ps, "unexpected text after the path");
    return true;
}

bool scim_attr_is_case_exact(const char *attr, const char *sub)
{
    if (!sub)
        return strcasecmp(attr, "id") == 0 || strcasecmp(attr, "externalId") == 0;
    return strcasecmp(attr, "meta") == 0 && strcasecmp(sub, "version") == 0;
}
