/* test_e2e_udp.c -- udp-echo-server and udp-echo-client on loopback. */
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

static int udp_socket(void)
{
    struct net_addr a;

    assert_int_equal(net_parse_addr("127.0.0.1:0", &a), 0);
    return net_udp_bind(&a);
}

/* Sends one datagram and returns the reply's length (-1: none within 5 s); *from gets its sender. */
static ssize_t udp_roundtrip(int fd, const struct net_addr *to, const void *msg, size_t len,
                             unsigned char *reply, size_t cap, char from[NET_ADDR_TEXT])
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t n;

    if (sendto(fd, msg, len, 0, (const struct sockaddr *)&to->ss, to->len) != (ssize_t)len)
        return -1;
    if (poll(&p, 1, 5000) != 1)
        return -1;
    n = recvfrom(fd, reply, cap, 0, (struct sockaddr *)&ss, &sl);
    if (n >= 0)
        net_addr_format((struct sockaddr *)&ss, sl, from);
    return n;
}

static void test_udp_server_echoes_sizes_and_binary_from_its_address(void **state)
{
    size_t sizes[] = {0, 1, 11, 512, 513, 1472, 65507};
    struct e2e_proc p;
    struct net_addr server;
    unsigned char *msg = malloc(65507), *reply = malloc(65536);
    char from[NET_ADDR_TEXT];
    size_t i, k;
    int fd;

    (void)state;
    assert_non_null(msg);
    assert_non_null(reply);
    assert_int_equal(e2e_start_server(&p, "udp-echo-server", NULL, NULL), 0);
    assert_int_equal(net_parse_addr(p.addr, &server), 0);
    fd = udp_socket();
    assert_true(fd >= 0);
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        ssize_t n;

        for (i = 0; i < sizes[k]; i++)
            msg[i] = (unsigned char)(255 - i % 256);
        n = udp_roundtrip(fd, &server, msg, sizes[k], reply, 65536, from);
        assert_int_equal(n, (ssize_t)sizes[k]);
        assert_memory_equal(reply, msg, sizes[k]);
        assert_string_equal(from, p.addr); /* the reply comes from the address we sent to */
    }
    close(fd);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    free(msg);
    free(reply);
    e2e_cleanup(&p);
}

static void test_udp_server_log_line_and_several_clients(void **state)
{
    struct e2e_proc p;
    struct net_addr server;
    unsigned char reply[64];
    char from[NET_ADDR_TEXT], local[NET_ADDR_TEXT], expect[256];
    int fds[5];
    size_t i;

    (void)state;
    assert_int_equal(e2e_start_server(&p, "udp-echo-server", NULL, NULL), 0);
    assert_int_equal(net_parse_addr(p.addr, &server), 0);
    for (i = 0; i < 5; i++) {
        fds[i] = udp_socket();
        assert_true(fds[i] >= 0);
    }
    for (i = 0; i < 5; i++) {
        char msg[16];
        int n = snprintf(msg, sizeof(msg), "Hello, UDP %zu", i);

        assert_int_equal(udp_roundtrip(fds[i], &server, msg, (size_t)n, reply, sizeof(reply), from), n);
        assert_memory_equal(reply, msg, (size_t)n);
    }
    assert_true(net_local_text(fds[0], local) > 0);
    snprintf(expect, sizeof(expect), "Received 'Hello, UDP 0' from %s\n", local);
    assert_true(e2e_wait_for_text(p.out_path, expect, 5000));
    for (i = 0; i < 5; i++)
        close(fds[i]);
    assert_int_equal(e2e_stop(&p, SIGINT), 0);
    e2e_cleanup(&p);
}

static void test_udp_client_against_server_prints_the_seed_lines(void **state)
{
    struct e2e_proc p;
    char *out = NULL;
    char expect[256];

    (void)state;
    assert_int_equal(e2e_start_server(&p, "udp-echo-server", NULL, NULL), 0);
    {
        const char *args[] = {"--connect", p.addr, NULL};
        assert_int_equal(e2e_run("udp-echo-client", args, NULL, 10000, &out, NULL), 0);
    }
    snprintf(expect, sizeof(expect), "Sending 'Hello, UDP!' to %s\nReceived 'Hello, UDP!' from %s\n",
             p.addr, p.addr);
    assert_string_equal(out, expect);
    free(out);
    assert_int_equal(e2e_stop(&p, SIGTERM), 0);
    e2e_cleanup(&p);
}

static void test_udp_client_times_out_with_exit_4(void **state)
{
    int fd = udp_socket(); /* bound, never answers */
    char addr[NET_ADDR_TEXT];
    char *err = NULL;

    (void)state;
    assert_true(net_local_text(fd, addr) > 0);
    {
        const char *args[] = {"--connect", addr, "--timeout", "200", "--retries", "1", NULL};
        assert_int_equal(e2e_run("udp-echo-client", args, NULL, 10000, NULL, &err), 4);
    }
    assert_non_null(strstr(err, "giving up"));
    free(err);
    close(fd);
}

/* A fake server that first answers from a different socket, then from the right one. */
struct impostor {
    int server_fd;
    int other_fd;
};

static void *impostor_main(void *arg)
{
    struct impostor *im = arg;
    unsigned char buf[256];
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    struct pollfd p = {.fd = im->server_fd, .events = POLLIN};
    ssize_t n;

    if (poll(&p, 1, 5000) != 1)
        return NULL;
    n = recvfrom(im->server_fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
    if (n < 0)
        return NULL;
    sendto(im->other_fd, "impostor", 8, 0, (struct sockaddr *)&ss, sl);
    poll(NULL, 0, 50);
    sendto(im->server_fd, buf, (size_t)n, 0, (struct sockaddr *)&ss, sl);
    return NULL;
}

static void test_udp_client_ignores_datagrams_not_from_the_server(void **state)
{
    struct impostor im;
    pthread_t t;
    char addr[NET_ADDR_TEXT], expect[256];
    char *out = NULL, *err = NULL;

    (void)state;
    im.server_fd = udp_socket();
    im.other_fd = udp_socket();
    assert_true(net_local_text(im.server_fd, addr) > 0);
    assert_int_equal(pthread_create(&t, NULL, impostor_main, &im), 0);
    {
        const char *args[] = {"--connect", addr, "--message", "who?", NULL};
        assert_int_equal(e2e_run("udp-echo-client", args, NULL, 10000, &out, &err), 0);
    }
    pthread_join(t, NULL);
    snprintf(expect, sizeof(expect), "Sending 'who?' to %s\nReceived 'who?' from %s\n", addr, addr);
    assert_string_equal(out, expect);
    assert_non_null(strstr(err, "not the server"));
    free(out);
    free(err);
    close(im.server_fd);
    close(im.other_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_server_echoes_sizes_and_binary_from_its_address),
        cmocka_unit_test(test_udp_server_log_line_and_several_clients),
        cmocka_unit_test(test_udp_client_against_server_prints_the_seed_lines),
        cmocka_unit_test(test_udp_client_times_out_with_exit_4),
        cmocka_unit_test(test_udp_client_ignores_datagrams_not_from_the_server),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
