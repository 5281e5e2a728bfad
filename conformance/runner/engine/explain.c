/* explain.c -- protocol-aware readings of a difference: the SensorData ACK's fields, line
 * endings, letter case, short replies. */
#include "engine/explain.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/fact.h"

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

static int explain_ack(struct bytes *out, struct bytes *facts, const struct ack *w,
                       const struct ack *g)
{
    int rc = 0;
    if (strcmp(w->id, g->id) != 0) {
        fact_add(facts, FACT_ACK_DEVICE, g->id, w->id);
        rc = bytes_printf(out, "  why: the ACK names device \"%s\", the record's device_id is "
                          "\"%s\" (SEN-1)\n", g->id, w->id);
    }
    if (rc == 0 && strcmp(w->temp, g->temp) != 0) {
        char *we, *ge;
        double wv = strtod(w->temp, &we), gv = strtod(g->temp, &ge);
        if (*we == 0 && *ge == 0 && wv == gv) {
            fact_add(facts, FACT_ACK_TEMP_TEXT, g->temp, w->temp);
            rc = bytes_printf(out, "  why: the temperature is the right number written another "
                              "way: %s, where the chapter's server prints %s. It prints the "
                              "f32 as Rust's {} does: the shortest digits that read back, no "
                              "trailing zeros, 21 for 21.0 (SEN-4)\n", g->temp, w->temp);
        } else {
            fact_add(facts, FACT_ACK_TEMP_VALUE, g->temp, w->temp);
            rc = bytes_printf(out, "  why: the temperature differs: %s, expected %s (the "
                              "record's temperature_c as an f32, SEN-4)\n", g->temp, w->temp);
        }
    }
    return rc;
}

static int starts(const unsigned char *p, size_t n, const char *word)
{
    size_t wl = strlen(word);
    return n >= wl && memcmp(p, word, wl) == 0;
}

/* The line [p, p+n) as a C string of at most 80 bytes, for a fact's value. */
static void line_text(const unsigned char *p, size_t n, char out[81])
{
    n = n < 80 ? n : 80;
    memcpy(out, p, n);
    out[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] == 0)
            out[i] = '?';
}

/* ERROR where an ACK was due, or the other way round: how strict the parser is. Returns 1
 * when that is the difference, 0 when not, or a bytes_* error. */
static int explain_verdict_word(struct bytes *out, struct bytes *facts, const unsigned char *w,
                                size_t wn, const unsigned char *g, size_t gn)
{
    char line[81];
    if (starts(w, wn, "ERROR") && starts(g, gn, "ACK:")) {
        line_text(g, gn, line);
        fact_add(facts, FACT_ACK_NOT_ERROR, line, NULL);
        int rc = bytes_puts(out, "  why: an ACK came for input the server must answer with "
                                 "ERROR: its parser accepts what serde_json rejects\n");
        return rc ? rc : 1;
    }
    if (starts(w, wn, "ACK:") && starts(g, gn, "ERROR")) {
        line_text(g, gn, line);
        fact_add(facts, FACT_ERROR_NOT_ACK, line, NULL);
        int rc = bytes_puts(out, "  why: ERROR came for input serde_json accepts (and the "
                                 "chapter's server answers with an ACK)\n");
        return rc ? rc : 1;
    }
    return 0;
}

/* Up to how many bytes a skip or a repeat is compared over; how far back a repeat is sought. */
#define EXPLAIN_RUN 16
#define EXPLAIN_LOOKBACK 65536

/* |k| bytes of |a| at |i| equal |b| at |j|, where k is as many as both have, up to
 * EXPLAIN_RUN, and at least |least| of them (or all that remain of |a|). */
static int same_run(const unsigned char *a, size_t al, size_t i, const unsigned char *b,
                    size_t bl, size_t j, size_t least)
{
    if (i >= al || j >= bl)
        return 0;
    size_t k = al - i < bl - j ? al - i : bl - j;
    k = k < EXPLAIN_RUN ? k : EXPLAIN_RUN;
    if (k < least && k < al - i)
        return 0;
    return memcmp(a + i, b + j, k) == 0;
}

/* Byte-stream readings of a difference at |at|: a NUL, bytes skipped, bytes repeated. */
static int explain_stream(struct bytes *out, struct bytes *facts, const unsigned char *want,
                          size_t wl, const unsigned char *got, size_t gl, size_t at)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%zu", at);
    if (at < wl && want[at] == 0) {
        fact_add(facts, FACT_NUL_BYTE, a, NULL);
        return bytes_printf(out, "  why: byte %zu of the expected bytes is a NUL (0x00) and "
                            "the difference starts there: data treated as a C string?\n", at);
    }
    if (at >= gl || at >= wl)
        return 0;
    for (size_t n = 1; n <= 8 && at + n < wl; n++) {
        if (same_run(got, gl, at, want, wl, at + n, 4)) {
            snprintf(b, sizeof b, "%zu", n);
            fact_add(facts, FACT_SKIPPED, b, a);
            return bytes_printf(out, "  why: %zu expected byte%s after byte %zu %s missing, "
                                "then the rest follows: bytes lost between reads and "
                                "writes\n", n, n == 1 ? "" : "s", at, n == 1 ? "is" : "are");
        }
    }
    for (size_t from = at > EXPLAIN_LOOKBACK ? at - EXPLAIN_LOOKBACK : 0; from < at; from++) {
        if (same_run(got, gl, at, want, wl, from, 4)) {
            snprintf(b, sizeof b, "%zu", from);
            fact_add(facts, FACT_REPEATED, a, b);
            return bytes_printf(out, "  why: from byte %zu on, bytes that already came (from "
                                "offset %zu) come again: written twice?\n", at, from);
        }
    }
    return 0;
}

int explain_difference(struct bytes *out, struct bytes *facts, const unsigned char *want,
                       size_t wl, const unsigned char *got, size_t gl, size_t at)
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
        return explain_ack(out, facts, &wa, &ga);
    if (at < gl && at < wl) {
        int rc = explain_verdict_word(out, facts, want + ws, wn, got + gs, gn);
        if (rc)
            return rc < 0 ? rc : 0;
    }
    /* Line endings: "\r\n" for "\n", or no "\n" where one was expected. */
    if (at < wl && at < gl && want[at] == '\n' && got[at] == '\r' && at + 1 < gl &&
        got[at + 1] == '\n') {
        fact_add(facts, FACT_CRLF, NULL, NULL);
        return bytes_puts(out, "  why: the line ends with \\r\\n; the protocol's lines end "
                               "with \\n alone\n");
    }
    if (at < wl && at >= gl && want[at] == '\n') {
        fact_add(facts, FACT_NO_NEWLINE, NULL, NULL);
        return bytes_puts(out, "  why: everything but the final \\n came: the line is not "
                               "ended\n");
    }
    /* Letter case only. */
    if (wl == gl && at < wl) {
        size_t i = at;
        while (i < wl && tolower(want[i]) == tolower(got[i]))
            i++;
        if (i == wl) {
            fact_add(facts, FACT_LETTER_CASE, NULL, NULL);
            return bytes_puts(out, "  why: it differs in letter case only\n");
        }
    }
    return explain_stream(out, facts, want, wl, got, gl, at);
}

/* The first word of |p|[0..n) (up to a blank), at most 15 bytes: "ACK:", "ERROR:". */
static void first_word(const unsigned char *p, size_t n, char out[16])
{
    size_t k = 0;
    while (k < n && k < 15 && p[k] != ' ' && p[k] != '\n' && p[k] != 0)
        k++;
    memcpy(out, p, k);
    out[k] = 0;
}

int explain_short(struct bytes *out, struct bytes *facts, const unsigned char *want, size_t wl,
                  size_t got, size_t due)
{
    char g[32], m[32];
    snprintf(g, sizeof g, "%zu", got);
    snprintf(m, sizeof m, "%zu", due > got ? due - got : 0);
    if (got < due)
        fact_add(facts, FACT_SHORT, g, m);
    /* What was due after the last complete line that came holds no \n. */
    if (want && got < wl && (got == 0 || want[got - 1] == '\n') &&
        !memchr(want + got, '\n', wl - got)) {
        char u[32];
        snprintf(u, sizeof u, "%zu", wl - got);
        fact_add(facts, FACT_UNENDED_LINE, u, NULL);
    }
    if (want && got < wl && want[got] == 0)
        fact_add(facts, FACT_NUL_BYTE, g, NULL);
    if (got == 0) {
        char w[16] = "";
        if (want)
            first_word(want, wl, w);
        fact_add(facts, FACT_NOTHING, w, NULL);
        return bytes_puts(out, "  why: nothing at all came back\n");
    }
    if (got < due && (got & (got - 1)) == 0 && got >= 256) {
        fact_add(facts, FACT_SHORT_POW2, g, NULL);
        return bytes_printf(out, "  why: exactly %zu bytes came, a power of two: a fixed-size "
                            "buffer that is read or written once?\n", got);
    }
    return 0;
}
