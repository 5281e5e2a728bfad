/* idlist.h -- lists of case ids with reasons: conformance/DISABLED and --baseline files. */
#ifndef WIRECHECK_RUNNER_IDLIST_H
#define WIRECHECK_RUNNER_IDLIST_H

#include <stddef.h>

struct idlist_entry {
    char *id;     /* a case id, or a glob of ids ("sensor.0*") */
    char *reason; /* the rest of the line, trimmed ("" when none) */
    unsigned line;
    int used;     /* set by idlist_find when an entry matched */
};

struct idlist {
    struct idlist_entry *e;
    size_t n;
};

/* Most entries and longest line of a list. */
#define IDLIST_MAX_ENTRIES 10000
#define IDLIST_MAX_LINE 4096

/*
 * Parses "ID  reason..." lines; '#' starts a comment line; blank lines are ignored.
 * Pure: |text| is any bytes. Returns 0 and fills |out| (free with idlist_free), or
 * WC_ERR_INVALID / WC_ERR_TOO_LONG with "file:line: what" in |err|, or WC_ERR_NOMEM.
 */
int idlist_parse(const char *file, const char *text, size_t len, struct idlist *out, char *err,
                 size_t errlen);

/* The first entry whose id (or glob) matches |id|, marked used; NULL when none. */
struct idlist_entry *idlist_find(struct idlist *l, const char *id);

void idlist_free(struct idlist *l);

#endif
