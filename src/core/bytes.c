/* bytes.c -- capped growable byte buffers and the escaped / hex-dump renderings of raw bytes. */
#include "bytes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

void bytes_init(struct bytes *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BYTES_DEFAULT_MAX;
}

void bytes_cleanup(struct bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* Makes room for |extra| more bytes plus the trailing NUL. */
static int reserve(struct bytes *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return WC_ERR_TOO_LONG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p)
        return WC_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int bytes_append(struct bytes *b, const void *p, size_t n)
{
    int rc = reserve(b, n);
    if (rc < 0)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int bytes_puts(struct bytes *b, const char *s)
{
    return bytes_append(b, s, strlen(s));
}

int bytes_fill(struct bytes *b, unsigned char c, size_t n)
{
    int rc = reserve(b, n);
    if (rc < 0)
        return rc;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int bytes_vprintf(struct bytes *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return WC_ERR_ARG;
    int rc = reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int bytes_printf(struct bytes *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = bytes_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void bytes_consume(struct bytes *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
    } else {
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
    }
    if (b->data)
        b->data[b->len] = 0;
}

const char *bytes_str(const struct bytes *b)
{
    return b->data ? (const char *)b->data : "";
}

char *bytes_take(struct bytes *b)
{
    char *s = b->data ? (char *)b->data : calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return s;
}

int bytes_is_texty(const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            return 0;
    }
    return 1;
}

/* Undoes a partial rendering, so a renderer appends all of its text or none of it. */
static int rollback(struct bytes *out, size_t len, int rc)
{
    if (rc != 0 && out->len > len) {
        out->len = len;
        out->data[len] = 0;
    }
    return rc;
}

int bytes_escape(struct bytes *out, const void *p, size_t n, size_t max_shown)
{
    size_t start = out->len;
    const unsigned char *s = p;
    size_t shown = n < max_shown ? n : max_shown;
    int rc = bytes_puts(out, "\"");
    for (size_t i = 0; rc == 0 && i < shown; i++) {
        unsigned char c = s[i];
        switch (c) {
        case '"':
            rc = bytes_puts(out, "\\\"");
            break;
        case '\\':
            rc = bytes_puts(out, "\\\\");
            break;
        case '\n':
            rc = bytes_puts(out, "\\n");
            break;
        case '\r':
            rc = bytes_puts(out, "\\r");
            break;
        case '\t':
            rc = bytes_puts(out, "\\t");
            break;
        case 0:
            rc = bytes_puts(out, "\\0");
            break;
        default:
            if (c >= 0x20 && c < 0x7f)
                rc = bytes_append(out, &c, 1);
            else
                rc = bytes_printf(out, "\\x%02x", (unsigned)c);
        }
    }
    if (rc == 0)
        rc = bytes_puts(out, "\"");
    if (rc == 0 && shown < n)
        rc = bytes_printf(out, "... (%zu more bytes)", n - shown);
    return rollback(out, start, rc);
}

int bytes_hexdump(struct bytes *out, const void *p, size_t n, size_t base, size_t max_lines,
                  const char *indent)
{
    const unsigned char *s = p;
    size_t start = out->len;
    int rc = 0;
    size_t lines = 0;
    size_t i = 0;
    for (; rc == 0 && i < n && lines < max_lines; i += 16, lines++) {
        rc = bytes_printf(out, "%s%06zx ", indent, base + i);
        for (size_t k = 0; rc == 0 && k < 16; k++) {
            if (i + k < n)
                rc = bytes_printf(out, " %02x", (unsigned)s[i + k]);
            else
                rc = bytes_puts(out, "   ");
        }
        if (rc == 0)
            rc = bytes_puts(out, "  |");
        for (size_t k = 0; rc == 0 && k < 16 && i + k < n; k++) {
            unsigned char c = s[i + k];
            char shown = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
            rc = bytes_append(out, &shown, 1);
        }
        if (rc == 0)
            rc = bytes_puts(out, "|\n");
    }
    if (rc == 0 && i < n)
        rc = bytes_printf(out, "%s... (%zu more bytes)\n", indent, n - i);
    return rollback(out, start, rc);
}
