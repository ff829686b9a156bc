/* SCIM PATCH (RFC 7644 section 3.5.2): applies add, replace and remove operations to a
 * resource in its JSON form. No I/O; the caller stores the result. */
#ifndef SCIM_PATCH_H
#define SCIM_PATCH_H

#include "core/arena.h"
#include "scim/filter.h"

enum scim_patch_status {
    SCIM_PATCH_OK,
    SCIM_PATCH_INVALID_SYNTAX, /* the body is not a PatchOp request */
    SCIM_PATCH_INVALID_PATH,   /* a path does not parse */
    SCIM_PATCH_NO_TARGET,      /* remove without a path */
    SCIM_PATCH_INVALID_VALUE,  /* a value of the wrong kind for the operation */
    SCIM_PATCH_MUTABILITY,     /* an attempt to change id */
};

/* Applies every operation of body (a parsed PatchOp request, cJSON *) to resource (cJSON *)
 * in place, in order. Operation names are case-insensitive; a pathless operation's value
 * keys may themselves be paths ("name.givenName"). Filters on multi-valued attributes that
 * match nothing make a new element for add and replace, as identity providers expect.
 * On failure resource may be half-changed: apply to a copy. err says what failed. */
enum scim_patch_status scim_patch_apply(void *resource, const void *body, struct arena *ar,
                                        struct parse_error *err);

#endif
