/* numfmt_reference.c -- the f32 text as numfmt.c computed it before #14, kept as the oracle
 * of numfmt_exhaustive.c: Display and Debug by an exact big-number digit search, serde_json's
 * text by a port of ryu 1.0.2 that was compared with ryu itself for all 2^32 bit patterns. */
#include "numfmt_reference.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Exact unsigned integers for the digit search. With v = mant * 2^exp scaled so that the
 * numbers stay integers, the largest one is about 10 * 2^151 (the scale for the smallest
 * subnormal) or 10 * 2^130 (FLT_MAX): 192 bits hold both, 256 leave a margin.
 */
enum { BN_WORDS = 8 };

struct bn {
    uint32_t w[BN_WORDS]; /* little-endian 32-bit limbs */
};

/* Binary32 round-trips with at most 9 significant digits, so the search never needs more. */
enum { MAX_DIGITS = 9 };

struct decimal {
    char digits[MAX_DIGITS]; /* ASCII, first one non-zero */
    int n;                   /* number of digits */
    int k;                   /* value = 0.d1d2..dn * 10^k */
};

static void bn_set(struct bn *a, uint32_t v)
{
    memset(a, 0, sizeof *a);
    a->w[0] = v;
}

static void bn_shl(struct bn *a, unsigned n)
{
    unsigned limbs = n / 32;
    unsigned bits = n % 32;
    for (int i = BN_WORDS - 1; i >= 0; i--) {
        uint32_t hi = 0;
        uint32_t lo = 0;
        if ((unsigned)i >= limbs)
            hi = a->w[(unsigned)i - limbs];
        if (bits != 0 && (unsigned)i >= limbs + 1)
            lo = a->w[(unsigned)i - limbs - 1];
        a->w[i] = bits == 0 ? hi : (hi << bits) | (lo >> (32 - bits));
    }
}

static void bn_mul_small(struct bn *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < BN_WORDS; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

static void bn_mul_pow10(struct bn *a, int n)
{
    static const uint32_t pow10[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
    for (; n >= 9; n -= 9)
        bn_mul_small(a, pow10[9]);
    bn_mul_small(a, pow10[n]);
}

static void bn_add(struct bn *r, const struct bn *a, const struct bn *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < BN_WORDS; i++) {
        uint64_t t = (uint64_t)a->w[i] + b->w[i] + carry;
        r->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* a -= b; callers guarantee a >= b. */
static void bn_sub(struct bn *a, const struct bn *b)
{
    uint32_t borrow = 0;
    for (int i = 0; i < BN_WORDS; i++) {
        uint64_t t = (uint64_t)a->w[i] - b->w[i] - borrow;
        a->w[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 63);
    }
}

static int bn_cmp(const struct bn *a, const struct bn *b)
{
    for (int i = BN_WORDS - 1; i >= 0; i--) {
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    }
    return 0;
}

/* The integer part of a / b when it is below 10 (a < 10 * b); a keeps the remainder. */
static int bn_divmod_small(struct bn *a, const struct bn *b)
{
    int d = 0;
    for (; d < 10 && bn_cmp(a, b) >= 0; d++)
        bn_sub(a, b);
    return d;
}

/* Is high = (r + mp) / s at or past 1 (past, when the interval excludes its bounds)? */
static bool high_reaches(const struct bn *r, const struct bn *mp, const struct bn *s, bool incl)
{
    struct bn t;
    bn_add(&t, r, mp);
    int c = bn_cmp(&t, s);
    return incl ? c >= 0 : c > 0;
}

/* Shortest digits of a finite positive binary32 |bits|, the closest of those when several. */
static void shortest(uint32_t bits, struct decimal *out)
{
    uint32_t biased = (bits >> 23) & 0xFFu;
    uint32_t frac = bits & 0x7FFFFFu;
    uint32_t f = biased == 0 ? frac : frac | 0x800000u;
    int e = biased == 0 ? -149 : (int)biased - 150;

    /*
     * The rounding interval is v +- half the gap to each neighbour, bounds included when the
     * mantissa is even (round-half-even reading them back). At a power of two the gap below
     * is half the gap above. Rust's flt2dec applies that to every normal with a zero fraction,
     * FLT_MIN included, although the gap below FLT_MIN is not smaller; matching its digits
     * means doing the same (the narrower interval still yields a round-tripping string).
     */
    bool incl = (f & 1u) == 0;
    uint32_t mant = f << 1, plus = 1, minus = 1;
    int exp = e - 1;
    if (biased != 0 && frac == 0) {
        mant = f << 2;
        plus = 2;
        exp = e - 2;
    }

    struct bn r, s, mp, mm; /* v = r/s, high = (r+mp)/s, low = (r-mm)/s */
    bn_set(&r, mant);
    bn_set(&mp, plus);
    bn_set(&mm, minus);
    bn_set(&s, 1);
    if (exp >= 0) {
        bn_shl(&r, (unsigned)exp);
        bn_shl(&mp, (unsigned)exp);
        bn_shl(&mm, (unsigned)exp);
    } else {
        bn_shl(&s, (unsigned)-exp);
    }

    /*
     * k is the least integer with high < 10^k (<= when bounds are excluded). With l2 =
     * floor(log2 v), floor(l2 * 1233/4096) + 1 (1233/4096 is log10 2 to 5e-6) is within one
     * or two of k; the two loops below settle it.
     */
    int bitlen = 0;
    for (uint32_t t = f; t != 0; t >>= 1)
        bitlen++;
    int l2 = e + bitlen - 1;
    int k = (l2 >= 0 ? (l2 * 1233) / 4096 : -((-l2 * 1233 + 4095) / 4096)) + 1;
    if (k >= 0)
        bn_mul_pow10(&s, k);
    else {
        bn_mul_pow10(&r, -k);
        bn_mul_pow10(&mp, -k);
        bn_mul_pow10(&mm, -k);
    }
    for (int i = 0; i < 3 && high_reaches(&r, &mp, &s, incl); i++) {
        bn_mul_small(&s, 10);
        k++;
    }
    for (int i = 0; i < 3; i++) {
        struct bn r10 = r, mp10 = mp;
        bn_mul_small(&r10, 10);
        bn_mul_small(&mp10, 10);
        if (high_reaches(&r10, &mp10, &s, incl))
            break;
        r = r10;
        mp = mp10;
        bn_mul_small(&mm, 10);
        k--;
    }

    /*
     * Emit digits of v until a short enough number lies inside the interval: "low" when the
     * digits so far (v truncated) are still above low, "high" when those digits with the last
     * one raised by one are still below high. A raised 9 never carries: that shorter number
     * would already have been inside the interval at the previous digit.
     */
    int n = 0;
    for (; n < MAX_DIGITS; n++) {
        bn_mul_small(&r, 10);
        bn_mul_small(&mp, 10);
        bn_mul_small(&mm, 10);
        int d = bn_divmod_small(&r, &s);
        int c = bn_cmp(&r, &mm);
        bool low = incl ? c <= 0 : c < 0;
        bool high = high_reaches(&r, &mp, &s, incl);
        if (low || high || n == MAX_DIGITS - 1) {
            if (high) {
                struct bn r2;
                bn_add(&r2, &r, &r);
                /* Both fit: take the nearer one, rounding a tie up as Rust's Dragon4 does. */
                if (!low || bn_cmp(&r2, &s) >= 0)
                    d++;
            }
            out->digits[n++] = (char)('0' + d);
            break;
        }
        out->digits[n] = (char)('0' + d);
    }
    out->n = n;
    out->k = k;
}

/* Appends |c| |count| times; |out| always has room (NUMFMT_BUFSIZE covers every layout). */
static size_t put_rep(char *out, size_t pos, char c, int count)
{
    for (int i = 0; i < count; i++)
        out[pos++] = c;
    return pos;
}

static size_t put_mem(char *out, size_t pos, const char *src, int count)
{
    memcpy(out + pos, src, (size_t)count);
    return pos + (size_t)count;
}

/* Plain positional notation, with at least |min_frac| fraction digits (Display 0, Debug 1). */
static size_t put_positional(char *out, size_t pos, const struct decimal *d, int min_frac)
{
    if (d->k <= 0) {
        pos = put_mem(out, pos, "0.", 2);
        pos = put_rep(out, pos, '0', -d->k);
        return put_mem(out, pos, d->digits, d->n);
    }
    if (d->k < d->n) {
        pos = put_mem(out, pos, d->digits, d->k);
        out[pos++] = '.';
        return put_mem(out, pos, d->digits + d->k, d->n - d->k);
    }
    pos = put_mem(out, pos, d->digits, d->n);
    pos = put_rep(out, pos, '0', d->k - d->n);
    if (min_frac > 0) {
        out[pos++] = '.';
        pos = put_rep(out, pos, '0', min_frac);
    }
    return pos;
}

/* Rust's {:e} shortest form: "1e-7", "1.5e20". */
static size_t put_exponent(char *out, size_t pos, const struct decimal *d)
{
    out[pos++] = d->digits[0];
    if (d->n > 1) {
        out[pos++] = '.';
        pos = put_mem(out, pos, d->digits + 1, d->n - 1);
    }
    out[pos++] = 'e';
    int x = d->k - 1;
    if (x < 0) {
        out[pos++] = '-';
        x = -x;
    }
    if (x >= 10)
        out[pos++] = (char)('0' + x / 10);
    out[pos++] = (char)('0' + x % 10);
    return pos;
}

static size_t format_f32(float v, char out[NUMFMT_BUFSIZE], bool debug)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint32_t mag = bits & 0x7FFFFFFFu;
    size_t pos = 0;

    if (mag > 0x7F800000u) {
        pos = put_mem(out, pos, "NaN", 3); /* Rust prints no sign on a NaN */
    } else {
        if (bits >> 31)
            out[pos++] = '-';
        if (mag == 0x7F800000u) {
            pos = put_mem(out, pos, "inf", 3);
        } else if (mag == 0) {
            pos = put_mem(out, pos, debug ? "0.0" : "0", debug ? 3 : 1);
        } else {
            struct decimal d;
            shortest(mag, &d);
            float a = v < 0.0f ? -v : v;
            if (debug && (a < 1e-4f || a >= 1e16f))
                pos = put_exponent(out, pos, &d);
            else
                pos = put_positional(out, pos, &d, debug ? 1 : 0);
        }
    }
    out[pos] = '\0';
    return pos;
}

size_t ref_f32_display(float v, char out[NUMFMT_BUFSIZE])
{
    return format_f32(v, out, false);
}

size_t ref_f32_debug(float v, char out[NUMFMT_BUFSIZE])
{
    return format_f32(v, out, true);
}

/* ---- serde_json's text: a port of ryu 1.0.2 --------------------------------------------- */

/*
 * serde_json writes an f32 with ryu::Buffer::format_finite. Its digits are the shortest that
 * read back, like Display's, but when two shortest candidates are equally close ryu takes
 * the even one where Display rounds the tie up (0.494140625f32: ryu "0.49414062", Display
 * "0.49414063"), so numfmt_f32_json cannot reuse shortest() above. This is a port of ryu 1.0.2's
 * f2s.rs (Apache-2.0 / BSL-1.0, from Ulf Adams' Ryu) and of its format32 layout. It was
 * compared byte for byte with ryu 1.0.2 itself (format_finite, "null" when not finite) for
 * all 2^32 bit patterns: no difference; test_numfmt.c keeps a table and property sweeps.
 */

#define RYU_POW5_INV_BITCOUNT 59
#define RYU_POW5_BITCOUNT 61

static const uint64_t RYU_POW5_INV_SPLIT[32] = {
    576460752303423489u, 461168601842738791u, 368934881474191033u, 295147905179352826u,
    472236648286964522u, 377789318629571618u, 302231454903657294u, 483570327845851670u,
    386856262276681336u, 309485009821345069u, 495176015714152110u, 396140812571321688u,
    316912650057057351u, 507060240091291761u, 405648192073033409u, 324518553658426727u,
    519229685853482763u, 415383748682786211u, 332306998946228969u, 531691198313966350u,
    425352958651173080u, 340282366920938464u, 544451787073501542u, 435561429658801234u,
    348449143727040987u, 557518629963265579u, 446014903970612463u, 356811923176489971u,
    570899077082383953u, 456719261665907162u, 365375409332725730u, UINT64_C(1) << 63,
};

static const uint64_t RYU_POW5_SPLIT[47] = {
    1152921504606846976u, 1441151880758558720u, 1801439850948198400u, 2251799813685248000u,
    1407374883553280000u, 1759218604441600000u, 2199023255552000000u, 1374389534720000000u,
    1717986918400000000u, 2147483648000000000u, 1342177280000000000u, 1677721600000000000u,
    2097152000000000000u, 1310720000000000000u, 1638400000000000000u, 2048000000000000000u,
    1280000000000000000u, 1600000000000000000u, 2000000000000000000u, 1250000000000000000u,
    1562500000000000000u, 1953125000000000000u, 1220703125000000000u, 1525878906250000000u,
    1907348632812500000u, 1192092895507812500u, 1490116119384765625u, 1862645149230957031u,
    1164153218269348144u, 1455191522836685180u, 1818989403545856475u, 2273736754432320594u,
    1421085471520200371u, 1776356839400250464u, 2220446049250313080u, 1387778780781445675u,
    1734723475976807094u, 2168404344971008868u, 1355252715606880542u, 1694065894508600678u,
    2117582368135750847u, 1323488980084844279u, 1654361225106055349u, 2067951531382569187u,
    1292469707114105741u, 1615587133892632177u, 2019483917365790221u,
};

static int32_t ryu_pow5bits(int32_t e)
{
    return (int32_t)(((uint32_t)e * 1217359u) >> 19) + 1;
}

static uint32_t ryu_log10_pow2(int32_t e)
{
    return ((uint32_t)e * 78913u) >> 18;
}

static uint32_t ryu_log10_pow5(int32_t e)
{
    return ((uint32_t)e * 732923u) >> 20;
}

static bool ryu_multiple_of_pow5(uint32_t value, uint32_t p)
{
    uint32_t count = 0;
    while (value != 0 && value % 5 == 0) {
        value /= 5;
        count++;
    }
    return count >= p;
}

static uint32_t ryu_mul_shift(uint32_t m, uint64_t factor, int32_t shift)
{
    uint64_t bits0 = (uint64_t)m * (uint32_t)factor;
    uint64_t bits1 = (uint64_t)m * (uint32_t)(factor >> 32);
    return (uint32_t)(((bits0 >> 32) + bits1) >> (shift - 32));
}

/* ryu's f2d: the shortest decimal mantissa * 10^exponent for a finite non-zero f32. */
static void ryu_f2d(uint32_t ieee_mantissa, uint32_t ieee_exponent, uint32_t *mantissa,
                    int32_t *exponent)
{
    int32_t e2;
    uint32_t m2;
    uint32_t vr;
    uint32_t vp;
    uint32_t vm;
    int32_t e10;
    bool vm_tz = false;
    bool vr_tz = false;
    uint32_t last = 0;
    int32_t removed = 0;

    if (ieee_exponent == 0) {
        e2 = 1 - 127 - 23 - 2;
        m2 = ieee_mantissa;
    } else {
        e2 = (int32_t)ieee_exponent - 127 - 23 - 2;
        m2 = (1u << 23) | ieee_mantissa;
    }
    bool accept_bounds = (m2 & 1) == 0;
    uint32_t mv = 4 * m2;
    uint32_t mp = 4 * m2 + 2;
    uint32_t mm_shift = (ieee_mantissa != 0 || ieee_exponent <= 1) ? 1 : 0;
    uint32_t mm = 4 * m2 - 1 - mm_shift;

    if (e2 >= 0) {
        uint32_t q = ryu_log10_pow2(e2);
        int32_t k = RYU_POW5_INV_BITCOUNT + ryu_pow5bits((int32_t)q) - 1;
        int32_t i = -e2 + (int32_t)q + k;
        e10 = (int32_t)q;
        vr = ryu_mul_shift(mv, RYU_POW5_INV_SPLIT[q], i);
        vp = ryu_mul_shift(mp, RYU_POW5_INV_SPLIT[q], i);
        vm = ryu_mul_shift(mm, RYU_POW5_INV_SPLIT[q], i);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            int32_t l = RYU_POW5_INV_BITCOUNT + ryu_pow5bits((int32_t)q - 1) - 1;
            last = ryu_mul_shift(mv, RYU_POW5_INV_SPLIT[q - 1], -e2 + (int32_t)q - 1 + l) % 10;
        }
        if (q <= 9) {
            if (mv % 5 == 0) {
                vr_tz = ryu_multiple_of_pow5(mv, q);
            } else if (accept_bounds) {
                vm_tz = ryu_multiple_of_pow5(mm, q);
            } else {
                vp -= ryu_multiple_of_pow5(mp, q) ? 1 : 0;
            }
        }
    } else {
        uint32_t q = ryu_log10_pow5(-e2);
        int32_t i = -e2 - (int32_t)q;
        int32_t k = ryu_pow5bits(i) - RYU_POW5_BITCOUNT;
        int32_t j = (int32_t)q - k;
        e10 = (int32_t)q + e2;
        vr = ryu_mul_shift(mv, RYU_POW5_SPLIT[i], j);
        vp = ryu_mul_shift(mp, RYU_POW5_SPLIT[i], j);
        vm = ryu_mul_shift(mm, RYU_POW5_SPLIT[i], j);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            j = (int32_t)q - 1 - (ryu_pow5bits(i + 1) - RYU_POW5_BITCOUNT);
            last = ryu_mul_shift(mv, RYU_POW5_SPLIT[i + 1], j) % 10;
        }
        if (q <= 1) {
            vr_tz = true;
            if (accept_bounds) {
                vm_tz = mm_shift == 1;
            } else {
                vp--;
            }
        } else if (q < 31) {
            vr_tz = (mv & ((1u << (q - 1)) - 1)) == 0;
        }
    }

    if (vm_tz || vr_tz) {
        while (vp / 10 > vm / 10) {
            vm_tz = vm_tz && vm % 10 == 0;
            vr_tz = vr_tz && last == 0;
            last = vr % 10;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        if (vm_tz) {
            while (vm % 10 == 0) {
                vr_tz = vr_tz && last == 0;
                last = vr % 10;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
        }
        if (vr_tz && last == 5 && vr % 2 == 0) {
            last = 4; /* round half to even */
        }
        vr += ((vr == vm && (!accept_bounds || !vm_tz)) || last >= 5) ? 1 : 0;
    } else {
        while (vp / 10 > vm / 10) {
            last = vr % 10;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        vr += (vr == vm || last >= 5) ? 1 : 0;
    }
    *mantissa = vr;
    *exponent = e10 + removed;
}

/* ryu's format32, plus serde_json's null for what format_finite must not be given. */
size_t ref_f32_json(float v, char out[NUMFMT_BUFSIZE])
{
    uint32_t bits;
    uint32_t mantissa;
    int32_t k;
    char digits[12];
    size_t n = 0;
    int length;
    int kk;

    memcpy(&bits, &v, sizeof bits);
    if ((bits & 0x7F800000u) == 0x7F800000u) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (bits >> 31) {
        out[n++] = '-';
    }
    if ((bits & 0x7FFFFFFFu) == 0) {
        memcpy(out + n, "0.0", 4);
        return n + 3;
    }
    ryu_f2d(bits & 0x7FFFFFu, (bits >> 23) & 0xFFu, &mantissa, &k);
    length = snprintf(digits, sizeof digits, "%lu", (unsigned long)mantissa);
    kk = length + k; /* 10^(kk-1) <= v < 10^kk */

    if (k >= 0 && kk <= 13) {
        /* 1234e7 -> 12340000000.0 */
        memcpy(out + n, digits, (size_t)length);
        n += (size_t)length;
        for (int i = length; i < kk; i++) {
            out[n++] = '0';
        }
        out[n++] = '.';
        out[n++] = '0';
    } else if (kk > 0 && kk <= 13) {
        /* 1234e-2 -> 12.34 */
        memcpy(out + n, digits, (size_t)kk);
        n += (size_t)kk;
        out[n++] = '.';
        memcpy(out + n, digits + kk, (size_t)(length - kk));
        n += (size_t)(length - kk);
    } else if (kk > -6 && kk <= 0) {
        /* 1234e-6 -> 0.001234 */
        out[n++] = '0';
        out[n++] = '.';
        for (int i = kk; i < 0; i++) {
            out[n++] = '0';
        }
        memcpy(out + n, digits, (size_t)length);
        n += (size_t)length;
    } else {
        /* 1e30, 1234e30 -> 1.234e33 */
        out[n++] = digits[0];
        if (length > 1) {
            out[n++] = '.';
            memcpy(out + n, digits + 1, (size_t)(length - 1));
            n += (size_t)(length - 1);
        }
        n += (size_t)snprintf(out + n, NUMFMT_BUFSIZE - n, "e%d", kk - 1);
    }
    out[n] = '\0';
    return n;
}
