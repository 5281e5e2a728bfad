/* sensor_int.h -- private to sensor*.c: the decoder's state and what its three files share. */
#ifndef WIRECHECK_SENSOR_INT_H
#define WIRECHECK_SENSOR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "json_scan.h"
#include "sensor.h"
#include "textbuf.h"

/*
 * sensor.c walks the text as serde_json's deserializer does; sensor_error.c words and
 * positions a rejection as serde_json's Error Display does. Both work on this state.
 */
struct sensor_decoder {
    struct json_scan sc;
    struct sensor_error *err; /* NULL: the caller wants only the verdict */
    struct sensor_record rec; /* the fields decoded so far */
    bool have[4];             /* which known fields were seen, in FIELD_NAMES order */
    char **id_buf;            /* where device_id goes: the caller's buffer, grown as needed */
    size_t err_at;            /* the text index a rejection was reported at */
    size_t *id_cap;
};

/*
 * sensor_decode's work on text that is already well-formed UTF-8 (the caller checked it or
 * made it so with utf8_lossy): the same verdicts, values and errors. device_id is written to
 * *id_buf, which is realloc'd to a larger *id_cap when it is too small; the caller owns that
 * buffer (it may start NULL with *id_cap 0) and out->device_id points into it on success.
 * Returns WC_OK, WC_ERR_INVALID or WC_ERR_NOMEM.
 */
int sensor_decode_text(const char *text, size_t len, struct sensor_record *out,
                       struct sensor_error *err, char **id_buf, size_t *id_cap);

/* sensor_decode_text that also stores in *err_at, on WC_ERR_INVALID, the index of the text
 * the rejection was reported at. The cursor never moves back and never passes the end; every
 * test that meets the end of the text leaves the cursor there (or, sizing a buffer or
 * choosing a faster loop, changes no verdict), and every rejection is reported at the cursor
 * or one past it. So a rejection reported before index i depends only on the text's first i
 * bytes: it is the verdict, word for word, for every text that begins with them. */
int sensor_decode_text_at(const char *text, size_t len, struct sensor_record *out,
                          struct sensor_error *err, char **id_buf, size_t *id_cap,
                          size_t *err_at);

/*
 * Each of these fills d->err (when not NULL) with the message and serde's " at line L column
 * C", and returns WC_ERR_INVALID so that a caller can `return sensor_error_...(d, ...)`.
 */

/* A syntax error the scanner recorded (serde's ErrorCode errors), at its recorded index. */
int sensor_error_syntax(struct sensor_decoder *d);

/* "<before><name><after>" (serde's de::Error::custom) at the cursor, as fix_position puts it. */
int sensor_error_custom(struct sensor_decoder *d, const char *before, const char *name,
                        const char *after);

/*
 * "invalid type: <number>, expected <expected>" ("invalid value: " when |as_value|), with the
 * number worded as serde's Unexpected: "integer `5`", "floating point `1.5`".
 */
int sensor_error_unexpected_number(struct sensor_decoder *d, const struct json_scan_number *num,
                                   const char *expected, bool as_value);

/*
 * serde_json's peek_invalid_type: the value at the cursor is not what the visitor wanted.
 * It is parsed to be named, so a malformed value reports its syntax error instead.
 */
int sensor_error_invalid_type(struct sensor_decoder *d, const char *expected);

/*
 * Appends Rust's <str as Debug> of |s| (quotes included): serde's "invalid type: string
 * \"..\"" (sensor_error.c) and sensor_debug (sensor_text.c) both quote this way. |s| is
 * well-formed UTF-8; a truncated last sequence is dropped. Which code points become \u{..}
 * is exact below U+0800 and approximated above (the table in sensor_text.c).
 */
void sensor_text_put_debug_str(struct textbuf *b, const char *s, size_t len);

#endif
