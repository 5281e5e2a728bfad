/* test_fact.c -- the catalogue of facts and their one-line text form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "load/fact.h"

static void test_fact_catalogue_names_and_keys(void **state)
{
    (void)state;
    for (int k = 0; k < FACT_COUNT; k++) {
        const struct fact_info *fi = fact_info((enum fact_kind)k);
        assert_non_null(fi);
        assert_non_null(fi->meaning);
        /* Every name is found again, and no two kinds share one. */
        assert_int_equal(fact_lookup(fi->name, strlen(fi->name)), k);
    }
    assert_null(fact_info(FACT_COUNT));
    assert_int_equal(fact_lookup("skipped", 7), FACT_SKIPPED);
    assert_int_equal(fact_lookup("skip", 4), -1);
    assert_int_equal(fact_lookup("skippedx", 8), -1);
    assert_true(fact_has_key(FACT_SKIPPED, "n", 1));
    assert_true(fact_has_key(FACT_SKIPPED, "at", 2));
    assert_false(fact_has_key(FACT_SKIPPED, "a", 1));
    assert_false(fact_has_key(FACT_CRLF, "n", 1));
}

static void test_fact_lines_escape_and_find(void **state)
{
    (void)state;
    struct bytes f;
    bytes_init(&f, 0);
    assert_int_equal(fact_add(&f, FACT_SKIPPED, "1", "5"), 0);
    assert_int_equal(fact_add(&f, FACT_ACK_DEVICE, "a b=c\\\n\xff", "x"), 0);
    assert_int_equal(fact_add(&f, FACT_CRLF, NULL, NULL), 0);
    /* A value is one field: blank, '=', backslash, newline and non-ASCII are escaped. */
    assert_string_equal(bytes_str(&f), "skipped n=1 at=5\n"
                                       "ack-device got=a\\x20b\\x3dc\\x5c\\x0a\\xff want=x\n"
                                       "crlf\n");
    /* Too few values for the kind's keys is refused, and adds nothing. */
    size_t len = f.len;
    assert_int_not_equal(fact_add(&f, FACT_SKIPPED, "1", NULL), 0);
    assert_int_equal(f.len, len);

    const char *s = bytes_str(&f);
    const char *n1[] = {"n=1"}, *n2[] = {"n=2"}, *both[] = {"at=5", "n=1"};
    assert_ptr_equal(fact_find(s, "skipped", NULL, 0), s);
    assert_ptr_equal(fact_find(s, "skipped", n1, 1), s);
    assert_ptr_equal(fact_find(s, "skipped", both, 2), s);
    assert_null(fact_find(s, "skipped", n2, 1));
    /* A name matches the first field only, whole: "n=1" is no fact, "skip" no prefix. */
    assert_null(fact_find(s, "n=1", NULL, 0));
    assert_null(fact_find(s, "skip", NULL, 0));
    assert_non_null(fact_find(s, "crlf", NULL, 0));
    assert_null(fact_find("", "crlf", NULL, 0));

    char v[FACT_VALUE_MAX + 1];
    fact_value(fact_find(s, "ack-device", NULL, 0), "want", v, sizeof v);
    assert_string_equal(v, "x");
    fact_value(s, "at", v, sizeof v);
    assert_string_equal(v, "5");
    fact_value(s, "missing", v, sizeof v);
    assert_string_equal(v, "");
    /* The key of another line is not this line's. */
    fact_value(s, "want", v, sizeof v);
    assert_string_equal(v, "");
    bytes_cleanup(&f);
}

static void test_fact_long_values_are_cut_and_full_buffers_keep_whole_lines(void **state)
{
    (void)state;
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    struct bytes f;
    bytes_init(&f, 0);
    assert_int_equal(fact_add(&f, FACT_ACK_NOT_ERROR, big, NULL), 0);
    char v[256];
    fact_value(bytes_str(&f), "line", v, sizeof v);
    assert_true(strlen(v) <= FACT_VALUE_MAX);
    assert_true(strlen(v) > 0);
    bytes_cleanup(&f);
    /* A buffer that cannot take the whole line takes none of it. */
    bytes_init(&f, 10);
    assert_int_not_equal(fact_add(&f, FACT_SKIPPED, "12345", "67890"), 0);
    assert_int_equal(f.len, 0);
    bytes_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fact_catalogue_names_and_keys),
        cmocka_unit_test(test_fact_lines_escape_and_find),
        cmocka_unit_test(test_fact_long_values_are_cut_and_full_buffers_keep_whole_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
