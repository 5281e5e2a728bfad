/* test_command.c -- --exec command lines split into words, placeholders filled in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"
#include "program/command.h"

struct split_row {
    const char *label;
    const char *cmd;
    const char *words[6];
    int placeholders;
};

static void test_command_split_words_and_placeholders(void **state)
{
    (void)state;
    static const struct split_row rows[] = {
        {"plain", "prog -a  b", {"prog", "-a", "b"}, 0},
        {"placeholder", "srv --listen {addr}", {"srv", "--listen", "127.0.0.1:5"}, 1},
        {"inside a word", "x --port={port}", {"x", "--port=5"}, 1},
        {"single quotes are literal", "a 'b {addr} c'", {"a", "b {addr} c"}, 0},
        {"double quotes keep blanks", "a \"b  {host}\\\"\"", {"a", "b  127.0.0.1\""}, 1},
        {"backslash", "a b\\ c", {"a", "b c"}, 0},
        {"empty word", "a ''", {"a", ""}, 0},
    };
    struct command_subst sub = {"127.0.0.1", "5", "127.0.0.1:5"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char **argv;
        int ph;
        char err[128];
        int n = command_split(rows[i].cmd, &sub, &argv, &ph, err, sizeof err);
        size_t want = 0;
        while (rows[i].words[want])
            want++;
        if (n != (int)want)
            print_error("row '%s'\n", rows[i].label);
        assert_int_equal(n, (int)want);
        for (size_t k = 0; k < want; k++)
            assert_string_equal(argv[k], rows[i].words[k]);
        assert_null(argv[want]);
        assert_int_equal(ph, rows[i].placeholders);
        command_argv_free(argv);
    }
    /* Without a substitution the placeholders stay, and are still reported. */
    char **argv;
    int ph;
    char err[128];
    assert_int_equal(command_split("s {addr}", NULL, &argv, &ph, err, sizeof err), 2);
    assert_string_equal(argv[1], "{addr}");
    assert_int_equal(ph, 1);
    command_argv_free(argv);
    assert_int_equal(command_split("a 'b", NULL, &argv, &ph, err, sizeof err), WC_ERR_INVALID);
    assert_non_null(strstr(err, "unterminated '"));
    assert_int_equal(command_split("   ", NULL, &argv, &ph, err, sizeof err), WC_ERR_INVALID);
}

static void test_command_refuses_too_many_words(void **state)
{
    (void)state;
    char cmd[COMMAND_MAX_ARGS * 2 + 8];
    size_t len = 0;
    for (int i = 0; i < COMMAND_MAX_ARGS; i++) {
        cmd[len++] = 'a';
        cmd[len++] = ' ';
    }
    cmd[len] = 0;
    char **argv;
    int ph;
    char err[128];
    assert_int_equal(command_split(cmd, NULL, &argv, &ph, err, sizeof err), COMMAND_MAX_ARGS);
    command_argv_free(argv);
    cmd[len] = 'b';
    cmd[len + 1] = 0;
    assert_int_equal(command_split(cmd, NULL, &argv, &ph, err, sizeof err), WC_ERR_INVALID);
    command_argv_free(NULL); /* NULL is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_split_words_and_placeholders),
        cmocka_unit_test(test_command_refuses_too_many_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
