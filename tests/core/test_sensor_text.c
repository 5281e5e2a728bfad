/* test_sensor_text.c -- the Debug text's escape table and sensor_debug_put's buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensor.h"
#include "textbuf.h"

/* The ranges Rust's <str as Debug> escapes as \u{..}, as sensor_text.c documents them (the
 * list the bitmap and the sorted table were made from), searched the slow way. */
static const uint32_t SPEC[][2] = {
    {0x0000, 0x001F}, {0x007F, 0x00A0}, {0x00AD, 0x00AD}, {0x0300, 0x036F}, {0x0378, 0x0379},
    {0x0380, 0x0383}, {0x038B, 0x038B}, {0x038D, 0x038D}, {0x03A2, 0x03A2}, {0x0483, 0x0489},
    {0x0530, 0x0530}, {0x0557, 0x0558}, {0x058B, 0x058C}, {0x0590, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05CF}, {0x05EB, 0x05EE}, {0x05F5, 0x0605},
    {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DD},
    {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x070E, 0x070F}, {0x0711, 0x0711},
    {0x0730, 0x074C}, {0x07A6, 0x07B0}, {0x07B2, 0x07BF}, {0x07EB, 0x07F3}, {0x07FB, 0x07FD},
    {0x1680, 0x1680}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x2000, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x20D0, 0x20FF}, {0x3000, 0x3000}, {0xD7FC, 0xD7FF}, {0xE000, 0xF8FF},
    {0xFDD0, 0xFDEF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0xE0000, 0x10FFFF},
};

static int spec_escapes(uint32_t cp)
{
    for (size_t i = 0; i < sizeof SPEC / sizeof SPEC[0]; i++)
        if (cp >= SPEC[i][0] && cp <= SPEC[i][1])
            return 1;
    return 0;
}

static size_t encode(uint32_t cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Every code point (surrogates excluded) between two ASCII letters: escaped exactly as the
 * documented ranges say, with Rust's short escapes for \0 \t \r \n " and \. */
static void test_every_code_point_escaped_as_documented(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char id[8];
        size_t n = 0;
        id[n++] = 'x';
        n += encode(cp, id + n);
        id[n++] = 'y';
        struct sensor_record r = {.device_id = id, .device_id_len = n};
        char out[256];
        struct textbuf b;
        textbuf_init_fixed(&b, out, sizeof out);
        sensor_debug_put(&b, &r);

        char want[64];
        const char *shortesc = cp == 0 ? "\\0" : cp == '\t' ? "\\t" : cp == '\r' ? "\\r"
                               : cp == '\n' ? "\\n" : cp == '"' ? "\\\"" : cp == '\\' ? "\\\\"
                                                                                   : NULL;
        if (shortesc != NULL)
            snprintf(want, sizeof want, "\"x%sy\"", shortesc);
        else if (spec_escapes(cp))
            snprintf(want, sizeof want, "\"x\\u{%lx}y\"", (unsigned long)cp);
        else
            snprintf(want, sizeof want, "\"x%.*sy\"", (int)(n - 2), id + 1);
        const char *got = strstr(out, "device_id: ") + strlen("device_id: ");
        if (strncmp(got, want, strlen(want)) != 0 || got[strlen(want)] != ',')
            fail_msg("U+%04lX: got %.*s, want %s", (unsigned long)cp, (int)strlen(want), got, want);
    }
}

/* sensor_debug_put writes what sensor_debug returns, into a growable buffer after text that is
 * already there, and into a fixed one cut where it is full. */
static void test_debug_put_matches_sensor_debug(void **state)
{
    (void)state;
    char *id = malloc(3000);
    assert_non_null(id);
    for (size_t i = 0; i < 3000; i++)
        id[i] = (char)('a' + i % 26);
    id[10] = '"';
    struct sensor_record r = {.device_id = id,
                              .device_id_len = 3000,
                              .temperature_c = -21.25f,
                              .humidity_percent = 1e-7f,
                              .timestamp = UINT64_MAX};
    size_t len = 0;
    char *whole = sensor_debug(&r, &len);
    assert_non_null(whole);
    assert_int_equal(len, strlen(whole));
    assert_non_null(strstr(whole, ", temperature_c: -21.25, humidity_percent: 1e-7, "
                                  "timestamp: 18446744073709551615 }"));

    struct textbuf b;
    assert_true(textbuf_init_growable(&b, 4));
    textbuf_puts(&b, "> ");
    sensor_debug_put(&b, &r);
    size_t n = 0;
    char *grown = textbuf_finish(&b, &n);
    assert_non_null(grown);
    assert_int_equal(n, len + 2);
    assert_string_equal(grown + 2, whole);

    char small[100];
    textbuf_init_fixed(&b, small, sizeof small);
    sensor_debug_put(&b, &r);
    assert_int_equal(b.n, sizeof small - 1);
    assert_memory_equal(small, whole, sizeof small - 1);

    struct sensor_record none = {.temperature_c = 0.0f};
    textbuf_init_fixed(&b, small, sizeof small);
    sensor_debug_put(&b, &none);
    assert_string_equal(small, "SensorData { device_id: \"\", temperature_c: 0.0, "
                               "humidity_percent: 0.0, timestamp: 0 }");
    free(grown);
    free(whole);
    free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_point_escaped_as_documented),
        cmocka_unit_test(test_debug_put_matches_sensor_debug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
