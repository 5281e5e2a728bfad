/* json_scan.h -- serde_json 1.0.87's strict JSON lexer: whitespace, strings, numbers, skipping. */
#ifndef WIRECHECK_JSON_SCAN_H
#define WIRECHECK_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * A cursor over UTF-8 text (Rust's &str: the caller makes it well-formed first, e.g. with
 * utf8_lossy) that reproduces, byte for byte, what serde_json::Deserializer<StrRead>
 * accepts and rejects, including where it reports the failure. Every function that can fail
 * returns WC_OK or WC_ERR_INVALID (then |code| and |err_index| say why and where) or
 * WC_ERR_NOMEM. Nothing recurses; nothing allocates except json_scan_skip_value, whose
 * memory is bounded by the input length.
 */

/* serde_json's syntax ErrorCode values (the messages are json_scan_message's). */
enum json_scan_code {
    JSON_SCAN_OK = 0,
    JSON_SCAN_EOF_LIST,            /* EOF while parsing a list */
    JSON_SCAN_EOF_OBJECT,          /* EOF while parsing an object */
    JSON_SCAN_EOF_STRING,          /* EOF while parsing a string */
    JSON_SCAN_EOF_VALUE,           /* EOF while parsing a value */
    JSON_SCAN_EXPECTED_COLON,      /* expected `:` */
    JSON_SCAN_EXPECTED_LIST_COMMA_OR_END,
    JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END,
    JSON_SCAN_EXPECTED_IDENT,      /* "nul", "tru", "fals" */
    JSON_SCAN_EXPECTED_VALUE,
    JSON_SCAN_INVALID_ESCAPE,
    JSON_SCAN_INVALID_NUMBER,
    JSON_SCAN_NUMBER_OUT_OF_RANGE,
    JSON_SCAN_INVALID_CODE_POINT,
    JSON_SCAN_CONTROL_CHAR,        /* raw byte < 0x20 inside a string */
    JSON_SCAN_KEY_MUST_BE_STRING,
    JSON_SCAN_LONE_SURROGATE,      /* lone leading surrogate in hex escape */
    JSON_SCAN_TRAILING_COMMA,
    JSON_SCAN_TRAILING_CHARACTERS,
    JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE,
};

struct json_scan {
    const unsigned char *s;
    size_t len;
    size_t pos;                /* the next byte to read */
    enum json_scan_code code;  /* why the last failing call failed */
    size_t err_index;          /* serde's position index of that failure: see json_scan_position */
};

/* What serde_json's number parser produced (ParserNumber): which visitor method serde calls. */
enum json_scan_num_kind {
    JSON_SCAN_NUM_U64, /* a non-negative integer literal that fits u64 */
    JSON_SCAN_NUM_I64, /* a negative integer literal that fits i64 (not -0) */
    JSON_SCAN_NUM_F64, /* anything else: fraction, exponent, -0, or too long for 64 bits */
};

struct json_scan_number {
    enum json_scan_num_kind kind;
    uint64_t u;
    int64_t i;
    double f;
};

/* Starts a cursor at the beginning of |text|[0..len). */
void json_scan_init(struct json_scan *sc, const void *text, size_t len);

/* Skips JSON whitespace (space, \t, \n, \r only) and returns the next byte without
 * consuming it, or -1 at the end of the text. */
int json_scan_peek_nonws(struct json_scan *sc);

/*
 * Records a failure and returns WC_ERR_INVALID. serde reports errors either at the cursor
 * (|after_peek| false: its Deserializer::error) or one byte further, capped at the end
 * (|after_peek| true: its peek_error, used when the offending byte was only peeked).
 */
int json_scan_fail(struct json_scan *sc, enum json_scan_code code, bool after_peek);

/* serde_json's text for |code|, e.g. "EOF while parsing a value". Never NULL. */
const char *json_scan_message(enum json_scan_code code);

/* serde's 1-based line and 0-based-count column of byte |index|: lines are split at '\n'
 * and the column is the number of bytes since the last '\n' before |index|. */
void json_scan_position(const struct json_scan *sc, size_t index, size_t *line, size_t *column);

/*
 * Scans the rest of a string whose opening quote the cursor has just passed, stopping after
 * the closing quote.
 * With |out| NULL it skips the way serde_json's ignore_str does: escapes must be well-formed
 * but \u escapes are not checked for surrogate pairing (a lone \uD800 is accepted).
 * With |out| non-NULL it decodes the way parse_str does for a Rust String: lone or unpaired
 * surrogates are errors; the decoded bytes (UTF-8, may contain NUL) are written to |out| up
 * to |cap| bytes and the full decoded length is stored in *out_len, which may exceed |cap|
 * (the excess is not written; |out_len| may be NULL). The decoded length never exceeds
 * json_scan_string_span. In skip mode *out_len is not touched.
 */
int json_scan_string(struct json_scan *sc, char *out, size_t cap, size_t *out_len);

/*
 * Bytes from the cursor up to the first '"', '\\' or byte below 0x20 (or to the end): the
 * start of a string that needs no decoding, checked eight bytes at a time. Does not move the
 * cursor.
 */
size_t json_scan_plain_run(const struct json_scan *sc);

/* Bytes from the cursor to the next unescaped '"' (or to the end): an upper bound for the
 * decoded length of the string that starts at the cursor. Does not move the cursor. */
size_t json_scan_string_span(const struct json_scan *sc);

/*
 * Parses a number at the cursor (which is at '-' or a digit) exactly as serde_json 1.0.87's
 * parse_integer without the float_roundtrip feature: integers stay exact in 64 bits; others
 * become an f64 by its (not always correctly rounded) significand-times-power-of-ten method;
 * 1e400 is NUMBER_OUT_OF_RANGE, 1e-400 is 0.
 */
int json_scan_number(struct json_scan *sc, struct json_scan_number *num);

/* Checks for the rest of a literal ("ull" after 'n' ...) as serde's parse_ident does. */
int json_scan_ident(struct json_scan *sc, const char *rest);

/*
 * Skips one value at the cursor (after optional whitespace) the way serde_json's
 * ignore_value does for IgnoredAny: full syntax check, no depth limit, no recursion, numbers
 * not range-checked, \u escapes not checked for surrogate pairing.
 */
int json_scan_skip_value(struct json_scan *sc);

#endif
