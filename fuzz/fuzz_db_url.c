/* Fuzzes database URL parsing. store_open only parses and allocates; nothing is opened. */
#include "store/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    memcpy(url, data, size);
    url[size] = '\0';
    char err[256];
    struct store *s = store_open(url, err, sizeof(err));
    if (s)
        (void)store_default_key_path(s);
    store_free(s);
    free(url);
    return 0;
}
