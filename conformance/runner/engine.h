/* engine.h -- runs the steps of one case against a target and grades what happened. */
#ifndef WIRECHECK_RUNNER_ENGINE_H
#define WIRECHECK_RUNNER_ENGINE_H

#include <stddef.h>

#include "bytes.h"
#include "casefile.h"
#include "net.h"
#include "proc.h"
#include "transcript.h"

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

/* What the engine needs to know about the target. All pointers are borrowed. */
struct engine_env {
    int client_role;          /* 1: the runner plays the server for a client under test */
    int udp;                  /* the suite's transport is UDP */
    struct net_addr target;   /* server suites: the target; client suites: where the runner
                                 listens (the address the client was told) */
    int listen_fd;            /* client suites: the runner's TCP listener or UDP socket
                                 (-1 when the case says "listen: no") */
    struct proc *proc;        /* the program under test, or NULL (--connect) */
    size_t out_mark[2];       /* its stdout/stderr length when the case began */
    unsigned step_timeout_ms; /* default timeout of a step, already scaled */
    double scale;             /* --timeout-scale, applied to timeouts written in case files */
};

/* The verdict of one run of some steps. */
struct engine_result {
    enum outcome outcome;
    unsigned line;        /* the step that decided a non-pass outcome (0: none) */
    char reason[512];     /* one line: what went wrong */
    struct bytes detail;  /* expected against actual, several lines, may be empty */
    struct transcript tr; /* the timeline */
};

/* Prepares an empty (passing) result. |max_events| 0: the transcript's default. */
void engine_result_init(struct engine_result *r, size_t max_events);
void engine_result_cleanup(struct engine_result *r);

/* Sets a non-pass outcome unless one is already set (the first failure wins). */
void engine_result_set(struct engine_result *r, enum outcome o, unsigned line,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Runs |steps|[0..n) (a case's steps or a suite's liveness probe) within |case_timeout_ms|,
 * recording into |res|. Never blocks past the deadline by more than one step's cleanup.
 */
void engine_run(const struct engine_env *env, const struct cf_step *steps, size_t n,
                unsigned case_timeout_ms, struct engine_result *res);

#endif
