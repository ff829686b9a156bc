/* Deliberately loose: the vendor skips e-mail validation for SCIM clients; the CLI only catches
 * obvious typos. */
#include "email.h"

#include "limits.h"

#include <string.h>

bool email_is_plausible(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n == 0 || n > LIMIT_EMAIL_BYTES || !at || at == s || at[1] == '\0' || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    }
    return true;
}
