/* textbuf.h -- a NUL-terminated text builder: growable, or fixed and silently truncating. */
#ifndef WIRECHECK_TEXTBUF_H
#define WIRECHECK_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * p[0..n) is the text so far and p[n] is always '\0'. A growable buffer reallocates as
 * needed and, once an allocation fails, ignores every later append and remembers it in
 * |failed|. A fixed buffer wraps a caller's array and silently drops what does not fit, so
 * it never fails. Fields are public for reading; change them only through textbuf_*.
 */
struct textbuf {
    char *p;
    size_t n;
    size_t cap;  /* usable bytes, not counting the one for the final NUL */
    bool fixed;  /* a caller's array: truncate instead of growing */
    bool failed; /* an allocation failed (growable only) */
};

/*
 * Starts a growable buffer with room for |cap| bytes (plus the NUL), malloc'd. Returns false
 * (and sets |failed|) if that allocation fails; textbuf_finish or free(b->p) releases it.
 */
bool textbuf_init_growable(struct textbuf *b, size_t cap);

/* Starts an empty fixed buffer over |array| of |size| >= 1 bytes (size - 1 usable). */
void textbuf_init_fixed(struct textbuf *b, char *array, size_t size);

/* Appends |len| bytes (any bytes, NUL included). */
void textbuf_put(struct textbuf *b, const void *src, size_t len);

/* Appends a NUL-terminated string. */
void textbuf_puts(struct textbuf *b, const char *s);

/* Appends |v| in decimal. */
void textbuf_put_u64(struct textbuf *b, uint64_t v);

/*
 * Ends a growable buffer: returns its malloc'd text (caller frees) and stores its length in
 * *out_len (if not NULL), or frees it and returns NULL if any allocation failed.
 */
char *textbuf_finish(struct textbuf *b, size_t *out_len);

#endif
