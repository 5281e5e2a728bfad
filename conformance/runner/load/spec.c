/* spec.c -- parses the numbered requirements of SPEC.md for `show`, reports and checks. */
#include "load/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "load/casefile.h"
#include "status.h"

static int id_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= 'A' && s[i] <= 'Z')
        i++;
    if (i == 0 || i >= n || s[i] != '-')
        return 0;
    size_t d = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > d && i == n;
}

static void req_free(struct spec_req *r)
{
    free(r->id);
    free(r->strength);
    free(r->title);
    free(r->text);
    for (size_t i = 0; i < r->n_cases; i++)
        free(r->cases[i]);
    free(r->cases);
}

/* "Cases: a, b c" -> the ids. */
static int parse_cases(struct spec_req *r, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
            i++;
        size_t st = i;
        while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '\t')
            i++;
        if (i == st)
            break;
        if (r->n_cases >= SPEC_MAX_CASES)
            return WC_ERR_TOO_LONG;
        char **p = realloc(r->cases, (r->n_cases + 1) * sizeof *p);
        if (!p)
            return WC_ERR_NOMEM;
        r->cases = p;
        r->cases[r->n_cases] = strndup(s + st, i - st);
        if (!r->cases[r->n_cases])
            return WC_ERR_NOMEM;
        r->n_cases++;
    }
    return 0;
}

/* "### ID [STRENGTH, level] Title" after the "### ". */
static int parse_heading(struct spec_req *r, const char *s, size_t n, char *why, size_t wl)
{
    size_t i = 0;
    while (i < n && s[i] != ' ')
        i++;
    r->id = strndup(s, i);
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n || s[i] != '[') {
        snprintf(why, wl, "expected '[MUST, core]' after the id");
        return WC_ERR_INVALID;
    }
    size_t st = ++i;
    while (i < n && s[i] != ',' && s[i] != ']')
        i++;
    r->strength = strndup(s + st, i - st);
    if (!r->id || !r->strength)
        return WC_ERR_NOMEM;
    if (strcmp(r->strength, "MUST") && strcmp(r->strength, "SHOULD") &&
        strcmp(r->strength, "MAY")) {
        snprintf(why, wl, "strength must be MUST, SHOULD or MAY");
        return WC_ERR_INVALID;
    }
    if (i >= n || s[i] != ',') {
        snprintf(why, wl, "expected ', level]' after the strength");
        return WC_ERR_INVALID;
    }
    i++;
    while (i < n && s[i] == ' ')
        i++;
    st = i;
    while (i < n && s[i] != ']')
        i++;
    char lv[16];
    snprintf(lv, sizeof lv, "%.*s", (int)(i - st < 15 ? i - st : 15), s + st);
    r->level = cf_level_parse(lv);
    if (r->level < 0 || i >= n) {
        snprintf(why, wl, "level must be core, robust or stress, then ']'");
        return WC_ERR_INVALID;
    }
    i++;
    while (i < n && s[i] == ' ')
        i++;
    r->title = strndup(s + i, n - i);
    return r->title ? 0 : WC_ERR_NOMEM;
}

int spec_parse(const char *file, const char *text, size_t len, struct spec *out, char *err,
               size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct bytes body;
    bytes_init(&body, len + 1);
    struct spec_req *cur = NULL;
    unsigned line = 0;
    size_t pos = 0;
    int rc = 0;
    char why[128] = "";
    while (rc == 0 && pos <= len) {
        const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *s = text + pos;
        size_t n = end - pos;
        int at_end = pos >= len;
        line++;
        pos = nl ? end + 1 : len + 1;
        if (n && s[n - 1] == '\r')
            n--;
        int heading = !at_end && n > 0 && s[0] == '#';
        if ((heading || at_end) && cur) {
            while (body.len && (body.data[body.len - 1] == '\n' || body.data[body.len - 1] == ' '))
                body.len--;
            cur->text = strndup(bytes_str(&body), body.len);
            if (!cur->text)
                rc = WC_ERR_NOMEM;
            cur = NULL;
            body.len = 0;
        }
        if (at_end || rc < 0)
            break;
        if (heading && n > 4 && memcmp(s, "### ", 4) == 0) {
            size_t w = 4;
            while (w < n && s[w] != ' ')
                w++;
            if (!id_like(s + 4, w - 4))
                continue;
            if (out->n >= SPEC_MAX_REQS) {
                snprintf(why, sizeof why, "more than %d requirements", SPEC_MAX_REQS);
                rc = WC_ERR_TOO_LONG;
                break;
            }
            struct spec_req *p = realloc(out->r, (out->n + 1) * sizeof *p);
            if (!p) {
                rc = WC_ERR_NOMEM;
                break;
            }
            out->r = p;
            cur = &out->r[out->n++];
            memset(cur, 0, sizeof *cur);
            cur->line = line;
            rc = parse_heading(cur, s + 4, n - 4, why, sizeof why);
            if (rc == 0 && spec_find(out, cur->id) != cur) {
                snprintf(why, sizeof why, "requirement %s defined twice", cur->id);
                rc = WC_ERR_INVALID;
            }
            continue;
        }
        if (!cur)
            continue;
        if (n >= 6 && memcmp(s, "Cases:", 6) == 0) {
            rc = parse_cases(cur, s + 6, n - 6);
            if (rc == WC_ERR_TOO_LONG)
                snprintf(why, sizeof why, "more than %d cases listed", SPEC_MAX_CASES);
            continue;
        }
        if (body.len || n)
            rc = bytes_printf(&body, "%.*s\n", (int)n, s);
    }
    bytes_cleanup(&body);
    if (rc < 0) {
        if (rc == WC_ERR_NOMEM)
            snprintf(err, errlen, "%s: out of memory", file);
        else
            snprintf(err, errlen, "%s:%u: %s", file, line, why);
        spec_free(out);
    }
    return rc;
}

const struct spec_req *spec_find(const struct spec *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->r[i].id && strcmp(s->r[i].id, id) == 0)
            return &s->r[i];
    }
    return NULL;
}

void spec_free(struct spec *s)
{
    for (size_t i = 0; i < s->n; i++)
        req_free(&s->r[i]);
    free(s->r);
    s->r = NULL;
    s->n = 0;
}
