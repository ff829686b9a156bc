/* Structured logging: one JSON object per line on stderr. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stddef.h>

/* Writes {"time","level","msg"} with a formatted message to stderr. Thread-safe. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a ready JSON line (no newline) to stderr atomically. */
void log_line(const char *json);

/* Queues one access-log line (JSON, no newline). Lines are written in batches: when 32 KiB
 * are waiting, when the oldest has waited 200 ms (checked here and by log_flush_due), before
 * any other log line, and by log_flush. Thread-safe. */
void log_access(const char *json, size_t len);
/* Writes queued access lines that have waited 200 ms or more. */
void log_flush_due(void);
/* Writes every queued access line now. */
void log_flush(void);

#define log_error(...) log_msg("error", __VA_ARGS__)
#define log_info(...)  log_msg("info", __VA_ARGS__)

#endif
