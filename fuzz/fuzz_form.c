/* Fuzzes the form-body and query-string decoder. */
#include "http/form.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *ar = arena_new();
    struct http_form_field *fields;
    size_t n;
    if (http_form_parse(ar, (const char *)data, size, &fields, &n)) {
        for (size_t i = 0; i < n; i++)
            (void)strlen(fields[i].name), (void)strlen(fields[i].value);
        (void)http_form_get(fields, n, "recording[title]");
    }
    arena_free(ar);
    return 0;
}
