/* test_verdict.c -- outcomes and verdicts: names, first failure wins, escalation, relabels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/verdict.h"

#define N_OUTCOMES 9

static const enum outcome all_outcomes[N_OUTCOMES] = {
    OUT_PASS, OUT_NONSTRICT, OUT_FLAKY, OUT_SKIP, OUT_UNSUPPORTED,
    OUT_WARN, OUT_FAIL,      OUT_TIMEOUT, OUT_CRASH,
};

/* A verdict holding |o| (a pass when o is OUT_PASS), decided at line 7 with reason "old". */
static void verdict_holding(struct verdict *v, enum outcome o)
{
    verdict_init(v);
    if (o != OUT_PASS)
        assert_int_equal(verdict_set(v, o, 7, "old"), 1);
    assert_int_equal(v->outcome, o);
}

struct name_row {
    int value;
    const char *name;
    int failure;
};

static void test_verdict_outcome_names_and_failures(void **state)
{
    (void)state;
    static const struct name_row rows[] = {
        {OUT_PASS, "pass", 0},
        {OUT_NONSTRICT, "non-strict", 0},
        {OUT_FLAKY, "flaky", 0},
        {OUT_SKIP, "skip", 0},
        {OUT_UNSUPPORTED, "unsupported", 0},
        {OUT_WARN, "warn", 0},
        {OUT_FAIL, "fail", 1},
        {OUT_TIMEOUT, "timeout", 1},
        {OUT_CRASH, "crash", 1},
        {OUT_COUNT, "?", 0},
        {OUT_COUNT + 1, "?", 0},
        {1000, "?", 0},
        {-1, "?", 0},
    };
    assert_int_equal(OUT_COUNT, N_OUTCOMES);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum outcome o = (enum outcome)rows[i].value;
        if (strcmp(outcome_name(o), rows[i].name) != 0 ||
            outcome_is_failure(o) != rows[i].failure)
            print_error("row %zu (value %d)\n", i, rows[i].value);
        assert_string_equal(outcome_name(o), rows[i].name);
        assert_int_equal(outcome_is_failure(o), rows[i].failure);
    }
}

static void test_verdict_init_makes_a_pass(void **state)
{
    (void)state;
    struct verdict v;
    memset(&v, 0x5a, sizeof v);
    verdict_init(&v);
    assert_int_equal(v.outcome, OUT_PASS);
    assert_int_equal(v.line, 0);
    assert_string_equal(v.reason, "");
    /* A zeroed struct is a pass too. */
    struct verdict z;
    memset(&z, 0, sizeof z);
    assert_int_equal(z.outcome, OUT_PASS);
}

static void test_verdict_set_first_non_pass_wins(void **state)
{
    (void)state;
    for (size_t i = 1; i < N_OUTCOMES; i++) {
        struct verdict v;
        verdict_init(&v);
        assert_int_equal(verdict_set(&v, all_outcomes[i], 12, "first %d", (int)i), 1);
        assert_int_equal(v.outcome, all_outcomes[i]);
        assert_int_equal(v.line, 12);
        char want[32];
        snprintf(want, sizeof want, "first %d", (int)i);
        assert_string_equal(v.reason, want);
        /* Whatever comes next is a consequence: nothing is replaced. */
        for (size_t k = 0; k < N_OUTCOMES; k++) {
            assert_int_equal(verdict_set(&v, all_outcomes[k], 99, "later"), 0);
            assert_int_equal(v.outcome, all_outcomes[i]);
            assert_int_equal(v.line, 12);
            assert_string_equal(v.reason, want);
        }
    }
}

static void test_verdict_set_never_records_a_pass(void **state)
{
    (void)state;
    struct verdict v;
    verdict_init(&v);
    assert_int_equal(verdict_set(&v, OUT_PASS, 5, "%s", "looks fine"), 0);
    assert_int_equal(v.outcome, OUT_PASS);
    assert_int_equal(v.line, 0);
    assert_string_equal(v.reason, "");
    /* The pass decided nothing: the next failure is still the first. */
    assert_int_equal(verdict_set(&v, OUT_TIMEOUT, 6, "no answer in %u ms", 1500u), 1);
    assert_int_equal(v.outcome, OUT_TIMEOUT);
    assert_int_equal(v.line, 6);
    assert_string_equal(v.reason, "no answer in 1500 ms");
}

static void test_verdict_set_truncates_a_long_reason(void **state)
{
    (void)state;
    char longer[700];
    memset(longer, 'r', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    struct verdict v;
    memset(&v, 0x5a, sizeof v);
    verdict_init(&v);
    assert_int_equal(verdict_set(&v, OUT_FAIL, 3, "why: %s", longer), 1);
    assert_int_equal(strlen(v.reason), sizeof v.reason - 1);
    assert_int_equal(strlen(v.reason), 511);
    assert_memory_equal(v.reason, "why: rrr", 8);
    assert_int_equal(v.reason[510], 'r');
    assert_int_equal(v.reason[511], 0);
    /* Exactly 511 characters fit whole. */
    longer[511] = 0;
    verdict_init(&v);
    assert_int_equal(verdict_set(&v, OUT_FAIL, 3, "%s", longer), 1);
    assert_string_equal(v.reason, longer);
}

static void test_verdict_escalate_table(void **state)
{
    (void)state;
    /* changes[current][new]: 1 when escalating |current| to |new| replaces it. Columns and
     * rows in all_outcomes order: pass non-strict flaky skip unsupported warn fail timeout
     * crash. */
    static const int changes[N_OUTCOMES][N_OUTCOMES] = {
        /* pass        */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* non-strict  */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* flaky       */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* skip        */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* unsupported */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* warn        */ {0, 0, 0, 0, 0, 0, 1, 1, 1},
        /* fail        */ {0, 0, 0, 0, 0, 0, 0, 0, 1},
        /* timeout     */ {0, 0, 0, 0, 0, 0, 0, 0, 1},
        /* crash       */ {0, 0, 0, 0, 0, 0, 0, 0, 0},
    };
    for (size_t cur = 0; cur < N_OUTCOMES; cur++) {
        for (size_t nw = 0; nw < N_OUTCOMES; nw++) {
            struct verdict v;
            verdict_holding(&v, all_outcomes[cur]);
            const char *old_reason = all_outcomes[cur] == OUT_PASS ? "" : "old";
            unsigned old_line = all_outcomes[cur] == OUT_PASS ? 0 : 7;
            int rc = verdict_escalate(&v, all_outcomes[nw], 9, "new %s", "finding");
            if (rc != changes[cur][nw])
                print_error("escalating %s to %s\n", outcome_name(all_outcomes[cur]),
                            outcome_name(all_outcomes[nw]));
            assert_int_equal(rc, changes[cur][nw]);
            if (rc) {
                assert_int_equal(v.outcome, all_outcomes[nw]);
                assert_int_equal(v.line, 9);
                assert_string_equal(v.reason, "new finding");
            } else {
                assert_int_equal(v.outcome, all_outcomes[cur]);
                assert_int_equal(v.line, old_line);
                assert_string_equal(v.reason, old_reason);
            }
        }
    }
}

static void test_verdict_escalate_may_quote_the_previous_reason(void **state)
{
    (void)state;
    struct verdict v;
    verdict_init(&v);
    assert_int_equal(verdict_set(&v, OUT_FAIL, 4, "expected %s", "\"hi\""), 1);
    assert_int_equal(verdict_escalate(&v, OUT_CRASH, 0, "server died; before that: %s",
                                      v.reason), 1);
    assert_int_equal(v.outcome, OUT_CRASH);
    assert_int_equal(v.line, 0);
    assert_string_equal(v.reason, "server died; before that: expected \"hi\"");

    /* A reason quoted after a prefix, at the limit: truncated, not overrun or garbled. */
    char full[600];
    memset(full, 'q', sizeof full - 1);
    full[sizeof full - 1] = 0;
    verdict_init(&v);
    assert_int_equal(verdict_set(&v, OUT_TIMEOUT, 2, "%s", full), 1);
    assert_int_equal(strlen(v.reason), 511);
    assert_int_equal(verdict_escalate(&v, OUT_CRASH, 3, "crash; %s|%s", v.reason, v.reason), 1);
    assert_int_equal(strlen(v.reason), 511);
    assert_memory_equal(v.reason, "crash; qqqq", 11);
    assert_int_equal(strspn(v.reason + 7, "q"), 511 - 7);
}

struct relabel_row {
    enum outcome current;
    enum outcome target;
    int relabelled;
};

static void test_verdict_relabel_only_failures(void **state)
{
    (void)state;
    static const struct relabel_row rows[] = {
        {OUT_FAIL, OUT_FLAKY, 1},        {OUT_TIMEOUT, OUT_FLAKY, 1},
        {OUT_CRASH, OUT_FLAKY, 1},       {OUT_FAIL, OUT_WARN, 1},
        {OUT_TIMEOUT, OUT_WARN, 1},      {OUT_CRASH, OUT_WARN, 1},
        {OUT_FAIL, OUT_PASS, 0},         {OUT_FAIL, OUT_SKIP, 0},
        {OUT_FAIL, OUT_NONSTRICT, 0},    {OUT_FAIL, OUT_UNSUPPORTED, 0},
        {OUT_FAIL, OUT_TIMEOUT, 0},      {OUT_TIMEOUT, OUT_CRASH, 0},
        {OUT_FAIL, OUT_FAIL, 0},         {OUT_PASS, OUT_FLAKY, 0},
        {OUT_PASS, OUT_WARN, 0},         {OUT_NONSTRICT, OUT_WARN, 0},
        {OUT_FLAKY, OUT_WARN, 0},        {OUT_WARN, OUT_FLAKY, 0},
        {OUT_SKIP, OUT_FLAKY, 0},        {OUT_UNSUPPORTED, OUT_WARN, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct verdict v;
        verdict_holding(&v, rows[i].current);
        struct verdict before = v;
        int rc = verdict_relabel(&v, rows[i].target);
        if (rc != rows[i].relabelled)
            print_error("row %zu: %s to %s\n", i, outcome_name(rows[i].current),
                        outcome_name(rows[i].target));
        assert_int_equal(rc, rows[i].relabelled);
        assert_int_equal(v.outcome, rc ? rows[i].target : rows[i].current);
        assert_int_equal(v.line, before.line);
        assert_string_equal(v.reason, before.reason);
    }
    /* Relabelled once, it is no longer a failure: a second relabel does nothing. */
    struct verdict v;
    verdict_holding(&v, OUT_FAIL);
    assert_int_equal(verdict_relabel(&v, OUT_FLAKY), 1);
    assert_int_equal(verdict_relabel(&v, OUT_WARN), 0);
    assert_int_equal(v.outcome, OUT_FLAKY);
    assert_int_equal(v.line, 7);
    assert_string_equal(v.reason, "old");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_outcome_names_and_failures),
        cmocka_unit_test(test_verdict_init_makes_a_pass),
        cmocka_unit_test(test_verdict_set_first_non_pass_wins),
        cmocka_unit_test(test_verdict_set_never_records_a_pass),
        cmocka_unit_test(test_verdict_set_truncates_a_long_reason),
        cmocka_unit_test(test_verdict_escalate_table),
        cmocka_unit_test(test_verdict_escalate_may_quote_the_previous_reason),
        cmocka_unit_test(test_verdict_relabel_only_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
