/* check.c -- the steps that check, each reporting expected against actual: what the peer sent
 * (expect, expect-line, expect-close, expect-silence, expect-datagram) and what the program
 * under test did (expect-exit, expect-stdout, expect-stderr). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine/check.h"
#include "engine/explain.h"
#include "load/fact.h"
#include "status.h"

/* Longest line expect-line waits for before calling it a failure. */
#define ENGINE_MAX_LINE ((size_t)1 << 20)

/* "FIN", "RST", "RST with unread data" or alternatives, for the close kinds in |bits|. */
static const char *close_name(unsigned bits)
{
    static const char *const names[8] = {
        "no close", "FIN", "RST", "FIN or RST", "RST with unread data",
        "FIN or RST with unread data", "RST (with or without unread data)", "any close"};
    return names[(bits & (CF_CLOSE_FIN | CF_CLOSE_RST)) | ((bits & CF_CLOSE_UNREAD) ? 4 : 0)];
}

/* Renders |p| for a detail block: a quoted literal for text, else a hex dump. */
static void show(struct bytes *d, const char *label, const unsigned char *p, size_t n,
                 size_t base)
{
    bytes_printf(d, "  %s (%zu byte%s):", label, n, n == 1 ? "" : "s");
    if (n <= 400 && bytes_is_texty(p, n)) {
        bytes_puts(d, " ");
        bytes_escape(d, p, n, 400);
        bytes_puts(d, "\n");
    } else {
        bytes_puts(d, "\n");
        bytes_hexdump(d, p, n, base, 6, "    ");
    }
}

/* How wide |p|[0..n) is once bytes_escape has written it (without the quotes). */
static size_t escaped_width(const unsigned char *p, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        w += strchr("\"\\\n\r\t", c) && c ? 2 : c == 0 ? 2 : (c >= 0x20 && c < 0x7f) ? 1 : 4;
    }
    return w;
}

/* A byte for a one-line message: 'C' when printable, else 0x0a. */
static const char *byte_text(unsigned char c, char out[8])
{
    if (c >= 0x20 && c < 0x7f && c != '\'')
        snprintf(out, 8, "'%c'", c);
    else
        snprintf(out, 8, "0x%02x", (unsigned)c);
    return out;
}

/* Expected against received around the first differing byte |at|. */
static void mismatch_detail(struct session *s, const unsigned char *want, size_t wl,
                            const unsigned char *got, size_t gl, size_t at, size_t stream_off)
{
    struct bytes *d = session_detail(s);
    if (d->len)
        return;
    bytes_printf(d, "  first difference at byte %zu of the expected %zu (stream offset %zu)\n",
                 at, wl, stream_off + at);
    size_t from = at >= 32 ? (at - 32) & ~(size_t)15 : 0;
    size_t wend = wl - from > 96 ? from + 96 : wl;
    size_t gend = gl - from > 96 ? from + 96 : gl;
    show(d, from ? "expected, from there" : "expected", want + from, wend - from,
         stream_off + from);
    const char *label = from ? "received, from there" : "received";
    show(d, label, got + from, gend - from, stream_off + from);
    /* Both shown as text: a caret under the first byte that differs. */
    if (wend - from <= 400 && gend - from <= 400 && bytes_is_texty(want + from, wend - from) &&
        bytes_is_texty(got + from, gend - from) && at < gend) {
        char head[96];
        size_t n = gend - from;
        int hl = snprintf(head, sizeof head, "  %s (%zu byte%s): \"", label, n, n == 1 ? "" : "s");
        bytes_fill(d, ' ', (size_t)hl + escaped_width(got + from, at - from));
        bytes_puts(d, "^ first difference\n");
    }
    explain_difference(d, session_facts(s), want, wl, got, gl, at);
}

/* How a wait that did not complete ends the step: non-strict if the case allows it. */
static int unmet(struct session *s, const struct cf_step *st, struct conn *c, int timed_out,
                 size_t got, size_t want, const unsigned char *want_bytes, size_t want_len)
{
    unsigned happened = timed_out ? CF_CLOSE_TIMEOUT : c->closed;
    const char *what = timed_out ? "nothing more arrived in time"
                       : c->closed == CF_CLOSE_FIN ? "the peer closed (FIN)"
                       : c->closed == CF_CLOSE_UNREAD ? "the peer reset (RST) with our bytes unread"
                                                      : "the peer reset (RST)";
    if (st->nonstrict & happened) {
        session_fail(s, st, OUT_NONSTRICT, "%s instead (allowed, not preferred)", what);
        return -1;
    }
    /* What was expected is always shown, also when nothing (or a close) came instead. */
    struct bytes *d = session_detail(s);
    if (d->len == 0) {
        if (st->regex)
            bytes_printf(d, "  expected a line matching /%s/\n", st->regex);
        else if (want_bytes)
            show(d, st->op == CF_EXPECT_LINE ? "expected line" : "expected", want_bytes,
                 want_len, c->rx_off);
        if (got && c->rx.len)
            show(d, "received so far", c->rx.data, c->rx.len, c->rx_off);
        else
            bytes_puts(d, "  received: nothing\n");
        if (st->op == CF_EXPECT_LINE && !st->regex && c->rx.len == want_len && want_len &&
            memcmp(c->rx.data, want_bytes, want_len) == 0) {
            bytes_puts(d, "  why: the expected line came, without the \\n that ends it\n");
            fact_add(session_facts(s), FACT_NO_NEWLINE, NULL, NULL);
        } else if (st->op == CF_EXPECT_LINE && c->rx.len == 0) {
            explain_short(d, session_facts(s), want_bytes, want_len, 0, want);
        } else if (st->op != CF_EXPECT_LINE && want_bytes) {
            size_t at = 0;
            while (at < c->rx.len && at < want_len && c->rx.data[at] == want_bytes[at])
                at++;
            if (at == c->rx.len)
                explain_difference(d, session_facts(s), want_bytes, want_len, c->rx.data,
                                   c->rx.len, at);
            explain_short(d, session_facts(s), want_bytes, want_len, c->rx.len, want);
        }
    }
    session_fail(s, st, timed_out ? OUT_TIMEOUT : OUT_FAIL, "%s after %zu of %zu expected bytes",
             what, got, want);
    return -1;
}

static int expect_bytes(struct session *s, const struct cf_step *st, struct conn *c)
{
    struct bytes tmp;
    bytes_init(&tmp, 0);
    const unsigned char *want;
    size_t wl;
    if (session_data(s, st, &tmp, &want, &wl) < 0) {
        bytes_cleanup(&tmp);
        session_fail(s, st, OUT_FAIL, "out of memory");
        return -1;
    }
    int64_t deadline = session_deadline(s, st);
    int rc = 0;
    size_t checked = 0; /* rx[0..checked) already matches: compare only new bytes */
    for (;;) {
        size_t have = c->rx.len < wl ? c->rx.len : wl;
        if (have > checked && memcmp(c->rx.data + checked, want + checked, have - checked)) {
            size_t at = checked;
            while (c->rx.data[at] == want[at])
                at++;
            mismatch_detail(s, want, wl, c->rx.data, c->rx.len, at, c->rx_off);
            char we[8], ge[8];
            session_fail(s, st, OUT_FAIL, "byte %zu differs: expected %s, received %s", at,
                         byte_text(want[at], we), byte_text(c->rx.data[at], ge));
            rc = -1;
            break;
        }
        checked = have;
        if (c->rx.len >= wl) {
            bytes_consume(&c->rx, wl);
            c->rx_off += wl;
            if (wl)
                conn_answered(c);
            break;
        }
        if (c->closed) {
            rc = unmet(s, st, c, 0, c->rx.len, wl, want, wl);
            break;
        }
        ssize_t n = conn_fill(c, deadline);
        if (n == -ETIMEDOUT) {
            rc = unmet(s, st, c, 1, c->rx.len, wl, want, wl);
            break;
        }
        if (n < 0) {
            session_fail(s, st, OUT_FAIL, "read failed: %s", strerror((int)-n));
            rc = -1;
            break;
        }
    }
    bytes_cleanup(&tmp);
    return rc;
}

static int expect_line(struct session *s, const struct cf_step *st, struct conn *c)
{
    regex_t re;
    if (st->regex && session_regex(s, st->regex, &re) < 0) {
        session_fail(s, st, OUT_FAIL, "the regex does not compile once filled in");
        return -1;
    }
    int64_t deadline = session_deadline(s, st);
    int rc = -1;
    for (;;) {
        const unsigned char *nl = c->rx.len ? memchr(c->rx.data, '\n', c->rx.len) : NULL;
        if (nl) {
            size_t len = (size_t)(nl - c->rx.data);
            if (session_line_matches(st, &re, c->rx.data, len)) {
                bytes_consume(&c->rx, len + 1);
                c->rx_off += len + 1;
                conn_answered(c);
                rc = 0;
                break;
            }
            struct bytes *d = session_detail(s);
            if (d->len == 0) {
                if (st->regex) {
                    bytes_printf(d, "  expected a line matching /%s/\n", st->regex);
                } else {
                    show(d, "expected line", st->data.bytes, st->data.len, 0);
                }
                show(d, "received line", c->rx.data, len, c->rx_off);
                if (!st->regex) {
                    size_t at = 0;
                    while (at < len && at < st->data.len && c->rx.data[at] == st->data.bytes[at])
                        at++;
                    explain_difference(d, session_facts(s), st->data.bytes, st->data.len,
                                       c->rx.data, len, at);
                }
            }
            session_fail(s, st, OUT_FAIL, "the line received does not %s",
                     st->regex ? "match the regex" : "equal the expected line");
            break;
        }
        if (c->rx.len > ENGINE_MAX_LINE) {
            session_fail(s, st, OUT_FAIL, "no newline in the first %zu bytes", ENGINE_MAX_LINE);
            break;
        }
        if (c->closed) {
            unmet(s, st, c, 0, c->rx.len, c->rx.len + 1, st->data.bytes, st->data.len);
            break;
        }
        ssize_t n = conn_fill(c, deadline);
        if (n == -ETIMEDOUT) {
            unmet(s, st, c, 1, c->rx.len, c->rx.len + 1, st->data.bytes, st->data.len);
            break;
        }
        if (n < 0) {
            session_fail(s, st, OUT_FAIL, "read failed: %s", strerror((int)-n));
            break;
        }
    }
    if (st->regex)
        regfree(&re);
    return rc;
}

static int expect_close(struct session *s, const struct cf_step *st, struct conn *c)
{
    int64_t deadline = session_deadline(s, st);
    for (;;) {
        if (c->rx.len) {
            show(session_detail(s), "unread bytes", c->rx.data, c->rx.len, c->rx_off);
            session_fail(s, st, OUT_FAIL, "expected the connection to close (%s), but %zu more "
                     "byte%s arrived", close_name(st->close_ok), c->rx.len,
                     c->rx.len == 1 ? "" : "s");
            return -1;
        }
        if (c->closed) {
            if (c->closed & st->close_ok)
                return 0;
            if (c->closed & st->nonstrict) {
                session_fail(s, st, OUT_NONSTRICT, "closed with %s, %s preferred",
                         close_name(c->closed), close_name(st->close_ok));
                return -1;
            }
            session_fail(s, st, OUT_FAIL, "the connection closed with %s, expected %s",
                     close_name(c->closed), close_name(st->close_ok));
            return -1;
        }
        ssize_t n = conn_fill(c, deadline);
        if (n == -ETIMEDOUT) {
            if (st->nonstrict & CF_CLOSE_TIMEOUT) {
                session_fail(s, st, OUT_NONSTRICT, "still open after the timeout (allowed, a "
                         "close is preferred)");
                return -1;
            }
            session_fail(s, st, OUT_TIMEOUT, "the connection was still open after the timeout "
                     "(expected %s)", close_name(st->close_ok));
            return -1;
        }
        if (n < 0) {
            session_fail(s, st, OUT_FAIL, "read failed: %s", strerror((int)-n));
            return -1;
        }
    }
}

static int expect_silence(struct session *s, const struct cf_step *st, struct conn *c)
{
    int64_t start = clk_now_ms();
    int64_t until = start + (int64_t)(st->ms * s->e->env->scale);
    if (until > s->e->deadline)
        until = s->e->deadline;
    if (c->kind == CONN_UDP) {
        unsigned char *buf = malloc(CONN_DGRAM_MAX);
        struct net_addr from;
        ssize_t n = buf ? conn_recv_datagram(c, buf, &from, until) : -ENOMEM;
        if (n >= 0)
            show(session_detail(s), "datagram", buf, (size_t)n < CONN_DGRAM_MAX ? (size_t)n : 0,
                 0);
        free(buf);
        if (n == -ETIMEDOUT)
            return 0;
        session_fail(s, st, OUT_FAIL, n >= 0 ? "expected no datagram for %u ms, one came after "
                 "%lld ms" : "expected no datagram for %u ms: receive failed after %lld ms",
                 st->ms, (long long)(clk_now_ms() - start));
        return -1;
    }
    if (!c->rx.len && !c->closed) {
        ssize_t n = conn_fill(c, until);
        if (n == -ETIMEDOUT)
            return 0;
    }
    if (c->rx.len) {
        show(session_detail(s), "received", c->rx.data, c->rx.len, c->rx_off);
        session_fail(s, st, OUT_FAIL, "expected silence for %u ms, received %zu bytes", st->ms,
                 c->rx.len);
    } else {
        session_fail(s, st, OUT_FAIL, "expected silence for %u ms, the peer closed (%s) after "
                 "%lld ms", st->ms, close_name(c->closed), (long long)(clk_now_ms() - start));
    }
    return -1;
}

static int expect_datagram(struct session *s, const struct cf_step *st, struct conn *c)
{
    const struct engine_env *env = s->e->env;
    struct bytes tmp;
    bytes_init(&tmp, 0);
    const unsigned char *want;
    size_t wl;
    unsigned char *buf = malloc(CONN_DGRAM_MAX);
    int rc = -1;
    if (!buf || session_data(s, st, &tmp, &want, &wl) < 0) {
        session_fail(s, st, OUT_FAIL, "out of memory");
        goto out;
    }
    struct net_addr from;
    ssize_t n = conn_recv_datagram(c, buf, &from, session_deadline(s, st));
    if (n == -ETIMEDOUT) {
        if (st->nonstrict & CF_CLOSE_TIMEOUT)
            session_fail(s, st, OUT_NONSTRICT, "no datagram in time (allowed, not preferred)");
        else
            session_fail(s, st, OUT_TIMEOUT, "no datagram arrived in time (expected %zu bytes)",
                     wl);
        goto out;
    }
    if (n < 0) {
        session_fail(s, st, OUT_FAIL, "receive failed: %s", strerror((int)-n));
        goto out;
    }
    size_t got = (size_t)n < CONN_DGRAM_MAX ? (size_t)n : CONN_DGRAM_MAX;
    if (c == session_conn(s, NULL, "server") && env->client_role) {
        c->peer = from;
        c->have_peer = 1;
    }
    if (!env->client_role && !st->from_any && !net_same_addr(&from, &env->target)) {
        char a[NET_ADDR_TEXT], b[NET_ADDR_TEXT];
        net_addr_format((const struct sockaddr *)&from.ss, from.len, a);
        net_addr_format((const struct sockaddr *)&env->target.ss, env->target.len, b);
        session_fail(s, st, OUT_FAIL, "the reply came from %s, not from the server's address %s",
                 a, b);
        goto out;
    }
    if (got != wl || (wl && memcmp(buf, want, wl) != 0)) {
        size_t at = 0;
        while (at < got && at < wl && buf[at] == want[at])
            at++;
        mismatch_detail(s, want, wl, buf, got, at, 0);
        if (got < wl && at == got && session_detail(s)->len)
            explain_short(session_detail(s), session_facts(s), want, wl, got, wl);
        if (got != wl)
            session_fail(s, st, OUT_FAIL, "datagram of %zu bytes, expected %zu", got, wl);
        else {
            char we[8], ge[8];
            session_fail(s, st, OUT_FAIL, "datagram byte %zu differs: expected %s, received %s",
                         at, byte_text(want[at], we), byte_text(buf[at], ge));
        }
        goto out;
    }
    rc = 0;
out:
    free(buf);
    bytes_cleanup(&tmp);
    return rc;
}

/* The drain's targets are met: enough bytes, lines (UDP: datagrams) and the close it waits
 * for. */
static int drain_met(const struct cf_step *st, const struct conn *c, size_t lines)
{
    if (c->kind == CONN_UDP)
        return lines >= st->want_lines;
    return c->rx_off + c->rx.len >= st->want_bytes && lines >= st->want_lines &&
           (!st->want_close || c->closed);
}

/*
 * drain: everything that comes, kept in the transcript. With targets (the bytes, lines and
 * close the fuzzer knows are due) it waits up to the step's timeout for them and then a quiet
 * |ms| for anything extra; without, until a quiet |ms| or a close.
 */
static int drain(struct session *s, const struct cf_step *st, struct conn *c)
{
    double scale = s->e->env->scale;
    int64_t quiet = (int64_t)(st->ms * scale);
    int counted = st->want_bytes || st->want_lines || st->want_close;
    int64_t wait_end = clk_now_ms() + (int64_t)(st->timeout_ms * scale);
    size_t lines = 0;
    unsigned char *buf = c->kind == CONN_UDP ? malloc(CONN_DGRAM_MAX) : NULL;
    if (c->kind == CONN_UDP && !buf)
        return 0;
    for (;;) {
        /* What is already in (it may have come while sending) counts before any wait. */
        for (size_t i = 0; i < c->rx.len; i++)
            lines += c->rx.data[i] == '\n';
        c->rx_off += c->rx.len;
        bytes_consume(&c->rx, c->rx.len);
        int64_t until = clk_now_ms() + quiet;
        if (counted && !drain_met(st, c, lines)) {
            until = wait_end;
            /* A peer that went quiet before all that is due came: short, not slow. */
            int64_t stall = clk_now_ms() + (int64_t)(st->stall_ms * scale);
            if (st->stall_ms && stall < until)
                until = stall;
        }
        if (until > s->e->deadline)
            until = s->e->deadline;
        if (c->kind == CONN_UDP) {
            struct net_addr from;
            if (conn_recv_datagram(c, buf, &from, until) < 0)
                break;
            lines++;
            if (s->e->env->client_role && c == session_conn(s, NULL, "server")) {
                c->peer = from; /* the client's request: where replies go, as expect-datagram */
                c->have_peer = 1;
            }
            continue;
        }
        ssize_t n = c->closed ? 0 : conn_fill(c, until);
        if (n <= 0 || clk_now_ms() >= s->e->deadline)
            break;
    }
    c->rx_off += c->rx.len;
    bytes_consume(&c->rx, c->rx.len);
    conn_answered(c);
    free(buf);
    return 0;
}

static int check_peer(struct session *s, const struct cf_step *st)
{
    struct conn *c = session_conn(s, st, st->name);
    if (!c)
        return -1;
    if (c->fd < 0) {
        session_fail(s, st, OUT_FAIL, "'%s' was already closed by the runner", c->name);
        return -1;
    }
    switch (st->op) {
    case CF_EXPECT:
        return c->kind == CONN_UDP ? expect_datagram(s, st, c) : expect_bytes(s, st, c);
    case CF_EXPECT_DATAGRAM:
        if (c->kind != CONN_UDP) {
            session_fail(s, st, OUT_FAIL, "'%s' is not a UDP socket", c->name);
            return -1;
        }
        return expect_datagram(s, st, c);
    case CF_EXPECT_LINE:
        return expect_line(s, st, c);
    case CF_EXPECT_CLOSE:
        return expect_close(s, st, c);
    case CF_EXPECT_SILENCE:
        return expect_silence(s, st, c);
    case CF_DRAIN:
        return drain(s, st, c);
    default:
        session_fail(s, st, OUT_FAIL, "step not supported here");
        return -1;
    }
}

/* expect-exit: the program under test ended within the timeout, with the expected status. */
static int expect_exit(struct session *s, const struct cf_step *st, struct proc *p)
{
    int64_t deadline = session_deadline(s, st);
    int64_t left = deadline - clk_now_ms();
    if (proc_wait(p, left > 0 ? (int)left : 0) < 0) {
        session_fail(s, st, OUT_TIMEOUT, "the program was still running after %lld ms",
                 (long long)(st->timeout_ms ? st->timeout_ms * s->e->env->scale
                                            : s->e->env->step_timeout_ms));
        return -1;
    }
    int status = proc_status(p);
    char how[64];
    proc_describe_end(p, how, sizeof how);
    tr_note(&s->e->res->tr, s->id, "", TR_EVENT, "the program %s", how);
    if (status > 255) {
        session_fail(s, st, OUT_CRASH, "the program was %s", how);
        return -1;
    }
    int ok = st->exit_code == CF_EXIT_ANY || (st->exit_code == CF_EXIT_NONZERO && status != 0) ||
             st->exit_code == status;
    if (ok)
        return 0;
    if (st->exit_code == CF_EXIT_NONZERO)
        session_fail(s, st, OUT_FAIL, "expected a non-zero exit status (failure), it %s", how);
    else
        session_fail(s, st, OUT_FAIL, "expected exit status %d, it %s", st->exit_code, how);
    return -1;
}

/* expect-stdout / expect-stderr: a line of the program's output, after the last match. */
static int expect_output(struct session *s, const struct cf_step *st, struct proc *p)
{
    enum proc_stream which = st->op == CF_EXPECT_STDOUT ? PROC_STDOUT : PROC_STDERR;
    const char *sname = which == PROC_STDOUT ? "stdout" : "stderr";
    regex_t re;
    if (st->regex && session_regex(s, st->regex, &re) < 0) {
        session_fail(s, st, OUT_FAIL, "the regex does not compile once filled in");
        return -1;
    }
    int64_t deadline = session_deadline(s, st);
    struct bytes out;
    bytes_init(&out, 0);
    int found = 0, ended = 0;
    if (st->from_start)
        s->line_pos[which] = 0;
    size_t have = s->line_pos[which];
    for (;;) {
        out.len = 0;
        proc_output(p, which, s->line_pos[which], &out);
        int eof = proc_output_eof(p, which) || (ended && clk_now_ms() >= deadline);
        size_t start = 0;
        while (start < out.len) {
            const unsigned char *nl = memchr(out.data + start, '\n', out.len - start);
            if (!nl && !eof)
                break;
            size_t end = nl ? (size_t)(nl - out.data) : out.len;
            size_t len = end > start && out.data[end - 1] == '\r' ? end - start - 1 : end - start;
            if (session_line_matches(st, &re, out.data + start, len)) {
                s->line_pos[which] += (nl ? end + 1 : end);
                found = 1;
                break;
            }
            start = nl ? end + 1 : out.len;
        }
        if (found || eof || clk_now_ms() >= deadline)
            break;
        if (!ended && !proc_running(p)) {
            ended = 1; /* wait for the last bytes it wrote (the pipe's end, on a loaded
                        * machine), bounded */
            int64_t d2 = clk_now_ms() + 2000;
            deadline = d2 < deadline ? d2 : deadline;
        }
        have = proc_output_wait(p, which, have, ended ? deadline : clk_now_ms() + 20);
    }
    if (st->regex)
        regfree(&re);
    if (!found) {
        struct bytes *d = session_detail(s);
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
        session_fail(s, st, running ? OUT_TIMEOUT : OUT_FAIL, "no line of %s matched%s", sname,
                 running ? " in time" : " before the program ended");
    }
    bytes_cleanup(&out);
    return found ? 0 : -1;
}

static int check_program(struct session *s, const struct cf_step *st)
{
    struct proc *p = s->e->env->proc;
    if (!p) {
        session_fail(s, st, OUT_UNSUPPORTED, "needs the program started with --exec");
        return -1;
    }
    if (st->op == CF_EXPECT_EXIT)
        return expect_exit(s, st, p);
    return expect_output(s, st, p);
}

int check_step(struct session *s, const struct cf_step *st)
{
    if (st->op == CF_EXPECT_EXIT || st->op == CF_EXPECT_STDOUT || st->op == CF_EXPECT_STDERR)
        return check_program(s, st);
    return check_peer(s, st);
}
