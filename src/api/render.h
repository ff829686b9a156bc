/* Recordings and users as the documented JSON objects, written straight into a buffer, and
 * recordings read back from that shape (import). */
#ifndef API_RENDER_H
#define API_RENDER_H

#include "core/buf.h"
#include "store/store.h"

#include <stdbool.h>

/* Appends the documented recording object; is_v1 adds flat customer_email and user_email.
 * Uses the stored rendering when the row has one. */
void api_recording_render(struct buf *b, const struct store_recording *r, bool is_v1);
/* Returns the v2 object of a recording whose fields are all filled, in ar: what the store
 * keeps beside the row. */
char *api_recording_rendered(struct arena *ar, const struct store_recording *r);
/* Appends the documented user object. */
void api_user_render(struct buf *b, const struct store_user *u);
/* Reads a recording in the API's own shape from a parsed JSON object (cJSON *) into r, strings
 * in ar. Absent uuid and times stay empty/zero. Returns false with the offending field named
 * in err. The user fields are read from "user_email" or user.email. */
bool api_recording_from_json(const void *json, struct arena *ar, struct store_recording *r,
                             char *err, size_t errlen);

#endif
