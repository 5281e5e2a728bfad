/* test_casefile.c -- the case-file parser: headers, data expressions, steps, errors, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load/casefile.h"
#include "status.h"

#define HEAD "id: tcp-echo.001\ntitle: t\nrequirement: ECHO-1\nlevel: core\n"

static struct cf_case *parse_ok(const char *text)
{
    struct cf_case *c = NULL;
    char err[256];
    int rc = cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err,
                            sizeof err);
    if (rc != 0)
        print_error("unexpected error: %s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(c);
    return c;
}

/* The bytes of the first step's data. */
struct data_row {
    const char *label;
    const char *expr;
    const char *bytes;
    size_t len;
};

static void test_casefile_data_expressions(void **state)
{
    (void)state;
    static const struct data_row rows[] = {
        {"plain text", "\"hi\"", "hi", 2},
        {"escapes", "\"\\n\\r\\t\\0\\\\\\\"\"", "\n\r\t\0\\\"", 6},
        {"hex escape", "\"\\x00\\xff\\x41\"", "\x00\xff" "A", 3},
        {"raw UTF-8 kept", "\"\xc3\xa9\"", "\xc3\xa9", 2},
        {"hex block", "<48 65 6c6c 6f>", "Hello", 5},
        {"range", "range(0x61,100)", "abcd", 4},
        {"repeat", "\"ab\"*3", "ababab", 6},
        {"repeat with spaces", "<00> * 2", "\0\0", 2},
        {"repeat zero", "\"x\"*0 \"y\"", "y", 1},
        {"concatenation", "\"a\" <62> range(99,99)", "abc", 3},
        {"empty string", "\"\"", "", 0},
        {"letters", "letters(3)", NULL, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, HEAD "connect a\nsend a %s\n", rows[i].expr);
        struct cf_case *c = parse_ok(text);
        assert_int_equal(c->n_steps, 2);
        const struct cf_data *d = &c->steps[1].data;
        if (d->len != rows[i].len)
            print_error("row '%s'\n", rows[i].label);
        assert_int_equal(d->len, rows[i].len);
        if (rows[i].bytes)
            assert_memory_equal(d->bytes, rows[i].bytes, rows[i].len);
        cf_free(c);
    }
}

static void test_casefile_pattern_is_deterministic_and_not_periodic(void **state)
{
    (void)state;
    struct cf_case *a = parse_ok(HEAD "connect a\nsend a pattern(4096)\n");
    struct cf_case *b = parse_ok(HEAD "connect a\nsend a pattern(4096)\n");
    const unsigned char *p = a->steps[1].data.bytes;
    assert_memory_equal(p, b->steps[1].data.bytes, 4096);
    /* No period up to 256: a block misplaced by up to 256 bytes is noticed. */
    for (size_t period = 1; period <= 256; period++)
        assert_true(memcmp(p, p + period, 512) != 0);
    cf_free(a);
    cf_free(b);
}

static void test_casefile_headers_and_options(void **state)
{
    (void)state;
    struct cf_case *c = parse_ok(
        "# a comment\n"
        "id: sensor.012\ntitle: A title: with a colon\nrequirement: SEN-4\nlevel: robust\n"
        "keywords: a b\nhostile: yes\ntimeout: 3000\nlisten: no\n\n"
        "connect a\n"
        "send a \"x\" chunk=1 delay=5 timeout=9\n"
        "expect a \"x\" timeout=700 nonstrict=close\n"
        "expect-line a re\"^A\\\"B$\"\n"
        "expect-close a fin,rst\n"
        "expect-silence a 20\n"
        "udp u\n"
        "expect-datagram u \"\" from=any\n"
        "expect-exit nonzero\n"
        "expect-stdout \"line\" from=start\n"
        "repeat 3\n  sleep 1\nend\n");
    assert_string_equal(c->id, "sensor.012");
    assert_string_equal(c->title, "A title: with a colon");
    assert_string_equal(c->requirement, "SEN-4");
    assert_int_equal(c->level, CF_LEVEL_ROBUST);
    assert_int_equal(c->n_keywords, 2);
    assert_string_equal(c->keywords[0], "a");
    assert_string_equal(c->keywords[1], "b");
    assert_null(c->keywords[2]);
    assert_true(cf_has_keyword(c, "b"));
    assert_false(cf_has_keyword(c, "a b"));
    assert_false(cf_has_keyword(c, ""));
    assert_false(cf_has_keyword(c, "c"));
    assert_int_equal(c->hostile, 1);
    assert_int_equal(c->timeout_ms, 3000);
    assert_int_equal(c->listen, 0);
    assert_int_equal(c->requires_exec, 1);
    assert_int_equal(c->n_steps, 12);
    assert_int_equal(c->steps[1].chunk, 1);
    assert_int_equal(c->steps[1].delay_ms, 5);
    assert_int_equal(c->steps[2].timeout_ms, 700);
    assert_int_equal(c->steps[2].nonstrict, CF_CLOSE_FIN | CF_CLOSE_RST | CF_CLOSE_UNREAD);
    assert_string_equal(c->steps[3].regex, "^A\"B$");
    assert_int_equal(c->steps[4].close_ok, CF_CLOSE_FIN | CF_CLOSE_RST);
    assert_int_equal(c->steps[5].ms, 20);
    assert_int_equal(c->steps[7].from_any, 1);
    assert_int_equal(c->steps[8].exit_code, CF_EXIT_NONZERO);
    assert_int_equal(c->steps[9].from_start, 1);
    assert_int_equal(c->steps[10].op, CF_REPEAT);
    assert_int_equal(c->steps[10].count, 3);
    assert_int_equal(c->steps[10].body, 1);
    assert_int_equal(c->steps[3].line, 14);
    cf_free(c);
}

static void test_casefile_blocks_and_index(void **state)
{
    (void)state;
    struct cf_case *c = parse_ok(HEAD "parallel 4\n connect c\n repeat 2\n"
                                      "  send c \"n=\" index \"/\" index\n end\n close c\nend\n"
                                      "connect d\nclose d\n");
    assert_int_equal(c->n_steps, 7);
    assert_int_equal(c->steps[0].op, CF_PARALLEL);
    assert_int_equal(c->steps[0].body, 4);
    assert_int_equal(c->steps[2].op, CF_REPEAT);
    assert_int_equal(c->steps[2].body, 1);
    const struct cf_data *d = &c->steps[3].data;
    assert_int_equal(d->len, 3);
    assert_int_equal(d->n_index, 2);
    assert_int_equal(d->index_at[0], 2);
    assert_int_equal(d->index_at[1], 3);
    cf_free(c);
}

/* expect-close kinds and alternatives, and the nonstrict= kinds. */
struct close_row {
    const char *label;
    const char *step;
    unsigned close_ok;
    unsigned nonstrict;
};

static void test_casefile_close_kinds(void **state)
{
    (void)state;
    static const struct close_row rows[] = {
        {"fin", "expect-close a fin", CF_CLOSE_FIN, 0},
        {"rst", "expect-close a rst", CF_CLOSE_RST, 0},
        {"unread", "expect-close a unread", CF_CLOSE_UNREAD, 0},
        {"fin or unread with |", "expect-close a fin|unread", CF_CLOSE_FIN | CF_CLOSE_UNREAD, 0},
        {"rst or unread with ,", "expect-close a rst,unread", CF_CLOSE_RST | CF_CLOSE_UNREAD,
         0},
        {"close is any of the three", "expect-close a close",
         CF_CLOSE_FIN | CF_CLOSE_RST | CF_CLOSE_UNREAD, 0},
        {"nonstrict unread", "expect-close a fin nonstrict=unread", CF_CLOSE_FIN,
         CF_CLOSE_UNREAD},
        {"nonstrict rst|timeout", "expect-close a fin nonstrict=rst|timeout", CF_CLOSE_FIN,
         CF_CLOSE_RST | CF_CLOSE_TIMEOUT},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HEAD "connect a\n%s\n", rows[i].step);
        struct cf_case *c = parse_ok(text);
        if (c->steps[1].close_ok != rows[i].close_ok ||
            c->steps[1].nonstrict != rows[i].nonstrict)
            print_error("row '%s'\n", rows[i].label);
        assert_int_equal(c->steps[1].close_ok, rows[i].close_ok);
        assert_int_equal(c->steps[1].nonstrict, rows[i].nonstrict);
        cf_free(c);
    }
}

static void test_casefile_continuation_and_crlf(void **state)
{
    (void)state;
    struct cf_case *c = parse_ok(HEAD "connect a\r\nsend a \"ab\" \\\n   \"cd\"\r\nclose a\n");
    assert_int_equal(c->n_steps, 3);
    assert_int_equal(c->steps[1].data.len, 4);
    assert_memory_equal(c->steps[1].data.bytes, "abcd", 4);
    assert_int_equal(c->steps[2].line, 8);
    cf_free(c);
}

static void test_casefile_suite_file(void **state)
{
    (void)state;
    const char *text = "suite: udp-echo\ntitle: t\nrole: server\ntransport: udp\nport: 8080\n"
                       "include: other\n\nudp p\nsend p \"x\"\nexpect-datagram p \"x\"\n";
    struct cf_case *c = NULL;
    char err[256];
    assert_int_equal(cf_parse("SUITE", text, strlen(text), CF_KIND_SUITE, NULL, &c, err,
                                    sizeof err), 0);
    assert_string_equal(c->suite, "udp-echo");
    assert_string_equal(c->transport, "udp");
    assert_string_equal(c->include, "other");
    assert_int_equal(c->port, 8080);
    assert_int_equal(c->n_steps, 3);
    cf_free(c);
}

/* Malformed input: rc, and the message must carry "file:line: " and the reason. */
struct bad_row {
    const char *label;
    const char *text;
    const char *message;
};

static void test_casefile_errors_name_file_and_line(void **state)
{
    (void)state;
    static const struct bad_row rows[] = {
        {"missing id", "title: t\nrequirement: A-1\nlevel: core\nsleep 1\n",
         "t.case:1: missing header 'id'"},
        {"bad level", "id: x.001\ntitle: t\nrequirement: A-1\nlevel: hard\n",
         "t.case:4: level must be"},
        {"unknown header", HEAD "colour: red\n", "t.case:5: unknown header 'colour'"},
        {"header after a step", HEAD "sleep 1\nkeywords: x\n", "t.case:6: header 'keywords' after"},
        {"duplicate header", HEAD "title: again\n", "t.case:5: header 'title' given twice"},
        {"bad id", "id: x1\ntitle: t\nrequirement: A-1\nlevel: core\nsleep 1\n",
         "t.case:1: id 'x1' is not"},
        {"bad requirement", "id: x.001\ntitle: t\nrequirement: a1\nlevel: core\nsleep 1\n",
         "t.case:1: requirement 'a1' is not"},
        {"no steps", HEAD, "t.case:1: a case needs at least one step"},
        {"unknown step", HEAD "jump a\n", "t.case:5: unknown step 'jump'"},
        {"name not opened", HEAD "send b \"x\"\n", "t.case:5: 'b' is used before"},
        {"bad escape", HEAD "connect a\nsend a \"\\q\"\n", "t.case:6: unknown escape \\q"},
        {"short hex escape", HEAD "connect a\nsend a \"\\x4\"\n", "t.case:6: \\x needs"},
        {"unterminated string", HEAD "connect a\nsend a \"abc\n", "t.case:6: unterminated string"},
        {"odd hex", HEAD "connect a\nsend a <123>\n", "t.case:6: odd number of hex digits"},
        {"bad hex digit", HEAD "connect a\nsend a <zz>\n", "t.case:6: 'z' is not a hex digit"},
        {"raw control byte", HEAD "connect a\nsend a \"a\tb\"\n", "t.case:6: control byte 0x09"},
        {"range order", HEAD "connect a\nsend a range(5,1)\n", "t.case:6: range(A,B) needs"},
        {"unknown function", HEAD "connect a\nsend a bytes(3)\n", "t.case:6: unknown function"},
        {"send without data", HEAD "connect a\nsend a\n", "t.case:6: send needs data"},
        {"option not allowed", HEAD "connect a\nclose a chunk=3\n", "t.case:6: close takes no option"},
        {"bad close kind", HEAD "connect a\nexpect-close a maybe\n", "t.case:6: expect-close takes"},
        {"bad exit code", HEAD "expect-exit 300\n", "t.case:5: expect-exit takes"},
        {"bad regex", HEAD "expect-stdout re\"(\"\n", "t.case:5: bad regex"},
        /* regression: glibc's regcomp took 3 GB on a run of '+' (found by fuzz_casefile) */
        {"stacked quantifiers", HEAD "expect-stdout re\"a+++++++++++\"\n",
         "t.case:5: regex too costly to compile: a quantifier directly after another"},
        {"star after a bound", HEAD "expect-stdout re\"a{2}*\"\n", "directly after another"},
        {"large bound", HEAD "expect-stdout re\"(ab){101}\"\n", "count above 100"},
        {"too many bounds", HEAD "expect-stdout re\"a{2}b{2}c{2}\"\n", "too many {m,n}"},
        {"placeholder of nothing", HEAD "expect-stdout re\"{nobody}\"\n",
         "t.case:5: {nobody} names no open connection"},
        {"newline in a line", HEAD "expect-stdout \"a\\nb\"\n", "t.case:5: a line to expect"},
        {"end without block", HEAD "end\n", "t.case:5: 'end' without"},
        {"unclosed block", HEAD "repeat 2\nsleep 1\n", "t.case:6: repeat block opened on line 5 has no 'end'"},
        {"empty block", HEAD "repeat 2\nend\n", "t.case:6: empty repeat block"},
        {"parallel cannot share", HEAD "connect a\nparallel 2\nsend a \"x\"\nend\n",
         "t.case:7: 'a' is used before"},
        {"NUL in the file", HEAD "sle\0ep 1\n", "t.case:5: NUL byte"},
        {"timeout is no close kind", HEAD "connect a\nexpect-close a fin|timeout\n",
         "t.case:6: expect-close takes"},
        {"empty alternative list", HEAD "connect a\nexpect-close a |\n",
         "t.case:6: expect-close takes"},
        /* regression: the length error was overwritten by "out of memory" */
        {"regex too long", HEAD "connect a\nexpect-line a re\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "\"\n", "t.case:6: regex longer than 512 bytes"},
        /* regression: 4 nested parallel 1000 blocks ran 10^12 sessions' worth of threads */
        {"parallel inside parallel", HEAD "parallel 2\nparallel 2\nconnect a\nclose a\n"
         "end\nend\n", "t.case:6: parallel inside parallel (line 5)"},
        {"parallel inside repeat inside parallel", HEAD "parallel 2\nrepeat 2\nparallel 2\n"
         "sleep 1\nend\nend\nend\n", "t.case:7: parallel inside parallel"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cf_case *c = (struct cf_case *)1;
        char err[256];
        size_t len = strlen(rows[i].text);
        if (strcmp(rows[i].label, "NUL in the file") == 0)
            len = strlen(HEAD) + 9;
        int rc = cf_parse("t.case", rows[i].text, len, CF_KIND_CASE, NULL, &c, err,
                                sizeof err);
        if (rc >= 0 || !strstr(err, rows[i].message))
            print_error("row '%s': rc %d, message '%s'\n", rows[i].label, rc, err);
        assert_true(rc < 0);
        assert_null(c);
        assert_non_null(strstr(err, rows[i].message));
    }
}

static void test_casefile_limits_fail_fast(void **state)
{
    (void)state;
    struct cf_limits lim;
    cf_limits_default(&lim);
    lim.max_data = 1000;
    lim.max_total_data = 1500;
    lim.max_steps = 4;
    lim.max_depth = 1;
    static const struct bad_row rows[] = {
        {"expression too long", HEAD "connect a\nsend a \"x\"*1001\n", "longer than 1000"},
        {"huge repeat count", HEAD "connect a\nsend a \"xy\"*99999999999999\n", "longer than 1000"},
        {"absurd repeat count", HEAD "connect a\nsend a \"xy\"*999999999999999999\n",
         "'*' must be followed by a count"},
        {"pattern too long", HEAD "connect a\nsend a pattern(5000)\n", "longer than 1000"},
        {"file total", HEAD "connect a\nsend a \"x\"*900\nsend a \"x\"*900\n", "exceed 1500"},
        {"too many steps", HEAD "sleep 1\nsleep 1\nsleep 1\nsleep 1\nsleep 1\n", "more than 4"},
        {"too deep", HEAD "repeat 2\nrepeat 2\nsleep 1\nend\nend\n", "nested deeper than 1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cf_case *c = NULL;
        char err[256];
        int rc = cf_parse("t.case", rows[i].text, strlen(rows[i].text), CF_KIND_CASE,
                                &lim, &c, err, sizeof err);
        if (rc >= 0 || !strstr(err, rows[i].message))
            print_error("row '%s': rc %d, message '%s'\n", rows[i].label, rc, err);
        assert_true(rc < 0);
        assert_non_null(strstr(err, rows[i].message));
    }
    char *big = calloc(1, lim.max_file + 2);
    assert_non_null(big);
    memset(big, '#', lim.max_file + 1);
    struct cf_case *c = NULL;
    assert_int_equal(cf_parse(NULL, big, lim.max_file + 1, CF_KIND_CASE, &lim, &c, NULL,
                                    0), WC_ERR_TOO_LONG);
    free(big);
}

/* Counts are checked against the caller's limit, not only against overflow: a digit larger
 * than the limit used to wrap the bound (fuzz/regressions/casefile/, "repeat 49" over 8). */
static void test_casefile_counts_at_the_limit(void **state)
{
    (void)state;
    struct cf_limits lim;
    cf_limits_default(&lim);
    lim.max_repeat = 8;
    lim.max_parallel = 8;
    static const struct {
        const char *op;
        const char *count;
        int ok;
    } rows[] = {
        {"repeat", "8", 1},          {"repeat", "9", 0},          {"repeat", "49", 0},
        {"repeat", "4294967295", 0}, {"repeat", "4294967296", 0}, {"repeat", "0", 0},
        {"parallel", "8", 1},        {"parallel", "9", 0},        {"parallel", "49", 0},
        {"parallel", "4294967295", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, HEAD "%s %s\n  connect a\n  close a\nend\n", rows[i].op,
                 rows[i].count);
        struct cf_case *c = NULL;
        char err[256] = "";
        int rc = cf_parse("t.case", text, strlen(text), CF_KIND_CASE, &lim, &c, err,
                                sizeof err);
        if ((rc == 0) != rows[i].ok)
            print_error("'%s %s': rc %d, message '%s'\n", rows[i].op, rows[i].count, rc, err);
        if (rows[i].ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(c->steps[0].count, 8);
            cf_free(c);
        } else {
            char want[64];
            snprintf(want, sizeof want, "t.case:5: %s needs a count 1..8", rows[i].op);
            assert_int_equal(rc, WC_ERR_INVALID);
            assert_null(c);
            assert_string_equal(err, want);
        }
    }
    /* The default limits: UINT_MAX is far over max_repeat (10000). */
    struct cf_case *c = NULL;
    char err[256];
    const char *text = HEAD "repeat 4294967295\n  sleep 1\nend\n";
    assert_int_equal(cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err,
                                    sizeof err), WC_ERR_INVALID);
    assert_string_equal(err, "t.case:5: repeat needs a count 1..10000");
}

static void test_casefile_names(void **state)
{
    (void)state;
    assert_string_equal(cf_level_name(CF_LEVEL_STRESS), "stress");
    assert_int_equal(cf_level_parse("robust"), CF_LEVEL_ROBUST);
    assert_int_equal(cf_level_parse("hard"), -1);
    assert_string_equal(cf_op_name(CF_EXPECT_LINE), "expect-line");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_casefile_data_expressions),
        cmocka_unit_test(test_casefile_pattern_is_deterministic_and_not_periodic),
        cmocka_unit_test(test_casefile_headers_and_options),
        cmocka_unit_test(test_casefile_blocks_and_index),
        cmocka_unit_test(test_casefile_close_kinds),
        cmocka_unit_test(test_casefile_continuation_and_crlf),
        cmocka_unit_test(test_casefile_suite_file),
        cmocka_unit_test(test_casefile_errors_name_file_and_line),
        cmocka_unit_test(test_casefile_limits_fail_fast),
        cmocka_unit_test(test_casefile_counts_at_the_limit),
        cmocka_unit_test(test_casefile_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
