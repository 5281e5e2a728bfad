/* run.c -- runs a suite: selection, worker threads with their own targets, liveness checks,
 * crash attribution, retries and the baseline, results delivered in suite order. */
#include "run/run.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "net.h"
#include "status.h"
#include "program/command.h"
#include "program/target.h"
#include "run/diagnose.h"
#include "run/order.h"

/* A step's default timeout and a case's, before --timeout-scale. */
#define RUN_STEP_TIMEOUT_MS 1500
#define RUN_CASE_TIMEOUT_MS 10000
/* Bytes of the program's output kept per case for the report. */
#define RUN_TAIL 2000
/* How long a server is watched after the last case, before the final probe (times the
 * scale): a crash that follows the last exchange must not go unseen. */
#define RUN_SETTLE_MS 250

struct worker {
    struct run *run;
    struct shared *sh;
    struct target t;
    pthread_t th;
};

struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;         /* next position in |order| to hand out */
    size_t *order;       /* result indexes in the order workers take them (owned) */
    int placeholders;
    int stop;            /* the target could not be started: give up */
    unsigned failures;   /* cases failed so far (against --maxfail) */
};

static void select_cases(struct run *run)
{
    const struct run_opts *o = run->o;
    for (size_t i = 0; i < run->n; i++) {
        struct case_result *r = &run->res[i];
        const struct cf_case *c = r->c;
        r->selected = selection_matches(&o->sel, c);
        if (!r->selected)
            continue;
        run->n_selected++;
        struct idlist_entry *d = o->disabled ? idlist_find(o->disabled, c->id) : NULL;
        if (d && !o->run_disabled) {
            r->done = 1;
            verdict_set(&r->play.v, OUT_SKIP, 0, "listed in DISABLED: %s",
                        *d->reason ? d->reason : "(no reason given)");
        } else if (!run->s->client_role && c->requires_exec && !o->exec) {
            r->done = 1;
            verdict_set(&r->play.v, OUT_UNSUPPORTED, 0, "checks the server's output: needs "
                        "--exec, not --connect");
        }
        struct idlist_entry *b = o->baseline ? idlist_find(o->baseline, c->id) : NULL;
        if (b)
            r->known = *b->reason ? b->reason : "(no reason given)";
    }
}

static char *tail_of(struct proc *p, enum proc_stream s, size_t from)
{
    struct bytes b;
    bytes_init(&b, 0);
    proc_output(p, s, from, &b);
    if (b.len > RUN_TAIL)
        bytes_consume(&b, b.len - RUN_TAIL);
    char *t = b.len ? bytes_take(&b) : NULL;
    bytes_cleanup(&b);
    return t;
}

static unsigned case_timeout(const struct run *run, const struct cf_case *c)
{
    return (unsigned)((c->timeout_ms ? c->timeout_ms : RUN_CASE_TIMEOUT_MS) * run->o->scale);
}

/* After a hostile case (or the last one, |when| says which): does the target still answer
 * the suite's known-good exchange? */
static void check_liveness(struct worker *w, const struct engine_env *env,
                           struct case_result *r, const char *when)
{
    const struct cf_case *probe = w->run->s->def;
    if (probe->n_steps == 0)
        return;
    struct engine_result pr;
    engine_result_init(&pr, 50);
    int64_t t0 = clk_now_us();
    engine_play(env, probe->steps, probe->n_steps, (unsigned)(3000 * w->run->o->scale), &pr);
    waits_add(&r->play.waits, WAIT_LIVENESS, t0);
    if (pr.v.outcome != OUT_PASS) {
        snprintf(r->liveness, sizeof r->liveness, "%s the target no longer answers a "
                 "known-good exchange: %.400s", when, pr.v.reason);
        tr_note(&r->play.tr, 0, "", TR_ERROR, "liveness check failed: %s", pr.v.reason);
        verdict_escalate(&r->play.v, OUT_FAIL, 0, "liveness: %s", r->liveness);
        /* What the probe's difference reads as is then this case's finding too. */
        if (r->play.facts.len == 0 && pr.facts.len)
            (void)bytes_append(&r->play.facts, pr.facts.data, pr.facts.len);
        target_stop(&w->t); /* the next case gets a fresh instance */
    } else {
        tr_note(&r->play.tr, 0, "", TR_EVENT, "liveness check passed");
    }
    engine_result_cleanup(&pr);
}

static void attempt_server(struct worker *w, struct case_result *r)
{
    struct run *run = w->run;
    const struct cf_case *c = r->c;
    char err[1024];
    unsigned before = w->t.starts;
    int64_t t0 = clk_now_us();
    int ensured = target_ensure(&w->t, err, sizeof err);
    waits_add(&r->play.waits, WAIT_START, t0);
    if (ensured < 0) {
        verdict_set(&r->play.v, OUT_FAIL, 0, "the target could not be (re)started: %s", err);
        r->not_run = 1;
        /* Never ready once (not a later restart after a crash): no case can run. */
        if (w->t.ready == 0 || !w->t.exec) {
            pthread_mutex_lock(&w->sh->mu);
            if (!run->fatal) {
                run->fatal = RUN_EXIT_TARGET;
                snprintf(run->fatal_msg, sizeof run->fatal_msg, "%s", err);
            }
            w->sh->stop = 1;
            pthread_mutex_unlock(&w->sh->mu);
        }
        return;
    }
    if (w->t.starts > before && before > 0)
        tr_note(&r->play.tr, 0, "", TR_EVENT, "target restarted (start #%u) on %s", w->t.starts,
                w->t.addr_text);
    struct engine_env env;
    memset(&env, 0, sizeof env);
    env.udp = run->s->udp;
    env.target = w->t.addr;
    env.listen_fd = -1;
    env.proc = w->t.proc;
    env.step_timeout_ms = (unsigned)(RUN_STEP_TIMEOUT_MS * run->o->scale);
    env.scale = run->o->scale;
    if (env.proc) {
        env.out_mark[0] = proc_output_len(env.proc, PROC_STDOUT);
        env.out_mark[1] = proc_output_len(env.proc, PROC_STDERR);
    }
    engine_play(&env, c->steps, c->n_steps, case_timeout(run, c), &r->play);
    /* A server that crashed closes its sockets before it can be reaped: give a failing
     * case's target a moment to finish dying, so the crash is reported as one. */
    if (env.proc && r->play.v.outcome != OUT_PASS) {
        t0 = clk_now_us();
        proc_wait(env.proc, 100);
        waits_add(&r->play.waits, WAIT_DYING, t0);
    }
    int died = env.proc && !proc_running(env.proc);
    /* The output first: a failed liveness check stops (and frees) the instance. */
    if (env.proc) {
        r->out_tail = tail_of(env.proc, PROC_STDOUT, env.out_mark[0]);
        r->err_tail = tail_of(env.proc, PROC_STDERR, env.out_mark[1]);
    }
    if (died) {
        char how[64];
        const char *prev = r->play.v.reason;
        proc_describe_end(env.proc, how, sizeof how);
        verdict_escalate(&r->play.v, OUT_CRASH, r->play.v.line, "server %s during %s%s%.400s",
                         how, c->id, *prev ? "; " : "", prev);
        tr_note(&r->play.tr, 0, "", TR_ERROR, "the server %s", how);
    } else if (c->hostile) {
        check_liveness(w, &env, r, "after this hostile case");
    }
}

/*
 * For a failing client case, what the client did, said from its side: the bytes it sent and
 * was sent, how its connection ended, how it ended and what it printed last. Appended to the
 * detail, where the runner's own view (a step that failed) is already.
 */
static void client_summary(struct case_result *r, struct proc *p, int still_running)
{
    size_t sent = 0, got = 0;
    const char *closed = NULL;
    struct transcript *tr = &r->play.tr;
    pthread_mutex_lock(&tr->mu);
    for (size_t i = 0; i < tr->n; i++) {
        const struct tr_event *e = &tr->ev[i];
        if (e->kind == TR_SEND)
            sent += e->len; /* the runner's sends: what the client was sent */
        else if (e->kind == TR_RECV)
            got += e->len;
        else if (e->text && strstr(e->text, "peer closed"))
            closed = "closed its connection (FIN)";
        else if (e->text && strstr(e->text, "unanswered"))
            closed = "closed its connection with bytes it had not read (RST)";
        else if (e->text && strstr(e->text, "peer reset"))
            closed = "reset its connection (RST)";
    }
    pthread_mutex_unlock(&tr->mu);
    char how[96];
    if (still_running)
        snprintf(how, sizeof how, "was still running at the end of the case");
    else
        proc_describe_end(p, how, sizeof how);
    struct bytes *d = &r->play.detail;
    bytes_printf(d, "what the client did: it sent %zu byte%s, was sent %zu, %s%s%s.", got,
                 got == 1 ? "" : "s", sent, closed ? closed : "", closed ? " and " : "", how);
    if ((closed && strstr(closed, "not read")) ||
        strstr(r->play.v.reason, "the client closed the connection before"))
        bytes_puts(d, " A client that stops after one read() misses the rest of a reply that "
                      "comes in pieces: a read returns what has arrived, not a whole line.");
    struct bytes out;
    bytes_init(&out, 0);
    proc_output(p, PROC_STDOUT, 0, &out);
    size_t end = out.len;
    while (end && out.data[end - 1] == '\n')
        end--;
    size_t start = end;
    while (start && out.data[start - 1] != '\n')
        start--;
    if (end > start) {
        bytes_puts(d, " It printed last: ");
        bytes_escape(d, out.data + start, end - start, 200);
    } else {
        bytes_puts(d, " It printed nothing on stdout.");
    }
    bytes_puts(d, "\n");
    bytes_cleanup(&out);
}

static void attempt_client(struct worker *w, struct case_result *r)
{
    struct run *run = w->run;
    const struct cf_case *c = r->c;
    char err[1024];
    struct client_run cr;
    int rc = target_client_start(run->s, run->o->exec, w->sh->placeholders, run->o->listen,
                                 c->listen, run->o->sandbox, &cr, err, sizeof err);
    if (rc < 0) {
        verdict_set(&r->play.v, OUT_FAIL, 0, "%s", err);
        r->not_run = 1;
        if (rc == WC_ERR_INVALID) {
            pthread_mutex_lock(&w->sh->mu);
            run->fatal = RUN_EXIT_TARGET;
            snprintf(run->fatal_msg, sizeof run->fatal_msg, "%s", err);
            w->sh->stop = 1;
            pthread_mutex_unlock(&w->sh->mu);
        }
        target_client_finish(&cr);
        return;
    }
    char addr[NET_ADDR_TEXT];
    net_addr_format((const struct sockaddr *)&cr.addr.ss, cr.addr.len, addr);
    tr_note(&r->play.tr, 0, "", TR_EVENT, "client started (pid %d), told to use %s%s",
            (int)proc_pid(cr.proc), addr, c->listen ? "" : " where nothing listens");
    struct engine_env env;
    memset(&env, 0, sizeof env);
    env.client_role = 1;
    env.udp = run->s->udp;
    env.target = cr.addr;
    env.listen_fd = cr.listen_fd;
    env.proc = cr.proc;
    env.step_timeout_ms = (unsigned)(RUN_STEP_TIMEOUT_MS * run->o->scale);
    env.scale = run->o->scale;
    engine_play(&env, c->steps, c->n_steps, case_timeout(run, c), &r->play);
    int still_running = proc_running(cr.proc);
    if (still_running) {
        tr_note(&r->play.tr, 0, "", TR_EVENT, "the client was still running: stopped it");
        proc_stop(cr.proc, 100);
    } else if (proc_status(cr.proc) > 255) {
        char how[64];
        proc_describe_end(cr.proc, how, sizeof how);
        verdict_escalate(&r->play.v, OUT_CRASH, 0, "client %s during %s", how, c->id);
    }
    if (r->play.v.outcome != OUT_PASS)
        client_summary(r, cr.proc, still_running);
    r->out_tail = tail_of(cr.proc, PROC_STDOUT, 0);
    r->err_tail = tail_of(cr.proc, PROC_STDERR, 0);
    target_client_finish(&cr);
}

static void attempt(struct worker *w, struct case_result *r)
{
    int64_t t0 = clk_now_us();
    r->play.tr.t0_us = t0; /* the timeline starts with the attempt */
    if (w->run->s->client_role)
        attempt_client(w, r);
    else
        attempt_server(w, r);
    r->ms = (double)(clk_now_us() - t0) / 1000.0;
}

static int stopping(struct shared *sh)
{
    pthread_mutex_lock(&sh->mu);
    int stop = sh->stop;
    pthread_mutex_unlock(&sh->mu);
    return stop;
}

/* The first attempt is the one reported; a later pass only relabels it flaky. */
static void run_case(struct worker *w, struct case_result *r)
{
    struct run *run = w->run;
    attempt(w, r);
    r->attempts = 1;
    for (unsigned a = 0; a < run->o->retries && outcome_is_failure(r->play.v.outcome); a++) {
        if (stopping(w->sh))
            break;
        struct case_result again;
        memset(&again, 0, sizeof again);
        again.c = r->c;
        engine_result_init(&again.play, 0);
        attempt(w, &again);
        waits_sum(&r->play.waits, &again.play.waits);
        r->attempts++;
        if (!outcome_is_failure(again.play.v.outcome))
            verdict_relabel(&r->play.v, OUT_FLAKY);
        engine_result_cleanup(&again.play);
        free(again.out_tail);
        free(again.err_tail);
        if (r->play.v.outcome == OUT_FLAKY)
            break;
    }
    if (r->known && !outcome_is_failure(r->play.v.outcome) && r->play.v.outcome != OUT_FLAKY &&
        r->play.v.outcome != OUT_SKIP && r->play.v.outcome != OUT_UNSUPPORTED)
        r->unexpected_pass = 1;
    /* RFC 2119: a SHOULD not met is worth saying, not worth failing a correct program for.
     * A crash or a target that no longer answers is never only a warning. */
    if (!run->o->strict && (r->play.v.outcome == OUT_FAIL || r->play.v.outcome == OUT_TIMEOUT) &&
        !r->liveness[0] && run->spec) {
        const struct spec_req *req = spec_find(run->spec, r->c->requirement);
        if (req && strcmp(req->strength, "MUST") != 0)
            verdict_relabel(&r->play.v, OUT_WARN);
    }
}

/* Escalates a finished case to a crash (the first failure would otherwise win). */
static void mark_crash(struct case_result *r, const char *how, int last)
{
    const char *prev = r->play.v.reason;
    verdict_escalate(&r->play.v, OUT_CRASH, 0, "server %s after %s ended, %s%s%.300s", how,
                      r->c->id, last ? "the last case" : "before the next case began",
                      *prev ? "; before that: " : "", prev);
    r->unexpected_pass = 0;
    tr_note(&r->play.tr, 0, "", TR_ERROR, "the server %s after the case ended", how);
}

/*
 * A server case is final only once its instance has been seen alive after it: a server that
 * dies between cases would otherwise be restarted silently for the next one, and one that
 * dies after the last case would never be noticed. So the case waits, unfinished, until the
 * worker takes its next case (the instance must still run) or has none left (the instance
 * is watched for a moment, then must answer the suite's probe). Then it is delivered.
 */
static void settle(struct worker *w, struct case_result *r, int last)
{
    struct run *run = w->run;
    struct proc *p = w->t.proc;
    if (p && run->o->exec && !run->s->client_role && r->play.v.outcome != OUT_CRASH &&
        r->play.v.outcome != OUT_SKIP) {
        if (last) {
            int64_t t0 = clk_now_us();
            proc_wait(p, (int)(RUN_SETTLE_MS * run->o->scale));
            waits_add(&r->play.waits, WAIT_SETTLE, t0);
        }
        if (!proc_running(p)) {
            char how[64];
            proc_describe_end(p, how, sizeof how);
            mark_crash(r, how, last);
        } else if (last && !r->liveness[0]) {
            struct engine_env env;
            memset(&env, 0, sizeof env);
            env.udp = run->s->udp;
            env.target = w->t.addr;
            env.listen_fd = -1;
            env.step_timeout_ms = (unsigned)(RUN_STEP_TIMEOUT_MS * run->o->scale);
            env.scale = run->o->scale;
            check_liveness(w, &env, r, "after the last case");
            if (r->liveness[0])
                r->unexpected_pass = 0;
        }
    }
    pthread_mutex_lock(&w->sh->mu);
    r->done = 1;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
}

/* A confined worker gets a network namespace of its own, with only loopback: its targets (which
 * it forks) and its sockets meet there, and hard-coded ports never collide with another
 * worker's or another run's. On failure no case can run. */
static int enter_namespace(struct worker *w)
{
    const struct sandbox *sb = w->run->o->sandbox;
    if (!sb || !sb->on || !w->run->o->exec)
        return 0;
    int rc = net_private_namespace();
    if (rc == 0)
        return 0;
    pthread_mutex_lock(&w->sh->mu);
    if (!w->run->fatal) {
        w->run->fatal = RUN_EXIT_TARGET;
        snprintf(w->run->fatal_msg, sizeof w->run->fatal_msg, "the sandbox cannot give a "
                 "worker its own network namespace: %s", strerror(-rc));
    }
    w->sh->stop = 1;
    pthread_mutex_unlock(&w->sh->mu);
    return rc;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *run = w->run;
    struct case_result *pending = NULL;
    enter_namespace(w);
    for (;;) {
        pthread_mutex_lock(&w->sh->mu);
        size_t pos = w->sh->next;
        while (pos < run->n_selected && run->res[w->sh->order[pos]].done)
            pos++;
        w->sh->next = pos + 1;
        size_t i = pos < run->n_selected ? w->sh->order[pos] : run->n;
        int stop = w->sh->stop;
        int enough = run->o->maxfail && w->sh->failures >= run->o->maxfail;
        pthread_mutex_unlock(&w->sh->mu);
        if (i >= run->n)
            break;
        struct case_result *r = &run->res[i];
        if (pending) {
            settle(w, pending, 0);
            pending = NULL;
        }
        if (stop) {
            verdict_set(&r->play.v, OUT_SKIP, 0, "not run: the target could not be started");
            r->not_run = 1;
        } else if (enough) {
            verdict_set(&r->play.v, OUT_SKIP, 0, "not run: --maxfail %u reached",
                        run->o->maxfail);
        } else {
            run_case(w, r);
            if (outcome_is_failure(r->play.v.outcome) && !r->known) {
                pthread_mutex_lock(&w->sh->mu);
                w->sh->failures++;
                pthread_mutex_unlock(&w->sh->mu);
            }
        }
        pending = r;
    }
    if (pending)
        settle(w, pending, 1);
    struct waits stop = {{0}};
    int64_t t0 = clk_now_us();
    target_stop(&w->t);
    waits_add(&stop, WAIT_STOP, t0);
    pthread_mutex_lock(&w->sh->mu);
    run->restarts += w->t.starts > 1 ? w->t.starts - 1 : 0;
    waits_sum(&run->waits, &stop);
    run->probes += w->t.probes;
    run->probes_refused += w->t.refused;
    run->probes_unanswered += w->t.unanswered;
    pthread_mutex_unlock(&w->sh->mu);
    return NULL;
}

int run_suite(struct run *run, const struct run_opts *o, const struct suite *s,
              const struct spec *spec, void (*on_done)(struct run *, size_t, void *),
              void *ctx, char *err, size_t errlen)
{
    memset(run, 0, sizeof *run);
    run->o = o;
    run->s = s;
    run->spec = spec;
    run->n = s->n_cases;
    run->res = calloc(run->n ? run->n : 1, sizeof *run->res);
    if (!run->res) {
        snprintf(err, errlen, "out of memory");
        return RUN_EXIT_USAGE;
    }
    for (size_t i = 0; i < run->n; i++) {
        run->res[i].c = s->cases[i];
        run->res[i].diagnosis = -1;
        engine_result_init(&run->res[i].play, 0);
    }
    struct shared sh;
    memset(&sh, 0, sizeof sh);
    if (o->exec) {
        char **argv;
        if (command_split(o->exec, NULL, &argv, &sh.placeholders, err, errlen) < 0)
            return RUN_EXIT_USAGE;
        command_argv_free(argv);
    }
    if (s->client_role && !o->exec) {
        snprintf(err, errlen, "suite %s tests a client: give the client's command with --exec",
                 s->name);
        return RUN_EXIT_USAGE;
    }
    if (!s->client_role && o->listen) {
        snprintf(err, errlen, "--listen is for client suites; suite %s tests a server (give "
                 "its address in --exec, e.g. '--listen {addr}' inside the quotes)", s->name);
        return RUN_EXIT_USAGE;
    }
    if (s->client_role && o->connect) {
        snprintf(err, errlen, "--connect is for server suites; suite %s tests a client",
                 s->name);
        return RUN_EXIT_USAGE;
    }
    if (!s->client_role && !o->exec == !o->connect) {
        snprintf(err, errlen, "suite %s tests a server: give exactly one of --exec and "
                 "--connect", s->name);
        return RUN_EXIT_USAGE;
    }
    select_cases(run);
    if (run->n_selected == 0) {
        char what[512];
        selection_describe(&o->sel, what, sizeof what);
        /* A --case without wildcards that names no case is likely a typo: say which is near. */
        const char *near = NULL;
        const char **ids = calloc(s->n_cases ? s->n_cases : 1, sizeof *ids);
        for (size_t i = 0; ids && i < s->n_cases; i++)
            ids[i] = s->cases[i]->id;
        for (size_t g = 0; ids && !near && g < o->sel.n_globs; g++)
            if (!strpbrk(o->sel.globs[g], "*?["))
                near = selection_suggest(o->sel.globs[g], ids, s->n_cases);
        snprintf(err, errlen, "no case of suite %s matches %s%s%s%s (see wirecheck list %s)",
                 s->name, what, near ? "; did you mean " : "", near ? near : "",
                 near ? "?" : "", s->name);
        free(ids);
        return RUN_EXIT_USAGE;
    }
    unsigned workers = o->jobs ? o->jobs : 1;
    /* One shared instance (--connect, or a fixed port on the machine's network) runs its cases
     * one at a time; confined, each worker has a network of its own, fixed port or not. */
    int isolated = o->sandbox && o->sandbox->on && o->exec;
    if (workers > 1 && ((!sh.placeholders && !isolated) || (!s->client_role && !o->exec))) {
        run->serialized = 1;
        workers = 1;
    }
    if (workers > run->n_selected)
        workers = run->n_selected ? (unsigned)run->n_selected : 1;
    if (s->client_role)
        snprintf(run->target_desc, sizeof run->target_desc, "client: %s", o->exec);
    else
        snprintf(run->target_desc, sizeof run->target_desc, "server: %s", o->exec ? o->exec
                                                                               : o->connect);
    struct worker *w = calloc(workers, sizeof *w);
    sh.order = run_order(run, workers);
    if (!w || !sh.order) {
        free(w);
        free(sh.order);
        snprintf(err, errlen, "out of memory");
        return RUN_EXIT_USAGE;
    }
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cv, NULL);
    int64_t t0 = clk_now_us();
    int rc = 0;
    unsigned started = 0;
    for (; started < workers; started++) {
        w[started].run = run;
        w[started].sh = &sh;
        if (target_init(&w[started].t, s, o->exec, sh.placeholders, o->connect, o->sandbox,
                        o->scale, err,
                        errlen) < 0) {
            rc = RUN_EXIT_USAGE;
            break;
        }
        if (pthread_create(&w[started].th, NULL, worker_main, &w[started]) != 0) {
            snprintf(err, errlen, "cannot start worker threads");
            rc = RUN_EXIT_USAGE;
            break;
        }
    }
    if (rc)
        sh.stop = 1;
    /* Deliver results in suite order as they complete. */
    for (size_t i = 0; started && i < run->n; i++) {
        if (!run->res[i].selected)
            continue;
        pthread_mutex_lock(&sh.mu);
        while (!run->res[i].done)
            pthread_cond_wait(&sh.cv, &sh.mu);
        pthread_mutex_unlock(&sh.mu);
        if (on_done)
            on_done(run, i, ctx);
    }
    for (unsigned k = 0; k < started; k++)
        pthread_join(w[k].th, NULL);
    run->wall_ms = (double)(clk_now_us() - t0) / 1000.0;
    for (size_t i = 0; i < run->n; i++)
        if (run->res[i].selected)
            waits_sum(&run->waits, &run->res[i].play.waits);
    free(w);
    free(sh.order);
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.mu);
    /* Out of memory here only costs the grouping: every case keeps its own verdict. */
    if (rc == 0)
        (void)diagnose_run(run);
    return rc;
}

int run_exit_code(const struct run *run)
{
    if (run->fatal)
        return run->fatal;
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        if (r->unexpected_pass || (outcome_is_failure(r->play.v.outcome) && !r->known))
            return RUN_EXIT_FAIL;
    }
    return RUN_EXIT_PASS;
}

void run_cleanup(struct run *run)
{
    diagnose_cleanup(run);
    for (size_t i = 0; i < run->n; i++) {
        engine_result_cleanup(&run->res[i].play);
        free(run->res[i].out_tail);
        free(run->res[i].err_tail);
    }
    free(run->res);
    run->res = NULL;
}
