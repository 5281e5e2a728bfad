/* casefile_int.h -- private to load/casefile*.c: parser state, the lexer, the header lines. */
#ifndef WIRECHECK_RUNNER_CASEFILE_INT_H
#define WIRECHECK_RUNNER_CASEFILE_INT_H

#include <stddef.h>

#include "bytes.h"
#include "load/casefile.h"

/* A regex longer than this, or with more groups, is refused: glibc's regcomp recurses on
 * nesting, and case files never need more. */
#define CF_REGEX_MAX 512
#define CF_REGEX_MAX_GROUPS 16
/* glibc's regcomp expands counted repetitions and stacked quantifiers into automata whose size
 * multiplies (a++++... took 3 GB): these keep a regex's compiled size small. */
#define CF_REGEX_MAX_BOUNDS 2    /* {m,n} repetitions per regex */
#define CF_REGEX_MAX_BOUND 100   /* largest m or n in {m,n} */
/* Distinct connection names one file may use. */
#define CF_MAX_NAMES 64
/* Hard ceiling on cf_limits.max_depth: the block stack is a fixed array. */
#define CF_MAX_DEPTH_HARD 8

struct cf_parser {
    const char *file;
    const struct cf_limits *lim;
    struct cf_case *c;
    size_t steps_cap;
    size_t open_blocks[CF_MAX_DEPTH_HARD]; /* indexes of the blocks not yet ended */
    unsigned depth;
    /* Connection names in scope are names[name_floor..n_names): a parallel body sees only
     * its own, because its sessions run concurrently and must not share sockets. */
    char names[CF_MAX_NAMES][CF_NAME_MAX];
    unsigned n_names;
    unsigned name_floor;
    unsigned saved_floor[CF_MAX_DEPTH_HARD];
    unsigned saved_names[CF_MAX_DEPTH_HARD];
    unsigned line; /* current line, for messages */
    char *err;
    size_t errlen;
};

/* A cursor over one logical line. */
struct cf_cur {
    const unsigned char *s;
    size_t n;
    size_t i;
};

/* Records "file:line: what" in the parser's error buffer and returns |rc|. */
int cf_fail(struct cf_parser *ps, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies |n| bytes into a new NUL-terminated string; NULL when out of memory. */
char *cf_dup_n(const unsigned char *s, size_t n);

int cf_is_space(unsigned char ch);
void cf_skip_ws(struct cf_cur *k);
/* Length of the bare word at the cursor: up to whitespace or '('. */
size_t cf_word_len(const struct cf_cur *k);
int cf_word_is(const unsigned char *w, size_t n, const char *lit);

/* Unsigned decimal (or 0x hex when |hex_ok|) spanning exactly |n| bytes, at most |max|.
 * Returns 0 or -1. */
int cf_parse_uint(const unsigned char *w, size_t n, unsigned long long max, int hex_ok,
                   unsigned long long *out);

/* True when the cursor is at the start of a data atom ("..", <..>, name(, index). */
int cf_at_atom(const struct cf_cur *k);

/* Parses one data atom (and its optional *N) at the cursor, appending its bytes to |out|
 * and any `index` position to |d|. Returns 0 or a parse error (message recorded). */
int cf_data_atom(struct cf_parser *ps, struct cf_cur *k, struct bytes *out, struct cf_data *d);

/* Parses re"..." at the cursor into a malloc'd, regcomp-checked pattern. */
int cf_regex(struct cf_parser *ps, struct cf_cur *k, char **out);

/* casefile_header.c: a "key: value" line; the checks at the end of a file.
 * casefile_model.c: an empty case. */
int cf_parse_header(struct cf_parser *ps, const unsigned char *key, size_t kl,
                     const unsigned char *v, size_t vl);
int cf_check_complete(struct cf_parser *ps);
struct cf_case *cf_new_case(enum cf_kind kind, const char *file);

#endif
