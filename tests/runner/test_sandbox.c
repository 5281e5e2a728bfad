/* test_sandbox.c -- the sandbox's limits, its command line, its uids and its reachability
 * check; and, where the machine allows it, that a confined program really is confined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "status.h"
#include "program/command.h"
#include "program/proc.h"
#include "program/sandbox.h"

static void test_sandbox_limits_parse(void **state)
{
    (void)state;
    struct sandbox_limits lim;
    sandbox_limits_default(&lim);
    assert_int_equal(lim.cpu_s, 300);
    assert_int_equal(lim.memory_mib, 4096);
    char err[256];
    assert_int_equal(sandbox_limit_parse(&lim, "memory=64", err, sizeof err), 0);
    assert_int_equal(lim.memory_mib, 64);
    assert_int_equal(sandbox_limit_parse(&lim, "procs=0", err, sizeof err), 0);
    assert_int_equal(lim.procs, 0);
    static const char *const bad[] = {"memory", "memory=", "memory=-1", "memory=1x",
                                      "cpu=86401", "nosuch=1", "=5", "memory=99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(sandbox_limit_parse(&lim, bad[i], err, sizeof err), WC_ERR_INVALID);
        assert_non_null(strstr(err, bad[i]));
    }
    assert_int_equal(lim.memory_mib, 64); /* a refused value changes nothing */
    assert_int_equal(sandbox_limits_parse_list(&lim, "cpu=5,,files=10", err, sizeof err), 0);
    assert_int_equal(lim.cpu_s, 5);
    assert_int_equal(lim.files, 10);
    assert_int_equal(sandbox_limits_parse_list(&lim, "cpu=5,bogus", err, sizeof err),
                     WC_ERR_INVALID);
}

static int argv_has(char **av, const char *a, const char *b)
{
    for (size_t i = 0; av[i]; i++)
        if (strcmp(av[i], a) == 0 && (!b || (av[i + 1] && strcmp(av[i + 1], b) == 0)))
            return 1;
    return 0;
}

static void test_sandbox_command_wraps_the_program(void **state)
{
    (void)state;
    struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    sb.uid_base = 4000000;
    char prog[] = "server", arg[] = "--listen";
    char *argv[] = {prog, arg, NULL};
    char **av;
    /* Off: the program as it is. */
    assert_int_equal(sandbox_command(&sb, 0, argv, &av), 0);
    assert_string_equal(av[0], "server");
    assert_string_equal(av[1], "--listen");
    assert_null(av[2]);
    command_argv_free(av);
    /* On: bwrap's namespaces and mounts, setpriv's uid, then the program, untouched. */
    sb.on = 1;
    snprintf(sb.bwrap, sizeof sb.bwrap, "/usr/bin/bwrap");
    snprintf(sb.setpriv, sizeof sb.setpriv, "/usr/bin/setpriv");
    snprintf(sb.rw_dir, sizeof sb.rw_dir, "/srv/submission");
    assert_int_equal(sandbox_command(&sb, 3, argv, &av), 0);
    assert_string_equal(av[0], "/usr/bin/bwrap");
    assert_true(argv_has(av, "--unshare-pid", NULL));
    assert_true(argv_has(av, "--die-with-parent", NULL));
    assert_true(argv_has(av, "--new-session", NULL));
    assert_true(argv_has(av, "--ro-bind", "/"));
    assert_true(argv_has(av, "--size", "67108864"));
    assert_true(argv_has(av, "--tmpfs", "/tmp"));
    assert_true(argv_has(av, "--bind", "/srv/submission"));
    assert_true(argv_has(av, "/usr/bin/setpriv", "--reuid"));
    assert_true(argv_has(av, "--reuid", "4000003"));
    assert_true(argv_has(av, "--regid", "4000003"));
    assert_true(argv_has(av, "--no-new-privs", NULL));
    size_t n = 0;
    while (av[n])
        n++;
    assert_string_equal(av[n - 2], "server");
    assert_string_equal(av[n - 1], "--listen");
    assert_string_equal(av[n - 3], "--");
    command_argv_free(av);
    /* Unconfined as root: no namespaces, but never the runner's uid either. */
    sb.on = 0;
    sb.uid_only = 1;
    assert_int_equal(sandbox_command(&sb, 3, argv, &av), 0);
    assert_string_equal(av[0], "/usr/bin/setpriv");
    assert_false(argv_has(av, "/usr/bin/bwrap", NULL));
    assert_true(argv_has(av, "--reuid", "4000003"));
    struct proc_spec spec;
    sandbox_proc_spec(&sb, &spec);
    assert_false(spec.wrapped);
    assert_int_equal(spec.procs, sb.lim.procs);
    command_argv_free(av);
}

/* The private /tmp must not hide what the program needs from the machine's /tmp. */
static void test_sandbox_binds_back_what_lies_in_tmp(void **state)
{
    (void)state;
    struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    sb.on = 1;
    sb.uid_base = 4000000;
    snprintf(sb.bwrap, sizeof sb.bwrap, "bwrap");
    snprintf(sb.setpriv, sizeof sb.setpriv, "setpriv");
    char py[] = "python3", script[] = "/tmp/checkout-1/sub/server.py", opt[] = "--listen";
    char *argv[] = {py, script, opt, NULL};
    char **av;
    assert_int_equal(sandbox_command(&sb, 0, argv, &av), 0);
    assert_true(argv_has(av, "--ro-bind", "/tmp/checkout-1"));
    size_t tmpfs = 0, bind = 0;
    for (size_t i = 0; av[i]; i++) {
        if (strcmp(av[i], "--tmpfs") == 0)
            tmpfs = i;
        if (strcmp(av[i], "--ro-bind") == 0 && strcmp(av[i + 1], "/tmp/checkout-1") == 0)
            bind = i;
    }
    assert_true(tmpfs > 0 && bind > tmpfs); /* bound over the fresh /tmp, not under it */
    assert_false(argv_has(av, "--ro-bind", "/tmp/checkout-1/sub"));
    command_argv_free(av);
}

static void test_sandbox_uids_cycle_in_a_block(void **state)
{
    (void)state;
    struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sb.uid_base = 5000000;
    assert_int_equal(sandbox_uid(&sb, 0), 5000000);
    assert_int_equal(sandbox_uid(&sb, 1023), 5001023);
    assert_int_equal(sandbox_uid(&sb, 1024), 5000000);
    unsigned base = sandbox_default_uid_base();
    assert_true(base >= 0x40000000u);
    assert_true(base + 1024 > base); /* the whole block fits */
}

static void test_sandbox_reachable_names_what_to_chmod(void **state)
{
    (void)state;
    char dir[] = "/tmp/wc-sandbox-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof file, "%s/prog", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    char err[512] = "";
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(chmod(file, 0755), 0);
    assert_int_equal(sandbox_reachable(file, 1, err, sizeof err), WC_ERR_UNAVAILABLE);
    assert_non_null(strstr(err, "chmod o+x"));
    assert_non_null(strstr(err, dir));
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(sandbox_reachable(file, 1, err, sizeof err), 0);
    assert_int_equal(chmod(file, 0750), 0);
    assert_int_equal(sandbox_reachable(file, 1, err, sizeof err), WC_ERR_UNAVAILABLE);
    assert_non_null(strstr(err, "chmod o+rx"));
    assert_int_equal(sandbox_reachable(dir, 0, err, sizeof err), 0);
    /* A path that does not exist is for the program's start to report. */
    assert_int_equal(sandbox_reachable("/nonexistent/x", 1, err, sizeof err), 0);
    unlink(file);
    rmdir(dir);
}

/* A confined `id -u` prints the sandbox's uid and cannot write the filesystem. */
static void test_sandbox_confines_where_it_can(void **state)
{
    (void)state;
    struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    sb.uid_base = 4100000;
    char why[700];
    assert_int_equal(sandbox_setup(&sb, SANDBOX_AUTO, NULL, why, sizeof why), 0);
    if (!sb.on) {
        assert_true(why[0] != 0); /* an unconfined auto run always says why */
        struct sandbox req = sb;
        assert_int_equal(sandbox_setup(&req, SANDBOX_REQUIRE, NULL, why, sizeof why),
                         WC_ERR_UNAVAILABLE);
        skip();
    }
    assert_string_equal(why, "");
    char sh[] = "sh", c[] = "-c", script[] = "id -u; touch /usr/wc-probe 2>/dev/null || echo ro";
    char *argv[] = {sh, c, script, NULL};
    char **av;
    assert_int_equal(sandbox_command(&sb, 7, argv, &av), 0);
    struct proc_spec spec;
    sandbox_proc_spec(&sb, &spec);
    assert_true(spec.wrapped);
    struct proc *p;
    char err[256];
    assert_int_equal(proc_start(av, &spec, &p, err, sizeof err), 0);
    command_argv_free(av);
    assert_int_equal(proc_wait(p, 20000), 0);
    assert_int_equal(proc_status(p), 0);
    proc_output_wait(p, PROC_STDOUT, (size_t)-1, clk_now_ms() + 5000);
    struct bytes out;
    bytes_init(&out, 0);
    proc_output(p, PROC_STDOUT, 0, &out);
    assert_string_equal(bytes_str(&out), "4100007\nro\n");
    bytes_cleanup(&out);
    proc_free(p);
    sandbox_setup(&sb, SANDBOX_OFF, NULL, why, sizeof why);
    assert_false(sb.on);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandbox_limits_parse),
        cmocka_unit_test(test_sandbox_command_wraps_the_program),
        cmocka_unit_test(test_sandbox_binds_back_what_lies_in_tmp),
        cmocka_unit_test(test_sandbox_uids_cycle_in_a_block),
        cmocka_unit_test(test_sandbox_reachable_names_what_to_chmod),
        cmocka_unit_test(test_sandbox_confines_where_it_can),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
