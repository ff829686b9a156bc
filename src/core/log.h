/* Structured logging: one JSON object per line on stderr. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

/* Writes {"time","level","msg"} with a formatted message to stderr. Thread-safe. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a ready JSON line (no newline) to stderr atomically. */
void log_line(const char *json);

#define log_error(...) log_msg("error", __VA_ARGS__)
#define log_info(...)  log_msg("info", __VA_ARGS__)

#endif
