/* test_spec.c -- SPEC.md requirements and the DISABLED / baseline id lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "load/idlist.h"
#include "load/spec.h"
#include "status.h"

static void test_spec_parses_requirements(void **state)
{
    (void)state;
    const char *text = "# Title\n\nintro\n\n## Section\n\n"
                       "### SEN-4 [MUST, core] One reply per line\n"
                       "The server MUST answer.\nSecond line.\n\nCases: sensor.004, sensor.005\n"
                       "### Notes\nnot a requirement\n"
                       "### ECHO-10 [SHOULD, stress] Load\nText.\nCases: tcp-echo.030\n";
    struct spec s;
    char err[256];
    assert_int_equal(spec_parse("SPEC.md", text, strlen(text), &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    const struct spec_req *r = spec_find(&s, "SEN-4");
    assert_non_null(r);
    assert_string_equal(r->strength, "MUST");
    assert_int_equal(r->level, 0);
    assert_string_equal(r->title, "One reply per line");
    assert_string_equal(r->text, "The server MUST answer.\nSecond line.");
    assert_int_equal(r->n_cases, 2);
    assert_string_equal(r->cases[1], "sensor.005");
    assert_int_equal(r->line, 7);
    r = spec_find(&s, "ECHO-10");
    assert_non_null(r);
    assert_int_equal(r->level, 2);
    assert_string_equal(r->text, "Text.");
    assert_null(spec_find(&s, "SEN-5"));
    spec_free(&s);
}

struct bad_row {
    const char *label;
    const char *text;
    const char *message;
};

static void test_spec_rejects_malformed_headings(void **state)
{
    (void)state;
    static const struct bad_row rows[] = {
        {"no brackets", "### SEN-1 MUST core Title\n", "SPEC.md:1: expected '[MUST, core]'"},
        {"bad strength", "### SEN-1 [MAYBE, core] T\n", "SPEC.md:1: strength must be"},
        {"bad level", "### SEN-1 [MUST, hard] T\n", "SPEC.md:1: level must be"},
        {"defined twice", "### A-1 [MUST, core] T\n### A-1 [MUST, core] T\n",
         "SPEC.md:2: requirement A-1 defined twice"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct spec s;
        char err[256] = "";
        int rc = spec_parse("SPEC.md", rows[i].text, strlen(rows[i].text), &s, err, sizeof err);
        if (rc >= 0 || !strstr(err, rows[i].message))
            print_error("row '%s': %d '%s'\n", rows[i].label, rc, err);
        assert_int_equal(rc, WC_ERR_INVALID);
        assert_non_null(strstr(err, rows[i].message));
    }
}

static void test_idlist_parses_ids_reasons_and_globs(void **state)
{
    (void)state;
    const char *text = "# comment\n\nsensor.063   parses each read()  \r\n  udp-echo.0*\ttruncates\n"
                       "tcp-echo.001\n";
    struct idlist l;
    char err[256];
    assert_int_equal(idlist_parse("b.txt", text, strlen(text), &l, err, sizeof err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.e[0].id, "sensor.063");
    assert_string_equal(l.e[0].reason, "parses each read()");
    assert_int_equal(l.e[1].line, 4);
    assert_string_equal(l.e[2].reason, "");
    assert_non_null(idlist_find(&l, "udp-echo.013"));
    assert_int_equal(l.e[1].used, 1);
    assert_null(idlist_find(&l, "sensor.064"));
    assert_int_equal(l.e[2].used, 0);
    idlist_free(&l);
    const char *bad = "ok.001\nbad\x01id why\n";
    assert_int_equal(idlist_parse("b.txt", bad, strlen(bad), &l, err, sizeof err),
                     WC_ERR_INVALID);
    assert_non_null(strstr(err, "b.txt:2: a case id must be printable ASCII"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_parses_requirements),
        cmocka_unit_test(test_spec_rejects_malformed_headings),
        cmocka_unit_test(test_idlist_parses_ids_reasons_and_globs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
