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

size_t utf8_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    *cp = UTF8_INVALID;
    if (len == 0)
        return 0;

    unsigned char b0 = s[0];
    if (b0 < 0x80u) {
        *cp = b0;
        return 1;
    }

    /*
     * The second byte's range depends on the lead byte (Unicode Table 3-7): narrowing it here
     * is what rejects overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points
     * above U+10FFFF (F4 90..BF) at the first byte that makes the sequence impossible, so the
     * maximal subpart ends exactly there. C0, C1 and F5..FF can never start anything.
     */
    size_t need;
    unsigned char lo = 0x80u;
    unsigned char hi = 0xBFu;
    uint32_t acc;
    if (b0 >= 0xC2u && b0 <= 0xDFu) {
        need = 2;
        acc = b0 & 0x1Fu;
    } else if (b0 >= 0xE0u && b0 <= 0xEFu) {
        need = 3;
        acc = b0 & 0x0Fu;
        if (b0 == 0xE0u)
            lo = 0xA0u;
        else if (b0 == 0xEDu)
            hi = 0x9Fu;
    } else if (b0 >= 0xF0u && b0 <= 0xF4u) {
        need = 4;
        acc = b0 & 0x07u;
        if (b0 == 0xF0u)
            lo = 0x90u;
        else if (b0 == 0xF4u)
            hi = 0x8Fu;
    } else {
        return 1;
    }

    size_t i = 1;
    for (; i < need; i++) {
        if (i >= len)
            return i; /* truncated: everything so far was a valid prefix */
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : !is_cont(b))
            return i;
        acc = (acc << 6) | (b & 0x3Fu);
    }
    *cp = acc;
    return need;
}

/* Eight bytes that are all ASCII (no high bit set); memcpy keeps the load free of alignment
 * and aliasing assumptions, and compilers turn it into one move. */
static bool word_is_ascii(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return (w & UINT64_C(0x8080808080808080)) == 0;
}

size_t utf8_valid_prefix(const void *s, size_t len)
{
    const unsigned char *p = s;
    size_t i = 0;
    while (i < len) {
        while (len - i >= 16 && word_is_ascii(p + i) && word_is_ascii(p + i + 8))
            i += 16;
        while (len - i >= 8 && word_is_ascii(p + i))
            i += 8;
        if (i == len)
            break;
        if (p[i] < 0x80u) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode1(p + i, len - i, &cp);
        if (cp == UTF8_INVALID)
            return i;
        i += n;
    }
    return len;
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
        size_t run = utf8_valid_prefix(p + i, len - i);
        uint32_t cp;
        out += run;
        i += run;
        if (i == len)
            break;
        /* Each invalid span is >= 1 byte, so out never exceeds 3 * len. */
        i += utf8_decode1(p + i, len - i, &cp);
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
        size_t run = utf8_valid_prefix(p + i, len - i);
        uint32_t cp;
        if (cap - w < run)
            return WC_ERR_SPACE;
        memcpy(out + w, p + i, run);
        w += run;
        i += run;
        if (i == len)
            break;
        i += utf8_decode1(p + i, len - i, &cp);
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
    size_t n = utf8_lossy_len(s, len);
    char *buf = malloc(n + 1);
    if (buf == NULL)
        return NULL;
    ptrdiff_t w = utf8_lossy(s, len, buf, n);
    if (w < 0) { /* cannot happen: n is exactly the size needed */
        free(buf);
        return NULL;
    }
    buf[w] = '\0';
    if (out_len != NULL)
        *out_len = (size_t)w;
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
