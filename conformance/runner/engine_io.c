/* engine_io.c -- the steps that act: connect, udp, accept, send, shutdown, close, reset, sleep,
 * and those that watch the program under test: expect-exit, expect-stdout, expect-stderr. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casefile_int.h"
#include "engine_int.h"
#include "status.h"

/* The step's data with the session's index written where `index` atoms were. */
static int expand(const struct session *s, const struct cf_data *d, struct bytes *out)
{
    char idx[16];
    int il = snprintf(idx, sizeof idx, "%u", s->index);
    size_t at = 0;
    int rc = 0;
    for (unsigned k = 0; rc == 0 && k < d->n_index; k++) {
        /* d->bytes is NULL when the data is only `index`: no pointer arithmetic on it then */
        if (d->index_at[k] > at)
            rc = bytes_append(out, d->bytes + at, d->index_at[k] - at);
        if (rc == 0)
            rc = bytes_append(out, idx, (size_t)il);
        at = d->index_at[k];
    }
    if (rc == 0 && d->len > at)
        rc = bytes_append(out, d->bytes + at, d->len - at);
    return rc;
}

int eng_data(const struct session *s, const struct cf_step *st, struct bytes *tmp,
             const unsigned char **p, size_t *len)
{
    if (st->data.n_index == 0) {
        *p = st->data.bytes;
        *len = st->data.len;
        return 0;
    }
    int rc = expand(s, &st->data, tmp);
    *p = tmp->data;
    *len = tmp->len;
    return rc;
}

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
    struct conn *srv = eng_conn(s, NULL, "server");
    if (srv && srv->have_peer)
        return &srv->peer;
    if (c->have_peer)
        return &c->peer;
    eng_fail(s, st, OUT_FAIL, "no datagram from the client yet: nowhere to send");
    return NULL;
}

static int do_send(struct session *s, const struct cf_step *st, struct conn *c)
{
    struct bytes tmp;
    bytes_init(&tmp, 0);
    const unsigned char *p;
    size_t len;
    int rc = eng_data(s, st, &tmp, &p, &len);
    if (rc < 0) {
        bytes_cleanup(&tmp);
        eng_fail(s, st, OUT_FAIL, "out of memory");
        return -1;
    }
    if (c->kind == CONN_UDP) {
        const struct net_addr *to = udp_destination(s, st, c);
        rc = to ? conn_sendto(c, p, len, to) : -1;
        if (to && rc < 0)
            eng_fail(s, st, OUT_FAIL, "sendto failed: %s", errtext(rc));
        bytes_cleanup(&tmp);
        return rc < 0 ? -1 : 0;
    }
    size_t sent = 0;
    rc = conn_send(c, p, len, st->chunk, st->delay_ms, eng_step_deadline(s, st), &sent);
    bytes_cleanup(&tmp);
    if (rc == -ETIMEDOUT) {
        eng_fail(s, st, OUT_TIMEOUT, "the peer stopped reading: %zu of %zu bytes sent in time",
                 sent, len);
        return -1;
    }
    if (rc < 0) {
        eng_fail(s, st, OUT_FAIL, "send failed after %zu of %zu bytes: %s", sent, len,
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
        eng_fail(s, st, OUT_FAIL, "the runner is not listening in this case");
        return -1;
    }
    int64_t deadline = eng_step_deadline(s, st);
    for (;;) {
        int64_t slice = tr_now_ms() + 50;
        int rc = conn_accept(c, env->listen_fd, slice < deadline ? slice : deadline);
        if (rc == 0) {
            tr_note(c->tr, s->id, c->name, TR_EVENT, "accepted the client's connection");
            return 0;
        }
        if (rc != -ETIMEDOUT) {
            eng_fail(s, st, OUT_FAIL, "accept failed: %s", errtext(rc));
            return -1;
        }
        if (env->proc && !proc_running(env->proc)) {
            char how[64];
            proc_describe_end(env->proc, how, sizeof how);
            eng_fail(s, st, OUT_FAIL, "the client %s without connecting", how);
            return -1;
        }
        if (tr_now_ms() >= deadline) {
            eng_fail(s, st, OUT_TIMEOUT, "the client did not connect in time");
            return -1;
        }
    }
}

int eng_step_io(struct session *s, const struct cf_step *st)
{
    const struct engine_env *env = s->e->env;
    struct conn *c = NULL;
    int rc = 0;
    if (st->op == CF_SLEEP) {
        int64_t until = tr_now_ms() + (int64_t)(st->ms * env->scale);
        if (until > s->e->deadline)
            until = s->e->deadline;
        int64_t left = until - tr_now_ms();
        if (left > 0) {
            struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        return 0;
    }
    if (st->op == CF_CONNECT || st->op == CF_UDP || st->op == CF_ACCEPT)
        c = eng_conn_new(s, st, st->name);
    else
        c = eng_conn(s, st, st->name);
    if (!c)
        return -1;
    switch (st->op) {
    case CF_CONNECT:
        rc = conn_connect(c, &env->target, eng_step_deadline(s, st));
        if (st->refused) {
            if (rc == -ECONNREFUSED) {
                tr_note(c->tr, s->id, c->name, TR_EVENT, "connection refused, as expected");
                return 0;
            }
            eng_fail(s, st, OUT_FAIL, "expected the connection to be refused, got: %s",
                     rc == 0 ? "accepted" : errtext(rc));
            return -1;
        }
        if (rc == 0) {
            tr_note(c->tr, s->id, c->name, TR_EVENT, "connected from %s", c->local);
            return 0;
        }
        eng_fail(s, st, rc == -ETIMEDOUT ? OUT_TIMEOUT : OUT_FAIL, "cannot connect: %s",
                 errtext(rc));
        return -1;
    case CF_UDP:
        rc = conn_udp(c, env->target.ss.ss_family);
        if (rc < 0) {
            eng_fail(s, st, OUT_FAIL, "cannot open a UDP socket: %s", errtext(rc));
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
        eng_fail(s, st, OUT_FAIL, "step not supported here");
        return -1;
    }
    if (rc < 0) {
        eng_fail(s, st, OUT_FAIL, "%s", errtext(rc));
        return -1;
    }
    return 0;
}

/* expect-exit: the program under test ended within the timeout, with the expected status. */
static int expect_exit(struct session *s, const struct cf_step *st, struct proc *p)
{
    int64_t deadline = eng_step_deadline(s, st);
    int64_t left = deadline - tr_now_ms();
    if (proc_wait(p, left > 0 ? (int)left : 0) < 0) {
        eng_fail(s, st, OUT_TIMEOUT, "the program was still running after %lld ms",
                 (long long)(st->timeout_ms ? st->timeout_ms * s->e->env->scale
                                            : s->e->env->step_timeout_ms));
        return -1;
    }
    int status = proc_status(p);
    char how[64];
    proc_describe_end(p, how, sizeof how);
    tr_note(&s->e->res->tr, s->id, "", TR_EVENT, "the program %s", how);
    if (status > 255) {
        eng_fail(s, st, OUT_CRASH, "the program was %s", how);
        return -1;
    }
    int ok = st->exit_code == CF_EXIT_ANY || (st->exit_code == CF_EXIT_NONZERO && status != 0) ||
             st->exit_code == status;
    if (ok)
        return 0;
    if (st->exit_code == CF_EXIT_NONZERO)
        eng_fail(s, st, OUT_FAIL, "expected a non-zero exit status (failure), it %s", how);
    else
        eng_fail(s, st, OUT_FAIL, "expected exit status %d, it %s", st->exit_code, how);
    return -1;
}

/* Escapes regex metacharacters of |text| into |out|. */
static int re_quote(struct bytes *out, const char *text)
{
    int rc = 0;
    for (const char *t = text; rc == 0 && *t; t++) {
        if (strchr(".[]()*+?{}|^$\\", *t))
            rc = bytes_puts(out, "\\");
        if (rc == 0)
            rc = bytes_append(out, t, 1);
    }
    return rc;
}

int eng_regex(struct session *s, const char *pattern, regex_t *re)
{
    struct bytes b;
    bytes_init(&b, 8192);
    int rc = 0;
    for (const char *p = pattern; rc == 0 && *p; p++) {
        size_t pl = cfl_placeholder_len(p);
        if (pl) {
            char name[CF_NAME_MAX];
            char addr[NET_ADDR_TEXT] = "";
            snprintf(name, sizeof name, "%.*s", (int)(pl - 2), p + 1);
            struct conn *c = eng_conn(s, NULL, name);
            if (strcmp(name, "server") == 0)
                net_addr_format((const struct sockaddr *)&s->e->env->target.ss,
                                s->e->env->target.len, addr);
            else if (c)
                snprintf(addr, sizeof addr, "%s", c->local);
            if (addr[0]) {
                rc = re_quote(&b, addr);
                p += pl - 1;
                continue;
            }
        }
        rc = bytes_append(&b, p, 1);
    }
    if (rc == 0)
        rc = regcomp(re, bytes_str(&b), REG_EXTENDED | REG_NOSUB) == 0 ? 0 : WC_ERR_INVALID;
    bytes_cleanup(&b);
    return rc;
}

int eng_line_matches(const struct cf_step *st, const regex_t *re, const unsigned char *line,
                     size_t len)
{
    if (!st->regex)
        return len == st->data.len && (len == 0 || memcmp(line, st->data.bytes, len) == 0);
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)len;
    return regexec(re, len ? (const char *)line : "", 1, m, REG_STARTEND) == 0;
}

/* expect-stdout / expect-stderr: a line of the program's output, after the last match. */
static int expect_output(struct session *s, const struct cf_step *st, struct proc *p)
{
    enum proc_stream which = st->op == CF_EXPECT_STDOUT ? PROC_STDOUT : PROC_STDERR;
    const char *sname = which == PROC_STDOUT ? "stdout" : "stderr";
    regex_t re;
    if (st->regex && eng_regex(s, st->regex, &re) < 0) {
        eng_fail(s, st, OUT_FAIL, "the regex does not compile once filled in");
        return -1;
    }
    int64_t deadline = eng_step_deadline(s, st);
    struct bytes out;
    bytes_init(&out, 0);
    int found = 0, ended = 0;
    if (st->from_start)
        s->line_pos[which] = 0;
    size_t have = s->line_pos[which];
    for (;;) {
        out.len = 0;
        proc_output(p, which, s->line_pos[which], &out);
        int eof = proc_output_eof(p, which) || (ended && tr_now_ms() >= deadline);
        size_t start = 0;
        while (start < out.len) {
            const unsigned char *nl = memchr(out.data + start, '\n', out.len - start);
            if (!nl && !eof)
                break;
            size_t end = nl ? (size_t)(nl - out.data) : out.len;
            size_t len = end > start && out.data[end - 1] == '\r' ? end - start - 1 : end - start;
            if (eng_line_matches(st, &re, out.data + start, len)) {
                s->line_pos[which] += (nl ? end + 1 : end);
                found = 1;
                break;
            }
            start = nl ? end + 1 : out.len;
        }
        if (found || eof || tr_now_ms() >= deadline)
            break;
        if (!ended && !proc_running(p)) {
            ended = 1; /* wait for the last bytes it wrote (the pipe's end, on a loaded
                        * machine), bounded */
            int64_t d2 = tr_now_ms() + 2000;
            deadline = d2 < deadline ? d2 : deadline;
        }
        have = proc_output_wait(p, which, have, ended ? deadline : tr_now_ms() + 20);
    }
    if (st->regex)
        regfree(&re);
    if (!found) {
        struct bytes *d = eng_detail(s);
        if (d->len == 0) {
            bytes_printf(d, "wanted a line of %s %s ", sname,
                         st->regex ? "matching the regex" : "equal to");
            if (st->regex) {
                bytes_printf(d, "/%s/\n", st->regex);
            } else {
                bytes_escape(d, st->data.bytes, st->data.len, 300);
                bytes_puts(d, "\n");
            }
            out.len = 0;
            proc_output(p, which, s->line_pos[which], &out);
            size_t from = out.len > 1500 ? out.len - 1500 : 0;
            bytes_printf(d, "%s since the case began (or the last match)%s:\n  ", sname,
                         from ? ", its end" : "");
            /* out.data is NULL while the program has printed nothing */
            bytes_escape(d, out.len ? (const void *)(out.data + from) : "", out.len - from, 1500);
            bytes_puts(d, "\n");
        }
        int running = proc_running(p);
        eng_fail(s, st, running ? OUT_TIMEOUT : OUT_FAIL, "no line of %s matched%s", sname,
                 running ? " in time" : " before the program ended");
    }
    bytes_cleanup(&out);
    return found ? 0 : -1;
}

int eng_step_program(struct session *s, const struct cf_step *st)
{
    struct proc *p = s->e->env->proc;
    if (!p) {
        eng_fail(s, st, OUT_UNSUPPORTED, "needs the program started with --exec");
        return -1;
    }
    if (st->op == CF_EXPECT_EXIT)
        return expect_exit(s, st, p);
    return expect_output(s, st, p);
}
