/* grading.h -- a grading file: how `wirecheck grade` builds, runs and scores each part of a
 * submission (conformance/grading/FORMAT.md). Pure: text in, a model out; whether its suites
 * and requirements exist is checked by the caller, which has them, with the lines kept here. */
#ifndef WIRECHECK_RUNNER_GRADING_H
#define WIRECHECK_RUNNER_GRADING_H

#include <stddef.h>

/* A "points:" line: the points of a requirement, by its id or by its strength and level. */
struct grading_points {
    char id[32];       /* "SEN-4", or "" for a strength rule */
    char strength[8];  /* "MUST", "SHOULD", "MAY" (strength rules) */
    int level;         /* enum cf_level, or -1 for any level (strength rules) */
    double points;
    unsigned line;
};

/* An "accept:" line: a requirement whose failure costs nothing, and why (a baseline). */
struct grading_accept {
    char id[32];
    char *reason; /* owned */
    unsigned line;
};

struct grading_part {
    char *name;       /* "tcp-server": a-z, 0-9 and '-' */
    char *title;      /* shown in the reports ("" when not given) */
    char *suite;
    char *dir;        /* the folder of the submission that holds it ("." by default) */
    char *build;      /* the build command run in |dir|; NULL: chosen by what the folder holds;
                         "" (written "none"): no build */
    char *run;        /* the command that starts the program, relative to |dir| */
    unsigned levels;  /* bit (1 << enum cf_level) per level graded; all by default */
    unsigned time_s;  /* the part's run may take this long (0: the file's) */
    struct grading_points *points;
    size_t n_points;
    struct grading_accept *accept;
    size_t n_accept;
    unsigned line;
};

struct grading {
    char *title;
    unsigned build_time_s; /* one build may take this long (default 600) */
    unsigned time_s;       /* one part's run may take this long (default 300) */
    char *limits;          /* resource limits of every program, "cpu=60,memory=2048" ("": the
                              runner's defaults) */
    struct grading_points *points; /* the file's rules, before the built-in defaults */
    size_t n_points;
    struct grading_part *parts;
    size_t n_parts;
};

#define GRADING_MAX_PARTS 64
#define GRADING_MAX_RULES 512 /* points: and accept: lines of one part, or of the file */
#define GRADING_MAX_LINE 4096

/*
 * Parses a grading file (|text|[0..len), any bytes; |file| names it in messages) into |out|
 * (free with grading_free). Returns 0, or WC_ERR_INVALID / WC_ERR_TOO_LONG with
 * "file:line: what" in |err|, or WC_ERR_NOMEM.
 */
int grading_parse(const char *file, const char *text, size_t len, struct grading *out,
                  char *err, size_t errlen);

void grading_free(struct grading *g);

/*
 * The points requirement |id| (of |strength|, "" when unknown, at |level|) is worth in
 * |part|: the part's rule for the id, else the file's, else the part's rule for its strength
 * and level, else the file's, else the built-in default (MUST: 3 core, 2 robust, 1 stress;
 * SHOULD: 1; anything else 0).
 */
double grading_points_for(const struct grading *g, const struct grading_part *part,
                          const char *id, const char *strength, int level);

/* The accept: line of |part| for requirement |id|, or NULL. */
const struct grading_accept *grading_accepted(const struct grading_part *part, const char *id);

#endif
