/* test_grade.c -- scoring a part from a report, the files a grade is written as (read back by
 * Python's and cJSON's parsers in the e2e test; here their contents), and the submission tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "grade/class.h"
#include "grade/grade.h"
#include "grade/tree.h"
#include "status.h"

struct fixture {
    struct grading g;
    struct suite *s;
    struct spec spec;
};

static const char grading_text[] =
    "title: T <&>\n"
    "part: echo\n"
    "suite: tcp-echo\n"
    "run: ./server\n"
    "levels: core\n"
    "points: ECHO-1 10\n"
    "accept: ECHO-6 no logs asked for\n";

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    char err[512] = "";
    assert_int_equal(grading_parse("G", grading_text, strlen(grading_text), &fx->g, err,
                                   sizeof err), 0);
    assert_int_equal(suite_load(WIRECHECK_SOURCE_DIR "/conformance/cases", "tcp-echo", &fx->s,
                                err, sizeof err), 0);
    char *text;
    size_t len;
    assert_int_equal(suite_read_file(WIRECHECK_SOURCE_DIR "/conformance/SPEC.md", 1 << 20,
                                     &text, &len), 0);
    assert_int_equal(spec_parse("SPEC.md", text, len, &fx->spec, err, sizeof err), 0);
    free(text);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    grading_free(&fx->g);
    suite_free(fx->s);
    spec_free(&fx->spec);
    free(fx);
    return 0;
}

static int has_req(const struct part_result *pr, const char *id)
{
    for (size_t i = 0; i < pr->n_reqs; i++)
        if (strcmp(pr->reqs[i].id, id) == 0)
            return 1;
    return 0;
}

/* The requirement |id| of |pr|; the test fails when there is none. */
static const struct req_score *req(const struct part_result *pr, const char *id)
{
    for (size_t i = 0; i < pr->n_reqs; i++)
        if (strcmp(pr->reqs[i].id, id) == 0)
            return &pr->reqs[i];
    fail_msg("no requirement %s", id);
    abort();
}

/* A report of tcp-echo: every core case passes but tcp-echo.001 (fails), tcp-echo.002 (not
 * run) and tcp-echo.019 (warns); tcp-echo.003 is missing from it. */
static char *report(const struct fixture *fx, const char *suite)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "suite", suite);
    cJSON *cases = cJSON_AddArrayToObject(root, "cases");
    for (size_t i = 0; i < fx->s->n_cases; i++) {
        const struct cf_case *c = fx->s->cases[i];
        if (c->level != CF_LEVEL_CORE || strcmp(c->id, "tcp-echo.003") == 0)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", c->id);
        cJSON_AddStringToObject(o, "title", c->title);
        cJSON_AddStringToObject(o, "requirement", c->requirement);
        int fail = strcmp(c->id, "tcp-echo.001") == 0, nr = strcmp(c->id, "tcp-echo.002") == 0;
        int warn = strcmp(c->id, "tcp-echo.019") == 0;
        cJSON_AddStringToObject(o, "outcome", fail ? "fail" : nr ? "timeout" : warn ? "warn"
                                                                          : "pass");
        cJSON_AddBoolToObject(o, "not_run", nr);
        if (fail) {
            cJSON_AddStringToObject(o, "reason", "line 10: expect: byte 3 differs <b>");
            cJSON_AddStringToObject(o, "rerun", "wirecheck run tcp-echo --case tcp-echo.001");
        }
        cJSON_AddItemToArray(cases, o);
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static void test_grade_scores_a_part(void **state)
{
    struct fixture *fx = *state;
    struct part_result pr;
    assert_int_equal(score_init(&pr, &fx->g, &fx->g.parts[0], fx->s, &fx->spec, NULL), 0);
    /* Core requirements only, with their points; nothing passed yet. */
    const struct req_score *e1 = req(&pr, "ECHO-1");
    assert_false(has_req(&pr, "ECHO-7")); /* robust */
    assert_true(e1->max == 10);
    assert_true(req(&pr, "ECHO-2")->max == 3);
    assert_true(req(&pr, "ECHO-6")->max == 1);
    assert_string_equal(e1->title, "Every byte comes back unchanged and in order");
    assert_true(pr.points == req(&pr, "ECHO-6")->max); /* only the accepted one */

    char *json = report(fx, "tcp-echo");
    char err[256];
    assert_int_equal(score_report(&pr, json, strlen(json), err, sizeof err), 0);
    free(json);
    e1 = req(&pr, "ECHO-1");
    /* 001 failed, 002 did not run, 003 is missing: 3 of ECHO-1's core cases not passed. */
    assert_int_equal(e1->passed, e1->cases - 3);
    assert_int_equal(e1->not_run, 2);
    double want = (double)(long long)(10.0 * (e1->cases - 3) / e1->cases * 100 + 0.5) / 100;
    assert_true(e1->points == want);
    assert_non_null(strstr(e1->output, "fail tcp-echo.001: "));
    assert_non_null(strstr(e1->output, "  rerun: wirecheck run tcp-echo --case tcp-echo.001\n"));
    assert_non_null(strstr(e1->output, "NOT RUN tcp-echo.002"));
    /* The warning is not a pass, but ECHO-6 is accepted: full points. */
    const struct req_score *e6 = req(&pr, "ECHO-6");
    assert_int_equal(e6->passed, e6->cases - 1);
    assert_true(e6->points == e6->max);
    /* A part that did not run earns nothing, accepted or not. */
    pr.status = PART_BUILD_FAILED;
    score_total(&pr);
    assert_true(pr.points == 0);
    pr.status = PART_GRADED;
    score_total(&pr);
    assert_true(pr.points > 0);

    /* A report of another suite, or no report, is refused. */
    json = report(fx, "sensor");
    assert_int_equal(score_report(&pr, json, strlen(json), err, sizeof err), WC_ERR_INVALID);
    free(json);
    assert_int_equal(score_report(&pr, "{", 1, err, sizeof err), WC_ERR_INVALID);
    part_result_cleanup(&pr);
}

/* Everything |w| writes for |sr|, as a string. */
static char *written(int (*w)(FILE *, const struct sub_result *, const struct grading *),
                     const struct sub_result *sr, const struct grading *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(w(f, sr, g), 0);
    fclose(f);
    return buf;
}

static int csv_one(FILE *f, const struct sub_result *sr, const struct grading *g)
{
    return grade_write_csv(f, sr, 1, g);
}

static int matrix_one(FILE *f, const struct sub_result *sr, const struct grading *g)
{
    return grade_write_matrix(f, sr, 1, g);
}

static int summary(FILE *f, const struct sub_result *sr, const struct grading *g)
{
    (void)g;
    return grade_write_summary(f, sr, "0123456789abcdef", "fedcba9876543210");
}

static void test_grade_files(void **state)
{
    struct fixture *fx = *state;
    struct sub_result sr;
    memset(&sr, 0, sizeof sr);
    sr.name = strdup("alice");
    sr.parts = calloc(1, sizeof *sr.parts);
    sr.n_parts = 1;
    assert_int_equal(score_init(&sr.parts[0], &fx->g, &fx->g.parts[0], fx->s, &fx->spec, NULL),
                     0);
    char *json = report(fx, "tcp-echo"), err[256];
    assert_int_equal(score_report(&sr.parts[0], json, strlen(json), err, sizeof err), 0);
    free(json);
    sr.points = sr.parts[0].points;
    sr.max = sr.parts[0].max;

    /* results.json: the score, one test per requirement named "PART: ID TITLE". */
    char *text = written(grade_write_gradescope, &sr, &fx->g);
    cJSON *r = cJSON_Parse(text);
    free(text);
    assert_non_null(r);
    assert_true(cJSON_GetObjectItem(r, "score")->valuedouble == sr.points);
    cJSON *tests = cJSON_GetObjectItem(r, "tests");
    assert_int_equal(cJSON_GetArraySize(tests), (int)sr.parts[0].n_reqs);
    cJSON *t0 = cJSON_GetArrayItem(tests, 0);
    char name[300];
    snprintf(name, sizeof name, "echo: %s %s", sr.parts[0].reqs[0].id, sr.parts[0].reqs[0].title);
    assert_string_equal(cJSON_GetObjectItem(t0, "name")->valuestring, name);
    double sum = 0;
    cJSON *t;
    cJSON_ArrayForEach(t, tests) sum += cJSON_GetObjectItem(t, "score")->valuedouble;
    assert_true(sum - sr.points < 0.001 && sr.points - sum < 0.001);
    cJSON_Delete(r);

    /* grade.json reads back to the same scores. */
    text = written(summary, &sr, &fx->g);
    struct sub_result back;
    char hash[17], key[17];
    assert_int_equal(grade_read_summary(text, strlen(text), &fx->g, &back, hash, key, err,
                                        sizeof err), 0);
    assert_string_equal(hash, "0123456789abcdef");
    assert_string_equal(key, "fedcba9876543210");
    assert_string_equal(back.name, "alice");
    assert_true(back.points == sr.points);
    assert_int_equal(back.parts[0].n_reqs, sr.parts[0].n_reqs);
    assert_non_null(back.parts[0].reqs[0].output);
    sub_result_cleanup(&back);
    /* ... against the grading file it was made with only. */
    struct grading other;
    static const char two[] = "part: a\nsuite: tcp-echo\nrun: r\npart: b\nsuite: s\nrun: r\n";
    assert_int_equal(grading_parse("G", two, strlen(two), &other, err, sizeof err), 0);
    assert_int_equal(grade_read_summary(text, strlen(text), &other, &back, hash, key, err,
                                        sizeof err), WC_ERR_INVALID);
    grading_free(&other);
    free(text);

    /* grades.csv: a header and a row. */
    text = written(csv_one, &sr, &fx->g);
    assert_memory_equal(text, "submission,total,max,status,seconds,echo,echo status,echo ",
                        strlen("submission,total,max,status,seconds,echo,echo status,echo "));
    assert_non_null(strstr(text, "\r\nalice,"));
    free(text);

    /* index.html: escaped, and one row. */
    text = written(matrix_one, &sr, &fx->g);
    assert_non_null(strstr(text, "<title>T &lt;&amp;&gt;</title>"));
    assert_null(strstr(text, "<b>")); /* the case's reason is escaped where it shows */
    assert_non_null(strstr(text, "href=\"alice/echo.html#req-ECHO-1\""));
    assert_non_null(strstr(text, "id=\"common-failures\""));
    free(text);
    sub_result_cleanup(&sr);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_grade_tree_copy_and_hash(void **state)
{
    (void)state;
    char root[] = "/tmp/test_grade_XXXXXX";
    assert_non_null(mkdtemp(root));
    char src[200], dst[200], p[300];
    snprintf(src, sizeof src, "%s/alice", root);
    snprintf(dst, sizeof dst, "%s/copy", root);
    assert_int_equal(mkdir(src, 0755), 0);
    snprintf(p, sizeof p, "%s/src", src);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/src/main.rs", src);
    write_file(p, "fn main() {}\n", 0644);
    snprintf(p, sizeof p, "%s/run.sh", src);
    write_file(p, "#!/bin/sh\n", 0755);
    /* A link to a folder outside, holding a canary: copied as a link, never followed. */
    char outside[200], canary[260];
    snprintf(outside, sizeof outside, "%s/outside", root);
    assert_int_equal(mkdir(outside, 0755), 0);
    snprintf(canary, sizeof canary, "%s/canary", outside);
    write_file(canary, "alive\n", 0644);
    snprintf(p, sizeof p, "%s/link", src);
    assert_int_equal(symlink(outside, p), 0);
    snprintf(p, sizeof p, "%s/.git", src);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/.git/HEAD", src);
    write_file(p, "ref\n", 0644);

    char err[256];
    uint64_t h1, h2, h3;
    assert_int_equal(tree_copy(src, NULL, 0, 0, &h1, err, sizeof err), 0);
    assert_int_equal(tree_copy(src, dst, 0, 0, &h2, err, sizeof err), 0);
    assert_true(h1 == h2);
    /* The copy: files, the executable bit, the link as a link, no .git. */
    struct stat st;
    snprintf(p, sizeof p, "%s/src/main.rs", dst);
    assert_int_equal(stat(p, &st), 0);
    snprintf(p, sizeof p, "%s/run.sh", dst);
    assert_int_equal(stat(p, &st), 0);
    assert_true(st.st_mode & 0100);
    snprintf(p, sizeof p, "%s/link", dst);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    snprintf(p, sizeof p, "%s/.git", dst);
    assert_int_not_equal(lstat(p, &st), 0);
    /* History does not change the hash; a byte of a file, or an executable bit, does. */
    snprintf(p, sizeof p, "%s/.git/HEAD", src);
    write_file(p, "other\n", 0644);
    assert_int_equal(tree_copy(src, NULL, 0, 0, &h3, err, sizeof err), 0);
    assert_true(h3 == h1);
    snprintf(p, sizeof p, "%s/src/main.rs", src);
    write_file(p, "fn main() { }\n", 0644);
    assert_int_equal(tree_copy(src, NULL, 0, 0, &h3, err, sizeof err), 0);
    assert_true(h3 != h1);
    snprintf(p, sizeof p, "%s/src/main.rs", src);
    write_file(p, "fn main() {}\n", 0644);
    snprintf(p, sizeof p, "%s/run.sh", src);
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(tree_copy(src, NULL, 0, 0, &h3, err, sizeof err), 0);
    assert_true(h3 != h1);
    /* A copy over an existing folder is refused. */
    assert_int_equal(tree_copy(src, dst, 0, 0, NULL, err, sizeof err), WC_ERR_INVALID);
    /* Removal never follows the link out: the canary outlives the copy's removal. */
    assert_int_equal(tree_remove(dst), 0);
    assert_int_not_equal(lstat(dst, &st), 0);
    assert_int_equal(stat(canary, &st), 0);
    assert_int_equal(tree_remove(src), 0);
    assert_int_equal(stat(canary, &st), 0);
    assert_int_equal(tree_remove(root), 0);
    assert_int_not_equal(stat(root, &st), 0);
}

static void test_grade_submission_names(void **state)
{
    (void)state;
    char n[160];
    assert_int_equal(class_sub_name("subs/alice", n, sizeof n), 0);
    assert_string_equal(n, "alice");
    assert_int_equal(class_sub_name("/x/bob.smith@uni+1/", n, sizeof n), 0);
    assert_string_equal(n, "bob.smith@uni+1");
    assert_int_equal(class_sub_name("subs/..", n, sizeof n), -1);
    assert_int_equal(class_sub_name(".", n, sizeof n), -1);
    assert_int_equal(class_sub_name("subs/.hidden", n, sizeof n), -1);
    assert_int_equal(class_sub_name("subs/a b", n, sizeof n), -1);
    assert_int_equal(class_sub_name("subs/<script>", n, sizeof n), -1);
    assert_int_equal(class_sub_name("subs/a'b", n, sizeof n), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grade_scores_a_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grade_files, setup, teardown),
        cmocka_unit_test(test_grade_tree_copy_and_hash),
        cmocka_unit_test(test_grade_submission_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
