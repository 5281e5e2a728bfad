/* test_proc.c -- programs under test: started, captured, watched and stopped with their whole
 * group. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "status.h"
#include "program/proc.h"

static void test_proc_captures_output_and_exit_status(void **state)
{
    (void)state;
    char sh[] = "sh", c[] = "-c", script[] = "echo out; echo err >&2; exit 3";
    char *argv[] = {sh, c, script, NULL};
    struct proc *p;
    char err[256];
    assert_int_equal(proc_start(argv, NULL, &p, err, sizeof err), 0);
    assert_int_equal(proc_wait(p, 5000), 0);
    assert_int_equal(proc_status(p), 3);
    proc_output_wait(p, PROC_STDERR, 0, clk_now_ms() + 2000);
    proc_output_wait(p, PROC_STDOUT, 0, clk_now_ms() + 2000);
    struct bytes b;
    bytes_init(&b, 0);
    proc_output(p, PROC_STDOUT, 0, &b);
    assert_string_equal(bytes_str(&b), "out\n");
    b.len = 0;
    proc_output(p, PROC_STDERR, 0, &b);
    assert_string_equal(bytes_str(&b), "err\n");
    bytes_cleanup(&b);
    char how[64];
    proc_describe_end(p, how, sizeof how);
    assert_string_equal(how, "exited with status 3");
    proc_free(p);
}

/* True when |pid| no longer runs (absent, or a zombie). */
static int child_dead(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

static void test_proc_stop_kills_the_whole_group(void **state)
{
    (void)state;
    /* The program ignores SIGTERM and leaves a child behind: both must go. */
    char sh[] = "sh", c[] = "-c", script[] = "trap '' TERM; sleep 1000 & echo $!; wait";
    char *argv[] = {sh, c, script, NULL};
    struct proc *p;
    char err[256];
    assert_int_equal(proc_start(argv, NULL, &p, err, sizeof err), 0);
    size_t n = proc_output_wait(p, PROC_STDOUT, 0, clk_now_ms() + 5000);
    assert_true(n > 0);
    struct bytes b;
    bytes_init(&b, 0);
    proc_output(p, PROC_STDOUT, 0, &b);
    pid_t child = 0;
    for (size_t i = 0; i < b.len && b.data[i] >= '0' && b.data[i] <= '9'; i++)
        child = child * 10 + (b.data[i] - '0');
    bytes_cleanup(&b);
    assert_true(child > 0);
    assert_int_equal(proc_running(p), 1);
    proc_stop(p, 100);
    assert_int_equal(proc_running(p), 0);
    char how[64];
    proc_describe_end(p, how, sizeof how);
    assert_string_equal(how, "killed by SIGKILL");
    /* The sleeping child is dead too: gone, or a zombie its new parent has not reaped. */
    int gone = 0;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = child_dead(child);
        if (!gone)
            usleep(10000);
    }
    proc_free(p);
    assert_true(gone);
}

static void test_proc_reports_a_program_that_cannot_run(void **state)
{
    (void)state;
    char prog[] = "/nonexistent/wirecheck-test";
    char *argv[] = {prog, NULL};
    struct proc *p = NULL;
    char err[256] = "";
    assert_true(proc_start(argv, NULL, &p, err, sizeof err) < 0);
    assert_null(p);
    assert_non_null(strstr(err, "cannot run '/nonexistent/wirecheck-test'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proc_captures_output_and_exit_status),
        cmocka_unit_test(test_proc_stop_kills_the_whole_group),
        cmocka_unit_test(test_proc_reports_a_program_that_cannot_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
