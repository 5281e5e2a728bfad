/* test_e2e_sensor.c -- sensor-server on loopback: replies, framing, logs, concurrency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "e2e_util.h"

#define SEED_JSON                                                                                  \
    "{\"device_id\":\"ESP32-001\",\"temperature_c\":21.5,\"humidity_percent\":60.2,"              \
    "\"timestamp\":1678886400}"
#define SEED_ACK "ACK: Received data from ESP32-001 (Temp: 21.5C)\n"
#define ERROR_REPLY "ERROR: Invalid JSON\n"

static struct e2e_proc server;
static int event_driven; /* the second run of the group: --event-driven */

static int start(void **state)
{
    const char *args[] = {"--max-line", "1000", NULL, NULL};

    (void)state;
    if (event_driven)
        args[2] = "--event-driven";
    return e2e_start_server(&server, "sensor-server", NULL, args);
}

static int stop(void **state)
{
    int code = e2e_stop(&server, SIGTERM);

    (void)state;
    e2e_cleanup(&server);
    return code == 0 ? 0 : -1;
}

static void expect_line(int fd, const char *want)
{
    char line[2048];

    assert_int_equal(e2e_read_line(fd, line, sizeof(line), 5000), strlen(want));
    assert_string_equal(line, want);
}

static void test_seed_record_gets_the_seed_ack(void **state)
{
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(e2e_send(fd, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(fd, SEED_ACK);
    close(fd);
}

static void test_split_and_merged_messages_get_one_reply_each_in_order(void **state)
{
    const char *json = SEED_JSON "\n";
    size_t len = strlen(json), i;
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    /* one byte per write: still one reply */
    for (i = 0; i < len; i++)
        assert_int_equal(e2e_send(fd, json + i, 1), 0);
    expect_line(fd, SEED_ACK);
    /* three messages in one write, the middle one broken */
    {
        const char *three = SEED_JSON "\n{oops}\n[\"B\",1,2,3]\n";
        assert_int_equal(e2e_send(fd, three, strlen(three)), 0);
    }
    expect_line(fd, SEED_ACK);
    expect_line(fd, ERROR_REPLY);
    expect_line(fd, "ACK: Received data from B (Temp: 1C)\n");
    close(fd);
}

static void test_blank_lines_get_no_reply_and_errors_keep_the_connection(void **state)
{
    char c;
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    /* spaces, CRLF, U+00A0 and U+3000 are all blank after Rust's trim */
    assert_int_equal(e2e_send(fd, "\n   \r\n\xc2\xa0\n\xe3\x80\x80\n", 14), 0);
    assert_int_equal(e2e_read_exact(fd, &c, 1, 300), 0);
    assert_int_equal(e2e_send(fd, "not json\n\xff\xfe\n", 12), 0);
    expect_line(fd, ERROR_REPLY);
    expect_line(fd, ERROR_REPLY);
    assert_int_equal(e2e_send(fd, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(fd, SEED_ACK);
    close(fd);
}

static void test_overlong_line_gets_error_then_next_line_works(void **state)
{
    char big[3000];
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    memset(big, 'x', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    assert_int_equal(e2e_send(fd, big, sizeof(big)), 0);
    expect_line(fd, ERROR_REPLY);
    assert_int_equal(e2e_send(fd, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(fd, SEED_ACK);
    close(fd);
}

static void test_last_line_without_newline_is_answered_at_half_close(void **state)
{
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(e2e_send(fd, SEED_JSON, strlen(SEED_JSON)), 0);
    shutdown(fd, SHUT_WR);
    expect_line(fd, SEED_ACK);
    assert_true(e2e_expect_eof(fd, 5000));
    close(fd);
}

static void test_clients_are_served_concurrently(void **state)
{
    int idle = e2e_connect(server.addr);
    int partial = e2e_connect(server.addr);
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(idle >= 0 && partial >= 0 && fd >= 0);
    assert_int_equal(e2e_send(partial, "{\"device_id\":", 13), 0);
    assert_int_equal(e2e_send(fd, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(fd, SEED_ACK);
    close(fd);
    close(partial);
    close(idle);
}

static void test_log_lines_match_the_seed(void **state)
{
    char expect[512];
    int fd = e2e_connect(server.addr);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(e2e_send(fd, "  " SEED_JSON " \r\n", strlen(SEED_JSON) + 5), 0);
    expect_line(fd, SEED_ACK);
    close(fd);
    snprintf(expect, sizeof(expect), "Received raw JSON from %s", "127.0.0.1:");
    assert_true(e2e_wait_for_text(server.out_path, ": " SEED_JSON "\n", 5000));
    assert_true(e2e_wait_for_text(server.out_path,
                                  "Deserialized data: SensorData { device_id: \"ESP32-001\", "
                                  "temperature_c: 21.5, humidity_percent: 60.2, timestamp: "
                                  "1678886400 }\n",
                                  5000));
    assert_true(e2e_wait_for_text(server.out_path, expect, 5000));
    assert_true(e2e_wait_for_text(server.out_path, "Handling JSON connection from: 127.0.0.1:",
                                  5000));
    assert_true(e2e_wait_for_text(server.out_path, " disconnected.\n", 5000));
}

static void test_fresh_client_served_beside_300_idle_ones(void **state)
{
    int fds[300];
    int fresh;

    (void)state;
    for (size_t i = 0; i < 300; i++) {
        fds[i] = e2e_connect(server.addr);
        assert_true(fds[i] >= 0);
    }
    fresh = e2e_connect(server.addr);
    assert_true(fresh >= 0);
    assert_int_equal(e2e_send(fresh, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(fresh, SEED_ACK);
    close(fresh);
    for (size_t i = 0; i < 300; i++)
        close(fds[i]);
}

/* A client that sends thousands of records and reads none of the ACKs: its replies back up (the
 * event-driven mode stops reading it, the threaded one blocks its thread), others go on. */
static void test_client_not_reading_acks_does_not_delay_others(void **state)
{
    static char batch[200 * (sizeof(SEED_JSON) + 1)];
    int small = 4096;
    int hog = e2e_connect(server.addr);
    int other;
    size_t len = 0;

    (void)state;
    assert_true(hog >= 0);
    setsockopt(hog, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    for (size_t i = 0; i < 200; i++) {
        memcpy(batch + len, SEED_JSON "\n", sizeof(SEED_JSON));
        len += sizeof(SEED_JSON);
    }
    /* Until the hog cannot send any more (bounded: 100 batches, about 1.7 MB). */
    for (int i = 0; i < 100; i++) {
        struct pollfd pf = {.fd = hog, .events = POLLOUT};

        if (poll(&pf, 1, 300) != 1 || send(hog, batch, len, MSG_DONTWAIT | MSG_NOSIGNAL) <= 0)
            break;
    }
    other = e2e_connect(server.addr);
    assert_true(other >= 0);
    assert_int_equal(e2e_send(other, SEED_JSON "\n", strlen(SEED_JSON) + 1), 0);
    expect_line(other, SEED_ACK);
    close(other);
    close(hog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_record_gets_the_seed_ack),
        cmocka_unit_test(test_split_and_merged_messages_get_one_reply_each_in_order),
        cmocka_unit_test(test_blank_lines_get_no_reply_and_errors_keep_the_connection),
        cmocka_unit_test(test_overlong_line_gets_error_then_next_line_works),
        cmocka_unit_test(test_last_line_without_newline_is_answered_at_half_close),
        cmocka_unit_test(test_clients_are_served_concurrently),
        cmocka_unit_test(test_log_lines_match_the_seed),
        cmocka_unit_test(test_fresh_client_served_beside_300_idle_ones),
        cmocka_unit_test(test_client_not_reading_acks_does_not_delay_others),
    };
    int failed;

    signal(SIGPIPE, SIG_IGN);
    failed = cmocka_run_group_tests_name("sensor-server (a thread per client)", tests, start, stop);
    event_driven = 1;
    failed += cmocka_run_group_tests_name("sensor-server --event-driven", tests, start, stop);
    return failed;
}
