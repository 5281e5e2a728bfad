/* test_engine.c -- engine_play: small parsed cases against in-process TCP and UDP echo servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "engine/engine.h"
#include "load/casefile.h"
#include "net.h"
#include "echo_thread.h"

/* The three header lines every case below starts with: steps begin on line 4. */
#define HEADER "id: t.001\ntitle: t\nrequirement: T-1\n"

/* ---- playing a case ---- */

/* The engine's view of |e|, as run.c's attempt_server sets it for --connect. */
static void env_for(struct engine_env *env, const struct echo *e)
{
    memset(env, 0, sizeof *env);
    env->udp = e->udp;
    env->target = e->addr;
    env->listen_fd = -1;
    env->proc = NULL;
    env->step_timeout_ms = 1500;
    env->scale = 1.0;
}

/* Parses |text| and plays it against |e| into |res| (the caller cleans it up). */
static void play(const struct echo *e, const char *text, struct engine_result *res)
{
    struct cf_case *c;
    char err[512];
    if (cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err, sizeof err) != 0)
        fail_msg("cf_parse: %s", err);
    struct engine_env env;
    env_for(&env, e);
    engine_result_init(res, 0);
    engine_play(&env, c->steps, c->n_steps, c->timeout_ms ? c->timeout_ms : 10000, res);
    cf_free(c);
}

static void assert_pass(const struct engine_result *res)
{
    if (res->v.outcome != OUT_PASS)
        fail_msg("%s: %s\n%s", outcome_name(res->v.outcome), res->v.reason,
                 bytes_str(&res->detail));
    assert_int_equal(res->v.line, 0);
    assert_string_equal(res->v.reason, "");
}

/* The bytes of every |kind| event of connection |conn| in |session|, in order, into |out|. */
static void stream_of(const struct transcript *tr, enum tr_kind kind, unsigned session,
                      const char *conn, struct bytes *out)
{
    for (size_t i = 0; i < tr->n; i++) {
        const struct tr_event *ev = &tr->ev[i];
        if (ev->kind == kind && ev->session == session && strcmp(ev->conn, conn) == 0) {
            assert_int_equal(ev->offset, out->len);
            assert_int_equal(ev->shown, ev->len);
            assert_int_equal(bytes_append(out, ev->data, ev->len), 0);
        }
    }
}

/* ---- tests ---- */

static void test_engine_correct_exchange_passes(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsend a \"Hello, wirecheck!\\n\"\n"
             "expect a \"Hello, wirecheck!\\n\"\nsend a <00 ff 0a>\nexpect a <00 ff 0a>\n"
             "close a\n", &res);
    assert_pass(&res);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_different_bytes_fail_at_their_line(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsend a \"abcdef\\n\"\nexpect a \"abcXef\\n\"\nclose a\n", &res);
    assert_int_equal(res.v.outcome, OUT_FAIL);
    assert_int_equal(res.v.line, 6);
    assert_non_null(strstr(res.v.reason, "line 6: expect"));
    assert_non_null(strstr(res.v.reason, "byte 3 differs: expected 'X', received 'd'"));
    assert_non_null(strstr(bytes_str(&res.detail), "first difference at byte 3"));
    /* A caret under the differing byte of the received text: 3 characters in. */
    assert_non_null(strstr(bytes_str(&res.detail), "  received (7 bytes): \"abcdef\\n\"\n"
                                                   "                          ^ first difference"));
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_expect_of_more_bytes_than_sent_times_out(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsend a \"abc\"\nexpect a \"abcdef\" timeout=200\nclose a\n",
         &res);
    assert_int_equal(res.v.outcome, OUT_TIMEOUT);
    assert_int_equal(res.v.line, 6);
    assert_non_null(strstr(res.v.reason, "nothing more arrived in time after 3 of 6"));
    /* The step's own timeout, not the case's. */
    assert_null(strstr(res.v.reason, "ran out of time"));
    assert_non_null(strstr(bytes_str(&res.detail), "\"abc\""));
    /* What was expected is shown even though nothing more came. */
    assert_non_null(strstr(bytes_str(&res.detail), "expected (6 bytes): \"abcdef\""));
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_expect_close_after_shutdown_passes(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsend a \"last words\\n\"\nshutdown a\n"
             "expect a \"last words\\n\"\nexpect-close a fin\n", &res);
    assert_pass(&res);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

/* A name connected again is a new connection: the old one's FIN and its unread bytes are not
 * carried over (regression: both used to fail these correct exchanges). */
static void test_engine_reconnected_name_starts_afresh(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "repeat 2\nconnect c\nsend c \"x\"\nshutdown c\nexpect c \"x\"\n"
             "expect-close c fin\nend\n", &res);
    assert_pass(&res);
    engine_result_cleanup(&res);
    play(&e, HEADER "connect c\nsend c \"stale\"\nsleep 100\nclose c\nconnect c\n"
             "send c \"new\"\nexpect c \"new\"\nclose c\n", &res);
    assert_pass(&res);
    /* The second connection's stream offsets start again at 0 (its send is not byte 5). */
    size_t last_send = 1;
    for (size_t i = 0; i < res.tr.n; i++)
        if (res.tr.ev[i].kind == TR_SEND)
            last_send = res.tr.ev[i].offset;
    assert_int_equal(last_send, 0);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_parallel_sessions_pass(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "parallel 4\n  connect c\n  send c \"session \" index \"\\n\"\n"
             "  expect c \"session \" index \"\\n\"\n  close c\nend\n", &res);
    assert_pass(&res);
    /* Session k (recorded as k + 1) sent and got back its own index. */
    for (unsigned k = 0; k < 4; k++) {
        char want[32];
        snprintf(want, sizeof want, "session %u\n", k);
        struct bytes b;
        bytes_init(&b, 0);
        stream_of(&res.tr, TR_RECV, k + 1, "c", &b);
        assert_string_equal(bytes_str(&b), want);
        bytes_cleanup(&b);
    }
    engine_result_cleanup(&res);
    echo_stop(&e);
}

/* Each top-level step's time goes to its kind; a parallel block's counts as a whole. */
static void test_engine_waits_are_summed_by_kind(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsleep 30\nsend a \"x\"\nexpect a \"x\"\nexpect-silence a 20\n"
             "parallel 2\n  sleep 10\nend\nclose a\n", &res);
    assert_pass(&res);
    const struct waits *w = &res.waits;
    /* Lower bounds only (the steps cannot end sooner; their deadlines are whole
     * milliseconds, hence the 1 ms). */
    assert_true(w->ms[WAIT_SLEEP] >= 29.0);
    assert_true(w->ms[WAIT_SILENCE] >= 19.0);
    assert_true(w->ms[WAIT_PARALLEL] >= 9.0);
    assert_true(w->ms[WAIT_CONNECT] > 0.0 && w->ms[WAIT_SEND] > 0.0 && w->ms[WAIT_EXPECT] > 0.0);
    /* The runner's own kinds are its to add: the engine leaves them at zero. */
    assert_true(w->ms[WAIT_START] == 0.0 && w->ms[WAIT_SETTLE] == 0.0 &&
                w->ms[WAIT_LIVENESS] == 0.0 && w->ms[WAIT_STOP] == 0.0);
    assert_string_equal(waits_name(WAIT_SILENCE), "silence");
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_repeat_with_index_passes(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "repeat 3\n  connect c\n  send c \"client \" index \"\\n\"\n"
             "  expect c \"client \" index \"\\n\"\n  close c\nend\n", &res);
    assert_pass(&res);
    /* One connection per round, each sending its round's index from offset 0 of its own
     * stream. */
    const char *want[3] = {"client 0\n", "client 1\n", "client 2\n"};
    size_t round = 0, connects = 0;
    for (size_t i = 0; i < res.tr.n; i++) {
        const struct tr_event *ev = &res.tr.ev[i];
        connects += ev->text && strstr(ev->text, "connected from") != NULL;
        if (ev->kind != TR_SEND)
            continue;
        assert_true(round < 3);
        assert_int_equal(ev->session, 0);
        assert_int_equal(ev->offset, 0);
        assert_int_equal(ev->len, strlen(want[round]));
        assert_memory_equal(ev->data, want[round], ev->len);
        round++;
    }
    assert_int_equal(round, 3);
    assert_int_equal(connects, 3);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_case_timeout_shorter_than_a_sleep_times_out(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, "id: t.001\ntitle: t\nrequirement: T-1\ntimeout: 200\n"
             "connect a\nsleep 5000\nsend a \"late\"\n", &res);
    assert_int_equal(res.v.outcome, OUT_TIMEOUT);
    assert_int_equal(res.v.line, 7);
    assert_non_null(strstr(res.v.reason, "ran out of time"));
    /* The send never happened. */
    struct bytes b;
    bytes_init(&b, 0);
    stream_of(&res.tr, TR_SEND, 0, "a", &b);
    assert_int_equal(b.len, 0);
    bytes_cleanup(&b);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_transcript_records_sent_and_received_bytes(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 0, 0);
    struct engine_result res;
    play(&e, HEADER "connect a\nsend a \"one\\n\"\nexpect a \"one\\n\"\n"
             "send a \"two\\n\" chunk=2\nexpect a \"two\\n\"\nclose a\n", &res);
    assert_pass(&res);
    struct bytes sent, got;
    bytes_init(&sent, 0);
    bytes_init(&got, 0);
    stream_of(&res.tr, TR_SEND, 0, "a", &sent);
    stream_of(&res.tr, TR_RECV, 0, "a", &got);
    assert_string_equal(bytes_str(&sent), "one\ntwo\n");
    assert_string_equal(bytes_str(&got), "one\ntwo\n");
    bytes_cleanup(&sent);
    bytes_cleanup(&got);
    /* The connect and the runner's close are events of their own. */
    int connected = 0, closed = 0;
    for (size_t i = 0; i < res.tr.n; i++) {
        const char *t = res.tr.ev[i].text;
        connected |= t && strstr(t, "connected from 127.0.0.1:") != NULL;
        closed |= t && strstr(t, "runner closed") != NULL;
    }
    assert_true(connected);
    assert_true(closed);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_udp_exchange_passes(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 1, 0);
    struct engine_result res;
    play(&e, HEADER "udp c\nsend c \"Hello, UDP!\"\nexpect-datagram c \"Hello, UDP!\"\n"
             "send c <00 01 02>\nexpect c <00 01 02>\n", &res);
    assert_pass(&res);
    engine_result_cleanup(&res);
    echo_stop(&e);
}

static void test_engine_udp_different_datagram_fails(void **state)
{
    (void)state;
    struct echo e;
    echo_start(&e, 1, 0);
    struct engine_result res;
    play(&e, HEADER "udp c\nsend c \"Hello\"\nexpect-datagram c \"Hello, UDP!\"\n", &res);
    assert_int_equal(res.v.outcome, OUT_FAIL);
    assert_int_equal(res.v.line, 6);
    assert_non_null(strstr(res.v.reason, "datagram of 5 bytes, expected 11"));
    assert_non_null(strstr(bytes_str(&res.detail), "first difference at byte 5"));
    engine_result_cleanup(&res);
    echo_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_correct_exchange_passes),
        cmocka_unit_test(test_engine_different_bytes_fail_at_their_line),
        cmocka_unit_test(test_engine_expect_of_more_bytes_than_sent_times_out),
        cmocka_unit_test(test_engine_expect_close_after_shutdown_passes),
        cmocka_unit_test(test_engine_reconnected_name_starts_afresh),
        cmocka_unit_test(test_engine_parallel_sessions_pass),
        cmocka_unit_test(test_engine_waits_are_summed_by_kind),
        cmocka_unit_test(test_engine_repeat_with_index_passes),
        cmocka_unit_test(test_engine_case_timeout_shorter_than_a_sleep_times_out),
        cmocka_unit_test(test_engine_transcript_records_sent_and_received_bytes),
        cmocka_unit_test(test_engine_udp_exchange_passes),
        cmocka_unit_test(test_engine_udp_different_datagram_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
