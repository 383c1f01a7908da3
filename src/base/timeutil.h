/*
 * timeutil.h: wall-clock time (Unix seconds, UTC) and RFC 3339 text.
 * Times are stored as integers everywhere so both store backends agree.
 */
#ifndef EDX_TIMEUTIL_H
#define EDX_TIMEUTIL_H

#include <stdint.h>

/* Seconds since the Unix epoch. */
int64_t edx_now(void);

/* Milliseconds since the Unix epoch (real clock). */
int64_t edx_now_ms(void);

/* Monotonic nanoseconds, for durations. */
int64_t edx_mono_ns(void);

/* "2026-11-29T18:33:21Z" into buf (at least 21 bytes). */
void edx_time_iso(int64_t t, char buf[32]);

/* "2026-11-29T18:33:21.123Z" into buf (at least 25 bytes). */
void edx_time_iso_ms(int64_t ms, char buf[32]);

/* Parse "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD"; 0 on success. */
int edx_time_parse(const char *s, int64_t *out);

#endif
