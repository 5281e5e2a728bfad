/* test_e2e_echo.c -- echo-server, echo-server-threaded and echo-server-epoll on loopback: bytes,
 * logs, concurrency, clients that are idle or never read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "e2e_util.h"

static const char *const server_names[] = {"echo-server", "echo-server-threaded",
                                           "echo-server-epoll"};
#define N_SERVERS (sizeof(server_names) / sizeof(server_names[0]))

/* Sends |len| bytes and checks the same bytes come back, on one connection. */
static void assert_echo(int fd, const unsigned char *data, size_t len)
{
    unsigned char *back = malloc(len + 1);
    size_t sent = 0, got = 0;

    assert_non_null(back);
    /* Interleave so a megabyte never fills both socket buffers. */
    while (sent < len || got < len) {
        if (sent < len) {
            size_t chunk = len - sent < 65536 ? len - sent : 65536;
            assert_int_equal(e2e_send(fd, data + sent, chunk), 0);
            sent += chunk;
        }
        got += e2e_read_exact(fd, back + got, sent - got, 5000);
        if (got < sent)
            break;
    }
    assert_int_equal(got, len);
    assert_memory_equal(back, data, len);
    free(back);
}

static void test_echoes_every_byte_value_and_sizes(void **state)
{
    size_t sizes[] = {1, 256, 512, 513, 65536, 1024 * 1024};
    size_t s, i, k;

    (void)state;
    for (s = 0; s < N_SERVERS; s++) {
        struct e2e_proc p;
        int fd;

        assert_int_equal(e2e_start_server(&p, server_names[s], NULL, NULL), 0);
        fd = e2e_connect(p.addr);
        assert_true(fd >= 0);
        for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            unsigned char *data = malloc(sizes[k]);

            assert_non_null(data);
            for (i = 0; i < sizes[k]; i++)
                data[i] = (unsigned char)(i * 7 + k); /* NUL, 0x80-0xFF, non-UTF-8 all included */
            assert_echo(fd, data, sizes[k]);
            free(data);
        }
        close(fd);
        assert_int_equal(e2e_stop(&p, SIGTERM), 0);
        e2e_cleanup(&p);
    }
}

static void test_half_close_echoes_then_closes(void **state)
{
    size_t s;

    (void)state;
    for (s = 0; s < N_SERVERS; s++) {
        struct e2e_proc p;
        char buf[64];
        int fd;

        assert_int_equal(e2e_start_server(&p, server_names[s], NULL, NULL), 0);
        fd = e2e_connect(p.addr);
        assert_true(fd >= 0);
        assert_int_equal(e2e_send(fd, "bye\xff", 4), 0);
        shutdown(fd, SHUT_WR);
        assert_int_equal(e2e_read_exact(fd, buf, 4, 5000), 4);
        assert_memory_equal(buf, "bye\xff", 4);
        assert_true(e2e_expect_eof(fd, 5000));
        close(fd);
        assert_int_equal(e2e_stop(&p, SIGINT), 0);
        e2e_cleanup(&p);
    }
}

/* Runs |name|, sends |msg| on one connection, closes it; returns the server's whole stdout
 * (malloc'd) and the client's address in |local|. */
static char *log_of_one_client(struct e2e_proc *p, const char *name, const char *msg,
                               char local[96])
{
    char expect[256];
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char *log;
    int fd;

    assert_int_equal(e2e_start_server(p, name, NULL, NULL), 0);
    fd = e2e_connect(p->addr);
    assert_true(fd >= 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
    snprintf(local, 96, "127.0.0.1:%d", ntohs(((struct sockaddr_in *)&ss)->sin_port));
    assert_echo(fd, (const unsigned char *)msg, strlen(msg));
    close(fd);
    snprintf(expect, sizeof(expect), "Client %s disconnected.\n", local);
    assert_true(e2e_wait_for_text(p->out_path, expect, 5000));
    assert_int_equal(e2e_stop(p, SIGTERM), 0);
    log = e2e_slurp(p->out_path, NULL);
    assert_non_null(log);
    return log;
}

static void test_serial_log_lines_match_the_seed(void **state)
{
    struct e2e_proc p;
    char local[96], expect[1024];
    char *log = log_of_one_client(&p, "echo-server", "Sending a message to myself!\n", local);

    (void)state;
    snprintf(expect, sizeof(expect),
             "TCP Echo Server listening on %s\n"
             "Handling connection from: %s\n"
             "Received 29 bytes from %s: Sending a message to myself!\n\n"
             "Client %s disconnected.\n",
             p.addr, local, local, local);
    assert_string_equal(log, expect);
    free(log);
    e2e_cleanup(&p);
}

static void test_reset_mid_message_does_not_hurt_the_next_client(void **state)
{
    size_t s;

    (void)state;
    for (s = 0; s < N_SERVERS; s++) {
        struct e2e_proc p;
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        int fd;

        assert_int_equal(e2e_start_server(&p, server_names[s], NULL, NULL), 0);
        fd = e2e_connect(p.addr);
        assert_true(fd >= 0);
        assert_int_equal(e2e_send(fd, "half a mess", 11), 0);
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd); /* RST */
        fd = e2e_connect(p.addr);
        assert_true(fd >= 0);
        assert_echo(fd, (const unsigned char *)"still here", 10);
        close(fd);
        assert_int_equal(e2e_stop(&p, SIGTERM), 0);
        e2e_cleanup(&p);
    }
}

static void test_serial_server_serves_the_second_client_after_the_first(void **state)
{
    struct e2e_proc p;
    char buf[8];
    int a, b;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server", NULL, NULL), 0);
    a = e2e_connect(p.addr);
    b = e2e_connect(p.addr); /* waits in the backlog, as in the seed */
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(e2e_send(b, "second", 6), 0);
    assert_echo(a, (const unsigned char *)"first", 5);
    close(a);
    assert_int_equal(e2e_read_exact(b, buf, 6, 5000), 6);
    assert_memory_equal(buf, "second", 6);
    close(b);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_threaded_serves_interleaved_clients(void **state)
{
    struct e2e_proc p;
    int fds[50];
    size_t i, round;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, NULL), 0);
    for (i = 0; i < 50; i++) {
        fds[i] = e2e_connect(p.addr);
        assert_true(fds[i] >= 0);
    }
    for (round = 0; round < 3; round++) {
        for (i = 0; i < 50; i++) {
            char msg[32];
            int n = snprintf(msg, sizeof(msg), "client %zu round %zu", i, round);
            assert_echo(fds[i], (const unsigned char *)msg, (size_t)n);
        }
    }
    for (i = 0; i < 50; i++)
        close(fds[i]);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

/*
 * Connects a client that sends without ever reading until the server's echo is stuck: both
 * directions full. Small buffers make that happen after a few hundred KiB. Returns the fd.
 */
static int connect_stalled(const char *addr)
{
    unsigned char *flood = calloc(1, 65536);
    int small = 4096;
    int fd = e2e_connect(addr);
    size_t sent = 0;
    int stuck = 0;

    assert_non_null(flood);
    assert_true(fd >= 0);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    while (sent < 64u * 1024 * 1024 && !stuck) {
        ssize_t w = send(fd, flood, 65536, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (w > 0) {
            sent += (size_t)w;
        } else {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            stuck = poll(&pf, 1, 300) == 0; /* no room for 300 ms: the server is blocked */
        }
    }
    free(flood);
    assert_true(stuck); /* otherwise this test would prove nothing */
    return fd;
}

static void test_threaded_stalled_client_never_delays_another(void **state)
{
    struct e2e_proc p;
    int stalled, idle, other;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, NULL), 0);
    idle = e2e_connect(p.addr); /* connects and sends nothing */
    assert_true(idle >= 0);
    stalled = connect_stalled(p.addr);
    other = e2e_connect(p.addr);
    assert_true(other >= 0);
    assert_echo(other, (const unsigned char *)"not delayed", 11);
    close(other);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0); /* even with a handler stuck in send */
    close(stalled);
    close(idle);
    e2e_cleanup(&p);
}

static void test_serial_exits_zero_on_sigterm_while_blocked_writing(void **state)
{
    struct e2e_proc p;
    int stalled;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server", NULL, NULL), 0);
    stalled = connect_stalled(p.addr);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    close(stalled);
    e2e_cleanup(&p);
}

static void test_idle_timeout_hangs_up_on_silent_clients_only(void **state)
{
    const char *args[] = {"--idle-timeout", "1000", "--max-conns", "1", NULL};
    struct e2e_proc p;
    int idle, busy;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, args), 0);
    idle = e2e_connect(p.addr); /* takes the only slot, then says nothing */
    busy = e2e_connect(p.addr); /* waits in the backlog until the idle one is dropped */
    assert_true(idle >= 0 && busy >= 0);
    assert_true(e2e_expect_eof(idle, 5000));
    assert_echo(busy, (const unsigned char *)"my turn", 7);
    assert_true(e2e_wait_for_text(p.err_path, "Closing idle connection from", 5000));
    close(idle);
    close(busy);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_threaded_exits_zero_with_open_connections(void **state)
{
    struct e2e_proc p;
    int a, b;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, NULL), 0);
    a = e2e_connect(p.addr);
    b = e2e_connect(p.addr);
    assert_echo(a, (const unsigned char *)"x", 1);
    assert_echo(b, (const unsigned char *)"y", 1);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    assert_true(e2e_expect_eof(a, 5000));
    close(a);
    close(b);
    e2e_cleanup(&p);
}

static void test_bad_usage_exits_2_and_busy_port_exits_3(void **state)
{
    const char *bad_addr[] = {"--listen", "nonsense", NULL};
    const char *bad_opt[] = {"--frobnicate", NULL};
    const char *help[] = {"--help", NULL};
    struct e2e_proc p;
    char *out = NULL;
    const char *same[2];

    (void)state;
    assert_int_equal(e2e_run("echo-server", bad_addr, NULL, 5000, NULL, NULL), 2);
    assert_int_equal(e2e_run("echo-server", bad_opt, NULL, 5000, NULL, NULL), 2);
    assert_int_equal(e2e_run("echo-server-threaded", help, NULL, 5000, &out, NULL), 0);
    assert_non_null(strstr(out, "--max-conns"));
    free(out);
    assert_int_equal(e2e_start_server(&p, "echo-server", NULL, NULL), 0);
    same[0] = "--listen";
    same[1] = p.addr;
    {
        const char *args[] = {same[0], same[1], NULL};
        assert_int_equal(e2e_run("echo-server-threaded", args, NULL, 5000, NULL, NULL), 3);
    }
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_ipv6_loopback(void **state)
{
    struct e2e_proc p;
    int fd;

    (void)state;
    if (e2e_start_server(&p, "echo-server-threaded", "[::1]:0", NULL) != 0) {
        e2e_cleanup(&p);
        skip(); /* no IPv6 loopback on this machine */
    }
    assert_true(strncmp(p.addr, "[::1]:", 6) == 0);
    fd = e2e_connect(p.addr);
    assert_true(fd >= 0);
    assert_echo(fd, (const unsigned char *)"v6", 2);
    close(fd);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

/* Holds 300 connections that send nothing, then checks a fresh client is echoed. */
static void assert_fresh_served_beside_idle(const char *name, const char *const *args)
{
    struct e2e_proc p;
    int fds[300];
    int fresh;

    assert_int_equal(e2e_start_server(&p, name, NULL, args), 0);
    for (size_t i = 0; i < 300; i++) {
        fds[i] = e2e_connect(p.addr);
        assert_true(fds[i] >= 0);
    }
    fresh = e2e_connect(p.addr);
    assert_true(fresh >= 0);
    assert_echo(fresh, (const unsigned char *)"fresh", 5);
    close(fresh);
    for (size_t i = 0; i < 300; i++)
        close(fds[i]);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_epoll_serves_a_fresh_client_beside_300_idle_ones(void **state)
{
    (void)state;
    assert_fresh_served_beside_idle("echo-server-epoll", NULL);
}

/* Past --max-conns the threaded server still serves a fresh client: the idle longest goes. */
static void test_threaded_past_the_cap_serves_a_fresh_client(void **state)
{
    const char *args[] = {"--max-conns", "50", NULL};
    struct e2e_proc p;

    (void)state;
    assert_fresh_served_beside_idle("echo-server-threaded", args);
    /* and says so */
    assert_int_equal(e2e_start_server(&p, "echo-server-threaded", NULL, args), 0);
    {
        int fds[51];
        for (size_t i = 0; i < 51; i++) {
            fds[i] = e2e_connect(p.addr);
            assert_true(fds[i] >= 0);
        }
        assert_echo(fds[50], (const unsigned char *)"last", 4);
        assert_true(e2e_wait_for_text(p.err_path, "to make room for a new client", 5000));
        assert_true(e2e_expect_eof(fds[0], 5000)); /* the oldest idle one was let go */
        for (size_t i = 0; i < 51; i++)
            close(fds[i]);
    }
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

/* Clients that send and never read: the event-driven server stops reading them and serves
 * the others; --send-timeout hangs up on them. */
static void test_epoll_non_reading_clients_do_not_delay_others(void **state)
{
    const char *args[] = {"--send-timeout", "500", NULL};
    struct e2e_proc p;
    int stalled[4], other;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "echo-server-epoll", NULL, NULL), 0);
    for (size_t i = 0; i < 4; i++)
        stalled[i] = connect_stalled(p.addr);
    other = e2e_connect(p.addr);
    assert_true(other >= 0);
    assert_echo(other, (const unsigned char *)"not delayed", 11);
    close(other);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    for (size_t i = 0; i < 4; i++)
        close(stalled[i]);
    e2e_cleanup(&p);

    assert_int_equal(e2e_start_server(&p, "echo-server-epoll", NULL, args), 0);
    stalled[0] = connect_stalled(p.addr);
    /* Keep pushing until the server hangs up (bounded: 600 rounds of at most 100 ms), so the
     * echo is sure to back up into the server's own queue whatever the kernel buffers hold. */
    {
        static const char more[4096];
        int gone = 0;

        for (int i = 0; i < 600 && !gone; i++) {
            struct pollfd pf = {.fd = stalled[0], .events = POLLOUT};

            if (poll(&pf, 1, 100) == 1 &&
                send(stalled[0], more, sizeof(more), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                gone = errno != EAGAIN && errno != EWOULDBLOCK;
        }
        assert_true(gone);
    }
    assert_true(e2e_wait_for_text(p.err_path, "it took no echo for 500 ms", 10000));
    close(stalled[0]);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_epoll_log_lines_are_the_threaded_servers(void **state)
{
    struct e2e_proc p;
    char local[96], expect[512];
    char *log = log_of_one_client(&p, "echo-server-epoll", "hi\n", local);

    (void)state;
    snprintf(expect, sizeof(expect),
             "Event-driven TCP Echo Server listening on %s\n"
             "Handling connection from: %s\n"
             "Client %s disconnected.\n",
             p.addr, local, local);
    assert_string_equal(log, expect);
    free(log);
    e2e_cleanup(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echoes_every_byte_value_and_sizes),
        cmocka_unit_test(test_half_close_echoes_then_closes),
        cmocka_unit_test(test_serial_log_lines_match_the_seed),
        cmocka_unit_test(test_reset_mid_message_does_not_hurt_the_next_client),
        cmocka_unit_test(test_serial_server_serves_the_second_client_after_the_first),
        cmocka_unit_test(test_threaded_serves_interleaved_clients),
        cmocka_unit_test(test_threaded_stalled_client_never_delays_another),
        cmocka_unit_test(test_serial_exits_zero_on_sigterm_while_blocked_writing),
        cmocka_unit_test(test_idle_timeout_hangs_up_on_silent_clients_only),
        cmocka_unit_test(test_threaded_exits_zero_with_open_connections),
        cmocka_unit_test(test_bad_usage_exits_2_and_busy_port_exits_3),
        cmocka_unit_test(test_ipv6_loopback),
        cmocka_unit_test(test_epoll_serves_a_fresh_client_beside_300_idle_ones),
        cmocka_unit_test(test_threaded_past_the_cap_serves_a_fresh_client),
        cmocka_unit_test(test_epoll_non_reading_clients_do_not_delay_others),
        cmocka_unit_test(test_epoll_log_lines_are_the_threaded_servers),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
