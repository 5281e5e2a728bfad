/* test_grading.c -- grading files: the model, the points rules and the file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "load/casefile.h"
#include "load/grading.h"
#include "status.h"

static const char good[] =
    "# a comment\n"
    "title: Week 3 # trailing comment\n"
    "build-time: 10m\n"
    "time: 90s\n"
    "limits: cpu=60,memory=2048\n"
    "points: MUST core 4\n"
    "points: SHOULD * 0.5\n"
    "points: SEN-4 6\n"
    "\n"
    "part: json-server\n"
    "  title: The server\n"
    "  suite: sensor\n"
    "  dir: json/server\n"
    "  build: make -C src all#not-a-comment\n"
    "  run: target/debug/server --port 1234\n"
    "  levels: core robust\n"
    "  time: 30\n"
    "  points: MUST robust 5\n"
    "  points: SEN-5 7\n"
    "  accept: SEN-17 the chapter's server is serial\n"
    "part: tcp\n"
    "suite: tcp-echo\n"
    "build: none\n"
    "run: ./server\n";

static void test_grading_parses_the_model(void **state)
{
    (void)state;
    struct grading g;
    char err[256] = "";
    assert_int_equal(grading_parse("G", good, strlen(good), &g, err, sizeof err), 0);
    assert_string_equal(g.title, "Week 3");
    assert_int_equal(g.build_time_s, 600);
    assert_int_equal(g.time_s, 90);
    assert_string_equal(g.limits, "cpu=60,memory=2048");
    assert_int_equal(g.n_points, 3);
    assert_int_equal(g.n_parts, 2);
    const struct grading_part *p = &g.parts[0];
    assert_string_equal(p->name, "json-server");
    assert_string_equal(p->title, "The server");
    assert_string_equal(p->suite, "sensor");
    assert_string_equal(p->dir, "json/server");
    assert_string_equal(p->build, "make -C src all#not-a-comment");
    assert_string_equal(p->run, "target/debug/server --port 1234");
    assert_int_equal(p->levels, (1u << CF_LEVEL_CORE) | (1u << CF_LEVEL_ROBUST));
    assert_int_equal(p->time_s, 30);
    assert_int_equal(p->line, 10);
    assert_int_equal(p->n_accept, 1);
    assert_string_equal(p->accept[0].reason, "the chapter's server is serial");
    assert_non_null(grading_accepted(p, "SEN-17"));
    assert_null(grading_accepted(p, "SEN-1"));
    /* Defaults: a part with no dir, title or levels; "none" is no build (""). */
    const struct grading_part *q = &g.parts[1];
    assert_string_equal(q->dir, ".");
    assert_string_equal(q->title, "");
    assert_string_equal(q->build, "");
    assert_int_equal(q->levels, 7);
    assert_int_equal(q->time_s, 0);

    /* Points: the part's id rule, the file's id rule, the part's strength rule, the file's,
     * the built-in defaults. */
    assert_true(grading_points_for(&g, p, "SEN-5", "MUST", CF_LEVEL_CORE) == 7);
    assert_true(grading_points_for(&g, p, "SEN-4", "MUST", CF_LEVEL_CORE) == 6);
    assert_true(grading_points_for(&g, p, "SEN-9", "MUST", CF_LEVEL_ROBUST) == 5);
    assert_true(grading_points_for(&g, p, "SEN-1", "MUST", CF_LEVEL_CORE) == 4);
    assert_true(grading_points_for(&g, p, "SEN-12", "SHOULD", CF_LEVEL_CORE) == 0.5);
    assert_true(grading_points_for(&g, q, "ECHO-9", "MUST", CF_LEVEL_ROBUST) == 2);
    assert_true(grading_points_for(&g, q, "ECHO-10", "MUST", CF_LEVEL_STRESS) == 1);
    assert_true(grading_points_for(&g, q, "X-1", "MAY", CF_LEVEL_CORE) == 0);
    assert_true(grading_points_for(&g, q, "X-1", "", CF_LEVEL_CORE) == 0);
    grading_free(&g);

    /* The built-in times. */
    static const char small[] = "part: a\nsuite: s\nrun: r\n";
    assert_int_equal(grading_parse("G", small, strlen(small), &g, err, sizeof err), 0);
    assert_int_equal(g.build_time_s, 600);
    assert_int_equal(g.time_s, 300);
    assert_string_equal(g.limits, "");
    grading_free(&g);
}

static void expect_error(const char *text, const char *want)
{
    struct grading g;
    char err[512] = "";
    int rc = grading_parse("chapter.grade", text, strlen(text), &g, err, sizeof err);
    assert_true(rc == WC_ERR_INVALID || rc == WC_ERR_TOO_LONG);
    if (strcmp(err, want) != 0)
        fail_msg("for %s\n got  '%s'\n want '%s'", text, err, want);
}

#define PART "part: a\nsuite: s\nrun: r\n"

static void test_grading_errors_name_file_and_line(void **state)
{
    (void)state;
    expect_error("", "chapter.grade:1: no part: a grading file grades at least one part");
    expect_error("title: x\n", "chapter.grade:1: no part: a grading file grades at least one "
                               "part");
    expect_error("suite: s\n", "chapter.grade:1: unknown key 'suite' before the first part: "
                 "(title, points, build-time, time, limits, part; in a part: suite, dir, build, "
                 "run, levels, points, accept, time, title)");
    expect_error("part: A\n", "chapter.grade:1: a part's name is 1 to 64 of a-z, 0-9 and '-'");
    expect_error("part: a\nrun: r\n", "chapter.grade:1: part 'a' has no 'suite:'");
    expect_error("part: a\nsuite: s\n", "chapter.grade:1: part 'a' has no 'run:' (the command "
                 "that starts its program, e.g. target/debug/server)");
    expect_error(PART "part: a\nsuite: s\nrun: r\n", "chapter.grade:4: part 'a' is defined twice");
    expect_error(PART "suite: t\n", "chapter.grade:4: 'suite' given twice");
    expect_error(PART "dir: ../x\n", "chapter.grade:4: dir: want a folder inside the submission "
                 "(relative, no '..', no blanks)");
    expect_error(PART "dir: /etc\n", "chapter.grade:4: dir: want a folder inside the submission "
                 "(relative, no '..', no blanks)");
    expect_error(PART "levels: core hard\n", "chapter.grade:4: levels: 'hard' is not core, "
                 "robust or stress");
    expect_error(PART "points: SEN-4\n", "chapter.grade:4: points: want a number of points from "
                 "0 to 10000, not ''");
    expect_error(PART "points: SEN-4 -1\n", "chapter.grade:4: points: want a number of points "
                 "from 0 to 10000, not '-1'");
    expect_error(PART "points: SEN-4 1e3\n", "chapter.grade:4: points: want a number of points "
                 "from 0 to 10000, not '1e3'");
    expect_error(PART "points: MUST hard 3\n", "chapter.grade:4: points: want a level (core, "
                 "robust, stress or *) after MUST, not 'hard'");
    expect_error(PART "points: sen-4 3\n", "chapter.grade:4: points: want a requirement id "
                 "(SEN-4) or a strength and a level (MUST core), not 'sen-4'");
    expect_error(PART "points: SEN-4 3 extra\n", "chapter.grade:4: points: unexpected 'extra' "
                 "after the number");
    expect_error(PART "accept: SEN-17\n", "chapter.grade:4: accept: say why SEN-17 is accepted");
    expect_error(PART "accept: SEN-17 a\naccept: SEN-17 b\n", "chapter.grade:5: accept: SEN-17 "
                 "is accepted twice");
    expect_error("time: 0\n" PART, "chapter.grade:1: time: want seconds from 1 to 86400 "
                 "(\"300\", \"300s\" or \"5m\")");
    expect_error("build-time: 2d\n" PART, "chapter.grade:1: build-time: want seconds from 1 to "
                 "86400 (\"300\", \"300s\" or \"5m\")");
    expect_error(PART "build:\n", "chapter.grade:4: build: give a command, or none");
    expect_error(PART "colour: red\n", "chapter.grade:4: unknown key 'colour' (title, points, "
                 "build-time, time, limits, part; in a part: suite, dir, build, run, levels, "
                 "points, accept, time, title)");
    expect_error(PART "nonsense\n", "chapter.grade:4: want 'key: value' (title, points, "
                 "build-time, time, limits, part; in a part: suite, dir, build, run, levels, "
                 "points, accept, time, title)");
    expect_error(PART "run\x01: x\n", "chapter.grade:4: control byte 0x01");
    char line[GRADING_MAX_LINE + 16];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = 0;
    memcpy(line, "title: ", 7);
    expect_error(line, "chapter.grade:1: line longer than 4096 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grading_parses_the_model),
        cmocka_unit_test(test_grading_errors_name_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
