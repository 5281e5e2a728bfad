/* idlist.c -- parses DISABLED and baseline files: one case id (or glob) and a reason a line. */
#include "load/idlist.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int idlist_parse(const char *file, const char *text, size_t len, struct idlist *out, char *err,
                 size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    unsigned line = 0;
    size_t pos = 0;
    int rc = 0;
    while (rc == 0 && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        size_t s = pos, e = end;
        pos = nl ? end + 1 : len;
        if (e - s > IDLIST_MAX_LINE) {
            snprintf(err, errlen, "%s:%u: line longer than %d bytes", file, line,
                     IDLIST_MAX_LINE);
            rc = WC_ERR_TOO_LONG;
            break;
        }
        while (s < e && (text[s] == ' ' || text[s] == '\t'))
            s++;
        while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
            e--;
        if (s == e || text[s] == '#')
            continue;
        size_t w = s;
        while (w < e && text[w] != ' ' && text[w] != '\t')
            w++;
        for (size_t i = s; i < w; i++) {
            unsigned char ch = (unsigned char)text[i];
            if (ch < 0x21 || ch > 0x7e) {
                snprintf(err, errlen, "%s:%u: a case id must be printable ASCII", file, line);
                rc = WC_ERR_INVALID;
                break;
            }
        }
        if (rc < 0)
            break;
        if (out->n >= IDLIST_MAX_ENTRIES) {
            snprintf(err, errlen, "%s:%u: more than %d entries", file, line,
                     IDLIST_MAX_ENTRIES);
            rc = WC_ERR_TOO_LONG;
            break;
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct idlist_entry *p = realloc(out->e, ncap * sizeof *p);
            if (!p) {
                rc = WC_ERR_NOMEM;
                break;
            }
            out->e = p;
            cap = ncap;
        }
        size_t r = w;
        while (r < e && (text[r] == ' ' || text[r] == '\t'))
            r++;
        struct idlist_entry *en = &out->e[out->n];
        en->id = strndup(text + s, w - s);
        en->reason = strndup(text + r, e - r);
        en->line = line;
        en->used = 0;
        out->n++;
        if (!en->id || !en->reason)
            rc = WC_ERR_NOMEM;
    }
    if (rc < 0) {
        if (rc == WC_ERR_NOMEM)
            snprintf(err, errlen, "%s: out of memory", file);
        idlist_free(out);
    }
    return rc;
}

struct idlist_entry *idlist_find(struct idlist *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++) {
        if (fnmatch(l->e[i].id, id, 0) == 0) {
            l->e[i].used = 1;
            return &l->e[i];
        }
    }
    return NULL;
}

void idlist_free(struct idlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].id);
        free(l->e[i].reason);
    }
    free(l->e);
    l->e = NULL;
    l->n = 0;
}
