/* player.c -- an exchange played against a server, what came back, and how two plays differ. */
#include "netfuzz/netfuzz.h"

#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "status.h"

void nf_outcome_cleanup(struct nf_outcome *o)
{
    for (size_t i = 0; i < o->n; i++)
        bytes_cleanup(&o->conn[i].rx);
    memset(o, 0, sizeof *o);
}

static struct nf_conn_out *conn_of(struct nf_outcome *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->conn[i].name, name) == 0)
            return &o->conn[i];
    if (o->n == sizeof o->conn / sizeof o->conn[0])
        return NULL;
    struct nf_conn_out *c = &o->conn[o->n++];
    snprintf(c->name, sizeof c->name, "%s", name);
    bytes_init(&c->rx, (size_t)1 << 20);
    return c;
}

/* How the engine reaches the server of |t|: every play and replay of the fuzzer. */
static void env_for(const struct target *t, const struct suite *s, double scale,
                    struct engine_env *env)
{
    memset(env, 0, sizeof *env);
    env->udp = s->udp;
    env->target = t->addr;
    env->listen_fd = -1;
    env->proc = t->proc;
    env->step_timeout_ms = (unsigned)(1000 * scale);
    env->scale = scale;
}

int nf_confirms(const char *text, const struct suite *s, struct target *t, struct target *ref,
                double scale)
{
    struct cf_case *c = NULL;
    char err[512];
    if (cf_parse("finding.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err, sizeof err) < 0)
        return 0;
    int ok = 1;
    for (int k = 0; k < 2 && ok; k++) {
        struct target *x = k ? t : ref;
        if (target_ensure(x, err, sizeof err) < 0) {
            ok = k == 1; /* a target that no longer starts: the case fails it */
            break;
        }
        struct engine_env env;
        env_for(x, s, scale, &env);
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

int nf_play(struct target *t, const struct suite *s, const struct nf_exchange *x, double scale,
            struct nf_outcome *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (target_ensure(t, err, errlen) < 0)
        return WC_ERR_UNAVAILABLE;
    struct engine_env env;
    env_for(t, s, scale, &env);
    struct engine_result res;
    engine_result_init(&res, 0);
    for (size_t i = 0; i < x->n; i++)
        if (x->steps[i].op == CF_CONNECT || x->steps[i].op == CF_UDP)
            conn_of(o, x->steps[i].name);
    engine_play(&env, x->steps, x->n, (unsigned)(5000 * scale), &res);
    pthread_mutex_lock(&res.tr.mu);
    for (size_t i = 0; i < res.tr.n; i++) {
        const struct tr_event *e = &res.tr.ev[i];
        struct nf_conn_out *c = e->conn[0] ? conn_of(o, e->conn) : NULL;
        if (!c)
            continue;
        if (e->kind == TR_RECV) {
            if (s->udp)
                bytes_printf(&c->rx, "[%zu]", e->len);
            bytes_append(&c->rx, e->data, e->shown);
            if (e->shown < e->len)
                bytes_printf(&c->rx, "[+%zu]", e->len - e->shown);
        } else if (e->kind == TR_EVENT && e->text && !c->closed) {
            if (strstr(e->text, "peer closed"))
                c->closed = CF_CLOSE_FIN;
            else if (strstr(e->text, "peer reset"))
                c->closed = CF_CLOSE_RST;
        }
    }
    pthread_mutex_unlock(&res.tr.mu);
    engine_result_cleanup(&res);
    if (t->proc) {
        proc_wait(t->proc, 20);
        if (!proc_running(t->proc)) {
            o->died = 1;
            proc_describe_end(t->proc, o->how, sizeof o->how);
            target_stop(t); /* the next play starts a fresh one */
        }
    }
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

static const char *close_name(int c)
{
    return c == CF_CLOSE_FIN ? "fin" : c == CF_CLOSE_RST ? "rst" : "none";
}

int nf_compare(const struct nf_outcome *target, const struct nf_outcome *ref, int sensor, char *sig,
               size_t siglen)
{
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
            snprintf(sig, siglen, "close:%s->%s", close_name(ref->conn[i].closed),
                     close_name(target->conn[i].closed));
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

/* Appends |p|[0..n) as a case-file string literal. */
static int literal(struct bytes *out, const unsigned char *p, size_t n)
{
    int rc = bytes_puts(out, "\"");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\')
            rc = bytes_printf(out, "\\%c", c);
        else if (c == '\n')
            rc = bytes_puts(out, "\\n");
        else if (c == '\r')
            rc = bytes_puts(out, "\\r");
        else if (c == '\t')
            rc = bytes_puts(out, "\\t");
        else if (c < 0x20 || c >= 0x7f)
            rc = bytes_printf(out, "\\x%02x", c);
        else
            rc = bytes_append(out, &c, 1);
    }
    return rc ? rc : bytes_puts(out, "\"");
}

int nf_case_text(const struct nf_exchange *x, const struct nf_outcome *ref, const char *id,
                 const char *title, const char *requirement, struct bytes *out)
{
    int rc = bytes_printf(out,
                          "# Found by wirecheck fuzz: the reference answers this way, the program "
                          "under test does not.\nid: %s\ntitle: %s\nrequirement: %s\nlevel: "
                          "robust\nkeywords: fuzz\n\n",
                          id, title, requirement);
    for (size_t i = 0; rc == 0 && i < x->n; i++) {
        const struct cf_step *st = &x->steps[i];
        switch (st->op) {
        case CF_CONNECT:
        case CF_UDP:
        case CF_SHUTDOWN:
        case CF_CLOSE:
        case CF_RESET:
            rc = bytes_printf(out, "%s %s\n", cf_op_name(st->op), st->name);
            break;
        case CF_SLEEP:
            rc = bytes_printf(out, "sleep %u\n", st->ms);
            break;
        case CF_SEND:
            rc = bytes_printf(out, "send %s ", st->name);
            if (rc == 0)
                rc = literal(out, st->data.bytes, st->data.len);
            if (rc == 0 && st->chunk)
                rc = bytes_printf(out, " chunk=%zu", st->chunk);
            if (rc == 0 && st->chunk && st->delay_ms)
                rc = bytes_printf(out, " delay=%u", st->delay_ms);
            if (rc == 0)
                rc = bytes_puts(out, "\n");
            break;
        case CF_DRAIN: {
            const struct nf_conn_out *c = NULL;
            for (size_t k = 0; k < ref->n; k++)
                if (strcmp(ref->conn[k].name, st->name) == 0)
                    c = &ref->conn[k];
            if (!c)
                break;
            if (c->rx.len) {
                rc = bytes_printf(out, "expect %s ", st->name);
                if (rc == 0)
                    rc = literal(out, c->rx.data, c->rx.len);
                if (rc == 0)
                    rc = bytes_puts(out, "\n");
            }
            if (rc == 0)
                rc = c->closed ? bytes_printf(out, "expect-close %s %s\n", st->name,
                                              close_name(c->closed))
                               : bytes_printf(out, "expect-silence %s 200\n", st->name);
            break;
        }
        default:
            break;
        }
    }
    return rc;
}
