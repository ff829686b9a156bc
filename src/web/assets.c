/* The stylesheet, the script and the icon, built into the binary (build/gen/web_*.c) and served
 * with a day of caching: they are small and change only with a new release. */
#include "web.h"

#include <string.h>

extern const char web_asset_css_text[];
extern const size_t web_asset_css_text_len;
extern const char web_asset_js_text[];
extern const size_t web_asset_js_text_len;
extern const char web_asset_icon_text[];
extern const size_t web_asset_icon_text_len;

static int asset(struct api_call *call, const char *type, const char *text, size_t len)
{
    struct http_response *res = call->res;
    res->status = 200;
    res->content_type = type;
    buf_reset(&res->body);
    buf_append(&res->body, text, len);
    http_response_header(res, call->arena, "Cache-Control", "public, max-age=86400");
    return 200;
}

int web_asset_css(struct api_call *call)
{
    return asset(call, "text/css; charset=utf-8", web_asset_css_text, web_asset_css_text_len);
}

int web_asset_js(struct api_call *call)
{
    return asset(call, "text/javascript; charset=utf-8", web_asset_js_text, web_asset_js_text_len);
}

int web_asset_icon(struct api_call *call)
{
    return asset(call, "image/svg+xml", web_asset_icon_text, web_asset_icon_text_len);
}
