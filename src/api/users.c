/* /api/v2/users: list, one by e-mail in the path, and search by e-mail. */
#include "api.h"

#include "core/utf8.h"
#include "pagination.h"
#include "render.h"

#include <string.h>

int api_users_list(struct api_call *call)
{
    struct api_page page;
    if (!api_page_parse(http_request_query(call->req, "page"),
                        http_request_query(call->req, "items"), &page))
        return api_error(call, 400, "page and items must be positive integers");
    struct store_user *rows;
    size_t n;
    int64_t total;
    enum store_status s = store_user_list(call->conn, call->arena, call->who.account_id,
                                          page.offset, page.per, &rows, &n, &total);
    if (s != STORE_OK)
        return api_store_error(call, s, "User not found or does not exist");
    api_page_finish(&page, total, (int64_t)n);
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "{\"pagination\":{");
    api_page_render(&page, &b);
    buf_puts(&b, "},\"users\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_append(&b, ",", 1);
        api_user_render(&b, &rows[i]);
    }
    buf_puts(&b, "]}");
    return api_json_buf(call, 200, &b);
}

static int by_email(struct api_call *call, const char *email)
{
    struct store_user u;
    enum store_status s =
        store_user_find_by_email(call->conn, call->arena, call->who.account_id, email, &u);
    if (s != STORE_OK)
        return api_store_error(call, s, "User not found or does not exist");
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    api_user_render(&b, &u);
    return api_json_buf(call, 200, &b);
}

int api_users_get(struct api_call *call)
{
    const char *email = call->params[0];
    if (!utf8_is_valid(email, strlen(email)))
        return api_error(call, 400, "The e-mail address is not valid UTF-8");
    return by_email(call, email);
}

int api_users_search(struct api_call *call)
{
    const char *email = http_request_query(call->req, "email");
    if (!email || !*email)
        return api_error(call, 400, "The email parameter is required");
    return by_email(call, email);
}
