/* test_usage.c -- a process tree's memory and descriptors, read from /proc. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "program/usage.h"

static void test_usage_counts_descriptors_and_children(void **state)
{
    (void)state;
    struct usage before, after;
    assert_int_equal(usage_of_tree(getpid(), &before), 0);
    assert_true(before.procs >= 1);
    assert_true(before.fds >= 3);
    assert_true(before.rss_kib > 0);
    int fds[10];
    for (int i = 0; i < 10; i++)
        assert_true((fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
    /* A child that holds a pipe end: counted in the tree, with its own descriptors. */
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char b;
        close(p[1]);
        (void)read(p[0], &b, 1); /* until the parent closes its end */
        _exit(0);
    }
    close(p[0]);
    /* The child shows once it is running: poll a bounded number of times, no clock. */
    int seen = 0;
    for (int tries = 0; tries < 1000 && !seen; tries++) {
        assert_int_equal(usage_of_tree(getpid(), &after), 0);
        seen = after.procs >= before.procs + 1;
        if (!seen)
            usleep(1000);
    }
    assert_true(seen);
    assert_true(after.fds >= before.fds + 10 + 1);
    close(p[1]);
    assert_int_equal(waitpid(child, NULL, 0), child);
    for (int i = 0; i < 10; i++)
        close(fds[i]);
    /* A pid that is gone: an error, not a guess. */
    assert_true(usage_of_tree(child, &after) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_counts_descriptors_and_children),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
