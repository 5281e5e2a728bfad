/* class.h -- grades submission folders, N at a time: copy, build in the sandbox, run every part
 * through `wirecheck run` (its own sandbox, its own network namespace), score, write. */
#ifndef WIRECHECK_RUNNER_CLASS_H
#define WIRECHECK_RUNNER_CLASS_H

#include <stdint.h>
#include <stdio.h>

#include "grade/grade.h"
#include "program/sandbox.h"

struct class_opts {
    const struct grading *g;
    const struct suite *const *suites; /* the suite of each part, loaded (g->n_parts) */
    const struct spec *spec;
    struct idlist *disabled;           /* conformance/DISABLED, or NULL */
    char *const *subs;                 /* the submission folders to grade (absolute), in
                                          output order */
    char *const *names;                /* their names (class_sub_name of what was given) */
    size_t n_subs;
    const char *out_dir;               /* exists; one folder per submission is made in it */
    unsigned jobs;                     /* submissions graded at once */
    int force;                         /* grade again even when nothing changed */
    uint64_t key;                      /* hash of everything besides the files that decides a
                                          grade: grading file, cases, version, options */
    double scale;                      /* --timeout-scale of every run */
    const char *self;                  /* this wirecheck binary, for the parts' runs */
    const char *conformance;           /* the folder of SPEC.md and cases/ they use */
    const char *sandbox_mode;          /* passed to the runs: auto, require or off */
    const struct sandbox *sandbox;     /* how builds are confined (its uid block is the class's,
                                          its hidden folders the class's: the output folder
                                          and the submissions' parents) */
    FILE *progress;                    /* a line per submission graded, or NULL */
};

/*
 * Grades every submission of |o| into |*out| (o->n_subs results, in order; free each with
 * sub_result_cleanup, then the array). A submission whose files and o->key match its last
 * grade.json in the output folder is not graded again (|cached|). Returns 0 when every
 * submission was graded (whatever the scores), 1 when some could not be (|failed|), or
 * WC_ERR_NOMEM.
 */
int class_grade(const struct class_opts *o, struct sub_result **out);

/* The folder name of submission path |sub| (its last component), into |out|. Returns 0, or -1
 * when it cannot name an output folder ("", ".", "..", too long). */
int class_sub_name(const char *sub, char *out, size_t len);

#endif
