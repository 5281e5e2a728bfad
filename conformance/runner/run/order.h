/* order.h -- the order a run's workers take its cases in. */
#ifndef WIRECHECK_RUNNER_ORDER_H
#define WIRECHECK_RUNNER_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "load/casefile.h"
#include "run/run.h"

/* The least time steps[0..n) take when the program answers at once, in ms: their sleeps,
 * silence windows and pauses between sent chunks; a repeat counts its body N times, a
 * parallel block once (its sessions run at once). */
uint64_t run_least_ms(const struct cf_step *steps, size_t n);

/*
 * The indexes of |run|'s selected cases (run->res) in the order |workers| workers take them:
 * the suite's with one worker; with more, the longest first (by run_least_ms, ties in suite
 * order), so that a case that holds a connection or a silence window for half a second runs
 * beside the short ones instead of alone at the end. Only the wall time changes: each case is
 * played as in any other order, and results are still delivered in suite order. Returns an
 * array of run->n_selected indexes (the caller frees it), or NULL when out of memory.
 */
size_t *run_order(const struct run *run, unsigned workers);

#endif
