/* utf8.c -- UTF-8 decoding with maximal-subpart U+FFFD substitution, as Rust's lossy conversion. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* U+FFFD REPLACEMENT CHARACTER, encoded. */
static const unsigned char REPLACEMENT[3] = {0xEF, 0xBF, 0xBD};

static bool is_cont(unsigned char b)
{
    return (b & 0xC0u) == 0x80u;
}

/*
 * What a lead byte allows (Unicode Table 3-7): the sequence length, the range of the second
 * byte, and the lead's payload bits. Narrowing the second byte's range per lead is what
 * rejects overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points above
 * U+10FFFF (F4 90..BF) at the first byte that makes the sequence impossible, so the maximal
 * subpart ends exactly there. C0, C1 and F5..FF can never start anything (need 0).
 * A table rather than a chain of range tests: under fuzzing instrumentation every comparison
 * is a call into the engine, and the decoder runs on every byte of every fuzzed line.
 */
struct utf8_lead {
    unsigned char need; /* 0: cannot start a sequence; 1: ASCII */
    unsigned char lo;   /* second byte's range: lo .. lo + span */
    unsigned char span;
    unsigned char payload_mask;
};

static const struct utf8_lead LEAD_KINDS[] = {
    {0, 0, 0, 0},             /* 80..C1, F5..FF */
    {1, 0, 0, 0x7Fu},         /* ASCII */
    {2, 0x80u, 0x3Fu, 0x1Fu}, /* C2..DF */
    {3, 0xA0u, 0x1Fu, 0x0Fu}, /* E0: A0..BF */
    {3, 0x80u, 0x3Fu, 0x0Fu}, /* E1..EC, EE..EF */
    {3, 0x80u, 0x1Fu, 0x0Fu}, /* ED: 80..9F */
    {4, 0x90u, 0x2Fu, 0x07u}, /* F0: 90..BF */
    {4, 0x80u, 0x3Fu, 0x07u}, /* F1..F3 */
    {4, 0x80u, 0x0Fu, 0x07u}, /* F4: 80..8F */
};

static const unsigned char LEAD_KIND[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00..0F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10..1F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 20..2F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 30..3F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 40..4F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 50..5F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 60..6F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 70..7F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 80..8F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 90..9F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* A0..AF */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* B0..BF */
    0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* C0..CF */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* D0..DF */
    3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 4, 4, /* E0..EF */
    6, 7, 7, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* F0..FF */
};

size_t utf8_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    *cp = UTF8_INVALID;
    if (len == 0)
        return 0;
    const struct utf8_lead *lead = &LEAD_KINDS[LEAD_KIND[s[0]]];
    if (lead->need < 2) {
        if (lead->need == 1)
            *cp = s[0];
        return 1;
    }
    /* Four bytes in reach is the usual case: one length test instead of one per byte. A
     * truncated or broken sequence ends its maximal subpart at the byte that broke it. */
    bool room = len >= 4;
    if ((!room && len < 2) || (unsigned char)(s[1] - lead->lo) > lead->span)
        return 1;
    uint32_t acc = ((uint32_t)(s[0] & lead->payload_mask) << 6) | (s[1] & 0x3Fu);
    if (lead->need == 2) {
        *cp = acc;
        return 2;
    }
    if ((!room && len < 3) || !is_cont(s[2]))
        return 2;
    acc = (acc << 6) | (s[2] & 0x3Fu);
    if (lead->need == 3) {
        *cp = acc;
        return 3;
    }
    if (!room || !is_cont(s[3]))
        return 3;
    *cp = (acc << 6) | (s[3] & 0x3Fu);
    return 4;
}

/* Eight bytes that are all ASCII (no high bit set); memcpy keeps the load free of alignment
 * and aliasing assumptions, and compilers turn it into one move. */
static bool word_is_ascii(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return (w & UINT64_C(0x8080808080808080)) == 0;
}

/*
 * The well-formed run at the start of |p|[0..len): returns its length, and in *bad the length
 * of the ill-formed span that ends it (0 when the run reaches the end). The one walk under
 * validation and both lossy passes, so an ill-formed span is decoded once, where a walk to it
 * followed by a decode of it did so twice. ASCII goes eight bytes at a time.
 */
static size_t well_formed_run(const unsigned char *p, size_t len, size_t *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        if (p[i] < 0x80u) {
            /* Words only once inside ASCII: text that mixes scripts tests no word per
             * character. */
            i++;
            while (len - i >= 8 && word_is_ascii(p + i))
                i += 8;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode1(p + i, len - i, &cp);
        if (cp == UTF8_INVALID) {
            *bad = n;
            return i;
        }
        i += n;
    }
    return len;
}

size_t utf8_valid_prefix(const void *s, size_t len)
{
    size_t bad;
    return len == 0 ? 0 : well_formed_run(s, len, &bad);
}

bool utf8_valid(const void *s, size_t len)
{
    return s == NULL ? len == 0 : utf8_valid_prefix(s, len) == len;
}

size_t utf8_lossy_len(const void *s, size_t len)
{
    const unsigned char *p = s;
    size_t i = 0;
    size_t out = 0;
    while (i < len) {
        size_t bad;
        size_t run = well_formed_run(p + i, len - i, &bad);
        out += run;
        i += run;
        if (bad == 0)
            break;
        /* Each invalid span is >= 1 byte, so out never exceeds 3 * len. */
        i += bad;
        out += sizeof REPLACEMENT;
    }
    return out;
}

ptrdiff_t utf8_lossy(const void *s, size_t len, char *out, size_t cap)
{
    if ((s == NULL && len > 0) || (out == NULL && cap > 0))
        return WC_ERR_ARG;
    /* The result must fit the signed return type; a larger cap could never be used anyway. */
    if (cap > (size_t)PTRDIFF_MAX)
        cap = (size_t)PTRDIFF_MAX;

    const unsigned char *p = s;
    size_t i = 0;
    size_t w = 0;
    while (i < len) {
        /* Well-formed runs are copied whole; each ill-formed span becomes one U+FFFD. */
        size_t bad;
        size_t run = well_formed_run(p + i, len - i, &bad);
        if (cap - w < run)
            return WC_ERR_SPACE;
        memcpy(out + w, p + i, run);
        w += run;
        i += run;
        if (bad == 0)
            break;
        i += bad;
        if (cap - w < sizeof REPLACEMENT)
            return WC_ERR_SPACE;
        memcpy(out + w, REPLACEMENT, sizeof REPLACEMENT);
        w += sizeof REPLACEMENT;
    }
    return (ptrdiff_t)w;
}

char *utf8_lossy_dup(const void *s, size_t len, size_t *out_len)
{
    if (s == NULL && len > 0)
        return NULL;
    if (len == 0) { /* s may be NULL: no arithmetic on it */
        char *empty = malloc(1);
        if (empty != NULL) {
            empty[0] = '\0';
            if (out_len != NULL)
                *out_len = 0;
        }
        return empty;
    }
    /* The well-formed prefix is walked once and copied as it is; only the rest is measured
     * and converted, which halves the walks of a line that goes wrong near its end. */
    const unsigned char *p = s;
    size_t bad;
    size_t valid = well_formed_run(p, len, &bad);
    size_t n = valid + utf8_lossy_len(p + valid, len - valid);
    char *buf = malloc(n + 1);
    if (buf == NULL)
        return NULL;
    if (valid > 0)
        memcpy(buf, p, valid);
    ptrdiff_t w = utf8_lossy(p + valid, len - valid, buf + valid, n - valid);
    if (w < 0) { /* cannot happen: n is exactly the size needed */
        free(buf);
        return NULL;
    }
    buf[valid + (size_t)w] = '\0';
    if (out_len != NULL)
        *out_len = valid + (size_t)w;
    return buf;
}

bool utf8_is_white_space(uint32_t cp)
{
    switch (cp) {
    case 0x0009:
    case 0x000A:
    case 0x000B:
    case 0x000C:
    case 0x000D:
    case 0x0020:
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

void utf8_trim(const char *s, size_t len, size_t *start, size_t *end)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t a = 0;
    size_t b = len;

    /* The usual line: ASCII and no space at either end, nothing to trim. */
    if (len > 0 && p[0] > ' ' && p[0] < 0x7F && p[len - 1] > ' ' && p[len - 1] < 0x7F) {
        *start = 0;
        *end = len;
        return;
    }

    while (a < b) {
        uint32_t cp;
        size_t n = utf8_decode1(p + a, b - a, &cp);
        if (cp == UTF8_INVALID || !utf8_is_white_space(cp))
            break;
        a += n;
    }
    if (a == b) {
        /* All space: Rust's trim then returns the empty slice at the start, not at the end. */
        *start = 0;
        *end = 0;
        return;
    }

    while (b > a) {
        /* Step back over at most three continuation bytes to the last character's lead byte. */
        size_t q = b - 1;
        for (int k = 0; k < 3 && q > a && is_cont(p[q]); k++)
            q--;
        uint32_t cp;
        size_t n = utf8_decode1(p + q, b - q, &cp);
        /* Ill-formed input is outside the contract: stop rather than guess where a char starts. */
        if (cp == UTF8_INVALID || n != b - q || !utf8_is_white_space(cp))
            break;
        b = q;
    }

    *start = a;
    *end = b;
}
