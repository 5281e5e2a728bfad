/* client.c -- fuzzing a client: the runner plays a mutated server for it (replies chunked,
 * cut, garbled, closed or reset at any byte), and what the client then does -- its exit, what
 * it prints, what it sends -- is compared with what the reference client does. */
#include "netfuzz/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "status.h"

/* The client's stdout with the address it was told written as {server}, as case files say. */
static void normalized_stdout(struct proc *p, const char *addr, struct bytes *out)
{
    struct bytes raw;
    bytes_init(&raw, 1 << 20);
    /* It has ended, but its last lines may still be in the pipe: read to the end (a child it
     * left behind holding the pipe gets a moment, not forever). */
    int64_t until = clk_now_ms() + 500;
    while (!proc_output_eof(p, PROC_STDOUT) && clk_now_ms() < until)
        proc_output_wait(p, PROC_STDOUT, proc_output_len(p, PROC_STDOUT), until);
    proc_output(p, PROC_STDOUT, 0, &raw);
    size_t al = strlen(addr);
    for (size_t i = 0; i < raw.len;) {
        if (al && raw.len - i >= al && memcmp(raw.data + i, addr, al) == 0) {
            bytes_puts(out, "{server}");
            i += al;
        } else {
            bytes_append(out, raw.data + i, 1);
            i++;
        }
    }
    bytes_cleanup(&raw);
}

/*
 * What a client printed of what it was sent: of the last stdout line that holds the start (its
 * first 4 to 8 bytes) of a line the fuzzer sent, the part from there on. Only that is compared
 * and checked: a student's client may greet, log and word its output as it likes, but the reply
 * it shows last must be the reply, whole, as the reference client shows it. A line that holds
 * one of the client's own request lines whole is its log of what it sent, not a reply.
 */
/* Does |line|[0..n) hold one of the lines the client sent (its request, as it logs it)? */
static int logs_request(const unsigned char *line, size_t n, const struct nf_outcome *o)
{
    for (size_t c = 0; c < o->n; c++) {
        const struct bytes *rx = &o->conn[c].rx;
        for (size_t at = 0; at < rx->len;) {
            const unsigned char *p = rx->data + at;
            size_t left = rx->len - at;
            if (*p == '[') { /* a UDP record's "[N]" or "[other]" */
                const unsigned char *end = memchr(p, ']', left);
                at += end ? (size_t)(end - p) + 1 : left;
                continue;
            }
            size_t len = 0;
            while (len < left && p[len] != '\n' && p[len] != '\r' && p[len] != '[')
                len++;
            for (size_t i = 0; len >= 4 && i + len <= n; i++)
                if (memcmp(line + i, p, len) == 0)
                    return 1;
            at += len ? len : 1;
        }
    }
    return 0;
}

static void reply_lines(const struct nf_exchange *x, const struct bytes *text,
                        const struct nf_outcome *o, struct bytes *out)
{
    struct {
        const unsigned char *p;
        size_t n;
    } key[64];
    size_t nk = 0;
    for (size_t i = 0; i < x->n && nk < 64; i++) {
        const struct cf_step *st = &x->steps[i];
        for (size_t at = 0; st->op == CF_SEND && at < st->data.len && nk < 64;) {
            const unsigned char *line = st->data.bytes + at;
            const unsigned char *nl = memchr(line, '\n', st->data.len - at);
            size_t n = nl ? (size_t)(nl - line) : st->data.len - at;
            if (n >= 4) {
                key[nk].p = line;
                key[nk++].n = n < 8 ? n : 8;
            }
            at += n + 1;
        }
    }
    for (size_t at = 0; at < text->len;) {
        const unsigned char *line = text->data + at;
        const unsigned char *nl = memchr(line, '\n', text->len - at);
        size_t n = nl ? (size_t)(nl - line) : text->len - at;
        size_t best = n;
        for (size_t k = 0; k < nk; k++)
            for (size_t i = 0; i + key[k].n <= n && i < best; i++)
                if (memcmp(line + i, key[k].p, key[k].n) == 0)
                    best = i;
        if (best < n && !logs_request(line, n, o)) {
            bytes_consume(out, out->len); /* only the last one counts: see above */
            bytes_append(out, line + best, n - best);
            bytes_puts(out, "\n");
        }
        at += n + 1;
    }
}

/* The client run of one exchange: started, played to, waited for, stopped. */
struct client_play {
    struct client_run cr;
    char addr[NET_ADDR_TEXT];
};

static int start_client(struct target *t, const struct suite *s, struct client_play *cp, char *err,
                        size_t errlen)
{
    int rc = target_client_start(s, t->exec, t->placeholders, NULL, 1, t->sb, &cp->cr, err, errlen);
    if (rc < 0) {
        target_client_finish(&cp->cr);
        return WC_ERR_UNAVAILABLE;
    }
    net_addr_format((const struct sockaddr *)&cp->cr.addr.ss, cp->cr.addr.len, cp->addr);
    return 0;
}

static void client_env(const struct client_play *cp, const struct suite *s, double scale,
                       struct engine_env *env)
{
    memset(env, 0, sizeof *env);
    env->client_role = 1;
    env->udp = s->udp;
    env->target = cp->cr.addr;
    env->listen_fd = cp->cr.listen_fd;
    env->proc = cp->cr.proc;
    env->step_timeout_ms = (unsigned)(1000 * scale);
    env->scale = scale;
}

int nf_play_client(struct target *t, const struct suite *s, const struct nf_exchange *x,
                   const struct nf_outcome *ref, double scale, struct nf_outcome *o, char *err,
                   size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->client = 1;
    bytes_init(&o->out, 1 << 20);
    struct client_play cp;
    if (start_client(t, s, &cp, err, errlen) < 0)
        return WC_ERR_UNAVAILABLE;
    struct engine_env env;
    client_env(&cp, s, scale, &env);
    for (size_t i = 0; i < x->n; i++)
        if (x->steps[i].op == CF_ACCEPT || (s->udp && x->steps[i].op == CF_DRAIN))
            nf_outcome_conn(o, x->steps[i].name);
    /* The exchange, then its end inside the same session (the connections still open, as
     * in a case file): the client's exit, whatever its status. */
    struct cf_step steps[NF_MAX_STEPS + 1];
    nf_set_wants(x, ref, 0, s->udp, steps);
    memset(&steps[x->n], 0, sizeof steps[x->n]);
    steps[x->n].op = CF_EXPECT_EXIT;
    steps[x->n].exit_code = CF_EXIT_ANY;
    steps[x->n].timeout_ms = NF_CLIENT_EXIT_MS;
    struct engine_result res;
    engine_result_init(&res, 0);
    engine_play(&env, steps, x->n + 1,
                (unsigned)((NF_CLIENT_START_MS + NF_CLIENT_EXIT_MS + 2000) * scale), &res);
    nf_outcome_collect(&res, s, NULL, o);
    engine_result_cleanup(&res);
    if (proc_running(cp.cr.proc)) {
        o->hung = 1;
        proc_stop(cp.cr.proc, 100);
    } else {
        int st = proc_status(cp.cr.proc);
        o->status = st & 0xff;
        o->died = st > 255;
        proc_describe_end(cp.cr.proc, o->how, sizeof o->how);
    }
    struct bytes text;
    bytes_init(&text, 1 << 20);
    normalized_stdout(cp.cr.proc, cp.addr, &text);
    reply_lines(x, &text, o, &o->out);
    bytes_cleanup(&text);
    target_client_finish(&cp.cr);
    return 0;
}

int nf_confirms_client(const struct cf_case *c, const struct suite *s, struct target *t,
                       struct target *ref, double scale)
{
    int ok = 1;
    char err[512];
    for (int k = 0; k < 2 && ok; k++) {
        struct client_play cp;
        if (start_client(k ? t : ref, s, &cp, err, sizeof err) < 0)
            return 0;
        struct engine_env env;
        client_env(&cp, s, scale, &env);
        struct engine_result r;
        engine_result_init(&r, 0);
        engine_play(&env, c->steps, c->n_steps,
                    (unsigned)((NF_CLIENT_START_MS + NF_CLIENT_EXIT_MS + 2000) * scale), &r);
        int failed = outcome_is_failure(r.v.outcome) || proc_running(cp.cr.proc) ||
                     proc_status(cp.cr.proc) > 255;
        engine_result_cleanup(&r);
        if (proc_running(cp.cr.proc))
            proc_stop(cp.cr.proc, 100);
        target_client_finish(&cp.cr);
        ok = k ? failed : !failed;
    }
    return ok;
}

static const char *exit_class(const struct nf_outcome *o)
{
    return o->hung ? "hang" : o->died ? "signal" : o->status ? "nonzero" : "0";
}

int nf_compare_client(const struct nf_outcome *target, const struct nf_outcome *ref, char *sig,
                      size_t siglen)
{
    if (target->died) {
        snprintf(sig, siglen, "crash");
        return 1;
    }
    if (strcmp(exit_class(target), exit_class(ref)) != 0) {
        snprintf(sig, siglen, "%s:%s->%s", target->hung ? "hang" : "exit", exit_class(ref),
                 exit_class(target));
        return 1;
    }
    /* What it prints is compared where the reference succeeded: on a failure the suites ask
     * for a status, not for any output. */
    int succeeded = !ref->hung && !ref->died && ref->status == 0;
    if (succeeded &&
        (target->out.len != ref->out.len ||
         (ref->out.len && memcmp(target->out.data, ref->out.data, ref->out.len) != 0))) {
        snprintf(sig, siglen, "stdout:reply");
        return 1;
    }
    for (size_t i = 0; i < ref->n && i < target->n; i++) {
        const struct bytes *a = &target->conn[i].rx, *b = &ref->conn[i].rx;
        if (a->len != b->len || (a->len && memcmp(a->data, b->data, a->len) != 0)) {
            snprintf(sig, siglen, "request:differs");
            return 1;
        }
    }
    return 0;
}

/* Appends line |p|[0..n) as a regex anchored at its end, {server} kept as the placeholder.
 * Returns 0, a bytes_* error, or 1 when the line holds a byte a regex literal cannot (it is
 * left out). */
static int line_regex(struct bytes *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\' || p[i] == '^')
            return 1;
    int rc = bytes_puts(out, "expect-stdout re\""); /* whatever the client prints before it */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (n - i >= 8 && memcmp(p + i, "{server}", 8) == 0) {
            rc = bytes_puts(out, "{server}");
            i += 7;
        } else if (strchr(".[]()*+?{}|$", p[i])) {
            rc = bytes_printf(out, "[%c]", p[i]); /* a bracket makes any of them literal */
        } else {
            rc = bytes_append(out, &p[i], 1);
        }
    }
    return rc ? rc : bytes_puts(out, "$\"\n");
}

int nf_case_text_client_end(const struct nf_outcome *ref, struct bytes *out)
{
    int rc = 0;
    /* Each reply it printed, in order (a case checks lines, not the whole stream). */
    int succeeded = !ref->hung && !ref->died && ref->status == 0;
    for (size_t at = 0; rc == 0 && succeeded && at < ref->out.len;) {
        const unsigned char *s = ref->out.data + at;
        const unsigned char *nl = memchr(s, '\n', ref->out.len - at);
        size_t n = nl ? (size_t)(nl - s) : ref->out.len - at;
        if (n) {
            rc = line_regex(out, s, n);
            rc = rc == 1 ? 0 : rc;
        }
        at += n + 1;
    }
    if (rc == 0)
        rc = ref->hung ? bytes_puts(out, "expect-exit any timeout=3000\n")
                       : bytes_printf(out, "expect-exit %d timeout=3000\n", ref->status);
    return rc;
}
