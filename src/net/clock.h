/* clock.h -- the one monotonic clock: milliseconds for deadlines, microseconds for timelines. */
#ifndef WIRECHECK_CLOCK_H
#define WIRECHECK_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A deadline is a clk_now_ms() value; CLK_NEVER is "no deadline". */
#define CLK_NEVER ((int64_t)-1)

/* Milliseconds / microseconds of CLOCK_MONOTONIC (never goes back, ignores date changes). */
int64_t clk_now_ms(void);
int64_t clk_now_us(void);

/* The deadline |timeout_ms| from now (< 0, or beyond what the clock can count: CLK_NEVER). */
int64_t clk_deadline(int64_t timeout_ms);

/* The earlier of two deadlines (either may be CLK_NEVER). */
int64_t clk_earlier(int64_t a, int64_t b);

/* Milliseconds left until |deadline| for poll() and friends: 0 once it passed, -1 for
 * CLK_NEVER, at most INT_MAX. */
int clk_left_ms(int64_t deadline);

/* Sleeps until |deadline| (signals do not cut it short; CLK_NEVER returns at once). */
void clk_sleep_until(int64_t deadline);

/* Sleeps |us| microseconds (signals do not cut it short). */
void clk_sleep_us(int64_t us);

/* |deadline| as an absolute CLOCK_MONOTONIC time, for pthread_cond_timedwait on a condition
 * variable whose clock is CLOCK_MONOTONIC (pthread_condattr_setclock). */
void clk_timespec(int64_t deadline, struct timespec *ts);

#endif
