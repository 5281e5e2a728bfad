/* check.h -- the steps that check: what the peer sent (expect, expect-line, expect-close,
 * expect-silence, expect-datagram) and what the program did (expect-exit, -stdout, -stderr). */
#ifndef WIRECHECK_RUNNER_CHECK_H
#define WIRECHECK_RUNNER_CHECK_H

#include "engine/session.h"

/* Plays one checking step. Returns 0 when it is met, -1 when not (the failure is recorded
 * with session_fail, expected against actual in the session's detail). */
int check_step(struct session *s, const struct cf_step *st);

#endif
