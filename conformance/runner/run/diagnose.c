/* diagnose.c -- matches DIAGNOSES entries against a run's results. */
#include "run/diagnose.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/fact.h"
#include "status.h"

/* A case a diagnosis may explain: it ran, and failed or fell short of a SHOULD. */
static int diagnosable(const struct case_result *r)
{
    return r->selected && !r->not_run &&
           (outcome_is_failure(r->play.v.outcome) || r->play.v.outcome == OUT_WARN);
}

static int passed(const struct case_result *r)
{
    enum outcome o = r->play.v.outcome;
    return r->selected && !r->not_run && (o == OUT_PASS || o == OUT_NONSTRICT || o == OUT_FLAKY);
}

static int in_words(char *const *w, size_t n, const char *s, int glob)
{
    for (size_t i = 0; i < n; i++)
        if (glob ? fnmatch(w[i], s, 0) == 0 : strcmp(w[i], s) == 0)
            return 1;
    return 0;
}

/* Does alternative |a| hold for |r|? For a fact, |*fact| is set to its line. */
static int alt_holds(const struct diag_alt *a, const struct case_result *r, const char **fact)
{
    const struct cf_case *c = r->c;
    switch (a->test) {
    case DIAG_FACT: {
        const char *line = fact_find(bytes_str(&r->play.facts), a->words[0],
                                     (const char *const *)a->words + 1, a->n_words - 1);
        if (line && fact && !*fact)
            *fact = line;
        return line != NULL;
    }
    case DIAG_REASON:
        return strstr(r->play.v.reason, a->text) != NULL ||
               (r->liveness[0] && strstr(r->liveness, a->text) != NULL);
    case DIAG_DETAIL:
        return strstr(bytes_str(&r->play.detail), a->text) != NULL;
    case DIAG_OUTCOME:
        return in_words(a->words, a->n_words, outcome_name(r->play.v.outcome), 0);
    case DIAG_REQUIREMENT:
        return in_words(a->words, a->n_words, c->requirement, 0);
    case DIAG_KEYWORD:
        for (size_t i = 0; i < c->n_keywords; i++)
            if (in_words(a->words, a->n_words, c->keywords[i], 0))
                return 1;
        return 0;
    case DIAG_CASE:
        return in_words(a->words, a->n_words, c->id, 1);
    }
    return 0;
}

static int explains(const struct diagnosis *d, const struct case_result *r, const char **fact)
{
    for (size_t i = 0; i < d->n_cond; i++) {
        int any = 0;
        for (size_t j = 0; !any && j < d->cond[i].n_alt; j++)
            any = alt_holds(&d->cond[i].alt[j], r, d->cond[i].negated ? NULL : fact);
        if (any == d->cond[i].negated)
            return 0;
    }
    return 1;
}

/* Every case of |ids| was selected and ended as |want_failed| says. */
static int ended(const struct run *run, char *const *ids, size_t n, int want_failed)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (i < run->n && strcmp(run->res[i].c->id, ids[k]) != 0)
            i++;
        if (i == run->n)
            return 0;
        const struct case_result *r = &run->res[i];
        if (want_failed ? !diagnosable(r) : !passed(r))
            return 0;
    }
    return 1;
}

/* The sentence with each {key} replaced by that key's value in |fact| ("?" when absent). */
static char *fill(const char *text, const char *fact)
{
    struct bytes b;
    bytes_init(&b, 8192);
    int rc = 0;
    for (const char *p = text; rc == 0 && *p;) {
        size_t kl = diagnosis_placeholder(p);
        if (!kl) {
            rc = bytes_append(&b, p++, 1);
            continue;
        }
        char key[64], val[FACT_VALUE_MAX + 1];
        snprintf(key, sizeof key, "%.*s", (int)(kl < 63 ? kl : 63), p + 1);
        val[0] = 0;
        if (fact)
            fact_value(fact, key, val, sizeof val);
        rc = bytes_puts(&b, val[0] ? val : "?");
        p += kl + 2;
    }
    char *s = rc == 0 ? bytes_take(&b) : NULL;
    bytes_cleanup(&b);
    return s;
}

int diagnose_run(struct run *run)
{
    for (size_t i = 0; i < run->n; i++)
        run->res[i].diagnosis = -1;
    const struct diagnosis_set *set = &run->s->diag;
    if (run->fatal || set->n == 0)
        return 0;
    size_t *picked = malloc(run->n * sizeof *picked + 1);
    run->diag = calloc(set->n, sizeof *run->diag);
    if (!picked || !run->diag) {
        free(picked);
        diagnose_cleanup(run);
        return WC_ERR_NOMEM;
    }
    for (size_t k = 0; k < set->n; k++) {
        const struct diagnosis *d = &set->d[k];
        if (!ended(run, d->fails, d->n_fails, 1) || !ended(run, d->passes, d->n_passes, 0))
            continue;
        size_t n = 0;
        int warn_only = 1;
        const char *fact = NULL;
        for (size_t i = 0; i < run->n; i++) {
            const struct case_result *r = &run->res[i];
            /* The fact of a case it explains, never of one a later line rejected. */
            const char *mine = NULL;
            if (diagnosable(r) && r->diagnosis < 0 && explains(d, r, &mine)) {
                if (n == 0)
                    fact = mine;
                picked[n++] = i;
                warn_only &= r->play.v.outcome == OUT_WARN;
            }
        }
        if (n == 0 || n < d->min)
            continue;
        struct run_diagnosis *rd = &run->diag[run->n_diag];
        rd->d = d;
        rd->text = fill(d->text, fact);
        rd->cases = malloc(n * sizeof *rd->cases);
        if (!rd->text || !rd->cases) {
            free(picked);
            free(rd->text);
            free(rd->cases);
            rd->text = NULL;
            rd->cases = NULL;
            diagnose_cleanup(run);
            for (size_t i = 0; i < run->n; i++)
                run->res[i].diagnosis = -1;
            return WC_ERR_NOMEM;
        }
        memcpy(rd->cases, picked, n * sizeof *picked);
        rd->n = n;
        rd->warn_only = warn_only;
        for (size_t j = 0; j < n; j++)
            run->res[picked[j]].diagnosis = (int)run->n_diag;
        run->n_diag++;
    }
    free(picked);
    return 0;
}

void diagnose_cleanup(struct run *run)
{
    for (size_t k = 0; run->diag && k < run->n_diag; k++) {
        free(run->diag[k].text);
        free(run->diag[k].cases);
    }
    free(run->diag);
    run->diag = NULL;
    run->n_diag = 0;
}

int diagnose_headline(const struct run *run, size_t k, struct bytes *out)
{
    const struct run_diagnosis *rd = &run->diag[k];
    return bytes_printf(out, "%zu case%s %s because %s (%s)", rd->n, rd->n == 1 ? "" : "s",
                        rd->warn_only
                            ? (rd->n == 1 ? "falls short of a SHOULD" : "fall short of a SHOULD")
                            : (rd->n == 1 ? "fails" : "fail"),
                        rd->text, rd->d->requirement);
}
