/* numfmt.c -- f32 text: Rust's {} and {:?} (exact shortest digits), serde_json's (a ryu port). */
#include "numfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shortest digits without big numbers, after the idea of Ulf Adams' Ryu (PLDI 2018): scale
 * the value and the two ends of its rounding interval by one power of ten, chosen so that the
 * scaled numbers are small integers (below 2^34) whose floors can be computed exactly with
 * 128-bit products; then drop decimal digits from all three at once while the interval still
 * holds a number with that many fewer digits, and round the value's digits to the nearest such
 * number at the end. The code and the tables are this project's own (tables printed by a
 * throwaway Python script: 5^p exactly, and ceil(2^s / 5^q) with 2^127 <= it < 2^128);
 * test_numfmt.c checks the tables, and tests/core/numfmt_exhaustive.c compares every one of
 * the 2^32 bit patterns with the exact big-number search this replaced.
 */
#if !defined(__SIZEOF_INT128__)
#error "numfmt.c needs a 128-bit integer type (gcc and clang have one on 64-bit targets)"
#endif
__extension__ typedef unsigned __int128 u128;

/* Binary32 round-trips with at most 9 significant digits, so the search never needs more. */
enum { MAX_DIGITS = 9 };

struct decimal {
    char digits[MAX_DIGITS]; /* ASCII, first one non-zero */
    int n;                   /* number of digits */
    int k;                   /* value = 0.d1d2..dn * 10^k */
};

/* 5^p for p = 0..47 exactly, as {high 64 bits, low 64 bits}. */
static const uint64_t POW5[48][2] = {
    {0x0000000000000000U, 0x0000000000000001U},
    {0x0000000000000000U, 0x0000000000000005U},
    {0x0000000000000000U, 0x0000000000000019U},
    {0x0000000000000000U, 0x000000000000007DU},
    {0x0000000000000000U, 0x0000000000000271U},
    {0x0000000000000000U, 0x0000000000000C35U},
    {0x0000000000000000U, 0x0000000000003D09U},
    {0x0000000000000000U, 0x000000000001312DU},
    {0x0000000000000000U, 0x000000000005F5E1U},
    {0x0000000000000000U, 0x00000000001DCD65U},
    {0x0000000000000000U, 0x00000000009502F9U},
    {0x0000000000000000U, 0x0000000002E90EDDU},
    {0x0000000000000000U, 0x000000000E8D4A51U},
    {0x0000000000000000U, 0x0000000048C27395U},
    {0x0000000000000000U, 0x000000016BCC41E9U},
    {0x0000000000000000U, 0x000000071AFD498DU},
    {0x0000000000000000U, 0x0000002386F26FC1U},
    {0x0000000000000000U, 0x000000B1A2BC2EC5U},
    {0x0000000000000000U, 0x000003782DACE9D9U},
    {0x0000000000000000U, 0x00001158E460913DU},
    {0x0000000000000000U, 0x000056BC75E2D631U},
    {0x0000000000000000U, 0x0001B1AE4D6E2EF5U},
    {0x0000000000000000U, 0x000878678326EAC9U},
    {0x0000000000000000U, 0x002A5A058FC295EDU},
    {0x0000000000000000U, 0x00D3C21BCECCEDA1U},
    {0x0000000000000000U, 0x0422CA8B0A00A425U},
    {0x0000000000000000U, 0x14ADF4B7320334B9U},
    {0x0000000000000000U, 0x6765C793FA10079DU},
    {0x0000000000000002U, 0x04FCE5E3E2502611U},
    {0x000000000000000AU, 0x18F07D736B90BE55U},
    {0x0000000000000032U, 0x7CB2734119D3B7A9U},
    {0x00000000000000FCU, 0x6F7C40458122964DU},
    {0x00000000000004EEU, 0x2D6D415B85ACEF81U},
    {0x00000000000018A6U, 0xE32246C99C60AD85U},
    {0x0000000000007B42U, 0x6FAB61F00DE36399U},
    {0x000000000002684CU, 0x2E58E9B04570F1FDU},
    {0x00000000000C097CU, 0xE7BC90715B34B9F1U},
    {0x00000000003C2F70U, 0x86AED236C807A1B5U},
    {0x00000000012CED32U, 0xA16A1B11E8262889U},
    {0x0000000005E0A1FDU, 0x2712875988BECAADU},
    {0x000000001D6329F1U, 0xC35CA4BFABB9F561U},
    {0x0000000092EFD1B8U, 0xD0CF37BE5AA1CAE5U},
    {0x00000002DEAF189CU, 0x140C16B7C528F679U},
    {0x0000000E596B7B0CU, 0x643C7196D9CCD05DU},
    {0x00000047BF19673DU, 0xF52E37F2410011D1U},
    {0x00000166BB7F0435U, 0xC9E717BB45005915U},
    {0x00000701A97B150CU, 0xF18376A85901BD69U},
    {0x000023084F676940U, 0xB7915149BD08B30DU},
};

/* For q = 0..29: M = ceil(2^s / 5^q) as {high, low} with 2^127 <= M < 2^128, and s. */
static const struct {
    uint64_t hi;
    uint64_t lo;
    int s;
} RECIP5[30] = {
    {0x8000000000000000U, 0x0000000000000000U, 127},
    {0xCCCCCCCCCCCCCCCCU, 0xCCCCCCCCCCCCCCCDU, 130},
    {0xA3D70A3D70A3D70AU, 0x3D70A3D70A3D70A4U, 132},
    {0x83126E978D4FDF3BU, 0x645A1CAC083126EAU, 134},
    {0xD1B71758E219652BU, 0xD3C36113404EA4A9U, 137},
    {0xA7C5AC471B478423U, 0x0FCF80DC33721D54U, 139},
    {0x8637BD05AF6C69B5U, 0xA63F9A49C2C1B110U, 141},
    {0xD6BF94D5E57A42BCU, 0x3D32907604691B4DU, 144},
    {0xABCC77118461CEFCU, 0xFDC20D2B36BA7C3EU, 146},
    {0x89705F4136B4A597U, 0x31680A88F8953031U, 148},
    {0xDBE6FECEBDEDD5BEU, 0xB573440E5A884D1CU, 151},
    {0xAFEBFF0BCB24AAFEU, 0xF78F69A51539D749U, 153},
    {0x8CBCCC096F5088CBU, 0xF93F87B7442E45D4U, 155},
    {0xE12E13424BB40E13U, 0x2865A5F206B06FBAU, 158},
    {0xB424DC35095CD80FU, 0x538484C19EF38C95U, 160},
    {0x901D7CF73AB0ACD9U, 0x0F9D37014BF60A11U, 162},
    {0xE69594BEC44DE15BU, 0x4C2EBE687989A9B4U, 165},
    {0xB877AA3236A4B449U, 0x09BEFEB9FAD487C3U, 167},
    {0x9392EE8E921D5D07U, 0x3AFF322E62439FD0U, 169},
    {0xEC1E4A7DB69561A5U, 0x2B31E9E3D06C32E6U, 172},
    {0xBCE5086492111AEAU, 0x88F4BB1CA6BCF585U, 174},
    {0x971DA05074DA7BEEU, 0xD3F6FC16EBCA5E04U, 176},
    {0xF1C90080BAF72CB1U, 0x5324C68B12DD6339U, 179},
    {0xC16D9A0095928A27U, 0x75B7053C0F178294U, 181},
    {0x9ABE14CD44753B52U, 0xC4926A9672793543U, 183},
    {0xF79687AED3EEC551U, 0x3A83DDBD83F52205U, 186},
    {0xC612062576589DDAU, 0x95364AFE032A819EU, 188},
    {0x9E74D1B791E07E48U, 0x775EA264CF55347EU, 190},
    {0xFD87B5F28300CA0DU, 0x8BCA9D6E188853FDU, 193},
    {0xCAD2F7F5359A3B3EU, 0x096EE45813A04331U, 195},
};

/* floor(e * log10(2)) for |e| <= 1650 (78913 / 2^18 is log10(2) to 1e-7). */
static int floor_log10_pow2(int e)
{
    return e >= 0 ? (int)(((uint32_t)e * 78913u) >> 18)
                  : -(int)((((uint32_t)-e * 78913u) + (1u << 18) - 1) >> 18);
}

/*
 * floor(x * 2^e / 10^q) for x < 2^27, with *exact telling whether nothing was dropped. The
 * caller picks q so that the result is below 2^34 (see shortest); the proof of each case is
 * in its comment.
 */
static uint64_t scaled_floor(uint32_t x, int e, int q, bool *exact)
{
    if (q >= 0) {
        /*
         * x * 2^j / 5^q with j = e - q >= 0, computed as floor(x * M / 2^(s - j)). M exceeds
         * 2^s / 5^q by less than 1, which adds less than x * 2^j / 2^s to the quotient; that
         * stays below the 1/5^q that separates a fraction from the next integer as long as
         * x * 2^j * 5^q < 2^s, i.e. 27 + j < 127, and j <= 75 here. It is exact only when
         * 5^q divides x (never for q >= 12: 5^12 > 2^27).
         */
        int j = e - q;
        int sh = RECIP5[q].s - j; /* >= 120 */
        u128 lo = (u128)x * RECIP5[q].lo;
        u128 hi = (u128)x * RECIP5[q].hi + (lo >> 64);
        *exact = q == 0 || (q < 12 && x % (uint32_t)POW5[q][1] == 0);
        return (uint64_t)(hi >> (sh - 64));
    }
    /* x * 5^p * 2^t with p = -q, t = e + p: 5^p is exact, so only the shift can drop bits,
     * and as 5^p is odd they are all zero exactly when 2^-t divides x. */
    int p = -q;
    int t = e + p;
    if (t >= 0) {
        *exact = true;
        return ((uint64_t)x * POW5[p][1]) << t; /* only for p <= 2: small */
    }
    int u = -t;
    *exact = u < 32 && (x & ((1u << u) - 1)) == 0;
    if (u < 64) {
        /* The product is below 2^34 * 2^64, so 128 bits hold it. */
        u128 full = (u128)x * (((u128)POW5[p][0] << 64) | POW5[p][1]);
        return (uint64_t)(full >> u);
    }
    u128 lo = (u128)x * POW5[p][1];
    u128 hi = (u128)x * POW5[p][0] + (lo >> 64);
    return (uint64_t)(hi >> (u - 64));
}

/* How the two users of shortest() differ. */
struct rules {
    bool ties_up;          /* exact ties between two shortest: Rust rounds up, ryu to even */
    int narrow_from_exp;   /* a zero fraction narrows the gap below from this exponent on */
};

/* Rust's flt2dec treats FLT_MIN (biased exponent 1) like any power of two, although the gap
 * below it is not smaller; ryu does not. */
static const struct rules RUST = {true, 1};
static const struct rules RYU = {false, 2};

/* The interval's ends in the current decimal grid, and the numbers of that grid inside it. */
struct grid {
    uint64_t lo;
    uint64_t hi;
    bool lo_exact; /* the end is exactly lo (else it lies between lo and lo + 1) */
    bool hi_exact;
    uint64_t first; /* the smallest and largest whole numbers inside the interval */
    uint64_t final;
};

/*
 * Moves |g| to the grid |div| times coarser if that one still has a number inside the
 * interval (the ends included when |incl|); returns false and leaves |g| as it was if not.
 * Inlined with a constant |div|, so the divisions become multiplications.
 */
static inline bool coarser(struct grid *g, uint64_t div, bool incl)
{
    uint64_t nlo = g->lo / div;
    uint64_t nhi = g->hi / div;
    bool nlo_exact = g->lo_exact && g->lo % div == 0;
    bool nhi_exact = g->hi_exact && g->hi % div == 0;
    uint64_t first = incl && nlo_exact ? nlo : nlo + 1;
    uint64_t final = !incl && nhi_exact ? nhi - 1 : nhi;
    if (first > final)
        return false;
    *g = (struct grid){nlo, nhi, nlo_exact, nhi_exact, first, final};
    return true;
}

/* Shortest digits of a finite positive binary32 |bits|, the closest of those when several. */
static void shortest(uint32_t bits, const struct rules *rule, struct decimal *out)
{
    uint32_t biased = (bits >> 23) & 0xFFu;
    uint32_t frac = bits & 0x7FFFFFu;
    uint32_t m2 = biased == 0 ? frac : frac | 0x800000u;
    int e2 = biased == 0 ? -149 : (int)biased - 150;

    /*
     * The rounding interval is v +- half the gap to each neighbour, in units of 2^(e2-2);
     * bounds included when the mantissa is even (round-half-even reading them back).
     */
    bool incl = (m2 & 1u) == 0;
    bool narrow = frac == 0 && (int)biased >= rule->narrow_from_exp;
    uint32_t mv = 4 * m2;
    uint32_t mp = mv + 2;
    uint32_t mm = mv - 1 - (narrow ? 0 : 1);
    int e = e2 - 2;

    /*
     * With q = floor(e * log10 2) - 1, 10 <= 2^e / 10^q < 100: the interval, at least 3 units
     * of 2^e wide, spans 30 or more units of 10^q, so a number with one digit fewer than the
     * scaled value always lies in it (the loop below drops at least one digit), and the
     * scaled value stays below 2^26 * 100 < 2^34.
     */
    int q = floor_log10_pow2(e) - 1;
    bool lo_exact;
    bool v_exact;
    bool hi_exact;
    uint64_t lo = scaled_floor(mm, e, q, &lo_exact);
    uint64_t vr = scaled_floor(mv, e, q, &v_exact);
    uint64_t hi = scaled_floor(mp, e, q, &hi_exact);

    /*
     * Four digits at once if the interval still holds a number of the grid 10^4 times
     * coarser, then two at a time, then at most one more: a grid is only ever empty when
     * every coarser one is too (at most 9 of the value's 10 digits go). |last| is the value's most significant dropped digit and |rest_zero| says whether
     * everything below it was zero.
     */
    struct grid g = {lo, hi, lo_exact, hi_exact, 0, 0};
    unsigned last = 0;
    bool rest_zero = v_exact;
    int removed = 0;
    if (coarser(&g, 10000, incl)) {
        rest_zero = rest_zero && last == 0 && vr % 1000 == 0;
        last = (unsigned)(vr / 1000 % 10);
        vr /= 10000;
        removed += 4;
    }
    while (coarser(&g, 100, incl)) {
        rest_zero = rest_zero && last == 0 && vr % 10 == 0;
        last = (unsigned)(vr / 10 % 10);
        vr /= 100;
        removed += 2;
    }
    if (coarser(&g, 10, incl)) {
        rest_zero = rest_zero && last == 0;
        last = (unsigned)(vr % 10);
        vr /= 10;
        removed++;
    }
    uint64_t first = g.first;
    uint64_t final = g.final;
    bool up = last > 5 || (last == 5 && (!rest_zero || rule->ties_up || (vr & 1u) != 0));
    uint64_t n = vr + (up ? 1 : 0);
    if (n < first)
        n = first;
    if (n > final)
        n = final;

    char tmp[20];
    int len = 0;
    for (; n != 0; n /= 10)
        tmp[len++] = (char)('0' + n % 10);
    for (int i = 0; i < len; i++)
        out->digits[i] = tmp[len - 1 - i];
    out->n = len;
    out->k = q + removed + len;
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
            shortest(mag, &RUST, &d);
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

size_t numfmt_f32_display(float v, char out[NUMFMT_BUFSIZE])
{
    return format_f32(v, out, false);
}

size_t numfmt_f32_debug(float v, char out[NUMFMT_BUFSIZE])
{
    return format_f32(v, out, true);
}

/* ---- serde_json's text -------------------------------------------------------------------- */

/*
 * serde_json writes an f32 with ryu 1.0.2's Buffer::format_finite: the same shortest digits
 * as Display except that an exact tie between two shortest candidates goes to the even digit
 * (0.494140625f32: "0.49414062", Display "0.49414063") and FLT_MIN keeps its full interval;
 * then ryu's own layout (format32), rewritten here from its documented behaviour. Checked
 * against ryu 1.0.2 itself for all 2^32 bit patterns (test_numfmt.c keeps a table).
 */
size_t numfmt_f32_json(float v, char out[NUMFMT_BUFSIZE])
{
    uint32_t bits;
    struct decimal d;
    size_t n = 0;

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
    shortest(bits & 0x7FFFFFFFu, &RYU, &d);
    if (d.k > -6 && d.k <= 13) {
        /* 1234e7 -> 12340000000.0, 1234e-2 -> 12.34, 1234e-6 -> 0.001234 */
        n = put_positional(out, n, &d, 1);
    } else {
        /* 1e30, 1234e30 -> 1.234e33 (no '+', no padding in the exponent) */
        n = put_exponent(out, n, &d);
    }
    out[n] = '\0';
    return n;
}

/* ---- Rust's Display of an f64 --------------------------------------------------------------- */

/*
 * When |v| lies exactly halfway between two shortest candidates, printf rounds to even and
 * Rust rounds up (650733417713040.25 -> "...040.3"): switch |sci| (printf's "%.*e" text with
 * |prec| fraction digits) to the upper candidate if that one also reads back as |v|.
 */
static void round_tie_up(double v, char *sci, size_t cap, int prec)
{
    char wide[64];
    char up[40];
    char *e = strchr(sci, 'e');
    size_t last = (size_t)(e - sci) - 1;
    int exp10 = (int)strtol(e + 1, NULL, 10);
    size_t i;

    /* A tie shows as a 5 then zeros; 25 zeros are taken as proof (a heuristic: an exact
     * expansion could go on after such a run, but this only words an error message). */
    snprintf(wide, sizeof wide, "%.*e", prec + 26, v);
    if (wide[prec + 2] != '5') {
        return;
    }
    for (i = (size_t)prec + 3; wide[i] != 'e'; i++) {
        if (wide[i] != '0') {
            return;
        }
    }
    if (strncmp(wide, sci, last + 1) != 0) {
        return; /* printf already rounded up */
    }
    memcpy(up, sci, last + 1);
    for (i = last + 1; i-- > 0;) {
        if (up[i] == '.') {
            continue;
        }
        if (up[i] != '9') {
            up[i]++;
            break;
        }
        up[i] = '0';
        if (i == 0) {
            up[0] = '1'; /* 9.99 -> 1.00 with the exponent one higher */
            exp10++;
        }
    }
    snprintf(up + last + 1, sizeof up - last - 1, "e%+03d", exp10);
    if (strtod(up, NULL) == v && strlen(up) < cap) {
        memcpy(sci, up, strlen(up) + 1);
    }
}

/*
 * The shortest decimal that reads back as |v| (found with printf's correctly rounded "%.*e"
 * and strtod), written positionally as Rust's {} does: 1e20 -> "100000000000000000000".
 * Approximation: among several shortest candidates Rust takes the closest; printf's
 * rounding gives the closest too, except for exact ties (handled by round_tie_up) and rare
 * cases where the closest shortest candidate is not printf's rounding at that length.
 */
static void put(char *out, size_t *len, const char *s, size_t n)
{
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = 0;
}

size_t numfmt_f64_display(double v, char out[NUMFMT_F64_BUFSIZE])
{
    size_t len = 0;
    char sci[40];
    char digits[20];
    size_t nd = 0;
    int exp10;
    int prec;

    out[0] = 0;
    if (isnan(v)) {
        put(out, &len, "NaN", 3);
        return len;
    }
    if (signbit(v)) {
        put(out, &len, "-", 1);
        v = -v;
    }
    if (isinf(v)) {
        put(out, &len, "inf", 3);
        return len;
    }
    if (v == 0.0) {
        put(out, &len, "0", 1);
        return len;
    }
    for (prec = 0; prec < 17; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec, v);
        if (strtod(sci, NULL) == v) {
            break;
        }
    }
    round_tie_up(v, sci, sizeof sci, prec);
    /* sci is "d.ddddde[+-]xx": collect the digits without trailing zeros */
    for (const char *q = sci; *q != 'e' && *q != '\0'; q++) {
        if (*q >= '0' && *q <= '9' && nd < sizeof digits) {
            digits[nd++] = *q;
        }
    }
    exp10 = (int)strtol(strchr(sci, 'e') + 1, NULL, 10);
    while (nd > 1 && digits[nd - 1] == '0') {
        nd--;
    }
    if (exp10 < 0) {
        put(out, &len, "0.", 2);
        for (int z = -1; z > exp10; z--) {
            put(out, &len, "0", 1);
        }
        put(out, &len, digits, nd);
        return len;
    }
    for (int i = 0; i <= exp10 || (size_t)i < nd; i++) {
        if (i == exp10 + 1) {
            put(out, &len, ".", 1);
        }
        put(out, &len, (size_t)i < nd ? &digits[i] : "0", 1);
    }
    return len;
}
