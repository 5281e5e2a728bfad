/* selection.h -- which cases of a suite a command works on: the one rule `run` and `list`
 * share (levels, --case globs, --keyword words, exclusions). Pure: no I/O. */
#ifndef WIRECHECK_RUNNER_SELECTION_H
#define WIRECHECK_RUNNER_SELECTION_H

#include <stddef.h>

#include "load/casefile.h"

/* Most --case and --keyword options of one command. */
#define SELECTION_MAX 1024

/* Borrowed strings: they must outlive the selection (argv, typically). */
struct selection {
    unsigned levels;                    /* bit (1 << cf_level) per level; 0 means all */
    const char *globs[SELECTION_MAX];   /* --case: any may match (OR); none given: all */
    size_t n_globs;
    const char *keywords[SELECTION_MAX]; /* --keyword K: any may match (OR); "!K" excludes */
    size_t n_keywords;
};

/* An empty selection: every case. */
void selection_init(struct selection *sel);

/* Sets the levels from "core", "robust,stress" or "all". Returns 0 or WC_ERR_INVALID. */
int selection_set_levels(struct selection *sel, const char *text);

/* Adds a --case glob / a --keyword word ("!word" to exclude). Returns 0, or WC_ERR_INVALID
 * (an empty word, a word with a blank) or WC_ERR_TOO_LONG (more than SELECTION_MAX). */
int selection_add_glob(struct selection *sel, const char *glob);
int selection_add_keyword(struct selection *sel, const char *keyword);

/* Does |c| belong to it: its level selected, some glob matching its id (or none given), some
 * wanted keyword among its keywords (or none wanted), and no excluded one. */
int selection_matches(const struct selection *sel, const struct cf_case *c);

/* True when it narrows anything down (for messages). */
int selection_narrows(const struct selection *sel);

/* The selection as the options that made it ("--case sensor.01* --keyword !slow"), into
 * |out|: for "no case matches ..." messages. */
void selection_describe(const struct selection *sel, char *out, size_t len);

/* The id among |ids| closest to |wanted| by edit distance, if within 2 edits (a typo), else
 * NULL: for "did you mean" hints. */
const char *selection_suggest(const char *wanted, const char *const *ids, size_t n);

#endif
