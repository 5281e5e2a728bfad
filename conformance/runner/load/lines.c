/* lines.c -- the line reader shared by the "key: value" file parsers. */
#include "load/lines.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

void lines_init(struct lines *l, const char *file, const char *text, size_t len, size_t max_line,
                char *err, size_t errlen)
{
    l->file = file;
    l->text = text;
    l->len = len;
    l->pos = 0;
    l->line = 0;
    l->max_line = max_line;
    l->err = err;
    l->errlen = errlen;
}

int lines_fail(struct lines *l, int rc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%s:%u: %s", l->file, l->line ? l->line : 1, msg);
    return rc;
}

int lines_next(struct lines *l, const char **s, const char **e)
{
    if (l->pos >= l->len)
        return 0;
    const char *start = l->text + l->pos, *nl = memchr(start, '\n', l->len - l->pos);
    const char *end = nl ? nl : l->text + l->len;
    l->pos = (size_t)(end - l->text) + (nl ? 1 : 0);
    l->line++;
    if ((size_t)(end - start) > l->max_line)
        return lines_fail(l, WC_ERR_TOO_LONG, "line longer than %zu bytes", l->max_line);
    if (end > start && end[-1] == '\r')
        end--;
    for (const char *p = start; p < end; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return lines_fail(l, WC_ERR_INVALID, "control byte 0x%02x", (unsigned char)*p);
    *s = start;
    *e = end;
    return 1;
}

int lines_blank(char c)
{
    return c == ' ' || c == '\t';
}

void lines_trim(const char **s, const char **e)
{
    while (*s < *e && lines_blank(**s))
        (*s)++;
    while (*e > *s && lines_blank((*e)[-1]))
        (*e)--;
}

char *lines_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}
