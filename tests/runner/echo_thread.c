/* echo_thread.c -- the tests' in-process echo server: one thread, poll-driven, bounded. */
#include "echo_thread.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "wait.h"

/* Connections served at once (wait_fds takes 15 besides its stop fd). */
#define ECHO_MAX_CONNS 12
/* The longest it runs, should a test forget to stop it. */
#define ECHO_LIFETIME_MS 60000

/* Echoes what one readable connection sent; returns 0 when it is done (EOF, an error, or
 * drop_last). */
static int echo_conn(const struct echo *e, int fd)
{
    unsigned char buf[4096];
    ssize_t n = net_read_ready(fd, buf, sizeof buf);
    if (n == -EAGAIN)
        return 1;
    if (n <= 0)
        return 0;
    if (e->drop_last) {
        net_write_all(fd, buf, (size_t)n - 1);
        return 0;
    }
    return net_write_all(fd, buf, (size_t)n) == 0;
}

static void *tcp_main(void *arg)
{
    struct echo *e = arg;
    int conns[ECHO_MAX_CONNS];
    size_t n = 0;
    int64_t deadline = clk_now_ms() + ECHO_LIFETIME_MS;
    for (;;) {
        struct pollfd p[ECHO_MAX_CONNS + 1];
        p[0] = (struct pollfd){.fd = n < ECHO_MAX_CONNS ? e->fd : -1, .events = POLLIN};
        for (size_t i = 0; i < n; i++)
            p[i + 1] = (struct pollfd){.fd = conns[i], .events = POLLIN};
        if (wait_fds(p, n + 1, e->stop[0], deadline) <= 0)
            break;
        for (size_t i = n; i-- > 0;) {
            if (p[i + 1].revents && !echo_conn(e, conns[i])) {
                close(conns[i]);
                conns[i] = conns[--n];
            }
        }
        if (p[0].revents & POLLIN) {
            int fd = net_tcp_accept_nb(e->fd);
            if (fd >= 0)
                conns[n++] = fd;
        }
    }
    for (size_t i = 0; i < n; i++)
        close(conns[i]);
    return NULL;
}

static void *udp_main(void *arg)
{
    struct echo *e = arg;
    static unsigned char buf[65536];
    int64_t deadline = clk_now_ms() + ECHO_LIFETIME_MS;
    for (;;) {
        struct pollfd p = {.fd = e->fd, .events = POLLIN};
        if (wait_fds(&p, 1, e->stop[0], deadline) <= 0)
            break;
        struct net_addr from;
        ssize_t n = net_udp_recv_from(e->fd, buf, sizeof buf, &from, 0);
        if (n >= 0)
            net_udp_send_to(e->fd, buf, (size_t)n, &from);
    }
    return NULL;
}

void echo_start(struct echo *e, int udp, int drop_last)
{
    memset(e, 0, sizeof *e);
    e->udp = udp;
    e->drop_last = drop_last;
    net_loopback_addr(&e->addr, AF_INET, 0);
    e->fd = net_bind_nb(&e->addr, udp ? SOCK_DGRAM : SOCK_STREAM, 16, 1);
    assert_true(e->fd >= 0);
    assert_true(net_addr_port(&e->addr) != 0);
    assert_true(net_addr_format((const struct sockaddr *)&e->addr.ss, e->addr.len,
                                e->connect) > 0);
    assert_int_equal(pipe(e->stop), 0);
    assert_int_equal(pthread_create(&e->th, NULL, udp ? udp_main : tcp_main, e), 0);
}

void echo_stop(struct echo *e)
{
    assert_int_equal(write(e->stop[1], "x", 1), 1);
    pthread_join(e->th, NULL);
    close(e->stop[0]);
    close(e->stop[1]);
    close(e->fd);
}
