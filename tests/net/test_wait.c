/* test_wait.c -- wait_fd / wait_fds on pipes: readiness, deadlines, stop fd, bad fds, signals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "wait.h"

/* ---- helpers ---- */

static void make_pipe(int fds[2])
{
    assert_int_equal(pipe(fds), 0);
}

static void close_pipe(const int fds[2])
{
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
}

static void put_byte(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

/* Periodic SIGALRM without SA_RESTART, so poll() sees EINTR. */
static volatile sig_atomic_t alarm_count;

static void on_alarm(int sig)
{
    (void)sig;
    alarm_count++;
}

static void alarms_start(int interval_us, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    assert_int_equal(sigaction(SIGALRM, &sa, old), 0);
    struct itimerval it = {{0, interval_us}, {0, interval_us}};
    alarm_count = 0;
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void alarms_stop(const struct sigaction *old)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    assert_int_equal(sigaction(SIGALRM, old, NULL), 0);
}

/* ---- wait_fd ---- */

/* The read end is ready once a byte is in; the write end of an empty pipe at once. */
static void test_wait_fd_pipe_ready_after_write(void **state)
{
    int p[2];
    (void)state;
    make_pipe(p);
    assert_int_equal(wait_fd(p[1], POLLOUT, clk_deadline(5000)) & POLLOUT, POLLOUT);
    put_byte(p[1]);
    assert_int_equal(wait_fd(p[0], POLLIN, CLK_NEVER), POLLIN);
    /* A deadline already passed still reports what is ready now. */
    assert_int_equal(wait_fd(p[0], POLLIN, clk_now_ms() - 10), POLLIN);
    assert_int_equal(wait_fd(p[0], POLLIN, clk_deadline(0)), POLLIN);
    close_pipe(p);
}

static void test_wait_fd_times_out_on_empty_pipe(void **state)
{
    int p[2];
    (void)state;
    make_pipe(p);
    int64_t t0 = clk_now_ms();
    int64_t d = clk_deadline(50);
    assert_int_equal(wait_fd(p[0], POLLIN, d), -ETIMEDOUT);
    int64_t t1 = clk_now_ms();
    assert_true(t1 >= d);
    assert_true(t1 - t0 >= 50);
    assert_int_equal(wait_fd(p[0], POLLIN, clk_now_ms()), -ETIMEDOUT);
    assert_int_equal(wait_fd(p[0], POLLIN, clk_deadline(0)), -ETIMEDOUT);
    close_pipe(p);
}

/* With the writer gone the read end reports POLLHUP (> 0) rather than timing out. */
static void test_wait_fd_reports_hangup(void **state)
{
    int p[2];
    (void)state;
    make_pipe(p);
    close(p[1]);
    p[1] = -1;
    int rc = wait_fd(p[0], POLLIN, clk_deadline(5000));
    assert_true(rc > 0);
    assert_true(rc & POLLHUP);
    close_pipe(p);
}

struct arg_row {
    const char *label;
    int fd;
    short events;
};

static void test_wait_fd_bad_arguments(void **state)
{
    static const struct arg_row ROWS[] = {
        {"fd -1", -1, POLLIN},
        {"fd -100", -100, POLLOUT},
        {"no events", 0, 0}, /* fd filled in below: a valid, ready one */
    };
    int p[2];
    (void)state;
    make_pipe(p);
    put_byte(p[1]);
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        int fd = ROWS[i].fd == 0 ? p[0] : ROWS[i].fd;
        int rc = wait_fd(fd, ROWS[i].events, clk_deadline(1000));
        if (rc != -EINVAL)
            fail_msg("%s: got %d, want -EINVAL", ROWS[i].label, rc);
    }
    close_pipe(p);
}

/* poll's POLLNVAL becomes -EBADF, at once, whatever the deadline. */
static void test_wait_fd_closed_fd_is_ebadf(void **state)
{
    int p[2];
    (void)state;
    make_pipe(p);
    int fd = p[0];
    close_pipe(p);
    assert_int_equal(wait_fd(fd, POLLIN, CLK_NEVER), -EBADF);
    assert_int_equal(wait_fd(fd, POLLOUT, clk_deadline(1000)), -EBADF);
}

/* SIGALRM every 2 ms (no SA_RESTART) neither ends the wait early nor keeps it from ending. */
static void test_wait_fd_signals_do_not_end_wait(void **state)
{
    int p[2];
    struct sigaction old;
    (void)state;
    make_pipe(p);
    alarms_start(2000, &old);
    int64_t t0 = clk_now_ms();
    int64_t d = clk_deadline(100);
    int rc = wait_fd(p[0], POLLIN, d);
    int64_t t1 = clk_now_ms();
    sig_atomic_t alarms = alarm_count;
    alarms_stop(&old);
    assert_true(alarms > 0); /* the wait was really interrupted */
    assert_int_equal(rc, -ETIMEDOUT);
    assert_true(t1 >= d);
    assert_true(t1 - t0 >= 100);
    close_pipe(p);
}

/* ---- wait_fds ---- */

/* The count of ready entries, each one's revents, the others' cleared. */
static void test_wait_fds_counts_ready(void **state)
{
    int a[2], b[2];
    (void)state;
    make_pipe(a);
    make_pipe(b);
    put_byte(b[1]);
    struct pollfd fds[2] = {{.fd = a[0], .events = POLLIN, .revents = POLLERR},
                            {.fd = b[0], .events = POLLIN, .revents = 0}};
    assert_int_equal(wait_fds(fds, 2, -1, clk_deadline(5000)), 1);
    assert_int_equal(fds[0].revents, 0);
    assert_int_equal(fds[1].revents, POLLIN);
    put_byte(a[1]);
    assert_int_equal(wait_fds(fds, 2, -1, clk_deadline(5000)), 2);
    assert_int_equal(fds[0].revents, POLLIN);
    assert_int_equal(fds[1].revents, POLLIN);
    assert_int_equal(fds[0].fd, a[0]); /* the caller's fds and events stay */
    assert_int_equal(fds[1].events, POLLIN);
    close_pipe(a);
    close_pipe(b);
}

/* A readable stop fd wins over every other ready entry. */
static void test_wait_fds_stop_fd_wins(void **state)
{
    int data[2], stop[2];
    (void)state;
    make_pipe(data);
    make_pipe(stop);
    struct pollfd fds[1] = {{.fd = data[0], .events = POLLIN, .revents = 0}};
    int64_t d = clk_deadline(30);
    assert_int_equal(wait_fds(fds, 1, stop[0], d), -ETIMEDOUT); /* stop fd not readable yet */
    assert_true(clk_now_ms() >= d);
    put_byte(data[1]);
    assert_int_equal(wait_fds(fds, 1, stop[0], clk_deadline(5000)), 1);
    put_byte(stop[1]);
    assert_int_equal(wait_fds(fds, 1, stop[0], clk_deadline(5000)), 0);
    assert_int_equal(wait_fds(fds, 1, stop[0], CLK_NEVER), 0);
    assert_int_equal(wait_fds(NULL, 0, stop[0], clk_deadline(5000)), 0); /* stop fd alone */
    close_pipe(data);
    close_pipe(stop);
}

/* Entries with fd < 0 are skipped, as poll does: they never count nor get revents. */
static void test_wait_fds_ignores_negative_fds(void **state)
{
    int p[2];
    (void)state;
    make_pipe(p);
    struct pollfd fds[3] = {{.fd = -1, .events = POLLIN, .revents = 0},
                            {.fd = p[0], .events = POLLIN, .revents = 0},
                            {.fd = -5, .events = POLLOUT, .revents = 0}};
    int64_t d = clk_deadline(30);
    assert_int_equal(wait_fds(fds, 3, -1, d), -ETIMEDOUT);
    assert_true(clk_now_ms() >= d);
    put_byte(p[1]);
    assert_int_equal(wait_fds(fds, 3, -1, clk_deadline(5000)), 1);
    assert_int_equal(fds[0].revents, 0);
    assert_int_equal(fds[1].revents, POLLIN);
    assert_int_equal(fds[2].revents, 0);
    /* Only ignored entries: nothing can become ready, the deadline ends the wait. */
    d = clk_deadline(20);
    assert_int_equal(wait_fds(fds, 1, -1, d), -ETIMEDOUT);
    assert_true(clk_now_ms() >= d);
    close_pipe(p);
}

/* A closed fd among others is reported in its revents (POLLNVAL), not as a wait error. */
static void test_wait_fds_closed_fd_reports_pollnval(void **state)
{
    int p[2], q[2];
    (void)state;
    make_pipe(p);
    make_pipe(q);
    int closed = q[0];
    close_pipe(q);
    struct pollfd fds[2] = {{.fd = p[0], .events = POLLIN, .revents = 0},
                            {.fd = closed, .events = POLLIN, .revents = 0}};
    assert_int_equal(wait_fds(fds, 2, -1, clk_deadline(5000)), 1);
    assert_int_equal(fds[0].revents, 0);
    assert_int_equal(fds[1].revents, POLLNVAL);
    close_pipe(p);
}

/* SIGALRM every 2 ms: still -ETIMEDOUT, not before the deadline, with a stop fd too. */
static void test_wait_fds_signals_do_not_end_wait(void **state)
{
    int p[2], stop[2];
    struct sigaction old;
    (void)state;
    make_pipe(p);
    make_pipe(stop);
    struct pollfd fds[1] = {{.fd = p[0], .events = POLLIN, .revents = 0}};
    alarms_start(2000, &old);
    int64_t d = clk_deadline(100);
    int rc = wait_fds(fds, 1, stop[0], d);
    int64_t t1 = clk_now_ms();
    sig_atomic_t alarms = alarm_count;
    alarms_stop(&old);
    assert_true(alarms > 0);
    assert_int_equal(rc, -ETIMEDOUT);
    assert_true(t1 >= d);
    close_pipe(p);
    close_pipe(stop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_fd_pipe_ready_after_write),
        cmocka_unit_test(test_wait_fd_times_out_on_empty_pipe),
        cmocka_unit_test(test_wait_fd_reports_hangup),
        cmocka_unit_test(test_wait_fd_bad_arguments),
        cmocka_unit_test(test_wait_fd_closed_fd_is_ebadf),
        cmocka_unit_test(test_wait_fd_signals_do_not_end_wait),
        cmocka_unit_test(test_wait_fds_counts_ready),
        cmocka_unit_test(test_wait_fds_stop_fd_wins),
        cmocka_unit_test(test_wait_fds_ignores_negative_fds),
        cmocka_unit_test(test_wait_fds_closed_fd_reports_pollnval),
        cmocka_unit_test(test_wait_fds_signals_do_not_end_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
