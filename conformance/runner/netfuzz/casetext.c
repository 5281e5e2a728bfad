/* casetext.c -- what the fuzzer writes: an exchange as a case file, with the reference's
 * answers as its expectations, and what a play received, as text. */
#include "netfuzz/netfuzz.h"
#include "netfuzz/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* Appends |p|[0..n) as a case-file string literal. */
int nf_literal(struct bytes *out, const unsigned char *p, size_t n)
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

/* The datagrams of a UDP connection's record ("[N]" and N bytes each, "[other]" before one
 * from elsewhere) as expect-datagram steps. */
static int datagram_expects(struct bytes *out, const char *name, const struct bytes *rx,
                            int from_any)
{
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < rx->len;) {
        const char *p = (const char *)rx->data + at;
        if (rx->len - at >= 7 && memcmp(p, "[other]", 7) == 0) {
            at += 7;
            continue;
        }
        char *end;
        unsigned long n = *p == '[' ? strtoul(p + 1, &end, 10) : 0;
        if (*p != '[' || *end != ']' || n > rx->len - at)
            break;
        at = (size_t)(end + 1 - (const char *)rx->data);
        size_t shown = n <= rx->len - at ? n : rx->len - at;
        rc = bytes_printf(out, "expect-datagram %s ", name);
        if (rc == 0)
            rc = nf_literal(out, rx->data + at, shown);
        if (rc == 0)
            rc = bytes_puts(out, from_any ? " from=any\n" : "\n");
        at += shown;
    }
    return rc;
}

int nf_case_text(const struct nf_exchange *x, const struct nf_outcome *ref, const char *id,
                 const char *title, const char *requirement, struct bytes *out)
{
    int rc = bytes_printf(out,
                          "# Found by wirecheck fuzz: the reference answers this way, the program "
                          "under test does not.\nid: %s\ntitle: %s\nrequirement: %s\nlevel: "
                          "%s\nkeywords: fuzz\n\n",
                          id, title, requirement,
                          cf_level_name(x->seed ? x->seed->level : CF_LEVEL_ROBUST));
    for (size_t i = 0; rc == 0 && i < x->n; i++) {
        const struct cf_step *st = &x->steps[i];
        switch (st->op) {
        case CF_CONNECT:
        case CF_UDP:
        case CF_ACCEPT:
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
                rc = nf_literal(out, st->data.bytes, st->data.len);
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
            if (x->client) {
                /* What the client sent, written once, where its request was taken in. */
                int first = 1;
                for (size_t j = 0; j < i; j++)
                    first &= !(x->steps[j].op == CF_DRAIN && !strcmp(x->steps[j].name, st->name));
                if (first && c->datagrams)
                    rc = datagram_expects(out, st->name, &c->rx, 1);
                else if (first && c->rx.len) {
                    rc = bytes_printf(out, "expect %s ", st->name);
                    if (rc == 0)
                        rc = nf_literal(out, c->rx.data, c->rx.len);
                    if (rc == 0)
                        rc = bytes_puts(out, "\n");
                }
                break;
            }
            if (c->datagrams) {
                rc = datagram_expects(out, st->name, &c->rx, 0);
                if (rc == 0)
                    rc = bytes_printf(out, "expect-silence %s 200\n", st->name);
                break;
            }
            if (c->rx.len) {
                rc = bytes_printf(out, "expect %s ", st->name);
                if (rc == 0)
                    rc = nf_literal(out, c->rx.data, c->rx.len);
                if (rc == 0)
                    rc = bytes_puts(out, "\n");
            }
            if (rc == 0)
                rc = c->closed ? bytes_printf(out, "expect-close %s %s\n", st->name,
                                              nf_close_name(c->closed))
                               : bytes_printf(out, "expect-silence %s 200\n", st->name);
            break;
        }
        default:
            break;
        }
    }
    if (rc == 0 && x->client)
        rc = nf_case_text_client_end(ref, out);
    return rc;
}

int nf_outcome_text(const struct nf_outcome *o, struct bytes *out)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        rc = bytes_printf(out, "%s: received ", o->conn[i].name);
        if (rc == 0)
            rc = nf_literal(out, o->conn[i].rx.data, o->conn[i].rx.len);
        if (rc == 0)
            rc = bytes_printf(out, ", then %s\n",
                              o->conn[i].closed ? nf_close_name(o->conn[i].closed) : "no close");
    }
    if (rc == 0 && o->died)
        rc = bytes_printf(out, "the server %s\n", o->how);
    return rc;
}

int nf_probe_text(const struct suite *s, struct bytes *out)
{
    int rc = bytes_puts(out, "# then the suite's liveness probe: a known-good exchange\n");
    for (size_t i = 0; rc == 0 && i < s->def->n_steps; i++) {
        const struct cf_step *st = &s->def->steps[i];
        switch (st->op) {
        case CF_CONNECT:
        case CF_UDP:
        case CF_CLOSE:
        case CF_SHUTDOWN:
            rc = bytes_printf(out, "%s %s\n", cf_op_name(st->op), st->name);
            break;
        case CF_SEND:
        case CF_EXPECT:
        case CF_EXPECT_DATAGRAM:
        case CF_EXPECT_LINE:
            if (st->regex)
                return WC_ERR_INVALID; /* a pattern has no literal form to write back */
            rc = bytes_printf(out, "%s %s ", cf_op_name(st->op), st->name);
            if (rc == 0)
                rc = nf_literal(out, st->data.bytes, st->data.len);
            if (rc == 0)
                rc = bytes_puts(out, "\n");
            break;
        default:
            return WC_ERR_INVALID;
        }
    }
    return rc;
}
