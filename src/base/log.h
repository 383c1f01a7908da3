/*
 * log.h: structured logs, one JSON object per line on a file descriptor
 * (stderr unless edx_log_open() chose a file). Thread-safe: each line is one
 * write(2). Never pass secrets or national ID numbers to these functions.
 */
#ifndef EDX_LOG_H
#define EDX_LOG_H

enum { EDX_LOG_DEBUG = 0, EDX_LOG_INFO = 1, EDX_LOG_WARN = 2, EDX_LOG_ERROR = 3, EDX_LOG_OFF = 9 };

/* Lines below `level` are dropped. */
void edx_log_set_level(int level);
int edx_log_level(void);

/* Parse "debug", "info", "warn", "error", "off"; -1 when unknown. */
int edx_log_level_parse(const char *s);

/* Log to `path` (appending; "-" is stderr). 0 or -1 with errno. */
int edx_log_open(const char *path);
void edx_log_close(void);

/* {"ts":…,"level":…,"event":event,"msg":formatted} */
void edx_log(int level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write a complete, already-escaped JSON object (no newline) as one line. */
void edx_log_line(const char *json, unsigned long len);

#endif
