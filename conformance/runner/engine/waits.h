/* waits.h -- where a case's time goes: the runner's waits, summed by kind. */
#ifndef WIRECHECK_RUNNER_WAITS_H
#define WIRECHECK_RUNNER_WAITS_H

#include <stdint.h>

/*
 * The kinds of time a server case spends. The step kinds are the top-level steps of the case
 * (a parallel block counts once, as its wall time); the others are the runner's around it.
 */
enum wait_kind {
    WAIT_START,    /* starting the server and its readiness probes (before the case) */
    WAIT_CONNECT,  /* connect, udp, accept */
    WAIT_SEND,     /* send (with its chunk delays), shutdown, close, reset */
    WAIT_EXPECT,   /* expect, expect-line, expect-datagram, expect-close: waiting for bytes */
    WAIT_SILENCE,  /* expect-silence windows */
    WAIT_SLEEP,    /* sleep steps */
    WAIT_OUTPUT,   /* expect-stdout, expect-stderr, expect-exit, drain */
    WAIT_PARALLEL, /* parallel blocks, whole */
    WAIT_DYING,    /* after a failing case: a moment for a crashing server to be reaped */
    WAIT_LIVENESS, /* the suite's known-good exchange after a hostile or the last case */
    WAIT_SETTLE,   /* after the last case: watching that the server stays up */
    WAIT_STOP,     /* stopping the server at the end */
    WAIT_KINDS
};

/* Milliseconds per kind. Zero-initialise. */
struct waits {
    double ms[WAIT_KINDS];
};

/* The kind's name in reports ("start", "expect", ...). */
const char *waits_name(enum wait_kind k);

/* Adds the time since |since_us| (clk_now_us) to kind |k|; returns clk_now_us, so that
 * consecutive waits can be timed back to back. */
int64_t waits_add(struct waits *w, enum wait_kind k, int64_t since_us);

/* Adds every kind of |from| to |into|. */
void waits_sum(struct waits *into, const struct waits *from);

/* The sum over all kinds. */
double waits_total(const struct waits *w);

#endif
