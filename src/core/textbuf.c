/* textbuf.c -- a NUL-terminated text builder: growable, or fixed and silently truncating. */
#include "textbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool textbuf_init_growable(struct textbuf *b, size_t cap)
{
    b->p = cap < SIZE_MAX ? malloc(cap + 1) : NULL;
    b->n = 0;
    b->cap = cap;
    b->fixed = false;
    b->failed = b->p == NULL;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
    return !b->failed;
}

void textbuf_init_fixed(struct textbuf *b, char *array, size_t size)
{
    b->p = array;
    b->n = 0;
    b->cap = size - 1;
    b->fixed = true;
    b->failed = false;
    b->p[0] = '\0';
}

void textbuf_put(struct textbuf *b, const void *src, size_t len)
{
    if (b->failed) {
        return;
    }
    if (len > b->cap - b->n) {
        if (b->fixed) {
            len = b->cap - b->n;
        } else {
            /* Doubling keeps appends amortised O(1); the guard keeps ncap + 1 from wrapping. */
            size_t ncap;
            char *np;
            if (len > SIZE_MAX / 2 - b->n) {
                b->failed = true;
                return;
            }
            ncap = b->cap * 2 > b->n + len ? b->cap * 2 : b->n + len;
            np = realloc(b->p, ncap + 1);
            if (np == NULL) {
                b->failed = true;
                return;
            }
            b->p = np;
            b->cap = ncap;
        }
    }
    if (len > 0) {
        memcpy(b->p + b->n, src, len);
    }
    b->n += len;
    b->p[b->n] = '\0';
}

void textbuf_puts(struct textbuf *b, const char *s)
{
    textbuf_put(b, s, strlen(s));
}

void textbuf_put_u64(struct textbuf *b, uint64_t v)
{
    /* Digits from the end of a scratch array: no printf on the log's hot path. */
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    textbuf_put(b, tmp + i, sizeof tmp - i);
}

char *textbuf_finish(struct textbuf *b, size_t *out_len)
{
    if (b->failed) {
        free(b->p);
        b->p = NULL;
        return NULL;
    }
    if (out_len != NULL) {
        *out_len = b->n;
    }
    return b->p;
}
