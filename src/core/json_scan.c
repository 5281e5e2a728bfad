/* json_scan.c -- a C port of serde_json 1.0.87's StrRead lexer and number parser (MIT/Apache-2.0). */
#include "json_scan.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The number parser below ports serde_json's de.rs (parse_integer, parse_decimal,
 * parse_exponent, f64_from_parts and their overflow paths, built without float_roundtrip)
 * operation for operation, so that it yields the same f64 bit patterns, including where
 * serde_json is not correctly rounded. That needs IEEE double arithmetic evaluated in double
 * precision, as on x86-64 (SSE2) and aarch64.
 */
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "json_scan.c needs FLT_EVAL_METHOD == 0 to reproduce serde_json's f64 arithmetic"
#endif

/* serde_json's POW10: 1e0 ..= 1e308, each the correctly rounded double. */
static const double POW10[309] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29,
    1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39,
    1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49,
    1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59,
    1e60, 1e61, 1e62, 1e63, 1e64, 1e65, 1e66, 1e67, 1e68, 1e69,
    1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79,
    1e80, 1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89,
    1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96, 1e97, 1e98, 1e99,
    1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109,
    1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119,
    1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127, 1e128, 1e129,
    1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139,
    1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149,
    1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159,
    1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169,
    1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179,
    1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189,
    1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199,
    1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209,
    1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219,
    1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227, 1e228, 1e229,
    1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239,
    1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249,
    1e250, 1e251, 1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259,
    1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266, 1e267, 1e268, 1e269,
    1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289,
    1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299,
    1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
};

/* Frames of the containers json_scan_skip_value is inside: one bit each ('{' = 1), so the
 * memory is at most a quarter of the input length once past the inline part. */
struct bit_stack {
    unsigned char inline_bits[64];
    unsigned char *bits;
    size_t cap; /* in bits */
    size_t depth;
};

static const char *const MESSAGES[] = {
    [JSON_SCAN_OK] = "no error",
    [JSON_SCAN_EOF_LIST] = "EOF while parsing a list",
    [JSON_SCAN_EOF_OBJECT] = "EOF while parsing an object",
    [JSON_SCAN_EOF_STRING] = "EOF while parsing a string",
    [JSON_SCAN_EOF_VALUE] = "EOF while parsing a value",
    [JSON_SCAN_EXPECTED_COLON] = "expected `:`",
    [JSON_SCAN_EXPECTED_LIST_COMMA_OR_END] = "expected `,` or `]`",
    [JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END] = "expected `,` or `}`",
    [JSON_SCAN_EXPECTED_IDENT] = "expected ident",
    [JSON_SCAN_EXPECTED_VALUE] = "expected value",
    [JSON_SCAN_INVALID_ESCAPE] = "invalid escape",
    [JSON_SCAN_INVALID_NUMBER] = "invalid number",
    [JSON_SCAN_NUMBER_OUT_OF_RANGE] = "number out of range",
    [JSON_SCAN_INVALID_CODE_POINT] = "invalid unicode code point",
    [JSON_SCAN_CONTROL_CHAR] = "control character (\\u0000-\\u001F) found while parsing a string",
    [JSON_SCAN_KEY_MUST_BE_STRING] = "key must be a string",
    [JSON_SCAN_LONE_SURROGATE] = "lone leading surrogate in hex escape",
    [JSON_SCAN_TRAILING_COMMA] = "trailing comma",
    [JSON_SCAN_TRAILING_CHARACTERS] = "trailing characters",
    [JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE] = "unexpected end of hex escape",
};

void json_scan_init(struct json_scan *sc, const void *text, size_t len)
{
    sc->s = text;
    sc->len = len;
    sc->pos = 0;
    sc->code = JSON_SCAN_OK;
    sc->err_index = 0;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* serde's peek_or_null: the byte at the cursor, or 0 at the end. */
static int peek_or_null(const struct json_scan *sc)
{
    return sc->pos < sc->len ? sc->s[sc->pos] : 0;
}

int json_scan_peek_nonws(struct json_scan *sc)
{
    while (sc->pos < sc->len) {
        unsigned char c = sc->s[sc->pos];
        /* Most bytes are above ' ' and need one test: under fuzzing instrumentation each
         * comparison is a call into the engine, on every byte of every input. */
        if (c > ' ' || (c != ' ' && c != '\n' && c != '\t' && c != '\r')) {
            return c;
        }
        sc->pos++;
    }
    return -1;
}

int json_scan_fail(struct json_scan *sc, enum json_scan_code code, bool after_peek)
{
    sc->code = code;
    sc->err_index = sc->pos;
    if (after_peek && sc->pos < sc->len) {
        sc->err_index = sc->pos + 1;
    }
    return WC_ERR_INVALID;
}

const char *json_scan_message(enum json_scan_code code)
{
    if ((size_t)code >= sizeof MESSAGES / sizeof MESSAGES[0]) {
        return "unknown error";
    }
    return MESSAGES[code];
}

void json_scan_position(const struct json_scan *sc, size_t index, size_t *line, size_t *column)
{
    size_t ln = 1;
    size_t col = 0;
    if (index > sc->len) {
        index = sc->len;
    }
    if (index > 0) {
        /* memchr from one newline to the next rather than a test per byte: a rejection's
         * position is computed once, but under fuzzing instrumentation a byte loop over a
         * long line was a visible part of what every rejected input cost. */
        const unsigned char *p = sc->s;
        const unsigned char *end = sc->s + index;
        const unsigned char *nl;
        while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            ln++;
            p = nl + 1;
        }
        col = (size_t)(end - p);
    }
    *line = ln;
    *column = col;
}

/* ---- strings ---------------------------------------------------------------------------- */

/* The bytes serde's ESCAPE table stops at inside a string. */
static bool stops_string(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Where decoded string bytes go: at most |cap| are stored, all are counted. */
struct sink {
    char *out;
    size_t cap;
    size_t n;
};

static void sink_put(struct sink *k, const unsigned char *b, size_t len)
{
    if (k->n < k->cap) {
        size_t room = k->cap - k->n;
        memcpy(k->out + k->n, b, len < room ? len : room);
    }
    k->n += len;
}

/* serde's decode_hex_escape: four hex digits, any case. */
static int decode_hex4(struct json_scan *sc, uint32_t *out)
{
    uint32_t n = 0;
    if (sc->len - sc->pos < 4) {
        sc->pos = sc->len;
        return json_scan_fail(sc, JSON_SCAN_EOF_STRING, false);
    }
    for (int i = 0; i < 4; i++) {
        int v = hex_val(sc->s[sc->pos]);
        sc->pos++;
        if (v < 0) {
            return json_scan_fail(sc, JSON_SCAN_INVALID_ESCAPE, false);
        }
        n = (n << 4) | (uint32_t)v;
    }
    *out = n;
    return WC_OK;
}

static void sink_put_cp(struct sink *k, uint32_t cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sink_put(k, b, n);
}

/* serde's parse_escape (|k| non-NULL, validating) or ignore_escape (|k| NULL); the cursor is
 * just past the backslash. */
static int scan_escape(struct json_scan *sc, struct sink *k)
{
    static const char SIMPLE_IN[] = "\"\\/bfnrt";
    static const char SIMPLE_OUT[] = "\"\\/\b\f\n\r\t";
    uint32_t n1;
    uint32_t n2;
    uint32_t cp;
    unsigned char ch;
    const char *hit;
    int rc;

    if (sc->pos >= sc->len) {
        return json_scan_fail(sc, JSON_SCAN_EOF_STRING, false);
    }
    ch = sc->s[sc->pos++];
    hit = ch != 0 ? strchr(SIMPLE_IN, ch) : NULL;
    if (hit != NULL) {
        if (k != NULL) {
            unsigned char out = (unsigned char)SIMPLE_OUT[hit - SIMPLE_IN];
            sink_put(k, &out, 1);
        }
        return WC_OK;
    }
    if (ch != 'u') {
        return json_scan_fail(sc, JSON_SCAN_INVALID_ESCAPE, false);
    }
    rc = decode_hex4(sc, &n1);
    if (rc != WC_OK || k == NULL) {
        return rc;
    }
    if (n1 >= 0xDC00 && n1 <= 0xDFFF) {
        return json_scan_fail(sc, JSON_SCAN_LONE_SURROGATE, false);
    }
    cp = n1;
    if (n1 >= 0xD800 && n1 <= 0xDBFF) {
        /* A high surrogate must be followed at once by a \u low surrogate. */
        if (sc->pos >= sc->len) {
            return json_scan_fail(sc, JSON_SCAN_EOF_STRING, false);
        }
        if (sc->s[sc->pos++] != '\\') {
            return json_scan_fail(sc, JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE, false);
        }
        if (sc->pos >= sc->len) {
            return json_scan_fail(sc, JSON_SCAN_EOF_STRING, false);
        }
        if (sc->s[sc->pos++] != 'u') {
            return json_scan_fail(sc, JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE, false);
        }
        rc = decode_hex4(sc, &n2);
        if (rc != WC_OK) {
            return rc;
        }
        if (n2 < 0xDC00 || n2 > 0xDFFF) {
            return json_scan_fail(sc, JSON_SCAN_LONE_SURROGATE, false);
        }
        cp = (((n1 - 0xD800) << 10) | (n2 - 0xDC00)) + 0x10000;
    }
    sink_put_cp(k, cp);
    return WC_OK;
}

int json_scan_string(struct json_scan *sc, char *out, size_t cap, size_t *out_len)
{
    struct sink k = {out, out != NULL ? cap : 0, 0};
    struct sink *kp = out != NULL ? &k : NULL;

    for (;;) {
        size_t start = sc->pos;
        unsigned char c;
        int rc;
        sc->pos += json_scan_plain_run(sc);
        if (kp != NULL) {
            sink_put(kp, sc->s + start, sc->pos - start);
        }
        if (sc->pos == sc->len) {
            return json_scan_fail(sc, JSON_SCAN_EOF_STRING, false);
        }
        c = sc->s[sc->pos];
        if (c == '"') {
            sc->pos++;
            if (kp != NULL && out_len != NULL) {
                *out_len = k.n;
            }
            return WC_OK;
        }
        if (c == '\\') {
            sc->pos++;
            rc = scan_escape(sc, kp);
            if (rc != WC_OK) {
                return rc;
            }
            continue;
        }
        /* parse_str consumes the control byte before failing, ignore_str does not. */
        if (kp != NULL) {
            sc->pos++;
        }
        return json_scan_fail(sc, JSON_SCAN_CONTROL_CHAR, false);
    }
}

/* Non-zero when one of the eight bytes of |w| is '"', '\\' or below 0x20: the high bit of
 * such a byte is set. Each term is the classic "has a zero byte" test, (x - 0x01..01) & ~x &
 * 0x80..80, which never misses one and may flag bytes above it only. */
static uint64_t word_stops(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    uint64_t quote = w ^ (ones * '"');
    uint64_t backslash = w ^ (ones * '\\');
    uint64_t t = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                 ((w - ones * 0x20) & ~w);
    return t & (ones * 0x80);
}

size_t json_scan_plain_run(const struct json_scan *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->pos;
    if (i >= sc->len) {
        return 0;
    }
    while (sc->len - i >= 8) {
        uint64_t w;
        uint64_t stops;
        memcpy(&w, s + i, sizeof w);
        stops = word_stops(w);
        if (stops != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* The lowest flag is exact (a borrow only flags bytes above a real stop). */
            return i + (size_t)(__builtin_ctzll(stops) >> 3) - sc->pos;
#else
            break;
#endif
        }
        i += 8;
    }
    while (i < sc->len && !stops_string(s[i])) {
        i++;
    }
    return i - sc->pos;
}

size_t json_scan_string_span(const struct json_scan *sc)
{
    struct json_scan at = *sc;
    for (;;) {
        at.pos += json_scan_plain_run(&at);
        if (at.pos >= at.len || at.s[at.pos] == '"') {
            break;
        }
        /* a control byte is counted like any other, an escape's next byte is skipped */
        at.pos += at.s[at.pos] == '\\' ? 2 : 1;
        if (at.pos >= at.len) {
            break;
        }
    }
    return (at.pos < at.len ? at.pos : at.len) - sc->pos;
}

/* ---- numbers ------------------------------------------------------------------------------ */

/* Rust's i32 arithmetic as compiled in release mode (wrapping) and its saturating_add/sub;
 * going through uint32_t keeps the C free of signed overflow. */
static int32_t i32_from_bits(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) + INT32_MIN;
}

static int32_t i32_wrapping_add(int32_t a, int32_t b)
{
    return i32_from_bits((uint32_t)a + (uint32_t)b);
}

static int32_t i32_saturating_add(int32_t a, int32_t b)
{
    int64_t r = (int64_t)a + b;
    return r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : (int32_t)r;
}

static int32_t i32_saturating_sub(int32_t a, int32_t b)
{
    int64_t r = (int64_t)a - b;
    return r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : (int32_t)r;
}

/* serde's overflow!(a * 10 + b, MAX) macro. */
static bool u64_overflows(uint64_t a, unsigned b)
{
    return a >= UINT64_MAX / 10 && (a > UINT64_MAX / 10 || b > UINT64_MAX % 10);
}

static bool i32_overflows(int32_t a, int32_t b)
{
    return a >= INT32_MAX / 10 && (a > INT32_MAX / 10 || b > INT32_MAX % 10);
}

static int f64_from_parts(struct json_scan *sc, bool positive, uint64_t significand,
                          int32_t exponent, double *out)
{
    double f = (double)significand;
    for (;;) {
        /* exponent.wrapping_abs() as usize: i32::MIN stays out of the table's range */
        uint32_t mag = exponent < 0 ? 0u - (uint32_t)exponent : (uint32_t)exponent;
        if (mag < 309) {
            if (exponent >= 0) {
                f *= POW10[mag];
                if (isinf(f)) {
                    return json_scan_fail(sc, JSON_SCAN_NUMBER_OUT_OF_RANGE, false);
                }
            } else {
                f /= POW10[mag];
            }
            break;
        }
        if (f == 0.0) {
            break;
        }
        if (exponent >= 0) {
            return json_scan_fail(sc, JSON_SCAN_NUMBER_OUT_OF_RANGE, false);
        }
        f /= 1e308;
        exponent += 308;
    }
    *out = positive ? f : -f;
    return WC_OK;
}

static int parse_exponent_overflow(struct json_scan *sc, bool positive, bool zero_significand,
                                   bool positive_exp, double *out)
{
    if (!zero_significand && positive_exp) {
        return json_scan_fail(sc, JSON_SCAN_NUMBER_OUT_OF_RANGE, false);
    }
    while (is_digit(peek_or_null(sc))) {
        sc->pos++;
    }
    *out = positive ? 0.0 : -0.0;
    return WC_OK;
}

static int parse_exponent(struct json_scan *sc, bool positive, uint64_t significand,
                          int32_t starting_exp, double *out)
{
    bool positive_exp = true;
    int32_t exp;
    int c;

    sc->pos++; /* 'e' or 'E' */
    c = peek_or_null(sc);
    if (c == '+') {
        sc->pos++;
    } else if (c == '-') {
        sc->pos++;
        positive_exp = false;
    }
    if (sc->pos >= sc->len) {
        return json_scan_fail(sc, JSON_SCAN_EOF_VALUE, false);
    }
    c = sc->s[sc->pos++];
    if (!is_digit(c)) {
        return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, false);
    }
    exp = c - '0';
    while (is_digit(peek_or_null(sc))) {
        int32_t digit = sc->s[sc->pos] - '0';
        sc->pos++;
        if (i32_overflows(exp, digit)) {
            return parse_exponent_overflow(sc, positive, significand == 0, positive_exp, out);
        }
        exp = exp * 10 + digit;
    }
    return f64_from_parts(sc, positive, significand,
                          positive_exp ? i32_saturating_add(starting_exp, exp)
                                       : i32_saturating_sub(starting_exp, exp),
                          out);
}

static int parse_decimal_overflow(struct json_scan *sc, bool positive, uint64_t significand,
                                  int32_t exponent, double *out)
{
    /* The significand is full: serde drops every further fraction digit. */
    while (is_digit(peek_or_null(sc))) {
        sc->pos++;
    }
    if (peek_or_null(sc) == 'e' || peek_or_null(sc) == 'E') {
        return parse_exponent(sc, positive, significand, exponent, out);
    }
    return f64_from_parts(sc, positive, significand, exponent, out);
}

static int parse_decimal(struct json_scan *sc, bool positive, uint64_t significand,
                         int32_t exponent, double *out)
{
    sc->pos++; /* '.' */
    while (is_digit(peek_or_null(sc))) {
        unsigned digit = (unsigned)(sc->s[sc->pos] - '0');
        if (u64_overflows(significand, digit)) {
            return parse_decimal_overflow(sc, positive, significand, exponent, out);
        }
        sc->pos++;
        significand = significand * 10 + digit;
        exponent = i32_wrapping_add(exponent, -1);
    }
    /* serde tests "no digit after the point" as exponent == 0, which is also true when a
     * long integer's dropped digits are exactly cancelled by fraction digits, and false
     * for "100000000000000000000." -- both quirks are kept. */
    if (exponent == 0) {
        return json_scan_fail(sc, sc->pos < sc->len ? JSON_SCAN_INVALID_NUMBER : JSON_SCAN_EOF_VALUE,
                              true);
    }
    if (peek_or_null(sc) == 'e' || peek_or_null(sc) == 'E') {
        return parse_exponent(sc, positive, significand, exponent, out);
    }
    return f64_from_parts(sc, positive, significand, exponent, out);
}

static int parse_long_integer(struct json_scan *sc, bool positive, uint64_t significand,
                              double *out)
{
    /* Digits past u64's range only scale the value: each adds one to the exponent. */
    int32_t exponent = 0;
    for (;;) {
        int c = peek_or_null(sc);
        if (is_digit(c)) {
            sc->pos++;
            exponent = i32_wrapping_add(exponent, 1);
        } else if (c == '.') {
            return parse_decimal(sc, positive, significand, exponent, out);
        } else if (c == 'e' || c == 'E') {
            return parse_exponent(sc, positive, significand, exponent, out);
        } else {
            return f64_from_parts(sc, positive, significand, exponent, out);
        }
    }
}

static int parse_number(struct json_scan *sc, bool positive, uint64_t significand,
                        struct json_scan_number *num)
{
    int c = peek_or_null(sc);
    num->kind = JSON_SCAN_NUM_F64;
    if (c == '.') {
        return parse_decimal(sc, positive, significand, 0, &num->f);
    }
    if (c == 'e' || c == 'E') {
        return parse_exponent(sc, positive, significand, 0, &num->f);
    }
    if (positive) {
        num->kind = JSON_SCAN_NUM_U64;
        num->u = significand;
    } else if (significand == 0 || significand > (uint64_t)INT64_MAX + 1) {
        /* (significand as i64).wrapping_neg() >= 0: "-0" and below i64::MIN become f64 */
        num->f = -(double)significand;
    } else {
        num->kind = JSON_SCAN_NUM_I64;
        num->i = -(int64_t)(significand - 1) - 1;
    }
    return WC_OK;
}

int json_scan_number(struct json_scan *sc, struct json_scan_number *num)
{
    bool positive = true;
    unsigned char c;

    memset(num, 0, sizeof *num);
    if (sc->pos < sc->len && sc->s[sc->pos] == '-') {
        sc->pos++;
        positive = false;
    }
    if (sc->pos >= sc->len) {
        return json_scan_fail(sc, JSON_SCAN_EOF_VALUE, false);
    }
    c = sc->s[sc->pos++];
    if (c == '0') {
        if (is_digit(peek_or_null(sc))) {
            return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, true);
        }
        return parse_number(sc, positive, 0, num);
    }
    if (c < '1' || c > '9') {
        return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, false);
    }
    uint64_t significand = (uint64_t)(c - '0');
    while (is_digit(peek_or_null(sc))) {
        unsigned digit = (unsigned)(sc->s[sc->pos] - '0');
        if (u64_overflows(significand, digit)) {
            num->kind = JSON_SCAN_NUM_F64;
            return parse_long_integer(sc, positive, significand, &num->f);
        }
        sc->pos++;
        significand = significand * 10 + digit;
    }
    return parse_number(sc, positive, significand, num);
}

/* ---- skipping ----------------------------------------------------------------------------- */

int json_scan_ident(struct json_scan *sc, const char *rest)
{
    for (; *rest != '\0'; rest++) {
        if (sc->pos >= sc->len) {
            return json_scan_fail(sc, JSON_SCAN_EOF_VALUE, false);
        }
        if (sc->s[sc->pos++] != (unsigned char)*rest) {
            return json_scan_fail(sc, JSON_SCAN_EXPECTED_IDENT, false);
        }
    }
    return WC_OK;
}

/* serde's ignore_exponent; the cursor is at 'e' or 'E'. */
static int skip_exponent(struct json_scan *sc)
{
    int c;
    sc->pos++;
    c = peek_or_null(sc);
    if (c == '+' || c == '-') {
        sc->pos++;
    }
    c = peek_or_null(sc);
    if (sc->pos < sc->len) {
        sc->pos++;
    }
    if (!is_digit(c)) {
        return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, false);
    }
    while (is_digit(peek_or_null(sc))) {
        sc->pos++;
    }
    return WC_OK;
}

/* serde's ignore_integer (with ignore_decimal): the JSON number grammar and nothing more.
 * The cursor is past an optional '-'. */
static int skip_number(struct json_scan *sc)
{
    int c = peek_or_null(sc);
    if (sc->pos < sc->len) {
        sc->pos++;
    }
    if (c == '0') {
        if (is_digit(peek_or_null(sc))) {
            return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, true);
        }
    } else if (c >= '1' && c <= '9') {
        while (is_digit(peek_or_null(sc))) {
            sc->pos++;
        }
    } else {
        return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, false);
    }
    c = peek_or_null(sc);
    if (c == '.') {
        sc->pos++;
        if (!is_digit(peek_or_null(sc))) {
            return json_scan_fail(sc, JSON_SCAN_INVALID_NUMBER, true);
        }
        while (is_digit(peek_or_null(sc))) {
            sc->pos++;
        }
        c = peek_or_null(sc);
    }
    if (c == 'e' || c == 'E') {
        return skip_exponent(sc);
    }
    return WC_OK;
}

static void stack_init(struct bit_stack *st)
{
    st->bits = st->inline_bits;
    st->cap = sizeof st->inline_bits * 8;
    st->depth = 0;
}

static void stack_free(struct bit_stack *st)
{
    if (st->bits != st->inline_bits) {
        free(st->bits);
    }
}

static int stack_push(struct bit_stack *st, int frame)
{
    size_t byte = st->depth / 8;
    unsigned char mask = (unsigned char)(1u << (st->depth % 8));
    if (st->depth == st->cap) {
        /* Each frame was opened by a distinct input byte, so cap stays below 2 * len. */
        size_t nbytes = st->cap / 8 * 2;
        unsigned char *nb = malloc(nbytes);
        if (nb == NULL) {
            return WC_ERR_NOMEM;
        }
        memcpy(nb, st->bits, st->cap / 8);
        stack_free(st);
        st->bits = nb;
        st->cap = nbytes * 8;
    }
    if (frame == '{') {
        st->bits[byte] |= mask;
    } else {
        st->bits[byte] &= (unsigned char)~mask;
    }
    st->depth++;
    return WC_OK;
}

static int stack_pop(struct bit_stack *st)
{
    st->depth--;
    return (st->bits[st->depth / 8] >> (st->depth % 8)) & 1u ? '{' : '[';
}

/* The loop of serde's ignore_value after a value: closes finished containers and stops
 * after a comma. Returns WC_OK with *done set when the outermost value is complete. */
static int close_frames(struct json_scan *sc, struct bit_stack *st, int *frame,
                        bool accept_comma, bool *done)
{
    for (;;) {
        int c = json_scan_peek_nonws(sc);
        if (c == ',' && accept_comma) {
            sc->pos++;
            return WC_OK;
        }
        if ((c == ']' && *frame == '[') || (c == '}' && *frame == '{')) {
            sc->pos++;
            if (st->depth == 0) {
                *done = true;
                return WC_OK;
            }
            *frame = stack_pop(st);
            accept_comma = true;
            continue;
        }
        if (c < 0) {
            return json_scan_fail(sc, *frame == '[' ? JSON_SCAN_EOF_LIST : JSON_SCAN_EOF_OBJECT,
                                  true);
        }
        if (accept_comma) {
            return json_scan_fail(sc,
                                  *frame == '[' ? JSON_SCAN_EXPECTED_LIST_COMMA_OR_END
                                                : JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END,
                                  true);
        }
        return WC_OK; /* a fresh container's first member follows */
    }
}

/* One step of serde's ignore_value: a scalar, or the opening of a container (*opened). */
static int skip_scalar_or_open(struct json_scan *sc, int *opened)
{
    int c = json_scan_peek_nonws(sc);
    *opened = 0;
    switch (c) {
    case -1:
        return json_scan_fail(sc, JSON_SCAN_EOF_VALUE, true);
    case 'n':
        sc->pos++;
        return json_scan_ident(sc, "ull");
    case 't':
        sc->pos++;
        return json_scan_ident(sc, "rue");
    case 'f':
        sc->pos++;
        return json_scan_ident(sc, "alse");
    case '-':
        sc->pos++;
        return skip_number(sc);
    case '"':
        sc->pos++;
        return json_scan_string(sc, NULL, 0, NULL);
    case '[':
    case '{':
        sc->pos++;
        *opened = c;
        return WC_OK;
    default:
        if (is_digit(c)) {
            return skip_number(sc);
        }
        return json_scan_fail(sc, JSON_SCAN_EXPECTED_VALUE, true);
    }
}

int json_scan_skip_value(struct json_scan *sc)
{
    struct bit_stack st;
    int enclosing = 0; /* the container whose member comes next, 0 at the top */
    int rc;

    stack_init(&st);
    for (;;) {
        int opened;
        int frame;
        bool accept_comma;
        bool done = false;

        rc = skip_scalar_or_open(sc, &opened);
        if (rc != WC_OK) {
            break;
        }
        if (opened != 0) {
            if (enclosing != 0) {
                rc = stack_push(&st, enclosing);
                if (rc != WC_OK) {
                    break;
                }
            }
            frame = opened;
            accept_comma = false;
        } else if (enclosing != 0) {
            frame = enclosing;
            accept_comma = true;
        } else {
            break; /* a lone scalar */
        }
        enclosing = 0;
        rc = close_frames(sc, &st, &frame, accept_comma, &done);
        if (rc != WC_OK || done) {
            break;
        }
        if (frame == '{') {
            int c = json_scan_peek_nonws(sc);
            if (c != '"') {
                rc = json_scan_fail(sc, c < 0 ? JSON_SCAN_EOF_OBJECT : JSON_SCAN_KEY_MUST_BE_STRING,
                                    true);
                break;
            }
            sc->pos++;
            rc = json_scan_string(sc, NULL, 0, NULL);
            if (rc != WC_OK) {
                break;
            }
            c = json_scan_peek_nonws(sc);
            if (c != ':') {
                rc = json_scan_fail(sc, c < 0 ? JSON_SCAN_EOF_OBJECT : JSON_SCAN_EXPECTED_COLON, true);
                break;
            }
            sc->pos++;
        }
        enclosing = frame;
    }
    stack_free(&st);
    return rc;
}
