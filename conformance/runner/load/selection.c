/* selection.c -- the one selection rule of run and list, and "did you mean" for typos. */
#include "load/selection.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

void selection_init(struct selection *sel)
{
    memset(sel, 0, sizeof *sel);
}

/* "core", "robust,stress", "all". */
int selection_set_levels(struct selection *sel, const char *s)
{
    unsigned mask = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        char w[16];
        if (n == 0 || n >= sizeof w)
            return WC_ERR_INVALID;
        memcpy(w, s, n);
        w[n] = 0;
        if (strcmp(w, "all") == 0) {
            mask |= 7;
        } else {
            int l = cf_level_parse(w);
            if (l < 0)
                return WC_ERR_INVALID;
            mask |= 1u << l;
        }
        s += n + (s[n] == ',');
    }
    if (mask == 0)
        return WC_ERR_INVALID;
    sel->levels = mask;
    return 0;
}

int selection_add_glob(struct selection *sel, const char *glob)
{
    if (!*glob)
        return WC_ERR_INVALID;
    if (sel->n_globs >= SELECTION_MAX)
        return WC_ERR_TOO_LONG;
    sel->globs[sel->n_globs++] = glob;
    return 0;
}

int selection_add_keyword(struct selection *sel, const char *keyword)
{
    const char *word = keyword[0] == '!' ? keyword + 1 : keyword;
    if (!*word || strpbrk(word, " \t"))
        return WC_ERR_INVALID;
    if (sel->n_keywords >= SELECTION_MAX)
        return WC_ERR_TOO_LONG;
    sel->keywords[sel->n_keywords++] = keyword;
    return 0;
}

int selection_matches(const struct selection *sel, const struct cf_case *c)
{
    if (sel->levels && !(sel->levels & (1u << c->level)))
        return 0;
    int glob_ok = sel->n_globs == 0;
    for (size_t i = 0; !glob_ok && i < sel->n_globs; i++)
        glob_ok = fnmatch(sel->globs[i], c->id, 0) == 0;
    if (!glob_ok)
        return 0;
    int wanted = 0, found = 0;
    for (size_t i = 0; i < sel->n_keywords; i++) {
        const char *k = sel->keywords[i];
        if (k[0] == '!') {
            if (cf_has_keyword(c, k + 1))
                return 0;
            continue;
        }
        wanted = 1;
        found = found || cf_has_keyword(c, k);
    }
    return !wanted || found;
}

int selection_narrows(const struct selection *sel)
{
    return sel->n_globs || sel->n_keywords || (sel->levels && sel->levels != 7);
}

void selection_describe(const struct selection *sel, char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < sel->n_globs && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s--case %s", n ? " " : "", sel->globs[i]);
    for (size_t i = 0; i < sel->n_keywords && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s--keyword %s", n ? " " : "",
                              sel->keywords[i]);
    if (sel->levels && sel->levels != 7 && n < len) {
        n += (size_t)snprintf(out + n, len - n, "%s--level", n ? " " : "");
        static const char *const names[] = {"core", "robust", "stress"};
        const char *sep = " ";
        for (int l = 0; l < 3 && n < len; l++) {
            if (sel->levels & (1u << l)) {
                n += (size_t)snprintf(out + n, len - n, "%s%s", sep, names[l]);
                sep = ",";
            }
        }
    }
}

/* Levenshtein distance of |a| and |b|, or 3 when it is more than 2 (or a string is long). */
static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63 || (la > lb ? la - lb : lb - la) > 2)
        return 3;
    unsigned row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > 2 ? 3 : row[lb];
}

const char *selection_suggest(const char *wanted, const char *const *ids, size_t n)
{
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < n; i++) {
        unsigned d = distance(wanted, ids[i]);
        if (d < best_d) {
            best_d = d;
            best = ids[i];
        }
    }
    return best;
}
