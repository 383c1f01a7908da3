#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"

static int log_fd = 2;
static int log_level = EDX_LOG_INFO;

void edx_log_set_level(int level)
{
    log_level = level;
}

int edx_log_level(void)
{
    return log_level;
}

int edx_log_level_parse(const char *s)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) return i;
    if (strcmp(s, "off") == 0) return EDX_LOG_OFF;
    return -1;
}

int edx_log_open(const char *path)
{
    if (strcmp(path, "-") == 0) {
        edx_log_close();
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return -1;
    edx_log_close();
    log_fd = fd;
    return 0;
}

void edx_log_close(void)
{
    if (log_fd > 2) close(log_fd);
    log_fd = 2;
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(log_fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

void edx_log_line(const char *json, unsigned long len)
{
    /* One write(2) per line keeps lines whole when threads log together. */
    char stackbuf[2048];
    if (len + 1 <= sizeof stackbuf) {
        memcpy(stackbuf, json, len);
        stackbuf[len] = '\n';
        write_all(stackbuf, len + 1);
        return;
    }
    edx_buf b = EDX_BUF_INIT;
    edx_buf_append(&b, json, len);
    edx_buf_putc(&b, '\n');
    if (!b.oom) write_all(b.data, b.len);
    edx_buf_free(&b);
}

void edx_log(int level, const char *event, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < log_level || level > EDX_LOG_ERROR) return;
    char msg[1024], ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    edx_time_iso_ms(edx_now_ms(), ts);
    edx_buf b = EDX_BUF_INIT;
    edx_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"", ts, names[level]);
    edx_buf_json_escape(&b, event);
    edx_buf_puts(&b, "\",\"msg\":\"");
    edx_buf_json_escape(&b, msg);
    edx_buf_puts(&b, "\"}");
    if (!b.oom) edx_log_line(b.data, b.len);
    edx_buf_free(&b);
}
