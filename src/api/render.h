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
/* What reading a recording from JSON text found. */
enum api_read {
    API_READ_OK,
    API_READ_NOT_JSON, /* the text is not one JSON value */
    API_READ_INVALID,  /* JSON, but not a recording: err names the first bad field */
};
/* Reads a recording in the API's own shape from the len bytes of JSON text (valid UTF-8) into
 * r, strings in ar. Absent uuid and times stay empty/zero. The user is "user_email" or
 * user.email; user_name is user.name when that is a string. */
enum api_read api_recording_read(const char *text, size_t len, struct arena *ar,
                                 struct store_recording *r, char *err, size_t errlen);

#endif
