/* explain.c -- protocol-aware readings of a difference: the SensorData ACK's fields, line
 * endings, letter case, short replies. */
#include "engine/explain.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line of |p|[0..n) that holds byte |at| (at <= n), without its '\n'. */
static void line_at(const unsigned char *p, size_t n, size_t at, size_t *start, size_t *len)
{
    size_t s = at < n ? at : n;
    while (s > 0 && p[s - 1] != '\n')
        s--;
    size_t e = s;
    while (e < n && p[e] != '\n')
        e++;
    *start = s;
    *len = e - s;
}

struct ack {
    char id[128];
    char temp[64];
};

/* "ACK: Received data from ID (Temp: TC)" (a trailing \r tolerated). Returns 1 when it is. */
static int parse_ack(const unsigned char *p, size_t n, struct ack *a)
{
    static const char head[] = "ACK: Received data from ";
    size_t hl = sizeof head - 1;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (n < hl + 10 || memcmp(p, head, hl) != 0 || p[n - 1] != ')' || p[n - 2] != 'C')
        return 0;
    const unsigned char *open = NULL;
    for (size_t i = n; i-- > hl;) {
        if (i + 8 <= n && memcmp(p + i, " (Temp: ", 8) == 0) {
            open = p + i;
            break;
        }
    }
    if (!open)
        return 0;
    size_t il = (size_t)(open - (p + hl));
    size_t tl = (size_t)((p + n - 2) - (open + 8));
    if (il >= sizeof a->id || tl == 0 || tl >= sizeof a->temp)
        return 0;
    memcpy(a->id, p + hl, il);
    a->id[il] = 0;
    memcpy(a->temp, open + 8, tl);
    a->temp[tl] = 0;
    return 1;
}

static int explain_ack(struct bytes *out, const struct ack *w, const struct ack *g)
{
    int rc = 0;
    if (strcmp(w->id, g->id) != 0)
        rc = bytes_printf(out, "  why: the ACK names device \"%s\", the record's device_id is "
                          "\"%s\" (SEN-1)\n", g->id, w->id);
    if (rc == 0 && strcmp(w->temp, g->temp) != 0) {
        char *we, *ge;
        double wv = strtod(w->temp, &we), gv = strtod(g->temp, &ge);
        if (*we == 0 && *ge == 0 && wv == gv)
            rc = bytes_printf(out, "  why: the temperature is the right number written another "
                              "way: %s, where the chapter's server prints %s. It prints the "
                              "f32 as Rust's {} does: the shortest digits that read back, no "
                              "trailing zeros, 21 for 21.0 (SEN-4)\n", g->temp, w->temp);
        else
            rc = bytes_printf(out, "  why: the temperature differs: %s, expected %s (the "
                              "record's temperature_c as an f32, SEN-4)\n", g->temp, w->temp);
    }
    return rc;
}

int explain_difference(struct bytes *out, const unsigned char *want, size_t wl,
                       const unsigned char *got, size_t gl, size_t at)
{
    /* An empty buffer may be NULL (nothing received yet): no arithmetic on that. */
    static const unsigned char none[1];
    if (!want || wl == 0)
        want = none, wl = 0;
    if (!got || gl == 0)
        got = none, gl = 0;
    size_t ws, wn, gs, gn;
    line_at(want, wl, at, &ws, &wn);
    line_at(got, gl, at, &gs, &gn);
    struct ack wa, ga;
    if (parse_ack(want + ws, wn, &wa) && parse_ack(got + gs, gn, &ga))
        return explain_ack(out, &wa, &ga);
    /* Line endings: "\r\n" for "\n", or no "\n" where one was expected. */
    if (at < wl && at < gl && want[at] == '\n' && got[at] == '\r' && at + 1 < gl &&
        got[at + 1] == '\n')
        return bytes_puts(out, "  why: the line ends with \\r\\n; the protocol's lines end "
                               "with \\n alone\n");
    if (at < wl && at >= gl && want[at] == '\n')
        return bytes_puts(out, "  why: everything but the final \\n came: the line is not "
                               "ended\n");
    /* Letter case only. */
    if (wl == gl && at < wl) {
        size_t i = at;
        while (i < wl && tolower(want[i]) == tolower(got[i]))
            i++;
        if (i == wl)
            return bytes_puts(out, "  why: it differs in letter case only\n");
    }
    return 0;
}

int explain_short(struct bytes *out, size_t got, size_t want)
{
    if (got == 0)
        return bytes_puts(out, "  why: nothing at all came back\n");
    if (got < want && (got & (got - 1)) == 0 && got >= 256)
        return bytes_printf(out, "  why: exactly %zu bytes came, a power of two: a fixed-size "
                            "buffer that is read or written once?\n", got);
    return 0;
}
