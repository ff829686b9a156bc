/* Loading libpq at run time: see pq.h. */
#define PQ_LOADER
#include "pq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* POSIX guarantees a function pointer fits in, and comes back from, dlsym's void pointer. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are data-sized");

struct pq_api pq_api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256]; /* empty when pq_api is complete */

static void load(void)
{
    /* The soname, not libpq.so: that link comes only with the -dev package. */
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(load_error, sizeof(load_error), "PostgreSQL needs libpq (package libpq5): %s",
                 dlerror());
        return;
    }
    void *sym;
#define PQ_RESOLVE(name)                                                                           \
    if (!(sym = dlsym(lib, #name))) {                                                              \
        snprintf(load_error, sizeof(load_error), "libpq.so.5 has no %s: it is older than 14",      \
                 #name);                                                                           \
        return;                                                                                    \
    }                                                                                              \
    memcpy(&pq_api.name, &sym, sizeof(sym));
    PQ_FUNCTIONS(PQ_RESOLVE)
#undef PQ_RESOLVE
    /* The library stays loaded for the life of the process. */
}

bool pq_load(char *err, size_t errlen)
{
    pthread_once(&load_once, load);
    if (load_error[0] == '\0')
        return true;
    snprintf(err, errlen, "%s", load_error);
    return false;
}
