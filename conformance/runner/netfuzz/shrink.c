/* shrink.c -- a finding made small: the fewest steps, lines and bytes that still show it. */
#include "netfuzz/netfuzz.h"

#include <string.h>

#include "clock.h"
#include "status.h"

/* How much shrinking may cost: plays of the pair, and a wall-clock end (a finding that hangs
 * costs a timeout per play). */
struct budget {
    unsigned plays;
    int64_t end_ms;
};

static int more(const struct budget *b, const unsigned *plays)
{
    return *plays < b->plays && clk_now_ms() < b->end_ms;
}

/* Does |x| still make the pair differ the way |sig| says? One play of each server. */
static int still_differs(const struct nf_exchange *x, const char *sig, const struct nf_pair *p,
                         unsigned *plays)
{
    struct nf_outcome ro, to;
    char err[256], got[64];
    (*plays)++;
    if (nf_play(p->ref, p->s, x, NULL, p->sensor, p->scale, &ro, err, sizeof err) < 0)
        return 0;
    int same = 0;
    if (nf_play(p->t, p->s, x, &ro, p->sensor, p->scale, &to, err, sizeof err) == 0) {
        same = nf_compare(&to, &ro, p->sensor, got, sizeof got) && strcmp(got, sig) == 0;
        nf_outcome_cleanup(&to);
    }
    nf_outcome_cleanup(&ro);
    return same;
}

/* Tries |cand| (a changed copy of |x|): kept in |x| when the difference survives, else
 * freed. Returns 1 when kept. */
static int try_keep(struct nf_exchange *x, struct nf_exchange *cand, const char *sig,
                    const struct nf_pair *p, unsigned *plays)
{
    if (cand->n > 0 && still_differs(cand, sig, p, plays)) {
        nf_exchange_free(x);
        *x = *cand;
        return 1;
    }
    nf_exchange_free(cand);
    return 0;
}

/* Pass 1: drop steps, from the last to the first (a connect drops its connection). */
static int drop_steps(struct nf_exchange *x, const char *sig, const struct nf_pair *p,
                      const struct budget *b, unsigned *plays)
{
    int kept = 0;
    for (size_t i = x->n; i-- > 0 && more(b, plays);) {
        if (i >= x->n || x->steps[i].op == CF_DRAIN)
            continue;
        struct nf_exchange c;
        if (nf_exchange_copy(x, &c) < 0)
            return kept;
        nf_exchange_drop(&c, i);
        kept |= try_keep(x, &c, sig, p, plays);
    }
    return kept;
}

/* Pass 2: cut bytes out of each send, halves first, then ever smaller pieces; a sensor
 * exchange loses whole lines before single bytes. */
static int cut_bytes(struct nf_exchange *x, const char *sig, const struct nf_pair *p,
                     const struct budget *b, unsigned *plays)
{
    int kept = 0;
    for (size_t i = 0; i < x->n && more(b, plays); i++) {
        if (x->steps[i].op != CF_SEND)
            continue;
        if (p->sensor) {
            for (size_t at = 0; at < x->steps[i].data.len && more(b, plays);) {
                const unsigned char *d = x->steps[i].data.bytes;
                const unsigned char *nl = memchr(d + at, '\n', x->steps[i].data.len - at);
                size_t n = nl ? (size_t)(nl - (d + at)) + 1 : x->steps[i].data.len - at;
                struct nf_exchange c;
                if (n == x->steps[i].data.len || nf_exchange_copy(x, &c) < 0)
                    break;
                nf_exchange_cut(&c, i, at, n);
                if (try_keep(x, &c, sig, p, plays))
                    kept = 1;
                else
                    at += n;
            }
        }
        for (size_t size = x->steps[i].data.len / 2; size >= 1 && more(b, plays); size /= 2) {
            for (size_t at = 0; at < x->steps[i].data.len && more(b, plays);) {
                struct nf_exchange c;
                if (nf_exchange_copy(x, &c) < 0)
                    return kept;
                nf_exchange_cut(&c, i, at, size);
                if (try_keep(x, &c, sig, p, plays))
                    kept = 1;
                else
                    at += size;
            }
        }
    }
    return kept;
}

/* Pass 3: each send written at once and without pauses, when that still shows it. */
static int coarsen(struct nf_exchange *x, const char *sig, const struct nf_pair *p,
                   const struct budget *b, unsigned *plays)
{
    int kept = 0;
    for (size_t i = 0; i < x->n && more(b, plays); i++) {
        if (x->steps[i].op != CF_SEND || (!x->steps[i].chunk && !x->steps[i].delay_ms))
            continue;
        struct nf_exchange c;
        if (nf_exchange_copy(x, &c) < 0)
            return kept;
        c.steps[i].chunk = 0;
        c.steps[i].delay_ms = 0;
        kept |= try_keep(x, &c, sig, p, plays);
    }
    return kept;
}

unsigned nf_shrink(struct nf_exchange *x, const char *sig, const struct nf_pair *p, unsigned budget,
                   unsigned max_ms)
{
    unsigned plays = 0;
    struct budget b = {budget, clk_now_ms() + (int64_t)max_ms};
    /* Until a round changes nothing: a cut can make a step droppable and the other way. */
    for (int round = 0; round < 4 && more(&b, &plays); round++) {
        int kept = drop_steps(x, sig, p, &b, &plays);
        kept |= coarsen(x, sig, p, &b, &plays);
        kept |= cut_bytes(x, sig, p, &b, &plays);
        if (!kept)
            break;
    }
    return plays;
}
