/* sensor_error.c -- the decoder's rejections, worded and positioned as serde_json's Errors. */
#include "sensor_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Rust's Display of an f64, for "floating point `..`" ----------------------------------- */

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
static void put_f64_display(struct textbuf *b, double v)
{
    char sci[40];
    char digits[20];
    size_t nd = 0;
    int exp10;
    int prec;

    if (isnan(v)) {
        textbuf_puts(b, "NaN");
        return;
    }
    if (signbit(v)) {
        textbuf_put(b, "-", 1);
        v = -v;
    }
    if (isinf(v)) {
        textbuf_puts(b, "inf");
        return;
    }
    if (v == 0.0) {
        textbuf_put(b, "0", 1);
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
        textbuf_put(b, "0.", 2);
        for (int z = -1; z > exp10; z--) {
            textbuf_put(b, "0", 1);
        }
        textbuf_put(b, digits, nd);
        return;
    }
    for (int i = 0; i <= exp10 || (size_t)i < nd; i++) {
        if (i == exp10 + 1) {
            textbuf_put(b, ".", 1);
        }
        textbuf_put(b, (size_t)i < nd ? &digits[i] : "0", 1);
    }
}

/* ---- position ---------------------------------------------------------------------------- */

/* Fills |err| with |msg| (already in |b|) and serde's " at line L column C" for |index|. */
static int report(struct sensor_decoder *d, struct textbuf *b, size_t index)
{
    size_t line;
    size_t column;
    char pos[64];
    if (d->err == NULL) {
        return WC_ERR_INVALID;
    }
    json_scan_position(&d->sc, index, &line, &column);
    snprintf(pos, sizeof pos, " at line %zu column %zu", line, column);
    textbuf_puts(b, pos);
    d->err->line = line;
    d->err->column = column;
    return WC_ERR_INVALID;
}

/*
 * Starts the error text in the caller's sensor_error, cut to fit as the header promises, or
 * in a scratch array when there is none (the verdict must not depend on wanting the text).
 */
static struct textbuf err_buf(struct sensor_decoder *d, char *scratch, size_t size)
{
    struct textbuf b;
    if (d->err != NULL) {
        textbuf_init_fixed(&b, d->err->msg, sizeof d->err->msg);
    } else {
        textbuf_init_fixed(&b, scratch, size);
    }
    return b;
}

/* ---- the messages ----------------------------------------------------------------------- */

int sensor_error_syntax(struct sensor_decoder *d)
{
    char scratch[8];
    struct textbuf b = err_buf(d, scratch, sizeof scratch);
    textbuf_puts(&b, json_scan_message(d->sc.code));
    return report(d, &b, d->sc.err_index);
}

int sensor_error_custom(struct sensor_decoder *d, const char *before, const char *name,
                        const char *after)
{
    char scratch[8];
    struct textbuf b = err_buf(d, scratch, sizeof scratch);
    textbuf_puts(&b, before);
    textbuf_puts(&b, name);
    textbuf_puts(&b, after);
    return report(d, &b, d->sc.pos);
}

/* What serde calls Unexpected, rendered: "integer `5`", "floating point `1.5`", ... */
static void put_unexpected_number(struct textbuf *b, const struct json_scan_number *num)
{
    char tmp[32];
    switch (num->kind) {
    case JSON_SCAN_NUM_U64:
        snprintf(tmp, sizeof tmp, "integer `%llu`", (unsigned long long)num->u);
        textbuf_puts(b, tmp);
        break;
    case JSON_SCAN_NUM_I64:
        snprintf(tmp, sizeof tmp, "integer `%lld`", (long long)num->i);
        textbuf_puts(b, tmp);
        break;
    case JSON_SCAN_NUM_F64:
        textbuf_puts(b, "floating point `");
        put_f64_display(b, num->f);
        textbuf_puts(b, "`");
        break;
    }
}

int sensor_error_unexpected_number(struct sensor_decoder *d, const struct json_scan_number *num,
                                   const char *expected, bool as_value)
{
    char scratch[8];
    struct textbuf b = err_buf(d, scratch, sizeof scratch);
    textbuf_puts(&b, as_value ? "invalid value: " : "invalid type: ");
    put_unexpected_number(&b, num);
    textbuf_puts(&b, ", expected ");
    textbuf_puts(&b, expected);
    return report(d, &b, d->sc.pos);
}

/* serde parses the unwanted value to name it, so a malformed one reports its syntax error. */
int sensor_error_invalid_type(struct sensor_decoder *d, const char *expected)
{
    char scratch[8];
    struct json_scan_number num;
    char str[96];
    size_t slen = 0;
    struct textbuf b;
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
                return sensor_error_unexpected_number(d, &num, expected, false);
            }
        } else {
            json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_VALUE, true);
            return sensor_error_syntax(d);
        }
        break;
    }
    if (rc != WC_OK) {
        return sensor_error_syntax(d);
    }
    b = err_buf(d, scratch, sizeof scratch);
    textbuf_puts(&b, "invalid type: ");
    if (what != NULL) {
        textbuf_puts(&b, what);
    } else {
        textbuf_puts(&b, "string ");
        sensor_text_put_debug_str(&b, str, slen < sizeof str ? slen : sizeof str);
    }
    textbuf_puts(&b, ", expected ");
    textbuf_puts(&b, expected);
    return report(d, &b, d->sc.pos);
}
