/* grading.c -- parses grading files: "key: value" lines, file settings first, then parts. */
#include "load/grading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/casefile.h"
#include "load/lines.h"
#include "status.h"

struct parser {
    struct lines l;
    struct grading *g;
    struct grading_part *part; /* the part being read, NULL before the first */
};

static void free_part(struct grading_part *p)
{
    free(p->name);
    free(p->title);
    free(p->suite);
    free(p->dir);
    free(p->build);
    free(p->run);
    free(p->points);
    for (size_t i = 0; i < p->n_accept; i++)
        free(p->accept[i].reason);
    free(p->accept);
}

void grading_free(struct grading *g)
{
    for (size_t i = 0; i < g->n_parts; i++)
        free_part(&g->parts[i]);
    free(g->parts);
    free(g->points);
    free(g->title);
    free(g->limits);
    memset(g, 0, sizeof *g);
}

/* The next blank-separated word of [*s, e), or an empty one at the end. */
static void next_word(const char **s, const char *e, const char **ws, size_t *wn)
{
    while (*s < e && lines_blank(**s))
        (*s)++;
    *ws = *s;
    while (*s < e && !lines_blank(**s))
        (*s)++;
    *wn = (size_t)(*s - *ws);
}

static int word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

static int set_str(struct parser *ps, char **field, const char *s, const char *e, const char *key)
{
    if (*field)
        return lines_fail(&ps->l, WC_ERR_INVALID, "'%s' given twice", key);
    if (s == e)
        return lines_fail(&ps->l, WC_ERR_INVALID, "'%s' needs a value", key);
    *field = lines_dup(s, (size_t)(e - s));
    return *field ? 0 : lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
}

/* "300" or "300s" or "5m": seconds, 1 to 86400. */
static int parse_seconds(struct parser *ps, const char *s, const char *e, unsigned *out,
                         const char *key)
{
    unsigned long v = 0;
    const char *p = s;
    while (p < e && *p >= '0' && *p <= '9' && v <= 86400)
        v = v * 10 + (unsigned long)(*p++ - '0');
    unsigned long mult = 1;
    if (p < e && (*p == 's' || *p == 'm')) {
        mult = *p == 'm' ? 60 : 1;
        p++;
    }
    if (p == s || p != e || v == 0 || v * mult > 86400)
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "%s: want seconds from 1 to 86400 (\"300\", \"300s\" or "
                          "\"5m\")",
                          key);
    *out = (unsigned)(v * mult);
    return 0;
}

static int id_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= 'A' && s[i] <= 'Z')
        i++;
    if (i == 0 || i == n || s[i] != '-' || ++i == n)
        return 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i == n && n < 32;
}

/* "points: ID N" or "points: STRENGTH LEVEL|* N". */
static int parse_points(struct parser *ps, const char *s, const char *e,
                        struct grading_points **rules, size_t *n)
{
    if (*n == GRADING_MAX_RULES)
        return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d points: lines", GRADING_MAX_RULES);
    struct grading_points r;
    memset(&r, 0, sizeof r);
    r.line = ps->l.line;
    r.level = -1;
    const char *w;
    size_t wn;
    next_word(&s, e, &w, &wn);
    if (word_is(w, wn, "MUST") || word_is(w, wn, "SHOULD") || word_is(w, wn, "MAY")) {
        memcpy(r.strength, w, wn);
        next_word(&s, e, &w, &wn);
        char lv[16];
        snprintf(lv, sizeof lv, "%.*s", (int)(wn < 15 ? wn : 15), w);
        if (!word_is(w, wn, "*")) {
            r.level = wn < 15 ? cf_level_parse(lv) : -1;
            if (r.level < 0)
                return lines_fail(&ps->l, WC_ERR_INVALID,
                                  "points: want a level (core, robust, stress or "
                                  "*) after %s, not '%.*s'",
                                  r.strength, (int)wn, w);
        }
    } else if (id_like(w, wn)) {
        memcpy(r.id, w, wn);
    } else {
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "points: want a requirement id (SEN-4) or a strength "
                          "and a level (MUST core), not '%.*s'",
                          (int)wn, w);
    }
    next_word(&s, e, &w, &wn);
    char num[32];
    snprintf(num, sizeof num, "%.*s", (int)(wn < 31 ? wn : 31), w);
    char *end;
    double v = wn && wn < 31 && strspn(num, "0123456789.") == wn ? strtod(num, &end) : -1;
    if (v < 0 || v > 10000 || (wn && *end))
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "points: want a number of points from 0 to 10000, not "
                          "'%.*s'",
                          (int)wn, w);
    r.points = v;
    next_word(&s, e, &w, &wn);
    if (wn)
        return lines_fail(&ps->l, WC_ERR_INVALID, "points: unexpected '%.*s' after the number",
                          (int)wn, w);
    struct grading_points *grown = realloc(*rules, (*n + 1) * sizeof *grown);
    if (!grown)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    *rules = grown;
    grown[(*n)++] = r;
    return 0;
}

static int parse_accept(struct parser *ps, struct grading_part *p, const char *s, const char *e)
{
    if (p->n_accept == GRADING_MAX_RULES)
        return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d accept: lines", GRADING_MAX_RULES);
    const char *w;
    size_t wn;
    next_word(&s, e, &w, &wn);
    if (!id_like(w, wn))
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "accept: want a requirement id and why (accept: SEN-17 "
                          "the chapter's server is serial)");
    lines_trim(&s, &e);
    if (s == e)
        return lines_fail(&ps->l, WC_ERR_INVALID, "accept: say why %.*s is accepted", (int)wn, w);
    for (size_t i = 0; i < p->n_accept; i++)
        if (word_is(w, wn, p->accept[i].id))
            return lines_fail(&ps->l, WC_ERR_INVALID, "accept: %.*s is accepted twice", (int)wn, w);
    struct grading_accept *grown = realloc(p->accept, (p->n_accept + 1) * sizeof *grown);
    if (!grown)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    p->accept = grown;
    struct grading_accept *a = &grown[p->n_accept];
    memset(a, 0, sizeof *a);
    memcpy(a->id, w, wn);
    a->line = ps->l.line;
    a->reason = lines_dup(s, (size_t)(e - s));
    if (!a->reason)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    p->n_accept++;
    return 0;
}

static int parse_levels(struct parser *ps, struct grading_part *p, const char *s, const char *e)
{
    if (p->levels)
        return lines_fail(&ps->l, WC_ERR_INVALID, "'levels' given twice");
    const char *w;
    size_t wn;
    for (next_word(&s, e, &w, &wn); wn; next_word(&s, e, &w, &wn)) {
        char lv[16];
        snprintf(lv, sizeof lv, "%.*s", (int)(wn < 15 ? wn : 15), w);
        int l = wn < 15 ? cf_level_parse(lv) : -1;
        if (l < 0)
            return lines_fail(&ps->l, WC_ERR_INVALID,
                              "levels: '%.*s' is not core, robust or stress", (int)wn, w);
        p->levels |= 1u << l;
    }
    return p->levels ? 0 : lines_fail(&ps->l, WC_ERR_INVALID, "levels: name at least one level");
}

static int name_ok(const char *s, const char *e)
{
    if (s == e || e - s > 64)
        return 0;
    for (; s < e; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static int start_part(struct parser *ps, const char *s, const char *e)
{
    struct grading *g = ps->g;
    if (!name_ok(s, e))
        return lines_fail(&ps->l, WC_ERR_INVALID, "a part's name is 1 to 64 of a-z, 0-9 and '-'");
    for (size_t i = 0; i < g->n_parts; i++)
        if (word_is(s, (size_t)(e - s), g->parts[i].name))
            return lines_fail(&ps->l, WC_ERR_INVALID, "part '%.*s' is defined twice", (int)(e - s),
                              s);
    if (g->n_parts == GRADING_MAX_PARTS)
        return lines_fail(&ps->l, WC_ERR_TOO_LONG, "more than %d parts", GRADING_MAX_PARTS);
    struct grading_part *grown = realloc(g->parts, (g->n_parts + 1) * sizeof *grown);
    if (!grown)
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    g->parts = grown;
    ps->part = &grown[g->n_parts++];
    memset(ps->part, 0, sizeof *ps->part);
    ps->part->line = ps->l.line;
    ps->part->name = lines_dup(s, (size_t)(e - s));
    return ps->part->name ? 0 : lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
}

/* A part is complete when it ends: suite and run given; the rest defaults. */
static int finish_part(struct parser *ps)
{
    struct grading_part *p = ps->part;
    if (!p)
        return 0;
    unsigned at = ps->l.line;
    ps->l.line = p->line;
    int rc = 0;
    if (!p->suite)
        rc = lines_fail(&ps->l, WC_ERR_INVALID, "part '%s' has no 'suite:'", p->name);
    else if (!p->run)
        rc = lines_fail(&ps->l, WC_ERR_INVALID,
                        "part '%s' has no 'run:' (the command that starts its "
                        "program, e.g. target/debug/server)",
                        p->name);
    ps->l.line = at;
    if (rc)
        return rc;
    if (!p->title && !(p->title = lines_dup("", 0)))
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    if (!p->dir && !(p->dir = lines_dup(".", 1)))
        return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
    if (!p->levels)
        p->levels = 7;
    return 0;
}

/* A folder inside the submission: relative, no "..", no blank. */
static int dir_ok(const char *s, const char *e)
{
    if (s == e || *s == '/' || e - s > 255)
        return 0;
    for (const char *p = s; p < e; p++) {
        if (lines_blank(*p) || *p == '\\')
            return 0;
        if (*p == '.' && p[1] == '.' && (p == s || p[-1] == '/') && (p + 2 == e || p[2] == '/'))
            return 0;
    }
    return 1;
}

#define KEYS                                                                                       \
    "title, points, build-time, time, limits, part; in a part: suite, dir, build, run, "           \
    "levels, points, accept, time, title"

static int parse_line(struct parser *ps, const char *s, const char *e)
{
    const char *colon = memchr(s, ':', (size_t)(e - s));
    if (!colon)
        return lines_fail(&ps->l, WC_ERR_INVALID, "want 'key: value' (" KEYS ")");
    const char *ks = s, *ke = colon, *vs = colon + 1, *ve = e;
    lines_trim(&ks, &ke);
    lines_trim(&vs, &ve);
    size_t kn = (size_t)(ke - ks);
    struct grading *g = ps->g;
    struct grading_part *p = ps->part;
    if (word_is(ks, kn, "part")) {
        int rc = finish_part(ps);
        return rc ? rc : start_part(ps, vs, ve);
    }
    if (word_is(ks, kn, "title"))
        return set_str(ps, p ? &p->title : &g->title, vs, ve, "title");
    if (word_is(ks, kn, "points"))
        return p ? parse_points(ps, vs, ve, &p->points, &p->n_points)
                 : parse_points(ps, vs, ve, &g->points, &g->n_points);
    if (word_is(ks, kn, "time")) {
        unsigned *t = p ? &p->time_s : &g->time_s;
        return parse_seconds(ps, vs, ve, t, "time");
    }
    if (!p) {
        if (word_is(ks, kn, "build-time"))
            return parse_seconds(ps, vs, ve, &g->build_time_s, "build-time");
        if (word_is(ks, kn, "limits"))
            return set_str(ps, &g->limits, vs, ve, "limits");
        return lines_fail(&ps->l, WC_ERR_INVALID,
                          "unknown key '%.*s' before the first part: (" KEYS ")", (int)kn, ks);
    }
    if (word_is(ks, kn, "suite"))
        return set_str(ps, &p->suite, vs, ve, "suite");
    if (word_is(ks, kn, "run"))
        return set_str(ps, &p->run, vs, ve, "run");
    if (word_is(ks, kn, "dir")) {
        if (!dir_ok(vs, ve))
            return lines_fail(&ps->l, WC_ERR_INVALID,
                              "dir: want a folder inside the submission (relative, "
                              "no '..', no blanks)");
        return set_str(ps, &p->dir, vs, ve, "dir");
    }
    if (word_is(ks, kn, "build")) {
        if (p->build)
            return lines_fail(&ps->l, WC_ERR_INVALID, "'build' given twice");
        p->build = word_is(vs, (size_t)(ve - vs), "none") ? lines_dup("", 0)
                                                          : lines_dup(vs, (size_t)(ve - vs));
        if (!p->build)
            return lines_fail(&ps->l, WC_ERR_NOMEM, "out of memory");
        return ve > vs ? 0 : lines_fail(&ps->l, WC_ERR_INVALID, "build: give a command, or none");
    }
    if (word_is(ks, kn, "levels"))
        return parse_levels(ps, p, vs, ve);
    if (word_is(ks, kn, "accept"))
        return parse_accept(ps, p, vs, ve);
    return lines_fail(&ps->l, WC_ERR_INVALID, "unknown key '%.*s' (" KEYS ")", (int)kn, ks);
}

int grading_parse(const char *file, const char *text, size_t len, struct grading *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct parser ps;
    lines_init(&ps.l, file, text, len, GRADING_MAX_LINE, err, errlen);
    ps.g = out;
    ps.part = NULL;
    int rc = 0;
    const char *s, *e;
    while (rc == 0 && (rc = lines_next(&ps.l, &s, &e)) == 1) {
        rc = 0;
        /* A comment starts a line, or follows a blank: "#" inside a command stays. */
        for (const char *h = s; (h = memchr(h, '#', (size_t)(e - h))) != NULL; h++) {
            if (h == s || lines_blank(h[-1])) {
                e = h;
                break;
            }
        }
        lines_trim(&s, &e);
        if (s < e)
            rc = parse_line(&ps, s, e);
    }
    if (rc == 0)
        rc = finish_part(&ps);
    if (rc == 0 && out->n_parts == 0)
        rc = lines_fail(&ps.l, WC_ERR_INVALID,
                        "no part: a grading file grades at least one "
                        "part");
    if (rc == 0) {
        if (!out->build_time_s)
            out->build_time_s = 600;
        if (!out->time_s)
            out->time_s = 300;
        if ((!out->title && !(out->title = lines_dup("", 0))) ||
            (!out->limits && !(out->limits = lines_dup("", 0))))
            rc = WC_ERR_NOMEM;
    }
    if (rc)
        grading_free(out);
    return rc;
}

static const struct grading_points *find_rule(const struct grading_points *r, size_t n,
                                              const char *id, const char *strength, int level)
{
    for (size_t i = n; i-- > 0;) {
        if (id && r[i].id[0] && strcmp(r[i].id, id) == 0)
            return &r[i];
        if (!id && !r[i].id[0] && strcmp(r[i].strength, strength) == 0 &&
            (r[i].level < 0 || r[i].level == level))
            return &r[i];
    }
    return NULL;
}

double grading_points_for(const struct grading *g, const struct grading_part *part, const char *id,
                          const char *strength, int level)
{
    const struct grading_points *r = find_rule(part->points, part->n_points, id, NULL, 0);
    if (!r)
        r = find_rule(g->points, g->n_points, id, NULL, 0);
    if (!r && strength && *strength) {
        r = find_rule(part->points, part->n_points, NULL, strength, level);
        if (!r)
            r = find_rule(g->points, g->n_points, NULL, strength, level);
    }
    if (r)
        return r->points;
    if (strength && strcmp(strength, "MUST") == 0)
        return level == CF_LEVEL_CORE ? 3 : level == CF_LEVEL_ROBUST ? 2 : 1;
    if (strength && strcmp(strength, "SHOULD") == 0)
        return 1;
    return 0;
}

const struct grading_accept *grading_accepted(const struct grading_part *part, const char *id)
{
    for (size_t i = 0; i < part->n_accept; i++)
        if (strcmp(part->accept[i].id, id) == 0)
            return &part->accept[i];
    return NULL;
}
