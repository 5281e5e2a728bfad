/* test_conn.c -- the runner's sockets over loopback: connect, send, fill, closes, UDP, accept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "engine/conn.h"
#include "engine/transcript.h"
#include "net.h"
#include "wait.h"

/* Every wait in these tests: generous, since the machine may be loaded. */
#define WAIT_MS 5000

/* ---- helpers ---- */

/* A listening TCP socket on 127.0.0.1 with an ephemeral port; |*a| becomes its address. */
static int listener(struct net_addr *a)
{
    net_loopback_addr(a, AF_INET, 0);
    int fd = net_bind_nb(a, SOCK_STREAM, 8, 1);
    assert_true(fd >= 0);
    assert_true(net_addr_port(a) != 0);
    return fd;
}

/* Accepts one connection on the non-blocking |lfd|, bounded. */
static int accept_one(int lfd)
{
    int64_t deadline = clk_now_ms() + WAIT_MS;
    for (;;) {
        int rev = wait_fd(lfd, POLLIN, deadline);
        assert_true(rev > 0);
        int fd = net_tcp_accept_nb(lfd);
        if (fd >= 0)
            return fd;
        assert_true(fd == -EAGAIN || fd == -EINTR || fd == -ECONNABORTED);
    }
}

/* Reads exactly |len| bytes from |fd| (bounded); returns how many arrived before EOF. */
static size_t read_exactly(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = net_read_timeout(fd, buf + got, len - got, WAIT_MS);
        assert_true(n >= 0);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* The first transcript event of |kind| (the test fails when there is none). */
static const struct tr_event *find_event(const struct transcript *tr, enum tr_kind kind)
{
    static const struct tr_event none = {.text = (char *)""};
    for (size_t i = 0; i < tr->n; i++) {
        if (tr->ev[i].kind == kind)
            return &tr->ev[i];
    }
    fail_msg("no transcript event of kind %d", (int)kind);
    return &none;
}

/* One runner connection |c| to a loopback listener, and the peer's end of it. */
struct pair {
    int lfd;
    struct net_addr addr;
    int peer;
    struct transcript tr;
    struct conn c;
};

static void pair_open(struct pair *p)
{
    p->lfd = listener(&p->addr);
    tr_init(&p->tr, 0);
    conn_init(&p->c, "a", &p->tr, 0);
    assert_int_equal(conn_connect(&p->c, &p->addr, clk_now_ms() + WAIT_MS), 0);
    p->peer = accept_one(p->lfd);
}

static void pair_close(struct pair *p)
{
    if (p->peer >= 0)
        close(p->peer);
    close(p->lfd);
    conn_cleanup(&p->c);
    tr_cleanup(&p->tr);
}

/* Closes the peer's end with an RST (SO_LINGER 0). */
static void peer_reset(struct pair *p)
{
    assert_int_equal(net_set_reset_on_close(p->peer), 0);
    close(p->peer);
    p->peer = -1;
}

/* Fills until the peer's close is seen (bounded); asserts nothing else arrived. */
static void fill_until_closed(struct conn *c)
{
    int64_t deadline = clk_now_ms() + WAIT_MS;
    while (!c->closed) {
        ssize_t n = conn_fill(c, deadline);
        assert_true(n >= 0);
    }
    assert_int_equal(c->rx.len, 0);
}

/* ---- tests ---- */

static void test_conn_connect_fills_the_local_address(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    assert_true(p.c.fd >= 0);
    assert_int_equal(p.c.kind, CONN_TCP);
    assert_int_equal(strncmp(p.c.local, "127.0.0.1:", 10), 0);
    char peer_sees[NET_ADDR_TEXT];
    assert_true(net_peer_text(p.peer, peer_sees) > 0);
    assert_string_equal(p.c.local, peer_sees);
    pair_close(&p);
}

static void test_conn_connect_to_a_closed_port_is_refused(void **state)
{
    (void)state;
    /* A socket bound to a port but not listening: connecting there is refused. It stays bound
     * until the connect is done, so no other test can take the port meanwhile. */
    struct net_addr a;
    net_loopback_addr(&a, AF_INET, 0);
    int fd = net_bind_nb(&a, SOCK_STREAM, 0, 0);
    assert_true(fd >= 0);
    struct transcript tr;
    tr_init(&tr, 0);
    struct conn c;
    conn_init(&c, "a", &tr, 0);
    assert_int_equal(conn_connect(&c, &a, clk_now_ms() + WAIT_MS), -ECONNREFUSED);
    assert_int_equal(c.fd, -1);
    close(fd);
    /* Closed for good now: still refused. */
    assert_int_equal(conn_connect(&c, &a, clk_now_ms() + WAIT_MS), -ECONNREFUSED);
    assert_int_equal(c.fd, -1);
    conn_cleanup(&c);
    tr_cleanup(&tr);
}

static void test_conn_send_delivers_the_bytes_to_the_peer(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    size_t sent = 99;
    assert_int_equal(conn_send(&p.c, "hello\n", 6, 0, 0, clk_now_ms() + WAIT_MS, &sent), 0);
    assert_int_equal(sent, 6);
    assert_int_equal(p.c.tx_off, 6);
    assert_int_equal(p.c.tx_written, 6);
    unsigned char buf[16];
    assert_int_equal(read_exactly(p.peer, buf, 6), 6);
    assert_memory_equal(buf, "hello\n", 6);
    /* In pieces: the peer gets the same stream, the transcript one event per piece. */
    assert_int_equal(conn_send(&p.c, "abcdef", 6, 2, 1, clk_now_ms() + WAIT_MS, &sent), 0);
    assert_int_equal(sent, 6);
    assert_int_equal(read_exactly(p.peer, buf, 6), 6);
    assert_memory_equal(buf, "abcdef", 6);
    size_t sends = 0;
    for (size_t i = 0; i < p.tr.n; i++)
        sends += p.tr.ev[i].kind == TR_SEND;
    assert_int_equal(sends, 4);
    const struct tr_event *e = find_event(&p.tr, TR_SEND);
    assert_int_equal(e->offset, 0);
    assert_int_equal(e->len, 6);
    assert_memory_equal(e->data, "hello\n", 6);
    assert_int_equal(p.c.tx_off, 12);
    pair_close(&p);
}

static void test_conn_fill_records_received_bytes(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    assert_int_equal(net_write_all(p.peer, "abc", 3), 0);
    int64_t deadline = clk_now_ms() + WAIT_MS;
    while (p.c.rx.len < 3) {
        ssize_t n = conn_fill(&p.c, deadline);
        assert_true(n > 0);
    }
    assert_int_equal(p.c.rx.len, 3);
    assert_memory_equal(p.c.rx.data, "abc", 3);
    assert_int_equal(p.c.closed, 0);
    const char *want = "abc";
    size_t recorded = 0;
    for (size_t i = 0; i < p.tr.n; i++) {
        const struct tr_event *e = &p.tr.ev[i];
        if (e->kind != TR_RECV)
            continue;
        assert_string_equal(e->conn, "a");
        assert_int_equal(e->offset, recorded);
        assert_memory_equal(e->data, want + recorded, e->len);
        recorded += e->len;
    }
    assert_int_equal(recorded, 3);
    pair_close(&p);
}

static void test_conn_fill_sees_the_peers_fin(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    close(p.peer);
    p.peer = -1;
    fill_until_closed(&p.c);
    assert_int_equal(p.c.closed, CF_CLOSE_FIN);
    /* Once closed, a fill returns 0 at once. */
    assert_int_equal(conn_fill(&p.c, clk_now_ms() + WAIT_MS), 0);
    const struct tr_event *e = find_event(&p.tr, TR_EVENT);
    assert_non_null(e->text);
    assert_non_null(strstr(e->text, "FIN"));
    pair_close(&p);
}

static void test_conn_fill_sees_the_peers_rst(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    peer_reset(&p);
    fill_until_closed(&p.c);
    assert_int_equal(p.c.closed, CF_CLOSE_RST);
    pair_close(&p);
}

static void test_conn_fill_sees_rst_after_answered_bytes_as_plain_rst(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    size_t sent;
    assert_int_equal(conn_send(&p.c, "ping", 4, 0, 0, clk_now_ms() + WAIT_MS, &sent), 0);
    unsigned char buf[4];
    assert_int_equal(read_exactly(p.peer, buf, 4), 4);
    conn_answered(&p.c); /* as an expect that matched the reply does */
    peer_reset(&p);
    fill_until_closed(&p.c);
    assert_int_equal(p.c.closed, CF_CLOSE_RST);
    pair_close(&p);
}

static void test_conn_fill_sees_rst_with_our_bytes_unread_as_unread(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    size_t sent;
    assert_int_equal(conn_send(&p.c, "unread", 6, 0, 0, clk_now_ms() + WAIT_MS, &sent), 0);
    /* The bytes are in the peer's receive queue; closing with them unread sends an RST. */
    assert_true(wait_fd(p.peer, POLLIN, clk_now_ms() + WAIT_MS) > 0);
    close(p.peer);
    p.peer = -1;
    fill_until_closed(&p.c);
    assert_int_equal(p.c.closed, CF_CLOSE_UNREAD);
    int said_unread = 0;
    for (size_t i = 0; i < p.tr.n; i++)
        said_unread |= p.tr.ev[i].text && strstr(p.tr.ev[i].text, "6 bytes") != NULL;
    assert_true(said_unread);
    pair_close(&p);
}

static void test_conn_fill_times_out_when_nothing_arrives(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    int64_t deadline = clk_now_ms() + 50;
    assert_int_equal(conn_fill(&p.c, deadline), -ETIMEDOUT);
    assert_true(clk_now_ms() >= deadline);
    assert_int_equal(p.c.rx.len, 0);
    assert_int_equal(p.c.closed, 0);
    pair_close(&p);
}

static void test_conn_udp_round_trip_keeps_the_senders_address(void **state)
{
    (void)state;
    struct transcript tr;
    tr_init(&tr, 0);
    struct conn a, b;
    conn_init(&a, "a", &tr, 0);
    conn_init(&b, "b", &tr, 0);
    assert_int_equal(conn_udp(&a, AF_INET), 0);
    assert_int_equal(conn_udp(&b, AF_INET), 0);
    assert_int_equal(a.kind, CONN_UDP);
    assert_int_equal(strncmp(a.local, "127.0.0.1:", 10), 0);
    struct net_addr aa, ba, from;
    assert_int_equal(net_parse_addr(a.local, &aa), 0);
    assert_int_equal(net_parse_addr(b.local, &ba), 0);
    assert_true(net_addr_port(&aa) != 0);

    static unsigned char buf[CONN_DGRAM_MAX];
    assert_int_equal(conn_sendto(&a, "ping", 4, &ba), 0);
    assert_int_equal(conn_recv_datagram(&b, buf, &from, clk_now_ms() + WAIT_MS), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_true(net_same_addr(&from, &aa));
    /* And back to the sender, as an echo server would. */
    assert_int_equal(conn_sendto(&b, "pong!", 5, &from), 0);
    assert_int_equal(conn_recv_datagram(&a, buf, &from, clk_now_ms() + WAIT_MS), 5);
    assert_memory_equal(buf, "pong!", 5);
    assert_true(net_same_addr(&from, &ba));
    assert_int_equal(a.tx_off, 4);
    assert_int_equal(a.rx_off, 5);
    /* Nothing more: the wait ends at its deadline. */
    assert_int_equal(conn_recv_datagram(&a, buf, &from, clk_now_ms() + 30), -ETIMEDOUT);
    const struct tr_event *e = find_event(&tr, TR_RECV);
    assert_int_equal(e->len, 4);
    assert_memory_equal(e->data, "ping", 4);
    conn_cleanup(&a);
    conn_cleanup(&b);
    tr_cleanup(&tr);
}

static void test_conn_accept_takes_a_pending_connection(void **state)
{
    (void)state;
    struct net_addr la;
    int lfd = listener(&la);
    int fd = net_tcp_connect(&la, WAIT_MS);
    assert_true(fd >= 0);
    struct transcript tr;
    tr_init(&tr, 0);
    struct conn c;
    conn_init(&c, "client", &tr, 0);
    assert_int_equal(conn_accept(&c, lfd, clk_now_ms() + WAIT_MS), 0);
    assert_true(c.fd >= 0);
    assert_int_equal(c.kind, CONN_TCP);
    char want[NET_ADDR_TEXT];
    assert_true(net_addr_format((const struct sockaddr *)&la.ss, la.len, want) > 0);
    assert_string_equal(c.local, want);
    conn_cleanup(&c);
    tr_cleanup(&tr);
    close(fd);
    close(lfd);
}

static void test_conn_accept_times_out_when_nobody_connects(void **state)
{
    (void)state;
    struct net_addr la;
    int lfd = listener(&la);
    struct transcript tr;
    tr_init(&tr, 0);
    struct conn c;
    conn_init(&c, "client", &tr, 0);
    int64_t deadline = clk_now_ms() + 50;
    assert_int_equal(conn_accept(&c, lfd, deadline), -ETIMEDOUT);
    assert_true(clk_now_ms() >= deadline);
    assert_int_equal(c.fd, -1);
    conn_cleanup(&c);
    tr_cleanup(&tr);
    close(lfd);
}

static void test_conn_shutdown_sends_a_fin_and_keeps_reading(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    assert_int_equal(conn_shutdown(&p.c), 0);
    unsigned char buf[4];
    assert_int_equal(net_read_timeout(p.peer, buf, sizeof buf, WAIT_MS), 0);
    /* Half-closed only: the peer can still answer. */
    assert_int_equal(net_write_all(p.peer, "ok", 2), 0);
    int64_t deadline = clk_now_ms() + WAIT_MS;
    while (p.c.rx.len < 2)
        assert_true(conn_fill(&p.c, deadline) > 0);
    assert_memory_equal(p.c.rx.data, "ok", 2);
    pair_close(&p);
}

static void test_conn_reset_resets_the_peer(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    assert_int_equal(conn_reset(&p.c), 0);
    assert_int_equal(p.c.fd, -1);
    unsigned char buf[4];
    assert_int_equal(net_read_timeout(p.peer, buf, sizeof buf, WAIT_MS), -ECONNRESET);
    pair_close(&p);
}

static void test_conn_shutdown_close_reset_fail_after_close(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p);
    assert_int_equal(conn_close(&p.c), 0);
    assert_int_equal(p.c.fd, -1);
    assert_int_equal(conn_shutdown(&p.c), -EBADF);
    assert_int_equal(conn_close(&p.c), -EBADF);
    assert_int_equal(conn_reset(&p.c), -EBADF);
    assert_int_equal(conn_fill(&p.c, clk_now_ms() + WAIT_MS), -EBADF);
    size_t sent = 1;
    assert_int_equal(conn_send(&p.c, "x", 1, 0, 0, clk_now_ms() + WAIT_MS, &sent), -EBADF);
    assert_int_equal(sent, 0);
    /* The local address is kept for the report. */
    assert_int_equal(strncmp(p.c.local, "127.0.0.1:", 10), 0);
    unsigned char buf[4];
    assert_int_equal(net_read_timeout(p.peer, buf, sizeof buf, WAIT_MS), 0);
    pair_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conn_connect_fills_the_local_address),
        cmocka_unit_test(test_conn_connect_to_a_closed_port_is_refused),
        cmocka_unit_test(test_conn_send_delivers_the_bytes_to_the_peer),
        cmocka_unit_test(test_conn_fill_records_received_bytes),
        cmocka_unit_test(test_conn_fill_sees_the_peers_fin),
        cmocka_unit_test(test_conn_fill_sees_the_peers_rst),
        cmocka_unit_test(test_conn_fill_sees_rst_after_answered_bytes_as_plain_rst),
        cmocka_unit_test(test_conn_fill_sees_rst_with_our_bytes_unread_as_unread),
        cmocka_unit_test(test_conn_fill_times_out_when_nothing_arrives),
        cmocka_unit_test(test_conn_udp_round_trip_keeps_the_senders_address),
        cmocka_unit_test(test_conn_accept_takes_a_pending_connection),
        cmocka_unit_test(test_conn_accept_times_out_when_nobody_connects),
        cmocka_unit_test(test_conn_shutdown_sends_a_fin_and_keeps_reading),
        cmocka_unit_test(test_conn_reset_resets_the_peer),
        cmocka_unit_test(test_conn_shutdown_close_reset_fail_after_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
