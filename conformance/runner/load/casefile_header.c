/* casefile_header.c -- the header lines of case and suite files, and the checks once a file ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/casefile_int.h"
#include "status.h"

static int yes_no(const unsigned char *v, size_t n, int *out)
{
    if (cf_word_is(v, n, "yes"))
        *out = 1;
    else if (cf_word_is(v, n, "no"))
        *out = 0;
    else
        return -1;
    return 0;
}

/* Stores a string header; a repeated header is an error. */
static int set_str(struct cf_parser *ps, char **field, const unsigned char *v, size_t n,
                   const char *key)
{
    if (**field)
        return cf_fail(ps, WC_ERR_INVALID, "header '%s' given twice", key);
    char *p = cf_dup_n(v, n);
    if (!p)
        return cf_fail(ps, WC_ERR_NOMEM, "out of memory");
    free(*field);
    *field = p;
    return 0;
}

/* "keywords: a b c": blank-separated words, in order, into the case's list. */
static int set_keywords(struct cf_parser *ps, struct cf_case *c, const unsigned char *v,
                        size_t n)
{
    if (c->n_keywords)
        return cf_fail(ps, WC_ERR_INVALID, "header 'keywords' given twice");
    size_t i = 0;
    while (i < n) {
        while (i < n && cf_is_space(v[i]))
            i++;
        size_t start = i;
        while (i < n && !cf_is_space(v[i]))
            i++;
        if (i == start)
            break;
        char **grown = realloc(c->keywords, (c->n_keywords + 2) * sizeof *grown);
        if (!grown)
            return cf_fail(ps, WC_ERR_NOMEM, "out of memory");
        c->keywords = grown;
        c->keywords[c->n_keywords] = cf_dup_n(v + start, i - start);
        if (!c->keywords[c->n_keywords])
            return cf_fail(ps, WC_ERR_NOMEM, "out of memory");
        c->keywords[++c->n_keywords] = NULL;
    }
    return 0;
}

int cf_parse_header(struct cf_parser *ps, const unsigned char *key, size_t kl,
                        const unsigned char *v, size_t vl)
{
    struct cf_case *c = ps->c;
    int suite = c->kind == CF_KIND_SUITE;
    unsigned long long n;
    char name[24];
    snprintf(name, sizeof name, "%.*s", (int)kl, (const char *)key);
    if (c->n_steps)
        return cf_fail(ps, WC_ERR_INVALID, "header '%s' after the first step", name);
    if (vl == 0 && strcmp(name, "keywords") != 0 && strcmp(name, "include") != 0)
        return cf_fail(ps, WC_ERR_INVALID, "header '%s' has no value", name);
    if (strcmp(name, "title") == 0)
        return set_str(ps, &c->title, v, vl, name);
    if (!suite && strcmp(name, "id") == 0)
        return set_str(ps, &c->id, v, vl, name);
    if (!suite && strcmp(name, "requirement") == 0)
        return set_str(ps, &c->requirement, v, vl, name);
    if (!suite && strcmp(name, "keywords") == 0)
        return set_keywords(ps, c, v, vl);
    if (suite && strcmp(name, "suite") == 0)
        return set_str(ps, &c->suite, v, vl, name);
    if (suite && strcmp(name, "include") == 0)
        return set_str(ps, &c->include, v, vl, name);
    if (!suite && strcmp(name, "level") == 0) {
        char lv[16];
        snprintf(lv, sizeof lv, "%.*s", (int)(vl < 15 ? vl : 15), (const char *)v);
        int l = vl < 15 ? cf_level_parse(lv) : -1;
        if (l < 0)
            return cf_fail(ps, WC_ERR_INVALID, "level must be core, robust or stress");
        c->level = (enum cf_level)l;
        return 0;
    }
    if (!suite && strcmp(name, "hostile") == 0) {
        if (yes_no(v, vl, &c->hostile) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "hostile must be yes or no");
        return 0;
    }
    if (!suite && strcmp(name, "listen") == 0) {
        if (yes_no(v, vl, &c->listen) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "listen must be yes or no");
        return 0;
    }
    if (!suite && strcmp(name, "requires") == 0) {
        if (!cf_word_is(v, vl, "exec"))
            return cf_fail(ps, WC_ERR_INVALID, "requires takes only 'exec'");
        c->requires_exec = 1;
        return 0;
    }
    if (!suite && strcmp(name, "timeout") == 0) {
        if (cf_parse_uint(v, vl, ps->lim->max_ms, 0, &n) < 0 || n == 0)
            return cf_fail(ps, WC_ERR_INVALID, "timeout needs 1..%u ms", ps->lim->max_ms);
        c->timeout_ms = (unsigned)n;
        return 0;
    }
    if (suite && strcmp(name, "role") == 0) {
        if (!cf_word_is(v, vl, "server") && !cf_word_is(v, vl, "client"))
            return cf_fail(ps, WC_ERR_INVALID, "role must be server or client");
        return set_str(ps, &c->role, v, vl, name);
    }
    if (suite && strcmp(name, "transport") == 0) {
        if (!cf_word_is(v, vl, "tcp") && !cf_word_is(v, vl, "udp"))
            return cf_fail(ps, WC_ERR_INVALID, "transport must be tcp or udp");
        return set_str(ps, &c->transport, v, vl, name);
    }
    if (suite && strcmp(name, "port") == 0) {
        if (cf_parse_uint(v, vl, 65535, 0, &n) < 0 || n == 0)
            return cf_fail(ps, WC_ERR_INVALID, "port must be 1..65535");
        c->port = (unsigned)n;
        return 0;
    }
    return cf_fail(ps, WC_ERR_INVALID, "unknown header '%s'", name);
}

int cf_check_complete(struct cf_parser *ps)
{
    struct cf_case *c = ps->c;
    if (ps->depth)
        return cf_fail(ps, WC_ERR_INVALID, "%s block opened on line %u has no 'end'",
                        cf_op_name(c->steps[ps->open_blocks[ps->depth - 1]].op),
                        c->steps[ps->open_blocks[ps->depth - 1]].line);
    ps->line = 1;
    const char *missing = NULL;
    if (c->kind == CF_KIND_SUITE) {
        missing = !*c->suite ? "suite" : !*c->role ? "role" : !*c->transport ? "transport"
                : !c->port ? "port" : NULL;
    } else {
        missing = !*c->id ? "id" : !*c->title ? "title" : !*c->requirement ? "requirement"
                : NULL;
        if (!missing && c->n_steps == 0)
            return cf_fail(ps, WC_ERR_INVALID, "a case needs at least one step");
    }
    if (missing)
        return cf_fail(ps, WC_ERR_INVALID, "missing header '%s'", missing);
    if (c->kind == CF_KIND_CASE) {
        const char *dot = strrchr(c->id, '.');
        size_t digits = dot ? strspn(dot + 1, "0123456789") : 0;
        if (!dot || dot == c->id || digits != 3 || dot[4] != 0 ||
            strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789-") != (size_t)(dot - c->id))
            return cf_fail(ps, WC_ERR_INVALID, "id '%s' is not <suite>.<3 digits>", c->id);
        const char *dash = strchr(c->requirement, '-');
        if (!dash || dash == c->requirement || !dash[1] ||
            strspn(c->requirement, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != (size_t)(dash - c->requirement) ||
            strspn(dash + 1, "0123456789") != strlen(dash + 1))
            return cf_fail(ps, WC_ERR_INVALID, "requirement '%s' is not like SEN-4",
                            c->requirement);
    }
    return 0;
}
