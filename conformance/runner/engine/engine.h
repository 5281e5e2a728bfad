/* engine.h -- plays the steps of one case against a target and grades what happened. */
#ifndef WIRECHECK_RUNNER_ENGINE_H
#define WIRECHECK_RUNNER_ENGINE_H

#include <stddef.h>

#include "bytes.h"
#include "load/casefile.h"
#include "net.h"
#include "engine/transcript.h"
#include "engine/verdict.h"
#include "engine/waits.h"
#include "program/proc.h"

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

/* Bytes of fact lines one result keeps (a few lines; more are dropped whole). */
#define ENGINE_MAX_FACTS 4096

/* What one play of some steps produced. Owns |detail|, |facts| and |tr|. */
struct engine_result {
    struct verdict v;     /* the outcome, the step that decided it, and why */
    struct bytes detail;  /* expected against actual, several lines, may be empty */
    struct bytes facts;   /* what the difference reads as: load/fact.h lines, may be empty */
    struct transcript tr; /* the timeline */
    struct waits waits;   /* where the time went: the top-level steps by kind (engine_play
                             adds to it; the runner adds its own waits around the case) */
};

/* Prepares an empty (passing) result. |max_events| 0: the transcript's default. */
void engine_result_init(struct engine_result *r, size_t max_events);
void engine_result_cleanup(struct engine_result *r);

/*
 * Plays |steps|[0..n) (a case's steps or a suite's liveness probe) within |case_timeout_ms|,
 * recording into |res| (initialised by the caller; its verdict is only ever set, so a verdict
 * already recorded there stands). Never blocks past the deadline by more than one step's
 * cleanup.
 */
void engine_play(const struct engine_env *env, const struct cf_step *steps, size_t n,
                unsigned case_timeout_ms, struct engine_result *res);

#endif
