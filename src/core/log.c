/* Log lines go out in one write each so lines from worker threads never interleave. */
#include "log.h"

#include "buf.h"
#include "jsonw.h"
#include "time.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

void log_line(const char *json)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, json);
    buf_append(&b, "\n", 1);
    ssize_t off = 0;
    while ((size_t)off < b.len) {
        ssize_t n = write(STDERR_FILENO, b.data + off, b.len - (size_t)off);
        if (n <= 0)
            break;
        off += n;
    }
    buf_fini(&b);
}

void log_msg(const char *level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char when[TIME_ISO_LEN];
    time_format_iso(time_now_ms(), when);
    struct buf b;
    buf_init(&b, 1 << 16);
    buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", when, level);
    jsonw_string(&b, msg);
    buf_append(&b, "}", 1);
    log_line(b.data);
    buf_fini(&b);
}
