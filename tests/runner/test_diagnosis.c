/* test_diagnosis.c -- the DIAGNOSES file parser: the model it builds and its file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "load/diagnosis.h"
#include "status.h"

static const char good[] =
    "# a comment\n"
    "\n"
    "diagnosis: temperature-text\n"
    "requirement: SEN-4\n"
    "when: fact ack-temp-text | fact ack-temp-value got=21.50\n"
    "when: outcome fail timeout\n"
    "unless: reason liveness\n"
    "fails: sensor.013\n"
    "passes: sensor.001 sensor.002\n"
    "min: 3\n"
    "text: printed as {got} where {want} was due;\n"
    "  Rust's {} prints the shortest digits\r\n"
    "\n"
    "diagnosis: plain\n"
    "requirement: SEN-5\n"
    "when: detail why: nothing\n"
    "text: nothing came";

static void test_diagnosis_parses_the_model(void **state)
{
    (void)state;
    struct diagnosis_set set = {0};
    char err[256] = "";
    assert_int_equal(diagnosis_parse("D", good, strlen(good), &set, err, sizeof err), 0);
    assert_int_equal(set.n, 2);
    const struct diagnosis *d = &set.d[0];
    assert_string_equal(d->id, "temperature-text");
    assert_string_equal(d->requirement, "SEN-4");
    assert_int_equal(d->line, 3);
    assert_string_equal(d->text, "printed as {got} where {want} was due; Rust's {} prints the "
                                 "shortest digits");
    assert_int_equal(d->min, 3);
    assert_int_equal(d->n_cond, 3);
    assert_int_equal(d->cond[0].n_alt, 2);
    assert_int_equal(d->cond[0].alt[0].test, DIAG_FACT);
    assert_string_equal(d->cond[0].alt[1].words[0], "ack-temp-value");
    assert_string_equal(d->cond[0].alt[1].words[1], "got=21.50");
    assert_int_equal(d->cond[0].alt[1].n_words, 2);
    assert_int_equal(d->cond[1].alt[0].test, DIAG_OUTCOME);
    assert_int_equal(d->cond[1].alt[0].n_words, 2);
    assert_false(d->cond[1].negated);
    assert_true(d->cond[2].negated);
    assert_int_equal(d->cond[2].alt[0].test, DIAG_REASON);
    assert_string_equal(d->cond[2].alt[0].text, "liveness");
    assert_int_equal(d->n_fails, 1);
    assert_int_equal(d->n_passes, 2);
    assert_string_equal(d->passes[1], "sensor.002");
    assert_string_equal(set.d[1].cond[0].alt[0].text, "why: nothing");
    assert_int_equal(set.d[1].min, 1);

    /* A second file (an included suite's) is appended; its error leaves the first's. */
    static const char more[] = "diagnosis: more\nrequirement: X-1\nwhen: case x.*\ntext: t\n";
    assert_int_equal(diagnosis_parse("E", more, strlen(more), &set, err, sizeof err), 0);
    assert_int_equal(set.n, 3);
    static const char dup[] = "diagnosis: plain\nrequirement: X-1\nwhen: case x\ntext: t\n";
    assert_int_equal(diagnosis_parse("F", dup, strlen(dup), &set, err, sizeof err),
                     WC_ERR_INVALID);
    assert_string_equal(err, "F:1: diagnosis 'plain' is defined twice");
    assert_int_equal(set.n, 3);
    diagnosis_set_free(&set);
    assert_int_equal(set.n, 0);
}

static void expect_error(const char *text, const char *want)
{
    struct diagnosis_set set = {0};
    char err[512] = "";
    int rc = diagnosis_parse("DIAGNOSES", text, strlen(text), &set, err, sizeof err);
    assert_true(rc == WC_ERR_INVALID || rc == WC_ERR_TOO_LONG);
    if (strcmp(err, want) != 0)
        fail_msg("for %s\n got  '%s'\n want '%s'", text, err, want);
    assert_int_equal(set.n, 0);
    diagnosis_set_free(&set);
}

#define HEAD "diagnosis: a\nrequirement: R-1\n"

static void test_diagnosis_errors_name_file_and_line(void **state)
{
    (void)state;
    expect_error("requirement: R-1\n", "DIAGNOSES:1: the first line of a diagnosis is "
                                        "'diagnosis: ID'");
    expect_error("diagnosis: Bad_Id\n", "DIAGNOSES:1: a diagnosis id is 1 to 64 of a-z, 0-9 "
                                         "and '-'");
    expect_error(HEAD "when: fact no-such-fact\ntext: t\n",
                 "DIAGNOSES:3: unknown fact 'no-such-fact' (FORMAT.md lists them)");
    expect_error(HEAD "when: fact skipped k=1\ntext: t\n",
                 "DIAGNOSES:3: fact 'skipped' has no key 'k'");
    expect_error(HEAD "when: fact skipped n\ntext: t\n",
                 "DIAGNOSES:3: 'n': want key=value after the fact's name");
    expect_error(HEAD "when: outcome pass\ntext: t\n",
                 "DIAGNOSES:3: unknown outcome 'pass' (fail, timeout, crash or warn: only "
                 "failing cases are diagnosed)");
    expect_error(HEAD "when: colour red\ntext: t\n",
                 "DIAGNOSES:3: unknown test 'colour' (fact, reason, detail, outcome, "
                 "requirement, keyword or case)");
    expect_error(HEAD "when: reason\ntext: t\n", "DIAGNOSES:3: 'reason' needs the text to find");
    expect_error(HEAD "when: case x | \ntext: t\n",
                 "DIAGNOSES:3: unknown test '' (fact, reason, detail, outcome, requirement, "
                 "keyword or case)");
    expect_error(HEAD "text: t\n", "DIAGNOSES:1: diagnosis 'a' needs a 'when:' line before any "
                                   "'unless:' (which failing cases does it explain?)");
    expect_error("diagnosis: a\nwhen: case x\ntext: t\n",
                 "DIAGNOSES:1: diagnosis 'a' has no 'requirement:'");
    expect_error(HEAD "when: case x\n", "DIAGNOSES:1: diagnosis 'a' has no 'text:'");
    expect_error(HEAD "when: case x\ntext: t\ntext: u\n",
                 "DIAGNOSES:5: 'text' given twice in one diagnosis");
    expect_error(HEAD "when: case x\ntext: {got} came\n",
                 "DIAGNOSES:1: text: {got} is not a key of a fact this diagnosis's when: lines "
                 "name");
    expect_error(HEAD "when: fact crlf\nunless: fact short\ntext: {got} came\n",
                 "DIAGNOSES:1: text: {got} is not a key of a fact this diagnosis's when: lines "
                 "name");
    expect_error(HEAD "when: case x\nmin: 0\ntext: t\n",
                 "DIAGNOSES:4: min: want a number from 1 to 10000");
    expect_error(HEAD "when: case x\nmin: 99999999999\ntext: t\n",
                 "DIAGNOSES:4: min: want a number from 1 to 10000");
    expect_error(HEAD "fails:\nwhen: case x\ntext: t\n", "DIAGNOSES:3: 'fails' needs case ids");
    expect_error(HEAD "colour: red\n", "DIAGNOSES:3: unknown key 'colour' (diagnosis, "
                                       "requirement, when, unless, fails, passes, min, text)");
    expect_error(HEAD "just words\n", "DIAGNOSES:3: want 'key: value' (diagnosis, requirement, "
                                      "when, unless, fails, passes, min, text)");
    expect_error(HEAD "when: case x\x01\n", "DIAGNOSES:3: control byte 0x01");
    /* The error of the second diagnosis names its own line. */
    expect_error(HEAD "when: case x\ntext: t\n\ndiagnosis: b\nwhen: case y\ntext: t\n",
                 "DIAGNOSES:6: diagnosis 'b' has no 'requirement:'");
}

static void test_diagnosis_limits(void **state)
{
    (void)state;
    char line[DIAGNOSIS_MAX_LINE + 64];
    memset(line, 'x', sizeof line);
    memcpy(line, HEAD "text: ", strlen(HEAD "text: "));
    line[sizeof line - 1] = 0;
    expect_error(line, "DIAGNOSES:3: line longer than 4096 bytes");

    /* More words than a list holds. */
    struct bytes b;
    bytes_init(&b, 0);
    assert_int_equal(bytes_puts(&b, HEAD "when: case"), 0);
    for (int i = 0; i < DIAGNOSIS_MAX_WORDS + 1; i++)
        assert_int_equal(bytes_puts(&b, " c"), 0);
    assert_int_equal(bytes_puts(&b, "\ntext: t\n"), 0);
    expect_error(bytes_str(&b), "DIAGNOSES:3: more than 64 words");
    bytes_cleanup(&b);

    /* A text that grows past its cap through continuation lines. */
    assert_int_equal(bytes_puts(&b, HEAD "when: case x\ntext: t\n"), 0);
    for (int i = 0; i < 40; i++)
        assert_int_equal(bytes_puts(&b, "  continued with sixty bytes of text on every "
                                        "line.........\n"), 0);
    expect_error(bytes_str(&b), "DIAGNOSES:40: text longer than 2048 bytes");
    bytes_cleanup(&b);

    /* The placeholder rule: a-z and '_' between braces. */
    assert_int_equal(diagnosis_placeholder("{got} x"), 3);
    assert_int_equal(diagnosis_placeholder("{}"), 0);
    assert_int_equal(diagnosis_placeholder("{Got}"), 0);
    assert_int_equal(diagnosis_placeholder("{got"), 0);
    assert_int_equal(diagnosis_placeholder("got}"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diagnosis_parses_the_model),
        cmocka_unit_test(test_diagnosis_errors_name_file_and_line),
        cmocka_unit_test(test_diagnosis_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
