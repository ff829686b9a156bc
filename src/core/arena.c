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
    struct block *spare; /* standard-size blocks kept by arena_reset */
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

static void run_cleanups(struct arena *a)
{
    for (struct cleanup *c = a->cleanups; c; c = c->next)
        c->fn(c->data);
    struct cleanup *c = a->cleanups;
    while (c) {
        struct cleanup *next = c->next;
        free(c);
        c = next;
    }
    a->cleanups = NULL;
}

static void free_blocks(struct block *b)
{
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    run_cleanups(a);
    free_blocks(a->head);
    free_blocks(a->spare);
    free(a);
}

void arena_reset(struct arena *a)
{
    run_cleanups(a);
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        if (b->size == BLOCK_SIZE) {
            b->used = 0;
            b->next = a->spare;
            a->spare = b;
        } else {
            free(b); /* a large request's own block */
        }
        b = next;
    }
    a->head = a->spare;
    a->spare = a->head->next;
    a->head->next = NULL;
    a->total = 0;
}

/* A standard-size block, kept or new. */
static struct block *block_next(struct arena *a)
{
    struct block *b = a->spare;
    if (!b)
        return block_new(BLOCK_SIZE);
    a->spare = b->next;
    b->next = NULL;
    return b;
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
    struct block *nb = block_next(a);
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
