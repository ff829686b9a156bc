/* Allocation that never returns NULL: out of memory aborts here, in one place. */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include <stddef.h>

/* Returns size bytes of heap memory; never NULL. Free with free(). */
void *xmalloc(size_t size);
/* Returns zeroed memory for n items of size bytes; never NULL. */
void *xcalloc(size_t n, size_t size);
/* Resizes ptr; never NULL. */
void *xrealloc(void *ptr, size_t size);
/* Returns a heap copy of s; never NULL. */
char *xstrdup(const char *s);
/* Returns a heap copy of the first n bytes of s, NUL-terminated; never NULL. */
char *xstrndup(const char *s, size_t n);

#endif
