/* test_clock.c -- the monotonic clock: units, deadlines, time left, signal-proof sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static int64_t mono_ms_direct(void)
{
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Periodic SIGALRM without SA_RESTART, so blocking calls see EINTR. */
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

/* ---- reading the clock ---- */

/* Successive readings never go back, in either unit. */
static void test_clock_now_is_monotonic(void **state)
{
    (void)state;
    int64_t ms = clk_now_ms(), us = clk_now_us();
    assert_true(ms > 0);
    for (int i = 0; i < 20000; i++) {
        int64_t ms2 = clk_now_ms(), us2 = clk_now_us();
        if (ms2 < ms || us2 < us)
            fail_msg("went back: %lld ms -> %lld ms, %lld us -> %lld us", (long long)ms,
                     (long long)ms2, (long long)us, (long long)us2);
        ms = ms2;
        us = us2;
    }
}

/* Microseconds / 1000 fall between the millisecond readings around them, and both are
 * CLOCK_MONOTONIC (what clk_timespec's users pass to pthread_cond_timedwait). */
static void test_clock_ms_and_us_agree(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        int64_t before = mono_ms_direct();
        int64_t ms1 = clk_now_ms();
        int64_t us = clk_now_us();
        int64_t ms2 = clk_now_ms();
        int64_t after = mono_ms_direct();
        assert_true(before <= ms1);
        assert_true(ms1 <= us / 1000);
        assert_true(us / 1000 <= ms2);
        assert_true(ms2 <= after);
    }
}

/* ---- deadlines ---- */

static void test_clock_deadline_from_now(void **state)
{
    static const int64_t TIMEOUTS[] = {0, 1, 250, 60000, (int64_t)INT_MAX * 10};
    (void)state;
    assert_int_equal(clk_deadline(-1), CLK_NEVER);
    assert_int_equal(clk_deadline(-2), CLK_NEVER);
    assert_int_equal(clk_deadline(INT64_MIN), CLK_NEVER);
    for (size_t i = 0; i < COUNT(TIMEOUTS); i++) {
        int64_t t0 = clk_now_ms();
        int64_t d = clk_deadline(TIMEOUTS[i]);
        int64_t t1 = clk_now_ms();
        assert_true(d >= t0 + TIMEOUTS[i]);
        assert_true(d <= t1 + TIMEOUTS[i]);
    }
}

struct earlier_row {
    int64_t a, b, want;
};

static void test_clock_earlier_table(void **state)
{
    static const struct earlier_row ROWS[] = {
        {CLK_NEVER, CLK_NEVER, CLK_NEVER},
        {CLK_NEVER, 5, 5},
        {5, CLK_NEVER, 5},
        {CLK_NEVER, 0, 0},
        {0, CLK_NEVER, 0},
        {3, 7, 3},
        {7, 3, 3},
        {4, 4, 4},
        {INT64_MAX, CLK_NEVER, INT64_MAX},
        {INT64_MAX, 1, 1},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        int64_t got = clk_earlier(ROWS[i].a, ROWS[i].b);
        if (got != ROWS[i].want)
            fail_msg("row %zu: got %lld want %lld", i, (long long)got, (long long)ROWS[i].want);
    }
}

/* -1 for no deadline, 0 once passed, the time left in between, INT_MAX at most. */
static void test_clock_left_ms(void **state)
{
    (void)state;
    int64_t now = clk_now_ms();
    assert_int_equal(clk_left_ms(CLK_NEVER), -1);
    assert_int_equal(clk_left_ms(now), 0);
    assert_int_equal(clk_left_ms(now - 1), 0);
    assert_int_equal(clk_left_ms(now - 100000), 0);
    assert_int_equal(clk_left_ms(0), 0);
    assert_int_equal(clk_left_ms(-2), 0);
    assert_int_equal(clk_left_ms(now + (int64_t)INT_MAX * 2), INT_MAX);
    assert_int_equal(clk_left_ms(now + (int64_t)INT_MAX * 1000), INT_MAX);
    assert_int_equal(clk_left_ms(INT64_MAX), INT_MAX);
    /* Ten minutes ahead: some left, never more than asked. */
    int left = clk_left_ms(clk_deadline(600000));
    assert_true(left > 0);
    assert_true(left <= 600000);
}

/* A passed deadline gives 0 for good, whatever the machine's load. */
static void test_clock_left_ms_zero_after_sleep(void **state)
{
    (void)state;
    int64_t d = clk_deadline(20);
    clk_sleep_until(d);
    assert_true(clk_now_ms() >= d);
    assert_int_equal(clk_left_ms(d), 0);
}

/* ---- sleeping ---- */

static void test_clock_sleep_until_reaches_deadline(void **state)
{
    static const int64_t TIMEOUTS[] = {1, 7, 30};
    (void)state;
    for (size_t i = 0; i < COUNT(TIMEOUTS); i++) {
        int64_t t0 = clk_now_ms();
        int64_t d = clk_deadline(TIMEOUTS[i]);
        clk_sleep_until(d);
        int64_t t1 = clk_now_ms();
        assert_true(t1 >= d);
        assert_true(t1 - t0 >= TIMEOUTS[i]);
    }
}

static void test_clock_sleep_us_at_least_asked(void **state)
{
    static const int64_t US[] = {1, 500, 9999, 20000};
    (void)state;
    for (size_t i = 0; i < COUNT(US); i++) {
        int64_t t0 = clk_now_us();
        clk_sleep_us(US[i]);
        int64_t el = clk_now_us() - t0;
        if (el < US[i])
            fail_msg("asked %lld us, slept %lld us", (long long)US[i], (long long)el);
    }
}

/* Signals every 2 ms interrupt the sleeps; neither returns before its time. */
static void test_clock_sleeps_survive_signals(void **state)
{
    struct sigaction old;
    (void)state;
    alarms_start(2000, &old);
    int64_t d = clk_deadline(60);
    clk_sleep_until(d);
    int64_t after_until = clk_now_ms();
    int64_t t0 = clk_now_us();
    clk_sleep_us(60000);
    int64_t slept_us = clk_now_us() - t0;
    sig_atomic_t alarms = alarm_count;
    alarms_stop(&old);
    assert_true(alarms > 0);
    assert_true(after_until >= d);
    assert_true(slept_us >= 60000);
}

/* ---- timespec ---- */

struct timespec_row {
    int64_t deadline;
    time_t sec;
    long nsec;
};

static void test_clock_timespec_table(void **state)
{
    static const struct timespec_row ROWS[] = {
        {0, 0, 0},
        {1, 0, 1000000L},
        {999, 0, 999000000L},
        {1000, 1, 0},
        {1234, 1, 234000000L},
        {86400123, 86400, 123000000L},
        {(int64_t)4000000000 * 1000 + 5, (time_t)4000000000, 5000000L},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        struct timespec ts;
        memset(&ts, 0xa5, sizeof ts);
        clk_timespec(ROWS[i].deadline, &ts);
        if (ts.tv_sec != ROWS[i].sec || ts.tv_nsec != ROWS[i].nsec)
            fail_msg("%lld ms: got %lld s %ld ns", (long long)ROWS[i].deadline,
                     (long long)ts.tv_sec, ts.tv_nsec);
    }
}

/* The use it is made for: a CLOCK_MONOTONIC condition variable times out at the deadline. */
static void test_clock_timespec_for_cond_timedwait(void **state)
{
    pthread_condattr_t attr;
    pthread_cond_t cond;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    (void)state;
    assert_int_equal(pthread_condattr_init(&attr), 0);
    assert_int_equal(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), 0);
    assert_int_equal(pthread_cond_init(&cond, &attr), 0);
    int64_t d = clk_deadline(30);
    struct timespec ts;
    clk_timespec(d, &ts);
    assert_int_equal(pthread_mutex_lock(&mu), 0);
    int rc;
    while ((rc = pthread_cond_timedwait(&cond, &mu, &ts)) == 0)
        continue; /* a spurious wakeup */
    assert_int_equal(pthread_mutex_unlock(&mu), 0);
    assert_int_equal(rc, ETIMEDOUT);
    assert_true(clk_now_ms() >= d);
    pthread_cond_destroy(&cond);
    pthread_condattr_destroy(&attr);
    pthread_mutex_destroy(&mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_now_is_monotonic),
        cmocka_unit_test(test_clock_ms_and_us_agree),
        cmocka_unit_test(test_clock_deadline_from_now),
        cmocka_unit_test(test_clock_earlier_table),
        cmocka_unit_test(test_clock_left_ms),
        cmocka_unit_test(test_clock_left_ms_zero_after_sleep),
        cmocka_unit_test(test_clock_sleep_until_reaches_deadline),
        cmocka_unit_test(test_clock_sleep_us_at_least_asked),
        cmocka_unit_test(test_clock_sleeps_survive_signals),
        cmocka_unit_test(test_clock_timespec_table),
        cmocka_unit_test(test_clock_timespec_for_cond_timedwait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
