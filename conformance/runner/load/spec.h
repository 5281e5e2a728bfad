/* spec.h -- reads conformance/SPEC.md: numbered requirements with strength, level and cases. */
#ifndef WIRECHECK_RUNNER_SPEC_H
#define WIRECHECK_RUNNER_SPEC_H

#include <stddef.h>

/*
 * One requirement. In SPEC.md it is a heading, its text, and a "Cases:" line:
 *
 *   ### SEN-4 [MUST, core] One reply per line
 *   The server MUST answer every non-blank line with exactly one reply line.
 *   Cases: sensor.004, sensor.005
 */
struct spec_req {
    char *id;       /* "SEN-4" */
    char *strength; /* "MUST", "SHOULD" or "MAY" */
    int level;      /* an enum cf_level */
    char *title;
    char *text;     /* the paragraph(s) under the heading, without the Cases line */
    char **cases;   /* the ids listed on the Cases line */
    size_t n_cases;
    unsigned line;  /* of the heading */
};

struct spec {
    struct spec_req *r;
    size_t n;
};

/* Most requirements, and most cases listed for one. */
#define SPEC_MAX_REQS 2000
#define SPEC_MAX_CASES 500

/*
 * Parses SPEC.md text (any bytes). Headings "### <ID> [...]" that start with an id-like word
 * must be well-formed; other headings end the previous requirement's text and are otherwise
 * ignored. Returns 0 and fills |out| (free with spec_free), or WC_ERR_INVALID /
 * WC_ERR_TOO_LONG with "file:line: what" in |err|, or WC_ERR_NOMEM. Pure.
 */
int spec_parse(const char *file, const char *text, size_t len, struct spec *out, char *err,
               size_t errlen);

/* The requirement with |id|, or NULL. */
const struct spec_req *spec_find(const struct spec *s, const char *id);

void spec_free(struct spec *s);

#endif
