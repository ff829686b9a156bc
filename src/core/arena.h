/* Region allocator: everything made while serving one request lives in one arena and dies
 * with it. Not thread-safe: one arena belongs to one request or one command. */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Function run when the arena is freed, for non-memory resources. */
typedef void arena_cleanup_fn(void *data);

/* Returns a new empty arena; never NULL. Free with arena_free. */
struct arena *arena_new(void);
/* Runs the registered cleanups (last registered first) and frees all memory. NULL is a no-op. */
void arena_free(struct arena *a);
/* Runs the registered cleanups and forgets everything handed out, keeping the arena's
 * standard-size blocks for what comes next: an arena refilled over and over (one per batch of
 * a long job) stops giving memory back and taking it again (on Linux: trimming the heap, then
 * one page fault per page when it grows again). */
void arena_reset(struct arena *a);
/* Returns size bytes aligned for any type, valid until arena_free or arena_reset; never
 * NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Like arena_alloc, zeroed. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Returns an arena copy of s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Returns an arena copy of the first n bytes of s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a formatted arena string. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Registers fn(data) to run at arena_free. */
void arena_cleanup_add(struct arena *a, arena_cleanup_fn *fn, void *data);
/* Returns the number of bytes handed out so far (for tests and metrics). */
size_t arena_used(const struct arena *a);

#endif
