/* test_suite.c -- suite directories: SUITE file, case files in order, ids, roles, include. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "load/suite.h"
#include "status.h"

#define SHIPPED WIRECHECK_SOURCE_DIR "/conformance/cases"

/* A case file's headers for id |id|; steps follow on line 5. */
#define CASE_HEAD(id) "id: " id "\ntitle: t\nrequirement: ECHO-1\nlevel: core\n"

static const char *const server_tcp = "role: server\ntransport: tcp\nport: 7000\n";

/* The temporary cases directory of one test (cmocka state). */
static int make_root(void **state)
{
    char *root = strdup("/tmp/wirecheck-test-suite-XXXXXX");
    if (!root || !mkdtemp(root)) {
        free(root);
        return -1;
    }
    *state = root;
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int remove_root(void **state)
{
    char *root = *state;
    int rc = nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(root);
    return rc;
}

/* Writes |text| to <root>/<suite>/<file>, creating the suite directory. */
static void put(const char *root, const char *suite, const char *file, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, suite);
    assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/%s/%s", root, suite, file);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Writes a SUITE file for |name| with extra headers |headers|. */
static void put_suite(const char *root, const char *name, const char *headers)
{
    char text[512];
    snprintf(text, sizeof text, "suite: %s\ntitle: a test suite\n%s", name, headers);
    put(root, name, "SUITE", text);
}

/* Loads |name| from |root| expecting failure; returns the message in |err|. */
static void load_fails(const char *root, const char *name, char *err, size_t errlen)
{
    static struct suite sentinel;
    struct suite *s = &sentinel;
    assert_int_equal(suite_load(root, name, &s, err, errlen), WC_ERR_INVALID);
    assert_null(s);
}

static struct suite *load_ok(const char *root, const char *name)
{
    struct suite *s = NULL;
    char err[512] = "";
    int rc = suite_load(root, name, &s, err, sizeof err);
    if (rc != 0)
        print_error("unexpected error: %s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(s);
    return s;
}

static void test_suite_loads_cases_in_file_name_order(void **state)
{
    const char *root = *state;
    put_suite(root, "s", "role: server\ntransport: tcp\nport: 7000\n\n"
                         "connect probe\nclose probe\n");
    /* Written out of order, with files that are not case files around them. */
    put(root, "s", "003-third.case", CASE_HEAD("s.003") "connect a\nclose a\n");
    put(root, "s", "001-first.case", CASE_HEAD("s.001") "connect a\nsend a \"x\"\n");
    put(root, "s", "002-second.case", CASE_HEAD("s.002") "sleep 1\n");
    put(root, "s", "README", "not a case");
    put(root, "s", "004-backup.case.orig", "not a case either");
    put(root, "s", ".005-hidden.case", "hidden");
    struct suite *s = load_ok(root, "s");
    assert_string_equal(s->name, "s");
    assert_string_equal(s->def->suite, "s");
    assert_int_equal(s->def->port, 7000);
    assert_int_equal(s->def->n_steps, 2);
    assert_int_equal(s->client_role, 0);
    assert_int_equal(s->udp, 0);
    assert_int_equal(s->n_cases, 3);
    static const char *const ids[] = {"s.001", "s.002", "s.003"};
    static const char *const files[] = {"/s/001-first.case", "/s/002-second.case",
                                        "/s/003-third.case"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(s->cases[i]->id, ids[i]);
        const char *f = s->cases[i]->file;
        assert_true(strlen(f) > strlen(files[i]));
        assert_string_equal(f + strlen(f) - strlen(files[i]), files[i]);
    }
    assert_int_equal(s->cases[1]->steps[0].op, CF_SLEEP);
    suite_free(s);
}

static void test_suite_client_udp_flags(void **state)
{
    const char *root = *state;
    put_suite(root, "u", "role: client\ntransport: udp\nport: 8080\n");
    put(root, "u", "001-a.case", CASE_HEAD("u.001")
        "expect-datagram server \"x\" from=any\nsend server \"x\"\nexpect-exit 0\n");
    struct suite *s = load_ok(root, "u");
    assert_int_equal(s->client_role, 1);
    assert_int_equal(s->udp, 1);
    assert_int_equal(s->n_cases, 1);
    suite_free(s);
}

static void test_suite_ids_must_match_file_names(void **state)
{
    const char *root = *state;
    char err[1024], want[1024];
    put_suite(root, "s", server_tcp);
    put(root, "s", "002-x.case", CASE_HEAD("s.001") "sleep 1\n");
    load_fails(root, "s", err, sizeof err);
    snprintf(want, sizeof want, "%s/s/002-x.case:1: id 's.001' should be 's.002' (suite "
             "directory and the file's number)", root);
    assert_string_equal(err, want);

    /* An id from another suite is refused the same way. */
    put_suite(root, "t", server_tcp);
    put(root, "t", "001-x.case", CASE_HEAD("other.001") "sleep 1\n");
    load_fails(root, "t", err, sizeof err);
    snprintf(want, sizeof want, "%s/t/001-x.case:1: id 'other.001' should be 't.001'", root);
    assert_memory_equal(err, want, strlen(want));

    /* A malformed case file: its own file:line message comes through. */
    put_suite(root, "m", server_tcp);
    put(root, "m", "001-x.case", CASE_HEAD("m.001") "frobnicate a\n");
    load_fails(root, "m", err, sizeof err);
    snprintf(want, sizeof want, "%s/m/001-x.case:5: ", root);
    assert_memory_equal(err, want, strlen(want));
}

static void test_suite_duplicate_ids_refused(void **state)
{
    const char *root = *state;
    char err[1024];
    put_suite(root, "s", server_tcp);
    put(root, "s", "001-a.case", CASE_HEAD("s.001") "sleep 1\n");
    put(root, "s", "001-b.case", CASE_HEAD("s.001") "sleep 2\n");
    load_fails(root, "s", err, sizeof err);
    assert_non_null(strstr(err, ": duplicate id s.001"));
    assert_non_null(strstr(err, "/s/001-"));
}

struct role_row {
    const char *role;      /* SUITE headers */
    const char *steps;     /* from line 5 */
    unsigned line;         /* 0: loads */
    const char *message;
};

static void test_suite_role_rules(void **state)
{
    const char *root = *state;
    static const char *const client_tcp = "role: client\ntransport: tcp\nport: 7000\n";
    static const char *const client_udp = "role: client\ntransport: udp\nport: 7000\n";
    static const char *const server_udp = "role: server\ntransport: udp\nport: 7000\n";
    const struct role_row rows[] = {
        {server_tcp, "connect a\naccept b\n", 6,
         "only client suites accept connections or expect an exit status"},
        {server_tcp, "connect a\nclose a\nexpect-exit 0\n", 7,
         "only client suites accept connections or expect an exit status"},
        {server_udp, "udp server\n", 5, "'server' names the runner's socket in client suites only"},
        {client_tcp, "connect a\n", 5, "the runner is the server here: use accept, not connect"},
        {client_tcp, "accept server\n", 5,
         "'server' is the runner's UDP socket: TCP client suites use accept"},
        {client_udp, "connect a\n", 5, "the runner is the server here: use accept, not connect"},
        {server_tcp, "connect a\nsend a \"x\"\nclose a\n", 0, NULL},
        {server_udp, "udp a\nsend a \"x\"\nexpect-datagram a \"x\"\n", 0, NULL},
        {client_tcp, "accept c\nexpect c \"x\"\nexpect-exit 0\n", 0, NULL},
        {client_udp, "expect-datagram server \"x\"\nexpect-exit any\n", 0, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[16], id[32], text[512], err[1024] = "", want[1024];
        snprintf(name, sizeof name, "r%zu", i);
        snprintf(id, sizeof id, "r%zu.001", i);
        put_suite(root, name, rows[i].role);
        snprintf(text, sizeof text,
                 "id: %s\ntitle: t\nrequirement: ECHO-1\nlevel: core\n%s", id, rows[i].steps);
        put(root, name, "001-a.case", text);
        struct suite *s = NULL;
        int rc = suite_load(root, name, &s, err, sizeof err);
        if (rows[i].line == 0) {
            if (rc != 0)
                print_error("row %zu: %s\n", i, err);
            assert_int_equal(rc, 0);
            assert_int_equal(s->n_cases, 1);
            suite_free(s);
            continue;
        }
        snprintf(want, sizeof want, "%s/%s/001-a.case:%u: %s", root, name, rows[i].line,
                 rows[i].message);
        if (rc != WC_ERR_INVALID || strcmp(err, want) != 0)
            print_error("row %zu: rc %d, '%s'\n", i, rc, err);
        assert_int_equal(rc, WC_ERR_INVALID);
        assert_null(s);
        assert_string_equal(err, want);
    }
}

static void test_suite_include_brings_the_other_cases(void **state)
{
    const char *root = *state;
    char err[1024], want[1024];
    put_suite(root, "base", server_tcp);
    put(root, "base", "001-a.case", CASE_HEAD("base.001") "connect a\nclose a\n");
    put(root, "base", "002-b.case", CASE_HEAD("base.002") "connect a\nclose a\n");
    put_suite(root, "plus", "role: server\ntransport: tcp\nport: 7000\ninclude: base\n");
    put(root, "plus", "001-c.case", CASE_HEAD("plus.001") "connect a\nclose a\n");
    struct suite *s = load_ok(root, "plus");
    assert_string_equal(s->def->include, "base");
    assert_int_equal(s->n_cases, 3);
    assert_string_equal(s->cases[0]->id, "base.001");
    assert_string_equal(s->cases[1]->id, "base.002");
    assert_string_equal(s->cases[2]->id, "plus.001");
    suite_free(s);

    /* The included cases must suit the including suite's role. */
    put_suite(root, "cli", "role: client\ntransport: tcp\nport: 7000\ninclude: base\n");
    put(root, "cli", "001-c.case", CASE_HEAD("cli.001") "accept c\nexpect-exit 0\n");
    load_fails(root, "cli", err, sizeof err);
    snprintf(want, sizeof want, "%s/base/001-a.case:5: the runner is the server here", root);
    assert_memory_equal(err, want, strlen(want));

    /* Including itself, a path, or a suite that is not there. */
    put_suite(root, "self", "role: server\ntransport: tcp\nport: 7000\ninclude: self\n");
    load_fails(root, "self", err, sizeof err);
    snprintf(want, sizeof want, "%s/self/SUITE: bad include 'self'", root);
    assert_string_equal(err, want);
    put_suite(root, "path", "role: server\ntransport: tcp\nport: 7000\ninclude: ../base\n");
    load_fails(root, "path", err, sizeof err);
    assert_non_null(strstr(err, "bad include '../base'"));
    put_suite(root, "gone", "role: server\ntransport: tcp\nport: 7000\ninclude: nosuch\n");
    load_fails(root, "gone", err, sizeof err);
    snprintf(want, sizeof want, "%s/nosuch: %s", root, strerror(ENOENT));
    assert_string_equal(err, want);
}

static void test_suite_missing_directory_is_a_clear_error(void **state)
{
    const char *root = *state;
    char err[1024], want[1024];
    load_fails(root, "absent", err, sizeof err);
    snprintf(want, sizeof want, "no suite 'absent' (%s/absent/SUITE: %s)", root,
             strerror(ENOENT));
    assert_string_equal(err, want);

    load_fails("/nonexistent/wirecheck/cases", "tcp-echo", err, sizeof err);
    assert_string_equal(err, "no suite 'tcp-echo' (/nonexistent/wirecheck/cases/tcp-echo/SUITE: "
                             "No such file or directory)");

    static const char *const bad_names[] = {"", "a/b", ".hidden", ".."};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        load_fails(root, bad_names[i], err, sizeof err);
        snprintf(want, sizeof want, "bad suite name '%s'", bad_names[i]);
        assert_string_equal(err, want);
    }

    /* A SUITE that names another suite. */
    put_suite(root, "x", server_tcp);
    put(root, "x", "SUITE", "suite: y\ntitle: t\nrole: server\ntransport: tcp\nport: 1\n");
    load_fails(root, "x", err, sizeof err);
    snprintf(want, sizeof want, "%s/x/SUITE:1: suite 'y' should be 'x'", root);
    assert_string_equal(err, want);
}

static void test_suite_names_and_read_file(void **state)
{
    const char *root = *state;
    put_suite(root, "zeta", server_tcp);
    put_suite(root, "alpha", server_tcp);
    put(root, "nosuite", "001-a.case", CASE_HEAD("nosuite.001") "sleep 1\n");
    char **names = suite_names(root);
    assert_non_null(names);
    assert_string_equal(names[0], "alpha");
    assert_string_equal(names[1], "zeta");
    assert_null(names[2]);
    suite_names_free(names);
    assert_null(suite_names("/nonexistent/wirecheck/cases"));

    char path[4096];
    snprintf(path, sizeof path, "%s/alpha/SUITE", root);
    char *text;
    size_t len;
    assert_int_equal(suite_read_file(path, 1 << 16, &text, &len), 0);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(text, "suite: alpha\n", 13);
    free(text);
    assert_int_equal(suite_read_file(path, len, &text, &len), 0);
    free(text);
    assert_int_equal(suite_read_file(path, len - 1, &text, &len), -EFBIG);
    assert_null(text);
    assert_int_equal(len, 0);
    snprintf(path, sizeof path, "%s/alpha/none", root);
    assert_int_equal(suite_read_file(path, 100, &text, &len), -ENOENT);
    assert_null(text);
}

/* The *.case files directly in |dir| (not hidden). */
static size_t count_case_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        n += de->d_name[0] != '.' && l > 5 && strcmp(de->d_name + l - 5, ".case") == 0;
    }
    closedir(d);
    return n;
}

struct shipped_row {
    const char *name;
    int client_role;
    int udp;
    const char *include;
};

static void test_suite_loads_the_shipped_suites(void **state)
{
    (void)state;
    static const struct shipped_row rows[] = {
        {"sensor", 0, 0, ""},
        {"sensor-client", 1, 0, ""},
        {"tcp-echo", 0, 0, ""},
        {"tcp-echo-client", 1, 0, ""},
        {"tcp-echo-threaded", 0, 0, "tcp-echo"},
        {"udp-echo", 0, 1, ""},
        {"udp-echo-client", 1, 1, ""},
    };
    size_t n_rows = sizeof rows / sizeof rows[0];
    for (size_t i = 0; i < n_rows; i++) {
        struct suite *s = load_ok(SHIPPED, rows[i].name);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", SHIPPED, rows[i].name);
        size_t want = count_case_files(dir);
        if (*rows[i].include) {
            snprintf(dir, sizeof dir, "%s/%s", SHIPPED, rows[i].include);
            want += count_case_files(dir);
        }
        assert_true(s->n_cases > 0);
        assert_int_equal(s->n_cases, want);
        assert_string_equal(s->name, rows[i].name);
        assert_string_equal(s->def->suite, rows[i].name);
        assert_string_equal(s->def->role, rows[i].client_role ? "client" : "server");
        assert_string_equal(s->def->transport, rows[i].udp ? "udp" : "tcp");
        assert_string_equal(s->def->include, rows[i].include);
        assert_int_equal(s->client_role, rows[i].client_role);
        assert_int_equal(s->udp, rows[i].udp);
        assert_true(s->def->port > 0);
        /* Server suites have a liveness probe; ids are sorted, unique, and their suite's. */
        if (!s->client_role)
            assert_true(s->def->n_steps > 0);
        for (size_t k = 0; k < s->n_cases; k++) {
            const char *id = s->cases[k]->id;
            size_t nl = strlen(rows[i].name), il = strlen(rows[i].include);
            assert_true((strncmp(id, rows[i].name, nl) == 0 && id[nl] == '.') ||
                        (il && strncmp(id, rows[i].include, il) == 0 && id[il] == '.'));
            if (k)
                assert_true(strcmp(s->cases[k - 1]->id, id) < 0);
        }
        suite_free(s);
    }
    /* And those are all the suites there are. */
    char **names = suite_names(SHIPPED);
    assert_non_null(names);
    for (size_t i = 0; i < n_rows; i++)
        assert_string_equal(names[i], rows[i].name);
    assert_null(names[n_rows]);
    suite_names_free(names);
}

#define WITH_ROOT(t) cmocka_unit_test_setup_teardown(t, make_root, remove_root)

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH_ROOT(test_suite_loads_cases_in_file_name_order),
        WITH_ROOT(test_suite_client_udp_flags),
        WITH_ROOT(test_suite_ids_must_match_file_names),
        WITH_ROOT(test_suite_duplicate_ids_refused),
        WITH_ROOT(test_suite_role_rules),
        WITH_ROOT(test_suite_include_brings_the_other_cases),
        WITH_ROOT(test_suite_missing_directory_is_a_clear_error),
        WITH_ROOT(test_suite_names_and_read_file),
        cmocka_unit_test(test_suite_loads_the_shipped_suites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
