/* test_bytes.c -- the capped byte buffer: growth, the cap, the trailing NUL, escapes, hex dumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "status.h"

/* A string literal and its length, for pieces that contain NUL bytes. */
#define IN(s) s, sizeof s - 1
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The buffer holds exactly |want| (|n| bytes) and a NUL right after them. */
static void assert_holds(const struct bytes *b, const void *want, size_t n)
{
    assert_int_equal(b->len, n);
    if (n)
        assert_memory_equal(b->data, want, n);
    assert_int_equal(bytes_str(b)[n], '\0');
}

static void test_bytes_init_is_empty(void **state)
{
    struct bytes b;
    (void)state;
    memset(&b, 0xa5, sizeof b);
    bytes_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    assert_string_equal(bytes_str(&b), "");
    bytes_init(&b, 0);
    assert_int_equal(b.max, BYTES_DEFAULT_MAX);
    bytes_cleanup(&b);
}

/* Appends of every size, across the growth steps, come out whole and NUL-terminated. */
static void test_bytes_append_grows_and_keeps_nul(void **state)
{
    static const size_t SIZES[] = {0, 1, 62, 63, 64, 65, 127, 1000, 5000};
    static unsigned char want[8192];
    (void)state;
    for (size_t i = 0; i < sizeof want; i++)
        want[i] = (unsigned char)(i * 7 + 1);
    for (size_t i = 0; i < COUNT(SIZES); i++) {
        struct bytes b;
        bytes_init(&b, 0);
        assert_int_equal(bytes_append(&b, want, SIZES[i]), 0);
        assert_holds(&b, want, SIZES[i]);
        assert_int_equal(bytes_append(&b, want + SIZES[i], 3), 0); /* a second piece follows */
        assert_holds(&b, want, SIZES[i] + 3);
        assert_true(b.cap > b.len);
        bytes_cleanup(&b);
    }
    struct bytes b; /* NUL bytes inside the data are data */
    bytes_init(&b, 16);
    assert_int_equal(bytes_append(&b, IN("a\0b")), 0);
    assert_int_equal(bytes_puts(&b, "c"), 0);
    assert_holds(&b, "a\0bc", 4);
    bytes_cleanup(&b);
}

enum op { OP_APPEND, OP_PUTS, OP_FILL, OP_PRINTF };

/* |before| 'p' bytes are already there; the operation then adds |n| bytes. */
struct cap_row { const char *label; size_t max, before; enum op op; size_t n; int rc; };

static const struct cap_row CAP_ROWS[] = {
    {"append fits", 8, 3, OP_APPEND, 5, 0},
    {"append one past", 8, 3, OP_APPEND, 6, WC_ERR_TOO_LONG},
    {"append nothing when full", 8, 8, OP_APPEND, 0, 0},
    {"append one when full", 8, 8, OP_APPEND, 1, WC_ERR_TOO_LONG},
    {"append SIZE_MAX", 8, 2, OP_APPEND, SIZE_MAX, WC_ERR_TOO_LONG},
    {"puts fits", 8, 0, OP_PUTS, 8, 0},
    {"puts one past", 8, 1, OP_PUTS, 8, WC_ERR_TOO_LONG},
    {"fill fits", 1000, 999, OP_FILL, 1, 0},
    {"fill one past", 1000, 999, OP_FILL, 2, WC_ERR_TOO_LONG},
    {"fill SIZE_MAX", 1000, 0, OP_FILL, SIZE_MAX, WC_ERR_TOO_LONG},
    {"fill past the default cap", 0, 0, OP_FILL, BYTES_DEFAULT_MAX + 1, WC_ERR_TOO_LONG},
    {"printf fits", 8, 4, OP_PRINTF, 4, 0},
    {"printf one past", 8, 4, OP_PRINTF, 5, WC_ERR_TOO_LONG},
};

/* At the cap an operation either adds all its bytes or none (WC_ERR_TOO_LONG). */
static void test_bytes_cap_rejects_whole_append(void **state)
{
    static const char SRC[] = "0123456789abcdefghij"; /* longer than piece */
    (void)state;
    for (size_t i = 0; i < COUNT(CAP_ROWS); i++) {
        const struct cap_row *row = &CAP_ROWS[i];
        struct bytes b;
        char piece[16];
        bytes_init(&b, row->max);
        assert_int_equal(bytes_fill(&b, 'p', row->before), 0);
        size_t k = row->n < sizeof piece - 1 ? row->n : sizeof piece - 1;
        memcpy(piece, SRC, k);
        piece[k] = '\0';
        int rc = 0;
        switch (row->op) {
        case OP_APPEND: rc = bytes_append(&b, SRC, row->n); break;
        case OP_PUTS: rc = bytes_puts(&b, piece); break;
        case OP_FILL: rc = bytes_fill(&b, 'f', row->n); break;
        case OP_PRINTF: rc = bytes_printf(&b, "%s", piece); break;
        }
        size_t want_len = row->before + (rc == 0 ? row->n : 0);
        if (rc != row->rc || b.len != want_len || bytes_str(&b)[b.len] != '\0')
            fail_msg("%s: rc %d, len %zu", row->label, rc, b.len);
        for (size_t j = 0; j < row->before; j++)
            assert_int_equal(b.data[j], 'p');
        bytes_cleanup(&b);
    }
}

__attribute__((format(printf, 2, 3))) static int vprintf_via(struct bytes *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = bytes_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

static void test_bytes_printf_appends_text(void **state)
{
    struct bytes b;
    (void)state;
    bytes_init(&b, 0);
    assert_int_equal(bytes_puts(&b, "x="), 0);
    assert_int_equal(bytes_printf(&b, "%d,%s,%02x", -42, "ab", 10u), 0);
    assert_string_equal(bytes_str(&b), "x=-42,ab,0a");
    assert_int_equal(bytes_printf(&b, "%s", ""), 0);
    assert_int_equal(b.len, 11);
    assert_int_equal(vprintf_via(&b, "|%zu", (size_t)7), 0);
    assert_string_equal(bytes_str(&b), "x=-42,ab,0a|7");
    /* Longer than the first allocation: the growth happens inside the formatting. */
    assert_int_equal(bytes_printf(&b, "%0300d", 5), 0);
    assert_int_equal(b.len, 13 + 300);
    assert_memory_equal(b.data, "x=-42,ab,0a|70000", 17);
    assert_string_equal(bytes_str(&b) + b.len - 4, "0005"); /* and the NUL right after */
    bytes_cleanup(&b);
}

static void test_bytes_consume_drops_prefix(void **state)
{
    static const struct { size_t n; const char *left; } ROWS[] = {
        {0, "abcdef"}, {1, "bcdef"}, {4, "ef"}, {5, "f"}, {6, ""}, {7, ""}, {SIZE_MAX, ""},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        struct bytes b;
        bytes_init(&b, 0);
        assert_int_equal(bytes_puts(&b, "abcdef"), 0);
        bytes_consume(&b, ROWS[i].n);
        assert_holds(&b, ROWS[i].left, strlen(ROWS[i].left));
        assert_string_equal(bytes_str(&b), ROWS[i].left);
        assert_int_equal(bytes_puts(&b, "Z"), 0); /* appends go after what is left */
        assert_int_equal(b.len, strlen(ROWS[i].left) + 1);
        assert_int_equal(bytes_str(&b)[b.len - 1], 'Z');
        bytes_cleanup(&b);
    }
    struct bytes unused; /* nothing allocated yet */
    bytes_init(&unused, 4);
    bytes_consume(&unused, 3);
    assert_holds(&unused, "", 0);
}

static void test_bytes_take_hands_over_storage(void **state)
{
    struct bytes b;
    (void)state;
    bytes_init(&b, 32);
    assert_int_equal(bytes_append(&b, IN("hi\0there")), 0);
    char *s = bytes_take(&b);
    assert_non_null(s);
    assert_memory_equal(s, "hi\0there", 9); /* NUL-terminated after the 8 bytes */
    free(s);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_string_equal(bytes_str(&b), "");
    /* Still usable, with the same cap. */
    assert_int_equal(bytes_fill(&b, 'a', 33), WC_ERR_TOO_LONG);
    assert_int_equal(bytes_fill(&b, 'a', 32), 0);
    bytes_cleanup(&b);
    /* An empty buffer hands over an empty string, not NULL. */
    bytes_init(&b, 0);
    s = bytes_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void test_bytes_cleanup_reusable_and_zeroed_safe(void **state)
{
    struct bytes z;
    (void)state;
    memset(&z, 0, sizeof z);
    assert_string_equal(bytes_str(&z), "");
    bytes_cleanup(&z);
    bytes_cleanup(&z);
    assert_null(z.data);

    struct bytes b;
    bytes_init(&b, 10);
    assert_int_equal(bytes_puts(&b, "first"), 0);
    bytes_cleanup(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_string_equal(bytes_str(&b), "");
    assert_int_equal(bytes_puts(&b, "second"), 0);
    assert_string_equal(bytes_str(&b), "second");
    assert_int_equal(bytes_puts(&b, "12345"), WC_ERR_TOO_LONG); /* the cap survives cleanup */
    assert_string_equal(bytes_str(&b), "second");
    bytes_cleanup(&b);
    bytes_cleanup(&b);
}

static void test_bytes_is_texty_table(void **state)
{
    static const struct { const char *p; size_t n; int texty; } ROWS[] = {
        {IN(""), 1},       {IN("hello, world"), 1}, {IN("a\r\n\tb"), 1}, {IN(" ~"), 1},
        {IN("a\0b"), 0},   {IN("\x1f"), 0},         {IN("\x7f"), 0},      {IN("\x80"), 0},
        {IN("ok\xff"), 0}, {IN("\x1b[0m"), 0},      {IN("\v"), 0},        {IN("\f"), 0},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        if (bytes_is_texty(ROWS[i].p, ROWS[i].n) != ROWS[i].texty)
            fail_msg("row %zu: want %d", i, ROWS[i].texty);
    }
}

static void test_bytes_escape_table(void **state)
{
    static const struct { const char *p; size_t n, max_shown; const char *want; } ROWS[] = {
        {IN(""), 10, "\"\""},
        {IN("abc"), 10, "\"abc\""},
        {IN(" ~"), 10, "\" ~\""},
        {IN("a\"b\\c"), 10, "\"a\\\"b\\\\c\""},
        {IN("\n\r\t\0"), 10, "\"\\n\\r\\t\\0\""},
        {IN("\x01\x1f\x7f\x80\xff"), 10, "\"\\x01\\x1f\\x7f\\x80\\xff\""},
        {IN("abcdef"), 6, "\"abcdef\""},
        {IN("abcdef"), 3, "\"abc\"... (3 more bytes)"},
        {IN("ab"), 0, "\"\"... (2 more bytes)"},
        {IN("\xff\xfe"), 1, "\"\\xff\"... (1 more bytes)"},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        struct bytes b;
        bytes_init(&b, 0);
        assert_int_equal(bytes_puts(&b, "got "), 0);
        assert_int_equal(bytes_escape(&b, ROWS[i].p, ROWS[i].n, ROWS[i].max_shown), 0);
        if (strncmp(bytes_str(&b), "got ", 4) != 0 || strcmp(bytes_str(&b) + 4, ROWS[i].want))
            fail_msg("row %zu: got [%s] want [%s]", i, bytes_str(&b), ROWS[i].want);
        bytes_cleanup(&b);
    }
}

/* Past the cap the renderers report WC_ERR_TOO_LONG and the buffer stays within it. */
static void test_bytes_renderers_respect_cap(void **state)
{
    struct bytes b;
    (void)state;
    bytes_init(&b, 4);
    assert_int_equal(bytes_escape(&b, IN("abcdef"), 100), WC_ERR_TOO_LONG);
    assert_true(b.len <= 4);
    assert_int_equal(bytes_str(&b)[b.len], '\0');
    bytes_cleanup(&b);
    bytes_init(&b, 20);
    assert_int_equal(bytes_hexdump(&b, IN("0123456789"), 0, 4, ""), WC_ERR_TOO_LONG);
    assert_true(b.len <= 20);
    assert_int_equal(bytes_str(&b)[b.len], '\0');
    bytes_cleanup(&b);
}

#define DUMP_IN "0123456789abcdef\n\0\xffZ"
#define LINE1 "  000010  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
#define LINE2 "  000020  0a 00 ff 5a                                      |...Z|\n"

static void test_bytes_hexdump_table(void **state)
{
    static const struct { const char *label; size_t n, max_lines; const char *want; } ROWS[] = {
        {"two lines", 20, 10, LINE1 LINE2},
        {"exactly the lines allowed", 20, 2, LINE1 LINE2},
        {"one line and the rest counted", 20, 1, LINE1 "  ... (4 more bytes)\n"},
        {"no lines allowed", 20, 0, "  ... (20 more bytes)\n"},
        {"one full line, no trailer", 16, 1, LINE1},
        {"nothing to dump", 0, 5, ""},
    };
    (void)state;
    for (size_t i = 0; i < COUNT(ROWS); i++) {
        struct bytes b;
        bytes_init(&b, 0);
        assert_int_equal(bytes_hexdump(&b, DUMP_IN, ROWS[i].n, 0x10, ROWS[i].max_lines, "  "), 0);
        if (strcmp(bytes_str(&b), ROWS[i].want) != 0)
            fail_msg("%s: got\n%s", ROWS[i].label, bytes_str(&b));
        bytes_cleanup(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_init_is_empty),
        cmocka_unit_test(test_bytes_append_grows_and_keeps_nul),
        cmocka_unit_test(test_bytes_cap_rejects_whole_append),
        cmocka_unit_test(test_bytes_printf_appends_text),
        cmocka_unit_test(test_bytes_consume_drops_prefix),
        cmocka_unit_test(test_bytes_take_hands_over_storage),
        cmocka_unit_test(test_bytes_cleanup_reusable_and_zeroed_safe),
        cmocka_unit_test(test_bytes_is_texty_table),
        cmocka_unit_test(test_bytes_escape_table),
        cmocka_unit_test(test_bytes_renderers_respect_cap),
        cmocka_unit_test(test_bytes_hexdump_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
