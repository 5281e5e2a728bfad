/* engine.c -- runs a case's steps: sessions, parallel and repeat blocks, deadlines, verdicts. */
#include "engine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"

static const char *const outcome_names[OUT_COUNT] = {
    "pass", "non-strict", "flaky", "skip", "unsupported", "warn", "fail", "timeout", "crash",
};

const char *outcome_name(enum outcome o)
{
    return (unsigned)o < OUT_COUNT ? outcome_names[o] : "?";
}

int outcome_is_failure(enum outcome o)
{
    return o == OUT_FAIL || o == OUT_TIMEOUT || o == OUT_CRASH;
}

void engine_result_init(struct engine_result *r, size_t max_events)
{
    memset(r, 0, sizeof *r);
    r->outcome = OUT_PASS;
    bytes_init(&r->detail, 1 << 20);
    tr_init(&r->tr, max_events);
}

void engine_result_cleanup(struct engine_result *r)
{
    bytes_cleanup(&r->detail);
    tr_cleanup(&r->tr);
}

__attribute__((format(printf, 4, 0))) static void
result_vset(struct engine_result *r, enum outcome o, unsigned line, const char *fmt, va_list ap)
{
    if (r->outcome != OUT_PASS)
        return;
    r->outcome = o;
    r->line = line;
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
}

void engine_result_set(struct engine_result *r, enum outcome o, unsigned line,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    result_vset(r, o, line, fmt, ap);
    va_end(ap);
}

void eng_fail(struct session *s, const struct cf_step *st, enum outcome o, const char *fmt,
              ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[64] = "";
    if (s->id)
        snprintf(where, sizeof where, " (session %u)", s->id - 1);
    pthread_mutex_lock(&s->e->mu);
    if (s->e->res->outcome == OUT_PASS)
        s->e->failed = s->id + 1;
    engine_result_set(s->e->res, o, st ? st->line : 0, "line %u: %s%s: %s", st ? st->line : 0,
                      st ? cf_op_name(st->op) : "case", where, msg);
    if (o != OUT_NONSTRICT)
        s->e->stop = 1;
    pthread_mutex_unlock(&s->e->mu);
    tr_note(&s->e->res->tr, s->id, st ? st->name : "", o == OUT_NONSTRICT ? TR_EVENT : TR_ERROR,
            "%s: %s (%s)", st ? cf_op_name(st->op) : "case", msg, outcome_name(o));
}

struct bytes *eng_detail(struct session *s)
{
    return &s->detail;
}

int64_t eng_step_deadline(const struct session *s, const struct cf_step *st)
{
    const struct engine_env *env = s->e->env;
    double ms = st->timeout_ms ? st->timeout_ms * env->scale : env->step_timeout_ms;
    int64_t d = tr_now_ms() + (int64_t)ms;
    return d < s->e->deadline ? d : s->e->deadline;
}

struct conn *eng_conn(struct session *s, const struct cf_step *st, const char *name)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        if (strcmp(s->conns[i].name, name) == 0)
            return &s->conns[i];
    }
    if (st)
        eng_fail(s, st, OUT_FAIL, "'%s' is not open here (the runner plays the %s)", name,
                 s->e->env->client_role ? "server" : "client");
    return NULL;
}

struct conn *eng_conn_new(struct session *s, const struct cf_step *st, const char *name)
{
    struct conn *c = eng_conn(s, NULL, name);
    if (c)
        return c;
    if (s->n_conns >= ENGINE_MAX_CONNS) {
        eng_fail(s, st, OUT_FAIL, "more than %d connections in one session", ENGINE_MAX_CONNS);
        return NULL;
    }
    c = &s->conns[s->n_conns++];
    conn_init(c, name, &s->e->res->tr, s->id);
    return c;
}

static void session_init(struct session *s, struct eng *e, unsigned id, unsigned index)
{
    memset(s, 0, sizeof *s);
    s->e = e;
    s->id = id;
    s->index = index;
    const struct engine_env *env = e->env;
    /* In client suites the runner's UDP socket is the connection called "server". */
    if (id == 0 && env->client_role && env->udp && env->listen_fd >= 0) {
        int fd = dup(env->listen_fd);
        if (fd >= 0) {
            struct conn *c = eng_conn_new(s, NULL, "server");
            if (c)
                conn_adopt(c, fd, CONN_UDP);
            else
                close(fd);
        }
    }
    s->line_pos[0] = env->out_mark[0];
    s->line_pos[1] = env->out_mark[1];
    bytes_init(&s->detail, 1 << 20);
}

static void session_cleanup(struct session *s)
{
    for (size_t i = 0; i < s->n_conns; i++)
        conn_cleanup(&s->conns[i]);
    s->n_conns = 0;
    pthread_mutex_lock(&s->e->mu);
    struct bytes *d = &s->e->res->detail;
    if (s->e->failed == s->id + 1 && d->len == 0 && s->detail.len > 0 &&
        bytes_append(d, s->detail.data, s->detail.len) < 0)
        d->len = 0; /* too big for the result's cap: the reason line still says what failed */
    pthread_mutex_unlock(&s->e->mu);
    bytes_cleanup(&s->detail);
}

static int stopped(struct session *s)
{
    pthread_mutex_lock(&s->e->mu);
    int stop = s->e->stop || s->e->res->outcome == OUT_NONSTRICT;
    pthread_mutex_unlock(&s->e->mu);
    return stop;
}

static int run_steps(struct session *s, const struct cf_step *steps, size_t n);

struct par_arg {
    struct session s;
    const struct cf_step *body;
    size_t n;
};

static void *par_main(void *p)
{
    struct par_arg *a = p;
    run_steps(&a->s, a->body, a->n);
    session_cleanup(&a->s);
    return NULL;
}

/* N concurrent sessions of the block's body, each with its own connections. */
static int run_parallel(struct session *s, const struct cf_step *st)
{
    unsigned n = st->count;
    struct par_arg *args = calloc(n, sizeof *args);
    pthread_t *th = calloc(n, sizeof *th);
    if (!args || !th) {
        free(args);
        free(th);
        eng_fail(s, st, OUT_FAIL, "out of memory for %u sessions", n);
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
        if (pthread_create(&th[started], &attr, par_main, &args[started]) != 0) {
            eng_fail(s, st, OUT_FAIL, "could only start %u of %u sessions", started, n);
            break;
        }
    }
    pthread_attr_destroy(&attr);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(args);
    free(th);
    return stopped(s) ? -1 : 0;
}

/* Runs steps[0..n), a flattened list where blocks own the |body| steps after them. */
static int run_steps(struct session *s, const struct cf_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct cf_step *st = &steps[i];
        if (stopped(s))
            return -1;
        if (tr_now_ms() >= s->e->deadline) {
            eng_fail(s, st, OUT_TIMEOUT, "the case ran out of time before this step");
            return -1;
        }
        int rc;
        switch (st->op) {
        case CF_PARALLEL:
            rc = run_parallel(s, st);
            i += st->body;
            break;
        case CF_REPEAT: {
            unsigned saved = s->index;
            rc = 0;
            for (unsigned k = 0; rc == 0 && k < st->count; k++) {
                s->index = k;
                rc = run_steps(s, st + 1, st->body);
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
            rc = eng_step_expect(s, st);
            break;
        case CF_EXPECT_EXIT:
        case CF_EXPECT_STDOUT:
        case CF_EXPECT_STDERR:
            rc = eng_step_program(s, st);
            break;
        default:
            rc = eng_step_io(s, st);
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

void engine_run(const struct engine_env *env, const struct cf_step *steps, size_t n,
                unsigned case_timeout_ms, struct engine_result *res)
{
    struct eng e;
    memset(&e, 0, sizeof e);
    e.env = env;
    e.res = res;
    pthread_mutex_init(&e.mu, NULL);
    e.deadline = tr_now_ms() + case_timeout_ms;
    struct session *s = malloc(sizeof *s);
    if (!s) {
        engine_result_set(res, OUT_FAIL, 0, "out of memory");
        pthread_mutex_destroy(&e.mu);
        return;
    }
    session_init(s, &e, 0, 0);
    run_steps(s, steps, n);
    session_cleanup(s);
    free(s);
    pthread_mutex_destroy(&e.mu);
}
