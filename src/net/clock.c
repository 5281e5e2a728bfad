/* clock.c -- CLOCK_MONOTONIC in the units wirecheck's deadlines use. */
#include "clock.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>

int64_t clk_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clk_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clk_deadline(int64_t timeout_ms)
{
    if (timeout_ms < 0)
        return CLK_NEVER;
    int64_t now = clk_now_ms();
    /* Further than the clock can count is never (now is >= 0: CLOCK_MONOTONIC starts at boot). */
    return timeout_ms > INT64_MAX - now ? CLK_NEVER : now + timeout_ms;
}

int64_t clk_earlier(int64_t a, int64_t b)
{
    if (a == CLK_NEVER)
        return b;
    if (b == CLK_NEVER)
        return a;
    return a < b ? a : b;
}

int clk_left_ms(int64_t deadline)
{
    if (deadline == CLK_NEVER)
        return -1;
    int64_t now = clk_now_ms();
    if (deadline <= now)
        return 0;
    int64_t left = deadline - now; /* both >= 0 here: no overflow */
    return left > INT_MAX ? INT_MAX : (int)left;
}

void clk_sleep_until(int64_t deadline)
{
    if (deadline == CLK_NEVER)
        return;
    struct timespec ts;
    clk_timespec(deadline, &ts);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        continue;
}

void clk_sleep_us(int64_t us)
{
    if (us <= 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = (int64_t)ts.tv_nsec + (us % 1000000) * 1000;
    ts.tv_sec += (time_t)(us / 1000000 + ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        continue;
}

void clk_timespec(int64_t deadline, struct timespec *ts)
{
    ts->tv_sec = (time_t)(deadline / 1000);
    ts->tv_nsec = (long)(deadline % 1000) * 1000000L;
}
