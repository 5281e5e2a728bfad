/* casefile.c -- parses one conformance case (or suite) file into steps; pure and bounded. */
#include "load/casefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/casefile_int.h"
#include "status.h"

static int name_known(const struct cf_parser *ps, const char *name)
{
    for (unsigned i = ps->name_floor; i < ps->n_names; i++) {
        if (strcmp(ps->names[i], name) == 0)
            return 1;
    }
    return 0;
}

/* Reads a connection name at the cursor into step->name; |opens| declares it. */
static int read_name(struct cf_parser *ps, struct cf_cur *k, struct cf_step *st, int opens)
{
    cf_skip_ws(k);
    size_t wl = cf_word_len(k);
    const unsigned char *w = k->s + k->i;
    if (wl == 0 || cf_at_atom(k) || memchr(w, '=', wl))
        return cf_fail(ps, WC_ERR_INVALID, "%s needs a connection name", cf_op_name(st->op));
    if (wl >= CF_NAME_MAX)
        return cf_fail(ps, WC_ERR_INVALID, "name longer than %d characters", CF_NAME_MAX - 1);
    for (size_t i = 0; i < wl; i++) {
        unsigned char ch = w[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (i > 0 && ((ch >= '0' && ch <= '9') || ch == '_' || ch == '-'));
        if (!ok)
            return cf_fail(ps, WC_ERR_INVALID, "bad name '%.*s': use a letter then letters, "
                            "digits, '_' or '-'", (int)wl, (const char *)w);
    }
    memcpy(st->name, w, wl);
    st->name[wl] = 0;
    k->i += wl;
    if (name_known(ps, st->name))
        return 0;
    if (!opens)
        return cf_fail(ps, WC_ERR_INVALID, "'%s' is used before connect/udp/accept opens it",
                        st->name);
    if (ps->n_names >= CF_MAX_NAMES)
        return cf_fail(ps, WC_ERR_INVALID, "more than %d connection names", CF_MAX_NAMES);
    memcpy(ps->names[ps->n_names++], st->name, CF_NAME_MAX);
    return 0;
}

/* "fin", "rst", "unread", "timeout", "close" (any of the first three), separated by ',' or
 * '|'. */
static int parse_close_bits(const unsigned char *w, size_t n, int allow_timeout, unsigned *out)
{
    *out = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && w[j] != ',' && w[j] != '|')
            j++;
        if (cf_word_is(w + i, j - i, "fin"))
            *out |= CF_CLOSE_FIN;
        else if (cf_word_is(w + i, j - i, "rst"))
            *out |= CF_CLOSE_RST;
        else if (cf_word_is(w + i, j - i, "unread"))
            *out |= CF_CLOSE_UNREAD;
        else if (cf_word_is(w + i, j - i, "close"))
            *out |= CF_CLOSE_FIN | CF_CLOSE_RST | CF_CLOSE_UNREAD;
        else if (allow_timeout && cf_word_is(w + i, j - i, "timeout"))
            *out |= CF_CLOSE_TIMEOUT;
        else
            return -1;
        i = j + 1;
    }
    return *out ? 0 : -1;
}

/* key=value options; which keys an op accepts is checked here. */
static int parse_option(struct cf_parser *ps, struct cf_step *st, const unsigned char *w,
                        size_t wl)
{
    const unsigned char *eq = memchr(w, '=', wl);
    size_t kl = (size_t)(eq - w);
    const unsigned char *v = eq + 1;
    size_t vl = wl - kl - 1;
    unsigned long long n;
    enum cf_op op = st->op;
    int expects = op == CF_EXPECT || op == CF_EXPECT_LINE || op == CF_EXPECT_CLOSE ||
                  op == CF_EXPECT_DATAGRAM || op == CF_EXPECT_EXIT ||
                  op == CF_EXPECT_STDOUT || op == CF_EXPECT_STDERR || op == CF_CONNECT ||
                  op == CF_ACCEPT || op == CF_SEND;
    if (cf_word_is(w, kl, "timeout") && expects) {
        if (cf_parse_uint(v, vl, ps->lim->max_ms, 0, &n) < 0 || n == 0)
            return cf_fail(ps, WC_ERR_INVALID, "timeout= needs 1..%u ms", ps->lim->max_ms);
        st->timeout_ms = (unsigned)n;
    } else if (cf_word_is(w, kl, "chunk") && op == CF_SEND) {
        if (cf_parse_uint(v, vl, ps->lim->max_data, 0, &n) < 0 || n == 0)
            return cf_fail(ps, WC_ERR_INVALID, "chunk= needs a byte count >= 1");
        st->chunk = (size_t)n;
    } else if (cf_word_is(w, kl, "delay") && op == CF_SEND) {
        if (cf_parse_uint(v, vl, ps->lim->max_ms, 0, &n) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "delay= needs 0..%u ms", ps->lim->max_ms);
        st->delay_ms = (unsigned)n;
    } else if (cf_word_is(w, kl, "nonstrict") &&
               (op == CF_EXPECT || op == CF_EXPECT_LINE || op == CF_EXPECT_CLOSE ||
                op == CF_EXPECT_DATAGRAM)) {
        if (parse_close_bits(v, vl, 1, &st->nonstrict) < 0)
            return cf_fail(ps, WC_ERR_INVALID,
                            "nonstrict= takes fin, rst, unread, close or timeout");
    } else if (cf_word_is(w, kl, "from") && (op == CF_EXPECT_STDOUT || op == CF_EXPECT_STDERR)) {
        if (!cf_word_is(v, vl, "start"))
            return cf_fail(ps, WC_ERR_INVALID, "from= takes start here");
        st->from_start = 1;
    } else if (cf_word_is(w, kl, "from") && op == CF_EXPECT_DATAGRAM) {
        if (cf_word_is(v, vl, "any"))
            st->from_any = 1;
        else if (!cf_word_is(v, vl, "target"))
            return cf_fail(ps, WC_ERR_INVALID, "from= takes target or any");
    } else {
        return cf_fail(ps, WC_ERR_INVALID, "%s takes no option '%.*s'", cf_op_name(op),
                        (int)(kl < 40 ? kl : 40), (const char *)w);
    }
    return 0;
}

/* The positional word after the name (or first, for name-less ops). */
static int parse_positional(struct cf_parser *ps, struct cf_step *st, const unsigned char *w,
                            size_t wl, int *have)
{
    unsigned long long n;
    if (*have)
        return cf_fail(ps, WC_ERR_INVALID, "unexpected '%.*s'", (int)(wl < 40 ? wl : 40),
                        (const char *)w);
    *have = 1;
    switch (st->op) {
    case CF_CONNECT:
        if (!cf_word_is(w, wl, "refused"))
            return cf_fail(ps, WC_ERR_INVALID, "connect takes only 'refused' after the name");
        st->refused = 1;
        return 0;
    case CF_SLEEP:
    case CF_EXPECT_SILENCE:
        if (cf_parse_uint(w, wl, ps->lim->max_ms, 0, &n) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "%s needs a duration in ms (0..%u)",
                            cf_op_name(st->op), ps->lim->max_ms);
        st->ms = (unsigned)n;
        return 0;
    case CF_EXPECT_CLOSE:
        if (parse_close_bits(w, wl, 0, &st->close_ok) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "expect-close takes fin, rst, unread, close, "
                            "or alternatives like fin|rst");
        return 0;
    case CF_EXPECT_EXIT:
        if (cf_word_is(w, wl, "nonzero"))
            st->exit_code = CF_EXIT_NONZERO;
        else if (cf_word_is(w, wl, "any"))
            st->exit_code = CF_EXIT_ANY;
        else if (cf_parse_uint(w, wl, 255, 0, &n) == 0)
            st->exit_code = (int)n;
        else
            return cf_fail(ps, WC_ERR_INVALID, "expect-exit takes 0..255, nonzero or any");
        return 0;
    case CF_PARALLEL:
    case CF_REPEAT: {
        unsigned max = st->op == CF_PARALLEL ? ps->lim->max_parallel : ps->lim->max_repeat;
        if (cf_parse_uint(w, wl, max, 0, &n) < 0 || n == 0)
            return cf_fail(ps, WC_ERR_INVALID, "%s needs a count 1..%u", cf_op_name(st->op),
                            max);
        st->count = (unsigned)n;
        return 0;
    }
    default:
        *have = 0;
        return cf_fail(ps, WC_ERR_INVALID, "unexpected '%.*s'", (int)(wl < 40 ? wl : 40),
                        (const char *)w);
    }
}

static int needs_name(enum cf_op op)
{
    return op != CF_SLEEP && op != CF_EXPECT_EXIT && op != CF_EXPECT_STDOUT &&
           op != CF_EXPECT_STDERR && op != CF_PARALLEL && op != CF_REPEAT;
}

static int takes_data(enum cf_op op)
{
    return op == CF_SEND || op == CF_EXPECT || op == CF_EXPECT_DATAGRAM ||
           op == CF_EXPECT_LINE || op == CF_EXPECT_STDOUT || op == CF_EXPECT_STDERR;
}

static int needs_positional(enum cf_op op)
{
    return op == CF_SLEEP || op == CF_EXPECT_SILENCE || op == CF_EXPECT_CLOSE ||
           op == CF_EXPECT_EXIT || op == CF_PARALLEL || op == CF_REPEAT;
}

/* The arguments of one step: name, data / regex, positional word, options. */
static int parse_args(struct cf_parser *ps, struct cf_cur *k, struct cf_step *st)
{
    int rc = 0;
    if (needs_name(st->op))
        rc = read_name(ps, k, st, st->op == CF_CONNECT || st->op == CF_UDP ||
                                      st->op == CF_ACCEPT);
    int line_op = st->op == CF_EXPECT_LINE || st->op == CF_EXPECT_STDOUT ||
                  st->op == CF_EXPECT_STDERR;
    struct bytes data;
    bytes_init(&data, ps->lim->max_data);
    int have_data = 0, have_pos = 0;
    while (rc == 0) {
        cf_skip_ws(k);
        if (k->i >= k->n)
            break;
        const unsigned char *w = k->s + k->i;
        size_t wl = cf_word_len(k);
        if (k->n - k->i >= 3 && memcmp(w, "re\"", 3) == 0) {
            if (!line_op || have_data || st->regex)
                rc = cf_fail(ps, WC_ERR_INVALID, "%s takes no regex here", cf_op_name(st->op));
            else
                rc = cf_regex(ps, k, &st->regex);
            for (const char *p = st->regex; rc == 0 && p && *p; p++) {
                size_t pl = cf_placeholder_len(p);
                char name[CF_NAME_MAX];
                if (!pl)
                    continue;
                snprintf(name, sizeof name, "%.*s", (int)(pl - 2), p + 1);
                if (!name_known(ps, name))
                    rc = cf_fail(ps, WC_ERR_INVALID, "{%s} names no open connection", name);
                p += pl - 1;
            }
        } else if (cf_at_atom(k)) {
            if (!takes_data(st->op) || st->regex) {
                rc = cf_fail(ps, WC_ERR_INVALID, "%s takes no data", cf_op_name(st->op));
            } else {
                have_data = 1;
                rc = cf_data_atom(ps, k, &data, &st->data);
            }
        } else if (wl && memchr(w, '=', wl)) {
            rc = parse_option(ps, st, w, wl);
            k->i += wl;
        } else {
            rc = parse_positional(ps, st, w, wl, &have_pos);
            k->i += wl;
        }
    }
    if (rc == 0 && takes_data(st->op) && !have_data && !st->regex)
        rc = cf_fail(ps, WC_ERR_INVALID, "%s needs %s", cf_op_name(st->op),
                      st->op == CF_SEND || st->op == CF_EXPECT || st->op == CF_EXPECT_DATAGRAM
                          ? "data (\"text\", <hex>, ...)" : "\"text\" or re\"regex\"");
    if (rc == 0 && needs_positional(st->op) && !have_pos)
        rc = cf_fail(ps, WC_ERR_INVALID, "%s is missing its argument", cf_op_name(st->op));
    if (rc == 0 && line_op && data.len && memchr(data.data, '\n', data.len))
        rc = cf_fail(ps, WC_ERR_INVALID, "a line to expect cannot contain \\n");
    if (rc == 0 && data.len > ps->lim->max_total_data - ps->c->total_data)
        rc = cf_fail(ps, WC_ERR_TOO_LONG, "the file's data expressions exceed %zu bytes",
                      ps->lim->max_total_data);
    if (rc == 0 && data.len) {
        size_t len = data.len;
        ps->c->total_data += len;
        st->data.bytes = (unsigned char *)bytes_take(&data);
        st->data.len = len;
    }
    bytes_cleanup(&data);
    return rc;
}

/* Appends a zeroed step; returns it or NULL (error recorded). */
static struct cf_step *new_step(struct cf_parser *ps)
{
    struct cf_case *c = ps->c;
    if (c->n_steps >= ps->lim->max_steps) {
        cf_fail(ps, WC_ERR_TOO_LONG, "more than %zu steps", ps->lim->max_steps);
        return NULL;
    }
    if (c->n_steps == ps->steps_cap) {
        size_t cap = ps->steps_cap ? ps->steps_cap * 2 : 16;
        struct cf_step *p = realloc(c->steps, cap * sizeof *p);
        if (!p) {
            cf_fail(ps, WC_ERR_NOMEM, "out of memory");
            return NULL;
        }
        c->steps = p;
        ps->steps_cap = cap;
    }
    struct cf_step *st = &c->steps[c->n_steps++];
    memset(st, 0, sizeof *st);
    st->line = ps->line;
    return st;
}

static int parse_step(struct cf_parser *ps, struct cf_cur *k)
{
    size_t wl = cf_word_len(k);
    const unsigned char *w = k->s + k->i;
    if (cf_word_is(w, wl, "end")) {
        k->i += wl;
        cf_skip_ws(k);
        if (k->i < k->n)
            return cf_fail(ps, WC_ERR_INVALID, "'end' takes no arguments");
        if (ps->depth == 0)
            return cf_fail(ps, WC_ERR_INVALID, "'end' without parallel or repeat");
        ps->depth--;
        size_t at = ps->open_blocks[ps->depth];
        ps->c->steps[at].body = ps->c->n_steps - at - 1;
        ps->name_floor = ps->saved_floor[ps->depth];
        ps->n_names = ps->saved_names[ps->depth];
        if (ps->c->steps[at].body == 0)
            return cf_fail(ps, WC_ERR_INVALID, "empty %s block", cf_op_name(ps->c->steps[at].op));
        return 0;
    }
    int op = cf_op_parse(w, wl);
    if (op < 0)
        return cf_fail(ps, WC_ERR_INVALID, "unknown step '%.*s'", (int)(wl < 40 ? wl : 40),
                        (const char *)w);
    k->i += wl;
    struct cf_step *st = new_step(ps);
    if (!st)
        return WC_ERR_NOMEM;
    st->op = (enum cf_op)op;
    size_t index = ps->c->n_steps - 1;
    int rc = parse_args(ps, k, st);
    st = &ps->c->steps[index];
    if (rc == 0 && (st->op == CF_EXPECT_STDOUT || st->op == CF_EXPECT_STDERR))
        ps->c->requires_exec = 1;
    if (rc == 0 && (st->op == CF_PARALLEL || st->op == CF_REPEAT)) {
        if (ps->depth >= ps->lim->max_depth || ps->depth >= CF_MAX_DEPTH_HARD)
            return cf_fail(ps, WC_ERR_TOO_LONG, "blocks nested deeper than %u",
                            ps->lim->max_depth);
        /* Sessions multiply: parallel inside parallel would run max_parallel^depth at once. */
        for (unsigned d = 0; st->op == CF_PARALLEL && d < ps->depth; d++) {
            if (ps->c->steps[ps->open_blocks[d]].op == CF_PARALLEL)
                return cf_fail(ps, WC_ERR_INVALID, "parallel inside parallel (line %u): "
                                "sessions would multiply; use one parallel block",
                                ps->c->steps[ps->open_blocks[d]].line);
        }
        ps->saved_floor[ps->depth] = ps->name_floor;
        ps->saved_names[ps->depth] = ps->n_names;
        if (st->op == CF_PARALLEL)
            ps->name_floor = ps->n_names;
        ps->open_blocks[ps->depth++] = index;
    }
    return rc;
}

/* One logical line (continuations joined, no newline). */
static int parse_line(struct cf_parser *ps, const unsigned char *s, size_t n)
{
    struct cf_cur k = {s, n, 0};
    cf_skip_ws(&k);
    if (k.i >= n || s[k.i] == '#')
        return 0;
    size_t j = k.i;
    while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '-'))
        j++;
    if (j > k.i && j < n && s[j] == ':') {
        size_t v = j + 1, e = n;
        while (v < e && cf_is_space(s[v]))
            v++;
        while (e > v && cf_is_space(s[e - 1]))
            e--;
        for (size_t i = v; i < e; i++) {
            if (s[i] < 0x20 && s[i] != '\t')
                return cf_fail(ps, WC_ERR_INVALID, "control byte in a header");
        }
        return cf_parse_header(ps, s + k.i, j - k.i, s + v, e - v);
    }
    return parse_step(ps, &k);
}

int cf_parse(const char *file, const void *text, size_t len, enum cf_kind kind,
                   const struct cf_limits *lim, struct cf_case **out, char *err, size_t errlen)
{
    struct cf_limits def;
    if (!lim) {
        cf_limits_default(&def);
        lim = &def;
    }
    struct cf_parser ps;
    memset(&ps, 0, sizeof ps);
    ps.file = file ? file : "<input>";
    ps.lim = lim;
    ps.err = err;
    ps.errlen = errlen;
    ps.line = 1;
    if (err && errlen)
        err[0] = 0;
    *out = NULL;
    if (!text && len)
        return cf_fail(&ps, WC_ERR_ARG, "no input");
    if (len > lim->max_file)
        return cf_fail(&ps, WC_ERR_TOO_LONG, "file longer than %zu bytes", lim->max_file);
    ps.c = cf_new_case(kind, ps.file);
    if (!ps.c)
        return cf_fail(&ps, WC_ERR_NOMEM, "out of memory");
    memcpy(ps.names[ps.n_names++], "server", sizeof "server");

    const unsigned char *s = text;
    struct bytes logical;
    bytes_init(&logical, lim->max_file + 1);
    int rc = 0;
    unsigned line = 0, first = 0;
    size_t pos = 0;
    while (rc == 0 && pos < len) {
        const unsigned char *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t e = end;
        line++;
        if (logical.len == 0)
            first = line;
        ps.line = line;
        if (memchr(s + pos, 0, end - pos)) {
            rc = cf_fail(&ps, WC_ERR_INVALID, "NUL byte in the file");
            break;
        }
        if (e > pos && s[e - 1] == '\r')
            e--;
        size_t t = e;
        while (t > pos && cf_is_space(s[t - 1]))
            t--;
        /* " \" at the end of a line continues the step on the next line. */
        int cont = t > pos && s[t - 1] == '\\' && (t - 1 == pos || cf_is_space(s[t - 2]));
        rc = bytes_append(&logical, s + pos, (cont ? t - 1 : e) - pos);
        if (rc < 0) {
            rc = cf_fail(&ps, rc == WC_ERR_NOMEM ? rc : WC_ERR_TOO_LONG, "line too long");
            break;
        }
        pos = nl ? end + 1 : len;
        if (cont && pos < len)
            continue;
        ps.line = first;
        rc = parse_line(&ps, logical.data ? logical.data : (const unsigned char *)"",
                        logical.len);
        logical.len = 0;
    }
    bytes_cleanup(&logical);
    if (rc == 0)
        rc = cf_check_complete(&ps);
    if (rc < 0) {
        cf_free(ps.c);
        return rc;
    }
    *out = ps.c;
    return 0;
}
