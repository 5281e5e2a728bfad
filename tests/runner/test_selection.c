/* test_selection.c -- the one selection rule of run and list, and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "load/selection.h"
#include "status.h"

static struct cf_case *make(const char *id, enum cf_level level, const char *keywords)
{
    char text[512];
    snprintf(text, sizeof text, "id: %s\ntitle: t\nrequirement: T-1\nlevel: %s\nkeywords: %s\n\n"
             "sleep 1\n", id, cf_level_name(level), keywords);
    struct cf_case *c;
    char err[256];
    assert_int_equal(cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err,
                              sizeof err), 0);
    return c;
}

static void test_selection_rules(void **state)
{
    (void)state;
    struct cf_case *a = make("s.001", CF_LEVEL_CORE, "ascii basic");
    struct cf_case *b = make("s.002", CF_LEVEL_ROBUST, "bytes basics");
    struct cf_case *c = make("s.013", CF_LEVEL_STRESS, "flood slow");
    struct selection sel;
    selection_init(&sel);
    assert_true(selection_matches(&sel, a) && selection_matches(&sel, b) &&
                selection_matches(&sel, c));
    assert_false(selection_narrows(&sel));
    /* Globs: any of them (OR). */
    assert_int_equal(selection_add_glob(&sel, "s.00*"), 0);
    assert_true(selection_matches(&sel, a) && selection_matches(&sel, b));
    assert_false(selection_matches(&sel, c));
    assert_int_equal(selection_add_glob(&sel, "s.013"), 0);
    assert_true(selection_matches(&sel, c));
    /* Keywords: whole words, any wanted one (OR); "!" excludes whatever else matched. */
    assert_int_equal(selection_add_keyword(&sel, "basic"), 0);
    assert_true(selection_matches(&sel, a));
    assert_false(selection_matches(&sel, b)); /* "basics" is not "basic" */
    assert_int_equal(selection_add_keyword(&sel, "flood"), 0);
    assert_true(selection_matches(&sel, c));
    assert_int_equal(selection_add_keyword(&sel, "!ascii"), 0);
    assert_false(selection_matches(&sel, a));
    assert_true(selection_matches(&sel, c));
    /* Levels. */
    assert_int_equal(selection_set_levels(&sel, "core,stress"), 0);
    assert_true(selection_matches(&sel, c));
    assert_int_equal(selection_set_levels(&sel, "robust"), 0);
    assert_false(selection_matches(&sel, c));
    assert_int_equal(selection_set_levels(&sel, "bogus"), WC_ERR_INVALID);
    assert_int_equal(selection_set_levels(&sel, ""), WC_ERR_INVALID);
    assert_int_equal(selection_set_levels(&sel, "core,"), 0);
    char what[256];
    selection_describe(&sel, what, sizeof what);
    assert_string_equal(what, "--case s.00* --case s.013 --keyword basic --keyword flood "
                              "--keyword !ascii --level core");
    /* Refused words. */
    assert_int_equal(selection_add_keyword(&sel, ""), WC_ERR_INVALID);
    assert_int_equal(selection_add_keyword(&sel, "!"), WC_ERR_INVALID);
    assert_int_equal(selection_add_keyword(&sel, "a b"), WC_ERR_INVALID);
    assert_int_equal(selection_add_glob(&sel, ""), WC_ERR_INVALID);
    for (int i = 0; sel.n_globs < SELECTION_MAX; i++)
        assert_int_equal(selection_add_glob(&sel, "x"), 0);
    assert_int_equal(selection_add_glob(&sel, "x"), WC_ERR_TOO_LONG);
    cf_free(a);
    cf_free(b);
    cf_free(c);
}

static void test_selection_suggests_near_ids_only(void **state)
{
    (void)state;
    static const char *const ids[] = {"tcp-echo", "tcp-echo-threaded", "udp-echo", "sensor",
                                      "sensor-client"};
    assert_string_equal(selection_suggest("sensr", ids, 5), "sensor");
    assert_string_equal(selection_suggest("tcp-ecoh", ids, 5), "tcp-echo");
    assert_string_equal(selection_suggest("udp_echo", ids, 5), "udp-echo");
    assert_null(selection_suggest("http", ids, 5));
    assert_null(selection_suggest("", ids, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selection_rules),
        cmocka_unit_test(test_selection_suggests_near_ids_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
