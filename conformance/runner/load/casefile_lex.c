/* casefile_lex.c -- the case-file lexer: numbers, words, data atoms and regexes of one line. */
#include "load/casefile_int.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#define CF_STR_(x) #x
#define CF_STR(x) CF_STR_(x)


int cf_fail(struct cf_parser *ps, int rc, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        int n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file, ps->line);
        if (n >= 0 && (size_t)n < ps->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return rc;
}

char *cf_dup_n(const unsigned char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

int cf_is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t';
}

void cf_skip_ws(struct cf_cur *k)
{
    while (k->i < k->n && cf_is_space(k->s[k->i]))
        k->i++;
}

size_t cf_word_len(const struct cf_cur *k)
{
    size_t j = k->i;
    while (j < k->n && !cf_is_space(k->s[j]) && k->s[j] != '(')
        j++;
    return j - k->i;
}

int cf_word_is(const unsigned char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

size_t cf_placeholder_len(const char *p)
{
    if (p[0] != '{' || !((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')))
        return 0;
    size_t i = 2;
    while ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
           (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-')
        i++;
    return p[i] == '}' && i < CF_NAME_MAX + 1 ? i + 1 : 0;
}

int cf_at_atom(const struct cf_cur *k)
{
    if (k->i >= k->n)
        return 0;
    unsigned char ch = k->s[k->i];
    if (ch == '"' || ch == '<')
        return 1;
    size_t wl = cf_word_len(k);
    const unsigned char *w = k->s + k->i;
    if (cf_word_is(w, wl, "index") || (wl > 5 && memcmp(w, "index*", 6) == 0))
        return 1;
    return k->i + wl < k->n && k->s[k->i + wl] == '(';
}

int cf_parse_uint(const unsigned char *w, size_t n, unsigned long long max, int hex_ok,
                   unsigned long long *out)
{
    unsigned base = 10;
    if (hex_ok && n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        w += 2;
        n -= 2;
    }
    if (n == 0 || n > 20)
        return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d;
        if (w[i] >= '0' && w[i] <= '9')
            d = (unsigned)(w[i] - '0');
        else if (base == 16 && w[i] >= 'a' && w[i] <= 'f')
            d = (unsigned)(w[i] - 'a' + 10);
        else if (base == 16 && w[i] >= 'A' && w[i] <= 'F')
            d = (unsigned)(w[i] - 'A' + 10);
        else
            return -1;
        /* d > max first: max - d would wrap and let any count through. */
        if (d > max || v > (max - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static int hexval(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Maps a bytes_* failure to a parse error. */
static int data_err(struct cf_parser *ps, int rc)
{
    if (rc == WC_ERR_TOO_LONG)
        return cf_fail(ps, rc, "data expression longer than %zu bytes", ps->lim->max_data);
    return cf_fail(ps, WC_ERR_NOMEM, "out of memory");
}

/* "text": the escapes of the format; the opening quote is at k->i. */
static int atom_string(struct cf_parser *ps, struct cf_cur *k, struct bytes *out)
{
    k->i++;
    while (k->i < k->n && k->s[k->i] != '"') {
        unsigned char ch = k->s[k->i++];
        if (ch < 0x20 || ch == 0x7f)
            return cf_fail(ps, WC_ERR_INVALID, "control byte 0x%02x inside a string: write it "
                        "as an escape", (unsigned)ch);
        if (ch == '\\') {
            if (k->i >= k->n)
                break;
            unsigned char e = k->s[k->i++];
            switch (e) {
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case '0': ch = 0; break;
            case '\\': ch = '\\'; break;
            case '"': ch = '"'; break;
            case 'x': {
                int hi = k->i < k->n ? hexval(k->s[k->i]) : -1;
                int lo = k->i + 1 < k->n ? hexval(k->s[k->i + 1]) : -1;
                if (hi < 0 || lo < 0)
                    return cf_fail(ps, WC_ERR_INVALID, "\\x needs exactly two hex digits");
                ch = (unsigned char)(hi * 16 + lo);
                k->i += 2;
                break;
            }
            default:
                return cf_fail(ps, WC_ERR_INVALID, "unknown escape \\%c (use \\n \\r \\t \\0 "
                            "\\\\ \\\" or \\xNN)", e >= 0x20 && e < 0x7f ? e : '?');
            }
        }
        int rc = bytes_append(out, &ch, 1);
        if (rc < 0)
            return data_err(ps, rc);
    }
    if (k->i >= k->n)
        return cf_fail(ps, WC_ERR_INVALID, "unterminated string");
    k->i++;
    return 0;
}

/* <48 65 6c>: hex digits in pairs, whitespace anywhere between pairs. */
static int atom_hex(struct cf_parser *ps, struct cf_cur *k, struct bytes *out)
{
    k->i++;
    int hi = -1;
    while (k->i < k->n && k->s[k->i] != '>') {
        unsigned char ch = k->s[k->i++];
        if (cf_is_space(ch)) {
            if (hi >= 0)
                return cf_fail(ps, WC_ERR_INVALID, "odd hex digit inside <...>");
            continue;
        }
        int v = hexval(ch);
        if (v < 0)
            return cf_fail(ps, WC_ERR_INVALID, "'%c' is not a hex digit inside <...>",
                        ch >= 0x20 && ch < 0x7f ? ch : '?');
        if (hi < 0) {
            hi = v;
        } else {
            unsigned char b = (unsigned char)(hi * 16 + v);
            int rc = bytes_append(out, &b, 1);
            if (rc < 0)
                return data_err(ps, rc);
            hi = -1;
        }
    }
    if (k->i >= k->n)
        return cf_fail(ps, WC_ERR_INVALID, "unterminated hex block (missing '>')");
    if (hi >= 0)
        return cf_fail(ps, WC_ERR_INVALID, "odd number of hex digits inside <...>");
    k->i++;
    return 0;
}

/* name(A) or name(A,B): up to two unsigned arguments. */
static int func_args(struct cf_parser *ps, struct cf_cur *k, unsigned long long max,
                     unsigned long long *args, unsigned want)
{
    unsigned got = 0;
    k->i++; /* '(' */
    for (;;) {
        cf_skip_ws(k);
        size_t j = k->i;
        while (j < k->n && k->s[j] != ',' && k->s[j] != ')' && !cf_is_space(k->s[j]))
            j++;
        if (got >= want || cf_parse_uint(k->s + k->i, j - k->i, max, 1, &args[got]) < 0)
            return cf_fail(ps, WC_ERR_INVALID, "bad argument list: expected %u number(s) "
                        "up to %llu", want, max);
        got++;
        k->i = j;
        cf_skip_ws(k);
        if (k->i < k->n && k->s[k->i] == ',') {
            k->i++;
            continue;
        }
        if (k->i < k->n && k->s[k->i] == ')') {
            k->i++;
            break;
        }
        return cf_fail(ps, WC_ERR_INVALID, "missing ')'");
    }
    if (got != want)
        return cf_fail(ps, WC_ERR_INVALID, "expected %u argument(s), got %u", want, got);
    return 0;
}

/* Byte |i| of pattern(N): a hash of the offset, so no short period hides a misplaced block. */
static unsigned char pattern_byte(unsigned long long i)
{
    unsigned long long x = i + 0x9e3779b9ULL;
    x ^= x >> 16;
    x *= 0x45d9f3bULL;
    x ^= x >> 16;
    x *= 0x45d9f3bULL;
    x ^= x >> 16;
    return (unsigned char)x;
}

/* One atom, optionally followed by *N; appends to |out|. k->i is at the atom. */
int cf_data_atom(struct cf_parser *ps, struct cf_cur *k, struct bytes *out, struct cf_data *d)
{
    size_t start = out->len;
    size_t wl = cf_word_len(k);
    const unsigned char *w = k->s + k->i;
    int rc = 0;
    int is_index = 0;
    if (w[0] == '"') {
        rc = atom_string(ps, k, out);
    } else if (w[0] == '<') {
        rc = atom_hex(ps, k, out);
    } else if (cf_word_is(w, wl, "index") || (wl > 5 && memcmp(w, "index*", 6) == 0)) {
        if (d->n_index >= CF_MAX_INDEX)
            return cf_fail(ps, WC_ERR_INVALID, "more than %d 'index' atoms", CF_MAX_INDEX);
        d->index_at[d->n_index++] = out->len;
        k->i += 5;
        is_index = 1;
    } else if (k->i + wl < k->n && k->s[k->i + wl] == '(') {
        unsigned long long a[2];
        k->i += wl;
        if (cf_word_is(w, wl, "range")) {
            rc = func_args(ps, k, 255, a, 2);
            if (rc == 0 && a[0] > a[1])
                return cf_fail(ps, WC_ERR_INVALID, "range(A,B) needs A <= B");
            for (unsigned long long v = a[0]; rc == 0 && v <= a[1]; v++) {
                unsigned char b = (unsigned char)v;
                rc = bytes_append(out, &b, 1);
                if (rc < 0)
                    return data_err(ps, rc);
            }
        } else if (cf_word_is(w, wl, "pattern") || cf_word_is(w, wl, "letters")) {
            rc = func_args(ps, k, 1ULL << 48, a, 1);
            if (rc == 0 && a[0] > ps->lim->max_data - out->len)
                return data_err(ps, WC_ERR_TOO_LONG);
            /* Room for all of it at once, then the bytes in place: a byte-at-a-time append
             * of the suites' 1 MiB patterns was most of the time a run took to load. */
            size_t at = out->len;
            if (rc == 0 && (rc = bytes_fill(out, 0, (size_t)a[0])) < 0)
                return data_err(ps, rc);
            for (unsigned long long i = 0; rc == 0 && i < a[0]; i++) {
                unsigned char b = pattern_byte(i);
                if (w[0] == 'l')
                    b = (unsigned char)('a' + b % 26);
                out->data[at + i] = b;
            }
        } else {
            return cf_fail(ps, WC_ERR_INVALID, "unknown function '%.*s' (range, pattern, "
                        "letters)", (int)(wl < 40 ? wl : 40), (const char *)w);
        }
    } else {
        return cf_fail(ps, WC_ERR_INVALID, "'%.*s' is not a data expression",
                    (int)(wl < 40 ? wl : 40), (const char *)w);
    }
    if (rc < 0)
        return rc;
    /* Optional repetition: *N, with or without spaces around '*'. */
    size_t save = k->i;
    cf_skip_ws(k);
    if (k->i >= k->n || k->s[k->i] != '*') {
        k->i = save;
        return 0;
    }
    k->i++;
    cf_skip_ws(k);
    size_t j = k->i;
    while (j < k->n && k->s[j] >= '0' && k->s[j] <= '9')
        j++;
    unsigned long long times;
    if (cf_parse_uint(k->s + k->i, j - k->i, 1ULL << 48, 0, &times) < 0)
        return cf_fail(ps, WC_ERR_INVALID, "'*' must be followed by a count (at most 2^48)");
    k->i = j;
    if (is_index) {
        if (times > CF_MAX_INDEX)
            return cf_fail(ps, WC_ERR_INVALID, "more than %d 'index' atoms", CF_MAX_INDEX);
        for (unsigned long long t = 1; t < times; t++) {
            if (d->n_index >= CF_MAX_INDEX)
                return cf_fail(ps, WC_ERR_INVALID, "more than %d 'index' atoms", CF_MAX_INDEX);
            d->index_at[d->n_index++] = out->len;
        }
        if (times == 0)
            d->n_index--;
        return 0;
    }
    size_t alen = out->len - start;
    if (times == 0) {
        out->len = start;
        return 0;
    }
    if (alen && (times - 1) > (ps->lim->max_data - out->len) / alen)
        return data_err(ps, WC_ERR_TOO_LONG);
    /* Copy the atom first: appending may move out->data. */
    unsigned char *atom = alen ? malloc(alen) : NULL;
    if (alen && !atom)
        return data_err(ps, WC_ERR_NOMEM);
    if (alen)
        memcpy(atom, out->data + start, alen);
    for (unsigned long long t = 1; rc == 0 && alen && t < times; t++)
        rc = bytes_append(out, atom, alen);
    free(atom);
    return rc < 0 ? data_err(ps, rc) : 0;
}

/* re"...": raw text, where only \" is special (it does not end the regex). */
/* Returns NULL when |re| (an ERE) stays cheap to compile, else why not: no quantifier right
 * after another, at most CF_REGEX_MAX_BOUNDS counted repetitions, none above CF_REGEX_MAX_BOUND. */
static const char *regex_cost_problem(const char *re)
{
    unsigned bounds = 0;
    int after_quantifier = 0;
    size_t i = 0;

    while (re[i] != '\0') {
        char c = re[i];

        if (c == '\\') {
            i += re[i + 1] != '\0' ? 2 : 1;
            after_quantifier = 0;
        } else if (c == '[') {
            /* A bracket expression: ']' first is literal; quantifier characters are literal. */
            i++;
            if (re[i] == '^')
                i++;
            if (re[i] == ']')
                i++;
            while (re[i] != '\0' && re[i] != ']')
                i++;
            if (re[i] == ']')
                i++;
            after_quantifier = 0;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            if (after_quantifier)
                return "a quantifier directly after another (such as a++ or a*{2}) is not allowed";
            if (c == '{') {
                unsigned long v = 0;

                if (++bounds > CF_REGEX_MAX_BOUNDS)
                    return "too many {m,n} repetitions (at most " CF_STR(CF_REGEX_MAX_BOUNDS) ")";
                for (i++; re[i] != '\0' && re[i] != '}'; i++) {
                    if (re[i] >= '0' && re[i] <= '9') {
                        v = v * 10 + (unsigned long)(re[i] - '0');
                        if (v > CF_REGEX_MAX_BOUND)
                            return "a {m,n} repetition count above " CF_STR(CF_REGEX_MAX_BOUND);
                    } else {
                        v = 0;
                    }
                }
            }
            if (re[i] != '\0')
                i++;
            after_quantifier = 1;
        } else {
            i++;
            after_quantifier = 0;
        }
    }
    return NULL;
}

int cf_regex(struct cf_parser *ps, struct cf_cur *k, char **out)
{
    struct bytes b;
    bytes_init(&b, CF_REGEX_MAX);
    k->i += 3;
    int rc = 0;
    unsigned groups = 0;
    while (rc == 0 && k->i < k->n && k->s[k->i] != '"') {
        unsigned char ch = k->s[k->i++];
        if (ch == '\\' && k->i < k->n && k->s[k->i] == '"')
            ch = k->s[k->i++];
        else if (ch == '(')
            groups++;
        if (ch < 0x20 || ch == 0x7f)
            rc = cf_fail(ps, WC_ERR_INVALID, "control byte inside a regex");
        else
            rc = bytes_append(&b, &ch, 1);
    }
    if (rc == WC_ERR_TOO_LONG)
        rc = cf_fail(ps, rc, "regex longer than %d bytes", CF_REGEX_MAX);
    else if (rc == 0 && k->i >= k->n)
        rc = cf_fail(ps, WC_ERR_INVALID, "unterminated regex");
    else if (rc == 0 && groups > CF_REGEX_MAX_GROUPS)
        rc = cf_fail(ps, WC_ERR_INVALID, "regex with more than %d groups", CF_REGEX_MAX_GROUPS);
    /* Placeholders ({server}, {a}) are filled in at run time; check the rest now. */
    struct bytes chk;
    bytes_init(&chk, CF_REGEX_MAX);
    int crc = 0;
    for (size_t i = 0; rc == 0 && crc == 0 && i < b.len; i++) {
        size_t pl = cf_placeholder_len(bytes_str(&b) + i);
        crc = pl ? bytes_puts(&chk, "x") : bytes_append(&chk, b.data + i, 1);
        i += pl ? pl - 1 : 0;
    }
    /* (only this copy's failure: an earlier error keeps its own message) */
    if (crc < 0)
        rc = cf_fail(ps, WC_ERR_NOMEM, "out of memory");
    const char *costly = rc == 0 ? regex_cost_problem(bytes_str(&chk)) : NULL;
    if (costly != NULL)
        rc = cf_fail(ps, WC_ERR_INVALID, "regex too costly to compile: %s", costly);
    if (rc == 0) {
        k->i++;
        regex_t re;
        int rrc = regcomp(&re, bytes_str(&chk), REG_EXTENDED | REG_NOSUB);
        if (rrc != 0) {
            char msg[128];
            regerror(rrc, &re, msg, sizeof msg);
            rc = cf_fail(ps, WC_ERR_INVALID, "bad regex: %s", msg);
        } else {
            regfree(&re);
            *out = bytes_take(&b);
            if (!*out)
                rc = cf_fail(ps, WC_ERR_NOMEM, "out of memory");
        }
    }
    bytes_cleanup(&chk);
    bytes_cleanup(&b);
    return rc;
}

