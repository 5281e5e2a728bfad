/* test_diagnose.c -- matching DIAGNOSES entries against the results of a hand-made run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load/fact.h"
#include "run/diagnose.h"

/* The cases of the run: id, keywords, how it ended, its reason and its facts. */
static const struct row {
    const char *id, *requirement, *keywords;
    enum outcome outcome;
    const char *reason, *facts;
} rows[] = {
    {"s.001", "SEN-1", "ack", OUT_FAIL, "byte 45 differs", "ack-temp-text got=21.50 want=21.5\n"},
    {"s.002", "SEN-2", "ack", OUT_FAIL, "byte 50 differs", "ack-temp-text got=1.00 want=1\n"},
    {"s.003", "SEN-4", "float", OUT_PASS, "", ""},
    {"s.004", "SEN-5", "error", OUT_TIMEOUT, "nothing more arrived", "nothing expected=ERROR:\n"},
    {"s.005", "SEN-7", "utf8", OUT_CRASH, "server killed by SIGABRT", "nothing expected=ACK:\n"},
    {"s.006", "SEN-12", "log", OUT_WARN, "no line of stdout matched", ""},
    {"s.007", "SEN-5", "error", OUT_TIMEOUT, "nothing more arrived", "nothing expected=ERROR:\n"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

struct fixture {
    struct cf_case *cases[N_ROWS];
    struct case_result res[N_ROWS];
    struct suite s;
    struct run_opts o;
    struct run run;
};

static char suite_name[] = "s";

static struct fixture *build(const char *diagnoses, unsigned unselected)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->s.name = suite_name;
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct row *w = &rows[i];
        char text[512], err[256] = "";
        snprintf(text, sizeof text, "id: %s\ntitle: t\nrequirement: %s\nlevel: core\n"
                 "keywords: %s\n\nconnect a\nsend a \"hi\"\n", w->id, w->requirement, w->keywords);
        assert_int_equal(cf_parse(w->id, text, strlen(text), CF_KIND_CASE, NULL, &fx->cases[i],
                                  err, sizeof err), 0);
        struct case_result *r = &fx->res[i];
        r->c = fx->cases[i];
        r->selected = !((unselected >> i) & 1u);
        r->done = 1;
        engine_result_init(&r->play, 0);
        if (w->outcome == OUT_WARN) {
            verdict_set(&r->play.v, OUT_FAIL, 3, "%s", w->reason);
            verdict_relabel(&r->play.v, OUT_WARN);
        } else if (w->outcome != OUT_PASS) {
            verdict_set(&r->play.v, w->outcome, 3, "%s", w->reason);
        }
        assert_int_equal(bytes_puts(&r->play.facts, w->facts), 0);
    }
    fx->run.o = &fx->o;
    fx->run.s = &fx->s;
    fx->run.res = fx->res;
    fx->run.n = N_ROWS;
    char err[256] = "";
    assert_int_equal(diagnosis_parse("D", diagnoses, strlen(diagnoses), &fx->s.diag, err,
                                     sizeof err), 0);
    assert_int_equal(diagnose_run(&fx->run), 0);
    return fx;
}

static void destroy(struct fixture *fx)
{
    diagnose_cleanup(&fx->run);
    diagnosis_set_free(&fx->s.diag);
    for (size_t i = 0; i < N_ROWS; i++) {
        engine_result_cleanup(&fx->res[i].play);
        cf_free(fx->cases[i]);
    }
    free(fx);
}

/* The ids diagnosis |k| explains, blank-separated. */
static const char *explained(const struct fixture *fx, size_t k)
{
    static char buf[256];
    size_t o = 0;
    buf[0] = 0;
    for (size_t j = 0; j < fx->run.diag[k].n && o < sizeof buf; j++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", j ? " " : "",
                              fx->res[fx->run.diag[k].cases[j]].c->id);
    return buf;
}

static const char *headline(const struct fixture *fx, size_t k)
{
    static char buf[512];
    struct bytes b;
    bytes_init(&b, 0);
    assert_int_equal(diagnose_headline(&fx->run, k, &b), 0);
    snprintf(buf, sizeof buf, "%s", bytes_str(&b));
    bytes_cleanup(&b);
    return buf;
}

static void test_diagnose_groups_by_fact_and_fills_placeholders(void **state)
{
    (void)state;
    struct fixture *fx = build("diagnosis: temp\nrequirement: SEN-4\n"
                               "when: fact ack-temp-text\n"
                               "text: printed as {got} where {want} is due, {} style\n", 0);
    assert_int_equal(fx->run.n_diag, 1);
    assert_string_equal(explained(fx, 0), "s.001 s.002");
    /* The values come from the first case explained. */
    assert_string_equal(fx->run.diag[0].text, "printed as 21.50 where 21.5 is due, {} style");
    assert_string_equal(headline(fx, 0), "2 cases fail because printed as 21.50 where 21.5 is "
                                         "due, {} style (SEN-4)");
    assert_int_equal(fx->res[0].diagnosis, 0);
    assert_int_equal(fx->res[2].diagnosis, -1); /* passed */
    assert_int_equal(fx->res[3].diagnosis, -1);
    destroy(fx);

    /* The values are those of a case it explains: s.001 has the fact but is left out. */
    fx = build("diagnosis: temp\nrequirement: SEN-4\nwhen: fact ack-temp-text\n"
               "unless: case s.001\ntext: printed as {got}\n", 0);
    assert_string_equal(explained(fx, 0), "s.002");
    assert_string_equal(fx->run.diag[0].text, "printed as 1.00");
    destroy(fx);
}

static void test_diagnose_first_match_keeps_a_case(void **state)
{
    (void)state;
    struct fixture *fx = build("diagnosis: crash\nrequirement: SEN-18\nwhen: outcome crash\n"
                               "text: it died\n\n"
                               "diagnosis: silent\nrequirement: SEN-5\nwhen: fact nothing\n"
                               "text: no answer\n\n"
                               "diagnosis: never\nrequirement: SEN-5\n"
                               "when: fact nothing expected=ERROR:\ntext: shadowed\n", 0);
    /* s.005 has "nothing" too, but the crash diagnosis came first; "never" is left nothing. */
    assert_int_equal(fx->run.n_diag, 2);
    assert_string_equal(fx->run.diag[0].d->id, "crash");
    assert_string_equal(explained(fx, 0), "s.005");
    assert_string_equal(explained(fx, 1), "s.004 s.007");
    assert_int_equal(fx->res[4].diagnosis, 0);
    assert_int_equal(fx->res[3].diagnosis, 1);
    destroy(fx);
}

static void test_diagnose_run_level_conditions_and_min(void **state)
{
    (void)state;
    /* fails: holds (s.004 timed out), passes: holds (s.003 passed). */
    struct fixture *fx = build("diagnosis: a\nrequirement: R-1\nfails: s.004\npasses: s.003\n"
                               "when: requirement SEN-5\ntext: t\n", 0);
    assert_int_equal(fx->run.n_diag, 1);
    assert_string_equal(explained(fx, 0), "s.004 s.007");
    destroy(fx);
    /* passes: names a failing case, fails: a passing one, or a case not selected: no match. */
    static const char *const off[] = {
        "diagnosis: a\nrequirement: R-1\npasses: s.001\nwhen: requirement SEN-5\ntext: t\n",
        "diagnosis: a\nrequirement: R-1\nfails: s.003\nwhen: requirement SEN-5\ntext: t\n",
        "diagnosis: a\nrequirement: R-1\nfails: s.404\nwhen: requirement SEN-5\ntext: t\n",
        "diagnosis: a\nrequirement: R-1\nwhen: requirement SEN-5\nmin: 3\ntext: t\n",
    };
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
        fx = build(off[i], 0);
        assert_int_equal(fx->run.n_diag, 0);
        for (size_t k = 0; k < N_ROWS; k++)
            assert_int_equal(fx->res[k].diagnosis, -1);
        destroy(fx);
    }
    /* An unselected case neither counts for fails: nor is explained. */
    fx = build("diagnosis: a\nrequirement: R-1\nfails: s.004\nwhen: requirement SEN-5\n"
               "text: t\n", 1u << 3);
    assert_int_equal(fx->run.n_diag, 0);
    destroy(fx);
    fx = build("diagnosis: a\nrequirement: R-1\nwhen: requirement SEN-5\ntext: t\n", 1u << 3);
    assert_string_equal(explained(fx, 0), "s.007");
    assert_string_equal(headline(fx, 0), "1 case fails because t (R-1)");
    destroy(fx);
}

static void test_diagnose_tests_of_a_case(void **state)
{
    (void)state;
    struct fixture *fx = build(
        "diagnosis: kw\nrequirement: R-1\nwhen: keyword utf8 log\nunless: outcome crash\n"
        "text: t\n\n"
        "diagnosis: glob\nrequirement: R-2\nwhen: case s.00[12]\ntext: t\n\n"
        "diagnosis: rs\nrequirement: R-3\nwhen: reason nothing more | reason SIGABRT\n"
        "when: outcome timeout crash\ntext: t\n", 0);
    assert_int_equal(fx->run.n_diag, 3);
    assert_string_equal(explained(fx, 0), "s.006");
    /* A warning alone: the headline says what a warning is. */
    assert_true(fx->run.diag[0].warn_only);
    assert_string_equal(headline(fx, 0), "1 case falls short of a SHOULD because t (R-1)");
    assert_string_equal(explained(fx, 1), "s.001 s.002");
    assert_false(fx->run.diag[1].warn_only);
    assert_string_equal(explained(fx, 2), "s.004 s.005 s.007");
    destroy(fx);
}

static void test_diagnose_nothing_for_a_run_that_did_not_start(void **state)
{
    (void)state;
    struct fixture *fx = build("diagnosis: a\nrequirement: R-1\nwhen: requirement SEN-5\n"
                               "text: t\n", 0);
    diagnose_cleanup(&fx->run);
    fx->run.fatal = RUN_EXIT_TARGET;
    assert_int_equal(diagnose_run(&fx->run), 0);
    assert_int_equal(fx->run.n_diag, 0);
    /* Cases that could not run are never explained either. */
    fx->run.fatal = 0;
    for (size_t i = 0; i < N_ROWS; i++)
        fx->res[i].not_run = 1;
    assert_int_equal(diagnose_run(&fx->run), 0);
    assert_int_equal(fx->run.n_diag, 0);
    destroy(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diagnose_groups_by_fact_and_fills_placeholders),
        cmocka_unit_test(test_diagnose_first_match_keeps_a_case),
        cmocka_unit_test(test_diagnose_run_level_conditions_and_min),
        cmocka_unit_test(test_diagnose_tests_of_a_case),
        cmocka_unit_test(test_diagnose_nothing_for_a_run_that_did_not_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
