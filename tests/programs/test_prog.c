/* test_prog.c -- the programs' shared helpers: option parsing, sizes, error text, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prog.h"

/* A writable argv string, as main() gets (string literals are const here). */
#define A(s) ((char[]){s})

static const struct prog_info server_info = {
    .name = "test-server",
    .summary = "a server for tests",
    .default_addr = "127.0.0.1:7878",
    .is_server = 1,
    .options = PROG_OPT_MAX_CONNS | PROG_OPT_MAX_LINE | PROG_OPT_SEND_TIMEOUT | PROG_OPT_THREADS,
};

static const struct prog_info client_info = {
    .name = "test-client",
    .summary = "a client for tests",
    .default_addr = "127.0.0.1:1234",
    .options = PROG_OPT_TIMEOUT,
};

static void test_parse_size_bounds(void **state)
{
    static const struct {
        const char *text;
        size_t min, max;
        int ok;
        size_t value;
    } rows[] = {
        {"0", 0, 10, 1, 0},          {"10", 0, 10, 1, 10},      {"11", 0, 10, 0, 0},
        {"5", 6, 10, 0, 0},          {"", 0, 10, 0, 0},         {"-1", 0, 10, 0, 0},
        {"+1", 0, 10, 0, 0},         {" 1", 0, 10, 0, 0},       {"1x", 0, 10, 0, 0},
        {"99999999999999999999999", 0, SIZE_MAX, 0, 0},
        {"18446744073709551615", 0, SIZE_MAX, 1, SIZE_MAX},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t v = 12345;
        int r = prog_parse_size(rows[i].text, rows[i].min, rows[i].max, &v);

        assert_int_equal(r == 0, rows[i].ok);
        if (rows[i].ok)
            assert_int_equal(v, rows[i].value);
    }
    assert_int_equal(prog_parse_size(NULL, 0, 1, &(size_t){0}), -1);
}

static void test_errno_text_is_rusts_io_error_display(void **state)
{
    char buf[128];

    (void)state;
    assert_string_equal(prog_errno_text(ECONNRESET, buf, sizeof(buf)),
                        "Connection reset by peer (os error 104)");
    assert_string_equal(prog_errno_text(-ECONNREFUSED, buf, sizeof(buf)),
                        "Connection refused (os error 111)");
}

static void test_parse_defaults_and_options(void **state)
{
    char *argv1[] = {A("test-server"), NULL};
    char *argv2[] = {A("test-server"), A("--listen"),  A("[::1]:0"), A("--max-conns=7"),
                     A("--max-line"),  A("100"),       A("--quiet"), A("--send-timeout=300"),
                     A("--threads"),   A("3"),         NULL};
    char *argv3[] = {A("test-client"), A("--connect=127.0.0.1:9"), A("--timeout"), A("250"), NULL};
    struct prog_opts o;

    (void)state;
    prog_parse(&server_info, 1, argv1, &o, NULL, NULL);
    assert_string_equal(o.addr_text, "127.0.0.1:7878");
    assert_int_equal(o.quiet, 0);
    assert_int_equal(o.max_conns, 1024);
    assert_int_equal(o.max_line, 65536);
    assert_int_equal(o.send_timeout_ms, 0);
    assert_int_equal(o.threads, 0);
    prog_parse(&server_info, 10, argv2, &o, NULL, NULL);
    assert_string_equal(o.addr_text, "[::1]:0");
    assert_int_equal(o.addr.ss.ss_family, AF_INET6);
    assert_int_equal(o.max_conns, 7);
    assert_int_equal(o.max_line, 100);
    assert_int_equal(o.quiet, 1);
    assert_int_equal(o.send_timeout_ms, 300);
    assert_int_equal(o.threads, 3);
    prog_parse(&client_info, 4, argv3, &o, NULL, NULL);
    assert_string_equal(o.addr_text, "127.0.0.1:9");
    assert_int_equal(o.timeout_ms, 250);
}

/* Runs prog_parse in a child (it exits on errors) and returns the child's exit code. */
static int parse_exit_code(const struct prog_info *info, char **argv, int argc)
{
    pid_t pid = fork();
    int st = 0;

    if (pid == 0) {
        struct prog_opts o;

        /* keep the test's output clean; if this fails the child only prints more */
        if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
            _exit(101);
        prog_parse(info, argc, argv, &o, NULL, NULL);
        _exit(100); /* parsed fine */
    }
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_usage_errors_exit_2_and_help_exits_0(void **state)
{
    static const struct {
        const struct prog_info *info;
        const char *args[3];
        int code;
    } rows[] = {
        {&server_info, {"--listen", "nonsense"}, PROG_EXIT_USAGE},
        {&server_info, {"--listen", "127.0.0.1:65536"}, PROG_EXIT_USAGE},
        {&server_info, {"--listen"}, PROG_EXIT_USAGE},
        {&server_info, {"--connect", "127.0.0.1:1"}, PROG_EXIT_USAGE}, /* servers listen */
        {&server_info, {"--timeout", "5"}, PROG_EXIT_USAGE},           /* not a server option */
        {&server_info, {"--max-conns", "0"}, PROG_EXIT_USAGE},
        {&server_info, {"--threads", "65"}, PROG_EXIT_USAGE},
        {&server_info, {"--send-timeout", "-1"}, PROG_EXIT_USAGE},
        {&client_info, {"--send-timeout", "10"}, PROG_EXIT_USAGE}, /* not a client option */
        {&client_info, {"--max-line", "10"}, PROG_EXIT_USAGE},        /* not a client option */
        {&client_info, {"--timeout", "0"}, PROG_EXIT_USAGE},
        {&client_info, {"--timeout", "ten"}, PROG_EXIT_USAGE},
        {&client_info, {"--help"}, PROG_EXIT_OK},
        {&server_info, {"--version"}, PROG_EXIT_OK},
        {&client_info, {"--connect", "[::1]:80"}, 100},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char name[32], a0[32], a1[32];
        char *argv[4] = {name, a0, rows[i].args[1] != NULL ? a1 : NULL, NULL};

        snprintf(name, sizeof(name), "%s", rows[i].info->name);
        snprintf(a0, sizeof(a0), "%s", rows[i].args[0]);
        snprintf(a1, sizeof(a1), "%s", rows[i].args[1] != NULL ? rows[i].args[1] : "");
        int argc = rows[i].args[1] != NULL ? 3 : 2;

        assert_int_equal(parse_exit_code(rows[i].info, argv, argc), rows[i].code);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_size_bounds),
        cmocka_unit_test(test_errno_text_is_rusts_io_error_display),
        cmocka_unit_test(test_parse_defaults_and_options),
        cmocka_unit_test(test_usage_errors_exit_2_and_help_exits_0),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
