/* Region allocator built from a chain of blocks; big requests get a block of their own. */
#include "arena.h"

#include "xalloc.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_SIZE = 8192 };

struct block {
    struct block *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    arena_cleanup_fn *fn;
    void *data;
};

struct arena {
    struct block *head;
    struct cleanup *cleanups;
    size_t total;
};

static struct block *block_new(size_t size)
{
    struct block *b = xmalloc(sizeof(*b) + size);
    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

struct arena *arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->head = block_new(BLOCK_SIZE);
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    for (struct cleanup *c = a->cleanups; c; c = c->next)
        c->fn(c->data);
    struct cleanup *c = a->cleanups;
    while (c) {
        struct cleanup *next = c->next;
        free(c);
        c = next;
    }
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    a->total += size;
    struct block *b = a->head;
    if (b->size - b->used >= size) {
        void *p = b->data + b->used;
        b->used += size;
        return p;
    }
    if (size > BLOCK_SIZE / 4) {
        /* A large request gets its own block behind the current one, so the current block's
         * free space is not wasted. */
        struct block *big = block_new(size);
        big->used = size;
        big->next = b->next;
        b->next = big;
        return big->data;
    }
    struct block *nb = block_new(BLOCK_SIZE);
    nb->next = b;
    a->head = nb;
    nb->used = size;
    return nb->data;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    void *p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_cleanup_add(struct arena *a, arena_cleanup_fn *fn, void *data)
{
    struct cleanup *c = xmalloc(sizeof(*c));
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
