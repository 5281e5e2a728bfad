/* act.h -- the steps that act: connect, udp, accept, send, shutdown, close, reset, sleep. */
#ifndef WIRECHECK_RUNNER_ACT_H
#define WIRECHECK_RUNNER_ACT_H

#include "engine/session.h"

/* Plays one acting step. Returns 0 to go on, -1 when the session must stop (the failure is
 * recorded with session_fail). */
int act_step(struct session *s, const struct cf_step *st);

#endif
