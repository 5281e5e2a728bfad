/* test_run.c -- run_suite with --connect against an in-process echo: order, exit codes, usage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "load/casefile.h"
#include "load/suite.h"
#include "net.h"
#include "run/run.h"
#include "echo_thread.h"

/* ---- a suite in a temporary directory ---- */

struct tmpsuite {
    char root[64];      /* the cases directory */
    char dir[128];      /* root/mini */
    char files[8][192]; /* written, for the cleanup */
    size_t n_files;
    struct suite *s;
};

static void write_file(struct tmpsuite *t, const char *name, const char *text)
{
    assert_true(t->n_files < 8);
    char *path = t->files[t->n_files++];
    snprintf(path, sizeof t->files[0], "%s/%s", t->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Suite "mini", role |role|: three echo cases whose keywords are alike but not the same. */
static void tmpsuite_make(struct tmpsuite *t, const char *role)
{
    memset(t, 0, sizeof *t);
    snprintf(t->root, sizeof t->root, "/tmp/wirecheck-test-run-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    snprintf(t->dir, sizeof t->dir, "%s/mini", t->root);
    assert_int_equal(mkdir(t->dir, 0700), 0);
    char suite[256];
    snprintf(suite, sizeof suite, "suite: mini\ntitle: a test suite\nrole: %s\ntransport: tcp\n"
             "port: 7878\n", role);
    write_file(t, "SUITE", suite);
    write_file(t, "001-hello.case",
               "id: mini.001\ntitle: hello\nrequirement: M-1\nkeywords: basic\n"
               "connect a\nsend a \"hello\\n\"\nexpect a \"hello\\n\"\nclose a\n");
    write_file(t, "002-two.case",
               "id: mini.002\ntitle: two messages\nrequirement: M-1\nkeywords: basics\n"
               "connect a\nsend a \"one\\n\"\nexpect a \"one\\n\"\n"
               "send a \"two\\n\"\nexpect a \"two\\n\"\nclose a\n");
    write_file(t, "003-half-close.case",
               "id: mini.003\ntitle: half-close\nrequirement: M-2\nlevel: robust\n"
               "keywords: echo-basic close\n"
               "connect a\nsend a \"bye\\n\"\nshutdown a\nexpect a \"bye\\n\"\n"
               "expect-close a fin\n");
    char err[512];
    if (suite_load(t->root, "mini", &t->s, err, sizeof err) != 0)
        fail_msg("suite_load: %s", err);
    assert_int_equal(t->s->n_cases, 3);
}

static void tmpsuite_remove(struct tmpsuite *t)
{
    suite_free(t->s);
    for (size_t i = 0; i < t->n_files; i++)
        assert_int_equal(unlink(t->files[i]), 0);
    assert_int_equal(rmdir(t->dir), 0);
    assert_int_equal(rmdir(t->root), 0);
}

/* ---- running ---- */

/* An address of ours that usage errors never reach: a bound, non-listening ephemeral port. */
struct idle_addr {
    int fd;
    char text[NET_ADDR_TEXT];
};

static void idle_open(struct idle_addr *a)
{
    struct net_addr na;
    net_loopback_addr(&na, AF_INET, 0);
    a->fd = net_bind_nb(&na, SOCK_STREAM, 0, 0);
    assert_true(a->fd >= 0);
    assert_true(net_addr_format((const struct sockaddr *)&na.ss, na.len, a->text) > 0);
}

/* Options as cli/run.c builds them before its flags: every level, one job, scale 1. */
static void opts_default(struct run_opts *o)
{
    memset(o, 0, sizeof *o);
    selection_init(&o->sel);
    o->jobs = 1;
    o->scale = 1.0;
}

/* What on_done saw. */
struct seen {
    size_t idx[16];
    char ids[16][32];
    size_t n;
    pthread_t caller;
    int other_thread;
};

static void on_done(struct run *run, size_t i, void *ctx)
{
    struct seen *s = ctx;
    assert_true(s->n < 16);
    assert_true(run->res[i].done);
    s->other_thread |= !pthread_equal(pthread_self(), s->caller);
    s->idx[s->n] = i;
    snprintf(s->ids[s->n], sizeof s->ids[0], "%s", run->res[i].c->id);
    s->n++;
}

/* Runs |s| with |o| (connect filled in from |e|); returns run_suite's value. */
static int run_with(struct run *run, struct run_opts *o, const struct suite *s,
                    const struct echo *e, struct seen *seen, char *err, size_t errlen)
{
    if (e)
        o->connect = e->connect;
    if (seen) {
        memset(seen, 0, sizeof *seen);
        seen->caller = pthread_self();
    }
    err[0] = 0;
    return run_suite(run, o, s, NULL, seen ? on_done : NULL, seen, err, errlen);
}

static void assert_all_passed(const struct run *run)
{
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (r->selected && r->play.v.outcome != OUT_PASS)
            fail_msg("%s: %s: %s", r->c->id, outcome_name(r->play.v.outcome), r->play.v.reason);
    }
}

/* ---- tests ---- */

static void test_run_delivers_cases_in_suite_order(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct suite *s;
    char err[1024];
    if (suite_load(WIRECHECK_SOURCE_DIR "/conformance/cases", "tcp-echo", &s, err,
                   sizeof err) != 0)
        fail_msg("suite_load: %s", err);
    struct run_opts o;
    opts_default(&o);
    /* messages, round trips, half-closes, clients */
    assert_int_equal(selection_add_glob(&o.sel, "tcp-echo.01[0-4]"), 0);
    struct run run;
    struct seen seen;
    assert_int_equal(run_with(&run, &o, s, &e, &seen, err, sizeof err), 0);
    assert_int_equal(run.n_selected, 5);
    assert_int_equal(seen.n, 5);
    assert_false(seen.other_thread);
    for (size_t k = 0; k < seen.n; k++) {
        char want[32];
        snprintf(want, sizeof want, "tcp-echo.%03zu", 10 + k);
        assert_string_equal(seen.ids[k], want);
        if (k)
            assert_true(seen.idx[k] > seen.idx[k - 1]);
    }
    assert_all_passed(&run);
    assert_int_equal(run_exit_code(&run), RUN_EXIT_PASS);
    assert_non_null(strstr(run.target_desc, e.connect));
    run_cleanup(&run);
    suite_free(s);
    echo_stop(&e);
}

static void test_run_passes_a_correct_echo(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    struct run run;
    struct seen seen;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, &e, &seen, err, sizeof err), 0);
    assert_int_equal(run.n_selected, 3);
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.ids[0], "mini.001");
    assert_string_equal(seen.ids[1], "mini.002");
    assert_string_equal(seen.ids[2], "mini.003");
    assert_all_passed(&run);
    assert_int_equal(run_exit_code(&run), RUN_EXIT_PASS);
    run_cleanup(&run);
    tmpsuite_remove(&t);
    echo_stop(&e);
}

static void test_run_fails_an_echo_that_drops_the_last_byte(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 1);
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    assert_int_equal(selection_add_glob(&o.sel, "mini.00[12]"), 0);
    struct run run;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, &e, NULL, err, sizeof err), 0);
    assert_int_equal(run.n_selected, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct case_result *r = &run.res[i];
        assert_true(r->selected);
        assert_true(outcome_is_failure(r->play.v.outcome));
        assert_int_equal(r->play.v.line, 7); /* the first expect */
        assert_int_equal(r->attempts, 1);
    }
    assert_false(run.res[2].selected);
    assert_int_equal(run_exit_code(&run), RUN_EXIT_FAIL);
    run_cleanup(&run);
    tmpsuite_remove(&t);
    echo_stop(&e);
}

static void test_run_case_glob_matching_nothing_is_a_usage_error(void **state)
{
    (void)state;
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    struct idle_addr idle;
    idle_open(&idle);
    o.connect = idle.text; /* never reached: nothing is selected */
    assert_int_equal(selection_add_glob(&o.sel, "mini.9*"), 0);
    struct run run;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, NULL, NULL, err, sizeof err), RUN_EXIT_USAGE);
    assert_non_null(strstr(err, "no case of suite mini matches --case mini.9*"));
    assert_int_equal(run.n_selected, 0);
    run_cleanup(&run);
    close(idle.fd);
    tmpsuite_remove(&t);
}

static void test_run_rejects_exec_and_connect_together(void **state)
{
    (void)state;
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    struct idle_addr idle;
    idle_open(&idle);
    o.exec = "true";
    o.connect = idle.text;
    struct run run;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, NULL, NULL, err, sizeof err), RUN_EXIT_USAGE);
    assert_non_null(strstr(err, "exactly one of --exec and --connect"));
    run_cleanup(&run);
    /* Neither is just as wrong. */
    o.exec = NULL;
    o.connect = NULL;
    assert_int_equal(run_with(&run, &o, t.s, NULL, NULL, err, sizeof err), RUN_EXIT_USAGE);
    assert_non_null(strstr(err, "exactly one of --exec and --connect"));
    run_cleanup(&run);
    close(idle.fd);
    tmpsuite_remove(&t);
}

static void test_run_rejects_listen_on_a_server_suite(void **state)
{
    (void)state;
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    struct idle_addr idle;
    idle_open(&idle);
    o.connect = idle.text;
    o.listen = idle.text;
    struct run run;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, NULL, NULL, err, sizeof err), RUN_EXIT_USAGE);
    assert_non_null(strstr(err, "--listen is for client suites"));
    run_cleanup(&run);
    close(idle.fd);
    tmpsuite_remove(&t);
}

static void test_run_keyword_selects_whole_keywords(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct tmpsuite t;
    tmpsuite_make(&t, "server");
    struct run_opts o;
    opts_default(&o);
    o.sel.n_keywords = 0;
    /* not "basics", not "echo-basic" */
    assert_int_equal(selection_add_keyword(&o.sel, "basic"), 0);
    struct run run;
    struct seen seen;
    char err[1024];
    assert_int_equal(run_with(&run, &o, t.s, &e, &seen, err, sizeof err), 0);
    assert_int_equal(run.n_selected, 1);
    assert_true(run.res[0].selected);
    assert_false(run.res[1].selected);
    assert_false(run.res[2].selected);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.ids[0], "mini.001");
    assert_int_equal(run_exit_code(&run), RUN_EXIT_PASS);
    run_cleanup(&run);
    /* A part of a keyword selects nothing. */
    o.sel.n_keywords = 0;
    assert_int_equal(selection_add_keyword(&o.sel, "basi"), 0);
    assert_int_equal(run_with(&run, &o, t.s, &e, NULL, err, sizeof err), RUN_EXIT_USAGE);
    assert_non_null(strstr(err, "--keyword basi"));
    run_cleanup(&run);
    tmpsuite_remove(&t);
    echo_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_delivers_cases_in_suite_order),
        cmocka_unit_test(test_run_passes_a_correct_echo),
        cmocka_unit_test(test_run_fails_an_echo_that_drops_the_last_byte),
        cmocka_unit_test(test_run_case_glob_matching_nothing_is_a_usage_error),
        cmocka_unit_test(test_run_rejects_exec_and_connect_together),
        cmocka_unit_test(test_run_rejects_listen_on_a_server_suite),
        cmocka_unit_test(test_run_keyword_selects_whole_keywords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
