/* Fuzzes the Authorization header parser and the token shape check. */
#include "auth/bearer.h"
#include "auth/token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = malloc(size + 1);
    memcpy(header, data, size);
    header[size] = '\0';
    size_t len = 0;
    const char *tok = auth_bearer_parse(header, &len);
    if (tok) {
        if (tok < header || tok + len > header + strlen(header))
            abort();
        char raw[AUTH_TOKEN_RAW_MAX];
        if (len < sizeof(raw)) {
            memcpy(raw, tok, len);
            raw[len] = '\0';
            (void)auth_token_is_well_formed(STORE_TOKEN_PERSONAL, raw);
        }
    }
    free(header);
    return 0;
}
