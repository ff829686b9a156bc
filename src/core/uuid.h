/* Time-ordered random identifiers (UUID version 7 layout). */
#ifndef CORE_UUID_H
#define CORE_UUID_H

#include <stdbool.h>

enum { UUID_LEN = 37 }; /* 36 characters plus NUL */

/* Writes a new lowercase UUIDv7 into out. */
void uuid_v7_new(char out[UUID_LEN]);
/* Returns true when s is 36 characters of 8-4-4-4-12 hexadecimal groups. */
bool uuid_is_valid(const char *s);

#endif
