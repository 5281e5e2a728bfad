/* casefile_hdr.c -- the header lines of case and suite files, and the checks once a file ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile_int.h"
#include "status.h"

static int yes_no(const unsigned char *v, size_t n, int *out)
{
    if (cfl_word_is(v, n, "yes"))
        *out = 1;
    else if (cfl_word_is(v, n, "no"))
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
        return cfl_fail(ps, WC_ERR_INVALID, "header '%s' given twice", key);
    char *p = cfl_dup_n(v, n);
    if (!p)
        return cfl_fail(ps, WC_ERR_NOMEM, "out of memory");
    free(*field);
    *field = p;
    return 0;
}

int cfh_parse_header(struct cf_parser *ps, const unsigned char *key, size_t kl,
                        const unsigned char *v, size_t vl)
{
    struct cf_case *c = ps->c;
    int suite = c->kind == CF_KIND_SUITE;
    unsigned long long n;
    char name[24];
    snprintf(name, sizeof name, "%.*s", (int)kl, (const char *)key);
    if (c->n_steps)
        return cfl_fail(ps, WC_ERR_INVALID, "header '%s' after the first step", name);
    if (vl == 0 && strcmp(name, "keywords") != 0 && strcmp(name, "include") != 0)
        return cfl_fail(ps, WC_ERR_INVALID, "header '%s' has no value", name);
    if (strcmp(name, "title") == 0)
        return set_str(ps, &c->title, v, vl, name);
    if (!suite && strcmp(name, "id") == 0)
        return set_str(ps, &c->id, v, vl, name);
    if (!suite && strcmp(name, "requirement") == 0)
        return set_str(ps, &c->requirement, v, vl, name);
    if (!suite && strcmp(name, "keywords") == 0)
        return set_str(ps, &c->keywords, v, vl, name);
    if (suite && strcmp(name, "suite") == 0)
        return set_str(ps, &c->suite, v, vl, name);
    if (suite && strcmp(name, "include") == 0)
        return set_str(ps, &c->include, v, vl, name);
    if (!suite && strcmp(name, "level") == 0) {
        char lv[16];
        snprintf(lv, sizeof lv, "%.*s", (int)(vl < 15 ? vl : 15), (const char *)v);
        int l = vl < 15 ? cf_level_parse(lv) : -1;
        if (l < 0)
            return cfl_fail(ps, WC_ERR_INVALID, "level must be core, robust or stress");
        c->level = (enum cf_level)l;
        return 0;
    }
    if (!suite && strcmp(name, "hostile") == 0) {
        if (yes_no(v, vl, &c->hostile) < 0)
            return cfl_fail(ps, WC_ERR_INVALID, "hostile must be yes or no");
        return 0;
    }
    if (!suite && strcmp(name, "listen") == 0) {
        if (yes_no(v, vl, &c->listen) < 0)
            return cfl_fail(ps, WC_ERR_INVALID, "listen must be yes or no");
        return 0;
    }
    if (!suite && strcmp(name, "requires") == 0) {
        if (!cfl_word_is(v, vl, "exec"))
            return cfl_fail(ps, WC_ERR_INVALID, "requires takes only 'exec'");
        c->requires_exec = 1;
        return 0;
    }
    if (!suite && strcmp(name, "timeout") == 0) {
        if (cfl_parse_uint(v, vl, ps->lim->max_ms, 0, &n) < 0 || n == 0)
            return cfl_fail(ps, WC_ERR_INVALID, "timeout needs 1..%u ms", ps->lim->max_ms);
        c->timeout_ms = (unsigned)n;
        return 0;
    }
    if (suite && strcmp(name, "role") == 0) {
        if (!cfl_word_is(v, vl, "server") && !cfl_word_is(v, vl, "client"))
            return cfl_fail(ps, WC_ERR_INVALID, "role must be server or client");
        return set_str(ps, &c->role, v, vl, name);
    }
    if (suite && strcmp(name, "transport") == 0) {
        if (!cfl_word_is(v, vl, "tcp") && !cfl_word_is(v, vl, "udp"))
            return cfl_fail(ps, WC_ERR_INVALID, "transport must be tcp or udp");
        return set_str(ps, &c->transport, v, vl, name);
    }
    if (suite && strcmp(name, "port") == 0) {
        if (cfl_parse_uint(v, vl, 65535, 0, &n) < 0 || n == 0)
            return cfl_fail(ps, WC_ERR_INVALID, "port must be 1..65535");
        c->port = (unsigned)n;
        return 0;
    }
    return cfl_fail(ps, WC_ERR_INVALID, "unknown header '%s'", name);
}

int cfh_check_complete(struct cf_parser *ps)
{
    struct cf_case *c = ps->c;
    if (ps->depth)
        return cfl_fail(ps, WC_ERR_INVALID, "%s block opened on line %u has no 'end'",
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
            return cfl_fail(ps, WC_ERR_INVALID, "a case needs at least one step");
    }
    if (missing)
        return cfl_fail(ps, WC_ERR_INVALID, "missing header '%s'", missing);
    if (c->kind == CF_KIND_CASE) {
        const char *dot = strrchr(c->id, '.');
        size_t digits = dot ? strspn(dot + 1, "0123456789") : 0;
        if (!dot || dot == c->id || digits != 3 || dot[4] != 0 ||
            strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789-") != (size_t)(dot - c->id))
            return cfl_fail(ps, WC_ERR_INVALID, "id '%s' is not <suite>.<3 digits>", c->id);
        const char *dash = strchr(c->requirement, '-');
        if (!dash || dash == c->requirement || !dash[1] ||
            strspn(c->requirement, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != (size_t)(dash - c->requirement) ||
            strspn(dash + 1, "0123456789") != strlen(dash + 1))
            return cfl_fail(ps, WC_ERR_INVALID, "requirement '%s' is not like SEN-4",
                            c->requirement);
    }
    return 0;
}

struct cf_case *cfh_new_case(enum cf_kind kind, const char *file)
{
    struct cf_case *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->listen = 1;
    char **fields[] = {&c->file, &c->id, &c->title, &c->requirement, &c->keywords,
                       &c->suite, &c->role, &c->transport, &c->include};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        *fields[i] = calloc(1, 1);
        if (!*fields[i]) {
            casefile_free(c);
            return NULL;
        }
    }
    char *f = cfl_dup_n((const unsigned char *)file, strlen(file));
    if (!f) {
        casefile_free(c);
        return NULL;
    }
    free(c->file);
    c->file = f;
    return c;
}

