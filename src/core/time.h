/* UTC times as milliseconds since the Unix epoch, and their ISO 8601 text form. */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <stdbool.h>
#include <stdint.h>

enum { TIME_ISO_LEN = 25 }; /* "2026-01-07T15:29:37.821Z" plus NUL */

/* Returns the current UTC time in milliseconds. */
int64_t time_now_ms(void);
/* Returns monotonic milliseconds, for durations. */
double time_mono_ms(void);
/* Writes ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (TIME_ISO_LEN bytes). */
void time_format_iso(int64_t ms, char out[TIME_ISO_LEN]);
/* Parses an ISO 8601 date or date-time (optional fraction, Z or +HH:MM offset; a date-time
 * without offset is UTC) into *ms (OUT). Returns false on any malformed or out-of-range text. */
bool time_parse_iso(const char *text, int64_t *ms);

#endif
