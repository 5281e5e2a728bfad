/* test_evloop.c -- the event-driven server on loopback: echo, half-close, back-pressure bound,
 * idle and send timeouts, a fresh client beside hundreds of idle ones, stop. Every wait is for a
 * behaviour, bounded (never an assertion on how long something took). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "evloop.h"
#include "net.h"

struct stats {
    atomic_int opened;
    atomic_int closed[EVLOOP_CLOSE_STOP + 1];
    atomic_size_t max_queued;
};

struct server {
    struct evloop_config cfg;
    struct stats st;
    struct net_addr addr;
    int stop[2];
    pthread_t tid;
    int rc;
};

static void on_open(struct evloop_conn *c, void *ctx)
{
    struct stats *st = ctx;

    assert_non_null(evloop_conn_peer(c));
    atomic_fetch_add(&st->opened, 1);
}

/* An echo that records the most output ever queued. */
static size_t on_data(struct evloop_conn *c, const unsigned char *data, size_t len, void *ctx)
{
    struct stats *st = ctx;
    size_t q;

    evloop_conn_send(c, data, len);
    q = evloop_conn_queued(c);
    if (q > atomic_load(&st->max_queued))
        atomic_store(&st->max_queued, q); /* one connection at a time in the test using it */
    return len;
}

/* A reply queued after the client's FIN still reaches it before the close. */
static void on_eof(struct evloop_conn *c, void *ctx)
{
    (void)ctx;
    evloop_conn_send(c, "EOF\n", 4);
}

static void on_close(struct evloop_conn *c, enum evloop_close why, int err, void *ctx)
{
    struct stats *st = ctx;

    (void)c;
    (void)err;
    atomic_fetch_add(&st->closed[why], 1);
}

static const struct evloop_handlers handlers = {on_open, on_data, on_eof, on_close};

static void *run(void *arg)
{
    struct server *s = arg;

    s->rc = evloop_run(&s->cfg);
    return NULL;
}

/* Starts a server on an ephemeral port with |base|'s limits (handlers and fds filled in). */
static struct server *start(const struct evloop_config *base)
{
    struct server *s = calloc(1, sizeof(*s));
    int lfd;

    assert_non_null(s);
    net_loopback_addr(&s->addr, AF_INET, 0);
    lfd = net_bind_nb(&s->addr, SOCK_STREAM, SOMAXCONN, 1);
    assert_true(lfd >= 0);
    assert_int_equal(pipe(s->stop), 0);
    s->cfg = *base;
    s->cfg.listen_fd = lfd;
    s->cfg.stop_fd = s->stop[0];
    s->cfg.handlers = &handlers;
    s->cfg.ctx = &s->st;
    assert_int_equal(pthread_create(&s->tid, NULL, run, s), 0);
    return s;
}

static void stop(struct server *s)
{
    assert_int_equal(write(s->stop[1], "s", 1), 1);
    pthread_join(s->tid, NULL);
    assert_int_equal(s->rc, 0);
    close(s->cfg.listen_fd);
    close(s->stop[0]);
    close(s->stop[1]);
    free(s);
}

/* Waits (at most 10 s) until |*v| reaches |want|; returns the last value seen. */
static int wait_count(atomic_int *v, int want)
{
    int64_t deadline = clk_deadline(10000);

    while (atomic_load(v) < want && clk_now_ms() < deadline)
        clk_sleep_us(2000);
    return atomic_load(v);
}

static int client(struct server *s)
{
    int fd = net_tcp_connect(&s->addr, 5000);

    assert_true(fd >= 0);
    return fd;
}

static void read_exact(int fd, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = net_read_timeout(fd, (char *)buf + got, len - got, 5000);
        assert_true(n > 0);
        got += (size_t)n;
    }
}

static void assert_echo(int fd, const char *msg)
{
    char buf[256];
    size_t len = strlen(msg);

    assert_int_equal(net_write_all(fd, msg, len), 0);
    read_exact(fd, buf, len);
    assert_memory_equal(buf, msg, len);
}

static void assert_eof(int fd)
{
    char b;
    ssize_t n = net_read_timeout(fd, &b, 1, 10000);

    assert_true(n == 0 || n == -ECONNRESET);
}

static void test_echo_then_half_close_gets_the_eof_reply(void **state)
{
    struct evloop_config cfg = {.threads = 2};
    struct server *s = start(&cfg);
    char buf[4];
    int fd = client(s);

    (void)state;
    assert_echo(fd, "hello");
    shutdown(fd, SHUT_WR);
    read_exact(fd, buf, 4);
    assert_memory_equal(buf, "EOF\n", 4);
    assert_eof(fd);
    assert_int_equal(wait_count(&s->st.closed[EVLOOP_CLOSE_EOF], 1), 1);
    close(fd);
    stop(s);
}

/* Sends without reading until no byte goes in for 300 ms and the server has queued echo for
 * it (both directions full: a slow machine's pause alone does not count); with |hung_up|, until
 * the server hangs up instead (*hung_up set). Bounded: 64 MiB, 2000 tries. */
static int stalled_client(struct server *s, int *hung_up)
{
    static char flood[65536];
    int small = 4096;
    int fd = client(s);
    size_t sent = 0;
    int stuck = 0, gone = 0;

    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    for (int tries = 0; tries < 2000 && sent < 64u * 1024 * 1024 && !stuck && !gone; tries++) {
        ssize_t w = send(fd, flood, sizeof(flood), MSG_DONTWAIT | MSG_NOSIGNAL);

        if (w > 0)
            sent += (size_t)w;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            gone = 1;
        else
            stuck = net_wait_fd(fd, POLLOUT, 300) == -ETIMEDOUT && hung_up == NULL &&
                    atomic_load(&s->st.max_queued) > 0;
    }
    if (hung_up != NULL)
        *hung_up = gone;
    else
        assert_true(stuck);
    return fd;
}

static void test_a_client_that_does_not_read_is_bounded_and_others_are_served(void **state)
{
    struct evloop_config cfg = {.threads = 1, .read_size = 4096, .out_high = 16384};
    struct server *s = start(&cfg);
    int stalled = stalled_client(s, NULL);
    int other = client(s);

    (void)state;
    assert_echo(other, "not delayed");
    /* Queued at most one read beyond the high-water mark, however much the client sent. */
    assert_true(atomic_load(&s->st.max_queued) <= cfg.out_high + cfg.read_size);
    assert_true(atomic_load(&s->st.max_queued) > 0);
    close(other);
    close(stalled);
    stop(s);
}

static void test_idle_timeout_closes_a_silent_client(void **state)
{
    struct evloop_config cfg = {.threads = 1, .idle_timeout_ms = 100};
    struct server *s = start(&cfg);
    int fd = client(s);

    (void)state;
    assert_eof(fd);
    assert_int_equal(wait_count(&s->st.closed[EVLOOP_CLOSE_IDLE], 1), 1);
    close(fd);
    stop(s);
}

static void test_send_timeout_closes_a_client_that_takes_nothing(void **state)
{
    struct evloop_config cfg = {.threads = 1, .send_timeout_ms = 200};
    struct server *s = start(&cfg);
    int hung_up = 0;
    int fd = stalled_client(s, &hung_up);

    (void)state;
    assert_true(hung_up);
    assert_int_equal(wait_count(&s->st.closed[EVLOOP_CLOSE_SEND_TIMEOUT], 1), 1);
    close(fd);
    stop(s);
}

static void test_fresh_client_served_beside_300_idle_ones(void **state)
{
    struct evloop_config cfg = {.threads = 2};
    struct server *s = start(&cfg);
    int fds[300];
    int fresh;

    (void)state;
    for (size_t i = 0; i < 300; i++)
        fds[i] = client(s);
    fresh = client(s);
    assert_echo(fresh, "fresh");
    assert_int_equal(wait_count(&s->st.opened, 301), 301);
    close(fresh);
    for (size_t i = 0; i < 300; i++)
        close(fds[i]);
    assert_int_equal(wait_count(&s->st.closed[EVLOOP_CLOSE_EOF], 301), 301);
    stop(s);
}

static void test_stop_closes_every_open_connection(void **state)
{
    struct evloop_config cfg = {.threads = 2};
    struct server *s = start(&cfg);
    struct stats *st = &s->st;
    int fds[3];

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        fds[i] = client(s);
        assert_echo(fds[i], "x");
    }
    assert_int_equal(write(s->stop[1], "s", 1), 1);
    pthread_join(s->tid, NULL);
    assert_int_equal(s->rc, 0);
    assert_int_equal(atomic_load(&st->closed[EVLOOP_CLOSE_STOP]), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_eof(fds[i]);
        close(fds[i]);
    }
    close(s->cfg.listen_fd);
    close(s->stop[0]);
    close(s->stop[1]);
    free(s);
}

static void test_bad_config_is_refused(void **state)
{
    struct evloop_config cfg = {.listen_fd = -1, .handlers = &handlers};
    struct evloop_handlers none = {0};

    (void)state;
    assert_int_equal(evloop_run(&cfg), -EINVAL);
    cfg.listen_fd = 0;
    cfg.handlers = &none;
    assert_int_equal(evloop_run(&cfg), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_then_half_close_gets_the_eof_reply),
        cmocka_unit_test(test_a_client_that_does_not_read_is_bounded_and_others_are_served),
        cmocka_unit_test(test_idle_timeout_closes_a_silent_client),
        cmocka_unit_test(test_send_timeout_closes_a_client_that_takes_nothing),
        cmocka_unit_test(test_fresh_client_served_beside_300_idle_ones),
        cmocka_unit_test(test_stop_closes_every_open_connection),
        cmocka_unit_test(test_bad_config_is_refused),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
