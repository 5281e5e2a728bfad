/* fact.h -- the named findings the engine records about a failing step ("the temperature is
 * the same number written otherwise", "the echo skipped 1 byte"), which diagnoses files match.
 *
 * A case's facts are text, one per line: "NAME key=value key=value\n". Values are escaped so
 * a line never holds a blank, '=', a backslash or a byte outside printable ASCII: those are
 * \xNN. The catalogue below is the only list of names and keys; FORMAT.md documents it. */
#ifndef WIRECHECK_RUNNER_FACT_H
#define WIRECHECK_RUNNER_FACT_H

#include <stddef.h>

#include "bytes.h"

enum fact_kind {
    FACT_ACK_DEVICE,     /* got want: the ACK names another device id (SEN-1) */
    FACT_ACK_TEMP_TEXT,  /* got want: the temperature is the same number, other text (SEN-4) */
    FACT_ACK_TEMP_VALUE, /* got want: the temperature is another number */
    FACT_ACK_NOT_ERROR,  /* line: ACK came where ERROR was expected (a lenient parser) */
    FACT_ERROR_NOT_ACK,  /* line: ERROR came where an ACK was expected (a strict parser) */
    FACT_CRLF,           /* a line ends with \r\n, not \n */
    FACT_NO_NEWLINE,     /* everything but the final \n came */
    FACT_LETTER_CASE,    /* differs in letter case only */
    FACT_NOTHING,        /* expected: nothing came back where |expected| (its first word) was due */
    FACT_SHORT,          /* got missing: a prefix came, then a close or a timeout */
    FACT_SHORT_POW2,     /* got: that prefix is a power of two >= 256 bytes long */
    FACT_SKIPPED,        /* n at: after byte |at|, |n| expected bytes are missing, then it goes on */
    FACT_REPEATED,       /* at from: at byte |at|, bytes from offset |from| came again */
    FACT_NUL_BYTE,       /* at: the first difference is where the expected bytes hold a NUL */
    FACT_UNENDED_LINE,   /* missing: what came stops after the last \n; the |missing| bytes
                            after it hold none */
    FACT_COUNT
};

/* Most keys a fact has. */
#define FACT_MAX_KEYS 2
/* Longest escaped value kept; longer values are cut. */
#define FACT_VALUE_MAX 96

struct fact_info {
    const char *name;                 /* "ack-temp-text" */
    const char *keys[FACT_MAX_KEYS];  /* in order; NULL after the last */
    const char *meaning;              /* one line, for `wirecheck help diagnoses` and lint */
};

/* The catalogue entry of |k|; NULL when |k| is out of range. */
const struct fact_info *fact_info(enum fact_kind k);

/* The kind named by |name|[0..n), or -1 when the catalogue has no such name. */
int fact_lookup(const char *name, size_t n);

/* 1 when |key| is one of |k|'s keys. */
int fact_has_key(enum fact_kind k, const char *key, size_t n);

/*
 * Appends fact |k| with its values (one per key, in the catalogue's order; fewer values than
 * keys is a usage error) as a line of |facts|. Returns 0 or a bytes_* error.
 */
int fact_add(struct bytes *facts, enum fact_kind k, const char *v1, const char *v2);

/*
 * Finds, in the fact lines |facts| (NUL-terminated), the first line of fact |name| whose
 * values include every "key=value" pair of |pairs|[0..n_pairs) (each written as it appears in
 * a line, escaped). Returns a pointer to that line's start, or NULL.
 */
const char *fact_find(const char *facts, const char *name, const char *const *pairs,
                      size_t n_pairs);

/* Copies the escaped value of |key| in the fact line at |line| into |out|; "" when absent. */
void fact_value(const char *line, const char *key, char *out, size_t outlen);

#endif
