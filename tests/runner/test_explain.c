/* test_explain.c -- the protocol-aware readings of a difference, and the facts they record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/explain.h"

/* |want| against |got| (binary-safe lengths) says |says| (NULL: nothing) and records exactly
 * the fact lines |facts| ("" for none). */
static void check_n(const char *want, size_t wl, const char *got, size_t gl, const char *says,
                    const char *facts)
{
    size_t at = 0;
    while (at < wl && at < gl && want[at] == got[at])
        at++;
    struct bytes out, f;
    bytes_init(&out, 0);
    bytes_init(&f, 0);
    assert_int_equal(explain_difference(&out, &f, (const unsigned char *)want, wl,
                                        (const unsigned char *)got, gl, at), 0);
    if (says)
        assert_non_null(strstr(bytes_str(&out), says));
    else
        assert_int_equal(out.len, 0);
    assert_string_equal(bytes_str(&f), facts);
    bytes_cleanup(&out);
    bytes_cleanup(&f);
}

static void check(const char *want, const char *got, const char *says, const char *facts)
{
    check_n(want, strlen(want), got, strlen(got), says, facts);
}

static void test_explain_sensor_acks(void **state)
{
    (void)state;
    check("ACK: Received data from ESP32-001 (Temp: 21.5C)\n",
          "ACK: Received data from ESP32-001 (Temp: 21.50C)\n",
          "the right number written another way: 21.50, where the chapter's server prints 21.5",
          "ack-temp-text got=21.50 want=21.5\n");
    check("ACK: Received data from x (Temp: 21C)\n", "ACK: Received data from x (Temp: 21.0C)\n",
          "(SEN-4)", "ack-temp-text got=21.0 want=21\n");
    check("ACK: Received data from x (Temp: 21C)\n", "ACK: Received data from x (Temp: 22C)\n",
          "the temperature differs: 22, expected 21", "ack-temp-value got=22 want=21\n");
    /* A device id with a blank is escaped in the fact, so a fact line stays one line of
     * blank-separated fields. */
    check("ACK: Received data from a (Temp: 1C)\n", "ACK: Received data from b c (Temp: 1C)\n",
          "names device \"b c\", the record's device_id is \"a\"",
          "ack-device got=b\\x20c want=a\n");
    check("ACK: Received data from (Temp: C)\n", "ACK: nonsense\n", NULL, "");
}

static void test_explain_parser_strictness(void **state)
{
    (void)state;
    check("ERROR: invalid JSON\n", "ACK: Received data from x (Temp: 1C)\n",
          "its parser accepts what serde_json rejects",
          "ack-not-error line=ACK:\\x20Received\\x20data\\x20from\\x20x\\x20(Temp:\\x201C)\n");
    check("ACK: Received data from x (Temp: 1C)\n", "ERROR: missing field\n",
          "ERROR came for input serde_json accepts",
          "error-not-ack line=ERROR:\\x20missing\\x20field\n");
}

static void test_explain_lines_and_case(void **state)
{
    (void)state;
    check("hello\n", "hello\r\n", "ends with \\r\\n", "crlf\n");
    check("hello\n", "hello", "the line is not ended", "no-newline\n");
    check("Hello, World\n", "HELLO, WORLD\n", "letter case only", "letter-case\n");
    check("abc\n", "abd\n", NULL, "");
    /* Nothing received: the buffer is NULL, which must not be offset (UBSan). */
    struct bytes out, f;
    bytes_init(&out, 0);
    bytes_init(&f, 0);
    assert_int_equal(explain_difference(&out, &f, (const unsigned char *)"\n", 1, NULL, 0, 0), 0);
    assert_non_null(strstr(bytes_str(&out), "the line is not ended"));
    assert_int_equal(explain_difference(&out, &f, NULL, 0, NULL, 0, 0), 0);
    bytes_cleanup(&out);
    bytes_cleanup(&f);
}

static void test_explain_echo_streams(void **state)
{
    (void)state;
    /* The last byte of each read lost: "Hello" then "World" of "Hello\nWorld\n". */
    check("Hello\nWorld\n", "HelloWorld", "1 expected byte after byte 5 is missing",
          "skipped n=1 at=5\n");
    check("abcdefghijklmnopqrstuvwxyz", "abcdefghijmnopqrstuvwxyz", "2 expected bytes",
          "skipped n=2 at=10\n");
    /* Each read written twice. */
    check("first line\nsecond line\n", "first line\nfirst line\n", "come again: written twice",
          "repeated at=11 from=0\n");
    /* strlen() on binary data: the echo ends at the NUL. */
    check_n("ab\0cd\n", 6, "ab\n", 3, "is a NUL (0x00)", "nul-byte at=2\n");
    /* Two short, unrelated differences say nothing. */
    check("0123456789", "01234xyz", NULL, "");
}

static void test_explain_short_replies(void **state)
{
    (void)state;
    struct bytes out, f;
    bytes_init(&out, 0);
    bytes_init(&f, 0);
    assert_int_equal(explain_short(&out, &f, NULL, 0, 512, 1000), 0);
    assert_non_null(strstr(bytes_str(&out), "exactly 512 bytes came, a power of two"));
    assert_string_equal(bytes_str(&f), "short got=512 missing=488\nshort-pow2 got=512\n");
    bytes_cleanup(&out);
    bytes_cleanup(&f);

    const char *want = "ERROR: bad\n";
    assert_int_equal(explain_short(&out, &f, (const unsigned char *)want, strlen(want), 0,
                                   strlen(want)), 0);
    assert_non_null(strstr(bytes_str(&out), "nothing at all came back"));
    assert_string_equal(bytes_str(&f), "short got=0 missing=11\nnothing expected=ERROR:\n");
    bytes_cleanup(&out);
    bytes_cleanup(&f);

    /* A line echo that waits for its \n: the bytes after the last one never come. */
    const char *sent = "line one\nno newline";
    assert_int_equal(explain_short(&out, &f, (const unsigned char *)sent, strlen(sent), 9,
                                   strlen(sent)), 0);
    assert_int_equal(out.len, 0);
    assert_string_equal(bytes_str(&f), "short got=9 missing=10\nunended-line missing=10\n");
    bytes_cleanup(&out);
    bytes_cleanup(&f);

    assert_int_equal(explain_short(&out, &f, NULL, 0, 300, 1000), 0);
    assert_int_equal(out.len, 0);
    bytes_cleanup(&out);
    bytes_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_sensor_acks),
        cmocka_unit_test(test_explain_parser_strictness),
        cmocka_unit_test(test_explain_lines_and_case),
        cmocka_unit_test(test_explain_echo_streams),
        cmocka_unit_test(test_explain_short_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
