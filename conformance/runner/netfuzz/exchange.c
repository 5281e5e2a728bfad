/* exchange.c -- exchanges made from a suite's cases, and their mutations. */
#include "netfuzz/netfuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

void nf_rng_seed(struct nf_rng *r, uint64_t seed)
{
    r->s = seed ? seed * 0x9e3779b97f4a7c15ULL : 0x853c49e6748fea9bULL;
}

uint64_t nf_rng_next(struct nf_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

size_t nf_rng_below(struct nf_rng *r, size_t n)
{
    return n ? (size_t)(nf_rng_next(r) % n) : 0;
}

static void step_free(struct cf_step *st)
{
    free(st->data.bytes);
    free(st->regex);
    memset(st, 0, sizeof *st);
}

static int step_copy(const struct cf_step *from, struct cf_step *to)
{
    *to = *from;
    to->regex = NULL;
    to->data.bytes = NULL;
    to->data.n_index = 0;
    if (from->data.len) {
        to->data.bytes = malloc(from->data.len);
        if (!to->data.bytes)
            return WC_ERR_NOMEM;
        memcpy(to->data.bytes, from->data.bytes, from->data.len);
    }
    return 0;
}

void nf_exchange_free(struct nf_exchange *x)
{
    for (size_t i = 0; i < x->n; i++)
        step_free(&x->steps[i]);
    free(x->steps);
    x->steps = NULL;
    x->n = 0;
}

int nf_exchange_copy(const struct nf_exchange *x, struct nf_exchange *out)
{
    out->seed = x->seed;
    out->client = x->client;
    out->n = 0;
    out->steps = calloc(NF_MAX_STEPS, sizeof *out->steps);
    if (!out->steps)
        return WC_ERR_NOMEM;
    for (size_t i = 0; i < x->n; i++) {
        if (step_copy(&x->steps[i], &out->steps[out->n]) < 0) {
            nf_exchange_free(out);
            return WC_ERR_NOMEM;
        }
        out->n++;
    }
    return 0;
}

static int is_action(enum cf_op op)
{
    return op == CF_CONNECT || op == CF_UDP || op == CF_ACCEPT || op == CF_SEND ||
           op == CF_SHUTDOWN || op == CF_CLOSE || op == CF_RESET || op == CF_SLEEP;
}

static int ends_conn(enum cf_op op)
{
    return op == CF_CLOSE || op == CF_RESET;
}

/*
 * The invariant every exchange keeps: each connection is opened once, before anything else
 * is done on it; nothing follows its close or reset; and it is drained exactly once, just
 * before that close or reset, or at the end. Steps that break it are dropped.
 */
/* Is |name| among |list|[0..n)? */
static int listed(char (*list)[CF_NAME_MAX], size_t n, const char *name)
{
    for (size_t j = 0; j < n; j++)
        if (strcmp(list[j], name) == 0)
            return 1;
    return 0;
}

static void drain_step(struct cf_step *d, const char *name)
{
    memset(d, 0, sizeof *d);
    d->op = CF_DRAIN;
    d->ms = NF_QUIET_MS;
    snprintf(d->name, sizeof d->name, "%s", name);
}

/* Pauses bounded per step: a pause shows a server that frames by read() as well as a long one
 * does, and every millisecond of one is paid twice per exchange. */
static void bound_pauses(struct cf_step *st)
{
    if (st->op == CF_SLEEP && st->ms > NF_MAX_PAUSE_MS)
        st->ms = NF_MAX_PAUSE_MS;
    if (st->op == CF_SEND && st->chunk && st->delay_ms) {
        size_t pieces = (st->data.len + st->chunk - 1) / st->chunk;
        unsigned most = pieces > 1 ? (unsigned)(NF_MAX_PAUSE_MS / (pieces - 1)) : 0;
        if (st->delay_ms > most)
            st->delay_ms = most;
    }
}

/* Was |st|'s socket opened by a udp step among |keep|[0..k)? */
static int udp_socket(const struct cf_step *keep, size_t k, const struct cf_step *st)
{
    for (size_t i = 0; i < k; i++)
        if (keep[i].op == CF_UDP && strcmp(keep[i].name, st->name) == 0)
            return 1;
    return 0;
}

/*
 * The client-suite invariant: the runner is the server. Each connection is accepted once (the
 * UDP socket "server" is always there); the client's request is drained right after the
 * accept (or before the first reply on "server"); whatever else it sends, once more before a
 * close or reset, or at the end. Steps that break it are dropped.
 */
static void normalize_client(struct nf_exchange *x)
{
    struct cf_step keep[NF_MAX_STEPS];
    size_t k = 0;
    char open[8][CF_NAME_MAX], done[8][CF_NAME_MAX];
    size_t n_open = 0, n_done = 0;
    for (size_t i = 0; i < x->n; i++) {
        struct cf_step *st = &x->steps[i];
        int is_open = listed(open, n_open, st->name), is_done = listed(done, n_done, st->name);
        int server = strcmp(st->name, "server") == 0;
        int ok;
        if (st->op == CF_DRAIN || st->op == CF_CONNECT || (st->op == CF_UDP && server))
            ok = 0;
        else if (st->op == CF_UDP) /* a stranger's socket: sends to the client from elsewhere */
            ok = !is_open && !is_done && n_open < 8;
        else if (st->op == CF_SLEEP)
            ok = 1;
        else if (st->op == CF_ACCEPT)
            ok = !is_open && !is_done && !server && n_open < 8;
        else
            ok = !is_done && (is_open || (server && n_open < 8));
        if (!ok || k + 3 >= NF_MAX_STEPS) {
            step_free(st);
            continue;
        }
        bound_pauses(st);
        /* A stranger can only reach the client once its request told where it is. */
        int server_open = 0;
        for (size_t j = 0; j < n_open; j++)
            server_open |= strcmp(open[j], "server") == 0;
        if (st->op == CF_SEND && is_open && !server && !server_open && udp_socket(keep, k, st) &&
            n_open < 8) {
            snprintf(open[n_open++], CF_NAME_MAX, "server");
            drain_step(&keep[k++], "server");
        }
        if (!is_open) {
            snprintf(open[n_open++], CF_NAME_MAX, "%s", st->name);
            if (st->op == CF_UDP) {
                keep[k++] = *st;
                continue;
            }
            if (st->op == CF_ACCEPT) {
                keep[k++] = *st;
                drain_step(&keep[k++], st->name);
                continue;
            }
            drain_step(&keep[k++], st->name); /* "server": the request tells where to reply */
        }
        if (ends_conn(st->op)) {
            drain_step(&keep[k++], st->name);
            snprintf(done[n_done++], CF_NAME_MAX, "%s", st->name);
        }
        keep[k++] = *st;
    }
    for (size_t j = 0; j < n_open && k + 1 < NF_MAX_STEPS; j++) {
        int is_done = 0;
        for (size_t d = 0; d < n_done; d++)
            is_done |= strcmp(done[d], open[j]) == 0;
        if (!is_done)
            drain_step(&keep[k++], open[j]);
    }
    memcpy(x->steps, keep, k * sizeof keep[0]);
    x->n = k;
}

static void normalize(struct nf_exchange *x)
{
    if (x->client) {
        normalize_client(x);
        return;
    }
    struct cf_step keep[NF_MAX_STEPS];
    size_t k = 0;
    char open[8][CF_NAME_MAX], done[8][CF_NAME_MAX];
    size_t n_open = 0, n_done = 0;
    for (size_t i = 0; i < x->n; i++) {
        struct cf_step *st = &x->steps[i];
        int is_open = listed(open, n_open, st->name), is_done = listed(done, n_done, st->name);
        int ok;
        if (st->op == CF_DRAIN)
            ok = 0; /* put back below */
        else if (st->op == CF_SLEEP)
            ok = 1;
        else if (st->op == CF_CONNECT || st->op == CF_UDP)
            ok = !is_open && !is_done && n_open < 8;
        else
            ok = is_open && !is_done;
        /* After its half-close a connection neither sends nor half-closes again. */
        for (size_t j = 0; ok && (st->op == CF_SHUTDOWN || st->op == CF_SEND) && j < k; j++)
            ok = !(keep[j].op == CF_SHUTDOWN && strcmp(keep[j].name, st->name) == 0);
        if (!ok || k + 2 >= NF_MAX_STEPS) {
            step_free(st);
            continue;
        }
        bound_pauses(st);
        if (st->op == CF_CONNECT || st->op == CF_UDP)
            snprintf(open[n_open++], CF_NAME_MAX, "%s", st->name);
        if (ends_conn(st->op)) {
            struct cf_step d;
            memset(&d, 0, sizeof d);
            d.op = CF_DRAIN;
            d.ms = NF_QUIET_MS;
            snprintf(d.name, sizeof d.name, "%s", st->name);
            keep[k++] = d;
            snprintf(done[n_done++], CF_NAME_MAX, "%s", st->name);
        }
        keep[k++] = *st;
    }
    for (size_t j = 0; j < n_open && k + 1 < NF_MAX_STEPS; j++) {
        int is_done = 0, is_shut = 0;
        for (size_t d = 0; d < n_done; d++)
            is_done |= strcmp(done[d], open[j]) == 0;
        for (size_t i = 0; i < k; i++)
            is_shut |= keep[i].op == CF_SHUTDOWN && strcmp(keep[i].name, open[j]) == 0;
        if (is_done)
            continue;
        /* The end of the exchange: a half-close, so that a server that answers and closes
         * ends the drain with its FIN instead of a quiet wait. */
        if (!is_shut) {
            struct cf_step h;
            memset(&h, 0, sizeof h);
            h.op = CF_SHUTDOWN;
            snprintf(h.name, sizeof h.name, "%s", open[j]);
            keep[k++] = h;
        }
        struct cf_step d;
        memset(&d, 0, sizeof d);
        d.op = CF_DRAIN;
        d.ms = NF_QUIET_MS;
        snprintf(d.name, sizeof d.name, "%s", open[j]);
        keep[k++] = d;
    }
    memcpy(x->steps, keep, k * sizeof keep[0]);
    x->n = k;
}

int nf_exchange_from_case(const struct cf_case *c, struct nf_exchange *x)
{
    x->seed = c;
    x->n = 0;
    x->client = 0;
    for (size_t i = 0; i < c->n_steps; i++)
        x->client |= c->steps[i].op == CF_ACCEPT || strcmp(c->steps[i].name, "server") == 0;
    x->steps = calloc(NF_MAX_STEPS, sizeof *x->steps);
    if (!x->steps)
        return WC_ERR_NOMEM;
    size_t bytes = 0, conns = 0;
    for (size_t i = 0; i < c->n_steps; i++) {
        const struct cf_step *st = &c->steps[i];
        if (st->op == CF_PARALLEL || st->op == CF_REPEAT || st->data.n_index ||
            x->n + 3 >= NF_MAX_STEPS) {
            nf_exchange_free(x);
            return -1;
        }
        if (!is_action(st->op))
            continue;
        bytes += st->data.len;
        conns += st->op == CF_CONNECT || st->op == CF_UDP || st->op == CF_ACCEPT ||
                 (x->client && st->op == CF_SEND);
        if (bytes > NF_MAX_BYTES || step_copy(st, &x->steps[x->n]) < 0) {
            nf_exchange_free(x);
            return -1;
        }
        x->steps[x->n].chunk = st->chunk;
        x->n++;
    }
    if (!conns) {
        nf_exchange_free(x);
        return -1;
    }
    normalize(x);
    return 0;
}

/* A whole record, to splice where a value or a line could start. */
static const char record[] = "{\"device_id\":\"d\",\"temperature_c\":1,"
                             "\"humidity_percent\":2,\"timestamp\":3}\n";

/* Words that matter to a SensorData parser, and bytes that matter to any. */
/* Lines an echo server written by a student may treat as commands, and line ends. */
static const char *const echo_tokens[] = {
    "\n", "\r\n", "quit\n", "exit\n", "QUIT\r\n", "bye\n", "\n\n", "close\n",
};

static const char *const sensor_tokens[] = {
    "\"device_id\"",
    "\"temperature_c\"",
    "\"humidity_percent\"",
    "\"timestamp\"",
    "null",
    "true",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\\"",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "1e39",
    "-1e39",
    "3.4028235e38",
    "1e-46",
    "-0",
    "0.1",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "1.5",
    "\"x\"",
    " ",
    "\t",
    "\r\n",
    "\n",
    "\xef\xbb\xbf",
    "\xff",
    "\xc3\xa9",
    "\xed\xa0\x80",
    record,
};
static const unsigned char interesting[] = {0x00, 0x01, 0x0a, 0x0d, 0x20, 0x22, 0x5c, 0x7f,
                                            0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xef, 0xfe, 0xff};

/* The send steps of |x|, by index. */
static size_t sends(const struct nf_exchange *x, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->steps[i].op == CF_SEND)
            idx[n++] = i;
    return n;
}

static size_t total_bytes(const struct nf_exchange *x)
{
    size_t t = 0;
    for (size_t i = 0; i < x->n; i++)
        t += x->steps[i].data.len;
    return t;
}

/* Replaces [at, at + del) of |st|'s data with |ins|[0..n). */
static void splice(struct cf_step *st, size_t at, size_t del, const void *ins, size_t n)
{
    struct cf_data *d = &st->data;
    if (at > d->len)
        at = d->len;
    if (del > d->len - at)
        del = d->len - at;
    size_t len = d->len - del + n;
    unsigned char *p = malloc(len ? len : 1);
    if (!p)
        return;
    if (d->bytes)
        memcpy(p, d->bytes, at);
    if (n)
        memcpy(p + at, ins, n);
    if (d->bytes)
        memcpy(p + at + n, d->bytes + at + del, d->len - at - del);
    free(d->bytes);
    d->bytes = len ? p : NULL;
    if (!len)
        free(p);
    d->len = len;
}

/* Copies every step of one connection under a new name, each copy right after its original:
 * a second client that opens, sends and closes when the first does. */
static void clone_connection(struct nf_exchange *x, struct nf_rng *r)
{
    size_t conns[NF_MAX_STEPS], nc = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->steps[i].op == CF_CONNECT || x->steps[i].op == CF_UDP)
            conns[nc++] = i;
    if (!nc || nc >= 8)
        return;
    char from[CF_NAME_MAX], to[CF_NAME_MAX];
    snprintf(from, sizeof from, "%s", x->steps[conns[nf_rng_below(r, nc)]].name);
    size_t extra = 0;
    for (size_t i = 0; i < x->n; i++)
        extra += strcmp(x->steps[i].name, from) == 0 ? x->steps[i].data.len : 0;
    if (total_bytes(x) + extra > NF_MAX_BYTES)
        return;
    for (unsigned k = 2;; k++) { /* a name no step uses */
        snprintf(to, sizeof to, "%.16s%u", from, k);
        int used = 0;
        for (size_t i = 0; i < x->n; i++)
            used |= strcmp(x->steps[i].name, to) == 0;
        if (!used)
            break;
    }
    for (size_t i = 0; i < x->n && x->n + 1 < NF_MAX_STEPS; i++) {
        if (x->steps[i].op == CF_DRAIN || strcmp(x->steps[i].name, from) != 0)
            continue;
        struct cf_step copy;
        if (step_copy(&x->steps[i], &copy) < 0)
            return;
        snprintf(copy.name, sizeof copy.name, "%s", to);
        memmove(&x->steps[i + 2], &x->steps[i + 1], (x->n - i - 1) * sizeof *x->steps);
        x->steps[i + 1] = copy;
        x->n++;
        i++;
    }
}

static void mutate_once(struct nf_exchange *x, const struct nf_exchange *pool, size_t n_pool,
                        int sensor, struct nf_rng *r)
{
    size_t idx[NF_MAX_STEPS];
    size_t ns = sends(x, idx);
    size_t room = NF_MAX_BYTES - total_bytes(x);
    struct cf_step *st = ns ? &x->steps[idx[nf_rng_below(r, ns)]] : NULL;
    size_t len = st ? st->data.len : 0;
    size_t at = len ? nf_rng_below(r, len + 1) : 0;
    switch (nf_rng_below(r, 15)) {
    case 0: /* flip a bit */
        if (len)
            st->data.bytes[nf_rng_below(r, len)] ^= (unsigned char)(1u << nf_rng_below(r, 8));
        break;
    case 1: /* an interesting byte, replacing or inserted */
        if (st && room) {
            unsigned char b = interesting[nf_rng_below(r, sizeof interesting)];
            splice(st, at, nf_rng_below(r, 2), &b, 1);
        }
        break;
    case 2: /* a token of the protocol */
        if (st) {
            const char *t =
                sensor
                    ? sensor_tokens[nf_rng_below(r, sizeof sensor_tokens / sizeof sensor_tokens[0])]
                    : echo_tokens[nf_rng_below(r, sizeof echo_tokens / sizeof echo_tokens[0])];
            size_t tl = strlen(t);
            if (tl <= room)
                splice(st, at, nf_rng_below(r, 3) ? 0 : nf_rng_below(r, 8), t, tl);
        }
        break;
    case 3: /* delete a range */
        if (len)
            splice(st, at, 1 + nf_rng_below(r, 16), NULL, 0);
        break;
    case 4: /* repeat a range */
        if (len && at < len) {
            size_t n = 1 + nf_rng_below(r, len - at);
            if (n <= room) {
                unsigned char tmp[NF_MAX_BYTES];
                memcpy(tmp, st->data.bytes + at, n);
                splice(st, at, 0, tmp, n);
            }
        }
        break;
    case 5: /* splice in the bytes of another exchange */
        if (st && n_pool) {
            const struct nf_exchange *o = &pool[nf_rng_below(r, n_pool)];
            size_t oidx[NF_MAX_STEPS], on = sends(o, oidx);
            if (on) {
                const struct cf_step *os = &o->steps[oidx[nf_rng_below(r, on)]];
                size_t from = nf_rng_below(r, os->data.len + 1);
                size_t n = nf_rng_below(r, os->data.len - from + 1);
                if (n && n <= room) /* an empty send has no bytes to point into */
                    splice(st, at, nf_rng_below(r, 4), os->data.bytes + from, n);
            }
        }
        break;
    case 6: /* write it in pieces, or at once */
        if (st)
            st->chunk = nf_rng_below(r, 3) ? 1 + nf_rng_below(r, len > 1 ? len : 2) : 0;
        break;
    case 7: /* a pause between the pieces, or before the step */
        if (st && st->chunk)
            st->delay_ms = (unsigned)nf_rng_below(r, 30);
        break;
    case 8: /* the line endings: \n to \r\n, or the last \n away */
        if (len && st->data.bytes[len - 1] == '\n') {
            if (nf_rng_below(r, 2) && room)
                splice(st, len - 1, 0, "\r", 1);
            else
                splice(st, len - 1, 1, NULL, 0);
        }
        break;
    case 9: /* split a send in two */
        if (len > 1 && x->n + 1 < NF_MAX_STEPS) {
            size_t i = (size_t)(st - x->steps), cut = 1 + nf_rng_below(r, len - 1);
            memmove(&x->steps[i + 1], &x->steps[i], (x->n - i) * sizeof *x->steps);
            x->n++;
            struct cf_step *a = &x->steps[i], *b = &x->steps[i + 1];
            struct cf_step second;
            if (step_copy(a, &second) < 0) {
                memmove(&x->steps[i], &x->steps[i + 1], (x->n - i - 1) * sizeof *x->steps);
                x->n--;
                break;
            }
            *b = second;
            splice(b, 0, cut, NULL, 0);
            splice(a, cut, len - cut, NULL, 0);
        }
        break;
    case 10: /* a half-close or a reset after a send */
        if (st && x->n + 1 < NF_MAX_STEPS) {
            size_t i = (size_t)(st - x->steps) + 1;
            memmove(&x->steps[i + 1], &x->steps[i], (x->n - i) * sizeof *x->steps);
            x->n++;
            struct cf_step *e = &x->steps[i];
            memset(e, 0, sizeof *e);
            e->op = nf_rng_below(r, 3) ? CF_SHUTDOWN : CF_RESET;
            snprintf(e->name, sizeof e->name, "%s", st->name);
        }
        break;
    case 11: /* echo: a size at a buffer's edge (a datagram, a read), of every byte value */
        if (st && !sensor) {
            static const size_t edges[] = {0, 1, 255, 256, 511, 512, 513, 1023, 1024, 1025, 1472};
            size_t want = edges[nf_rng_below(r, sizeof edges / sizeof edges[0])];
            if (want <= len + room) {
                unsigned char fill[NF_MAX_BYTES];
                unsigned base = (unsigned)nf_rng_below(r, 256);
                for (size_t i = 0; i < want; i++)
                    fill[i] = (unsigned char)(base + i);
                splice(st, 0, len, fill, want);
            }
        }
        break;
    case 12: /* a UDP client: the same reply from another address first */
        if (st && x->client && strcmp(st->name, "server") == 0 && x->n + 2 < NF_MAX_STEPS) {
            size_t i = (size_t)(st - x->steps);
            struct cf_step copy;
            if (step_copy(st, &copy) < 0)
                break;
            memmove(&x->steps[i + 2], &x->steps[i], (x->n - i) * sizeof *x->steps);
            x->n += 2;
            memset(&x->steps[i], 0, sizeof x->steps[i]);
            x->steps[i].op = CF_UDP;
            snprintf(x->steps[i].name, sizeof x->steps[i].name, "stranger");
            snprintf(copy.name, sizeof copy.name, "stranger");
            x->steps[i + 1] = copy;
        }
        break;
    case 13: /* one more client doing the same as another, beside it (a fixed pool, a serial
              * server, shared state between connections) */
        if (!x->client)
            clone_connection(x, r);
        break;
    default: /* drop a step that is not the connection's opening */
        if (x->n > 2) {
            size_t i = nf_rng_below(r, x->n);
            if (x->steps[i].op != CF_CONNECT && x->steps[i].op != CF_UDP) {
                step_free(&x->steps[i]);
                memmove(&x->steps[i], &x->steps[i + 1], (x->n - i - 1) * sizeof *x->steps);
                x->n--;
            }
        }
        break;
    }
}

void nf_mutate(struct nf_exchange *x, const struct nf_exchange *pool, size_t n_pool, int sensor,
               struct nf_rng *r)
{
    size_t n = 1 + nf_rng_below(r, 4);
    for (size_t i = 0; i < n; i++)
        mutate_once(x, pool, n_pool, sensor, r);
    normalize(x);
}

void nf_exchange_drop(struct nf_exchange *x, size_t i)
{
    if (i >= x->n)
        return;
    step_free(&x->steps[i]);
    memmove(&x->steps[i], &x->steps[i + 1], (x->n - i - 1) * sizeof *x->steps);
    x->n--;
    normalize(x);
}

void nf_exchange_cut(struct nf_exchange *x, size_t i, size_t at, size_t n)
{
    if (i < x->n && x->steps[i].op == CF_SEND)
        splice(&x->steps[i], at, n, NULL, 0);
}
