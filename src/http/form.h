/* application/x-www-form-urlencoded bodies (and query strings): "a=1&b=x+y%21". */
#ifndef HTTP_FORM_H
#define HTTP_FORM_H

#include "core/arena.h"

#include <stdbool.h>
#include <stddef.h>

struct http_form_field {
    const char *name, *value; /* decoded, NUL-terminated, in the arena */
};

/* Decodes n bytes of form text into *fields (arena array of *count). Returns false when a
 * percent escape is malformed or a decoded name or value is not valid UTF-8. */
bool http_form_parse(struct arena *ar, const char *text, size_t n, struct http_form_field **fields,
                     size_t *count);
/* Returns the value of the last field called name, or NULL. */
const char *http_form_get(const struct http_form_field *fields, size_t count, const char *name);

#endif
