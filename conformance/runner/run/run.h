/* run.h -- runs a suite's selected cases against a target: workers, retries, baseline. */
#ifndef WIRECHECK_RUNNER_RUN_H
#define WIRECHECK_RUNNER_RUN_H

#include <stddef.h>

#include "engine/engine.h"
#include "load/idlist.h"
#include "load/selection.h"
#include "load/spec.h"
#include "load/suite.h"
#include "program/sandbox.h"

/* Exit codes of `wirecheck run` (documented in --help and conformance/README.md). */
enum run_exit {
    RUN_EXIT_PASS = 0,    /* every selected case passed (or failed as the baseline says) */
    RUN_EXIT_FAIL = 1,    /* some case failed, or a baselined case passed */
    RUN_EXIT_USAGE = 2,   /* usage error or malformed case file */
    RUN_EXIT_TARGET = 3,  /* the target could not be started or reached */
    RUN_EXIT_MAX_TIME = 4, /* --max-time ended the run */
};

struct run_opts {
    const char *exec;          /* --exec command, or NULL */
    const char *connect;       /* --connect HOST:PORT, or NULL */
    const char *listen;        /* --listen HOST:PORT for client suites, or NULL */
    struct selection sel;      /* --level, --case, --keyword */
    unsigned maxfail;          /* --maxfail: stop starting cases after this many failed (0: no) */
    unsigned jobs;             /* -j */
    double scale;              /* --timeout-scale */
    unsigned retries;          /* --retries */
    struct idlist *baseline;   /* --baseline, or NULL */
    struct idlist *disabled;   /* conformance/DISABLED, or NULL */
    int run_disabled;          /* --run-disabled */
    int strict;                /* --strict: a SHOULD not met fails the run like a MUST */
    const struct sandbox *sandbox; /* how --exec programs run (NULL: unconfined) */
};

/* The verdict on one case after retries and baseline. */
struct case_result {
    const struct cf_case *c;
    int selected;
    unsigned attempts;
    double ms;                 /* wall time of the kept attempt */
    struct engine_result play; /* the kept attempt: the first failing one, else the last. Its
                                  verdict is the case's: relabelled flaky or warn, escalated by
                                  a crash or a failed liveness check after it */
    char liveness[512];        /* "" or why the target failed its liveness check */
    char *out_tail;            /* the program's stdout during the case (may be NULL) */
    char *err_tail;            /* its stderr during the case (may be NULL) */
    const char *known;         /* baseline reason when the baseline lists it, else NULL */
    int unexpected_pass;       /* listed in the baseline, yet passed */
    int not_run;               /* the target could not be started: no verdict on the program */
    int done;
    int diagnosis;             /* index into run->diag of the cause that explains this failure,
                                  or -1 */
};

/* A cause that explains several failing cases (a DIAGNOSES entry that matched). */
struct run_diagnosis {
    const struct diagnosis *d; /* the entry, borrowed from the suite */
    char *text;                /* its sentence, placeholders filled in (owned) */
    size_t *cases;             /* indexes into run->res, in suite order (owned) */
    size_t n;
    int warn_only;             /* every case it explains is a warning (a SHOULD not met) */
};

struct run {
    const struct run_opts *o;
    const struct suite *s;
    const struct spec *spec;   /* may be NULL */
    struct case_result *res;   /* one per suite case, in suite order */
    size_t n;
    size_t n_selected;
    char target_desc[600];     /* what was tested, for the reports */
    double wall_ms;
    unsigned restarts;         /* server instances started again after the first, all workers */
    struct waits waits;        /* every case's waits summed, and the servers' stops */
    unsigned probes;           /* readiness probes sent, all workers (program/target.h) */
    unsigned probes_refused;   /* of them, refused at once */
    unsigned probes_unanswered; /* of them, that waited out their deadline */
    int serialized;            /* -j N was asked for, but the cases had to run one at a time */
    int fatal;                 /* RUN_EXIT_TARGET when the target could not be started */
    char fatal_msg[1024];
    struct run_diagnosis *diag; /* the causes found, in the DIAGNOSES files' order (owned) */
    size_t n_diag;
};

/* Selects the cases, runs them, grades them and groups the failures under the suite's
 * diagnoses (run/diagnose.h); |on_done| (may be NULL) is called from the
 * calling thread for each selected case, in suite order, as soon as it and all before it are
 * done. Returns 0, or RUN_EXIT_USAGE with |err| set (bad --exec / --connect). */
int run_suite(struct run *run, const struct run_opts *o, const struct suite *s,
              const struct spec *spec, void (*on_done)(struct run *, size_t, void *),
              void *ctx, char *err, size_t errlen);

/* The exit code the run deserves. */
int run_exit_code(const struct run *run);

/* Frees the results. */
void run_cleanup(struct run *run);

#endif
