/* Building responses: headers into the arena, JSON bodies from cJSON trees. */
#include "http.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

void http_response_header(struct http_response *res, struct arena *ar, const char *name,
                          const char *value)
{
    struct http_header *h = arena_alloc(ar, sizeof(*h));
    h->name = arena_strdup(ar, name);
    h->value = arena_strdup(ar, value);
    h->next = res->headers;
    res->headers = h;
}

void http_response_json(struct http_response *res, int status, const char *content_type, void *json)
{
    res->status = status;
    res->content_type = content_type;
    buf_reset(&res->body);
    char *text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (text) {
        buf_puts(&res->body, text);
        free(text);
    }
}
