/* engine.c -- plays a case's steps: sessions, parallel and repeat blocks, the case deadline. */
#include "engine/engine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "engine/act.h"
#include "engine/check.h"
#include "engine/session.h"

void engine_result_init(struct engine_result *r, size_t max_events)
{
    memset(r, 0, sizeof *r);
    verdict_init(&r->v);
    bytes_init(&r->detail, 1 << 20);
    bytes_init(&r->facts, ENGINE_MAX_FACTS);
    tr_init(&r->tr, max_events);
}

void engine_result_cleanup(struct engine_result *r)
{
    bytes_cleanup(&r->detail);
    bytes_cleanup(&r->facts);
    tr_cleanup(&r->tr);
}

static int play_steps(struct session *s, const struct cf_step *steps, size_t n);

struct play_session {
    struct session s;
    const struct cf_step *body;
    size_t n;
};

static void *play_session_main(void *p)
{
    struct play_session *a = p;
    play_steps(&a->s, a->body, a->n);
    session_cleanup(&a->s);
    return NULL;
}

/* N concurrent sessions of the block's body, each with its own connections. */
static int play_parallel(struct session *s, const struct cf_step *st)
{
    unsigned n = st->count;
    struct play_session *args = calloc(n, sizeof *args);
    pthread_t *th = calloc(n, sizeof *th);
    if (!args || !th) {
        free(args);
        free(th);
        session_fail(s, st, OUT_FAIL, "out of memory for %u sessions", n);
        return -1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 512 * 1024);
    unsigned started = 0;
    for (; started < n; started++) {
        session_init(&args[started].s, s->e, started + 1, started);
        args[started].body = st + 1;
        args[started].n = st->body;
        if (pthread_create(&th[started], &attr, play_session_main, &args[started]) != 0) {
            session_fail(s, st, OUT_FAIL, "could only start %u of %u sessions", started, n);
            break;
        }
    }
    pthread_attr_destroy(&attr);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(args);
    free(th);
    return session_stopped(s) ? -1 : 0;
}

/* What kind of time a top-level step spends (engine/waits.h). */
static enum wait_kind step_wait_kind(enum cf_op op)
{
    switch (op) {
    case CF_CONNECT:
    case CF_UDP:
    case CF_ACCEPT:
        return WAIT_CONNECT;
    case CF_SLEEP:
        return WAIT_SLEEP;
    case CF_EXPECT:
    case CF_EXPECT_LINE:
    case CF_EXPECT_CLOSE:
    case CF_EXPECT_DATAGRAM:
        return WAIT_EXPECT;
    case CF_EXPECT_SILENCE:
        return WAIT_SILENCE;
    case CF_EXPECT_EXIT:
    case CF_EXPECT_STDOUT:
    case CF_EXPECT_STDERR:
    case CF_DRAIN:
        return WAIT_OUTPUT;
    case CF_PARALLEL:
        return WAIT_PARALLEL;
    default:
        return WAIT_SEND;
    }
}

/* Runs steps[0..n), a flattened list where blocks own the |body| steps after them. */
static int play_steps(struct session *s, const struct cf_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct cf_step *st = &steps[i];
        if (session_stopped(s))
            return -1;
        if (clk_now_ms() >= s->e->deadline) {
            session_fail(s, st, OUT_TIMEOUT, "the case ran out of time before this step");
            return -1;
        }
        int rc;
        int64_t t0 = clk_now_us();
        switch (st->op) {
        case CF_PARALLEL:
            rc = play_parallel(s, st);
            i += st->body;
            break;
        case CF_REPEAT: {
            unsigned saved = s->index;
            rc = 0;
            for (unsigned k = 0; rc == 0 && k < st->count; k++) {
                s->index = k;
                rc = play_steps(s, st + 1, st->body);
            }
            s->index = saved;
            i += st->body;
            break;
        }
        case CF_EXPECT:
        case CF_EXPECT_LINE:
        case CF_EXPECT_CLOSE:
        case CF_EXPECT_SILENCE:
        case CF_EXPECT_DATAGRAM:
        case CF_EXPECT_EXIT:
        case CF_EXPECT_STDOUT:
        case CF_EXPECT_STDERR:
        case CF_DRAIN:
            rc = check_step(s, st);
            break;
        default:
            rc = act_step(s, st);
            break;
        }
        /* The case's own session only: parallel sessions are inside their block's time, and
         * a repeat's steps are counted one by one. */
        if (s->id == 0 && st->op != CF_REPEAT)
            waits_add(&s->e->res->waits, step_wait_kind(st->op), t0);
        if (rc < 0)
            return -1;
    }
    return 0;
}

void engine_play(const struct engine_env *env, const struct cf_step *steps, size_t n,
                unsigned case_timeout_ms, struct engine_result *res)
{
    struct play e;
    memset(&e, 0, sizeof e);
    e.env = env;
    e.res = res;
    pthread_mutex_init(&e.mu, NULL);
    e.deadline = clk_now_ms() + case_timeout_ms;
    struct session *s = malloc(sizeof *s);
    if (!s) {
        verdict_set(&res->v, OUT_FAIL, 0, "out of memory");
        pthread_mutex_destroy(&e.mu);
        return;
    }
    session_init(s, &e, 0, 0);
    play_steps(s, steps, n);
    session_cleanup(s);
    free(s);
    pthread_mutex_destroy(&e.mu);
}
