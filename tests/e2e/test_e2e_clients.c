/* test_e2e_clients.c -- echo-client and sensor-client against their servers and fake servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "e2e_util.h"
#include "net.h"

/* A scripted one-connection server: reads |expect_len| bytes, then sends |reply| in pieces of
 * |chunk| bytes (0: at once), then closes (or, with |hold|, keeps the connection silent). */
struct fake {
    int listen_fd;
    char addr[NET_ADDR_TEXT];
    size_t expect_len;
    const char *reply;
    size_t chunk;
    int hold_ms;
    char got[4096];
    size_t got_len;
};

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    int fd = net_tcp_accept(f->listen_fd, 1);
    size_t off = 0, len;

    if (fd < 0)
        return NULL;
    f->got_len = e2e_read_exact(fd, f->got, f->expect_len, 5000);
    len = f->reply != NULL ? strlen(f->reply) : 0;
    while (off < len) {
        size_t n = f->chunk == 0 || len - off < f->chunk ? len - off : f->chunk;
        net_write_all(fd, f->reply + off, n);
        off += n;
        poll(NULL, 0, 20);
    }
    if (f->hold_ms > 0)
        poll(NULL, 0, f->hold_ms);
    close(fd);
    return NULL;
}

static void fake_start(struct fake *f, pthread_t *t)
{
    struct net_addr a;

    assert_int_equal(net_parse_addr("127.0.0.1:0", &a), 0);
    f->listen_fd = net_tcp_listen(&a, 4);
    assert_true(f->listen_fd >= 0);
    assert_true(net_local_text(f->listen_fd, f->addr) > 0);
    assert_int_equal(pthread_create(t, NULL, fake_main, f), 0);
}

static void fake_finish(struct fake *f, pthread_t t)
{
    pthread_join(t, NULL);
    close(f->listen_fd);
}

static void test_echo_client_against_echo_server_prints_the_seed_lines(void **state)
{
    struct e2e_proc p;
    char expect[512];
    char *out = NULL;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server", NULL, NULL), 0);
    {
        const char *args[] = {"--connect", p.addr, NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, &out, NULL), 0);
    }
    snprintf(expect, sizeof(expect),
             "Attempting to connect to TCP echo server on %s..\n"
             "Connected! Sending 'Hello, Rust TCP!'\n"
             "Received from server: Sending a message to myself!\n\n",
             p.addr);
    assert_string_equal(out, expect);
    free(out);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_echo_client_sends_a_megabyte_file_through_the_threaded_server(void **state)
{
    struct e2e_proc p;
    char path[] = "/tmp/wc-e2e-msg-XXXXXX";
    char *buf = malloc(1024 * 1024);
    int fd = mkstemp(path);
    size_t i;

    (void)state;
    assert_true(fd >= 0);
    assert_non_null(buf);
    for (i = 0; i < 1024 * 1024; i++)
        buf[i] = (char)('a' + i % 26);
    assert_int_equal(write(fd, buf, 1024 * 1024), 1024 * 1024);
    close(fd);
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, NULL), 0);
    {
        const char *args[] = {"--connect", p.addr, "--message-file", path, "--quiet", NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 20000, NULL, NULL), 0);
    }
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
    unlink(path);
    free(buf);
}

static void test_echo_client_reassembles_a_fragmented_reply(void **state)
{
    struct fake f = {.expect_len = 29, .reply = "Sending a message to myself!\n", .chunk = 3};
    pthread_t t;
    char *out = NULL;

    (void)state;
    fake_start(&f, &t);
    {
        const char *args[] = {"--connect", f.addr, NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, &out, NULL), 0);
    }
    fake_finish(&f, t);
    assert_int_equal(f.got_len, 29);
    assert_memory_equal(f.got, "Sending a message to myself!\n", 29);
    assert_non_null(strstr(out, "Received from server: Sending a message to myself!\n\n"));
    free(out);
}

static void test_echo_client_exit_codes(void **state)
{
    char refused[64];
    pthread_t t;

    (void)state;
    snprintf(refused, sizeof(refused), "127.0.0.1:%d", e2e_closed_port());
    {
        const char *args[] = {"--connect", refused, NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, NULL, NULL), 3);
    }
    {
        const char *args[] = {"--bogus", NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, NULL, NULL), 2);
    }
    { /* the server closes after half the reply */
        struct fake f = {.expect_len = 29, .reply = "Sending a"};
        fake_start(&f, &t);
        const char *args[] = {"--connect", f.addr, NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, NULL, NULL), 5);
        fake_finish(&f, t);
    }
    { /* the server never replies */
        struct fake f = {.expect_len = 29, .hold_ms = 1500};
        fake_start(&f, &t);
        const char *args[] = {"--connect", f.addr, "--timeout", "300", NULL};
        assert_int_equal(e2e_run("echo-client", args, NULL, 10000, NULL, NULL), 4);
        fake_finish(&f, t);
    }
}

static void test_sensor_client_against_sensor_server(void **state)
{
    struct e2e_proc p;
    char *out = NULL;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "sensor-server", NULL, NULL), 0);
    {
        const char *args[] = {"--connect", p.addr, NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, &out, NULL), 0);
    }
    assert_string_equal(out, "Connected to JSON server.\n"
                             "Sending JSON: {\"device_id\":\"ESP32-001\",\"temperature_c\":21.5,"
                             "\"humidity_percent\":60.2,\"timestamp\":1678886400}\n"
                             "Server response: ACK: Received data from ESP32-001 (Temp: 21.5C)\n\n");
    free(out);
    {
        const char *args[] = {"--connect", p.addr, "--device-id", "lab \"7\"", "--temperature",
                              "-0.5", "--humidity", "1e-3", "--timestamp",
                              "18446744073709551615", NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, &out, NULL), 0);
    }
    assert_non_null(strstr(out, "Sending JSON: {\"device_id\":\"lab \\\"7\\\"\",\"temperature_c\":"
                                "-0.5,\"humidity_percent\":0.001,\"timestamp\":18446744073709551615}\n"));
    assert_non_null(strstr(out, "Server response: ACK: Received data from lab \"7\" (Temp: -0.5C)\n"));
    free(out);
    {
        const char *args[] = {"--connect", p.addr, "--stdin", NULL};
        assert_int_equal(e2e_run("sensor-client", args,
                                 "[\"A\",1.25,2,3]\n\n   \nnot json\n[\"B\",1e39,2,3]\n", 10000,
                                 &out, NULL),
                         0);
    }
    assert_non_null(strstr(out, "Server response: ACK: Received data from A (Temp: 1.25C)\n\n"
                                "Sending JSON: not json\n"
                                "Server response: ERROR: Invalid JSON\n\n"
                                "Sending JSON: [\"B\",1e39,2,3]\n"
                                "Server response: ACK: Received data from B (Temp: infC)\n"));
    free(out);
    {
        /* an input line over the 1 MiB cap is refused, not buffered without bound */
        size_t big = 1024 * 1024 + 10;
        char *in = malloc(big + 2);
        const char *args[] = {"--connect", p.addr, "--stdin", NULL};
        char *err = NULL;

        assert_non_null(in);
        memset(in, 'x', big);
        in[big] = '\n';
        in[big + 1] = '\0';
        assert_int_equal(e2e_run("sensor-client", args, in, 10000, NULL, &err), 1);
        assert_non_null(strstr(err, "longer than"));
        free(err);
        free(in);
    }
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_sensor_client_exit_codes_and_fragmented_reply(void **state)
{
    pthread_t t;
    char *out = NULL;

    (void)state;
    { /* reply in 4-byte pieces */
        struct fake f = {.expect_len = 94, .reply = "ACK: Received data from ESP32-001 (Temp: 21.5C)\n",
                         .chunk = 4};
        fake_start(&f, &t);
        const char *args[] = {"--connect", f.addr, NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, &out, NULL), 0);
        fake_finish(&f, t);
        assert_int_equal(f.got_len, 94);
        assert_int_equal(f.got[93], '\n');
        assert_non_null(strstr(out, "(Temp: 21.5C)\n\n"));
        free(out);
    }
    { /* closes without a reply */
        struct fake f = {.expect_len = 94};
        fake_start(&f, &t);
        const char *args[] = {"--connect", f.addr, NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, NULL, NULL), 5);
        fake_finish(&f, t);
    }
    { /* never replies */
        struct fake f = {.expect_len = 94, .hold_ms = 1500};
        fake_start(&f, &t);
        const char *args[] = {"--connect", f.addr, "--timeout", "300", NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, NULL, NULL), 4);
        fake_finish(&f, t);
    }
    {
        char refused[64];
        snprintf(refused, sizeof(refused), "127.0.0.1:%d", e2e_closed_port());
        const char *args[] = {"--connect", refused, NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, NULL, NULL), 3);
    }
    {
        const char *args[] = {"--temperature", "warm", NULL};
        assert_int_equal(e2e_run("sensor-client", args, NULL, 10000, NULL, NULL), 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_client_against_echo_server_prints_the_seed_lines),
        cmocka_unit_test(test_echo_client_sends_a_megabyte_file_through_the_threaded_server),
        cmocka_unit_test(test_echo_client_reassembles_a_fragmented_reply),
        cmocka_unit_test(test_echo_client_exit_codes),
        cmocka_unit_test(test_sensor_client_against_sensor_server),
        cmocka_unit_test(test_sensor_client_exit_codes_and_fragmented_reply),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
