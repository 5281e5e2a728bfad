/* lines.h -- the line reader of the "key: value" files (DIAGNOSES, grading files): lines cut
 * at \n with a trailing \r dropped, each bounded and free of control bytes, and errors as
 * "file:line: what". Pure: text in, lines out. */
#ifndef WIRECHECK_RUNNER_LINES_H
#define WIRECHECK_RUNNER_LINES_H

#include <stddef.h>

struct lines {
    const char *file;  /* named in messages */
    const char *text;
    size_t len, pos;
    unsigned line;     /* of the line last returned (set it to point a message elsewhere) */
    size_t max_line;   /* longest line accepted */
    char *err;
    size_t errlen;
};

/* Starts reading |text|[0..len). */
void lines_init(struct lines *l, const char *file, const char *text, size_t len, size_t max_line,
                char *err, size_t errlen);

/* The next line in [*s, *e): returns 1, 0 at the end, or WC_ERR_TOO_LONG / WC_ERR_INVALID
 * (a line over max_line, a control byte other than a tab) with the error in |err|. */
int lines_next(struct lines *l, const char **s, const char **e);

/* Writes "file:line: what" into |err| and returns |rc|. */
int lines_fail(struct lines *l, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A blank or a tab. */
int lines_blank(char c);

/* [*s, *e) without blanks at either end. */
void lines_trim(const char **s, const char **e);

/* A malloc'd NUL-terminated copy of |s|[0..n), or NULL. */
char *lines_dup(const char *s, size_t n);

#endif
