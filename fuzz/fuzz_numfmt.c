/* fuzz_numfmt.c -- four bytes as an f32: each text form reads back, is shortest, has its shape. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "numfmt.h"
#include "fuzz.h"

static uint32_t bits_of(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

/* strtof in the C locale (the harness never calls setlocale): the reading Rust's parse does. */
static bool reads_back(const char *text, uint32_t bits)
{
    char *end = NULL;
    float r = strtof(text, &end);
    return end != NULL && *end == '\0' && bits_of(r) == bits;
}

/* The significant digits of a decimal text (sign, point, exponent, leading and trailing zeros
 * removed) into |digits|; returns their count, 0 for a zero. */
static size_t significant_digits(const char *text, char *digits, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p != '\0' && *p != 'e'; p++) {
        if (*p < '0' || *p > '9' || (n == 0 && *p == '0'))
            continue;
        FUZZ_CHECK(n + 1 < cap, "too many digits in \"%s\"", text);
        digits[n++] = *p;
    }
    while (n > 0 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return n;
}

/* Display's shape: -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])? and nothing else. */
static bool display_shape(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0') {
        s++;
    } else {
        if (*s < '1' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == '\0')
        return true;
    if (*s++ != '.' || *s == '\0')
        return false;
    char last = 0;
    while (*s >= '0' && *s <= '9')
        last = *s++;
    return *s == '\0' && last != '0';
}

/*
 * The exact decimal expansion of |v| (finite, non-zero) as digits and an exponent X such that
 * |v| = d0.d1d2... * 10^X. A float converts to double exactly and glibc prints exact digits,
 * and 120 of them cover every binary32 value (the smallest subnormal needs 105).
 */
struct exact {
    char digits[128];
    size_t n;
    long x;
};

static void exact_of(float v, struct exact *e)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%.120e", fabs((double)v));
    char *p = strchr(buf, 'e');
    FUZZ_CHECK(p != NULL, "no exponent in \"%s\"", buf);
    e->x = strtol(p + 1, NULL, 10);
    e->n = 0;
    for (char *q = buf; q < p; q++)
        if (*q != '.')
            e->digits[e->n++] = *q;
    e->digits[e->n] = '\0';
}

/*
 * The |m|-digit decimals just below and just above |v| (floor and ceiling in the grid of m
 * significant digits), as strtof-readable texts, and which one is nearer: -1 floor, 1 ceiling,
 * 0 a tie (v exactly halfway).
 */
static int neighbours(const struct exact *e, size_t m, bool neg, char *lo, char *hi, size_t cap)
{
    unsigned long long q = 0;
    for (size_t i = 0; i < m; i++)
        q = q * 10u + (unsigned)(e->digits[i] - '0');
    long scale = e->x - (long)m + 1;
    const char *sign = neg ? "-" : "";
    snprintf(lo, cap, "%s%llue%ld", sign, q, scale);
    snprintf(hi, cap, "%s%llue%ld", sign, q + 1u, scale);

    const char *rest = e->digits + m;
    if (*rest < '5')
        return -1;
    if (*rest > '5')
        return 1;
    for (const char *r = rest + 1; *r != '\0'; r++)
        if (*r != '0')
            return 1;
    return 0;
}

/* Same number, read as doubles: two decimals of <= 9 digits are equal iff their doubles are. */
static bool same_value(const char *a, const char *b)
{
    return strtod(a, NULL) == strtod(b, NULL);
}

static void check_display(float v, uint32_t bits)
{
    char out[NUMFMT_BUFSIZE];
    memset(out, 'X', sizeof out);
    size_t len = numfmt_f32_display(v, out);
    FUZZ_CHECK(len < NUMFMT_BUFSIZE && out[len] == '\0' && strlen(out) == len,
               "bits %08X: length %zu does not match the text", (unsigned)bits, len);
    if (isnan(v)) {
        FUZZ_CHECK(strcmp(out, "NaN") == 0, "bits %08X: NaN printed as \"%s\"", (unsigned)bits,
                   out);
        return;
    }
    if (isinf(v)) {
        FUZZ_CHECK(strcmp(out, v > 0 ? "inf" : "-inf") == 0, "bits %08X: infinity as \"%s\"",
                   (unsigned)bits, out);
        return;
    }
    FUZZ_CHECK(display_shape(out), "bits %08X: \"%s\" is not plain decimal", (unsigned)bits, out);
    FUZZ_CHECK((out[0] == '-') == (signbit(v) != 0), "bits %08X: sign of \"%s\"", (unsigned)bits,
               out);
    FUZZ_CHECK(reads_back(out, bits), "bits %08X (%.9g): \"%s\" reads back as %08X",
               (unsigned)bits, (double)v, out, (unsigned)bits_of(strtof(out, NULL)));
    if (v == 0.0f)
        return;

    char digits[NUMFMT_BUFSIZE];
    size_t n = significant_digits(out, digits, sizeof digits);
    struct exact e;
    exact_of(v, &e);
    char lo[64];
    char hi[64];
    bool neg = signbit(v) != 0;
    if (n > 1) {
        neighbours(&e, n - 1, neg, lo, hi, sizeof lo);
        FUZZ_CHECK(!reads_back(lo, bits) && !reads_back(hi, bits),
                   "bits %08X: \"%s\" has %zu digits but %s reads back too", (unsigned)bits, out,
                   n, reads_back(lo, bits) ? lo : hi);
    }
    /* Of the n-digit decimals that read back, Rust picks the nearest to the exact value. */
    int nearer = neighbours(&e, n, neg, lo, hi, sizeof lo);
    bool is_lo = same_value(out, lo);
    bool is_hi = same_value(out, hi);
    FUZZ_CHECK(is_lo || is_hi, "bits %08X: \"%s\" is neither %s nor %s", (unsigned)bits, out, lo,
               hi);
    if (is_lo && nearer > 0)
        FUZZ_CHECK(!reads_back(hi, bits), "bits %08X: \"%s\" but the nearer %s reads back",
                   (unsigned)bits, out, hi);
    if (is_hi && nearer < 0)
        FUZZ_CHECK(!reads_back(lo, bits), "bits %08X: \"%s\" but the nearer %s reads back",
                   (unsigned)bits, out, lo);
}

/* Debug: same digits as Display, exponent form exactly outside [1e-4, 1e16), always a point
 * or an exponent so that it reads as a float literal. */
static void check_debug(float v, uint32_t bits)
{
    char out[NUMFMT_BUFSIZE];
    char disp[NUMFMT_BUFSIZE];
    size_t len = numfmt_f32_debug(v, out);
    numfmt_f32_display(v, disp);
    FUZZ_CHECK(len < NUMFMT_BUFSIZE && strlen(out) == len, "bits %08X: debug length %zu",
               (unsigned)bits, len);
    if (isnan(v) || isinf(v)) {
        FUZZ_CHECK(strcmp(out, disp) == 0, "bits %08X: debug \"%s\", display \"%s\"",
                   (unsigned)bits, out, disp);
        return;
    }
    FUZZ_CHECK(reads_back(out, bits), "bits %08X: debug \"%s\" does not read back",
               (unsigned)bits, out);
    float a = fabsf(v);
    bool want_exp = v != 0.0f && (a < 1e-4f || a >= 1e16f);
    FUZZ_CHECK((strchr(out, 'e') != NULL) == want_exp, "bits %08X: debug \"%s\" exponent form",
               (unsigned)bits, out);
    if (!want_exp)
        FUZZ_CHECK(strchr(out, '.') != NULL, "bits %08X: debug \"%s\" lacks a fractional part",
                   (unsigned)bits, out);
    char d1[NUMFMT_BUFSIZE];
    char d2[NUMFMT_BUFSIZE];
    significant_digits(out, d1, sizeof d1);
    significant_digits(disp, d2, sizeof d2);
    FUZZ_CHECK(strcmp(d1, d2) == 0, "bits %08X: debug \"%s\" and display \"%s\" digits differ",
               (unsigned)bits, out, disp);
}

/*
 * serde_json's text (ryu): reads back, same number of digits as Display (both are shortest),
 * different digits only on an exact tie where ryu keeps the even one, and the exponent form
 * exactly for printed values below 1e-6 or from 1e13 up (ryu's format32: "-6 < kk <= 0" is
 * still positional, so 1e-6 prints as "0.000001" and 1e-7 as "1e-7").
 */
static void check_json(float v, uint32_t bits)
{
    char out[NUMFMT_BUFSIZE];
    char disp[NUMFMT_BUFSIZE];
    size_t len = numfmt_f32_json(v, out);
    numfmt_f32_display(v, disp);
    FUZZ_CHECK(len < NUMFMT_BUFSIZE && strlen(out) == len, "bits %08X: json length %zu",
               (unsigned)bits, len);
    if (isnan(v) || isinf(v)) {
        FUZZ_CHECK(strcmp(out, "null") == 0, "bits %08X: non-finite json \"%s\"", (unsigned)bits,
                   out);
        return;
    }
    FUZZ_CHECK(reads_back(out, bits), "bits %08X: json \"%s\" does not read back",
               (unsigned)bits, out);
    FUZZ_CHECK((out[0] == '-') == (signbit(v) != 0), "bits %08X: json sign of \"%s\"",
               (unsigned)bits, out);
    bool has_exp = strchr(out, 'e') != NULL;
    FUZZ_CHECK(has_exp || strchr(out, '.') != NULL, "bits %08X: json \"%s\" reads as an integer",
               (unsigned)bits, out);
    if (v == 0.0f) {
        FUZZ_CHECK(strcmp(out, signbit(v) ? "-0.0" : "0.0") == 0, "bits %08X: json zero \"%s\"",
                   (unsigned)bits, out);
        return;
    }
    double printed = fabs(strtod(out, NULL));
    bool want_exp = printed < strtod("1e-6", NULL) || printed >= 1e13;
    FUZZ_CHECK(has_exp == want_exp, "bits %08X: json \"%s\": exponent form is %s here",
               (unsigned)bits, out, want_exp ? "required" : "wrong");
    FUZZ_CHECK(strstr(out, "e+") == NULL && strstr(out, "e0") == NULL && strstr(out, "e-0") == NULL,
               "bits %08X: json exponent \"%s\" has a sign or padding", (unsigned)bits, out);

    char d_json[NUMFMT_BUFSIZE];
    char d_disp[NUMFMT_BUFSIZE];
    size_t n = significant_digits(out, d_json, sizeof d_json);
    size_t n_disp = significant_digits(disp, d_disp, sizeof d_disp);
    FUZZ_CHECK(n == n_disp, "bits %08X: json \"%s\" has %zu digits, display \"%s\" %zu",
               (unsigned)bits, out, n, disp, n_disp);
    if (strcmp(d_json, d_disp) != 0) {
        struct exact e;
        exact_of(v, &e);
        char lo[64];
        char hi[64];
        int nearer = neighbours(&e, n, signbit(v) != 0, lo, hi, sizeof lo);
        FUZZ_CHECK(nearer == 0 && (d_json[n - 1] - '0') % 2 == 0,
                   "bits %08X: json \"%s\" and display \"%s\" differ without an exact tie "
                   "resolved to even",
                   (unsigned)bits, out, disp);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size != 4)
        return FUZZ_REJECT;
    uint32_t bits;
    memcpy(&bits, data, sizeof bits);
    float v;
    memcpy(&v, &bits, sizeof v);
    check_display(v, bits);
    check_debug(v, bits);
    check_json(v, bits);
    return FUZZ_ACCEPT;
}
