/* diagnosis.c -- parses DIAGNOSES files: "key: value" lines, one block per diagnosis. */
#include "load/diagnosis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/fact.h"
#include "load/lines.h"
#include "status.h"

struct parser {
    struct lines l;
    struct diagnosis *cur; /* the diagnosis being read, NULL before the first */
};

static void free_words(char **w)
{
    for (size_t i = 0; w && w[i]; i++)
        free(w[i]);
    free(w);
}

static void free_diagnosis(struct diagnosis *d)
{
    free(d->id);
    free(d->requirement);
    free(d->text);
    for (size_t i = 0; i < d->n_cond; i++) {
        for (size_t j = 0; j < d->cond[i].n_alt; j++) {
            free_words(d->cond[i].alt[j].words);
            free(d->cond[i].alt[j].text);
        }
        free(d->cond[i].alt);
    }
    free(d->cond);
    free_words(d->fails);
    free_words(d->passes);
}

size_t diagnosis_placeholder(const char *p)
{
    if (*p != '{')
        return 0;
    size_t n = 1;
    while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_')
        n++;
    return n > 1 && p[n] == '}' ? n - 1 : 0;
}

void diagnosis_set_free(struct diagnosis_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free_diagnosis(&s->d[i]);
    free(s->d);
    s->d = NULL;
    s->n = 0;
}

/* Splits [s, e) at blanks into a NULL-terminated list. */
static int split_words(struct parser *ps, const char *s, const char *e, char ***out, size_t *n)
{
    char **w = calloc(DIAGNOSIS_MAX_WORDS + 1, sizeof *w);
    if (!w)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    size_t k = 0;
    while (s < e) {
        while (s < e && lines_blank(*s))
            s++;
        const char *q = s;
        while (q < e && !lines_blank(*q))
            q++;
        if (q == s)
            break;
        if (k == DIAGNOSIS_MAX_WORDS) {
            free_words(w);
            return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d words", DIAGNOSIS_MAX_WORDS);
        }
        if (!(w[k++] = lines_dup(s, (size_t)(q - s)))) {
            free_words(w);
            return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
        }
        s = q;
    }
    *out = w;
    *n = k;
    return 0;
}

static const struct {
    const char *name;
    enum diag_test test;
} tests[] = {
    {"fact", DIAG_FACT},       {"reason", DIAG_REASON},           {"detail", DIAG_DETAIL},
    {"outcome", DIAG_OUTCOME}, {"requirement", DIAG_REQUIREMENT}, {"keyword", DIAG_KEYWORD},
    {"case", DIAG_CASE},
};

static int check_alt(struct parser *ps, struct diag_alt *a)
{
    static const char *const outcomes[] = {"fail", "timeout", "crash", "warn"};
    if (a->test == DIAG_REASON || a->test == DIAG_DETAIL)
        return a->text[0] ? 0
                          : lines_fail(&ps->l, WC_ERR_INVALID, "'%s' needs the text to find",
                                       a->test == DIAG_REASON ? "reason" : "detail");
    if (a->n_words == 0)
        return lines_fail(&ps->l, WC_ERR_INVALID, "a test needs at least one word after its name");
    if (a->test == DIAG_OUTCOME) {
        for (size_t i = 0; i < a->n_words; i++) {
            size_t k = 0;
            while (k < 4 && strcmp(a->words[i], outcomes[k]) != 0)
                k++;
            if (k == 4)
                return lines_fail(&ps->l, WC_ERR_INVALID,
                                  "unknown outcome '%s' (fail, timeout, crash or "
                                  "warn: only failing cases are diagnosed)",
                                  a->words[i]);
        }
    }
    if (a->test == DIAG_FACT) {
        int k = fact_lookup(a->words[0], strlen(a->words[0]));
        if (k < 0)
            return lines_fail(&ps->l, WC_ERR_INVALID, "unknown fact '%s' (FORMAT.md lists them)",
                              a->words[0]);
        for (size_t i = 1; i < a->n_words; i++) {
            const char *eq = strchr(a->words[i], '=');
            if (!eq || eq == a->words[i] || !eq[1])
                return lines_fail(&ps->l, WC_ERR_INVALID,
                                  "'%s': want key=value after the fact's name", a->words[i]);
            if (!fact_has_key((enum fact_kind)k, a->words[i], (size_t)(eq - a->words[i])))
                return lines_fail(&ps->l, WC_ERR_INVALID, "fact '%s' has no key '%.*s'",
                                  a->words[0], (int)(eq - a->words[i]), a->words[i]);
        }
    }
    return 0;
}

/* One alternative of a when:/unless: line: "TEST ARGS". */
static int parse_alt(struct parser *ps, const char *s, const char *e, struct diag_alt *a)
{
    lines_trim(&s, &e);
    const char *q = s;
    while (q < e && !lines_blank(*q))
        q++;
    size_t i = 0, nt = sizeof tests / sizeof tests[0];
    while (i < nt && !(strlen(tests[i].name) == (size_t)(q - s) &&
                       memcmp(tests[i].name, s, (size_t)(q - s)) == 0))
        i++;
    if (i == nt)
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "unknown test '%.*s' (fact, reason, detail, outcome, "
                          "requirement, keyword or case)",
                          (int)(q - s), s);
    a->test = tests[i].test;
    const char *as = q, *ae = e;
    lines_trim(&as, &ae);
    int rc;
    if (a->test == DIAG_REASON || a->test == DIAG_DETAIL) {
        a->text = lines_dup(as, (size_t)(ae - as));
        rc = a->text ? 0 : lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    } else {
        rc = split_words(ps, as, ae, &a->words, &a->n_words);
    }
    return rc ? rc : check_alt(ps, a);
}

static int parse_cond(struct parser *ps, const char *s, const char *e, int negated)
{
    struct diagnosis *d = ps->cur;
    if (d->n_cond == DIAGNOSIS_MAX_WORDS)
        return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d when:/unless: lines",
                          DIAGNOSIS_MAX_WORDS);
    struct diag_cond *grown = realloc(d->cond, (d->n_cond + 1) * sizeof *grown);
    if (!grown)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    d->cond = grown;
    struct diag_cond *c = &d->cond[d->n_cond++];
    memset(c, 0, sizeof *c);
    c->negated = negated;
    while (s <= e) {
        const char *bar = memchr(s, '|', (size_t)(e - s));
        const char *end = bar ? bar : e;
        if (c->n_alt == DIAGNOSIS_MAX_WORDS)
            return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d alternatives",
                              DIAGNOSIS_MAX_WORDS);
        struct diag_alt *ga = realloc(c->alt, (c->n_alt + 1) * sizeof *ga);
        if (!ga)
            return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
        c->alt = ga;
        memset(&c->alt[c->n_alt], 0, sizeof c->alt[0]);
        int rc = parse_alt(ps, s, end, &c->alt[c->n_alt++]);
        if (rc)
            return rc;
        if (!bar)
            break;
        s = bar + 1;
    }
    return 0;
}

static int set_once(struct parser *ps, char **field, const char *s, const char *e, const char *key)
{
    if (*field)
        return lines_fail(&ps->l, WC_ERR_INVALID, "'%s' given twice in one diagnosis", key);
    if (s == e)
        return lines_fail(&ps->l, WC_ERR_INVALID, "'%s' needs a value", key);
    *field = lines_dup(s, (size_t)(e - s));
    return *field ? 0 : lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
}

static int id_ok(const char *s, const char *e)
{
    if (s == e || e - s > 64)
        return 0;
    for (; s < e; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static int start(struct parser *ps, struct diagnosis_set *out, const char *s, const char *e)
{
    if (!id_ok(s, e))
        return lines_fail(&ps->l, WC_ERR_INVALID, "a diagnosis id is 1 to 64 of a-z, 0-9 and '-'");
    for (size_t i = 0; i < out->n; i++)
        if (strlen(out->d[i].id) == (size_t)(e - s) &&
            memcmp(out->d[i].id, s, (size_t)(e - s)) == 0)
            return lines_fail(&ps->l, WC_ERR_INVALID, "diagnosis '%.*s' is defined twice",
                              (int)(e - s), s);
    if (out->n == DIAGNOSIS_MAX)
        return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d diagnoses", DIAGNOSIS_MAX);
    struct diagnosis *grown = realloc(out->d, (out->n + 1) * sizeof *grown);
    if (!grown)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    out->d = grown;
    ps->cur = &out->d[out->n++];
    memset(ps->cur, 0, sizeof *ps->cur);
    ps->cur->line = ps->l.line;
    ps->cur->min = 1;
    ps->cur->id = lines_dup(s, (size_t)(e - s));
    return ps->cur->id ? 0 : lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
}

/* Every {key} of the text (a-z and '_' between braces: "{}" and other braces are text) must
 * be a key of some fact a when: line names. */
static int check_placeholders(struct parser *ps, const struct diagnosis *d)
{
    for (const char *p = d->text; (p = strchr(p, '{')) != NULL; p++) {
        size_t kl = diagnosis_placeholder(p);
        if (!kl)
            continue;
        int found = 0;
        for (size_t i = 0; !found && i < d->n_cond; i++)
            for (size_t j = 0; !found && !d->cond[i].negated && j < d->cond[i].n_alt; j++) {
                const struct diag_alt *a = &d->cond[i].alt[j];
                int k = a->test == DIAG_FACT ? fact_lookup(a->words[0], strlen(a->words[0])) : -1;
                found = k >= 0 && fact_has_key((enum fact_kind)k, p + 1, kl);
            }
        if (!found)
            return lines_fail(&ps->l, WC_ERR_INVALID,
                              "text: {%.*s} is not a key of a fact this "
                              "diagnosis's when: lines name",
                              (int)kl, p + 1);
    }
    return 0;
}

/* The checks when a diagnosis ends (at the next one or the end of the file). */
static int finish(struct parser *ps)
{
    struct diagnosis *d = ps->cur;
    if (!d)
        return 0;
    unsigned at = ps->l.line;
    ps->l.line = d->line;
    int rc = 0;
    if (!d->requirement)
        rc = lines_fail(&ps->l, WC_ERR_INVALID, "diagnosis '%s' has no 'requirement:'", d->id);
    else if (!d->text)
        rc = lines_fail(&ps->l, WC_ERR_INVALID, "diagnosis '%s' has no 'text:'", d->id);
    else if (d->n_cond == 0 || d->cond[0].negated)
        rc = lines_fail(&ps->l, WC_ERR_INVALID,
                        "diagnosis '%s' needs a 'when:' line before any "
                        "'unless:' (which failing cases does it explain?)",
                        d->id);
    else
        rc = check_placeholders(ps, d);
    ps->l.line = at;
    return rc;
}

static int parse_line(struct parser *ps, struct diagnosis_set *out, const char *s, const char *e)
{
    struct diagnosis *d = ps->cur;
    /* A continuation of the sentence: an indented line right after text:. */
    if (lines_blank(*s) && d && d->text) {
        lines_trim(&s, &e);
        size_t tl = strlen(d->text), n = (size_t)(e - s);
        if (tl + 1 + n > DIAGNOSIS_MAX_TEXT)
            return lines_fail(&ps->l, WC_ERR_TOO_LONG, "text longer than %d bytes",
                              DIAGNOSIS_MAX_TEXT);
        char *grown = realloc(d->text, tl + n + 2);
        if (!grown)
            return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
        grown[tl] = ' ';
        memcpy(grown + tl + 1, s, n);
        grown[tl + 1 + n] = 0;
        d->text = grown;
        return 0;
    }
    const char *colon = memchr(s, ':', (size_t)(e - s));
    if (!colon || lines_blank(*s))
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "want 'key: value' (diagnosis, requirement, when, "
                          "unless, fails, passes, min, text)");
    const char *ks = s, *ke = colon, *vs = colon + 1, *ve = e;
    lines_trim(&vs, &ve);
#define KEY_IS(k) ((size_t)(ke - ks) == sizeof k - 1 && memcmp(ks, k, sizeof k - 1) == 0)
    if (KEY_IS("diagnosis")) {
        int rc = finish(ps);
        return rc ? rc : start(ps, out, vs, ve);
    }
    if (!d)
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "the first line of a diagnosis is 'diagnosis: ID'");
    if (KEY_IS("requirement"))
        return set_once(ps, &d->requirement, vs, ve, "requirement");
    if (KEY_IS("text")) {
        if (ve - vs > DIAGNOSIS_MAX_TEXT)
            return lines_fail(&ps->l, WC_ERR_TOO_LONG, "text longer than %d bytes",
                              DIAGNOSIS_MAX_TEXT);
        return set_once(ps, &d->text, vs, ve, "text");
    }
    if (KEY_IS("when") || KEY_IS("unless"))
        return parse_cond(ps, vs, ve, KEY_IS("unless"));
    if (KEY_IS("fails") || KEY_IS("passes")) {
        char ***list = KEY_IS("fails") ? &d->fails : &d->passes;
        size_t *n = KEY_IS("fails") ? &d->n_fails : &d->n_passes;
        if (*list)
            return lines_fail(&ps->l, WC_ERR_INVALID, "'%.*s' given twice in one diagnosis",
                              (int)(ke - ks), ks);
        int rc = split_words(ps, vs, ve, list, n);
        return rc   ? rc
               : *n ? 0
                    : lines_fail(&ps->l, WC_ERR_INVALID, "'%.*s' needs case ids", (int)(ke - ks),
                                 ks);
    }
    if (KEY_IS("min")) {
        unsigned v = 0;
        const char *p = vs;
        for (; p < ve && *p >= '0' && *p <= '9' && v < 100000; p++)
            v = v * 10 + (unsigned)(*p - '0');
        if (p == vs || p != ve || v == 0 || v > 10000)
            return lines_fail(&ps->l, WC_ERR_INVALID, "min: want a number from 1 to 10000");
        d->min = v;
        return 0;
    }
#undef KEY_IS
    return lines_fail(&ps->l, WC_ERR_INVALID,
                      "unknown key '%.*s' (diagnosis, requirement, when, unless, "
                      "fails, passes, min, text)",
                      (int)(ke - ks), ks);
}

int diagnosis_parse(const char *file, const char *text, size_t len, struct diagnosis_set *out,
                    char *err, size_t errlen)
{
    struct parser ps;
    lines_init(&ps.l, file, text, len, DIAGNOSIS_MAX_LINE, err, errlen);
    ps.cur = NULL;
    size_t first = out->n;
    int rc = 0;
    const char *s, *e;
    while (rc == 0 && (rc = lines_next(&ps.l, &s, &e)) == 1) {
        rc = 0;
        const char *ts = s, *te = e;
        lines_trim(&ts, &te);
        if (ts == te || *ts == '#')
            continue;
        rc = parse_line(&ps, out, s, e);
    }
    if (rc == 0)
        rc = finish(&ps);
    if (rc) {
        /* What this call added goes; an earlier call's diagnoses stay. */
        for (size_t i = first; i < out->n; i++)
            free_diagnosis(&out->d[i]);
        out->n = first;
    }
    return rc;
}
