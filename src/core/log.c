/* Log lines go out whole, so lines from worker threads never interleave. Access lines, one a
 * request, are gathered and written a batch at a time: one write for many requests. */
#include "log.h"

#include "buf.h"
#include "jsonw.h"
#include "time.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { BATCH_BYTES = 32 * 1024, BATCH_CAP = 64 * 1024, BATCH_WAIT_MS = 200 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char batch[BATCH_CAP];
static size_t batch_len;
static double batch_since_ms; /* when the oldest queued line came */

static void write_all(const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(STDERR_FILENO, data + off, len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
}

/* Writes the queued lines; the caller holds the lock. */
static void flush_locked(void)
{
    write_all(batch, batch_len);
    batch_len = 0;
}

void log_access(const char *json, size_t len)
{
    double now = time_mono_ms();
    pthread_mutex_lock(&lock);
    if (batch_len + len + 1 > BATCH_CAP)
        flush_locked();
    if (len + 1 > BATCH_CAP) {
        write_all(json, len);
        write_all("\n", 1);
    } else {
        if (batch_len == 0)
            batch_since_ms = now;
        memcpy(batch + batch_len, json, len);
        batch[batch_len + len] = '\n';
        batch_len += len + 1;
    }
    if (batch_len >= BATCH_BYTES || now - batch_since_ms >= BATCH_WAIT_MS)
        flush_locked();
    pthread_mutex_unlock(&lock);
}

void log_flush_due(void)
{
    double now = time_mono_ms();
    pthread_mutex_lock(&lock);
    if (batch_len > 0 && now - batch_since_ms >= BATCH_WAIT_MS)
        flush_locked();
    pthread_mutex_unlock(&lock);
}

void log_flush(void)
{
    pthread_mutex_lock(&lock);
    flush_locked();
    pthread_mutex_unlock(&lock);
}

void log_line(const char *json)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, json);
    buf_append(&b, "\n", 1);
    pthread_mutex_lock(&lock);
    flush_locked(); /* what came before goes out before */
    write_all(b.data, b.len);
    pthread_mutex_unlock(&lock);
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
