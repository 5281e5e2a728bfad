/* order.c -- the order a run's workers take its cases in. */
#include "run/order.h"

#include <stdlib.h>

uint64_t run_least_ms(const struct cf_step *steps, size_t n)
{
    uint64_t ms = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cf_step *st = &steps[i];
        if (st->op == CF_SLEEP || st->op == CF_EXPECT_SILENCE) {
            ms += st->ms;
        } else if (st->op == CF_SEND && st->delay_ms && st->chunk && st->data.len > st->chunk) {
            ms += (uint64_t)st->delay_ms * ((st->data.len - 1) / st->chunk);
        } else if (st->op == CF_PARALLEL || st->op == CF_REPEAT) {
            uint64_t body = run_least_ms(st + 1, st->body);
            ms += st->op == CF_REPEAT ? body * st->count : body;
            i += st->body;
        }
    }
    return ms;
}

struct order_key {
    uint64_t ms;
    size_t index;
};

static int longest_first(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;
    if (x->ms != y->ms)
        return x->ms > y->ms ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

size_t *run_order(const struct run *run, unsigned workers)
{
    struct order_key *keys = calloc(run->n ? run->n : 1, sizeof *keys);
    size_t *order = calloc(run->n ? run->n : 1, sizeof *order);
    if (!keys || !order) {
        free(keys);
        free(order);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < run->n; i++)
        if (run->res[i].selected) {
            const struct cf_case *c = run->res[i].c;
            keys[k].ms = workers > 1 ? run_least_ms(c->steps, c->n_steps) : 0;
            keys[k++].index = i;
        }
    qsort(keys, k, sizeof *keys, longest_first);
    for (size_t i = 0; i < k; i++)
        order[i] = keys[i].index;
    free(keys);
    return order;
}
