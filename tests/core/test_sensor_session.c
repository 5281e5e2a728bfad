/* test_sensor_session.c -- per-connection sensor logic: replies per line, in order, any split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensor.h"
#include "sensor_session.h"

#define SEED_JSON                                                                                  \
    "{\"device_id\":\"ESP32-001\",\"temperature_c\":21.5,\"humidity_percent\":60.2,"               \
    "\"timestamp\":1678886400}"
#define SEED_ACK "ACK: Received data from ESP32-001 (Temp: 21.5C)\n"
/* SEED_JSON's length as text, for expected event logs. */
#define SEED_LEN "93"
_Static_assert(sizeof(SEED_JSON) - 1 == 93, "SEED_LEN must match SEED_JSON");

/* ---- an event log, so that runs with different splits compare as strings ---- */

struct log {
    char buf[8192];
    size_t len;
};

static void log_event(struct log *lg, const struct sensor_event *ev)
{
    /* The event's own consistency, whatever the kind. */
    assert_non_null(ev->text);
    assert_int_equal(strlen(ev->text), ev->text_len);
    assert_non_null(ev->reply);
    assert_true(ev->reply_len > 0 && ev->reply[ev->reply_len - 1] == '\n');
    assert_true((ev->kind == SENSOR_EVENT_ACK) == (ev->record != NULL));
    assert_true((ev->kind == SENSOR_EVENT_ACK) == (ev->error == NULL));
    int n = snprintf(lg->buf + lg->len, sizeof(lg->buf) - lg->len, "%d|%zu|%s|%.*s", (int)ev->kind,
                     ev->line_len, ev->text, (int)ev->reply_len, ev->reply);
    assert_true(n > 0 && (size_t)n < sizeof(lg->buf) - lg->len);
    lg->len += (size_t)n;
}

/* Feeds |in| cut at |cuts|, then finishes; logs every event. */
static void run_cuts(const char *in, size_t len, size_t max_line, const size_t *cuts, size_t ncuts,
                     struct log *lg)
{
    struct sensor_session s;
    struct sensor_event ev;
    assert_int_equal(sensor_session_init(&s, max_line), WC_OK);
    lg->len = 0;
    lg->buf[0] = '\0';
    size_t start = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : len;
        size_t off = start;
        for (;;) {
            size_t used = 0;
            int rc = sensor_session_feed(&s, in + off, end - off, &used, &ev);
            off += used;
            if (rc == WC_NEED_MORE) {
                assert_int_equal(off, end);
                break;
            }
            assert_int_equal(rc, 1);
            log_event(lg, &ev);
        }
        start = end;
    }
    int rc = sensor_session_finish(&s, &ev);
    if (rc == 1)
        log_event(lg, &ev);
    else
        assert_int_equal(rc, 0);
    assert_int_equal(sensor_session_finish(&s, &ev), 0);
    sensor_session_cleanup(&s);
}

/* ---- per-line outcomes ---- */

struct line_row {
    const char *label;
    const char *line; /* without '\n' */
    enum sensor_event_kind kind;
    const char *reply;
    const char *text; /* expected trimmed lossy text */
};

static const struct line_row line_rows[] = {
    {"seed record", SEED_JSON, SENSOR_EVENT_ACK, SEED_ACK, SEED_JSON},
    {"not json", "hello", SENSOR_EVENT_ERROR, SENSOR_ERROR_REPLY, "hello"},
    {"other values",
     "{\"device_id\":\"A\",\"temperature_c\":-3.25,\"humidity_percent\":1,\"timestamp\":0}",
     SENSOR_EVENT_ACK, "ACK: Received data from A (Temp: -3.25C)\n",
     "{\"device_id\":\"A\",\"temperature_c\":-3.25,\"humidity_percent\":1,\"timestamp\":0}"},
    {"missing field", "{\"device_id\":\"A\",\"temperature_c\":1.0,\"humidity_percent\":2.0}",
     SENSOR_EVENT_ERROR, SENSOR_ERROR_REPLY,
     "{\"device_id\":\"A\",\"temperature_c\":1.0,\"humidity_percent\":2.0}"},
    {"sequence form", "[\"B\", 10.0, 2, 3]", SENSOR_EVENT_ACK,
     "ACK: Received data from B (Temp: 10C)\n", "[\"B\", 10.0, 2, 3]"},
    {"padded and CR", "  " SEED_JSON " \r", SENSOR_EVENT_ACK, SEED_ACK, SEED_JSON},
    {"no-break space is trimmed but is not JSON whitespace", "\xc2\xa0" SEED_JSON,
     SENSOR_EVENT_ERROR, SENSOR_ERROR_REPLY, SEED_JSON},
    {"invalid byte outside a string", "\xff" SEED_JSON, SENSOR_EVENT_ERROR, SENSOR_ERROR_REPLY,
     "\xef\xbf\xbd" SEED_JSON},
    {"trailing garbage", SEED_JSON " x", SENSOR_EVENT_ERROR, SENSOR_ERROR_REPLY, SEED_JSON " x"},
};

static void expect_event(const struct line_row *r, const struct sensor_event *ev)
{
    if (ev->kind != r->kind)
        fail_msg("%s: kind %d, want %d", r->label, (int)ev->kind, (int)r->kind);
    assert_int_equal(ev->line_len, strlen(r->line));
    assert_int_equal(ev->text_len, strlen(r->text));
    assert_memory_equal(ev->text, r->text, ev->text_len);
    assert_int_equal(ev->reply_len, strlen(r->reply));
    assert_memory_equal(ev->reply, r->reply, ev->reply_len);
    if (r->kind == SENSOR_EVENT_ACK) {
        assert_non_null(ev->record);
        assert_null(ev->error);
    } else {
        assert_null(ev->record);
        assert_non_null(ev->error);
        assert_true(ev->error->msg[0] != '\0'); /* serde's reason, for the log */
    }
}

static void test_each_line_gets_its_reply(void **state)
{
    (void)state;
    struct sensor_session s;
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    for (size_t i = 0; i < sizeof(line_rows) / sizeof(line_rows[0]); i++) {
        char buf[512];
        int n = snprintf(buf, sizeof(buf), "%s\n", line_rows[i].line);
        assert_true(n > 0 && (size_t)n < sizeof(buf));
        struct sensor_event ev;
        size_t used = 0;
        assert_int_equal(sensor_session_feed(&s, buf, (size_t)n, &used, &ev), 1);
        assert_int_equal(used, (size_t)n);
        expect_event(&line_rows[i], &ev);
    }
    sensor_session_cleanup(&s);
}

static void test_all_lines_in_one_chunk_in_order(void **state)
{
    (void)state;
    char all[4096];
    size_t len = 0;
    size_t ends[16];
    size_t nrows = sizeof(line_rows) / sizeof(line_rows[0]);
    for (size_t i = 0; i < nrows; i++) {
        int n = snprintf(all + len, sizeof(all) - len, "%s\n", line_rows[i].line);
        assert_true(n > 0 && (size_t)n < sizeof(all) - len);
        len += (size_t)n;
        ends[i] = len;
    }
    struct sensor_session s;
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    size_t off = 0;
    for (size_t i = 0; i < nrows; i++) {
        struct sensor_event ev;
        size_t used = 0;
        assert_int_equal(sensor_session_feed(&s, all + off, len - off, &used, &ev), 1);
        off += used;
        assert_int_equal(off, ends[i]); /* stops right after the line it answers */
        expect_event(&line_rows[i], &ev);
    }
    struct sensor_event ev;
    size_t used = 99;
    assert_int_equal(sensor_session_feed(&s, all + off, len - off, &used, &ev), WC_NEED_MORE);
    assert_int_equal(used, 0);
    assert_int_equal(sensor_session_finish(&s, &ev), 0);
    sensor_session_cleanup(&s);
}

/* ---- split independence ---- */

static void test_message_split_every_way(void **state)
{
    (void)state;
    static const char in[] = SEED_JSON "\n";
    size_t len = sizeof(in) - 1;
    struct log want, got;
    run_cuts(in, len, 0, NULL, 0, &want);
    assert_string_equal(want.buf, "1|" SEED_LEN "|" SEED_JSON "|" SEED_ACK);
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            size_t cuts[2] = {a, b};
            run_cuts(in, len, 0, cuts, 2, &got);
            assert_string_equal(got.buf, want.buf);
        }
    }
}

static void test_mixed_stream_one_byte_at_a_time(void **state)
{
    (void)state;
    static const char in[] = " \n" SEED_JSON "\r\nnope\n\xe3\x80\x80\n"
                             "{\"device_id\":\"\xff\",\"temperature_c\":0.1,"
                             "\"humidity_percent\":0,\"timestamp\":1}\n" SEED_JSON;
    size_t len = sizeof(in) - 1;
    struct log want, got;
    run_cuts(in, len, 0, NULL, 0, &want);
    assert_string_equal(want.buf, "1|94|" SEED_JSON "|" SEED_ACK "2|4|nope|" SENSOR_ERROR_REPLY
                                  "1|72|{\"device_id\":\"\xef\xbf\xbd\",\"temperature_c\":0.1,"
                                  "\"humidity_percent\":0,\"timestamp\":1}|"
                                  "ACK: Received data from \xef\xbf\xbd (Temp: 0.1C)\n"
                                  "1|" SEED_LEN "|" SEED_JSON "|" SEED_ACK);
    size_t cuts[sizeof(in)];
    for (size_t k = 0; k < len; k++)
        cuts[k] = k + 1;
    run_cuts(in, len, 0, cuts, len - 1, &got);
    assert_string_equal(got.buf, want.buf);
    for (size_t cut = 0; cut <= len; cut++) {
        run_cuts(in, len, 0, &cut, 1, &got);
        assert_string_equal(got.buf, want.buf);
    }
}

/* ---- blank lines, end of stream, overlong lines ---- */

static void test_blank_lines_produce_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *label;
        const char *in;
    } rows[] = {
        {"empty line", "\n"},
        {"spaces", "   \n"},
        {"carriage return", "\r\n"},
        {"tabs and CR", "\t \t\r\n"},
        {"no-break space U+00A0", "\xc2\xa0\n"},
        {"ideographic space U+3000", "\xe3\x80\x80\n"},
        {"mixed white space", " \xc2\xa0\t\xe3\x80\x80\r\n"},
        {"several blank lines", "\n \n\r\n\xc2\xa0\n"},
        {"blank last line without newline", "  \r"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sensor_session s;
        struct sensor_event ev;
        size_t used = 0, len = strlen(rows[i].in);
        assert_int_equal(sensor_session_init(&s, 0), WC_OK);
        int rc = sensor_session_feed(&s, rows[i].in, len, &used, &ev);
        if (rc != WC_NEED_MORE)
            fail_msg("%s: feed gave %d", rows[i].label, rc);
        assert_int_equal(used, len);
        assert_int_equal(sensor_session_finish(&s, &ev), 0);
        sensor_session_cleanup(&s);
    }
}

static void test_blank_lines_between_messages_are_skipped(void **state)
{
    (void)state;
    static const char in[] = "\n  \n" SEED_JSON "\n\xc2\xa0\r\n" SEED_JSON "\n\n";
    struct log got;
    run_cuts(in, sizeof(in) - 1, 0, NULL, 0, &got);
    assert_string_equal(got.buf, "1|" SEED_LEN "|" SEED_JSON "|" SEED_ACK "1|" SEED_LEN
                                 "|" SEED_JSON "|" SEED_ACK);
}

static void test_last_line_answered_only_at_finish(void **state)
{
    (void)state;
    static const char in[] = SEED_JSON;
    struct sensor_session s;
    struct sensor_event ev;
    size_t used = 0;
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    assert_int_equal(sensor_session_feed(&s, in, sizeof(in) - 1, &used, &ev), WC_NEED_MORE);
    assert_int_equal(used, sizeof(in) - 1);
    assert_int_equal(sensor_session_finish(&s, &ev), 1);
    assert_int_equal(ev.kind, SENSOR_EVENT_ACK);
    assert_int_equal(ev.reply_len, sizeof(SEED_ACK) - 1);
    assert_memory_equal(ev.reply, SEED_ACK, ev.reply_len);
    assert_int_equal(sensor_session_finish(&s, &ev), 0);
    sensor_session_cleanup(&s);
}

static void test_overlong_line_errors_then_next_line_works(void **state)
{
    (void)state;
    char in[1024];
    memset(in, 'x', 500);
    memcpy(in + 500, "\n" SEED_JSON "\n", sizeof(SEED_JSON) + 1);
    size_t len = 500 + 1 + sizeof(SEED_JSON) - 1 + 1;
    struct sensor_session s;
    struct sensor_event ev;
    size_t used = 0, off = 0;
    assert_int_equal(sensor_session_init(&s, 200), WC_OK);
    assert_int_equal(sensor_session_feed(&s, in, len, &used, &ev), 1);
    off += used;
    assert_int_equal(off, 501);
    assert_int_equal(ev.kind, SENSOR_EVENT_OVERSIZE);
    assert_int_equal(ev.line_len, 500);
    assert_int_equal(ev.text_len, 0);
    assert_string_equal(ev.text, "");
    assert_int_equal(ev.reply_len, sizeof(SENSOR_ERROR_REPLY) - 1);
    assert_memory_equal(ev.reply, SENSOR_ERROR_REPLY, ev.reply_len);
    assert_null(ev.record);
    assert_non_null(ev.error);
    assert_non_null(strstr(ev.error->msg, "500"));
    assert_int_equal(sensor_session_feed(&s, in + off, len - off, &used, &ev), 1);
    assert_int_equal(ev.kind, SENSOR_EVENT_ACK);
    assert_memory_equal(ev.reply, SEED_ACK, ev.reply_len);
    sensor_session_cleanup(&s);

    /* The same at every split, and an overlong last line is reported at finish. */
    struct log want, got;
    run_cuts(in, len, 200, NULL, 0, &want);
    for (size_t cut = 0; cut <= len; cut += 7) {
        run_cuts(in, len, 200, &cut, 1, &got);
        assert_string_equal(got.buf, want.buf);
    }
    run_cuts(in, 500, 200, NULL, 0, &got);
    assert_string_equal(got.buf, "3|500||" SENSOR_ERROR_REPLY);
}

/* serde_json accepts what from_utf8_lossy made of a bad byte inside a string. */
static void test_lossy_device_id_is_accepted(void **state)
{
    (void)state;
    static const char in[] = "{\"device_id\":\"ESP\xff-1\",\"temperature_c\":21.5,"
                             "\"humidity_percent\":60.2,\"timestamp\":1}\n";
    struct sensor_session s;
    struct sensor_event ev;
    size_t used = 0;
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    assert_int_equal(sensor_session_feed(&s, in, sizeof(in) - 1, &used, &ev), 1);
    assert_int_equal(ev.kind, SENSOR_EVENT_ACK);
    static const char want[] = "ACK: Received data from ESP\xef\xbf\xbd-1 (Temp: 21.5C)\n";
    assert_int_equal(ev.reply_len, sizeof(want) - 1);
    assert_memory_equal(ev.reply, want, ev.reply_len);
    assert_int_equal(ev.record->device_id_len, 8);
    assert_memory_equal(ev.record->device_id, "ESP\xef\xbf\xbd-1", 8);
    assert_non_null(strstr(ev.text, "ESP\xef\xbf\xbd-1"));
    assert_int_equal(ev.line_len, sizeof(in) - 2);
    assert_int_equal(ev.text_len, sizeof(in) - 2 + 2); /* one byte became three */
    sensor_session_cleanup(&s);
}

/*
 * The session keeps its buffers from line to line: device_ids that grow and shrink, lossy
 * lines between well-formed ones, errors between ACKs. Every event must still be what
 * sensor_decode and sensor_ack say about that line on its own, with the trimmed text.
 */
static void test_buffers_reused_across_lines(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 300, 5, 2000, 0, 40, 1999, 3};
    struct sensor_session s;
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    for (size_t round = 0; round < 3 * (sizeof sizes / sizeof sizes[0]); round++) {
        size_t idn = sizes[round % (sizeof sizes / sizeof sizes[0])];
        char line[2200];
        int n = snprintf(line, sizeof line, "  {\"device_id\":\"%.*s\",\"temperature_c\":%zu.5,"
                         "\"humidity_percent\":1,\"timestamp\":%zu}\t\n", (int)idn,
                         "", round, round);
        assert_true(n > 0 && (size_t)n < sizeof line);
        /* the id: letters, with an ill-formed byte or an error every few rounds */
        memmove(line + 16 + idn, line + 16, (size_t)n - 16 + 1);
        for (size_t i = 0; i < idn; i++)
            line[16 + i] = (char)('a' + (i + round) % 26);
        n += (int)idn;
        if (round % 3 == 1 && idn > 0)
            line[16] = (char)0xFF;
        if (round % 4 == 3)
            line[2] = '[';
        size_t len = (size_t)n;

        struct sensor_event ev;
        size_t used = 0;
        assert_int_equal(sensor_session_feed(&s, line, len, &used, &ev), 1);
        assert_int_equal(used, len);

        struct sensor_record r;
        struct sensor_error err;
        int rc = sensor_decode(line, len - 1, &r, &err);
        assert_int_equal(ev.line_len, len - 1);
        assert_int_equal(strlen(ev.text), ev.text_len);
        assert_int_equal(ev.text[0], line[2] == '[' ? '[' : '{');
        assert_int_equal(ev.text[ev.text_len - 1], '}');
        if (rc == WC_OK) {
            size_t alen = 0;
            char *ack = sensor_ack(&r, &alen);
            assert_non_null(ack);
            assert_int_equal(ev.kind, SENSOR_EVENT_ACK);
            assert_int_equal(ev.reply_len, alen);
            assert_memory_equal(ev.reply, ack, alen);
            assert_int_equal(ev.record->device_id_len, r.device_id_len);
            assert_memory_equal(ev.record->device_id, r.device_id, r.device_id_len);
            assert_int_equal(ev.record->device_id[r.device_id_len], '\0');
            free(ack);
            sensor_record_cleanup(&r);
        } else {
            assert_int_equal(rc, WC_ERR_INVALID);
            assert_int_equal(ev.kind, SENSOR_EVENT_ERROR);
            assert_string_equal(ev.error->msg, err.msg);
        }
    }
    sensor_session_cleanup(&s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct sensor_session s;
    struct sensor_event ev;
    size_t used = 5;
    assert_int_equal(sensor_session_init(NULL, 0), WC_ERR_ARG);
    assert_int_equal(sensor_session_init(&s, 0), WC_OK);
    assert_int_equal(sensor_session_feed(NULL, "x\n", 2, &used, &ev), WC_ERR_ARG);
    assert_int_equal(used, 0);
    assert_int_equal(sensor_session_feed(&s, NULL, 2, &used, &ev), WC_ERR_ARG);
    assert_int_equal(sensor_session_feed(&s, "x\n", 2, NULL, &ev), WC_ERR_ARG);
    assert_int_equal(sensor_session_feed(&s, "x\n", 2, &used, NULL), WC_ERR_ARG);
    assert_int_equal(sensor_session_finish(NULL, &ev), WC_ERR_ARG);
    assert_int_equal(sensor_session_finish(&s, NULL), WC_ERR_ARG);
    assert_int_equal(sensor_session_feed(&s, NULL, 0, &used, &ev), WC_NEED_MORE);
    sensor_session_cleanup(&s);
    sensor_session_cleanup(&s);
    sensor_session_cleanup(NULL);
    struct sensor_session zero;
    memset(&zero, 0, sizeof(zero));
    sensor_session_cleanup(&zero);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_line_gets_its_reply),
        cmocka_unit_test(test_all_lines_in_one_chunk_in_order),
        cmocka_unit_test(test_message_split_every_way),
        cmocka_unit_test(test_mixed_stream_one_byte_at_a_time),
        cmocka_unit_test(test_blank_lines_produce_nothing),
        cmocka_unit_test(test_blank_lines_between_messages_are_skipped),
        cmocka_unit_test(test_last_line_answered_only_at_finish),
        cmocka_unit_test(test_overlong_line_errors_then_next_line_works),
        cmocka_unit_test(test_lossy_device_id_is_accepted),
        cmocka_unit_test(test_buffers_reused_across_lines),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
