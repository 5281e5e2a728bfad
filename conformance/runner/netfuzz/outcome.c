/* outcome.c -- what a play needs on both sides of the fuzzer: what each drain waits for, and
 * what a play received, read from the engine's transcript. */
#include "netfuzz/internal.h"

#include <stdio.h>
#include <string.h>

#include "sensor_session.h"
#include "status.h"

void nf_outcome_cleanup(struct nf_outcome *o)
{
    for (size_t i = 0; i < o->n; i++)
        bytes_cleanup(&o->conn[i].rx);
    bytes_cleanup(&o->out);
    memset(o, 0, sizeof *o);
}

struct nf_conn_out *nf_outcome_conn(struct nf_outcome *o, const char *name)
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
void nf_env_for(const struct target *t, const struct suite *s, double scale, struct engine_env *env)
{
    memset(env, 0, sizeof *env);
    env->udp = s->udp;
    env->target = t->addr;
    env->listen_fd = -1;
    env->proc = t->proc;
    env->step_timeout_ms = (unsigned)(1000 * scale);
    env->scale = scale;
}

/* The replies the reference's own logic gives to the lines sent on connection |name| before
 * step |upto| (and to the last, unended one when it was half-closed): how many lines. */
static size_t sensor_lines_due(const struct nf_exchange *x, size_t upto, const char *name, int shut)
{
    struct sensor_session ss;
    struct sensor_event ev;
    size_t lines = 0;
    if (sensor_session_init(&ss, 0) != 0)
        return 0;
    for (size_t i = 0; i < upto; i++) {
        const struct cf_step *st = &x->steps[i];
        if (st->op != CF_SEND || strcmp(st->name, name) != 0)
            continue;
        for (size_t off = 0; off < st->data.len;) {
            size_t used = 0;
            int r = sensor_session_feed(&ss, st->data.bytes + off, st->data.len - off, &used, &ev);
            off += used;
            if (r != 1)
                break;
            lines++;
        }
    }
    if (shut && sensor_session_finish(&ss, &ev) == 1)
        lines++;
    sensor_session_cleanup(&ss);
    return lines;
}

/*
 * What each drain of |x| waits for, into |steps| (a copy of x's): with |ref| (the reference's
 * outcome of the same exchange), the bytes and close it got; without, what the suite's
 * reference logic owes: echo, every byte sent; sensor, a line per line; a close after a
 * half-close. UDP drains keep their quiet wait.
 */
/*
 * A client exchange's drain: the first on a connection takes the client's request (a line, or
 * a datagram), given the time a client takes to start; a later one what else it sent, which
 * only the reference's outcome tells.
 */
static void client_wants(const struct nf_exchange *x, size_t i, const struct nf_outcome *ref,
                         int udp, struct cf_step *d)
{
    int first = 1;
    for (size_t j = 0; j < i; j++)
        first &= !(x->steps[j].op == CF_DRAIN && strcmp(x->steps[j].name, d->name) == 0);
    const struct nf_conn_out *r = NULL;
    for (size_t k = 0; ref && k < ref->n; k++)
        if (strcmp(ref->conn[k].name, d->name) == 0)
            r = &ref->conn[k];
    if (first) {
        d->want_lines = !ref || (r && r->rx.len) ? 1 : 0;
        d->timeout_ms = NF_CLIENT_START_MS;
        d->stall_ms = 0;
    } else if (r && udp) {
        d->want_lines = r->datagrams > 1 ? r->datagrams - 1 : 0;
    } else if (r) {
        d->want_bytes = r->rx.len;
    }
    if (ref)
        d->ms = NF_SETTLE_MS;
}

void nf_set_wants(const struct nf_exchange *x, const struct nf_outcome *ref, int sensor, int udp,
                  struct cf_step *steps)
{
    for (size_t i = 0; i < x->n; i++) {
        struct cf_step *d = &steps[i];
        *d = x->steps[i];
        if (d->op != CF_DRAIN)
            continue;
        /* The reference is what the model describes: once what is due came, it is done. */
        d->ms = 0;
        d->timeout_ms = NF_WAIT_MS;
        d->stall_ms = NF_REF_STALL_MS;
        if (x->client) {
            client_wants(x, i, ref, udp, d);
            continue;
        }
        if (ref) {
            d->ms = NF_SETTLE_MS;
            d->stall_ms = NF_STALL_MS;
            for (size_t k = 0; k < ref->n; k++) {
                if (strcmp(ref->conn[k].name, d->name) != 0)
                    continue;
                if (udp) {
                    d->want_lines = ref->conn[k].datagrams;
                } else {
                    d->want_bytes = ref->conn[k].rx.len;
                    d->want_close = ref->conn[k].closed != 0;
                }
            }
        } else if (udp) {
            for (size_t j = 0; j < i; j++) /* an echo: a datagram back for each sent */
                d->want_lines += x->steps[j].op == CF_SEND && !strcmp(x->steps[j].name, d->name);
        } else {
            int shut = 0;
            size_t sent = 0;
            for (size_t j = 0; j < i; j++) {
                const struct cf_step *st = &x->steps[j];
                if (strcmp(st->name, d->name) != 0)
                    continue;
                shut |= st->op == CF_SHUTDOWN;
                sent += st->op == CF_SEND ? st->data.len : 0;
            }
            d->want_close = shut;
            if (sensor)
                d->want_lines = sensor_lines_due(x, i, d->name, shut);
            else
                d->want_bytes = sent;
        }
    }
}

void nf_outcome_collect(struct engine_result *res, const struct suite *s, const char *server,
                        struct nf_outcome *o)
{
    pthread_mutex_lock(&res->tr.mu);
    for (size_t i = 0; i < res->tr.n; i++) {
        const struct tr_event *e = &res->tr.ev[i];
        struct nf_conn_out *c = e->conn[0] ? nf_outcome_conn(o, e->conn) : NULL;
        if (!c)
            continue;
        if (e->kind == TR_RECV) {
            if (s->udp) {
                bytes_printf(&c->rx, "[%zu]", e->len);
                c->datagrams++;
            }
            bytes_append(&c->rx, e->data, e->shown);
            if (e->shown < e->len)
                bytes_printf(&c->rx, "[+%zu]", e->len - e->shown);
        } else if (s->udp && server && e->kind == TR_EVENT && e->text &&
                   strncmp(e->text, "datagram of", 11) == 0) {
            /* The server's own address or another: what a client that checks it sees. */
            const char *from = strstr(e->text, " from ");
            if (from && strcmp(from + 6, server) != 0)
                bytes_puts(&c->rx, "[other]");
        } else if (e->kind == TR_EVENT && e->text && !c->closed) {
            if (strstr(e->text, "peer closed"))
                c->closed = CF_CLOSE_FIN;
            else if (strstr(e->text, "peer reset"))
                c->closed = CF_CLOSE_RST;
        }
    }
    pthread_mutex_unlock(&res->tr.mu);
}

const char *nf_close_name(int c)
{
    return c == CF_CLOSE_FIN ? "fin" : c == CF_CLOSE_RST ? "rst" : "none";
}
