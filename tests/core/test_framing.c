/* test_framing.c -- the newline framer: exact events, split independence, bounded memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "framing.h"

/* ---- an event log: every event of a run serialised, so two runs compare with memcmp ---- */

struct log {
    unsigned char *buf;
    size_t len;
    size_t cap;
};

static void log_put(struct log *lg, const void *p, size_t n)
{
    if (lg->len + n > lg->cap) {
        size_t cap = lg->cap == 0 ? 256 : lg->cap;
        while (cap < lg->len + n)
            cap *= 2;
        unsigned char *nb = realloc(lg->buf, cap);
        assert_non_null(nb);
        lg->buf = nb;
        lg->cap = cap;
    }
    if (n > 0)
        memcpy(lg->buf + lg->len, p, n);
    lg->len += n;
}

static void log_event(struct log *lg, int kind, const unsigned char *data, size_t len)
{
    unsigned char k = (unsigned char)kind;
    log_put(lg, &k, 1);
    log_put(lg, &len, sizeof(len));
    if (kind == FRAMING_LINE)
        log_put(lg, data, len);
}

static void log_free(struct log *lg)
{
    free(lg->buf);
    memset(lg, 0, sizeof(*lg));
}

/* Checks one event as returned by framing_feed / framing_finish and records it. */
static void record(struct log *lg, int rc, const struct framing_line *line)
{
    assert_true(rc == FRAMING_LINE || rc == FRAMING_OVERSIZE);
    if (rc == FRAMING_LINE)
        assert_non_null(line->data);
    else
        assert_null(line->data);
    log_event(lg, rc, line->data, line->len);
}

/*
 * Feeds |in| cut at the |ncuts| offsets in |cuts| (ascending), then finishes. Asserts the
 * per-call contract on the way: consumed bytes, pending never above max_line.
 */
static void run_cuts(const unsigned char *in, size_t len, size_t max_line, const size_t *cuts,
                     size_t ncuts, struct log *lg)
{
    struct framing f;
    assert_int_equal(framing_init(&f, max_line), WC_OK);
    size_t start = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : len;
        size_t off = start;
        for (;;) {
            size_t used = 0;
            struct framing_line line = {0};
            int rc = framing_feed(&f, in + off, end - off, &used, &line);
            assert_true(framing_pending(&f) <= max_line);
            assert_true(f.buf_cap <= max_line); /* the memory bound itself, not just the count */
            assert_true(used <= end - off);
            off += used;
            if (rc == WC_NEED_MORE) {
                assert_int_equal(off, end);
                break;
            }
            assert_true(used > 0); /* an event always consumes its '\n' */
            record(lg, rc, &line);
        }
        start = end;
    }
    struct framing_line line = {0};
    int rc = framing_finish(&f, &line);
    if (rc != 0)
        record(lg, rc, &line);
    assert_int_equal(framing_pending(&f), 0);
    assert_int_equal(framing_finish(&f, &line), 0);
    framing_cleanup(&f);
}

/* ---- the sample streams, with the events a correct framer must produce ---- */

struct exp_event {
    int kind;
    const char *text; /* LINE: the line's bytes (length in len) */
    size_t len;
};

#define MAX_EXP 8
/* clang-format off */
#define L(s) {FRAMING_LINE, s, sizeof(s) - 1}
#define O(n) {FRAMING_OVERSIZE, NULL, n}
#define S(s) (const unsigned char *)(s), sizeof(s) - 1
/* clang-format on */

struct sample {
    const char *label;
    const unsigned char *input;
    size_t len;
    size_t max_line;
    size_t n_exp;
    struct exp_event exp[MAX_EXP];
};

static const struct sample samples[] = {
    {"empty stream", S(""), 8, 0, {{0}}},
    {"single newline", S("\n"), 8, 1, {L("")}},
    {"empty lines", S("\n\n\nabc\n\n"), 8, 5, {L(""), L(""), L(""), L("abc"), L("")}},
    {"crlf kept", S("a\r\nbc\r\n\r\n"), 8, 3, {L("a\r"), L("bc\r"), L("\r")}},
    {"no trailing newline", S("one\ntwo"), 8, 2, {L("one"), L("two")}},
    {"nul bytes", S("a\0b\n\0\n\0"), 8, 3, {L("a\0b"), L("\0"), L("\0")}},
    {"bytes 0x80-0xff",
     S("\x80\xff\xc3\n\xfe\xc0\x80\n\xff"),
     8,
     3,
     {L("\x80\xff\xc3"), L("\xfe\xc0\x80"), L("\xff")}},
    {"exactly max_line, then max_line+1", S("abcd\nabcde\n"), 4, 2, {L("abcd"), O(5)}},
    {"max_line+1 first, then exactly max_line", S("abcde\nabcd\n"), 4, 2, {O(5), L("abcd")}},
    {"several overlong in a row", S("aaaaa\nbbbb\ncccccc\n"), 3, 3, {O(5), O(4), O(6)}},
    {"overlong then normal", S("xxxxxxx\nok\n"), 3, 2, {O(7), L("ok")}},
    {"overlong last line without newline", S("ab\nxxxxx"), 3, 2, {L("ab"), O(5)}},
    {"exactly max_line at finish", S("abcd"), 4, 1, {L("abcd")}},
    {"max_line+1 at finish", S("abcde"), 4, 1, {O(5)}},
    {"max_line 1", S("\n\na\nbb\nc"), 1, 5, {L(""), L(""), L("a"), O(2), L("c")}},
    {"json lines", S("{\"a\":1}\r\n\n [1,2] \n"), 16, 3, {L("{\"a\":1}\r"), L(""), L(" [1,2] ")}},
};

static void expected_log(const struct sample *s, struct log *lg)
{
    for (size_t i = 0; i < s->n_exp; i++)
        log_event(lg, s->exp[i].kind, (const unsigned char *)s->exp[i].text, s->exp[i].len);
}

static void assert_same_log(const struct log *a, const struct log *b, const char *label)
{
    if (a->len != b->len || (a->len > 0 && memcmp(a->buf, b->buf, a->len) != 0))
        fail_msg("event sequence differs for \"%s\"", label);
}

static void test_one_shot_matches_expected_events(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        struct log want = {0}, got = {0};
        expected_log(s, &want);
        run_cuts(s->input, s->len, s->max_line, NULL, 0, &got);
        assert_same_log(&want, &got, s->label);
        log_free(&want);
        log_free(&got);
    }
}

static void test_every_single_split_matches_one_shot(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        struct log want = {0};
        expected_log(s, &want);
        for (size_t cut = 0; cut <= s->len; cut++) {
            struct log got = {0};
            run_cuts(s->input, s->len, s->max_line, &cut, 1, &got);
            assert_same_log(&want, &got, s->label);
            log_free(&got);
        }
        log_free(&want);
    }
}

static void test_every_pair_of_splits_matches_one_shot(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        struct log want = {0};
        expected_log(s, &want);
        for (size_t a = 0; a <= s->len; a++) {
            for (size_t b = a; b <= s->len; b++) {
                size_t cuts[2] = {a, b};
                struct log got = {0};
                run_cuts(s->input, s->len, s->max_line, cuts, 2, &got);
                assert_same_log(&want, &got, s->label);
                log_free(&got);
            }
        }
        log_free(&want);
    }
}

static void test_one_byte_at_a_time_matches_one_shot(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        struct log want = {0}, got = {0};
        expected_log(s, &want);
        size_t cuts[64];
        assert_true(s->len <= 64);
        for (size_t k = 0; k < s->len; k++)
            cuts[k] = k + 1;
        run_cuts(s->input, s->len, s->max_line, cuts, s->len, &got);
        assert_same_log(&want, &got, s->label);
        log_free(&want);
        log_free(&got);
    }
}

/* A longer mixed stream (short, exact, overlong, binary, CRLF lines) at every split point. */
static void test_long_mixed_stream_every_split(void **state)
{
    (void)state;
    enum { MAXL = 16, N = 600 };
    unsigned char in[N];
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        unsigned v = (x >> 16) % 40u;
        /* Newlines about one byte in 12 give lines on both sides of MAXL. */
        in[i] = v < 3 ? '\n' : v == 3 ? '\r' : v == 4 ? 0 : (unsigned char)(x >> 8);
    }
    struct log want = {0};
    run_cuts(in, N, MAXL, NULL, 0, &want);
    size_t cuts[N];
    for (size_t k = 0; k < N; k++)
        cuts[k] = k + 1;
    struct log got = {0};
    run_cuts(in, N, MAXL, cuts, N - 1, &got);
    assert_same_log(&want, &got, "long stream, one byte at a time");
    log_free(&got);
    for (size_t cut = 0; cut <= N; cut++) {
        run_cuts(in, N, MAXL, &cut, 1, &got);
        assert_same_log(&want, &got, "long stream, single split");
        log_free(&got);
    }
    /* The one-shot events agree with a direct scan of the stream. */
    struct log scan = {0};
    size_t start = 0;
    for (size_t i = 0; i <= N; i++) {
        if (i < N && in[i] != '\n')
            continue;
        size_t n = i - start;
        if (i < N || n > 0)
            log_event(&scan, n > MAXL ? FRAMING_OVERSIZE : FRAMING_LINE, in + start, n);
        start = i + 1;
    }
    assert_same_log(&scan, &want, "long stream, direct scan");
    log_free(&scan);
    log_free(&want);
}

static void test_whole_line_in_chunk_is_not_copied(void **state)
{
    (void)state;
    static const char chunk[] = "ab\ncd\n";
    struct framing f;
    struct framing_line line;
    size_t used;
    assert_int_equal(framing_init(&f, 8), WC_OK);
    assert_int_equal(framing_feed(&f, chunk, 6, &used, &line), FRAMING_LINE);
    assert_int_equal(used, 3);
    assert_ptr_equal(line.data, (const unsigned char *)chunk);
    assert_int_equal(line.len, 2);
    assert_int_equal(framing_feed(&f, chunk + 3, 3, &used, &line), FRAMING_LINE);
    assert_ptr_equal(line.data, (const unsigned char *)chunk + 3);
    assert_int_equal(framing_pending(&f), 0);
    framing_cleanup(&f);
}

static void test_line_across_chunks_is_assembled(void **state)
{
    (void)state;
    static const char c1[] = "hel";
    static const char c2[] = "lo\nX";
    struct framing f;
    struct framing_line line;
    size_t used;
    assert_int_equal(framing_init(&f, 8), WC_OK);
    assert_int_equal(framing_feed(&f, c1, 3, &used, &line), WC_NEED_MORE);
    assert_int_equal(used, 3);
    assert_int_equal(framing_pending(&f), 3);
    assert_int_equal(framing_feed(&f, c2, 4, &used, &line), FRAMING_LINE);
    assert_int_equal(used, 3);
    assert_int_equal(line.len, 5);
    assert_memory_equal(line.data, "hello", 5);
    assert_true(line.data != (const unsigned char *)c2);
    assert_int_equal(framing_feed(&f, c2 + 3, 1, &used, &line), WC_NEED_MORE);
    assert_int_equal(framing_pending(&f), 1);
    framing_cleanup(&f);
}

/* A megabyte-long line with max_line 1000: counted, never stored, reported whole. */
static void test_huge_line_memory_bounded(void **state)
{
    (void)state;
    enum { MAXL = 1000, CHUNK = 4096, CHUNKS = 256 };
    static unsigned char chunk[CHUNK];
    memset(chunk, 'x', sizeof(chunk));
    struct framing f;
    struct framing_line line;
    size_t used;
    assert_int_equal(framing_init(&f, MAXL), WC_OK);
    for (int i = 0; i < CHUNKS; i++) {
        assert_int_equal(framing_feed(&f, chunk, CHUNK, &used, &line), WC_NEED_MORE);
        assert_int_equal(used, CHUNK);
        assert_true(framing_pending(&f) <= MAXL);
        assert_true(f.buf_cap <= MAXL);
    }
    assert_int_equal(framing_feed(&f, "\nok\n", 4, &used, &line), FRAMING_OVERSIZE);
    assert_int_equal(used, 1);
    assert_null(line.data);
    assert_int_equal(line.len, (size_t)CHUNK * CHUNKS);
    assert_int_equal(framing_feed(&f, "ok\n", 3, &used, &line), FRAMING_LINE);
    assert_memory_equal(line.data, "ok", 2);
    framing_cleanup(&f);
}

static void test_default_max_line(void **state)
{
    (void)state;
    size_t n = FRAMING_DEFAULT_MAX_LINE + 1;
    size_t total = 2 * n + 1;
    unsigned char *in = malloc(total);
    assert_non_null(in);
    memset(in, 'a', total);
    in[n - 1] = '\n'; /* a line of exactly the default cap */
    in[2 * n] = '\n'; /* then one of cap + 1 */
    struct framing f;
    struct framing_line line;
    size_t used;
    assert_int_equal(framing_init(&f, 0), WC_OK);
    assert_int_equal(framing_feed(&f, in, total, &used, &line), FRAMING_LINE);
    assert_int_equal(line.len, FRAMING_DEFAULT_MAX_LINE);
    assert_int_equal(framing_feed(&f, in + used, total - used, &used, &line), FRAMING_OVERSIZE);
    assert_int_equal(line.len, FRAMING_DEFAULT_MAX_LINE + 1);
    framing_cleanup(&f);
    free(in);
}

static void test_finish_empties_and_framer_is_reusable(void **state)
{
    (void)state;
    struct framing f;
    struct framing_line line;
    size_t used;
    assert_int_equal(framing_init(&f, 4), WC_OK);
    assert_int_equal(framing_finish(&f, &line), 0);
    assert_int_equal(framing_feed(&f, "abc", 3, &used, &line), WC_NEED_MORE);
    assert_int_equal(framing_finish(&f, &line), FRAMING_LINE);
    assert_memory_equal(line.data, "abc", 3);
    assert_int_equal(framing_finish(&f, &line), 0);
    assert_int_equal(framing_feed(&f, "abcdefg", 7, &used, &line), WC_NEED_MORE);
    assert_int_equal(framing_finish(&f, &line), FRAMING_OVERSIZE);
    assert_int_equal(line.len, 7);
    /* A new stream after finish starts clean: no leftover from the discarded line. */
    assert_int_equal(framing_feed(&f, "z\n", 2, &used, &line), FRAMING_LINE);
    assert_int_equal(line.len, 1);
    assert_memory_equal(line.data, "z", 1);
    framing_cleanup(&f);
    framing_cleanup(&f); /* cleanup leaves a zeroed, cleanable struct */
    struct framing zero;
    memset(&zero, 0, sizeof(zero));
    framing_cleanup(&zero);
    framing_cleanup(NULL);
}

static void test_empty_feed_needs_more(void **state)
{
    (void)state;
    struct framing f;
    struct framing_line line;
    size_t used = 99;
    assert_int_equal(framing_init(&f, 4), WC_OK);
    assert_int_equal(framing_feed(&f, NULL, 0, &used, &line), WC_NEED_MORE);
    assert_int_equal(used, 0);
    assert_int_equal(framing_feed(&f, "", 0, &used, &line), WC_NEED_MORE);
    assert_int_equal(used, 0);
    assert_int_equal(framing_pending(&f), 0);
    framing_cleanup(&f);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct framing f, uninit;
    struct framing_line line;
    size_t used = 7;
    memset(&uninit, 0, sizeof(uninit));
    assert_int_equal(framing_init(&f, 4), WC_OK);
    assert_int_equal(framing_init(NULL, 4), WC_ERR_ARG);
    assert_int_equal(framing_feed(NULL, "a\n", 2, &used, &line), WC_ERR_ARG);
    assert_int_equal(used, 0);
    assert_int_equal(framing_feed(&f, NULL, 2, &used, &line), WC_ERR_ARG);
    assert_int_equal(framing_feed(&f, "a\n", 2, NULL, &line), WC_ERR_ARG);
    assert_int_equal(framing_feed(&f, "a\n", 2, &used, NULL), WC_ERR_ARG);
    assert_int_equal(framing_feed(&uninit, "a\n", 2, &used, &line), WC_ERR_ARG);
    assert_int_equal(framing_finish(NULL, &line), WC_ERR_ARG);
    assert_int_equal(framing_finish(&f, NULL), WC_ERR_ARG);
    assert_int_equal(framing_pending(NULL), 0);
    /* The rejected calls left the framer untouched. */
    assert_int_equal(framing_feed(&f, "a\n", 2, &used, &line), FRAMING_LINE);
    assert_int_equal(used, 2);
    framing_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_shot_matches_expected_events),
        cmocka_unit_test(test_every_single_split_matches_one_shot),
        cmocka_unit_test(test_every_pair_of_splits_matches_one_shot),
        cmocka_unit_test(test_one_byte_at_a_time_matches_one_shot),
        cmocka_unit_test(test_long_mixed_stream_every_split),
        cmocka_unit_test(test_whole_line_in_chunk_is_not_copied),
        cmocka_unit_test(test_line_across_chunks_is_assembled),
        cmocka_unit_test(test_huge_line_memory_bounded),
        cmocka_unit_test(test_default_max_line),
        cmocka_unit_test(test_finish_empties_and_framer_is_reusable),
        cmocka_unit_test(test_empty_feed_needs_more),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
