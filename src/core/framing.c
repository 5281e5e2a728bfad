/* framing.c -- incremental newline framer whose lines never depend on how the stream was split. */
#include "framing.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* First allocation for a carried partial line; small lines are the common case. */
#define FRAMING_MIN_CAP ((size_t)256)

int framing_init(struct framing *f, size_t max_line)
{
    if (f == NULL)
        return WC_ERR_ARG;
    memset(f, 0, sizeof(*f));
    f->max_line = max_line == 0 ? FRAMING_DEFAULT_MAX_LINE : max_line;
    return WC_OK;
}

void framing_cleanup(struct framing *f)
{
    if (f == NULL)
        return;
    free(f->buf);
    memset(f, 0, sizeof(*f));
}

size_t framing_pending(const struct framing *f)
{
    return f == NULL ? 0 : f->buf_len;
}

/* Adds |n| to the length of the line being discarded. Saturates rather than wrapping so that a
 * (theoretical) stream of more than SIZE_MAX bytes still reports "very long", never "short". */
static void discard_add(struct framing *f, size_t n)
{
    f->discard_len = n > SIZE_MAX - f->discard_len ? SIZE_MAX : f->discard_len + n;
}

/* Makes room for |need| bytes in total (need <= max_line), never holding more than max_line. */
static int reserve(struct framing *f, size_t need)
{
    if (need <= f->buf_cap)
        return WC_OK;
    size_t cap = f->buf_cap < FRAMING_MIN_CAP ? FRAMING_MIN_CAP : f->buf_cap;
    while (cap < need) /* ends: cap reaches max_line, and need <= max_line */
        cap = cap > f->max_line / 2 ? f->max_line : cap * 2;
    if (cap > f->max_line)
        cap = f->max_line;
    unsigned char *nb = realloc(f->buf, cap);
    if (nb == NULL)
        return WC_ERR_NOMEM;
    f->buf = nb;
    f->buf_cap = cap;
    return WC_OK;
}

/* Switches to discard mode for an overlong line of which |len| bytes have been seen so far; the
 * carried prefix (if any) is dropped because only the length is ever reported. */
static void start_discard(struct framing *f, size_t len)
{
    f->discarding = 1;
    f->discard_len = 0;
    discard_add(f, len);
    f->buf_len = 0;
}

int framing_feed(struct framing *f, const void *data, size_t len, size_t *consumed,
                 struct framing_line *out)
{
    if (consumed != NULL)
        *consumed = 0;
    if (f == NULL || consumed == NULL || out == NULL || (data == NULL && len > 0) ||
        f->max_line == 0)
        return WC_ERR_ARG;
    if (len == 0)
        return WC_NEED_MORE;

    const unsigned char *p = data;
    const unsigned char *nl = memchr(p, '\n', len);
    size_t part = nl != NULL ? (size_t)(nl - p) : len; /* bytes of the current line here */

    if (f->discarding) {
        discard_add(f, part);
        if (nl == NULL) {
            *consumed = len;
            return WC_NEED_MORE;
        }
        out->data = NULL;
        out->len = f->discard_len;
        f->discarding = 0;
        f->discard_len = 0;
        *consumed = part + 1;
        return FRAMING_OVERSIZE;
    }

    /* buf_len <= max_line always holds, so the subtraction cannot wrap. */
    int too_long = part > f->max_line - f->buf_len;

    if (nl == NULL) {
        if (too_long) {
            start_discard(f, f->buf_len);
            discard_add(f, part);
        } else {
            int rc = reserve(f, f->buf_len + part);
            if (rc != WC_OK)
                return rc; /* nothing consumed: the caller may retry the same bytes */
            memcpy(f->buf + f->buf_len, p, part);
            f->buf_len += part;
        }
        *consumed = len;
        return WC_NEED_MORE;
    }

    if (too_long) {
        out->data = NULL;
        out->len = part > SIZE_MAX - f->buf_len ? SIZE_MAX : f->buf_len + part;
        f->buf_len = 0;
    } else if (f->buf_len == 0) {
        out->data = p; /* the whole line lies in the caller's chunk: no copy */
        out->len = part;
    } else {
        int rc = reserve(f, f->buf_len + part);
        if (rc != WC_OK)
            return rc;
        memcpy(f->buf + f->buf_len, p, part);
        out->data = f->buf;
        out->len = f->buf_len + part;
        /* The bytes stay in buf until the next call overwrites them, which is exactly the
         * lifetime framing_line promises. */
        f->buf_len = 0;
    }
    *consumed = part + 1;
    return too_long ? FRAMING_OVERSIZE : FRAMING_LINE;
}

int framing_finish(struct framing *f, struct framing_line *out)
{
    if (f == NULL || out == NULL)
        return WC_ERR_ARG;
    if (f->discarding) {
        out->data = NULL;
        out->len = f->discard_len;
        f->discarding = 0;
        f->discard_len = 0;
        return FRAMING_OVERSIZE;
    }
    if (f->buf_len == 0)
        return 0; /* nothing left: not "need more", the stream has ended */
    out->data = f->buf;
    out->len = f->buf_len;
    f->buf_len = 0;
    return FRAMING_LINE;
}
