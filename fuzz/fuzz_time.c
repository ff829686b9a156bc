/* Fuzzes the ISO 8601 parser: whatever parses must format and parse back to itself. */
#include "core/time.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t ms;
    if (time_parse_iso(text, &ms) && ms >= 0 && ms < INT64_C(253402300800000)) {
        char iso[TIME_ISO_LEN];
        int64_t back;
        time_format_iso(ms, iso);
        if (!time_parse_iso(iso, &back) || back != ms)
            abort();
    }
    free(text);
    return 0;
}
