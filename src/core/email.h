/* A light plausibility check of e-mail addresses given on the command line. */
#ifndef CORE_EMAIL_H
#define CORE_EMAIL_H

#include <stdbool.h>

/* Returns true when s looks like local@domain: one '@', both sides non-empty, no spaces or
 * control characters, at most 320 bytes. */
bool email_is_plausible(const char *s);

#endif
