/* bytes.h -- capped growable byte buffers, and the text renderings of raw bytes in reports. */
#ifndef WIRECHECK_BYTES_H
#define WIRECHECK_BYTES_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable buffer that never grows past |max| bytes. The bytes are always followed by a
 * NUL that is not counted in |len|, so a buffer built with bytes_printf is a C string.
 * Caller-allocated: bytes_init, then the appenders, then bytes_cleanup. Fields are readable;
 * change them only through these functions.
 */
struct bytes {
    unsigned char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;
};

/* Default cap of a buffer initialised with max 0. */
#define BYTES_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

/* Prepares an empty buffer holding at most |max| bytes (0: BYTES_DEFAULT_MAX). */
void bytes_init(struct bytes *b, size_t max);

/* Frees the storage; the buffer is empty and may be used again. Safe on a zeroed struct. */
void bytes_cleanup(struct bytes *b);

/* Appends |n| bytes from |p|. Returns 0, WC_ERR_TOO_LONG (nothing appended: the cap would be
 * exceeded) or WC_ERR_NOMEM. */
int bytes_append(struct bytes *b, const void *p, size_t n);

/* Appends the C string |s| (without its NUL). Same returns as bytes_append. */
int bytes_puts(struct bytes *b, const char *s);

/* Appends |n| copies of |c|. Same returns as bytes_append. */
int bytes_fill(struct bytes *b, unsigned char c, size_t n);

/* Appends formatted text (no NUL counted). Same returns as bytes_append. */
int bytes_printf(struct bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bytes_vprintf(struct bytes *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Drops the first |n| bytes (all of them when n >= len). */
void bytes_consume(struct bytes *b, size_t n);

/* The bytes as a C string ("" for an empty buffer); borrowed until the next change. */
const char *bytes_str(const struct bytes *b);

/* Hands the storage over: returns a malloc'd NUL-terminated copy of the bytes (the caller
 * frees it; the length is b->len before the call) and leaves |b| empty; NULL when out of
 * memory. */
char *bytes_take(struct bytes *b);

/* True when every byte is printable ASCII, '\n', '\r' or '\t' (text, not a hex dump). */
int bytes_is_texty(const void *p, size_t n);

/*
 * Appends |p| as a double-quoted C-like literal: printable ASCII as itself, \" \\ \n \r \t \0,
 * other bytes as \xNN. At most |max_shown| input bytes are rendered; the rest becomes
 * "... (N more bytes)". Same returns as bytes_append (on an error nothing is appended).
 */
int bytes_escape(struct bytes *out, const void *p, size_t n, size_t max_shown);

/*
 * Appends a hex+ASCII dump, 16 bytes a line: "<indent>000010  48 65 ...  |He..|\n" with
 * offsets counted from |base|. At most |max_lines| lines; a final line says how many bytes
 * were left out. Same returns as bytes_append (on an error nothing is appended).
 */
int bytes_hexdump(struct bytes *out, const void *p, size_t n, size_t base, size_t max_lines,
                  const char *indent);

#endif
