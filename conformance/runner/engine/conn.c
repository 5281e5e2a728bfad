/* conn.c -- the runner's non-blocking sockets: bounded waits, reads recorded as they come. */
#include "engine/conn.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "status.h"
#include "wait.h"

void conn_init(struct conn *c, const char *name, struct transcript *tr, unsigned session)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->fd = -1;
    c->tr = tr;
    c->session = session;
    bytes_init(&c->rx, CONN_RX_MAX);
}

void conn_cleanup(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    bytes_cleanup(&c->rx);
}

/* wait_fd, with a timeout as 0: revents, 0 when |deadline| passed, or -errno. */
static int ready(int fd, short events, int64_t deadline)
{
    int rc = wait_fd(fd, events, deadline);
    return rc == -ETIMEDOUT ? 0 : rc;
}

static void forget_fd(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* A name opened again is a new connection: nothing of the old one (its bytes, its close, its
 * offsets, its peer) may leak into the new one's expectations. */
static void reopen(struct conn *c)
{
    forget_fd(c);
    bytes_consume(&c->rx, c->rx.len);
    c->rx_off = c->tx_off = c->tx_written = c->tx_answered = 0;
    c->closed = 0;
    c->read_errno = 0;
    c->have_peer = 0;
    memset(&c->peer, 0, sizeof c->peer);
    c->local[0] = 0;
}

int conn_connect(struct conn *c, const struct net_addr *to, int64_t deadline)
{
    reopen(c);
    c->kind = CONN_TCP;
    int fd;
    int rc = net_tcp_connect_start(to, &fd);
    if (rc == 1)
        rc = net_tcp_connect_finish(fd, deadline);
    if (rc < 0) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    c->fd = fd;
    net_local_text(fd, c->local);
    return 0;
}

int conn_udp(struct conn *c, int family)
{
    reopen(c);
    c->kind = CONN_UDP;
    struct net_addr a;
    net_loopback_addr(&a, family, 0);
    int fd = net_bind_nb(&a, SOCK_DGRAM, 0, 0);
    if (fd < 0)
        return fd;
    /* A flood of replies must not be dropped by the kernel before the runner reads them. */
    net_set_rcvbuf(fd, 1 << 20);
    c->fd = fd;
    net_local_text(fd, c->local);
    return 0;
}

void conn_adopt(struct conn *c, int fd, enum conn_kind kind)
{
    reopen(c);
    c->fd = fd;
    c->kind = kind;
    net_local_text(fd, c->local);
}

int conn_accept(struct conn *c, int listen_fd, int64_t deadline)
{
    for (;;) {
        int rev = ready(listen_fd, POLLIN, deadline);
        if (rev == 0)
            return -ETIMEDOUT;
        if (rev < 0)
            return rev;
        int fd = net_tcp_accept_nb(listen_fd);
        if (fd >= 0) {
            conn_adopt(c, fd, CONN_TCP);
            return 0;
        }
        if (fd != -EAGAIN && fd != -EINTR && fd != -ECONNABORTED)
            return fd;
    }
}

void conn_note_reset(struct conn *c)
{
    if (c->closed)
        return;
    size_t unanswered = c->tx_written - c->tx_answered;
    c->closed = unanswered ? CF_CLOSE_UNREAD : CF_CLOSE_RST;
    if (unanswered)
        tr_note(c->tr, c->session, c->name, TR_EVENT, "peer reset the connection (RST) with "
                "%zu byte%s we sent unanswered: closed with unread data", unanswered,
                unanswered == 1 ? "" : "s");
    else
        tr_note(c->tr, c->session, c->name, TR_EVENT, "peer reset the connection (RST)");
}

/* One read into rx; records it. Returns count, 0 at close (c->closed set), -EAGAIN, -errno. */
static ssize_t read_once(struct conn *c)
{
    unsigned char buf[65536];
    if (c->closed)
        return 0;
    size_t room = c->rx.max - c->rx.len;
    if (room == 0)
        return -ENOBUFS;
    ssize_t n = recv(c->fd, buf, room < sizeof buf ? room : sizeof buf, 0);
    if (n > 0) {
        tr_bytes(c->tr, c->session, c->name, TR_RECV, c->rx_off + c->rx.len, buf, (size_t)n);
        if (bytes_append(&c->rx, buf, (size_t)n) < 0)
            return -ENOMEM;
        return n;
    }
    if (n == 0) {
        c->closed = CF_CLOSE_FIN;
        tr_note(c->tr, c->session, c->name, TR_EVENT, "peer closed the connection (FIN)");
        return 0;
    }
    if (errno == EAGAIN || errno == EINTR)
        return -EAGAIN;
    if (errno == ECONNRESET) {
        conn_note_reset(c);
        return 0;
    }
    c->read_errno = errno;
    c->closed = CF_CLOSE_RST;
    tr_note(c->tr, c->session, c->name, TR_EVENT, "read failed: %s", strerror(errno));
    return 0;
}

ssize_t conn_fill(struct conn *c, int64_t deadline)
{
    if (c->fd < 0)
        return -EBADF;
    for (;;) {
        ssize_t n = read_once(c);
        if (n != -EAGAIN)
            return n;
        int rev = ready(c->fd, POLLIN, deadline);
        if (rev == 0)
            return -ETIMEDOUT;
        if (rev < 0)
            return rev;
    }
}

int conn_send(struct conn *c, const void *p, size_t len, size_t chunk, unsigned delay_ms,
              int64_t deadline, size_t *sent)
{
    const unsigned char *s = p;
    size_t off = 0;
    *sent = 0;
    if (c->fd < 0)
        return -EBADF;
    if (chunk == 0 || chunk > len)
        chunk = len ? len : 1;
    while (off < len) {
        size_t piece_end = off + (len - off < chunk ? len - off : chunk);
        size_t piece_start = off;
        while (off < piece_end) {
            short ev = POLLOUT | (c->closed ? 0 : POLLIN);
            int rev = ready(c->fd, ev, deadline);
            if (rev == 0)
                return -ETIMEDOUT;
            if (rev < 0)
                return rev;
            if ((rev & (POLLIN | POLLHUP | POLLERR)) && !c->closed) {
                ssize_t r = read_once(c);
                if (r < 0 && r != -EAGAIN)
                    return (int)r;
            }
            if (rev & (POLLOUT | POLLERR | POLLHUP)) {
                size_t want = piece_end - off;
                ssize_t w = send(c->fd, s + off, want < 65536 ? want : 65536, MSG_NOSIGNAL);
                if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    int e = errno;
                    if (e == ECONNRESET)
                        conn_note_reset(c);
                    if (off > piece_start)
                        tr_bytes(c->tr, c->session, c->name, TR_SEND, c->tx_off + piece_start,
                                 s + piece_start, off - piece_start);
                    c->tx_off += off - piece_start;
                    *sent = off;
                    return -e;
                }
                if (w > 0) {
                    off += (size_t)w;
                    c->tx_written += (size_t)w;
                }
            }
        }
        tr_bytes(c->tr, c->session, c->name, TR_SEND, c->tx_off, s + piece_start,
                 piece_end - piece_start);
        c->tx_off += piece_end - piece_start;
        *sent = off;
        if (off < len && delay_ms) {
            int64_t until = clk_now_ms() + delay_ms;
            if (until > deadline)
                return -ETIMEDOUT;
            while (!c->closed && clk_now_ms() < until) {
                int rev = ready(c->fd, POLLIN, until);
                if (rev <= 0)
                    break;
                ssize_t r = read_once(c);
                if (r < 0 && r != -EAGAIN)
                    return (int)r;
            }
            clk_sleep_until(until);
        }
    }
    return 0;
}

int conn_sendto(struct conn *c, const void *p, size_t len, const struct net_addr *to)
{
    if (c->fd < 0)
        return -EBADF;
    ssize_t w = sendto(c->fd, p, len, 0, (const struct sockaddr *)&to->ss, to->len);
    if (w < 0)
        return -errno;
    tr_bytes(c->tr, c->session, c->name, TR_SEND, c->tx_off, p, len);
    c->tx_off += len;
    return 0;
}

ssize_t conn_recv_datagram(struct conn *c, unsigned char *buf, struct net_addr *from,
                           int64_t deadline)
{
    if (c->fd < 0)
        return -EBADF;
    for (;;) {
        from->len = sizeof from->ss;
        ssize_t n = recvfrom(c->fd, buf, CONN_DGRAM_MAX, MSG_TRUNC,
                             (struct sockaddr *)&from->ss, &from->len);
        if (n >= 0) {
            size_t got = (size_t)n < CONN_DGRAM_MAX ? (size_t)n : CONN_DGRAM_MAX;
            char who[NET_ADDR_TEXT];
            if (net_addr_format((const struct sockaddr *)&from->ss, from->len, who) < 0)
                snprintf(who, sizeof who, "?");
            tr_note(c->tr, c->session, c->name, TR_EVENT, "datagram of %zd bytes from %s", n,
                    who);
            tr_bytes(c->tr, c->session, c->name, TR_RECV, c->rx_off, buf, got);
            c->rx_off += got;
            return n;
        }
        if (errno != EAGAIN && errno != EINTR) {
            /* A previous datagram's ICMP port unreachable surfaces here: keep waiting. */
            if (errno != ECONNREFUSED)
                return -errno;
        }
        int rev = ready(c->fd, POLLIN, deadline);
        if (rev == 0)
            return -ETIMEDOUT;
        if (rev < 0)
            return rev;
    }
}

int conn_shutdown(struct conn *c)
{
    if (c->fd < 0)
        return -EBADF;
    tr_note(c->tr, c->session, c->name, TR_EVENT, "runner shut down its write half (FIN)");
    return shutdown(c->fd, SHUT_WR) < 0 ? -errno : 0;
}

int conn_close(struct conn *c)
{
    if (c->fd < 0)
        return -EBADF;
    tr_note(c->tr, c->session, c->name, TR_EVENT, "runner closed the connection");
    forget_fd(c);
    return 0;
}

int conn_reset(struct conn *c)
{
    if (c->fd < 0)
        return -EBADF;
    net_set_reset_on_close(c->fd);
    tr_note(c->tr, c->session, c->name, TR_EVENT, "runner reset the connection (RST)");
    forget_fd(c);
    return 0;
}
