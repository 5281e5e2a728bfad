/* test_transcript.c -- the timeline of a case: events, kept bytes, limits, rendering, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "engine/transcript.h"

/* Renders |tr| with |indent| into a new C string (caller frees). */
static char *render(struct transcript *tr, const char *indent)
{
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(tr_render(tr, &out, indent), 0);
    char *s = strdup(bytes_str(&out));
    bytes_cleanup(&out);
    assert_non_null(s);
    return s;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_transcript_records_events_in_order(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 0);
    assert_int_equal(tr.max, TR_DEFAULT_MAX_EVENTS);
    tr_note(&tr, 0, "a", TR_EVENT, "connected to %s", "127.0.0.1:7");
    tr_bytes(&tr, 0, "a", TR_SEND, 0, "Hello\n", 6);
    tr_bytes(&tr, 2, "b", TR_RECV, 3, "x", 1);
    tr_note(&tr, 0, NULL, TR_ERROR, "expected %d bytes", 6);
    assert_int_equal(tr.n, 4);
    assert_int_equal(tr.dropped, 0);

    static const enum tr_kind kinds[] = {TR_EVENT, TR_SEND, TR_RECV, TR_ERROR};
    static const char *const conns[] = {"a", "a", "b", ""};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tr.ev[i].kind, kinds[i]);
        assert_string_equal(tr.ev[i].conn, conns[i]);
        assert_true(tr.ev[i].t_us >= 0);
        if (i)
            assert_true(tr.ev[i].t_us >= tr.ev[i - 1].t_us);
    }
    assert_string_equal(tr.ev[0].text, "connected to 127.0.0.1:7");
    assert_null(tr.ev[1].text);
    assert_int_equal(tr.ev[1].len, 6);
    assert_int_equal(tr.ev[1].shown, 6);
    assert_memory_equal(tr.ev[1].data, "Hello\n", 6);
    assert_int_equal(tr.ev[2].session, 2);
    assert_int_equal(tr.ev[2].offset, 3);
    assert_string_equal(tr.ev[3].text, "expected 6 bytes");

    char *s = render(&tr, "  ");
    assert_int_equal(count_lines(s), 4);
    const char *e0 = strstr(s, "a        * connected to 127.0.0.1:7\n");
    const char *e1 = strstr(s, "a        > 6 bytes @0  \"Hello\\n\"\n");
    const char *e2 = strstr(s, "b#1      < 1 byte @3  \"x\"\n");
    const char *e3 = strstr(s, "! expected 6 bytes\n");
    assert_non_null(e0);
    assert_non_null(e1);
    assert_non_null(e2);
    assert_non_null(e3);
    assert_true(e0 < e1 && e1 < e2 && e2 < e3);
    /* Every line starts with the indent and the time stamp. */
    for (const char *line = s; *line; line = strchr(line, '\n') + 1)
        assert_memory_equal(line, "  +", 3);
    assert_non_null(strstr(s, " ms  "));
    free(s);
    tr_cleanup(&tr);
}

static void test_transcript_keeps_bytes_up_to_the_limit(void **state)
{
    (void)state;
    size_t big = TR_BYTES_KEPT + 952;
    unsigned char *p = malloc(big);
    assert_non_null(p);
    for (size_t i = 0; i < big; i++)
        p[i] = (unsigned char)('a' + i % 26);
    struct transcript tr;
    tr_init(&tr, 0);
    tr_bytes(&tr, 0, "a", TR_SEND, 100, p, big);
    tr_bytes(&tr, 0, "a", TR_SEND, 100 + big, p, TR_BYTES_KEPT);
    tr_bytes(&tr, 0, "a", TR_RECV, 0, NULL, 0);
    assert_int_equal(tr.n, 3);
    /* The full length is counted, the first TR_BYTES_KEPT are kept. */
    assert_int_equal(tr.ev[0].len, big);
    assert_int_equal(tr.ev[0].shown, TR_BYTES_KEPT);
    assert_memory_equal(tr.ev[0].data, p, TR_BYTES_KEPT);
    assert_int_equal(tr.ev[1].len, TR_BYTES_KEPT);
    assert_int_equal(tr.ev[1].shown, TR_BYTES_KEPT);
    assert_int_equal(tr.ev[2].len, 0);
    assert_int_equal(tr.ev[2].shown, 0);
    assert_null(tr.ev[2].data);

    char *s = render(&tr, "");
    assert_int_equal(count_lines(s), 3);
    char want[64];
    snprintf(want, sizeof want, "> %zu bytes @100  \"abcdefghij", big);
    assert_non_null(strstr(s, want));
    snprintf(want, sizeof want, " ... (%zu more)\n", big - TR_BYTES_KEPT);
    assert_non_null(strstr(s, want));
    /* The event with exactly the kept bytes has nothing more to say. */
    const char *second = strchr(s, '\n') + 1;
    const char *third = strchr(second, '\n') + 1;
    assert_null(memmem(second, (size_t)(third - second), " more)\n", 7));
    assert_non_null(strstr(third, "< 0 bytes @0\n"));
    free(s);
    tr_cleanup(&tr);
    free(p);
}

static void test_transcript_respects_max_events_and_counts_dropped(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 3);
    assert_int_equal(tr.max, 3);
    for (int i = 0; i < 5; i++)
        tr_note(&tr, 0, "a", TR_EVENT, "event %d", i);
    tr_bytes(&tr, 0, "a", TR_SEND, 0, "late", 4);
    tr_bytes(&tr, 0, "a", TR_RECV, 0, "late", 4);
    assert_int_equal(tr.n, 3);
    assert_int_equal(tr.dropped, 4);
    /* The first events are kept; the later ones are the ones dropped. */
    for (int i = 0; i < 3; i++) {
        char want[16];
        snprintf(want, sizeof want, "event %d", i);
        assert_string_equal(tr.ev[i].text, want);
    }
    char *s = render(&tr, "    ");
    assert_int_equal(count_lines(s), 4);
    assert_null(strstr(s, "event 3"));
    const char *last = strstr(s, "    (4 more events not recorded)\n");
    assert_non_null(last);
    assert_string_equal(last, "    (4 more events not recorded)\n");
    free(s);
    tr_cleanup(&tr);

    /* Nothing dropped: no such line. */
    tr_init(&tr, 3);
    tr_note(&tr, 0, "a", TR_EVENT, "only");
    s = render(&tr, "");
    assert_null(strstr(s, "not recorded"));
    free(s);
    tr_cleanup(&tr);
}

static void test_transcript_renders_binary_as_hexdump(void **state)
{
    (void)state;
    unsigned char bin[100];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7);
    bin[1] = 'H';
    bin[2] = 'i';
    struct transcript tr;
    tr_init(&tr, 0);
    tr_bytes(&tr, 0, "a", TR_RECV, 16, bin, 20);
    tr_bytes(&tr, 0, "a", TR_RECV, 36, "text\tonly\r\n", 11);
    char *s = render(&tr, "  ");
    /* The header line has no quoted payload; the dump follows, indented further. */
    assert_non_null(strstr(s, "< 20 bytes @16\n"));
    assert_non_null(strstr(s, "\n        000010  00 48 69 15 1c 23 2a 31 38 3f 46 4d 54 5b 62 69"
                               "  |.Hi..#*18?FMT[bi|\n"));
    /* A short last line: the 12 missing bytes are padded with 3 spaces each. */
    char last[128];
    snprintf(last, sizeof last, "\n        000020  70 77 7e 85%36s  |pw~.|\n", "");
    assert_non_null(strstr(s, last));
    /* Text, tabs and CRLF included, is quoted, not dumped. */
    assert_non_null(strstr(s, "< 11 bytes @36  \"text\\tonly\\r\\n\"\n"));
    assert_int_equal(count_lines(s), 4);
    free(s);
    tr_cleanup(&tr);

    /* A long binary payload: the dump stops after 4 lines and says what it left out. */
    tr_init(&tr, 0);
    tr_bytes(&tr, 0, "a", TR_SEND, 0, bin, sizeof bin);
    s = render(&tr, "");
    assert_int_equal(count_lines(s), 1 + 4 + 1);
    assert_non_null(strstr(s, "      000030 "));
    assert_null(strstr(s, "      000040 "));
    assert_non_null(strstr(s, "      ... (36 more bytes)\n"));
    free(s);
    tr_cleanup(&tr);
}

static void test_transcript_names_conn_and_session(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 0);
    char long_name[64];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    tr_note(&tr, 1, long_name, TR_EVENT, "x");
    tr_bytes(&tr, 0, NULL, TR_SEND, 0, "y", 1);
    char text[2000];
    memset(text, 't', sizeof text - 1);
    text[sizeof text - 1] = 0;
    tr_note(&tr, 0, "c", TR_EVENT, "%s", text);
    /* Names are cut to fit, never overrun; NULL is "". */
    assert_int_equal(strlen(tr.ev[0].conn), CF_NAME_MAX - 1);
    assert_int_equal(tr.ev[0].session, 1);
    assert_string_equal(tr.ev[1].conn, "");
    assert_int_equal(strlen(tr.ev[2].text), 1023);
    char *s = render(&tr, "");
    char want[CF_NAME_MAX + 8];
    snprintf(want, sizeof want, "%.*s#0 * x\n", CF_NAME_MAX - 1, long_name);
    assert_non_null(strstr(s, want));
    free(s);
    tr_cleanup(&tr);
}

#define THREADS 4
#define PER_THREAD 250

struct recorder {
    struct transcript *tr;
    unsigned session;
};

static void *record_many(void *arg)
{
    const struct recorder *r = arg;
    for (size_t i = 0; i < PER_THREAD; i++) {
        if (i % 2)
            tr_note(r->tr, r->session, "s", TR_EVENT, "step %zu", i);
        else
            tr_bytes(r->tr, r->session, "s", TR_SEND, i, "ping\n", 5);
    }
    return NULL;
}

static void run_recorders(struct transcript *tr)
{
    pthread_t th[THREADS];
    struct recorder rec[THREADS];
    for (unsigned k = 0; k < THREADS; k++) {
        rec[k].tr = tr;
        rec[k].session = k + 1;
        assert_int_equal(pthread_create(&th[k], NULL, record_many, &rec[k]), 0);
    }
    for (unsigned k = 0; k < THREADS; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
}

static void test_transcript_is_thread_safe(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, THREADS * PER_THREAD);
    run_recorders(&tr);
    assert_int_equal(tr.n, THREADS * PER_THREAD);
    assert_int_equal(tr.dropped, 0);
    /* Each session's events are all there, in the order that session recorded them. */
    size_t seen[THREADS] = {0};
    for (size_t i = 0; i < tr.n; i++) {
        const struct tr_event *e = &tr.ev[i];
        assert_true(e->session >= 1 && e->session <= THREADS);
        size_t k = seen[e->session - 1]++;
        if (k % 2) {
            char want[32];
            snprintf(want, sizeof want, "step %zu", k);
            assert_int_equal(e->kind, TR_EVENT);
            assert_string_equal(e->text, want);
        } else {
            assert_int_equal(e->kind, TR_SEND);
            assert_int_equal(e->offset, k);
            assert_memory_equal(e->data, "ping\n", 5);
        }
    }
    for (unsigned k = 0; k < THREADS; k++)
        assert_int_equal(seen[k], PER_THREAD);
    char *s = render(&tr, "");
    assert_int_equal(count_lines(s), THREADS * PER_THREAD);
    free(s);
    tr_cleanup(&tr);

    /* Over the limit: what is kept and what is dropped still adds up. */
    tr_init(&tr, 100);
    run_recorders(&tr);
    assert_int_equal(tr.n, 100);
    assert_int_equal(tr.n + tr.dropped, THREADS * PER_THREAD);
    tr_cleanup(&tr);
}

static void test_transcript_empty_renders_nothing(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 0);
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(tr_render(&tr, &out, "  "), 0);
    assert_int_equal(out.len, 0);
    assert_string_equal(bytes_str(&out), "");
    /* Rendering appends: what was there stays. */
    assert_int_equal(bytes_puts(&out, "kept\n"), 0);
    assert_int_equal(tr_render(&tr, &out, ""), 0);
    assert_string_equal(bytes_str(&out), "kept\n");
    bytes_cleanup(&out);
    tr_cleanup(&tr);
}

static void test_transcript_render_reports_a_full_buffer(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 0);
    for (int i = 0; i < 10; i++)
        tr_note(&tr, 0, "a", TR_EVENT, "event number %d", i);
    struct bytes out;
    bytes_init(&out, 64);
    assert_true(tr_render(&tr, &out, "") < 0);
    assert_true(out.len <= 64);
    bytes_cleanup(&out);
    tr_cleanup(&tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transcript_records_events_in_order),
        cmocka_unit_test(test_transcript_keeps_bytes_up_to_the_limit),
        cmocka_unit_test(test_transcript_respects_max_events_and_counts_dropped),
        cmocka_unit_test(test_transcript_renders_binary_as_hexdump),
        cmocka_unit_test(test_transcript_names_conn_and_session),
        cmocka_unit_test(test_transcript_is_thread_safe),
        cmocka_unit_test(test_transcript_empty_renders_nothing),
        cmocka_unit_test(test_transcript_render_reports_a_full_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
