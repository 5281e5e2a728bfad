/* ref_utf8.h -- the harnesses' UTF-8 reference: Unicode's Table 3-7 as data, sharing no code
 * with utf8.c. Header-only, so it is compiled in the harness (not instrumented for coverage:
 * coverage is for the code under test). */
#ifndef WIRECHECK_FUZZ_REF_UTF8_H
#define WIRECHECK_FUZZ_REF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * The reference is Unicode's Table 3-7 ("Well-Formed UTF-8 Byte Sequences") as data: a byte
 * sequence is well formed iff one row matches it byte for byte. A maximal subpart is the longest
 * prefix matching the start of some row; each one becomes a single U+FFFD. Slow and obvious on
 * purpose: it shares no code or structure with utf8.c.
 */
struct row {
    int n;
    unsigned char lo[4];
    unsigned char hi[4];
};

static const struct row table_3_7[] = {
    {1, {0x00}, {0x7F}},
    {2, {0xC2, 0x80}, {0xDF, 0xBF}},
    {3, {0xE0, 0xA0, 0x80}, {0xE0, 0xBF, 0xBF}},
    {3, {0xE1, 0x80, 0x80}, {0xEC, 0xBF, 0xBF}},
    {3, {0xED, 0x80, 0x80}, {0xED, 0x9F, 0xBF}},
    {3, {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}},
    {4, {0xF0, 0x90, 0x80, 0x80}, {0xF0, 0xBF, 0xBF, 0xBF}},
    {4, {0xF1, 0x80, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF}},
    {4, {0xF4, 0x80, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}},
};

/* Unicode's White_Space property (PropList.txt), which Rust's char::is_whitespace follows. */
static inline bool ref_white_space(uint32_t cp)
{
    static const uint32_t ranges[][2] = {
        {0x0009, 0x000D}, {0x0020, 0x0020}, {0x0085, 0x0085}, {0x00A0, 0x00A0}, {0x1680, 0x1680},
        {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (cp >= ranges[i][0] && cp <= ranges[i][1])
            return true;
    return false;
}

/* Length of the next well-formed character (with *cp set) or maximal subpart (*cp invalid). */
static inline size_t ref_span(const unsigned char *s, size_t len, uint32_t *cp)
{
    int best = 0;
    const struct row *match = NULL;
    for (size_t r = 0; r < sizeof table_3_7 / sizeof table_3_7[0]; r++) {
        int k = 0;
        while (k < table_3_7[r].n && (size_t)k < len && s[k] >= table_3_7[r].lo[k] &&
               s[k] <= table_3_7[r].hi[k])
            k++;
        if (k > best) {
            best = k;
            match = &table_3_7[r];
            break; /* the rows' first-byte ranges are disjoint: no other row can match */
        }
    }
    *cp = UTF8_INVALID;
    if (match == NULL)
        return 1;
    if (best < match->n)
        return (size_t)best;
    static const unsigned char lead_bits[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t v = s[0] & lead_bits[best];
    for (int i = 1; i < best; i++)
        v = (v << 6) | (s[i] & 0x3Fu);
    *cp = v;
    return (size_t)best;
}

/* Reference from_utf8_lossy into |out| (room for 3 * len); returns the length written. */
static inline size_t ref_lossy(const unsigned char *s, size_t len, unsigned char *out, bool *valid)
{
    size_t i = 0;
    size_t w = 0;
    *valid = true;
    while (i < len) {
        uint32_t cp;
        size_t n = ref_span(s + i, len - i, &cp);
        if (cp == UTF8_INVALID) {
            *valid = false;
            memcpy(out + w, "\xEF\xBF\xBD", 3);
            w += 3;
        } else {
            memcpy(out + w, s + i, n);
            w += n;
        }
        i += n;
    }
    return w;
}

#endif
