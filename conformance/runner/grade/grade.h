/* grade.h -- grading a class: what one submission's parts scored, per requirement, and the
 * files that say so (results.json for Gradescope, grades.csv, grade.json, index.html). */
#ifndef WIRECHECK_RUNNER_GRADE_H
#define WIRECHECK_RUNNER_GRADE_H

#include <stddef.h>
#include <stdio.h>

#include "load/grading.h"
#include "load/idlist.h"
#include "load/spec.h"
#include "load/suite.h"

/* How a part ended. Only PART_GRADED and PART_NOT_STARTED have case verdicts. */
enum part_status {
    PART_GRADED = 0,   /* its run ended with a report */
    PART_NOT_STARTED,  /* its program never started or never listened: every case not run */
    PART_MISSING,      /* its folder is not in the submission */
    PART_BUILD_FAILED, /* its build failed or took too long */
    PART_TIME_LIMIT,   /* its run took longer than the part's time */
    PART_ERROR,        /* wirecheck could not grade it (a runner or sandbox failure) */
};

/* "graded", "not started", "missing", "build failed", "time limit", "error". */
const char *part_status_name(enum part_status s);

/* The score of one requirement in one part. */
struct req_score {
    char id[32];
    char title[256];    /* the SPEC's title, "" without one */
    char strength[8];
    int level;
    double max;         /* the points it is worth */
    double points;      /* what it earned: max * passed / cases, or max when accepted */
    unsigned cases;     /* selected cases that cite it (disabled ones excluded) */
    unsigned passed;
    unsigned not_run;   /* of the failing ones, cases that could not run */
    const char *accepted; /* the grading file's reason when its failure is accepted, or NULL */
    char *output;       /* the failing cases, one block each: id, outcome, reason, rerun (owned) */
};

struct part_result {
    const struct grading_part *part;
    enum part_status status;
    char why[1024];     /* for a part that was not graded: why, and the build log's tail */
    struct req_score *reqs; /* in the order the suite's cases cite them (owned) */
    size_t n_reqs;
    double points, max;
    double secs;
};

struct sub_result {
    char *name;         /* the submission's folder name (owned) */
    struct part_result *parts; /* one per part of the grading file (owned) */
    size_t n_parts;
    double points, max;
    double secs;        /* wall time of its build and runs */
    int cached;         /* its files and the grading did not change: the last grade stands */
    int failed;         /* it could not be graded (PART_ERROR somewhere) */
};

/*
 * The requirement table of |part| before any run: every requirement its suite's cases (at the
 * part's levels, not listed in |disabled|) cite, with its points and no case passed. Fills
 * |pr| (release with part_result_cleanup). Returns 0 or WC_ERR_NOMEM.
 */
int score_init(struct part_result *pr, const struct grading *g, const struct grading_part *part,
               const struct suite *s, const struct spec *spec, struct idlist *disabled);

/*
 * Counts the cases of a run's JSON report (|json|, the runner's schema) into |pr|'s
 * requirements: a case passes when its outcome is pass, non-strict or flaky; every other
 * outcome, and a selected case the report lacks, counts as failed (a case not run is never
 * passed). Then computes the points. Returns 0, or WC_ERR_INVALID when |json| is not a report
 * of the part's suite (|err| says why).
 */
int score_report(struct part_result *pr, const char *json, size_t len, char *err,
                 size_t errlen);

/* Sets the points of every requirement from its counts (accepted ones earn their maximum; in a
 * part whose status is not PART_GRADED every requirement earns 0) and the part's totals.
 * score_report calls it; call it again after changing a part's status. */
void score_total(struct part_result *pr);

void part_result_cleanup(struct part_result *pr);
void sub_result_cleanup(struct sub_result *sr);

/* The results.json Gradescope reads: score, max_score, one test per requirement of every part
 * (name "PART: ID TITLE", score, max_score, status, output, visibility). Returns 0 or -1. */
int grade_write_gradescope(FILE *f, const struct sub_result *sr, const struct grading *g);

/* grade.json: the summary `grade merge` and the class files are made from. |hash| says what
 * was graded (its files and |key|), |key| what graded it (grading file, cases, version,
 * options): merged shards must share it. Returns 0 or -1. */
int grade_write_summary(FILE *f, const struct sub_result *sr, const char *hash,
                        const char *key);

/* Reads a grade.json back into |sr| (release with sub_result_cleanup), against the grading
 * |g| its parts must match, with its |hash| and |key|. Returns 0 or WC_ERR_INVALID with
 * |err|. */
int grade_read_summary(const char *json, size_t len, const struct grading *g,
                       struct sub_result *sr, char hash[17], char key[17], char *err,
                       size_t errlen);

/* grades.csv: a header, then one row per submission (RFC 4180 quoting). Returns 0 or -1. */
int grade_write_csv(FILE *f, const struct sub_result *subs, size_t n, const struct grading *g);

/* The class files of |out|: grading.txt (a copy of the grading file, which `grade merge`
 * checks), grades.csv and index.html. Returns 0 or -1. */
int grade_write_class_files(const char *out, const char *grading_text, size_t len,
                            const struct sub_result *subs, size_t n, const struct grading *g);

/* index.html: the students x requirements matrix and the most common failures, one
 * self-contained page. Returns 0 or -1. */
int grade_write_matrix(FILE *f, const struct sub_result *subs, size_t n,
                       const struct grading *g);

#endif
