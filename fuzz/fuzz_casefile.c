/* fuzz_casefile.c -- the case-file parser: no crash, no leak, limits kept, a clear error if not. */
#include <string.h>

#include "load/casefile.h"
#include "fuzz.h"
#include "status.h"

#define CASE_FUZZ_FILE "fuzz.case"
/* Deepest block nesting the harness tracks; the parser's own hard cap is lower. */
#define CASE_FUZZ_MAX_DEPTH 16

/*
 * Input: one flag byte, then the file. Flag bit 0 picks a suite file over a case file; bit 1
 * picks the parser's default limits over tight ones (tight limits reach every TOO_LONG path
 * with small inputs and keep the defaults' 16 MiB expansions out of most runs); bits 2-3 pick
 * the size of the error buffer, an exact-size allocation, so truncation is exercised too.
 */
static void limits_for(uint8_t flags, struct cf_limits *lim)
{
    cf_limits_default(lim);
    if (flags & 2u)
        return;
    lim->max_file = (size_t)64 * 1024;
    lim->max_steps = 64;
    lim->max_data = 4096;
    lim->max_total_data = 16384;
    lim->max_depth = 3;
    lim->max_parallel = 8;
    lim->max_repeat = 8;
}

static size_t count_lines(const uint8_t *s, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static void expect_string(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL (absent strings must be \"\")", what);
}

/* Everything a parsed case promises: limits kept, blocks well nested, data consistent. */
static void expect_sane_case(const struct cf_case *c, enum cf_kind kind, const struct cf_limits *lim,
                             size_t lines)
{
    FUZZ_CHECK(c->kind == kind, "kind %d, asked for %d", (int)c->kind, (int)kind);
    expect_string(c->file, "file");
    FUZZ_CHECK(strcmp(c->file, CASE_FUZZ_FILE) == 0, "file name \"%s\"", c->file);
    expect_string(c->id, "id");
    expect_string(c->title, "title");
    expect_string(c->requirement, "requirement");
    FUZZ_CHECK(c->keywords != NULL && c->keywords[c->n_keywords] == NULL,
               "keyword list not NULL-terminated after %zu words", c->n_keywords);
    for (size_t i = 0; i < c->n_keywords; i++)
        FUZZ_CHECK(c->keywords[i][0] && !strpbrk(c->keywords[i], " \t"),
                   "keyword %zu \"%s\" is empty or holds a blank", i, c->keywords[i]);
    expect_string(c->suite, "suite");
    expect_string(c->role, "role");
    expect_string(c->transport, "transport");
    expect_string(c->include, "include");
    FUZZ_CHECK(c->timeout_ms <= lim->max_ms, "timeout %u ms over %u", c->timeout_ms, lim->max_ms);
    FUZZ_CHECK(c->n_steps <= lim->max_steps, "%zu steps over %zu", c->n_steps, lim->max_steps);
    FUZZ_CHECK(c->n_steps == 0 || c->steps != NULL, "steps NULL with %zu steps", c->n_steps);

    size_t total = 0;
    size_t block_end[CASE_FUZZ_MAX_DEPTH];
    unsigned depth = 0;
    for (size_t i = 0; i < c->n_steps; i++) {
        const struct cf_step *st = &c->steps[i];
        while (depth > 0 && i >= block_end[depth - 1])
            depth--;
        FUZZ_CHECK(st->op >= CF_CONNECT && st->op <= CF_REPEAT, "step %zu: op %d", i, (int)st->op);
        FUZZ_CHECK(st->line >= 1 && st->line <= lines, "step %zu: line %u of a %zu-line file", i,
                   st->line, lines);
        FUZZ_CHECK(memchr(st->name, '\0', sizeof st->name) != NULL, "step %zu: name unterminated",
                   i);
        FUZZ_CHECK((st->data.bytes == NULL) == (st->data.len == 0),
                   "step %zu: data pointer and length disagree", i);
        FUZZ_CHECK(st->data.len <= lim->max_data, "step %zu: %zu data bytes over %zu", i,
                   st->data.len, lim->max_data);
        FUZZ_CHECK(st->data.n_index <= CF_MAX_INDEX, "step %zu: %u index atoms", i,
                   st->data.n_index);
        for (unsigned k = 0; k < st->data.n_index; k++)
            FUZZ_CHECK(st->data.index_at[k] <= st->data.len &&
                           (k == 0 || st->data.index_at[k - 1] <= st->data.index_at[k]),
                       "step %zu: index position %zu outside or out of order", i,
                       st->data.index_at[k]);
        FUZZ_CHECK(st->ms <= lim->max_ms && st->timeout_ms <= lim->max_ms &&
                       st->delay_ms <= lim->max_ms,
                   "step %zu: a duration over %u ms", i, lim->max_ms);
        total += st->data.len;
        if (st->op == CF_PARALLEL || st->op == CF_REPEAT) {
            unsigned max = st->op == CF_PARALLEL ? lim->max_parallel : lim->max_repeat;
            FUZZ_CHECK(st->count <= max, "step %zu: count %u over %u", i, st->count, max);
            FUZZ_CHECK(st->body <= c->n_steps - i - 1, "step %zu: body of %zu runs past the end",
                       i, st->body);
            FUZZ_CHECK(depth == 0 || i + 1 + st->body <= block_end[depth - 1],
                       "step %zu: block ends outside the block that contains it", i);
            FUZZ_CHECK(depth < lim->max_depth && depth < CASE_FUZZ_MAX_DEPTH,
                       "step %zu: blocks nested deeper than %u", i, lim->max_depth);
            block_end[depth++] = i + 1 + st->body;
        }
    }
    FUZZ_CHECK(total == c->total_data && total <= lim->max_total_data,
               "data bytes %zu, total_data %zu, limit %zu", total, c->total_data,
               lim->max_total_data);
}

/* A rejection says where and what: "fuzz.case:LINE: text", cut to the buffer if need be. */
static void expect_clear_error(const char *err, size_t errlen, size_t lines)
{
    FUZZ_CHECK(memchr(err, '\0', errlen) != NULL, "error text not terminated in %zu bytes",
               errlen);
    static const char prefix[] = CASE_FUZZ_FILE ":";
    size_t len = strlen(err);
    if (errlen < 128) {
        FUZZ_CHECK(strncmp(err, prefix, len < sizeof prefix - 1 ? len : sizeof prefix - 1) == 0,
                   "truncated error \"%s\" does not start with the file name", err);
        return;
    }
    FUZZ_CHECK(strncmp(err, prefix, sizeof prefix - 1) == 0, "error \"%s\" lacks the file", err);
    char *end = NULL;
    unsigned long line = strtoul(err + sizeof prefix - 1, &end, 10);
    FUZZ_CHECK(end != err + sizeof prefix - 1 && line <= lines + 1 && end[0] == ':' &&
                   end[1] == ' ' && end[2] != '\0',
               "error \"%s\" is not FILE:LINE: what (file has %zu lines)", err, lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > ((size_t)1 << 20) + 1)
        return FUZZ_REJECT;
    uint8_t flags = data[0];
    const uint8_t *text = data + 1;
    size_t len = size - 1;
    enum cf_kind kind = (flags & 1u) ? CF_KIND_SUITE : CF_KIND_CASE;
    struct cf_limits lim;
    limits_for(flags, &lim);
    static const size_t errlens[4] = {256, 1024, 24, 1};
    size_t errlen = errlens[(flags >> 2) & 3u];
    char *err = malloc(errlen);
    FUZZ_NEED(err);
    memset(err, 'X', errlen);

    struct cf_case poison;
    struct cf_case *c = &poison; /* the parser must overwrite it, with NULL on failure */
    int rc = cf_parse(CASE_FUZZ_FILE, text, len, kind, &lim, &c, err, errlen);
    size_t lines = count_lines(text, len);
    if (rc == 0) {
        FUZZ_CHECK(c != NULL, "success without a case");
        FUZZ_CHECK(len <= lim.max_file, "accepted %zu bytes over max_file %zu", len, lim.max_file);
        expect_sane_case(c, kind, &lim, lines);
        cf_free(c);
    } else {
        FUZZ_CHECK(rc == WC_ERR_INVALID || rc == WC_ERR_TOO_LONG || rc == WC_ERR_NOMEM,
                   "cf_parse returned %d", rc);
        FUZZ_CHECK(c == NULL, "failure left a case in *out");
        FUZZ_CHECK(len <= lim.max_file || rc == WC_ERR_TOO_LONG,
                   "a file over max_file rejected with %d, not WC_ERR_TOO_LONG", rc);
        expect_clear_error(err, errlen, lines);
    }
    free(err);
    return FUZZ_ACCEPT;
}
