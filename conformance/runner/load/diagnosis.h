/* diagnosis.h -- a suite's DIAGNOSES file: causes that explain several failing cases at once,
 * each with the pattern that recognises it and the sentence a student reads. Pure: text in,
 * a model out (the run layer matches it against results; FORMAT.md documents the format). */
#ifndef WIRECHECK_RUNNER_DIAGNOSIS_H
#define WIRECHECK_RUNNER_DIAGNOSIS_H

#include <stddef.h>

/* What one alternative of a "when:" or "unless:" line tests on a failing case. */
enum diag_test {
    DIAG_FACT,        /* the case has fact words[0] with the key=value pairs words[1..] */
    DIAG_REASON,      /* its reason contains |text| */
    DIAG_DETAIL,      /* its detail (expected, received, why) contains |text| */
    DIAG_OUTCOME,     /* its outcome is one of |words| (fail, timeout, crash, warn) */
    DIAG_REQUIREMENT, /* it cites one of |words| */
    DIAG_KEYWORD,     /* it has one of |words| as a keyword */
    DIAG_CASE,        /* its id is one of |words| */
};

struct diag_alt {
    enum diag_test test;
    char **words;   /* owned, NULL-terminated */
    size_t n_words;
    char *text;     /* DIAG_REASON, DIAG_DETAIL: the text to find (owned), else NULL */
};

/* One "when:" line (some alternative holds) or "unless:" line (none holds). */
struct diag_cond {
    struct diag_alt *alt;
    size_t n_alt;
    int negated;
};

struct diagnosis {
    char *id;           /* "temperature-text" */
    char *requirement;  /* the requirement the cause belongs to ("SEN-4") */
    char *text;         /* the sentence, with {key} placeholders from the first fact matched */
    unsigned line;      /* where "diagnosis:" is, for messages */
    struct diag_cond *cond;
    size_t n_cond;
    char **fails;       /* run-level: every one of these selected cases failed (NULL-term.) */
    size_t n_fails;
    char **passes;      /* run-level: every one of these selected cases passed */
    size_t n_passes;
    unsigned min;       /* explains at least this many cases, or nothing (default 1) */
};

struct diagnosis_set {
    struct diagnosis *d; /* in file order: the first diagnosis that explains a case keeps it */
    size_t n;
};

#define DIAGNOSIS_MAX 256          /* diagnoses in one file */
#define DIAGNOSIS_MAX_LINE 4096    /* longest line */
#define DIAGNOSIS_MAX_WORDS 64     /* words in one alternative or list */
#define DIAGNOSIS_MAX_TEXT 2048    /* longest sentence, continuation lines included */

/*
 * Parses a DIAGNOSES file (|text|[0..len), any bytes; |file| names it in messages). Appends its
 * diagnoses to |out| (zero it before the first call; a second call adds an included suite's).
 * Returns 0, or WC_ERR_INVALID / WC_ERR_TOO_LONG with "file:line: what" in |err| (|out| keeps
 * what an earlier call added), or WC_ERR_NOMEM.
 */
int diagnosis_parse(const char *file, const char *text, size_t len, struct diagnosis_set *out,
                    char *err, size_t errlen);

void diagnosis_set_free(struct diagnosis_set *s);

/* When |p| starts a placeholder ("{got}": a-z and '_' between braces), the length of its key;
 * else 0 ("{}" and other braces are plain text). */
size_t diagnosis_placeholder(const char *p);

#endif
