/* f32fmt.c -- Rust's {} and {:?} for f32, from exact shortest digits (Steele & White). */
#include "f32fmt.h"

#include <stdbool.h>
#include <stdint.h>
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

/* Appends |c| |count| times; |out| always has room (F32FMT_BUFSIZE covers every layout). */
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

static size_t format_f32(float v, char out[F32FMT_BUFSIZE], bool debug)
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

size_t f32fmt_display(float v, char out[F32FMT_BUFSIZE])
{
    return format_f32(v, out, false);
}

size_t f32fmt_debug(float v, char out[F32FMT_BUFSIZE])
{
    return format_f32(v, out, true);
}
