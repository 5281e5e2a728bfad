/* net_async.c -- non-blocking sockets for code that watches many at once (the runner):
 * creating, binding, connecting in two halves, accepting, and the socket options it needs. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "wait.h"

static int close_keep_errno(int fd)
{
    int e = errno;
    close(fd);
    return -e;
}

int net_socket_nb(int family, int type)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int net_bind_nb(struct net_addr *a, int type, int backlog, int reuse)
{
    int fd = net_socket_nb(a->ss.ss_family, type);
    if (fd < 0)
        return fd;
    int one = 1;
    if (reuse)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 ||
        (backlog > 0 && type == SOCK_STREAM && listen(fd, backlog) < 0))
        return close_keep_errno(fd);
    a->len = sizeof a->ss;
    if (getsockname(fd, (struct sockaddr *)&a->ss, &a->len) < 0)
        return close_keep_errno(fd);
    return fd;
}

int net_tcp_connect_start(const struct net_addr *a, int *fd_out)
{
    *fd_out = -1;
    int fd = net_socket_nb(a->ss.ss_family, SOCK_STREAM);
    if (fd < 0)
        return fd;
    net_set_nodelay(fd, 1);
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0) {
        *fd_out = fd;
        return 0;
    }
    /* On a non-blocking socket EINTR also leaves the connect running in the background. */
    if (errno != EINPROGRESS && errno != EINTR)
        return close_keep_errno(fd);
    *fd_out = fd;
    return 1;
}

int net_tcp_connect_finish(int fd, int64_t deadline)
{
    int rev = wait_fd(fd, POLLOUT, deadline);
    if (rev < 0)
        return rev;
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
        return -errno;
    return err ? -err : 0;
}

int net_tcp_accept_nb(int listen_fd)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    net_set_nodelay(fd, 1);
    return fd;
}

void net_loopback_addr(struct net_addr *a, int family, unsigned port)
{
    memset(a, 0, sizeof *a);
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        s6->sin6_addr = in6addr_loopback;
        a->len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->len = sizeof *s4;
    }
}

unsigned net_addr_port(const struct net_addr *a)
{
    if (a->ss.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

int net_same_addr(const struct net_addr *a, const struct net_addr *b)
{
    if (a->ss.ss_family != b->ss.ss_family)
        return 0;
    if (a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)&a->ss;
        const struct sockaddr_in *y = (const struct sockaddr_in *)&b->ss;
        return a->len >= sizeof *x && b->len >= sizeof *y && x->sin_port == y->sin_port &&
               x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)&a->ss;
        const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)&b->ss;
        return a->len >= sizeof *x && b->len >= sizeof *y && x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return 0;
}

int net_set_rcvbuf(int fd, int bytes)
{
    return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) < 0 ? -errno : 0;
}

int net_set_reset_on_close(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0 ? -errno : 0;
}
