/* verdict.h -- the outcome of a case and why: the only code that writes one. */
#ifndef WIRECHECK_RUNNER_VERDICT_H
#define WIRECHECK_RUNNER_VERDICT_H

#include <stdarg.h>

/* Graded outcomes, best first. */
enum outcome {
    OUT_PASS = 0,
    OUT_NONSTRICT,   /* allowed by the spec, not the preferred behaviour */
    OUT_FLAKY,       /* failed, then passed on a retry (--retries) */
    OUT_SKIP,        /* not run: listed in DISABLED */
    OUT_UNSUPPORTED, /* not run: the mode cannot run it (e.g. output checks with --connect) */
    OUT_WARN,        /* a SHOULD requirement not met: reported, does not fail the run (set by
                        the run, never by the engine; --strict keeps it a failure) */
    OUT_FAIL,        /* the target did something the spec forbids */
    OUT_TIMEOUT,     /* the target did not do what was expected in time */
    OUT_CRASH,       /* the target died */
};
#define OUT_COUNT 9

/* "pass", "non-strict", "flaky", "skip", "unsupported", "warn", "fail", "timeout", "crash". */
const char *outcome_name(enum outcome o);

/* True for outcomes that make a run fail (fail, timeout, crash). */
int outcome_is_failure(enum outcome o);

/* What was decided about one case (or one attempt, or one probe). Read the fields; write
 * them only through the functions below. A zeroed struct is a pass. */
struct verdict {
    enum outcome outcome;
    unsigned line;    /* the step that decided a non-pass outcome (0: none, or not a step) */
    char reason[512]; /* one line: what went wrong ("" for a pass) */
    enum outcome relabelled; /* the failure a relabel (flaky, warn) stands for, else OUT_PASS */
};

/* Makes |v| a pass with no reason. */
void verdict_init(struct verdict *v);

/*
 * Records a non-pass outcome, unless one is already recorded: the first failure wins, since
 * what follows it is usually its consequence. Returns 1 when this call decided the verdict.
 */
int verdict_set(struct verdict *v, enum outcome o, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Records what outranks any earlier finding, replacing it: OUT_CRASH (the target died)
 * replaces anything but a crash; OUT_FAIL or OUT_TIMEOUT (e.g. the target no longer answers
 * the liveness probe) replace any outcome that is not a failure, except that a relabelled
 * failure (flaky, warn) becomes the failure it was again, with its own line and reason: a
 * target that no longer answers makes no failure "only a warning". Otherwise does nothing.
 * Callers that want the earlier reason kept quote it in |fmt| (read v->reason first).
 * Returns 1 when the verdict changed.
 */
int verdict_escalate(struct verdict *v, enum outcome o, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Relabels a failure as OUT_FLAKY (it passed on a retry) or OUT_WARN (the requirement is a
 * SHOULD), keeping its line and reason. Does nothing when |v| is not a failure or |o| is
 * neither. Returns 1 when relabelled.
 */
int verdict_relabel(struct verdict *v, enum outcome o);

#endif
