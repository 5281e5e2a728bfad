/* test_status.c -- wc_strerror: a text for every code, one per wc_status, strerror for -errno. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const int WC_CODES[] = {
    WC_OK,      WC_NEED_MORE, WC_ERR_INVALID, WC_ERR_TOO_LONG,
    WC_ERR_NOMEM, WC_ERR_ARG, WC_ERR_SPACE,   WC_ERR_UNAVAILABLE,
};

/* Codes that are neither a wc_status nor a -errno (the wc_status codes sit just below -1000). */
static const int UNKNOWN_CODES[] = {1, 42, INT_MAX, -1000, -1999, -100000, INT_MIN};

/* Any int gets a static, non-empty text. */
static void test_status_strerror_never_null(void **state)
{
    static const int OTHERS[] = {1, 42, INT_MAX, -1, -EINVAL, -999, -1000, -1999, INT_MIN};
    (void)state;
    for (size_t i = 0; i < COUNT(WC_CODES); i++) {
        const char *s = wc_strerror(WC_CODES[i]);
        assert_non_null(s);
        assert_true(s[0] != '\0');
        assert_ptr_equal(wc_strerror(WC_CODES[i]), s); /* static: the same text each call */
    }
    for (size_t i = 0; i < COUNT(OTHERS); i++) {
        const char *s = wc_strerror(OTHERS[i]);
        if (s == NULL || s[0] == '\0')
            fail_msg("code %d: no text", OTHERS[i]);
    }
}

/* Each wc_status has its own text, and none reads like an unknown code's. */
static void test_status_strerror_distinct_per_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(WC_CODES); i++) {
        const char *a = wc_strerror(WC_CODES[i]);
        for (size_t j = i + 1; j < COUNT(WC_CODES); j++) {
            if (strcmp(a, wc_strerror(WC_CODES[j])) == 0)
                fail_msg("codes %d and %d share \"%s\"", WC_CODES[i], WC_CODES[j], a);
        }
        for (size_t j = 0; j < COUNT(UNKNOWN_CODES); j++) {
            if (strcmp(a, wc_strerror(UNKNOWN_CODES[j])) == 0)
                fail_msg("code %d reads like unknown code %d: \"%s\"", WC_CODES[i],
                         UNKNOWN_CODES[j], a);
        }
    }
}

/* Codes outside both ranges share one "unknown" text rather than borrowing a real one. */
static void test_status_strerror_unknown_codes(void **state)
{
    char first[128];
    (void)state;
    snprintf(first, sizeof first, "%s", wc_strerror(UNKNOWN_CODES[0]));
    for (size_t i = 1; i < COUNT(UNKNOWN_CODES); i++)
        assert_string_equal(wc_strerror(UNKNOWN_CODES[i]), first);
}

/* A -errno from the net module reads as strerror(errno) does. */
static void test_status_strerror_errno_like_strerror(void **state)
{
    static const int ERRNOS[] = {EPERM, ENOENT, EINTR, EBADF, ENOMEM, EINVAL, EPIPE,
                                 EAGAIN, ETIMEDOUT, ECONNREFUSED, ECONNRESET, EADDRINUSE};
    (void)state;
    for (size_t i = 0; i < COUNT(ERRNOS); i++) {
        char want[256];
        snprintf(want, sizeof want, "%s", strerror(ERRNOS[i]));
        const char *got = wc_strerror(-ERRNOS[i]);
        if (got == NULL || strcmp(got, want) != 0)
            fail_msg("-%d: got \"%s\", want \"%s\"", ERRNOS[i], got ? got : "(null)", want);
        /* Never mistaken for a wc_status text. */
        for (size_t j = 0; j < COUNT(WC_CODES); j++)
            assert_string_not_equal(got, wc_strerror(WC_CODES[j]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strerror_never_null),
        cmocka_unit_test(test_status_strerror_distinct_per_code),
        cmocka_unit_test(test_status_strerror_unknown_codes),
        cmocka_unit_test(test_status_strerror_errno_like_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
