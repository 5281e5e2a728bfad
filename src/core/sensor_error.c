/* sensor_error.c -- the decoder's rejections, worded and positioned as serde_json's Errors. */
#include "sensor_int.h"

#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rust's Display of an f64, for "floating point `..`". */
static void put_f64(struct textbuf *b, double v)
{
    char text[NUMFMT_F64_BUFSIZE];
    textbuf_put(b, text, numfmt_f64_display(v, text));
}

/* ---- position ---------------------------------------------------------------------------- */

/* Fills |err| with |msg| (already in |b|) and serde's " at line L column C" for |index|. */
static int report(struct sensor_decoder *d, struct textbuf *b, size_t index)
{
    size_t line;
    size_t column;
    char pos[64];
    d->err_at = index;
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
        put_f64(b, num->f);
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
