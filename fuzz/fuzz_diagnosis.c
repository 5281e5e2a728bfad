/* fuzz_diagnosis.c -- the DIAGNOSES parser: no crash, no leak, a sane model or a clear error. */
#include <string.h>

#include "fuzz.h"
#include "load/diagnosis.h"
#include "load/fact.h"
#include "status.h"

#define DIAG_FUZZ_FILE "fuzz.diag"

static size_t count_lines(const char *s, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static void expect_words(char *const *w, size_t n, const char *what)
{
    FUZZ_CHECK(w != NULL && w[n] == NULL, "%s: list not NULL-terminated after %zu", what, n);
    FUZZ_CHECK(n <= DIAGNOSIS_MAX_WORDS, "%s: %zu words", what, n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(w[i][0] && !strpbrk(w[i], " \t\n"), "%s: word %zu \"%s\" empty or blank",
                   what, i, w[i]);
}

/* Everything a parsed diagnosis promises (what run/diagnose.c relies on). */
static void expect_sane(const struct diagnosis *d, size_t lines)
{
    FUZZ_CHECK(d->id && d->id[0] && strlen(d->id) <= 64 && strspn(d->id,
               "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(d->id), "id \"%s\"", d->id);
    FUZZ_CHECK(d->requirement && d->requirement[0], "no requirement");
    FUZZ_CHECK(d->text && d->text[0] && strlen(d->text) <= DIAGNOSIS_MAX_TEXT, "text");
    FUZZ_CHECK(d->line >= 1 && d->line <= lines, "line %u of %zu", d->line, lines);
    FUZZ_CHECK(d->min >= 1 && d->min <= 10000, "min %u", d->min);
    FUZZ_CHECK(d->n_cond >= 1 && !d->cond[0].negated, "no when: first");
    for (size_t i = 0; i < d->n_cond; i++) {
        FUZZ_CHECK(d->cond[i].n_alt >= 1, "condition %zu has no alternative", i);
        for (size_t j = 0; j < d->cond[i].n_alt; j++) {
            const struct diag_alt *a = &d->cond[i].alt[j];
            if (a->test == DIAG_REASON || a->test == DIAG_DETAIL) {
                FUZZ_CHECK(a->text && a->text[0] && !a->words, "text test without its text");
                continue;
            }
            FUZZ_CHECK(a->test >= DIAG_FACT && a->test <= DIAG_CASE, "test %d", (int)a->test);
            FUZZ_CHECK(!a->text && a->n_words >= 1, "word test without words");
            expect_words(a->words, a->n_words, "alternative");
            if (a->test == DIAG_FACT) {
                int k = fact_lookup(a->words[0], strlen(a->words[0]));
                FUZZ_CHECK(k >= 0, "unknown fact \"%s\" accepted", a->words[0]);
                for (size_t w = 1; w < a->n_words; w++) {
                    const char *eq = strchr(a->words[w], '=');
                    FUZZ_CHECK(eq && fact_has_key((enum fact_kind)k, a->words[w],
                                                  (size_t)(eq - a->words[w])),
                               "pair \"%s\" of fact %s", a->words[w], a->words[0]);
                }
            }
        }
    }
    if (d->fails)
        expect_words(d->fails, d->n_fails, "fails");
    if (d->passes)
        expect_words(d->passes, d->n_passes, "passes");
    for (const char *p = strchr(d->text, '{'); p; p = strchr(p + 1, '{'))
        FUZZ_CHECK(diagnosis_placeholder(p) < DIAGNOSIS_MAX_TEXT, "placeholder length");
}

static void expect_clear_error(const char *err, size_t lines)
{
    static const char prefix[] = DIAG_FUZZ_FILE ":";
    FUZZ_CHECK(strncmp(err, prefix, sizeof prefix - 1) == 0, "error \"%s\" lacks the file", err);
    char *end = NULL;
    unsigned long line = strtoul(err + sizeof prefix - 1, &end, 10);
    FUZZ_CHECK(end != err + sizeof prefix - 1 && line >= 1 && line <= lines && end[0] == ':' &&
                   end[1] == ' ' && end[2] != '\0',
               "error \"%s\" is not FILE:LINE: what (file has %zu lines)", err, lines);
}

/* The input is a DIAGNOSES file. It is parsed twice into one set, as a suite and the suite it
 * includes would be: the second parse must fail on the repeated ids (when the first found
 * some) and leave the first's diagnoses intact. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ((size_t)1 << 20))
        return FUZZ_REJECT;
    const char *text = (const char *)data;
    size_t lines = count_lines(text, size);
    struct diagnosis_set set = {0};
    char err[512] = "";
    int rc = diagnosis_parse(DIAG_FUZZ_FILE, text, size, &set, err, sizeof err);
    if (rc == 0) {
        FUZZ_CHECK(set.n <= DIAGNOSIS_MAX, "%zu diagnoses", set.n);
        for (size_t i = 0; i < set.n; i++)
            expect_sane(&set.d[i], lines);
        size_t n = set.n;
        int again = diagnosis_parse(DIAG_FUZZ_FILE, text, size, &set, err, sizeof err);
        FUZZ_CHECK(n == 0 ? again == 0 : again == WC_ERR_INVALID,
                   "a second parse of %zu diagnoses returned %d", n, again);
        FUZZ_CHECK(set.n == n, "a failed append changed the set: %zu, then %zu", n, set.n);
    } else {
        FUZZ_CHECK(rc == WC_ERR_INVALID || rc == WC_ERR_TOO_LONG || rc == WC_ERR_NOMEM,
                   "diagnosis_parse returned %d", rc);
        FUZZ_CHECK(set.n == 0, "a failed parse left %zu diagnoses", set.n);
        if (rc != WC_ERR_NOMEM)
            expect_clear_error(err, lines);
    }
    diagnosis_set_free(&set);
    return FUZZ_ACCEPT;
}
