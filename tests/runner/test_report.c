/* test_report.c -- the report writers (text, TAP, JUnit, JSON, HTML) over a hand-made run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/verdict.h"
#include "load/casefile.h"
#include "report/report.h"
#include "run/diagnose.h"
#include "run/run.h"

/* One case of the run: how it is built, then what the reports must say about it. */
struct row {
    const char *id, *title, *requirement, *level;
    enum outcome set;     /* verdict_set with this (OUT_PASS: nothing recorded) */
    enum outcome relabel; /* then verdict_relabel to this (OUT_PASS: none) */
    unsigned line;
    const char *reason, *detail, *known;
    int unexpected_pass;
    /* expected */
    enum outcome outcome;
    const char *label;
    int failed;        /* JSON "failed", TAP "not ok" */
    int junit_failure; /* 1: a <failure> element (the program broke the spec); 2: an <error>
                          (a crash or a timeout: no judgement could be made) */
    int junit_skipped; /* a <skipped> element */
};

#define REASON "expected \"hi\" <got> & more"

static const struct row rows[] = {
    {"r.001", "passes", "ECHO-1", "core", OUT_PASS, OUT_PASS, 0, "", NULL, NULL, 0,
     OUT_PASS, "PASS", 0, 0, 0},
    {"r.002", "fails <b> & co", "ECHO-2", "robust", OUT_FAIL, OUT_PASS, 9, REASON,
     "expected: 68 69\n  actual: 68 00", NULL, 0, OUT_FAIL, "FAIL", 1, 1, 0},
    {"r.003", "crashes", "ECHO-3", "robust", OUT_CRASH, OUT_PASS, 6, "server died", NULL, NULL,
     0, OUT_CRASH, "CRASH", 1, 2, 0},
    {"r.004", "is skipped", "ECHO-1", "core", OUT_SKIP, OUT_PASS, 0, "listed in DISABLED: slow",
     NULL, NULL, 0, OUT_SKIP, "SKIP", 0, 0, 1},
    {"r.005", "warns", "ECHO-4", "core", OUT_FAIL, OUT_WARN, 7, "no newline", NULL, NULL, 0,
     OUT_WARN, "WARN", 0, 0, 0},
    {"r.006", "known to fail", "ECHO-5", "stress", OUT_FAIL, OUT_PASS, 8, "drops NUL bytes",
     NULL, "bug 12", 0, OUT_FAIL, "KNOWN", 1, 0, 1},
    {"r.007", "passes unexpectedly", "ECHO-6", "core", OUT_PASS, OUT_PASS, 0, "", NULL,
     "bug 13", 1, OUT_PASS, "XPASS", 1, 1, 0},
    {"r.008", "times out", "ECHO-7", "robust", OUT_TIMEOUT, OUT_PASS, 5, "no answer", NULL,
     NULL, 0, OUT_TIMEOUT, "TIMEOUT", 1, 2, 0},
    {"r.009", "is flaky", "ECHO-7", "robust", OUT_FAIL, OUT_FLAKY, 5, "lost a byte", NULL, NULL,
     0, OUT_FLAKY, "FLAKY", 0, 0, 0},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* Which rows each run selects (bit i: rows[i]), and the exit code it deserves. */
static const struct scenario {
    const char *label;
    unsigned mask;
    int exit_code;
} scenarios[] = {
    {"everything", 0x1ff, RUN_EXIT_FAIL},
    {"green: pass, skip, warn, known, flaky", 0x139, RUN_EXIT_PASS},
    {"the failures unselected", 0x11, RUN_EXIT_PASS},
    {"only an unexpected pass", 0x40, RUN_EXIT_FAIL},
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

struct fixture {
    struct cf_case *cases[N_ROWS];
    struct case_result res[N_ROWS];
    struct suite s;
    struct run_opts o;
    struct run run;
    size_t selected;
};

static char suite_name[] = "r";

/* One cause for two failures of rows: r.005 (a warning) and r.006 (a known failure). */
static const char diagnoses[] =
    "diagnosis: loses-bytes\n"
    "requirement: ECHO-1\n"
    "when: reason NUL | reason no newline\n"
    "unless: outcome crash\n"
    "text: bytes go missing\n";

static struct fixture *build(unsigned mask)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->s.name = suite_name;
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct row *w = &rows[i];
        char text[512], err[256] = "";
        snprintf(text, sizeof text, "id: %s\ntitle: %s\nrequirement: %s\nlevel: %s\n"
                 "keywords: k%zu basic\n\nconnect a\nsend a \"hi\"\nexpect a \"hi\"\n",
                 w->id, w->title, w->requirement, w->level, i);
        assert_int_equal(cf_parse(w->id, text, strlen(text), CF_KIND_CASE, NULL, &fx->cases[i],
                                  err, sizeof err), 0);
        struct case_result *r = &fx->res[i];
        r->c = fx->cases[i];
        r->selected = (mask >> i) & 1u;
        fx->selected += (size_t)r->selected;
        r->attempts = w->relabel == OUT_FLAKY ? 2 : 1;
        r->ms = 1.5 + (double)i;
        r->done = 1;
        engine_result_init(&r->play, 0);
        if (w->set != OUT_PASS)
            assert_int_equal(verdict_set(&r->play.v, w->set, w->line, "%s", w->reason), 1);
        if (w->relabel != OUT_PASS)
            assert_int_equal(verdict_relabel(&r->play.v, w->relabel), 1);
        assert_int_equal(r->play.v.outcome, w->outcome);
        if (w->detail)
            assert_int_equal(bytes_puts(&r->play.detail, w->detail), 0);
        tr_bytes(&r->play.tr, 0, "a", TR_SEND, 0, "Hello\n", 6);
        if (w->set != OUT_PASS)
            tr_note(&r->play.tr, 0, "a", TR_ERROR, "step %u failed", w->line);
        r->known = w->known;
        r->unexpected_pass = w->unexpected_pass;
    }
    fx->res[1].out_tail = strdup("server log\x01\n");
    fx->res[1].err_tail = strdup("warning: odd\n");
    fx->run.o = &fx->o;
    fx->run.s = &fx->s;
    fx->run.res = fx->res;
    fx->run.n = N_ROWS;
    fx->run.n_selected = fx->selected;
    snprintf(fx->run.target_desc, sizeof fx->run.target_desc, "./server --port 7 & <x>");
    fx->o.exec = "./server --port 7 & 'x'";
    fx->o.scale = 2;
    fx->run.wall_ms = 1234.0;
    char err[256] = "";
    assert_int_equal(diagnosis_parse("DIAGNOSES", diagnoses, strlen(diagnoses), &fx->s.diag, err,
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
        free(fx->res[i].out_tail);
        free(fx->res[i].err_tail);
        cf_free(fx->cases[i]);
    }
    free(fx);
}

/* The writers with one signature: the text ones return nothing, and one writes case
 * |text_case_index| only. */
typedef int (*writer)(FILE *, const struct run *, const struct report_opts *);
static size_t text_case_index;
static int text_summary(FILE *f, const struct run *run, const struct report_opts *ro)
{
    report_text_summary(f, run, ro);
    return 0;
}
static int text_case(FILE *f, const struct run *run, const struct report_opts *ro)
{
    report_text_case(f, run, text_case_index, ro);
    return 0;
}
static int text_diagnoses(FILE *f, const struct run *run, const struct report_opts *ro)
{
    report_text_diagnoses(f, run, ro);
    return 0;
}

/* The report |w| writes for |fx|, as a string (the caller frees it). */
static char *written(writer w, const struct fixture *fx, const struct report_opts *ro)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(w(f, &fx->run, ro), 0);
    assert_int_equal(fclose(f), 0);
    assert_non_null(buf);
    return buf;
}

/* Does scenario |sc| select rows[i]? */
static int sel(size_t sc, size_t i)
{
    return (int)((scenarios[sc].mask >> i) & 1u);
}

static int json_int(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valueint;
}

/* Asserts that |key| of |o| is the string |want|, or null when |want| is NULL or "". */
static void json_str_or_null(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_non_null(v);
    if (want && *want)
        assert_string_equal(cJSON_GetStringValue(v), want);
    else
        assert_true(cJSON_IsNull(v));
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The number in attribute |name| of the first |tag| element. */
static unsigned long xml_attr(const char *text, const char *tag, const char *name)
{
    const char *t = strstr(text, tag);
    assert_non_null(t);
    const char *end = strchr(t, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *a = strstr(t, key);
    assert_non_null(a);
    assert_true(a < end);
    char *stop;
    unsigned long v = strtoul(a + strlen(key), &stop, 10);
    assert_int_equal(*stop, '"');
    return v;
}

static const struct report_opts opts_fail = {FORMAT_TEXT, TRANSCRIPT_FAIL, 0, NULL};

static void test_report_json_counts_and_cases_match(void **state)
{
    (void)state;
    for (size_t sc = 0; sc < N_SCENARIOS; sc++) {
        struct fixture *fx = build(scenarios[sc].mask);
        assert_int_equal(run_exit_code(&fx->run), scenarios[sc].exit_code);
        char *out = written(report_json, fx, &opts_fail);
        cJSON *root = cJSON_Parse(out);
        assert_non_null(root);
        json_str_or_null(root, "schema", REPORT_JSON_SCHEMA);
        json_str_or_null(root, "suite", "r");
        json_str_or_null(root, "target", "./server --port 7 & <x>");
        json_str_or_null(root, "fatal", NULL);
        assert_int_equal(json_int(root, "exit_code"), scenarios[sc].exit_code);
        const cJSON *sum = cJSON_GetObjectItem(root, "summary");
        assert_int_equal(json_int(sum, "selected"), fx->selected);
        int known = 0, xpass = 0, per[OUT_COUNT] = {0};
        for (size_t i = 0; i < N_ROWS; i++) {
            per[rows[i].outcome] += sel(sc, i);
            known += sel(sc, i) && rows[i].known && !rows[i].unexpected_pass;
            xpass += sel(sc, i) && rows[i].unexpected_pass;
        }
        for (int o = 0; o < OUT_COUNT; o++)
            assert_int_equal(json_int(sum, outcome_name((enum outcome)o)), per[o]);
        assert_int_equal(json_int(sum, "known_failures"), known);
        assert_int_equal(json_int(sum, "unexpected_passes"), xpass);
        assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sum, "strict")));

        const cJSON *cases = cJSON_GetObjectItem(root, "cases");
        assert_int_equal(cJSON_GetArraySize(cases), fx->selected);
        const cJSON *c = cases->child;
        for (size_t i = 0; i < N_ROWS; i++) {
            if (!sel(sc, i))
                continue;
            const struct row *w = &rows[i];
            assert_non_null(c);
            json_str_or_null(c, "id", w->id);
            json_str_or_null(c, "title", w->title);
            json_str_or_null(c, "outcome", outcome_name(w->outcome));
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(c, "failed")), w->failed);
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(c, "unexpected_pass")),
                             w->unexpected_pass);
            json_str_or_null(c, "reason", w->reason);
            json_str_or_null(c, "baseline", w->known);
            json_str_or_null(c, "detail", w->detail);
            if (w->line)
                assert_int_equal(json_int(c, "line"), w->line);
            else
                assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "line")));
            assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(c, "keywords")), 2);
            /* Transcripts of what went wrong only (TRANSCRIPT_FAIL). */
            const cJSON *tr = cJSON_GetObjectItem(c, "transcript");
            int shown = (w->outcome != OUT_PASS && w->outcome != OUT_SKIP) || w->unexpected_pass;
            assert_int_equal(cJSON_IsArray(tr), shown);
            assert_int_equal(cJSON_IsNull(tr), !shown);
            if (shown) {
                json_str_or_null(tr->child, "kind", "send");
                json_str_or_null(tr->child, "data_hex", "48656c6c6f0a");
                assert_int_equal(json_int(tr->child, "length"), 6);
            }
            json_str_or_null(c, "stdout_tail", i == 1 ? "server log\\x01\n" : NULL);
            json_str_or_null(c, "stderr_tail", i == 1 ? "warning: odd\n" : NULL);
            c = c->next;
        }
        assert_null(c);
        cJSON_Delete(root);
        free(out);
        destroy(fx);
    }
}

static void test_report_tap_plan_and_not_ok_lines(void **state)
{
    (void)state;
    for (size_t sc = 0; sc < N_SCENARIOS; sc++) {
        struct fixture *fx = build(scenarios[sc].mask);
        char *out = written(report_tap, fx, &opts_fail);
        char want[256];
        snprintf(want, sizeof want, "TAP version 13\n1..%zu\n# wirecheck: ", fx->selected);
        assert_memory_equal(out, want, strlen(want));
        /* One test point per selected case, in order, "not ok" exactly for the failing. */
        size_t k = 0, bad = 0, number = 0;
        for (const char *line = out; *line; line = strchr(line, '\n') + 1) {
            int not_ok = strncmp(line, "not ok ", 7) == 0;
            if (!not_ok && strncmp(line, "ok ", 3) != 0)
                continue;
            while (k < N_ROWS && !sel(sc, k))
                k++;
            assert_true(k < N_ROWS);
            const struct row *w = &rows[k];
            number++;
            snprintf(want, sizeof want, "%s %zu - %s %s", w->failed ? "not ok" : "ok", number,
                     w->id, w->title);
            assert_memory_equal(line, want, strlen(want));
            const char *directive = line + strlen(want);
            if (w->outcome == OUT_SKIP)
                snprintf(want, sizeof want, " # SKIP %s\n", w->reason);
            else if (w->known && !w->unexpected_pass)
                snprintf(want, sizeof want, " # TODO known failure: %s\n", w->known);
            else
                snprintf(want, sizeof want, "\n");
            assert_memory_equal(directive, want, strlen(want));
            bad += (size_t)not_ok;
            k++;
        }
        size_t want_bad = 0;
        for (size_t i = 0; i < N_ROWS; i++)
            want_bad += (size_t)(sel(sc, i) && rows[i].failed);
        assert_int_equal(bad, want_bad);
        assert_int_equal(number, fx->selected);
        assert_int_equal(count(out, "\nok ") + count(out, "\nnot ok "), fx->selected);
        if (scenarios[sc].mask & 0x40u) /* an unexpected pass says why it is "not ok" */
            assert_non_null(strstr(out, "  message: \"passed, but the baseline expects a "
                                        "failure\"\n"));
        if (scenarios[sc].mask & 0x2u) {
            /* The failure's YAML block: outcome, requirement, an escaped message, details. */
            assert_non_null(strstr(out, "  ---\n  outcome: fail\n  requirement: ECHO-2\n"
                                        "  level: robust\n  duration_ms: 2.5\n  attempts: 1\n"
                                        "  message: \"expected \\\"hi\\\" <got> & more\"\n"
                                        "  details: |\n    expected: 68 69\n"));
            assert_non_null(strstr(out, "    transcript (> sent"));
        }
        free(out);
        destroy(fx);
    }
}

static void test_report_junit_counts_match(void **state)
{
    (void)state;
    for (size_t sc = 0; sc < N_SCENARIOS; sc++) {
        struct fixture *fx = build(scenarios[sc].mask);
        char *out = written(report_junit, fx, &opts_fail);
        unsigned long fail = 0, skip = 0, errors = 0;
        for (size_t i = 0; i < N_ROWS; i++) {
            fail += (unsigned long)(sel(sc, i) && rows[i].junit_failure == 1);
            errors += (unsigned long)(sel(sc, i) && rows[i].junit_failure == 2);
            skip += (unsigned long)(sel(sc, i) && rows[i].junit_skipped);
        }
        assert_memory_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39);
        static const char *const tags[] = {"<testsuites ", "<testsuite "};
        for (size_t t = 0; t < 2; t++) {
            assert_int_equal(xml_attr(out, tags[t], "tests"), fx->selected);
            assert_int_equal(xml_attr(out, tags[t], "failures"), fail);
            assert_int_equal(xml_attr(out, tags[t], "skipped"), skip);
            assert_int_equal(xml_attr(out, tags[t], "errors"), errors);
        }
        assert_int_equal(count(out, "<testcase "), fx->selected);
        assert_int_equal(count(out, "<failure "), fail);
        assert_int_equal(count(out, "<error "), errors);
        /* Every case names its requirement and level for the CI system. */
        assert_int_equal(count(out, "<property name=\"requirement\" "), fx->selected);
        assert_int_equal(count(out, "<property name=\"level\" "), fx->selected);
        assert_int_equal(count(out, "<skipped "), skip);
        assert_non_null(strstr(out, "value=\"./server --port 7 &amp; &lt;x&gt;\""));
        if (scenarios[sc].mask & 0x2u) {
            assert_non_null(strstr(out, "<testcase classname=\"r.robust\" name=\"r.002 fails "
                                        "&lt;b&gt; &amp; co\""));
            assert_non_null(strstr(out, "<failure type=\"fail\" message=\"[ECHO-2] expected "
                                        "&quot;hi&quot; &lt;got&gt; &amp; more\">"));
        }
        if (scenarios[sc].mask & 0x10u)
            assert_non_null(strstr(out, "<property name=\"warning\" value=\"[ECHO-4, SHOULD] "
                                        "no newline\"/>"));
        if (scenarios[sc].mask & 0x20u)
            assert_non_null(strstr(out, "<skipped message=\"bug 12\"/>"));
        if (scenarios[sc].mask & 0x40u)
            assert_non_null(strstr(out, "<failure type=\"unexpected-pass\" message=\"[ECHO-6] "
                                        "passed, but the baseline expects a failure\">"));
        assert_non_null(strstr(out, "</testsuite>\n</testsuites>\n"));
        free(out);
        destroy(fx);
    }
}

/* The line of |text| that starts with "result: ". */
static const char *result_line(const char *text)
{
    const char *p = strstr(text, "\nresult: ");
    assert_non_null(p);
    return p + 1;
}

static void test_report_text_summary_result_matches_exit_code(void **state)
{
    (void)state;
    static const char *const finals[N_SCENARIOS] = {
        "result: FAIL (3 failing, 1 warning, 1 known failure, 1 unexpected pass)\n",
        "result: PASS (0 failing, 1 warning, 1 known failure, 0 unexpected passes)\n",
        "result: PASS (0 failing, 1 warning, 0 known failures, 0 unexpected passes)\n",
        "result: FAIL (0 failing, 0 warnings, 0 known failures, 1 unexpected pass)\n",
    };
    for (size_t sc = 0; sc < N_SCENARIOS; sc++) {
        struct fixture *fx = build(scenarios[sc].mask);
        char *out = written(text_summary, fx, &opts_fail);
        char want[128];
        snprintf(want, sizeof want, "\nsuite r against ./server --port 7 & <x>: %zu case%s in "
                 "1.23 s\n", fx->selected, fx->selected == 1 ? "" : "s");
        assert_memory_equal(out, want, strlen(want));
        assert_non_null(strstr(out, "  by requirement:\n"));
        const char *res = result_line(out);
        int code = run_exit_code(&fx->run);
        assert_int_equal(code, scenarios[sc].exit_code);
        assert_memory_equal(res, code ? "result: FAIL" : "result: PASS", 12);
        assert_memory_equal(res, finals[sc], strlen(finals[sc]));
        free(out);
        destroy(fx);
    }
}

static void test_report_text_case_lines(void **state)
{
    (void)state;
    struct fixture *fx = build(0x1ff);
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct row *w = &rows[i];
        text_case_index = i;
        char *out = written(text_case, fx, &opts_fail);
        char want[256];
        snprintf(want, sizeof want, "%-9s %-20s %-6s %-8s %s (", w->label, w->id, w->level,
                 w->requirement, w->title);
        assert_memory_equal(out, want, strlen(want));
        if (w->outcome == OUT_PASS && !w->unexpected_pass)
            assert_int_equal(count(out, "\n"), 1);
        snprintf(want, sizeof want, "\n          %s\n", w->reason);
        if (*w->reason)
            assert_non_null(strstr(out, want));
        snprintf(want, sizeof want, "\n          baseline: %s%s\n", w->known ? w->known : "",
                 w->unexpected_pass ? " -- but it passed: update the baseline" : "");
        assert_int_equal(strstr(out, want) != NULL, w->known != NULL);
        /* A failure or a warning ends with the command that runs just it again, quoted for
         * the shell. */
        int rerun = w->outcome == OUT_FAIL || w->outcome == OUT_CRASH ||
                    w->outcome == OUT_TIMEOUT || w->outcome == OUT_WARN;
        snprintf(want, sizeof want, "\n          rerun: wirecheck run r --case %s --exec "
                 "'./server --port 7 & '\\''x'\\''' --timeout-scale 2\n", w->id);
        assert_int_equal(strstr(out, want) != NULL, rerun);
        int transcript = w->outcome != OUT_PASS && w->outcome != OUT_SKIP;
        assert_int_equal(strstr(out, "transcript (> sent") != NULL, transcript);
        free(out);
    }
    /* A case file of the user's (run --case-file) is rerun from that file, quoted. */
    text_case_index = 1;
    char *saved = fx->cases[1]->file;
    char own[] = "my finding.case";
    fx->cases[1]->file = own;
    fx->cases[1]->own_file = 1;
    char *own_out = written(text_case, fx, &opts_fail);
    assert_non_null(strstr(own_out, "\n          rerun: wirecheck run r --case-file 'my finding.case'"
                                    " --exec "));
    free(own_out);
    fx->cases[1]->file = saved;
    fx->cases[1]->own_file = 0;
    /* The failure's details: detail lines indented, program output sanitized. */
    char *out = written(text_case, fx, &opts_fail);
    assert_non_null(strstr(out, "\n          expected: 68 69\n            actual: 68 00\n"));
    assert_non_null(strstr(out, "> 6 bytes @0  \"Hello\\n\""));
    assert_non_null(strstr(out, "! step 9 failed\n"));
    assert_non_null(strstr(out, "program stdout during the case:\n            | server log\\x01\n"));
    free(out);
    /* TRANSCRIPT_NEVER leaves the timeline out; colour marks a failure red. */
    const struct report_opts never_color = {FORMAT_TEXT, TRANSCRIPT_NEVER, 1, NULL};
    out = written(text_case, fx, &never_color);
    static const char red[] = "\033[1;31mFAIL     \033[0m r.002 ";
    assert_memory_equal(out, red, strlen(red));
    assert_null(strstr(out, "transcript ("));
    assert_non_null(strstr(out, "expected: 68 69\n"));
    free(out);
    destroy(fx);
}

static void test_report_diagnoses_in_text_and_json(void **state)
{
    (void)state;
    struct fixture *fx = build(scenarios[0].mask);
    struct report_opts ro = {.format = FORMAT_TEXT};
    char *out = written(text_diagnoses, fx, &ro);
    assert_non_null(strstr(out, "diagnoses: 1 cause explains 2 of the 5 cases that failed or "
                                "warned\n  [1] 2 cases fail because bytes go missing (ECHO-1)\n"
                                "      cases: r.005 r.006\n"));
    free(out);
    for (size_t i = 0; i < N_ROWS; i++) {
        text_case_index = i;
        out = written(text_case, fx, &ro);
        int explained = i == 4 || i == 5;
        assert_int_equal(fx->res[i].diagnosis, explained ? 0 : -1);
        assert_int_equal(strstr(out, "cause: see diagnosis [1] above (ECHO-1)\n") != NULL,
                         explained);
        free(out);
    }
    out = written(report_json, fx, &ro);
    cJSON *root = cJSON_Parse(out);
    free(out);
    assert_non_null(root);
    cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "diagnoses"), 0);
    assert_string_equal(cJSON_GetObjectItem(d, "id")->valuestring, "loses-bytes");
    assert_string_equal(cJSON_GetObjectItem(d, "requirement")->valuestring, "ECHO-1");
    assert_string_equal(cJSON_GetObjectItem(d, "headline")->valuestring,
                        "2 cases fail because bytes go missing (ECHO-1)");
    cJSON *ids = cJSON_GetObjectItem(d, "cases");
    assert_int_equal(cJSON_GetArraySize(ids), 2);
    assert_string_equal(cJSON_GetArrayItem(ids, 1)->valuestring, "r.006");
    cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "cases")) {
        const char *id = cJSON_GetObjectItem(c, "id")->valuestring;
        cJSON *k = cJSON_GetObjectItem(c, "diagnosis");
        if (strcmp(id, "r.005") == 0 || strcmp(id, "r.006") == 0)
            assert_int_equal(k->valueint, 0);
        else
            assert_true(cJSON_IsNull(k));
    }
    cJSON_Delete(root);
    destroy(fx);

    /* Without the cases it explains, no diagnosis: an empty list, no text block. */
    fx = build(scenarios[3].mask);
    out = written(text_diagnoses, fx, &ro);
    assert_string_equal(out, "");
    free(out);
    out = written(report_json, fx, &ro);
    root = cJSON_Parse(out);
    free(out);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "diagnoses")), 0);
    cJSON_Delete(root);
    destroy(fx);
}

static void test_report_fatal_run_says_not_run(void **state)
{
    (void)state;
    struct fixture *fx = build(scenarios[1].mask);
    fx->run.fatal = RUN_EXIT_TARGET;
    snprintf(fx->run.fatal_msg, sizeof fx->run.fatal_msg, "could not start ./server");
    assert_int_equal(run_exit_code(&fx->run), RUN_EXIT_TARGET);
    char *out = written(text_summary, fx, &opts_fail);
    assert_string_equal(result_line(out), "result: NOT RUN (the target could not be started or reached: "
                             "could not start ./server)\n");
    assert_null(strstr(out, "by requirement"));
    free(out);

    out = written(report_tap, fx, &opts_fail);
    assert_non_null(strstr(out, "\n# the target could not be started: could not start "
                                "./server\n"));
    free(out);

    /* Cases the target never ran for are errors, each with an <error> JUnit readers count. */
    size_t not_run = 0;
    for (size_t i = 0; i < N_ROWS; i++) {
        fx->res[i].not_run = fx->res[i].selected;
        not_run += (size_t)fx->res[i].selected;
    }
    out = written(report_junit, fx, &opts_fail);
    assert_int_equal(xml_attr(out, "<testsuites ", "errors"), not_run);
    assert_int_equal(xml_attr(out, "<testsuite ", "errors"), not_run);
    assert_int_equal(count(out, "<error type=\"not-run\" "), not_run);
    assert_int_equal(xml_attr(out, "<testsuite ", "failures"), 0);
    free(out);

    out = written(report_json, fx, &opts_fail);
    cJSON *root = cJSON_Parse(out);
    assert_non_null(root);
    assert_int_equal(json_int(root, "exit_code"), RUN_EXIT_TARGET);
    json_str_or_null(root, "fatal", "could not start ./server");
    cJSON_Delete(root);
    free(out);
    destroy(fx);
}

/* The HTML page: a section per selected case, in order, with its outcome; every string from
 * the fixture escaped (hostile bytes in the transcript too); the failing step marked in the
 * diagram; one script, ours. */
static void test_report_html_sections_escaped_and_failing_step_marked(void **state)
{
    (void)state;
    for (size_t sc = 0; sc < N_SCENARIOS; sc++) {
        struct fixture *fx = build(scenarios[sc].mask);
        static const char hostile[] = "</pre></svg><script>alert(1)</script><img src=x>";
        tr_bytes(&fx->res[1].play.tr, 0, "a", TR_RECV, 0, hostile, sizeof hostile - 1);
        tr_note(&fx->res[1].play.tr, 0, "a", TR_EVENT, "peer said <img onerror='x'>");
        char *out = written(report_html, fx, &opts_fail);
        assert_memory_equal(out, "<!DOCTYPE html>\n", 16);
        assert_non_null(strstr(out, "<meta http-equiv=\"Content-Security-Policy\" content=\""
                                    "default-src 'none'; style-src 'unsafe-inline'; "
                                    "script-src 'unsafe-inline'; img-src data:\">"));
        assert_int_equal(count(out, "<section class=\"case "), fx->selected);
        assert_int_equal(count(out, "<script"), 1);
        assert_null(strstr(out, "<img"));
        assert_null(strstr(out, "<got>"));
        assert_null(strstr(out, "<x>"));
        assert_non_null(strstr(out, "./server --port 7 &amp; &lt;x&gt;"));
        assert_non_null(strstr(out, run_exit_code(&fx->run) ? "<strong>Result: FAIL</strong>"
                                                            : "<strong>Result: PASS</strong>"));
        assert_int_equal(count(out, "<li class=\"diagnosis\""), fx->run.n_diag);
        const char *at = out;
        size_t marked = 0;
        for (size_t i = 0; i < N_ROWS; i++) {
            if (!sel(sc, i))
                continue;
            char want[256];
            snprintf(want, sizeof want, " id=\"case-%s\" data-outcome=\"%s\" data-suite=\"r\">",
                     rows[i].id, outcome_name(rows[i].outcome));
            const char *p = strstr(at, want);
            assert_non_null(p); /* present, and after the case before it */
            at = p;
            snprintf(want, sizeof want, "<span class=\"badge o-%s\">%s</span>",
                     outcome_name(rows[i].outcome), rows[i].label);
            assert_non_null(strstr(p, want));
            /* A failing step is recorded for every row with a verdict; drawn when the
             * transcript is shown. */
            marked += rows[i].set != OUT_PASS && rows[i].outcome != OUT_SKIP;
        }
        assert_int_equal(count(out, "<g class=\"ev ev-error failing-step\">"), marked);
        assert_int_equal(count(out, "&#x2717; FAILED HERE: "), marked);
        if (scenarios[sc].mask & 0x2u) {
            assert_non_null(strstr(out, "<p class=\"reason\">expected &quot;hi&quot; &lt;got&gt; "
                                        "&amp; more</p>"));
            assert_non_null(strstr(out, "r.002</a> fails &lt;b&gt; &amp; co</h3>"));
            assert_non_null(strstr(out, "<pre class=\"detail\">expected: 68 69\n  actual: 68 00"
                                        "</pre>"));
            assert_non_null(strstr(out, "<pre class=\"tail\">server log\\x01\n</pre>"));
            assert_non_null(strstr(out, "&lt;/pre&gt;&lt;/svg&gt;&lt;script&gt;alert(1)"));
            assert_non_null(strstr(out, "peer said &lt;img onerror=&#39;x&#39;&gt;"));
            assert_non_null(strstr(out, "<code class=\"rerun\">wirecheck run r --case r.002 "
                                        "--exec &#39;./server --port 7 &amp; &#39;\\&#39;&#39;x"));
        }
        free(out);
        destroy(fx);
    }
}

/* A long transcript: at most REPORT_HTML_MAX_DRAWN events drawn, the rest counted, and a
 * failing step past the cap still drawn with the events before it. */
static void test_report_html_diagram_is_capped(void **state)
{
    (void)state;
    struct fixture *fx = build(0x2);
    struct transcript *tr = &fx->res[1].play.tr;
    tr_cleanup(tr);
    tr_init(tr, 0);
    for (unsigned k = 0; k < 300; k++)
        tr_bytes(tr, 0, "a", k % 2 ? TR_RECV : TR_SEND, k, "\x01\\x", 3);
    tr_note(tr, 0, "a", TR_ERROR, "expect: too late");
    char *out = written(report_html, fx, &opts_fail);
    assert_int_equal(count(out, "<g class=\"ev "), REPORT_HTML_MAX_DRAWN);
    assert_non_null(strstr(out, "101 more events not drawn"));
    assert_int_equal(count(out, "failing-step"), 1);
    assert_non_null(strstr(out, "&quot;\\x01\\\\x&quot;")); /* "\x01\\x" */
    free(out);
    destroy(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_json_counts_and_cases_match),
        cmocka_unit_test(test_report_tap_plan_and_not_ok_lines),
        cmocka_unit_test(test_report_junit_counts_match),
        cmocka_unit_test(test_report_text_summary_result_matches_exit_code),
        cmocka_unit_test(test_report_text_case_lines),
        cmocka_unit_test(test_report_diagnoses_in_text_and_json),
        cmocka_unit_test(test_report_fatal_run_says_not_run),
        cmocka_unit_test(test_report_html_sections_escaped_and_failing_step_marked),
        cmocka_unit_test(test_report_html_diagram_is_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
