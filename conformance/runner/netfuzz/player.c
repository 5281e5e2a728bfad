/* player.c -- an exchange played against a server, what came back, and how two plays differ. */
#include "netfuzz/netfuzz.h"
#include "netfuzz/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "engine/engine.h"
#include "net.h"
#include "status.h"

int nf_confirms(const char *text, const struct suite *s, struct target *t, struct target *ref,
                double scale)
{
    struct cf_case *c = NULL;
    char err[512];
    if (cf_parse("finding.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err, sizeof err) < 0)
        return 0;
    if (s->client_role) {
        int ok = nf_confirms_client(c, s, t, ref, scale);
        cf_free(c);
        return ok;
    }
    int ok = 1;
    for (int k = 0; k < 2 && ok; k++) {
        struct target *x = k ? t : ref;
        /* A fresh instance, as `wirecheck run --case-file` starts: what the fuzzing left the
         * server in (a serial one held by a connection) is not the case file's doing. */
        if (x->proc)
            target_stop(x);
        if (target_ensure(x, err, sizeof err) < 0) {
            ok = k == 1; /* a target that no longer starts: the case fails it */
            break;
        }
        struct engine_env env;
        nf_env_for(x, s, scale, &env);
        struct engine_result r;
        engine_result_init(&r, 0);
        engine_play(&env, c->steps, c->n_steps, (unsigned)(8000 * scale), &r);
        int died = x->proc && !proc_running(x->proc);
        int failed = outcome_is_failure(r.v.outcome) || died;
        engine_result_cleanup(&r);
        ok = k ? failed : !failed;
        if (died)
            target_stop(x);
    }
    cf_free(c);
    return ok;
}

/* Did the server die during the play? Noted in |o| (the next play starts a fresh one). A
 * program that misbehaved may be dying of it: it gets a moment to show. Returns 1 if so. */
static int note_death(struct target *t, const struct nf_outcome *ref, int sensor,
                      struct nf_outcome *o)
{
    if (!t->proc)
        return 0;
    char sig[64];
    int odd = ref && nf_compare(o, ref, sensor, sig, sizeof sig);
    proc_wait(t->proc, odd ? 20 : 0);
    if (proc_running(t->proc))
        return 0;
    o->died = 1;
    proc_describe_end(t->proc, o->how, sizeof o->how);
    target_stop(t);
    return 1;
}

int nf_play(struct target *t, const struct suite *s, const struct nf_exchange *x,
            const struct nf_outcome *ref, int sensor, double scale, struct nf_outcome *o, char *err,
            size_t errlen)
{
    if (s->client_role)
        return nf_play_client(t, s, x, ref, scale, o, err, errlen);
    memset(o, 0, sizeof *o);
    if (target_ensure(t, err, errlen) < 0)
        return WC_ERR_UNAVAILABLE;
    struct engine_env env;
    nf_env_for(t, s, scale, &env);
    struct engine_result res;
    engine_result_init(&res, 0);
    for (size_t i = 0; i < x->n; i++)
        if (x->steps[i].op == CF_CONNECT || x->steps[i].op == CF_UDP)
            nf_outcome_conn(o, x->steps[i].name);
    struct cf_step steps[NF_MAX_STEPS];
    nf_set_wants(x, ref, sensor, s->udp, steps);
    engine_play(&env, steps, x->n, (unsigned)(5000 * scale), &res);
    nf_outcome_collect(&res, s, t->addr_text, o);
    engine_result_cleanup(&res);
    note_death(t, ref, sensor, o);
    return 0;
}

int nf_keepable(const struct nf_exchange *x, const struct suite *s)
{
    if (s->udp || s->client_role || x->n < 3 || x->steps[0].op != CF_CONNECT)
        return 0;
    const unsigned char *last = NULL;
    for (size_t i = 1; i < x->n; i++) {
        const struct cf_step *st = &x->steps[i];
        int end = i + 1 == x->n;
        if (st->op == CF_SEND && !st->delay_ms) {
            if (st->data.len)
                last = st->data.bytes + st->data.len - 1;
        } else if (!(st->op == CF_DRAIN && (end || x->steps[i + 1].op == CF_CLOSE)) &&
                   !(st->op == CF_CLOSE && end)) {
            return 0;
        }
    }
    /* Whole lines only: the next exchange on the connection starts on a fresh line. */
    return last && *last == '\n';
}

void nf_kept_init(struct nf_kept *k)
{
    k->fd = -1;
    k->starts = 0;
}

void nf_kept_close(struct nf_kept *k)
{
    if (k->fd >= 0)
        close(k->fd);
    nf_kept_init(k);
}

/* Reads what comes on the kept connection into |c| until |want| bytes (or, with |lines|,
 * newlines) are in, it stalls, or the time is up; then for |settle| ms more. */
static void kept_read(struct nf_kept *k, struct nf_conn_out *c, const struct cf_step *d,
                      double scale)
{
    unsigned char buf[4096];
    size_t lines = 0;
    int64_t end = clk_now_ms() + (int64_t)(d->timeout_ms * scale);
    for (;;) {
        int met = c->rx.len >= d->want_bytes && lines >= d->want_lines;
        int64_t now = clk_now_ms();
        int64_t wait = met ? (int64_t)(d->ms * scale) : end - now;
        if (!met && d->stall_ms && wait > (int64_t)(d->stall_ms * scale))
            wait = (int64_t)(d->stall_ms * scale);
        if (wait < 0)
            wait = 0;
        net_ack_now(k->fd);
        ssize_t n = net_read_timeout(k->fd, buf, sizeof buf, (int)wait);
        if (n > 0) {
            bytes_append(&c->rx, buf, (size_t)n);
            for (ssize_t i = 0; i < n; i++)
                lines += buf[i] == '\n';
            continue;
        }
        if (n == 0 || (n < 0 && n != -ETIMEDOUT)) {
            c->closed = n == 0 ? CF_CLOSE_FIN : CF_CLOSE_RST;
            nf_kept_close(k);
        }
        break;
    }
}

int nf_play_kept(struct nf_kept *k, struct target *t, const struct nf_exchange *x,
                 const struct nf_outcome *ref, int sensor, double scale, struct nf_outcome *o,
                 char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (target_ensure(t, err, errlen) < 0)
        return WC_ERR_UNAVAILABLE;
    if (k->fd >= 0 && k->starts != t->starts)
        nf_kept_close(k); /* a new instance: the old connection went with the old one */
    struct nf_conn_out *c = nf_outcome_conn(o, x->steps[0].name);
    if (k->fd < 0) {
        int fd = net_tcp_connect(&t->addr, (int)(1000 * scale));
        if (fd < 0) {
            c->closed = CF_CLOSE_RST; /* refused: as a reset, for the comparison */
        } else {
            net_set_nodelay(fd, 1);
            k->fd = fd;
            k->starts = t->starts;
        }
    }
    struct cf_step steps[NF_MAX_STEPS];
    nf_set_wants(x, ref, sensor, 0, steps);
    for (size_t i = 0; k->fd >= 0 && i < x->n; i++) {
        const struct cf_step *st = &steps[i];
        if (st->op == CF_SEND) {
            size_t piece = st->chunk ? st->chunk : st->data.len;
            for (size_t at = 0; at < st->data.len && k->fd >= 0; at += piece) {
                size_t n = st->data.len - at < piece ? st->data.len - at : piece;
                if (net_write_all(k->fd, st->data.bytes + at, n) < 0) {
                    c->closed = CF_CLOSE_RST;
                    nf_kept_close(k);
                }
            }
        } else if (st->op == CF_DRAIN) {
            kept_read(k, c, st, scale);
        }
    }
    if (note_death(t, ref, sensor, o))
        nf_kept_close(k);
    return 0;
}

/* The kind of the line of |b| that holds byte |at|: "ACK", "ERROR", "other" or "none". */
static const char *line_kind(const struct bytes *b, size_t at)
{
    if (at >= b->len)
        return "none";
    size_t s = at;
    while (s > 0 && b->data[s - 1] != '\n')
        s--;
    if (b->len - s >= 4 && memcmp(b->data + s, "ACK:", 4) == 0)
        return "ACK";
    if (b->len - s >= 5 && memcmp(b->data + s, "ERROR", 5) == 0)
        return "ERROR";
    return "other";
}

int nf_compare(const struct nf_outcome *target, const struct nf_outcome *ref, int sensor, char *sig,
               size_t siglen)
{
    if (ref->client)
        return nf_compare_client(target, ref, sig, siglen);
    if (target->died) {
        snprintf(sig, siglen, "crash");
        return 1;
    }
    for (size_t i = 0; i < ref->n && i < target->n; i++) {
        const struct bytes *a = &target->conn[i].rx, *b = &ref->conn[i].rx;
        if (a->len != b->len || (a->len && memcmp(a->data, b->data, a->len) != 0)) {
            size_t at = 0;
            while (at < a->len && at < b->len && a->data[at] == b->data[at])
                at++;
            if (sensor) {
                const char *rk = line_kind(b, at), *tk = line_kind(a, at);
                if (strcmp(rk, tk) == 0)
                    snprintf(sig, siglen, "reply:%s-text", rk);
                else
                    snprintf(sig, siglen, "reply:%s->%s", rk, tk);
            } else {
                snprintf(sig, siglen, "reply:%s",
                         at == a->len   ? "short"
                         : at == b->len ? "extra"
                                        : "differs");
            }
            return 1;
        }
        /* The reference closed and the target did not (or the other way round). */
        if (target->conn[i].closed != ref->conn[i].closed &&
            !(ref->conn[i].closed && target->conn[i].closed)) {
            snprintf(sig, siglen, "close:%s->%s", nf_close_name(ref->conn[i].closed),
                     nf_close_name(target->conn[i].closed));
            return 1;
        }
    }
    return 0;
}

static uint64_t mix(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

uint64_t nf_shape(const struct nf_outcome *ref, int sensor)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < ref->n; i++) {
        const struct bytes *b = &ref->conn[i].rx;
        if (sensor) {
            /* The kinds of its lines, in order: ACK, ERROR, anything else. */
            for (size_t at = 0; at < b->len;) {
                const char *k = line_kind(b, at);
                h = mix(h, (unsigned char)k[0]);
                const unsigned char *nl = memchr(b->data + at, '\n', b->len - at);
                at = nl ? (size_t)(nl - b->data) + 1 : b->len;
            }
        } else {
            /* How much came back, in powers of two. */
            unsigned char lg = 0;
            for (size_t n = b->len; n; n >>= 1)
                lg++;
            h = mix(h, lg);
        }
        h = mix(h, (unsigned char)('0' + ref->conn[i].closed));
        h = mix(h, '|');
    }
    return h;
}

int nf_probe(struct target *t, const struct suite *s, double scale)
{
    char err[256];
    if (!s->def->n_steps)
        return 1;
    if (target_ensure(t, err, sizeof err) < 0)
        return -1;
    struct engine_env env;
    nf_env_for(t, s, scale, &env);
    struct engine_result r;
    engine_result_init(&r, 0);
    engine_play(&env, s->def->steps, s->def->n_steps, (unsigned)(3000 * scale), &r);
    int ok = !outcome_is_failure(r.v.outcome) && (!t->proc || proc_running(t->proc));
    engine_result_cleanup(&r);
    return ok;
}
