/* test_order.c -- the order a run's workers take its cases in: longest first with several. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load/casefile.h"
#include "run/order.h"
#include "run/run.h"

#define HEADER "id: t.001\ntitle: t\nrequirement: T-1\n"

static struct cf_case *parse(const char *text)
{
    struct cf_case *c;
    char err[512];
    if (cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err, sizeof err) != 0)
        fail_msg("cf_parse: %s", err);
    return c;
}

static void test_least_ms_counts_sleeps_silences_and_send_pauses(void **state)
{
    (void)state;
    struct cf_case *c = parse(HEADER "connect a\nsleep 30\nsend a \"abcdefgh\" chunk=3 delay=7\n"
                                     "expect a \"abcdefgh\"\nexpect-silence a 20\n"
                                     "repeat 3\n  sleep 5\nend\nparallel 4\n  sleep 10\nend\n");
    /* 30 + two pauses of 7 between three chunks + 20 + 3 * 5 + 10 (the sessions at once) */
    assert_int_equal(run_least_ms(c->steps, c->n_steps), 30 + 14 + 20 + 15 + 10);
    cf_free(c);
}

static void test_order_is_longest_first_with_workers_and_suite_order_without(void **state)
{
    (void)state;
    struct cf_case *cases[4] = {parse(HEADER "sleep 5\n"), parse(HEADER "sleep 50\n"),
                                parse(HEADER "sleep 5\n"), parse(HEADER "sleep 500\n")};
    struct case_result res[4];
    memset(res, 0, sizeof res);
    for (int i = 0; i < 4; i++) {
        res[i].c = cases[i];
        res[i].selected = i != 2; /* one not selected: it is left out */
    }
    struct run run;
    memset(&run, 0, sizeof run);
    run.res = res;
    run.n = 4;
    run.n_selected = 3;
    size_t *two = run_order(&run, 2);
    assert_non_null(two);
    assert_int_equal(two[0], 3);
    assert_int_equal(two[1], 1);
    assert_int_equal(two[2], 0);
    size_t *one = run_order(&run, 1);
    assert_non_null(one);
    assert_int_equal(one[0], 0);
    assert_int_equal(one[1], 1);
    assert_int_equal(one[2], 3);
    free(two);
    free(one);
    for (int i = 0; i < 4; i++)
        cf_free(cases[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_least_ms_counts_sleeps_silences_and_send_pauses),
        cmocka_unit_test(test_order_is_longest_first_with_workers_and_suite_order_without),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
