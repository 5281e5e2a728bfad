/* act.c -- the steps that act: connect, udp, accept, send, shutdown, close, reset, sleep. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine/act.h"
#include "status.h"

static const char *errtext(int neg)
{
    return strerror(neg < 0 ? -neg : neg);
}

/* Where a UDP send goes: the target, or in client suites the client (last sender seen). */
static const struct net_addr *udp_destination(struct session *s, const struct cf_step *st,
                                              struct conn *c)
{
    const struct engine_env *env = s->e->env;
    if (!env->client_role)
        return &env->target;
    struct conn *srv = session_conn(s, NULL, "server");
    if (srv && srv->have_peer)
        return &srv->peer;
    if (c->have_peer)
        return &c->peer;
    session_fail(s, st, OUT_FAIL, "no datagram from the client yet: nowhere to send");
    return NULL;
}

static int do_send(struct session *s, const struct cf_step *st, struct conn *c)
{
    struct bytes tmp;
    bytes_init(&tmp, 0);
    const unsigned char *p;
    size_t len;
    int rc = session_data(s, st, &tmp, &p, &len);
    if (rc < 0) {
        bytes_cleanup(&tmp);
        session_fail(s, st, OUT_FAIL, "out of memory");
        return -1;
    }
    if (c->kind == CONN_UDP) {
        const struct net_addr *to = udp_destination(s, st, c);
        rc = to ? conn_sendto(c, p, len, to) : -1;
        if (to && rc < 0)
            session_fail(s, st, OUT_FAIL, "sendto failed: %s", errtext(rc));
        bytes_cleanup(&tmp);
        return rc < 0 ? -1 : 0;
    }
    size_t sent = 0;
    rc = conn_send(c, p, len, st->chunk, st->delay_ms, session_deadline(s, st), &sent);
    bytes_cleanup(&tmp);
    if (rc == -ETIMEDOUT) {
        session_fail(s, st, OUT_TIMEOUT, "the peer stopped reading: %zu of %zu bytes sent in time",
                 sent, len);
        return -1;
    }
    if (rc < 0 && s->e->env->client_role && (rc == -EPIPE || rc == -ECONNRESET)) {
        /* Said as what the client did, not as the runner's error. */
        session_fail(s, st, OUT_FAIL, "the client closed the connection before the runner had "
                     "sent all of this: %zu of %zu bytes went out (%s)", sent, len, errtext(rc));
        return -1;
    }
    if (rc < 0) {
        session_fail(s, st, OUT_FAIL, "send failed after %zu of %zu bytes: %s", sent, len,
                 errtext(rc));
        return -1;
    }
    return 0;
}

/* Accepts in short slices so that a client that exits early is reported at once. */
static int do_accept(struct session *s, const struct cf_step *st, struct conn *c)
{
    const struct engine_env *env = s->e->env;
    if (env->listen_fd < 0) {
        session_fail(s, st, OUT_FAIL, "the runner is not listening in this case");
        return -1;
    }
    int64_t deadline = session_deadline(s, st);
    for (;;) {
        int64_t slice = clk_now_ms() + 50;
        int rc = conn_accept(c, env->listen_fd, slice < deadline ? slice : deadline);
        if (rc == 0) {
            tr_note(c->tr, s->id, c->name, TR_EVENT, "accepted the client's connection");
            return 0;
        }
        if (rc != -ETIMEDOUT) {
            session_fail(s, st, OUT_FAIL, "accept failed: %s", errtext(rc));
            return -1;
        }
        if (env->proc && !proc_running(env->proc)) {
            char how[64];
            proc_describe_end(env->proc, how, sizeof how);
            session_fail(s, st, OUT_FAIL, "the client %s without connecting", how);
            return -1;
        }
        if (clk_now_ms() >= deadline) {
            session_fail(s, st, OUT_TIMEOUT, "the client did not connect in time");
            return -1;
        }
    }
}

int act_step(struct session *s, const struct cf_step *st)
{
    const struct engine_env *env = s->e->env;
    struct conn *c = NULL;
    int rc = 0;
    if (st->op == CF_SLEEP) {
        int64_t until = clk_now_ms() + (int64_t)(st->ms * env->scale);
        if (until > s->e->deadline)
            until = s->e->deadline;
        clk_sleep_until(until);
        return 0;
    }
    if (st->op == CF_CONNECT || st->op == CF_UDP || st->op == CF_ACCEPT)
        c = session_conn_new(s, st, st->name);
    else
        c = session_conn(s, st, st->name);
    if (!c)
        return -1;
    switch (st->op) {
    case CF_CONNECT:
        rc = conn_connect(c, &env->target, session_deadline(s, st));
        if (st->refused) {
            if (rc == -ECONNREFUSED) {
                tr_note(c->tr, s->id, c->name, TR_EVENT, "connection refused, as expected");
                return 0;
            }
            session_fail(s, st, OUT_FAIL, "expected the connection to be refused, got: %s",
                     rc == 0 ? "accepted" : errtext(rc));
            return -1;
        }
        if (rc == 0) {
            tr_note(c->tr, s->id, c->name, TR_EVENT, "connected from %s", c->local);
            return 0;
        }
        session_fail(s, st, rc == -ETIMEDOUT ? OUT_TIMEOUT : OUT_FAIL, "cannot connect: %s",
                 errtext(rc));
        return -1;
    case CF_UDP:
        rc = conn_udp(c, env->target.ss.ss_family);
        if (rc < 0) {
            session_fail(s, st, OUT_FAIL, "cannot open a UDP socket: %s", errtext(rc));
            return -1;
        }
        return 0;
    case CF_ACCEPT:
        return do_accept(s, st, c);
    case CF_SEND:
        return do_send(s, st, c);
    case CF_SHUTDOWN:
        rc = conn_shutdown(c);
        break;
    case CF_CLOSE:
        rc = conn_close(c);
        break;
    case CF_RESET:
        rc = conn_reset(c);
        break;
    default:
        session_fail(s, st, OUT_FAIL, "step not supported here");
        return -1;
    }
    if (rc < 0) {
        session_fail(s, st, OUT_FAIL, "%s", errtext(rc));
        return -1;
    }
    return 0;
}
