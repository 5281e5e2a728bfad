/* sensor.c -- the seed's SensorData: decoding exactly as serde_json does; the record's lifetime. */
#include "sensor.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"
#include "sensor_int.h"
#include "utf8.h"

static char seed_device_id[] = "ESP32-001";

const struct sensor_record sensor_seed_record = {
    .device_id = seed_device_id,
    .device_id_len = sizeof seed_device_id - 1,
    .temperature_c = 21.5f,
    .humidity_percent = 60.2f,
    .timestamp = 1678886400u,
};

/* ---- decoding (the words of a rejection are in sensor_error.c) ---------------------------- */

enum field { F_DEVICE_ID, F_TEMPERATURE, F_HUMIDITY, F_TIMESTAMP, F_UNKNOWN };

static const char *const FIELD_NAMES[] = {"device_id", "temperature_c", "humidity_percent",
                                          "timestamp"};

/* json_scan_peek_nonws, with the common case (no whitespace before the token) inline: a byte
 * above ' ' is never JSON whitespace. */
static inline int peek(struct sensor_decoder *d)
{
    if (d->sc.pos < d->sc.len && d->sc.s[d->sc.pos] > ' ') {
        return d->sc.s[d->sc.pos];
    }
    return json_scan_peek_nonws(&d->sc);
}

/* What each field's visitor says it expected, in serde's words. */
static const char *const FIELD_EXPECTING[] = {"a string", "f32", "f32", "u64"};

/* Room for |need| bytes in the caller's device_id buffer. */
static int reserve_id(struct sensor_decoder *d, size_t need)
{
    char *nb;
    if (need <= *d->id_cap) {
        return WC_OK;
    }
    nb = realloc(*d->id_buf, need);
    if (nb == NULL) {
        return WC_ERR_NOMEM;
    }
    *d->id_buf = nb;
    *d->id_cap = need;
    return WC_OK;
}

/* deserialize_string for device_id. */
static int decode_device_id(struct sensor_decoder *d)
{
    size_t span;
    size_t n = 0;
    int rc;
    int c = peek(d);

    if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return sensor_error_syntax(d);
    }
    if (c != '"') {
        return sensor_error_invalid_type(d, FIELD_EXPECTING[F_DEVICE_ID]);
    }
    d->sc.pos++;
    /* The common case: no escape and no control byte before the closing quote. */
    span = json_scan_plain_run(&d->sc);
    if (d->sc.pos + span < d->sc.len && d->sc.s[d->sc.pos + span] == '"') {
        rc = reserve_id(d, span + 1);
        if (rc != WC_OK) {
            return rc;
        }
        memcpy(*d->id_buf, d->sc.s + d->sc.pos, span);
        d->sc.pos += span + 1;
        n = span;
    } else {
        /* Escapes only shrink, so the raw span bounds the decoded text. */
        span = json_scan_string_span(&d->sc);
        rc = reserve_id(d, span + 1);
        if (rc != WC_OK) {
            return rc;
        }
        rc = json_scan_string(&d->sc, *d->id_buf, span, &n);
        if (rc != WC_OK) {
            return sensor_error_syntax(d);
        }
    }
    (*d->id_buf)[n] = '\0';
    d->rec.device_id = *d->id_buf;
    d->rec.device_id_len = n;
    return WC_OK;
}

/* deserialize_number: the number at the cursor as serde parses it, or the type error. */
static int decode_number(struct sensor_decoder *d, enum field f, struct json_scan_number *num)
{
    int c = peek(d);
    if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return sensor_error_syntax(d);
    }
    if (c != '-' && (c < '0' || c > '9')) {
        return sensor_error_invalid_type(d, FIELD_EXPECTING[f]);
    }
    if (json_scan_number(&d->sc, num) != WC_OK) {
        return sensor_error_syntax(d);
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
static int decode_f32(struct sensor_decoder *d, enum field f, float *out)
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
static int decode_u64(struct sensor_decoder *d, uint64_t *out)
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
    return sensor_error_unexpected_number(d, &num, FIELD_EXPECTING[F_TIMESTAMP],
                                          num.kind == JSON_SCAN_NUM_I64);
}

static int decode_field(struct sensor_decoder *d, enum field f)
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
    return rc == WC_ERR_INVALID ? sensor_error_syntax(d) : rc;
}

/* The derived field visitor: keys are compared after unescaping ("device\\u005fid" counts). */
static int decode_key(struct sensor_decoder *d, enum field *f)
{
    char key[24];
    const char *k = key;
    size_t n = 0;
    size_t run;
    const char *at = (const char *)d->sc.s + d->sc.pos;
    size_t left = d->sc.len - d->sc.pos;

    /* The four names with their closing quote, as they nearly always come: no scan needed. */
    if (left >= 17) {
        if (memcmp(at, "device_id\"", 10) == 0) {
            *f = F_DEVICE_ID;
            d->sc.pos += 10;
            return WC_OK;
        }
        if (memcmp(at, "temperature_c\"", 14) == 0) {
            *f = F_TEMPERATURE;
            d->sc.pos += 14;
            return WC_OK;
        }
        if (memcmp(at, "humidity_percent\"", 17) == 0) {
            *f = F_HUMIDITY;
            d->sc.pos += 17;
            return WC_OK;
        }
        if (memcmp(at, "timestamp\"", 10) == 0) {
            *f = F_TIMESTAMP;
            d->sc.pos += 10;
            return WC_OK;
        }
    }
    run = json_scan_plain_run(&d->sc);
    if (d->sc.pos + run < d->sc.len && d->sc.s[d->sc.pos + run] == '"') {
        /* no escape: compare in place */
        k = (const char *)d->sc.s + d->sc.pos;
        n = run;
        d->sc.pos += run + 1;
    } else if (json_scan_string(&d->sc, key, sizeof key, &n) != WC_OK) {
        return sensor_error_syntax(d);
    }
    /* By length first: memcmp of a constant size compiles to a few loads. */
    *f = F_UNKNOWN;
    if (n == 9) {
        if (memcmp(k, "device_id", 9) == 0) {
            *f = F_DEVICE_ID;
        } else if (memcmp(k, "timestamp", 9) == 0) {
            *f = F_TIMESTAMP;
        }
    } else if (n == 13 && memcmp(k, "temperature_c", 13) == 0) {
        *f = F_TEMPERATURE;
    } else if (n == 16 && memcmp(k, "humidity_percent", 16) == 0) {
        *f = F_HUMIDITY;
    }
    return WC_OK;
}

/*
 * serde_json's deserialize_struct ends the map or sequence even after the visitor failed,
 * and only then fixes the position of an error that has none: skip whitespace and eat the
 * closing bracket if it is next (a comma too, for end_seq), so the column matches serde's.
 */
static void position_after_end(struct sensor_decoder *d, int close)
{
    int c = peek(d);
    if (c == close) {
        d->sc.pos++;
    } else if (close == ']' && c == ',') {
        d->sc.pos++;
        (void)peek(d);
    }
}

/* MapAccess::next_key_seed's separator logic: WC_OK with *f set, or *done at '}'. */
static int next_key(struct sensor_decoder *d, bool *first, enum field *f, bool *done)
{
    int c = peek(d);
    *done = false;
    if (c == '}') {
        *done = true;
        return WC_OK;
    }
    if (c == ',' && !*first) {
        d->sc.pos++;
        c = peek(d);
    } else if (c >= 0) {
        if (!*first) {
            json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END, true);
            return sensor_error_syntax(d);
        }
        *first = false;
    } else {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_OBJECT, true);
        return sensor_error_syntax(d);
    }
    if (c != '"') {
        json_scan_fail(&d->sc,
                       c == '}' ? JSON_SCAN_TRAILING_COMMA
                       : c < 0  ? JSON_SCAN_EOF_VALUE
                                : JSON_SCAN_KEY_MUST_BE_STRING,
                       true);
        return sensor_error_syntax(d);
    }
    d->sc.pos++;
    return decode_key(d, f);
}

static int decode_map(struct sensor_decoder *d)
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
            return sensor_error_custom(d, "duplicate field `", FIELD_NAMES[f], "`");
        }
        c = peek(d);
        if (c != ':') {
            json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_OBJECT : JSON_SCAN_EXPECTED_COLON, true);
            return sensor_error_syntax(d);
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
            return sensor_error_custom(d, "missing field `", FIELD_NAMES[i], "`");
        }
    }
    d->sc.pos++; /* '}' */
    return WC_OK;
}

static int decode_seq(struct sensor_decoder *d)
{
    bool first = true;
    int c;

    d->sc.pos++; /* '[' */
    for (int i = 0; i < 4; i++) {
        int rc;
        c = peek(d);
        if (c == ']') {
            char len[32];
            position_after_end(d, ']');
            snprintf(len, sizeof len, "invalid length %d", i);
            return sensor_error_custom(d, len, ", expected struct SensorData with 4 elements", "");
        }
        if (c == ',' && !first) {
            d->sc.pos++;
            c = peek(d);
        } else if (c >= 0) {
            if (!first) {
                json_scan_fail(&d->sc, JSON_SCAN_EXPECTED_LIST_COMMA_OR_END, true);
                return sensor_error_syntax(d);
            }
            first = false;
        } else {
            json_scan_fail(&d->sc, JSON_SCAN_EOF_LIST, true);
            return sensor_error_syntax(d);
        }
        if (c == ']' || c < 0) {
            json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_VALUE : JSON_SCAN_TRAILING_COMMA, true);
            return sensor_error_syntax(d);
        }
        rc = decode_field(d, (enum field)i);
        if (rc != WC_OK) {
            return rc;
        }
    }
    /* end_seq */
    c = peek(d);
    if (c == ']') {
        d->sc.pos++;
        return WC_OK;
    }
    if (c == ',') {
        d->sc.pos++;
        c = peek(d);
        json_scan_fail(&d->sc, c == ']' ? JSON_SCAN_TRAILING_COMMA : JSON_SCAN_TRAILING_CHARACTERS,
                       true);
    } else {
        json_scan_fail(&d->sc, c < 0 ? JSON_SCAN_EOF_LIST : JSON_SCAN_TRAILING_CHARACTERS, true);
    }
    return sensor_error_syntax(d);
}

static int decode_text(struct sensor_decoder *d)
{
    int rc;
    int c = peek(d);
    if (c == '{') {
        rc = decode_map(d);
    } else if (c == '[') {
        rc = decode_seq(d);
    } else if (c < 0) {
        json_scan_fail(&d->sc, JSON_SCAN_EOF_VALUE, true);
        return sensor_error_syntax(d);
    } else {
        return sensor_error_invalid_type(d, "struct SensorData");
    }
    if (rc != WC_OK) {
        return rc;
    }
    /* Deserializer::end: only whitespace may follow. */
    if (peek(d) >= 0) {
        json_scan_fail(&d->sc, JSON_SCAN_TRAILING_CHARACTERS, true);
        return sensor_error_syntax(d);
    }
    return WC_OK;
}

/* Runs the decoder over well-formed UTF-8; *out gets the record only on success. */
int sensor_decode_text_at(const char *text, size_t len, struct sensor_record *out,
                          struct sensor_error *err, char **id_buf, size_t *id_cap,
                          size_t *err_at)
{
    struct sensor_decoder d;
    int rc;

    memset(&d, 0, sizeof d);
    d.err = err;
    d.id_buf = id_buf;
    d.id_cap = id_cap;
    d.err_at = SIZE_MAX;
    json_scan_init(&d.sc, text, len);
    rc = decode_text(&d);
    if (rc == WC_ERR_NOMEM && err != NULL) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
    }
    if (rc == WC_OK) {
        *out = d.rec;
    }
    if (err_at != NULL) {
        *err_at = d.err_at;
    }
    return rc;
}

int sensor_decode_text(const char *text, size_t len, struct sensor_record *out,
                       struct sensor_error *err, char **id_buf, size_t *id_cap)
{
    return sensor_decode_text_at(text, len, out, err, id_buf, id_cap, NULL);
}

int sensor_decode(const void *data, size_t len, struct sensor_record *out,
                  struct sensor_error *err)
{
    char *id = NULL;
    size_t id_cap = 0;
    char *text = NULL;
    int rc;

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
     * which is fine inside a string and an error anywhere else. Well-formed input (nearly
     * all of it) is decoded in place; only the rest is copied with the replacements. */
    size_t valid = utf8_valid_prefix(data, len);
    if (valid == len) {
        rc = sensor_decode_text(data, len, out, err, &id, &id_cap);
    } else {
        /* First the well-formed prefix, in place: a rejection reported inside it is the
         * verdict on the whole text (see sensor_decode_text_at), and most ill-formed input
         * is rejected before its first ill-formed byte, where converting all of it first
         * made every such rejection cost three passes over the input. */
        size_t at = SIZE_MAX;
        rc = sensor_decode_text_at(data, valid, out, err, &id, &id_cap, &at);
        if (rc != WC_ERR_INVALID || at >= valid) {
            size_t tlen = 0;
            memset(out, 0, sizeof *out);
            if (err != NULL) {
                memset(err, 0, sizeof *err);
            }
            text = utf8_lossy_dup(data, len, &tlen);
            if (text == NULL) {
                free(id);
                if (err != NULL) {
                    snprintf(err->msg, sizeof err->msg, "out of memory");
                }
                return WC_ERR_NOMEM;
            }
            rc = sensor_decode_text(text, tlen, out, err, &id, &id_cap);
            free(text);
        }
    }
    if (rc != WC_OK) {
        free(id);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

void sensor_record_cleanup(struct sensor_record *r)
{
    if (r == NULL) {
        return;
    }
    free(r->device_id);
    memset(r, 0, sizeof *r);
}
