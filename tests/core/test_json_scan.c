/* test_json_scan.c -- the serde_json lexer port: numbers, strings, skipping, positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"

/* A string literal and its length, for inputs that contain NUL bytes. */
#define IN(s) s, sizeof s - 1

/*
 * All expectations below were printed by serde_json 1.0.87 itself (a throwaway Rust program
 * built with the seed's Debian crates): numbers through serde_json::Value (whose Number
 * records serde's u64 / i64 / f64 choice), strings through String and through IgnoredAny,
 * documents through IgnoredAny. An error is given as its code and serde's column (line 1).
 */

/* Checks the failure the scanner recorded against serde's code and 1-based-ish column. */
static void expect_error(const char *what, const struct json_scan *sc, enum json_scan_code code,
                         size_t column)
{
    size_t line;
    size_t col;
    json_scan_position(sc, sc->err_index, &line, &col);
    if (sc->code != code || line != 1 || col != column) {
        fail_msg("%s: error \"%s\" at column %zu, serde: \"%s\" at column %zu", what,
                 json_scan_message(sc->code), col, json_scan_message(code), column);
    }
}

/* serde's Deserializer::end after a value: only whitespace may follow. */
static int end_of_document(struct json_scan *sc)
{
    if (json_scan_peek_nonws(sc) >= 0) {
        return json_scan_fail(sc, JSON_SCAN_TRAILING_CHARACTERS, true);
    }
    return WC_OK;
}

struct number_row {
    const char *in;
    size_t len;
    enum json_scan_code code;
    size_t column;
    enum json_scan_num_kind kind;
    uint64_t u;
    int64_t i;
    uint64_t f_bits;
};

static const struct number_row NUMBER_ROWS[] = {
    {IN("0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(0), 0, 0},
    {IN("-0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("1"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(1), 0, 0},
    {IN("-1"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_I64, 0, INT64_C(-1), 0},
    {IN("00"), JSON_SCAN_INVALID_NUMBER, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("01"), JSON_SCAN_INVALID_NUMBER, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-01"), JSON_SCAN_INVALID_NUMBER, 3, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1."), JSON_SCAN_EOF_VALUE, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-1."), JSON_SCAN_EOF_VALUE, 3, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-.5"), JSON_SCAN_INVALID_NUMBER, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e"), JSON_SCAN_EOF_VALUE, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e+"), JSON_SCAN_EOF_VALUE, 3, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e-"), JSON_SCAN_EOF_VALUE, 3, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1E5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x40f86a0000000000)},
    {IN("1e+5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x40f86a0000000000)},
    {IN("1e-5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3ee4f8b588e368f1)},
    {IN("1.5e3"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4097700000000000)},
    {IN("1.5E-3"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3f589374bc6a7efa)},
    {IN("0.0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("-0.0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("0e0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("0e-0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("-0e5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("1.0e"), JSON_SCAN_EOF_VALUE, 4, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1..2"), JSON_SCAN_INVALID_NUMBER, 3, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("--1"), JSON_SCAN_INVALID_NUMBER, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-"), JSON_SCAN_EOF_VALUE, 1, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-Infinity"), JSON_SCAN_INVALID_NUMBER, 2, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("21.5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4035800000000000)},
    {IN("60.2"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x404e19999999999a)},
    {IN("1678886400"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(1678886400), 0, 0},
    {IN("3.4028235e38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x47efffffe54daff8)},
    {IN("3.4028236e38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x47effffff514a7bc)},
    {IN("3.4028237e38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x47f00000026dcfc0)},
    {IN("1e38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x47d2ced32a16a1b1)},
    {IN("1e39"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x48078287f49c4a1d)},
    {IN("-1e39"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0xc8078287f49c4a1d)},
    {IN("1e308"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x7fe1ccf385ebc8a0)},
    {IN("1.7976931348623157e308"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x7fefffffffffffff)},
    {IN("1.8e308"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 7, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e309"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 5, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e400"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 5, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("-1e400"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 6, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e-400"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("-1e-400"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("1e-45"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3696d601ad376aba)},
    {IN("1e-46"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x366244ce242c5561)},
    {IN("1.4e-45"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x369ff868bf4d956a)},
    {IN("7e-46"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x368ff868bf4d956a)},
    {IN("7.1e-46"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x369036aa2680f22c)},
    {IN("1e-38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x380b38fb9daa78e4)},
    {IN("1.17549435e-38"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x380fffffff9fdba8)},
    {IN("4.9e-324"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000001)},
    {IN("5e-324"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000001)},
    {IN("2.5e-324"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000001)},
    {IN("2e-324"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("1e-323"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000002)},
    {IN("2.2250738585072014e-308"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0010000000000000)},
    {IN("18446744073709551615"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(18446744073709551615), 0, 0},
    {IN("18446744073709551616"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x43f0000000000000)},
    {IN("18446744073709551617"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x43f0000000000000)},
    {IN("18446744073709551616.5"), JSON_SCAN_EOF_VALUE, 22, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("18446744073709551616.0"), JSON_SCAN_EOF_VALUE, 22, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("18446744073709551616.00"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x43f0000000000000)},
    {IN("18446744073709551615.5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x43f0000000000000)},
    {IN("184467440737095516150"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4424000000000000)},
    {IN("1844674407370955161.5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x43b999999999999a)},
    {IN("100000000000000000000."), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4415af1d78b58c40)},
    {IN("100000000000000000000.e5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x45208b2a2c280291)},
    {IN("1000000000000000000000.5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x444b1ae4d6e2ef50)},
    {IN("-9223372036854775808"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_I64, 0, INT64_MIN, 0},
    {IN("-9223372036854775809"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0xc3e0000000000000)},
    {IN("-9223372036854775807"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_I64, 0, INT64_C(-9223372036854775807), 0},
    {IN("-18446744073709551615"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0xc3f0000000000000)},
    {IN("-18446744073709551616"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0xc3f0000000000000)},
    {IN("9223372036854775807"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(9223372036854775807), 0, 0},
    {IN("9223372036854775808"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(9223372036854775808), 0, 0},
    {IN("16777216"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(16777216), 0, 0},
    {IN("16777217"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(16777217), 0, 0},
    {IN("16777218"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(16777218), 0, 0},
    {IN("16777219"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(16777219), 0, 0},
    {IN("33554431"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(33554431), 0, 0},
    {IN("33554433"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(33554433), 0, 0},
    {IN("9007199254740993"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_U64, UINT64_C(9007199254740993), 0, 0},
    {IN("9007199254740992.5"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4340000000000000)},
    {IN("-16777217"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_I64, 0, INT64_C(-16777217), 0},
    {IN("1e2147483647"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 12, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e2147483648"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 12, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e-2147483648"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("1e-2147483649"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("0e2147483648"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("0e99999999999"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("-0e99999999999"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("1e99999999999"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 12, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("1e-99999999999"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("0.0e99999999999"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
    {IN("0.000000000000000000000000000000000000000000000000001e400"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 57, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("123456789012345678901234567890"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x45f8ee90ff6c373e)},
    {IN("0.1"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fb999999999999a)},
    {IN("0.2"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fc999999999999a)},
    {IN("0.3"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fd3333333333333)},
    {IN("0.30000000000000004"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fd3333333333334)},
    {IN("123.456e-7"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3ee9e3fe580f5494)},
    {IN("9.999999999999999e22"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x44b52d02c7e14af6)},
    {IN("1e23"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x44b52d02c7e14af6)},
    {IN("8.589973e9"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x42000004b0400000)},
    {IN("2.0000000000000004"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4000000000000001)},
    {IN("4.9406564584124654e-324"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000001)},
    {IN("1.0000000000000002"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3ff0000000000001)},
    {IN("0.49414062"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fdf9ffffaa19c47)},
    {IN("0.49414063"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fdfa000055e63b9)},
    {IN("0.494140625"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fdfa00000000000)},
    {IN("1e-7"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3e7ad7f29abcaf48)},
    {IN("1e20"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4415af1d78b58c40)},
    {IN("1.5e20"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x442043561a882930)},
    {IN("-0.0e-0"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x8000000000000000)},
    {IN("1e0000000000000000000001"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x4024000000000000)},
    {IN("1e-0000000000000000000001"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x3fb999999999999a)},
    {IN("10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"), JSON_SCAN_NUMBER_OUT_OF_RANGE, 401, JSON_SCAN_NUM_U64, 0, 0, 0},
    {IN("0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"), JSON_SCAN_OK, 0, JSON_SCAN_NUM_F64, 0, 0, UINT64_C(0x0000000000000000)},
};

static void test_numbers_match_serde(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof NUMBER_ROWS / sizeof NUMBER_ROWS[0]; n++) {
        const struct number_row *row = &NUMBER_ROWS[n];
        struct json_scan sc;
        struct json_scan_number num;
        int rc;

        json_scan_init(&sc, row->in, row->len);
        rc = json_scan_number(&sc, &num);
        if (rc == WC_OK) {
            rc = end_of_document(&sc);
        }
        if (row->code != JSON_SCAN_OK) {
            if (rc != WC_ERR_INVALID) {
                fail_msg("%s: accepted", row->in);
            }
            expect_error(row->in, &sc, row->code, row->column);
            continue;
        }
        if (rc != WC_OK) {
            fail_msg("%s: rejected with \"%s\"", row->in, json_scan_message(sc.code));
        }
        if (num.kind != row->kind) {
            fail_msg("%s: kind %d, serde %d", row->in, (int)num.kind, (int)row->kind);
        }
        if (row->kind == JSON_SCAN_NUM_U64) {
            assert_true(num.u == row->u);
        } else if (row->kind == JSON_SCAN_NUM_I64) {
            assert_true(num.i == row->i);
        } else {
            uint64_t bits;
            memcpy(&bits, &num.f, sizeof bits);
            if (bits != row->f_bits) {
                fail_msg("%s: f64 %016llx, serde %016llx", row->in, (unsigned long long)bits,
                         (unsigned long long)row->f_bits);
            }
        }
    }
}

struct string_row {
    const char *in;     /* the whole JSON document: a string */
    size_t len;
    enum json_scan_code decode_code; /* as a Rust String */
    size_t decode_column;
    const char *decoded;
    size_t decoded_len;
    enum json_scan_code skip_code;   /* as IgnoredAny */
    size_t skip_column;
};

static const struct string_row STRING_ROWS[] = {
    {IN("\"abc\""), JSON_SCAN_OK, 0, IN("abc"), JSON_SCAN_OK, 0},
    {IN("\"\""), JSON_SCAN_OK, 0, IN(""), JSON_SCAN_OK, 0},
    {IN("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), JSON_SCAN_OK, 0, IN("\"\\/\x08\x0c\n\r\t"), JSON_SCAN_OK, 0},
    {IN("\"\\u0041\\u00e9\\u20AC\""), JSON_SCAN_OK, 0, IN("A\xc3\xa9\xe2\x82\xac"), JSON_SCAN_OK, 0},
    {IN("\"\\u0000\""), JSON_SCAN_OK, 0, IN("\x00"), JSON_SCAN_OK, 0},
    {IN("\"\\ud83d\\ude00\""), JSON_SCAN_OK, 0, IN("\xf0\x9f\x98\x80"), JSON_SCAN_OK, 0},
    {IN("\"\\uD83D\\uDE00\""), JSON_SCAN_OK, 0, IN("\xf0\x9f\x98\x80"), JSON_SCAN_OK, 0},
    {IN("\"\\ud800\""), JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE, 8, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\udc00\""), JSON_SCAN_LONE_SURROGATE, 7, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\ud800x\""), JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE, 8, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\ud800\\n\""), JSON_SCAN_UNEXPECTED_END_OF_HEX_ESCAPE, 9, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\ud800\\ud800\""), JSON_SCAN_LONE_SURROGATE, 13, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\ud800\\u0041\""), JSON_SCAN_LONE_SURROGATE, 13, NULL, 0, JSON_SCAN_OK, 0},
    {IN("\"\\ud800"), JSON_SCAN_EOF_STRING, 7, NULL, 0, JSON_SCAN_EOF_STRING, 7},
    {IN("\"\\ud800\\"), JSON_SCAN_EOF_STRING, 8, NULL, 0, JSON_SCAN_EOF_STRING, 8},
    {IN("\"\\ud800\\u12\""), JSON_SCAN_EOF_STRING, 12, NULL, 0, JSON_SCAN_EOF_STRING, 12},
    {IN("\"\\x\""), JSON_SCAN_INVALID_ESCAPE, 3, NULL, 0, JSON_SCAN_INVALID_ESCAPE, 3},
    {IN("\"\\u12\""), JSON_SCAN_EOF_STRING, 6, NULL, 0, JSON_SCAN_EOF_STRING, 6},
    {IN("\"\\u12G4\""), JSON_SCAN_INVALID_ESCAPE, 6, NULL, 0, JSON_SCAN_INVALID_ESCAPE, 6},
    {IN("\"\\"), JSON_SCAN_EOF_STRING, 2, NULL, 0, JSON_SCAN_EOF_STRING, 2},
    {IN("\"abc"), JSON_SCAN_EOF_STRING, 4, NULL, 0, JSON_SCAN_EOF_STRING, 4},
    {IN("\"a\x00" "b\""), JSON_SCAN_CONTROL_CHAR, 3, NULL, 0, JSON_SCAN_CONTROL_CHAR, 2},
    {IN("\"a\x1f" "b\""), JSON_SCAN_CONTROL_CHAR, 3, NULL, 0, JSON_SCAN_CONTROL_CHAR, 2},
    {IN("\"a\tb\""), JSON_SCAN_CONTROL_CHAR, 3, NULL, 0, JSON_SCAN_CONTROL_CHAR, 2},
    {IN("\"a\x7f" "b\""), JSON_SCAN_OK, 0, IN("a\x7f" "b"), JSON_SCAN_OK, 0},
    {IN("\"\xc3\xa9\xf0\x9f\x98\x80\""), JSON_SCAN_OK, 0, IN("\xc3\xa9\xf0\x9f\x98\x80"), JSON_SCAN_OK, 0},
    {IN("\"\\uDBFF\\uDFFF\""), JSON_SCAN_OK, 0, IN("\xf4\x8f\xbf\xbf"), JSON_SCAN_OK, 0},
    {IN("\"\\uFFFF\""), JSON_SCAN_OK, 0, IN("\xef\xbf\xbf"), JSON_SCAN_OK, 0},
    {IN("\"\\u\""), JSON_SCAN_EOF_STRING, 4, NULL, 0, JSON_SCAN_EOF_STRING, 4},
};

static void test_strings_match_serde(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof STRING_ROWS / sizeof STRING_ROWS[0]; n++) {
        const struct string_row *row = &STRING_ROWS[n];
        struct json_scan sc;
        char out[32];
        size_t out_len = 0;
        int rc;

        json_scan_init(&sc, row->in, row->len);
        assert_int_equal(json_scan_peek_nonws(&sc), '"');
        sc.pos++;
        assert_true(json_scan_string_span(&sc) <= row->len);
        rc = json_scan_string(&sc, out, sizeof out, &out_len);
        if (rc == WC_OK) {
            rc = end_of_document(&sc);
        }
        if (row->decode_code == JSON_SCAN_OK) {
            if (rc != WC_OK) {
                fail_msg("%s: decode rejected with \"%s\"", row->in, json_scan_message(sc.code));
            }
            assert_int_equal(out_len, row->decoded_len);
            assert_memory_equal(out, row->decoded, out_len);
        } else {
            assert_int_equal(rc, WC_ERR_INVALID);
            expect_error(row->in, &sc, row->decode_code, row->decode_column);
        }

        json_scan_init(&sc, row->in, row->len);
        rc = json_scan_skip_value(&sc);
        if (rc == WC_OK) {
            rc = end_of_document(&sc);
        }
        if (row->skip_code == JSON_SCAN_OK) {
            if (rc != WC_OK) {
                fail_msg("%s: skip rejected with \"%s\"", row->in, json_scan_message(sc.code));
            }
        } else {
            assert_int_equal(rc, WC_ERR_INVALID);
            expect_error(row->in, &sc, row->skip_code, row->skip_column);
        }
    }
}

/* A decoded string longer than the caller's buffer is counted in full, stored in part. */
static void test_string_truncates_to_capacity(void **state)
{
    static const char DOC[] = "\"abc\\u00e9def\"";
    struct json_scan sc;
    char out[4] = {'x', 'x', 'x', 'x'};
    size_t out_len = 0;
    (void)state;

    json_scan_init(&sc, DOC, sizeof DOC - 1);
    sc.pos = 1;
    assert_int_equal(json_scan_string_span(&sc), sizeof DOC - 3);
    assert_int_equal(json_scan_string(&sc, out, 3, &out_len), WC_OK);
    assert_int_equal(out_len, 8);
    assert_memory_equal(out, "abcx", 4);
    assert_int_equal(sc.pos, sizeof DOC - 1);
}

struct skip_row {
    const char *in;
    size_t len;
    enum json_scan_code code;
    size_t column;
};

static const struct skip_row SKIP_ROWS[] = {
    {IN("null"), JSON_SCAN_OK, 0},
    {IN("true"), JSON_SCAN_OK, 0},
    {IN("false"), JSON_SCAN_OK, 0},
    {IN("nul"), JSON_SCAN_EOF_VALUE, 3},
    {IN("nulL"), JSON_SCAN_EXPECTED_IDENT, 4},
    {IN("tru"), JSON_SCAN_EOF_VALUE, 3},
    {IN("fals"), JSON_SCAN_EOF_VALUE, 4},
    {IN("0"), JSON_SCAN_OK, 0},
    {IN("-0"), JSON_SCAN_OK, 0},
    {IN("-"), JSON_SCAN_INVALID_NUMBER, 1},
    {IN("01"), JSON_SCAN_INVALID_NUMBER, 2},
    {IN("1."), JSON_SCAN_INVALID_NUMBER, 2},
    {IN("1.e1"), JSON_SCAN_INVALID_NUMBER, 3},
    {IN("1e"), JSON_SCAN_INVALID_NUMBER, 2},
    {IN("1e+"), JSON_SCAN_INVALID_NUMBER, 3},
    {IN("1e400"), JSON_SCAN_OK, 0},
    {IN("-1e-400"), JSON_SCAN_OK, 0},
    {IN("\"\\ud800\""), JSON_SCAN_OK, 0},
    {IN("\"\\u12\""), JSON_SCAN_EOF_STRING, 6},
    {IN("\"a\x01\""), JSON_SCAN_CONTROL_CHAR, 2},
    {IN("[]"), JSON_SCAN_OK, 0},
    {IN("{}"), JSON_SCAN_OK, 0},
    {IN("[1,2]"), JSON_SCAN_OK, 0},
    {IN("[1,]"), JSON_SCAN_EXPECTED_VALUE, 4},
    {IN("[,1]"), JSON_SCAN_EXPECTED_VALUE, 2},
    {IN("[1 2]"), JSON_SCAN_EXPECTED_LIST_COMMA_OR_END, 4},
    {IN("[1"), JSON_SCAN_EOF_LIST, 2},
    {IN("["), JSON_SCAN_EOF_LIST, 1},
    {IN("]"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("{\"a\":1}"), JSON_SCAN_OK, 0},
    {IN("{\"a\":1,}"), JSON_SCAN_KEY_MUST_BE_STRING, 8},
    {IN("{\"a\" 1}"), JSON_SCAN_EXPECTED_COLON, 6},
    {IN("{\"a\":}"), JSON_SCAN_EXPECTED_VALUE, 6},
    {IN("{1:1}"), JSON_SCAN_KEY_MUST_BE_STRING, 2},
    {IN("{\"a\":1 \"b\":2}"), JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END, 8},
    {IN("{\"a\""), JSON_SCAN_EOF_OBJECT, 4},
    {IN("{\"a\":1"), JSON_SCAN_EOF_OBJECT, 6},
    {IN("{"), JSON_SCAN_EOF_OBJECT, 1},
    {IN("}"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("[{\"a\":[{\"b\":{}}]}]"), JSON_SCAN_OK, 0},
    {IN("[[[]]]"), JSON_SCAN_OK, 0},
    {IN("[[[]]"), JSON_SCAN_EOF_LIST, 5},
    {IN("[[[]]]]"), JSON_SCAN_TRAILING_CHARACTERS, 7},
    {IN("{\"a\":[}"), JSON_SCAN_EXPECTED_VALUE, 7},
    {IN("[}"), JSON_SCAN_EXPECTED_VALUE, 2},
    {IN("{]"), JSON_SCAN_KEY_MUST_BE_STRING, 2},
    {IN(" [ 1 , { \"a\" : [ ] } ] "), JSON_SCAN_OK, 0},
    {IN("\x0b" "1"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("\xef\xbb\xbf" "1"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("1 2"), JSON_SCAN_TRAILING_CHARACTERS, 3},
    {IN("[1]x"), JSON_SCAN_TRAILING_CHARACTERS, 4},
    {IN("\"\\ud800\""), JSON_SCAN_OK, 0},
    {IN("{\"\\ud800\":1}"), JSON_SCAN_OK, 0},
    {IN("[nulx]"), JSON_SCAN_EXPECTED_IDENT, 5},
    {IN("[truex]"), JSON_SCAN_EXPECTED_LIST_COMMA_OR_END, 6},
    {IN("+1"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN(".5"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("[-]"), JSON_SCAN_INVALID_NUMBER, 3},
    {IN("[01]"), JSON_SCAN_INVALID_NUMBER, 3},
    {IN("NaN"), JSON_SCAN_EXPECTED_VALUE, 1},
    {IN("[1e]"), JSON_SCAN_INVALID_NUMBER, 4},
    {IN("[1.5E+3]"), JSON_SCAN_OK, 0},
    {IN("\"\""), JSON_SCAN_OK, 0},
    {IN("\""), JSON_SCAN_EOF_STRING, 1},
    {IN(""), JSON_SCAN_EOF_VALUE, 0},
};

static void test_skip_matches_serde(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof SKIP_ROWS / sizeof SKIP_ROWS[0]; n++) {
        const struct skip_row *row = &SKIP_ROWS[n];
        struct json_scan sc;
        int rc;

        json_scan_init(&sc, row->in, row->len);
        rc = json_scan_skip_value(&sc);
        if (rc == WC_OK) {
            rc = end_of_document(&sc);
        }
        if (row->code == JSON_SCAN_OK) {
            if (rc != WC_OK) {
                fail_msg("%s: rejected with \"%s\"", row->in, json_scan_message(sc.code));
            }
        } else {
            if (rc != WC_ERR_INVALID) {
                fail_msg("%s: accepted", row->in);
            }
            expect_error(row->in, &sc, row->code, row->column);
        }
    }
}

/* One million nested arrays: skipped without recursion, and the one-bit-per-level stack
 * (125 kB here) is freed (ASan would report a leak). */
static void test_skip_deep_nesting(void **state)
{
    const size_t depth = 1000000;
    char *doc = malloc(2 * depth + 1);
    struct json_scan sc;
    (void)state;

    assert_non_null(doc);
    memset(doc, '[', depth);
    memset(doc + depth, ']', depth);
    json_scan_init(&sc, doc, 2 * depth);
    assert_int_equal(json_scan_skip_value(&sc), WC_OK);
    assert_int_equal(sc.pos, 2 * depth);

    /* the same with the last bracket missing */
    json_scan_init(&sc, doc, 2 * depth - 1);
    assert_int_equal(json_scan_skip_value(&sc), WC_ERR_INVALID);
    assert_int_equal(sc.code, JSON_SCAN_EOF_LIST);

    /* 1000 alternating objects and arrays, {"a":[{"a":[ ... 1 ... ]}]}: each closer must
     * match its own opener, which the bit stack remembers across several bytes of storage */
    {
        size_t n = 0;
        for (size_t i = 0; i < 1000; i++) {
            const char *open = i % 2 == 0 ? "{\"a\":" : "[";
            memcpy(doc + n, open, strlen(open));
            n += strlen(open);
        }
        doc[n++] = '1';
        for (size_t i = 1000; i-- > 0;) {
            doc[n++] = i % 2 == 0 ? '}' : ']';
        }
        json_scan_init(&sc, doc, n);
        assert_int_equal(json_scan_skip_value(&sc), WC_OK);
        assert_int_equal(sc.pos, n);

        doc[n - 500] = doc[n - 500] == '}' ? ']' : '}'; /* one closer of the wrong kind */
        json_scan_init(&sc, doc, n);
        assert_int_equal(json_scan_skip_value(&sc), WC_ERR_INVALID);
        assert_true(sc.code == JSON_SCAN_EXPECTED_LIST_COMMA_OR_END ||
                    sc.code == JSON_SCAN_EXPECTED_OBJECT_COMMA_OR_END);
        assert_int_equal(sc.err_index, n - 500 + 1);
    }
    free(doc);
}

/* Lines split at '\n' only, columns count bytes, as serde_json's position_of_index. */
static void test_position(void **state)
{
    static const char DOC[] = "ab\ncd\r\n\xc3\xa9x";
    static const struct {
        size_t index;
        size_t line;
        size_t column;
    } ROWS[] = {{0, 1, 0}, {2, 1, 2}, {3, 2, 0}, {6, 2, 3}, {7, 3, 0}, {9, 3, 2}, {10, 3, 3},
                {99, 3, 3}};
    struct json_scan sc;
    (void)state;

    json_scan_init(&sc, DOC, sizeof DOC - 1);
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        size_t line;
        size_t column;
        json_scan_position(&sc, ROWS[i].index, &line, &column);
        assert_int_equal(line, ROWS[i].line);
        assert_int_equal(column, ROWS[i].column);
    }
}

/* serde's peek_error points one byte past the cursor (capped at the end); error does not. */
static void test_fail_positions(void **state)
{
    struct json_scan sc;
    (void)state;

    json_scan_init(&sc, "abc", 3);
    sc.pos = 1;
    assert_int_equal(json_scan_fail(&sc, JSON_SCAN_EXPECTED_VALUE, true), WC_ERR_INVALID);
    assert_int_equal(sc.err_index, 2);
    assert_int_equal(json_scan_fail(&sc, JSON_SCAN_EXPECTED_VALUE, false), WC_ERR_INVALID);
    assert_int_equal(sc.err_index, 1);
    sc.pos = 3;
    json_scan_fail(&sc, JSON_SCAN_EOF_VALUE, true);
    assert_int_equal(sc.err_index, 3);
    assert_string_equal(json_scan_message(JSON_SCAN_EOF_VALUE), "EOF while parsing a value");
    assert_string_equal(json_scan_message((enum json_scan_code)999), "unknown error");
}

/* Only space, tab, LF and CR are JSON whitespace. */
static void test_whitespace(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        int next;
    } ROWS[] = {
        {IN(" \t\r\n1"), '1'}, {IN(""), -1}, {IN("  "), -1}, {IN("\x0b" "1"), 0x0b},
        {IN("\x0c" "1"), 0x0c}, {IN("\xc2\xa0" "1"), 0xc2}, {IN("\xef\xbb\xbf" "1"), 0xef},
        {IN("\x00" "1"), 0x00},
    };
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct json_scan sc;
        json_scan_init(&sc, ROWS[i].in, ROWS[i].len);
        assert_int_equal(json_scan_peek_nonws(&sc), ROWS[i].next);
    }
}

/* json_scan_plain_run stops at the first '"', '\\' or control byte wherever it lies relative
 * to the eight-byte steps, passes every other byte (space, DEL, non-ASCII, brackets), and
 * counts from the cursor without moving it. */
static void test_plain_run_stops_at_first_stop_byte(void **state)
{
    (void)state;
    static const unsigned char stops[] = {'"', '\\', 0x00, 0x1F, '\n'};
    static const unsigned char plain[] = {' ', 0x7F, 0x80, 0xFF, '!', '[', ']', 'a', 0x21, 0x5D};
    unsigned char buf[64];
    for (size_t len = 0; len <= 40; len++) {
        for (size_t start = 0; start <= len && start < 9; start++) {
            for (size_t i = 0; i < len; i++)
                buf[i] = plain[(i * 7 + start) % sizeof plain];
            struct json_scan sc;
            json_scan_init(&sc, buf, len);
            sc.pos = start;
            assert_int_equal(json_scan_plain_run(&sc), len - start);
            for (size_t at = start; at < len; at++) {
                for (size_t k = 0; k < sizeof stops; k++) {
                    unsigned char keep = buf[at];
                    buf[at] = stops[k];
                    if (at + 3 < len)
                        buf[at + 3] = '"'; /* a later stop must not matter */
                    assert_int_equal(json_scan_plain_run(&sc), at - start);
                    assert_int_equal(sc.pos, start);
                    buf[at] = keep;
                    if (at + 3 < len)
                        buf[at + 3] = plain[((at + 3) * 7 + start) % sizeof plain];
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_match_serde),
        cmocka_unit_test(test_strings_match_serde),
        cmocka_unit_test(test_string_truncates_to_capacity),
        cmocka_unit_test(test_skip_matches_serde),
        cmocka_unit_test(test_skip_deep_nesting),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_fail_positions),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_plain_run_stops_at_first_stop_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
