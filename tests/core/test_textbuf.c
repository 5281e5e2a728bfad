/* test_textbuf.c -- the text builder: fixed ones truncate, growable ones grow or fail whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

/* A string literal and its length, for pieces that contain NUL bytes. */
#define IN(s) s, sizeof s - 1

struct fixed_row {
    const char *label;
    size_t size;          /* the array's size, NUL included */
    const char *a;        /* two appends */
    size_t a_len;
    const char *b;
    size_t b_len;
    const char *want;     /* what the array then holds */
    size_t want_len;
};

static const struct fixed_row FIXED_ROWS[] = {
    {"both fit", 16, IN("abc"), IN("def"), IN("abcdef")},
    {"exactly full", 7, IN("abc"), IN("def"), IN("abcdef")},
    {"second append cut", 6, IN("abc"), IN("def"), IN("abcde")},
    {"first append cut, second dropped", 3, IN("abc"), IN("def"), IN("ab")},
    {"room for the NUL only", 1, IN("abc"), IN("def"), IN("")},
    {"empty appends", 4, IN(""), IN(""), IN("")},
    {"NUL bytes kept", 8, IN("a\0b"), IN("\0"), IN("a\0b\0")},
};

static void test_fixed_truncates_silently(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FIXED_ROWS / sizeof FIXED_ROWS[0]; i++) {
        const struct fixed_row *row = &FIXED_ROWS[i];
        char array[32];
        struct textbuf b;
        memset(array, 'x', sizeof array);
        textbuf_init_fixed(&b, array, row->size);
        textbuf_put(&b, row->a, row->a_len);
        textbuf_put(&b, row->b, row->b_len);
        if (b.n != row->want_len || memcmp(array, row->want, row->want_len) != 0 ||
            array[row->want_len] != '\0' || b.failed) {
            fail_msg("%s: holds %zu bytes \"%s\"", row->label, b.n, array);
        }
        /* Nothing is written past the array the caller gave. */
        assert_int_equal(array[row->size], 'x');
    }
}

/* A length far beyond the array is cut to the room left and reads no further than that. */
static void test_fixed_never_fails(void **state)
{
    char array[8];
    static const char SRC[16] = "0123456789abcde";
    struct textbuf b;
    (void)state;
    textbuf_init_fixed(&b, array, sizeof array);
    textbuf_put(&b, SRC, SIZE_MAX);
    textbuf_puts(&b, "more");
    assert_false(b.failed);
    assert_int_equal(b.n, 7);
    assert_string_equal(array, "0123456");
}

/* Starting capacities from none up: the text and its length come out whole. */
static void test_growable_grows(void **state)
{
    static const size_t CAPS[] = {0, 1, 2, 7, 64, 5000};
    (void)state;
    for (size_t i = 0; i < sizeof CAPS / sizeof CAPS[0]; i++) {
        struct textbuf b;
        char want[3000];
        size_t len = 0;
        char *text;
        assert_true(textbuf_init_growable(&b, CAPS[i]));
        assert_string_equal(b.p, "");
        for (size_t k = 0; k < 1000; k++) {
            textbuf_put(&b, "a\0b", 3);
            memcpy(want + 3 * k, "a\0b", 3);
        }
        text = textbuf_finish(&b, &len);
        assert_non_null(text);
        assert_int_equal(len, 3000);
        assert_memory_equal(text, want, 3000);
        assert_int_equal(text[3000], '\0');
        free(text);
    }
}

struct u64_row {
    const char *label;
    uint64_t v;
    const char *want;
};

static const struct u64_row U64_ROWS[] = {
    {"zero", 0, "0"},
    {"one digit", 7, "7"},
    {"seed timestamp", UINT64_C(1678886400), "1678886400"},
    {"u64 max", UINT64_MAX, "18446744073709551615"},
};

static void test_put_u64_and_puts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof U64_ROWS / sizeof U64_ROWS[0]; i++) {
        struct textbuf b;
        char want[32];
        char *text;
        snprintf(want, sizeof want, "<%s>", U64_ROWS[i].want);
        assert_true(textbuf_init_growable(&b, 0));
        textbuf_puts(&b, "<");
        textbuf_put_u64(&b, U64_ROWS[i].v);
        textbuf_puts(&b, ">");
        text = textbuf_finish(&b, NULL); /* the length is optional */
        assert_non_null(text);
        if (strcmp(text, want) != 0) {
            fail_msg("%s: \"%s\", expected \"%s\"", U64_ROWS[i].label, text, want);
        }
        free(text);
    }
}

/*
 * A growth that cannot be satisfied marks the buffer failed; later appends are ignored and
 * textbuf_finish frees the text and returns NULL, leaving *out_len alone (ASan: no leak).
 */
static void test_growable_failure_is_sticky(void **state)
{
    struct textbuf b;
    size_t len = 99;
    (void)state;
    assert_true(textbuf_init_growable(&b, 4));
    textbuf_puts(&b, "abc");
    textbuf_put(&b, "x", SIZE_MAX - 1);
    assert_true(b.failed);
    textbuf_puts(&b, "def");
    assert_int_equal(b.n, 3);
    assert_null(textbuf_finish(&b, &len));
    assert_int_equal(len, 99);

    assert_false(textbuf_init_growable(&b, SIZE_MAX));
    assert_true(b.failed);
    assert_null(textbuf_finish(&b, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_truncates_silently),
        cmocka_unit_test(test_fixed_never_fails),
        cmocka_unit_test(test_growable_grows),
        cmocka_unit_test(test_put_u64_and_puts),
        cmocka_unit_test(test_growable_failure_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
