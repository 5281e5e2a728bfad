/* sensor.c -- the seed's SensorData: serde_json-exact decoding, serde_json-exact encoding, replies. */
#include "sensor.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "f32fmt.h"
#include "json_scan.h"
#include "utf8.h"

static char seed_device_id[] = "ESP32-001";

const struct sensor_record sensor_seed_record = {
    .device_id = seed_device_id,
    .device_id_len = sizeof seed_device_id - 1,
    .temperature_c = 21.5f,
    .humidity_percent = 60.2f,
    .timestamp = 1678886400u,
};

/* ---- a byte buffer: growable (replies) or fixed and silently truncating (error text) ------- */

struct buf {
    char *p;
    size_t n;
    size_t cap;   /* usable bytes, excluding room for the final NUL */
    bool fixed;   /* a caller's array: truncate instead of growing */
    bool failed;  /* an allocation failed */
};

static void buf_put(struct buf *b, const void *src, size_t len)
{
    if (b->failed) {
        return;
    }
    if (len > b->cap - b->n) {
        if (b->fixed) {
            len = b->cap - b->n;
        } else {
            size_t ncap = b->cap * 2 > b->n + len ? b->cap * 2 : b->n + len;
            char *np = realloc(b->p, ncap + 1);
            if (np == NULL) {
                b->failed = true;
                return;
            }
            b->p = np;
            b->cap = ncap;
        }
    }
    memcpy(b->p + b->n, src, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_put_u64(struct buf *b, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    buf_put(b, tmp, (size_t)n);
}

static bool buf_grow_init(struct buf *b, size_t cap)
{
    b->p = malloc(cap + 1);
    b->n = 0;
    b->cap = cap;
    b->fixed = false;
    b->failed = b->p == NULL;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
    return !b->failed;
}

/* Hands over a growable buffer's text, or frees it and returns NULL if anything failed. */
static char *buf_finish(struct buf *b, size_t *out_len)
{
    if (b->failed) {
        free(b->p);
        return NULL;
    }
    if (out_len != NULL) {
        *out_len = b->n;
    }
    return b->p;
}

/* ---- Rust's Debug escaping of a str --------------------------------------------------------- */

/*
 * Code points Rust's <str as Debug> prints as \u{..} (not printable, or Grapheme_Extend).
 * Below U+0800 this is exactly Rust 1.95's table. From U+0800 up it is an approximation:
 * only these common invisible, formatting, combining, private-use and non-character ranges
 * (each checked to be escaped in full by Rust); other code points >= U+0800 that Rust
 * escapes (unassigned code points, most combining marks of other scripts) are printed raw.
 */
static const uint32_t DEBUG_ESCAPED[][2] = {
    {0x0000, 0x001F}, {0x007F, 0x00A0}, {0x00AD, 0x00AD}, {0x0300, 0x036F}, {0x0378, 0x0379},
    {0x0380, 0x0383}, {0x038B, 0x038B}, {0x038D, 0x038D}, {0x03A2, 0x03A2}, {0x0483, 0x0489},
    {0x0530, 0x0530}, {0x0557, 0x0558}, {0x058B, 0x058C}, {0x0590, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05CF}, {0x05EB, 0x05EE}, {0x05F5, 0x0605},
    {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DD},
    {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x070E, 0x070F}, {0x0711, 0x0711},
    {0x0730, 0x074C}, {0x07A6, 0x07B0}, {0x07B2, 0x07BF}, {0x07EB, 0x07F3}, {0x07FB, 0x07FD},
    /* approximation from here on */
    {0x1680, 0x1680}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x2000, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x20D0, 0x20FF}, {0x3000, 0x3000}, {0xD7FC, 0xD7FF}, {0xE000, 0xF8FF},
    {0xFDD0, 0xFDEF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0xE0000, 0x10FFFF},
};

static bool debug_escapes(uint32_t cp)
{
    for (size_t i = 0; i < sizeof DEBUG_ESCAPED / sizeof DEBUG_ESCAPED[0]; i++) {
        if (cp >= DEBUG_ESCAPED[i][0] && cp <= DEBUG_ESCAPED[i][1]) {
            return true;
        }
    }
    return false;
}

/* Appends "<s escaped>" in quotes; |s| is well-formed UTF-8 (a truncated tail is dropped). */
static void buf_put_debug_str(struct buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    buf_put(b, "\"", 1);
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode1(p + i, len - i, &cp);
        char esc[16];
        if (cp == UTF8_INVALID) {
            break;
        }
        switch (cp) {
        case 0:
            buf_put(b, "\\0", 2);
            break;
        case '\t':
            buf_put(b, "\\t", 2);
            break;
        case '\r':
            buf_put(b, "\\r", 2);
            break;
        case '\n':
            buf_put(b, "\\n", 2);
            break;
        case '"':
            buf_put(b, "\\\"", 2);
            break;
        case '\\':
            buf_put(b, "\\\\", 2);
            break;
        default:
            if (debug_escapes(cp)) {
                int m = snprintf(esc, sizeof esc, "\\u{%lx}", (unsigned long)cp);
                buf_put(b, esc, (size_t)m);
            } else {
                buf_put(b, p + i, n);
            }
            break;
        }
        i += n;
    }
    buf_put(b, "\"", 1);
}

/* ---- Rust's Display of an f64, for error messages ------------------------------------------ */

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
static void buf_put_f64_display(struct buf *b, double v)
{
    char sci[40];
    char digits[20];
    size_t nd = 0;
    int exp10;
    int prec;

    if (isnan(v)) {
        buf_puts(b, "NaN");
        return;
    }
    if (signbit(v)) {
        buf_put(b, "-", 1);
        v = -v;
    }
    if (isinf(v)) {
        buf_puts(b, "inf");
        return;
    }
    if (v == 0.0) {
        buf_put(b, "0", 1);
        return;
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
        buf_put(b, "0.", 2);
        for (int z = -1; z > exp10; z--) {
            buf_put(b, "0", 1);
        }
        buf_put(b, digits, nd);
        return;
    }
    for (int i = 0; i <= exp10 || (size_t)i < nd; i++) {
        if (i == exp10 + 1) {
            buf_put(b, ".", 1);
        }
        buf_put(b, (size_t)i < nd ? &digits[i] : "0", 1);
    }
}

/* ---- decoding ---------------------------------------------------------------------------- */

enum field { F_DEVICE_ID, F_TEMPERATURE, F_HUMIDITY, F_TIMESTAMP, F_UNKNOWN };

static const char *const FIELD_NAMES[] = {"device_id", "temperature_c", "humidity_percent",
                                          "timestamp"};

/* What each field's visitor says it expected, in serde's words. */
static const char *const FIELD_EXPECTING[] = {"a string", "f32", "f32", "u64"};

struct decoder {
    struct json_scan sc;
    struct sensor_error *err;
    struct sensor_record rec;
    bool have[4];
};

/* Fills |err| with |msg| (already in |b|) and serde's " at line L column C" for |index|. */
static int report(struct decoder *d, struct buf *b, size_t index)
{
    size_t line;
    size_t column;
    char pos[64];
    if (d->err == NULL) {
        return WC_ERR_INVALID;
    }
    json_scan_position(&d->sc, index, &line, &column);
    snprintf(pos, sizeof pos, " at line %zu column %zu", line, column);
    buf_puts(b, pos);
    d->err->line = line;
    d->err->column = column;
    return WC_ERR_INVALID;
}

/* Starts the error text in the caller's sensor_error (or a scratch array when there is none). */
static struct buf err_buf(struct decoder *d, char *scratch, size_t cap)
{
    struct buf b = {scratch, 0, cap - 1, true, false};
    if (d->err != NULL) {
        b.p = d->err->msg;
        b.cap = sizeof d->err->msg - 1;
    }
    b.p[0] = '\0';
    return b;
}

/* A syntax error the scanner recorded (serde's ErrorCode errors). */
static int syntax_error(struct decoder *d)
{
    char scratch[8];
    struct buf b = err_buf(d, scratch, sizeof scratch);
    buf_puts(&b, json_scan_message(d->sc.code));
    return report(d, &b, d->sc.err_index);
}

/* A data error (serde's de::Error::custom) positioned as fix_position does: at the cursor. */
static int custom_error(struct decoder *d, const char *before, const char *name, const char *after)
{
    char scratch[8];
    struct buf b = err_buf(d, scratch, sizeof scratch);
    buf_puts(&b, before);
    buf_puts(&b, name);
    buf_puts(&b, after);
    return report(d, &b, d->sc.pos);
}

/* What serde calls Unexpected, rendered: "integer `5`", "floating point `1.5`", ... */
static void put_unexpected_number(struct buf *b, const struct json_scan_number *num)
{
    char tmp[32];
    switch (num->kind) {
    case JSON_SCAN_NUM_U64:
        snprintf(tmp, sizeof tmp, "integer `%llu`", (unsigned long long)num->u);
        buf_puts(b, tmp);
        break;
    case JSON_SCAN_NUM_I64:
        snprintf(tmp, sizeof tmp, "integer `%lld`", (long long)num->i);
        buf_puts(b, tmp);
        break;
    case JSON_SCAN_NUM_F64:
        buf_puts(b, "floating point `");
        buf_put_f64_display(b, num->f);
        buf_puts(b, "`");
        break;
    }
}

/* "invalid type: <what>, expected <exp>" at the cursor, or a syntax error inside <what>. */
static int invalid_type_number(struct decoder *d, const struct json_scan_number *num,
                               const char *expected, bool as_value)
{
    char scratch[8];
    struct buf b = err_buf(d, scratch, sizeof scratch);
    buf_puts(&b, as_value ? "invalid value: " : "invalid type: ");
    put_unexpected_number(&b, num);
    buf_puts(&b, ", expected ");
    buf_puts(&b, expected);
    return report(d, &b, d->sc.pos);
}

/*
 * serde_json's peek_invalid_type: the value at the cursor is not what the visitor wanted.
 * serde still parses that value to name it, so a malformed value reports its syntax error.
 */
static int invalid_type(struct decoder *d, const char *expected)
{
    char scratch[8];
    struct json_scan_number num;
    char str[96];
    size_t slen = 0;
    struct buf b;
    int c = json_scan_peek_nonws(&d->sc);
    const char *what = NULL;
    int rc = WC_OK;

    switch (c) {
    case 'n':
        d->sc.pos++;
        rc = json_scan_ident(&d->sc, "ull");
        what = "null";
        break;
    case 't':
        d->sc.pos++;
        rc = json_scan_ident(&d->sc, "rue");
        what = "boolean `true`";
        break;
    case 'f':
        d->sc.pos++;
        rc = json_scan_ident(&d->sc, "alse");
        what = "boolean `false`";
        break;
    case '"':
        d->sc.pos++;
        rc = json_scan_string(&d->sc, str, sizeof str, &slen);
        break;
    case '[':
        what = "sequence";
        break;
    case '{':
        what = "map";
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            rc = json_scan_number(&d->sc, &num);
            if (rc == WC_OK) {
                return invalid_type_number(d, &num, expected, false);
            }
        } else {
            json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_VALUE, true);
            return syntax_error(d);
        }
        break;
    }
    if (rc != WC_OK) {
        return syntax_error(d);
    }
    b = err_buf(d, scratch, sizeof scratch);
    buf_puts(&b, "invalid type: ");
    if (what != NULL) {
        buf_puts(&b, what);
    } else {
        buf_puts(&b, "string ");
        buf_put_debug_str(&b, str, slen < sizeof str ? slen : sizeof str);
    }
    buf_puts(&b, ", expected ");
    buf_puts(&b, expected);
    return report(d, &b, d->sc.pos);
}

/* deserialize_string for device_id. */
static int decode_device_id(struct decoder *d)
{
    size_t span;
    size_t n = 0;
    int rc;
    int c = json_scan_peek_nonws(&d->sc);

    if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return syntax_error(d);
    }
    if (c != '"') {
        return invalid_type(d, FIELD_EXPECTING[F_DEVICE_ID]);
    }
    d->sc.pos++;
    /* Escapes only shrink, so the raw span bounds the decoded text. */
    span = json_scan_string_span(&d->sc);
    d->rec.device_id = malloc(span + 1);
    if (d->rec.device_id == NULL) {
        return WC_ERR_NOMEM;
    }
    rc = json_scan_string(&d->sc, d->rec.device_id, span, &n);
    if (rc != WC_OK) {
        return syntax_error(d);
    }
    d->rec.device_id[n] = '\0';
    d->rec.device_id_len = n;
    return WC_OK;
}

/* deserialize_number: the number at the cursor as serde parses it, or the type error. */
static int decode_number(struct decoder *d, enum field f, struct json_scan_number *num)
{
    int c = json_scan_peek_nonws(&d->sc);
    if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return syntax_error(d);
    }
    if (c != '-' && (c < '0' || c > '9')) {
        return invalid_type(d, FIELD_EXPECTING[f]);
    }
    if (json_scan_number(&d->sc, num) != WC_OK) {
        return syntax_error(d);
    }
    return WC_OK;
}

/*
 * Rust's `f64 as f32`: round to nearest even, and to infinity from the halfway point above
 * FLT_MAX (0x1.ffffffp127) on. Spelled out because C leaves converting an out-of-range value
 * undefined outside Annex F, and 1e39 must become inf as it does in the seed.
 */
static float f64_to_f32(double v)
{
    static const double HALFWAY = 0x1.ffffffp127;
    if (v >= HALFWAY) {
        return INFINITY;
    }
    if (v <= -HALFWAY) {
        return -INFINITY;
    }
    if (v > (double)FLT_MAX) {
        return FLT_MAX;
    }
    if (v < -(double)FLT_MAX) {
        return -FLT_MAX;
    }
    return (float)v;
}

/* serde's f32 visitor: every kind is converted with Rust's `as f32` from its own type, so a
 * large integer is rounded once (u64 -> f32), not twice through f64. */
static int decode_f32(struct decoder *d, enum field f, float *out)
{
    struct json_scan_number num;
    int rc = decode_number(d, f, &num);
    if (rc != WC_OK) {
        return rc;
    }
    switch (num.kind) {
    case JSON_SCAN_NUM_U64:
        *out = (float)num.u;
        break;
    case JSON_SCAN_NUM_I64:
        *out = (float)num.i;
        break;
    case JSON_SCAN_NUM_F64:
        *out = f64_to_f32(num.f);
        break;
    }
    return WC_OK;
}

/* serde's u64 visitor: u64 as is, negative i64 is an invalid value, any f64 an invalid type
 * (so 1.0, 1e3 and -0 are rejected). */
static int decode_u64(struct decoder *d, uint64_t *out)
{
    struct json_scan_number num;
    int rc = decode_number(d, F_TIMESTAMP, &num);
    if (rc != WC_OK) {
        return rc;
    }
    if (num.kind == JSON_SCAN_NUM_U64) {
        *out = num.u;
        return WC_OK;
    }
    return invalid_type_number(d, &num, FIELD_EXPECTING[F_TIMESTAMP],
                               num.kind == JSON_SCAN_NUM_I64);
}

static int decode_field(struct decoder *d, enum field f)
{
    switch (f) {
    case F_DEVICE_ID:
        return decode_device_id(d);
    case F_TEMPERATURE:
        return decode_f32(d, f, &d->rec.temperature_c);
    case F_HUMIDITY:
        return decode_f32(d, f, &d->rec.humidity_percent);
    case F_TIMESTAMP:
        return decode_u64(d, &d->rec.timestamp);
    case F_UNKNOWN:
        break;
    }
    /* serde_derive hands an unknown field's value to IgnoredAny. */
    int rc = json_scan_skip_value(&d->sc);
    return rc == WC_ERR_INVALID ? syntax_error(d) : rc;
}

/* The derived field visitor: keys are compared after unescaping ("device\u005fid" counts). */
static int decode_key(struct decoder *d, enum field *f)
{
    char key[24];
    size_t n = 0;
    if (json_scan_string(&d->sc, key, sizeof key, &n) != WC_OK) {
        return syntax_error(d);
    }
    *f = F_UNKNOWN;
    for (int i = 0; i < 4; i++) {
        if (n == strlen(FIELD_NAMES[i]) && memcmp(key, FIELD_NAMES[i], n) == 0) {
            *f = (enum field)i;
        }
    }
    return WC_OK;
}

/*
 * serde_json's deserialize_struct ends the map or sequence even after the visitor failed,
 * and only then fixes the position of an error that has none: skip whitespace and eat the
 * closing bracket if it is next (a comma too, for end_seq), so the column matches serde's.
 */
static void position_after_end(struct decoder *d, int close)
{
    int c = json_scan_peek_nonws(&d->sc);
    if (c == close) {
        d->sc.pos++;
    } else if (close == ']' && c == ',') {
        d->sc.pos++;
        (void)json_scan_peek_nonws(&d->sc);
    }
}

/* MapAccess::next_key_seed's separator logic: WC_OK with *f set, or *done at '}'. */
static int next_key(struct decoder *d, bool *first, enum field *f, bool *done)
{
    int c = json_scan_peek_nonws(&d->sc);
    *done = false;
    if (c == '}') {
        *done = true;
        return WC_OK;
    }
    if (c == ',' && !*first) {
        d->sc.pos++;
        c = json_scan_peek_nonws(&d->sc);
    } else if (c >= 0) {
        if (!*first) {
            json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END, true);
            return syntax_error(d);
        }
        *first = false;
    } else {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_OBJECT, true);
        return syntax_error(d);
    }
    if (c != '"') {
        json_scan_fail(&d->sc,
                       c == '}' ? JSON_SCAN_TRAILING_COMMA
                       : c < 0  ? JSON_SCAN_EOF_VALUE
                                : JSON_SCAN_KEY_MUST_BE_STRING,
                       true);
        return syntax_error(d);
    }
    d->sc.pos++;
    return decode_key(d, f);
}

static int decode_map(struct decoder *d)
{
    bool first = true;
    int rc;

    d->sc.pos++; /* '{' */
    for (;;) {
        enum field f = F_UNKNOWN;
        bool done;
        int c;
        rc = next_key(d, &first, &f, &done);
        if (rc != WC_OK) {
            return rc;
        }
        if (done) {
            break;
        }
        if (f != F_UNKNOWN && d->have[f]) {
            position_after_end(d, '}');
            return custom_error(d, "duplicate field `", FIELD_NAMES[f], "`");
        }
        c = json_scan_peek_nonws(&d->sc);
        if (c != ':') {
            json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_OBJECT : JSON_SCAN_EXPECTED_COLON, true);
            return syntax_error(d);
        }
        d->sc.pos++;
        rc = decode_field(d, f);
        if (rc != WC_OK) {
            return rc;
        }
        if (f != F_UNKNOWN) {
            d->have[f] = true;
        }
    }
    for (int i = 0; i < 4; i++) {
        if (!d->have[i]) {
            position_after_end(d, '}');
            return custom_error(d, "missing field `", FIELD_NAMES[i], "`");
        }
    }
    d->sc.pos++; /* '}' */
    return WC_OK;
}

static int decode_seq(struct decoder *d)
{
    bool first = true;
    int c;

    d->sc.pos++; /* '[' */
    for (int i = 0; i < 4; i++) {
        int rc;
        c = json_scan_peek_nonws(&d->sc);
        if (c == ']') {
            char len[32];
            position_after_end(d, ']');
            snprintf(len, sizeof len, "invalid length %d", i);
            return custom_error(d, len, ", expected struct SensorData with 4 elements", "");
        }
        if (c == ',' && !first) {
            d->sc.pos++;
            c = json_scan_peek_nonws(&d->sc);
        } else if (c >= 0) {
            if (!first) {
                json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_LIST_COMMA_OR_END, true);
                return syntax_error(d);
            }
            first = false;
        } else {
            json_scan_fail(&d->sc, JSON_SCAN_EOF_LIST, true);
            return syntax_error(d);
        }
        if (c == ']' || c < 0) {
            json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_VALUE : JSON_SCAN_TRAILING_COMMA, true);
            return syntax_error(d);
        }
        rc = decode_field(d, (enum field)i);
        if (rc != WC_OK) {
            return rc;
        }
    }
    /* end_seq */
    c = json_scan_peek_nonws(&d->sc);
    if (c == ']') {
        d->sc.pos++;
        return WC_OK;
    }
    if (c == ',') {
        d->sc.pos++;
        c = json_scan_peek_nonws(&d->sc);
        json_scan_fail(&d->sc, c == ']' ? JSON_SCAN_TRAILING_COMMA : JSON_SCAN_TRAILING_CHARACTERS,
                       true);
    } else {
        json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_LIST : JSON_SCAN_TRAILING_CHARACTERS, true);
    }
    return syntax_error(d);
}

static int decode_text(struct decoder *d)
{
    int rc;
    int c = json_scan_peek_nonws(&d->sc);
    if (c == '{') {
        rc = decode_map(d);
    } else if (c == '[') {
        rc = decode_seq(d);
    } else if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return syntax_error(d);
    } else {
        return invalid_type(d, "struct SensorData");
    }
    if (rc != WC_OK) {
        return rc;
    }
    /* Deserializer::end: only whitespace may follow. */
    if (json_scan_peek_nonws(&d->sc) >= 0) {
        json_scan_fail(&d->sc, JSON_SCAN_TRAILING_CHARACTERS, true);
        return syntax_error(d);
    }
    return WC_OK;
}

int sensor_decode(const void *data, size_t len, struct sensor_record *out,
                  struct sensor_error *err)
{
    struct decoder d;
    size_t tlen = 0;
    char *text;
    int rc;

    memset(&d, 0, sizeof d);
    d.err = err;
    if (err != NULL) {
        memset(err, 0, sizeof *err);
    }
    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (out == NULL || (data == NULL && len > 0)) {
        return WC_ERR_ARG;
    }
    /* The seed decodes String::from_utf8_lossy(bytes): ill-formed UTF-8 becomes U+FFFD,
     * which is fine inside a string and an error anywhere else. */
    text = utf8_lossy_dup(data, len, &tlen);
    if (text == NULL) {
        if (err != NULL) {
            snprintf(err->msg, sizeof err->msg, "out of memory");
        }
        return WC_ERR_NOMEM;
    }
    json_scan_init(&d.sc, text, tlen);
    rc = decode_text(&d);
    if (rc == WC_ERR_NOMEM && err != NULL) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
    }
    free(text);
    if (rc != WC_OK) {
        sensor_record_cleanup(&d.rec);
        return rc;
    }
    *out = d.rec;
    return WC_OK;
}

void sensor_record_cleanup(struct sensor_record *r)
{
    if (r == NULL) {
        return;
    }
    free(r->device_id);
    memset(r, 0, sizeof *r);
}

/* ---- encoding: ryu 1.0.2's f32 formatting, as serde_json writes floats ------------------ */

/*
 * serde_json prints an f32 with ryu::Buffer::format_finite. Its digits are the shortest that
 * read back, like Rust's Display, but when two shortest candidates are equally close ryu
 * takes the even one where Display rounds the tie up (0.494140625f32: ryu "0.49414062",
 * Display "0.49414063"; about 0.2% of all f32 values), so the digits cannot be taken from
 * f32fmt_display. This is a port of ryu 1.0.2's f2s.rs (Apache-2.0 / BSL-1.0, from Ulf
 * Adams' Ryu) and of its format32 layout.
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

/* ryu's format32 (plus serde_json's null for non-finite values) into |out|; returns length. */
static size_t serde_f32_text(float v, char out[32])
{
    uint32_t bits;
    uint32_t mantissa;
    int32_t k;
    char digits[12];
    size_t n = 0;
    int length;
    int kk;

    if (!isfinite(v)) {
        memcpy(out, "null", 5);
        return 4;
    }
    memcpy(&bits, &v, sizeof bits);
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
        n += (size_t)snprintf(out + n, 32 - n, "e%d", kk - 1);
    }
    out[n] = '\0';
    return n;
}

/* serde_json's string escaping, for the one case cJSON cannot take (see sensor_encode). */
static void buf_put_json_str(struct buf *b, const char *s, size_t len)
{
    static const char HEX[] = "0123456789abcdef";
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc != NULL) {
            buf_puts(b, esc);
        } else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 0xF], '\0'};
            buf_put(b, u, 6);
        } else {
            buf_put(b, &c, 1);
        }
    }
    buf_put(b, "\"", 1);
}

static bool add_raw(cJSON *obj, const char *name, const char *text)
{
    return cJSON_AddRawToObject(obj, name, text) != NULL;
}

char *sensor_encode(const struct sensor_record *r, size_t *out_len)
{
    char num[32];
    char ts[24];
    cJSON *obj;
    char *json = NULL;
    bool ok;
    const char *id;
    size_t id_len;

    if (r == NULL) {
        return NULL;
    }
    id = r->device_id != NULL ? r->device_id : "";
    id_len = r->device_id != NULL ? r->device_id_len : 0;
    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return NULL;
    }
    /*
     * cJSON escapes strings exactly as serde_json does (the short escapes, other bytes below
     * 0x20 as \u00xx in lowercase, DEL and non-ASCII raw) but reads them up to the first NUL.
     * A device_id holding NUL is therefore escaped here, serde_json's way, into a raw node.
     */
    if (memchr(id, '\0', id_len) == NULL) {
        ok = cJSON_AddStringToObject(obj, "device_id", id) != NULL;
    } else {
        struct buf b;
        ok = buf_grow_init(&b, id_len + 16);
        if (ok) {
            buf_put_json_str(&b, id, id_len);
            ok = !b.failed && add_raw(obj, "device_id", b.p);
            free(b.p);
        }
    }
    serde_f32_text(r->temperature_c, num);
    ok = ok && add_raw(obj, "temperature_c", num);
    serde_f32_text(r->humidity_percent, num);
    ok = ok && add_raw(obj, "humidity_percent", num);
    snprintf(ts, sizeof ts, "%llu", (unsigned long long)r->timestamp);
    ok = ok && add_raw(obj, "timestamp", ts);
    if (ok) {
        json = cJSON_PrintUnformatted(obj);
    }
    cJSON_Delete(obj);
    if (json != NULL && out_len != NULL) {
        *out_len = strlen(json);
    }
    return json;
}

char *sensor_ack(const struct sensor_record *r, size_t *out_len)
{
    char t[F32FMT_BUFSIZE];
    struct buf b;
    size_t tn;

    if (r == NULL) {
        return NULL;
    }
    tn = f32fmt_display(r->temperature_c, t);
    if (!buf_grow_init(&b, r->device_id_len + 48)) {
        return NULL;
    }
    buf_puts(&b, "ACK: Received data from ");
    if (r->device_id != NULL) {
        buf_put(&b, r->device_id, r->device_id_len);
    }
    buf_puts(&b, " (Temp: ");
    buf_put(&b, t, tn);
    buf_puts(&b, "C)\n");
    return buf_finish(&b, out_len);
}

char *sensor_debug(const struct sensor_record *r, size_t *out_len)
{
    char f[F32FMT_BUFSIZE];
    struct buf b;
    size_t fn;

    if (r == NULL || !buf_grow_init(&b, r->device_id_len + 128)) {
        return NULL;
    }
    buf_puts(&b, "SensorData { device_id: ");
    buf_put_debug_str(&b, r->device_id != NULL ? r->device_id : "",
                      r->device_id != NULL ? r->device_id_len : 0);
    buf_puts(&b, ", temperature_c: ");
    fn = f32fmt_debug(r->temperature_c, f);
    buf_put(&b, f, fn);
    buf_puts(&b, ", humidity_percent: ");
    fn = f32fmt_debug(r->humidity_percent, f);
    buf_put(&b, f, fn);
    buf_puts(&b, ", timestamp: ");
    buf_put_u64(&b, r->timestamp);
    buf_puts(&b, " }");
    return buf_finish(&b, out_len);
}
