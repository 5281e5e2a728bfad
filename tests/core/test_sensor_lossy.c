/* test_sensor_lossy.c -- sensor_decode on ill-formed UTF-8: the verdict on the bytes is the
 * verdict on their lossy text, whichever way sensor_decode gets to it (its well-formed prefix
 * decides a rejection reported before the first ill-formed byte; the rest is converted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor.h"
#include "utf8.h"

/* Decodes |in| and the lossy text of |in| (well-formed, so decoded in place) and requires the
 * same verdict, message, position and record. */
static void expect_same_as_lossy_text(const unsigned char *in, size_t len)
{
    size_t tlen = 0;
    char *text = utf8_lossy_dup(in, len, &tlen);
    assert_non_null(text);
    assert_true(utf8_valid(text, tlen));

    struct sensor_record a;
    struct sensor_record b;
    struct sensor_error ea;
    struct sensor_error eb;
    int ra = sensor_decode(in, len, &a, &ea);
    int rb = sensor_decode(text, tlen, &b, &eb);
    if (ra != rb || strcmp(ea.msg, eb.msg) != 0 || ea.line != eb.line || ea.column != eb.column)
        fail_msg("bytes gave %d \"%s\" (line %zu column %zu), their lossy text %d \"%s\" "
                 "(line %zu column %zu); lossy text: %s",
                 ra, ea.msg, ea.line, ea.column, rb, eb.msg, eb.line, eb.column, text);
    if (ra == WC_OK) {
        assert_int_equal(a.device_id_len, b.device_id_len);
        assert_memory_equal(a.device_id, b.device_id, a.device_id_len);
        assert_memory_equal(&a.temperature_c, &b.temperature_c, sizeof a.temperature_c);
        assert_memory_equal(&a.humidity_percent, &b.humidity_percent, sizeof a.humidity_percent);
        assert_true(a.timestamp == b.timestamp);
    } else {
        assert_null(a.device_id);
    }
    sensor_record_cleanup(&a);
    sensor_record_cleanup(&b);
    free(text);
}

#define ROW(s)                                                                                     \
    {                                                                                              \
        (const unsigned char *)s, sizeof s - 1                                                     \
    }

/* An ill-formed byte at each place where the end of the well-formed prefix could be taken
 * for the end of the input: inside a literal, a number, a string, a key, after a value, after
 * the object, in whitespace; and rejections reported before, at and after that byte. */
static const struct {
    const unsigned char *in;
    size_t len;
} rows[] = {
    ROW("\xFF"),
    ROW("{\xFF"),
    ROW("{ \xFF"),
    ROW("x\xFF"),
    ROW("{\"a\":tr\xFF"),
    ROW("{\"a\":t\xFF"),
    ROW("{\"a\":nul\xFF"),
    ROW("{\"timestamp\":12\xFF"),
    ROW("{\"timestamp\":12\xFF}"),
    ROW("{\"timestamp\":1e\xFF"),
    ROW("{\"timestamp\":-\xFF"),
    ROW("{\"temperature_c\":1.\xFF"),
    ROW("{\"device_id\":\"ab\xFF"),
    ROW("{\"device_id\":\"ab\xFF\"}"),
    ROW("{\"device_id\":\"a\\\xFF\"}"),
    ROW("{\"device_id\":\"\\u00\xFF\"}"),
    ROW("{\"device_id\":\"x\"\xFF"),
    ROW("{\"device_id\":\"x\" \xFF"),
    ROW("{\"device_id\":\"x\",\xFF"),
    ROW("{\"device_\xFF\":1}"),
    ROW("{\"timestamp\":1}\xFF"),
    ROW("{\"timestamp\":1} \xFF"),
    ROW("{\"timestamp\":1}\n\xFF"),
    ROW("{\"timestamp\":\"x\"\xFF"),
    ROW("{\"timestamp\":\"x\" \xFF"),
    ROW("{\"timestamp\":[1,\xFF"),
    ROW("{\"timestamp\":1,\"timestamp\":2\xFF"),
    ROW("{\"timestamp\":1,\"timestamp\"\xFF"),
    ROW("{\"x\":[[[[\xFF"),
    ROW("{\"x\":{\"y\":\xFF"),
    ROW("{\"device_id\":\"ESP\",\"temperature_c\":1.5,\"humidity_percent\":2,"
        "\"timestamp\":3}\xFF"),
    ROW("{\"device_id\":\"ESP\xFF\",\"temperature_c\":1.5,\"humidity_percent\":2,"
        "\"timestamp\":3}"),
    ROW("{\"device_id\":\"ESP\",\"temperature_c\":1e999,\xFF"),
    ROW("{\"device_id\":\"ESP\",\"temperature_c\":1e999\xFF"),
    ROW("{\"device_id\":5\xFF"),
    ROW("{\"device_id\":5,\xFF"),
    ROW("[\xFF"),
    ROW("\"\xFF\""),
    ROW("\xE2\x82"),
    ROW("{\"device_id\":\"\xED\xA0\x80\"}"),
};

static void test_rows_decode_as_their_lossy_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect_same_as_lossy_text(rows[i].in, rows[i].len);
}

/* A fixed sequence of records with bytes changed, inserted and cut: the same seed gives the
 * same inputs on every run. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_mutated_records_decode_as_their_lossy_text(void **state)
{
    (void)state;
    static const char *const bases[] = {
        "{\"device_id\":\"ESP32-001\",\"temperature_c\":21.5,\"humidity_percent\":60.2,"
        "\"timestamp\":1678886400}",
        "{ \"device_id\" : \"d\\u00e9\" , \"timestamp\" : 1 , \"humidity_percent\" : -0.0 ,"
        " \"temperature_c\" : 1e-3 , \"extra\" : [ {\"a\" : null} , true , \"s\" ] }",
        "{\"timestamp\":18446744073709551615,\"device_id\":\"x\"}",
    };
    static const unsigned char odd[] = {0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF,
                                        '"',  '\\', '}',  ',',  ' ',  '\n', 'e',  '-'};
    uint32_t seed = 0x5EED1234u;
    unsigned char buf[512];
    for (int n = 0; n < 20000; n++) {
        const char *base = bases[next_random(&seed) % 3];
        size_t len = strlen(base);
        memcpy(buf, base, len);
        int edits = 1 + (int)(next_random(&seed) % 3);
        for (int e = 0; e < edits; e++) {
            size_t at = next_random(&seed) % (len + 1);
            unsigned char b = odd[next_random(&seed) % sizeof odd];
            switch (next_random(&seed) % 3) {
            case 0: /* change */
                if (at < len)
                    buf[at] = b;
                break;
            case 1: /* insert */
                if (len < sizeof buf) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = b;
                    len++;
                }
                break;
            default: /* cut */
                len = at;
                break;
            }
        }
        expect_same_as_lossy_text(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_decode_as_their_lossy_text),
        cmocka_unit_test(test_mutated_records_decode_as_their_lossy_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
