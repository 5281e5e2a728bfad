/* test_explain.c -- the protocol-aware readings of a difference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/explain.h"

static void check(const char *want, const char *got, const char *says)
{
    size_t at = 0;
    while (want[at] && got[at] && want[at] == got[at])
        at++;
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(explain_difference(&out, (const unsigned char *)want, strlen(want),
                                        (const unsigned char *)got, strlen(got), at), 0);
    if (says)
        assert_non_null(strstr(bytes_str(&out), says));
    else
        assert_int_equal(out.len, 0);
    bytes_cleanup(&out);
}

static void test_explain_differences(void **state)
{
    (void)state;
    check("ACK: Received data from ESP32-001 (Temp: 21.5C)\n",
          "ACK: Received data from ESP32-001 (Temp: 21.50C)\n",
          "the right number written another way: 21.50, where the chapter's server prints 21.5");
    check("ACK: Received data from x (Temp: 21C)\n", "ACK: Received data from x (Temp: 21.0C)\n",
          "(SEN-4)");
    check("ACK: Received data from x (Temp: 21C)\n", "ACK: Received data from x (Temp: 22C)\n",
          "the temperature differs: 22, expected 21");
    check("ACK: Received data from a (Temp: 1C)\n", "ACK: Received data from b (Temp: 1C)\n",
          "names device \"b\", the record's device_id is \"a\"");
    check("hello\n", "hello\r\n", "ends with \\r\\n");
    check("hello\n", "hello", "the line is not ended");
    check("Hello, World\n", "HELLO, WORLD\n", "letter case only");
    check("abc\n", "abd\n", NULL);
    check("ACK: Received data from (Temp: C)\n", "ACK: nonsense\n", NULL);
    /* Nothing received: the buffer is NULL, which must not be offset (UBSan). */
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(explain_difference(&out, (const unsigned char *)"\n", 1, NULL, 0, 0), 0);
    assert_non_null(strstr(bytes_str(&out), "the line is not ended"));
    assert_int_equal(explain_difference(&out, NULL, 0, NULL, 0, 0), 0);
    bytes_cleanup(&out);
}

static void test_explain_short_replies(void **state)
{
    (void)state;
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(explain_short(&out, 512, 1000), 0);
    assert_non_null(strstr(bytes_str(&out), "exactly 512 bytes came, a power of two"));
    bytes_consume(&out, out.len);
    assert_int_equal(explain_short(&out, 0, 10), 0);
    assert_non_null(strstr(bytes_str(&out), "nothing at all came back"));
    bytes_cleanup(&out);
    bytes_init(&out, 0);
    assert_int_equal(explain_short(&out, 300, 1000), 0);
    assert_int_equal(out.len, 0);
    bytes_cleanup(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_differences),
        cmocka_unit_test(test_explain_short_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
