/* SCIM filters (RFC 7644 section 3.4.2.2): text to tree, and evaluating a tree against a
 * resource in its JSON form. No I/O. */
#ifndef SCIM_FILTER_H
#define SCIM_FILTER_H

#include "core/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* Where and why a parse failed. */
struct parse_error {
    size_t offset; /* byte offset into the text */
    char message[160];
};

enum scim_filter_kind {
    SCIM_FILTER_AND,
    SCIM_FILTER_OR,
    SCIM_FILTER_NOT,
    SCIM_FILTER_COMPARE,    /* path op value */
    SCIM_FILTER_PRESENT,    /* path pr */
    SCIM_FILTER_VALUE_PATH, /* path[filter]: some element of path satisfies filter */
};

enum scim_filter_op {
    SCIM_OP_EQ,
    SCIM_OP_NE,
    SCIM_OP_CO,
    SCIM_OP_SW,
    SCIM_OP_EW,
    SCIM_OP_GT,
    SCIM_OP_GE,
    SCIM_OP_LT,
    SCIM_OP_LE
};

enum scim_value_kind {
    SCIM_VALUE_STRING,
    SCIM_VALUE_NUMBER,
    SCIM_VALUE_TRUE,
    SCIM_VALUE_FALSE,
    SCIM_VALUE_NULL
};

/* An attribute path: "name.givenName" is attr "name", sub "givenName"; the schema URN
 * prefix, when given, is dropped. Names keep the case they were written in. */
struct scim_path {
    const char *attr;
    const char *sub; /* NULL when none */
};

struct scim_filter {
    enum scim_filter_kind kind;
    struct scim_filter *left, *right; /* AND, OR; NOT and VALUE_PATH use left */
    struct scim_path path;
    enum scim_filter_op op;
    enum scim_value_kind value_kind;
    const char *string; /* SCIM_VALUE_STRING, decoded */
    double number;
};

/* Parses text into a tree in ar. Returns NULL and fills err on any error. */
struct scim_filter *scim_filter_parse(struct arena *ar, const char *text, struct parse_error *err);

/* Parses an attribute path with an optional value filter and sub-attribute, as PATCH paths
 * are written: attr, attr.sub, attr[filter], attr[filter].sub, with an optional URN prefix.
 * *filter is NULL when there is none. Returns false and fills err on error. */
bool scim_path_parse(struct arena *ar, const char *text, struct scim_path *path,
                     struct scim_filter **filter, const char **sub_after_filter,
                     struct parse_error *err);

/* Attributes whose string values compare case-sensitively (RFC 7643 caseExact). */
bool scim_attr_is_case_exact(const char *attr, const char *sub);

/* Returns true when the resource (a cJSON object) satisfies the filter. Comparisons that
 * RFC 7644 forbids (gt on a boolean, for instance) are false. */
bool scim_filter_matches(const struct scim_filter *f, const void *resource);

#endif
