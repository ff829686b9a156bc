/* Direct JSON text writing into a buf: string escaping and small helpers. */
#ifndef CORE_JSONW_H
#define CORE_JSONW_H

#include "buf.h"

#include <stdbool.h>

/* Appends "k": (k is a plain key that needs no escaping); false past the max. */
bool jsonw_key(struct buf *b, const char *k);
/* Appends s as a quoted, escaped JSON string, or null when s is NULL; false past the max. */
bool jsonw_string(struct buf *b, const char *s);

#endif
