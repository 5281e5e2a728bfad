/* test_lines.c -- the line reader of the key: value files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load/lines.h"
#include "status.h"

static void test_lines_cut_and_check(void **state)
{
    (void)state;
    static const char text[] = "one\r\n\ttwo  \n\nlast";
    char err[128] = "";
    struct lines l;
    lines_init(&l, "F", text, strlen(text), 16, err, sizeof err);
    const char *s, *e;
    assert_int_equal(lines_next(&l, &s, &e), 1);
    assert_int_equal(e - s, 3); /* the \r is dropped */
    assert_memory_equal(s, "one", 3);
    assert_int_equal(lines_next(&l, &s, &e), 1);
    lines_trim(&s, &e);
    assert_int_equal(e - s, 3);
    assert_memory_equal(s, "two", 3);
    assert_int_equal(lines_next(&l, &s, &e), 1);
    assert_int_equal(e - s, 0);
    assert_int_equal(lines_next(&l, &s, &e), 1); /* a last line without its \n */
    assert_int_equal(l.line, 4);
    assert_memory_equal(s, "last", 4);
    assert_int_equal(lines_next(&l, &s, &e), 0);

    lines_init(&l, "F", "ok\nthis line is too long\n", 25, 16, err, sizeof err);
    assert_int_equal(lines_next(&l, &s, &e), 1);
    assert_int_equal(lines_next(&l, &s, &e), WC_ERR_TOO_LONG);
    assert_string_equal(err, "F:2: line longer than 16 bytes");
    lines_init(&l, "F", "a\x01\n", 3, 16, err, sizeof err);
    assert_int_equal(lines_next(&l, &s, &e), WC_ERR_INVALID);
    assert_string_equal(err, "F:1: control byte 0x01");
    /* A message before any line names line 1. */
    lines_init(&l, "F", "", 0, 16, err, sizeof err);
    assert_int_equal(lines_fail(&l, WC_ERR_INVALID, "empty %s", "file"), WC_ERR_INVALID);
    assert_string_equal(err, "F:1: empty file");
    char *d = lines_dup("abc", 2);
    assert_string_equal(d, "ab");
    free(d);
    assert_true(lines_blank('\t') && lines_blank(' ') && !lines_blank('x'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_cut_and_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
