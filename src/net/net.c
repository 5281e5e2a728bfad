/* net.c -- wirecheck's only socket code: Rust-compatible address text, timeouts, full writes. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "wait.h"

/* Longest address text net_parse_addr looks at; getaddrinfo hosts are at most NI_MAXHOST. */
#define NET_TEXT_MAX 1100

/* ---- address text ---- */

/* Rust's str::parse::<u16> (optional '+', ASCII digits, no overflow), which is how
 * ToSocketAddrs reads the port after the last ':'. */
static int parse_port(const char *s, size_t n, unsigned *port)
{
    if (n > 0 && s[0] == '+') {
        s++;
        n--;
    }
    if (n == 0)
        return -EINVAL;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > 65535)
            return -EINVAL;
    }
    *port = v;
    return 0;
}

/* Rust's SocketAddrV6 parser: "[" IPv6 ("%" decimal u32)? "]:" port, digits only. */
static int parse_bracketed(const char *text, size_t n, struct net_addr *out)
{
    const char *close = memchr(text, ']', n);
    if (close == NULL || (size_t)(close - text) + 2 > n || close[1] != ':')
        return -EINVAL;
    const char *host = text + 1;
    size_t host_len = (size_t)(close - host);
    const char *pct = memchr(host, '%', host_len);
    size_t ip_len = pct != NULL ? (size_t)(pct - host) : host_len;
    char ip[INET6_ADDRSTRLEN];
    if (ip_len == 0 || ip_len >= sizeof(ip))
        return -EINVAL;
    memcpy(ip, host, ip_len);
    ip[ip_len] = '\0';

    struct sockaddr_in6 sa6;
    memset(&sa6, 0, sizeof(sa6));
    sa6.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, ip, &sa6.sin6_addr) != 1)
        return -EINVAL;
    if (pct != NULL) {
        const char *sc = pct + 1;
        size_t sc_len = host_len - ip_len - 1;
        uint64_t scope = 0;
        if (sc_len == 0)
            return -EINVAL;
        for (size_t i = 0; i < sc_len; i++) {
            if (sc[i] < '0' || sc[i] > '9')
                return -EINVAL;
            scope = scope * 10 + (uint64_t)(sc[i] - '0');
            if (scope > UINT32_MAX)
                return -EINVAL;
        }
        sa6.sin6_scope_id = (uint32_t)scope;
    }
    const char *ps = close + 2;
    size_t ps_len = n - (size_t)(ps - text);
    unsigned port;
    if (ps_len == 0 || ps[0] == '+' || parse_port(ps, ps_len, &port) != 0)
        return -EINVAL;
    sa6.sin6_port = htons((uint16_t)port);
    memset(out, 0, sizeof(*out));
    memcpy(&out->ss, &sa6, sizeof(sa6));
    out->len = (socklen_t)sizeof(sa6);
    return 0;
}

static int gai_to_errno(int rc)
{
    switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
        return -ENOENT;
    case EAI_AGAIN:
        return -EAGAIN;
    case EAI_MEMORY:
        return -ENOMEM;
    case EAI_SYSTEM:
        return errno > 0 ? -errno : -EIO;
    default:
        return -EINVAL;
    }
}

int net_parse_addr(const char *text, struct net_addr *out)
{
    if (text == NULL || out == NULL)
        return -EINVAL;
    size_t n = strnlen(text, NET_TEXT_MAX + 1);
    if (n == 0 || n > NET_TEXT_MAX)
        return -EINVAL;
    /* Rust's ToSocketAddrs for &str: first the strict SocketAddr grammar (which is where
     * brackets are understood), then "host:port" split at the last ':' and resolved. */
    if (text[0] == '[' && parse_bracketed(text, n, out) == 0)
        return 0;
    const char *colon = memrchr(text, ':', n);
    if (colon == NULL)
        return -EINVAL;
    unsigned port;
    if (parse_port(colon + 1, n - (size_t)(colon - text) - 1, &port) != 0)
        return -EINVAL;
    size_t host_len = (size_t)(colon - text);
    /* No host name has brackets (a bracketed text that failed the strict grammar) and none is
     * empty: getaddrinfo would only say "Name or service not known", after asking DNS. */
    if (host_len == 0 || text[0] == '[')
        return -ENOENT;
    char host[NET_TEXT_MAX + 1];
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    char serv[8];
    snprintf(serv, sizeof(serv), "%u", port);

    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; /* one entry per address, as Rust asks */
    hints.ai_flags = AI_NUMERICSERV;
    errno = 0;
    int rc = getaddrinfo(host, serv, &hints, &res);
    if (rc != 0)
        return gai_to_errno(rc);
    int ret = -ENOENT;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof(out->ss))
            continue;
        memset(out, 0, sizeof(*out));
        memcpy(&out->ss, ai->ai_addr, ai->ai_addrlen);
        out->len = ai->ai_addrlen;
        ret = 0;
        break;
    }
    freeaddrinfo(res);
    return ret;
}

/*
 * Rust's Ipv6Addr Display: v4-mapped as "::ffff:a.b.c.d"; otherwise lowercase hex groups with
 * the first longest run (>= 2) of zero groups as "::". Unlike glibc's inet_ntop it never
 * prints the deprecated IPv4-compatible form (Rust shows ::1.2.3.4 as "::102:304").
 */
static int format_ipv6(const struct in6_addr *a, char *out, size_t cap)
{
    const unsigned char *b = a->s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, sizeof(mapped)) == 0)
        return snprintf(out, cap, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);

    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int best = -1, best_len = 0, cur = -1, cur_len = 0;
    for (int i = 0; i < 8; i++) {
        if (g[i] != 0) {
            cur_len = 0;
            continue;
        }
        if (cur_len == 0)
            cur = i;
        cur_len++;
        if (cur_len > best_len) {
            best = cur;
            best_len = cur_len;
        }
    }
    if (best_len < 2)
        best = -1;

    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        int w;
        if (i == best) {
            w = snprintf(out + n, cap - n, "::");
            i += best_len - 1;
        } else {
            /* A separator unless at the start or right after "::". */
            int sep = i > 0 && !(best >= 0 && i == best + best_len);
            w = snprintf(out + n, cap - n, "%s%x", sep ? ":" : "", g[i]);
        }
        if (w < 0 || (size_t)w >= cap - n)
            return -EINVAL;
        n += (size_t)w;
    }
    return (int)n;
}

int net_addr_format(const struct sockaddr *sa, socklen_t len, char out[NET_ADDR_TEXT])
{
    if (out == NULL)
        return -EINVAL;
    out[0] = '\0';
    if (sa == NULL)
        return -EINVAL;
    int w;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;
        memcpy(&sin, sa, sizeof(sin)); /* |sa| may be a less-aligned buffer */
        const unsigned char *b = (const unsigned char *)&sin.sin_addr.s_addr;
        w = snprintf(out, NET_ADDR_TEXT, "%u.%u.%u.%u:%u", b[0], b[1], b[2], b[3],
                     (unsigned)ntohs(sin.sin_port));
    } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, sa, sizeof(sin6));
        char ip[INET6_ADDRSTRLEN];
        if (format_ipv6(&sin6.sin6_addr, ip, sizeof(ip)) < 0)
            return -EINVAL;
        /* Rust prints a non-zero scope id as a number, never as an interface name. */
        if (sin6.sin6_scope_id != 0)
            w = snprintf(out, NET_ADDR_TEXT, "[%s%%%u]:%u", ip, (unsigned)sin6.sin6_scope_id,
                         (unsigned)ntohs(sin6.sin6_port));
        else
            w = snprintf(out, NET_ADDR_TEXT, "[%s]:%u", ip, (unsigned)ntohs(sin6.sin6_port));
    } else {
        return -EINVAL;
    }
    if (w < 0 || w >= NET_ADDR_TEXT) {
        out[0] = '\0';
        return -EINVAL;
    }
    return w;
}

static int sock_text(int fd, int peer, char out[NET_ADDR_TEXT])
{
    if (out == NULL)
        return -EINVAL;
    out[0] = '\0';
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (rc != 0)
        return -errno;
    return net_addr_format((const struct sockaddr *)&ss, len, out);
}

int net_local_text(int fd, char out[NET_ADDR_TEXT])
{
    return sock_text(fd, 0, out);
}

int net_peer_text(int fd, char out[NET_ADDR_TEXT])
{
    return sock_text(fd, 1, out);
}

/* ---- sockets ---- */

static int addr_ok(const struct net_addr *a)
{
    return a != NULL && a->len > 0 && a->len <= (socklen_t)sizeof(a->ss) &&
           (a->ss.ss_family == AF_INET || a->ss.ss_family == AF_INET6);
}

/* Closes |fd| keeping the errno that made us give up; returns it negated. */
static int fail_close(int fd)
{
    int e = errno;
    close(fd);
    return -e;
}

int net_tcp_listen(const struct net_addr *a, int backlog)
{
    if (!addr_ok(a) || backlog < 0)
        return -EINVAL;
    int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 || listen(fd, backlog) != 0)
        return fail_close(fd);
    return fd;
}

int net_tcp_accept(int listen_fd, int retry_eintr)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            return fd;
        if (errno != EINTR || !retry_eintr)
            return -errno;
    }
}

int net_wait_fd(int fd, short events, int timeout_ms)
{
    return wait_fd(fd, events, clk_deadline(timeout_ms));
}

int net_tcp_connect(const struct net_addr *a, int timeout_ms)
{
    if (!addr_ok(a))
        return -EINVAL;
    int64_t deadline = clk_deadline(timeout_ms);
    int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0) {
        /* On a non-blocking socket EINTR also leaves the connect running in the background. */
        if (errno != EINPROGRESS && errno != EINTR)
            return fail_close(fd);
        int rc = wait_fd(fd, POLLOUT, deadline);
        if (rc < 0) {
            close(fd);
            return rc;
        }
        int err = 0;
        socklen_t el = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
            return fail_close(fd);
        if (err != 0) {
            close(fd);
            return -err;
        }
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
        return fail_close(fd);
    return fd;
}

int net_udp_bind(const struct net_addr *a)
{
    if (!addr_ok(a))
        return -EINVAL;
    int fd = socket(a->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0)
        return fail_close(fd);
    return fd;
}

static int set_tv(int fd, int opt, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) != 0 ? -errno : 0;
}

int net_set_timeouts(int fd, int recv_ms, int send_ms)
{
    if (recv_ms < 0 || send_ms < 0)
        return -EINVAL;
    int rc = set_tv(fd, SO_RCVTIMEO, recv_ms);
    return rc != 0 ? rc : set_tv(fd, SO_SNDTIMEO, send_ms);
}

int net_set_nodelay(int fd, int on)
{
    int v = on ? 1 : 0;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) != 0 ? -errno : 0;
}

int net_ack_now(int fd)
{
    int v = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &v, sizeof(v)) != 0 ? -errno : 0;
}

int net_write_all(int fd, const void *buf, size_t len)
{
    if (buf == NULL && len > 0)
        return -EINVAL;
    const unsigned char *p = buf;
    int is_socket = 1;
    while (len > 0) {
        ssize_t w = is_socket ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
            continue;
        }
        if (w == 0)
            return -EIO; /* no progress and no error: never spin */
        if (errno == EINTR)
            continue;
        if (errno == ENOTSOCK && is_socket) {
            is_socket = 0; /* a pipe or file (tests, stdout): plain write */
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int fl = fcntl(fd, F_GETFL);
            if (fl >= 0 && (fl & O_NONBLOCK)) {
                int rc = wait_fd(fd, POLLOUT, -1);
                if (rc < 0)
                    return rc;
                continue;
            }
            return -ETIMEDOUT; /* a blocking socket only says EAGAIN when SO_SNDTIMEO hits */
        }
        return -errno;
    }
    return 0;
}

ssize_t net_read_ready(int fd, void *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return -EINVAL;
    for (;;) {
        ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
        if (n >= 0)
            return n;
        if (errno == EWOULDBLOCK)
            return -EAGAIN;
        if (errno != EINTR)
            return -errno;
    }
}

ssize_t net_read_blocking(int fd, void *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return -EINVAL;
    for (;;) {
        ssize_t n = recv(fd, buf, cap, 0);
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -ETIMEDOUT; /* a blocking socket says EAGAIN only when SO_RCVTIMEO hits */
        if (errno != EINTR)
            return -errno;
    }
}

ssize_t net_read_timeout(int fd, void *buf, size_t cap, int timeout_ms)
{
    if (buf == NULL || cap == 0)
        return -EINVAL;
    int64_t deadline = clk_deadline(timeout_ms);
    int is_socket = 1;
    for (;;) {
        int rc = wait_fd(fd, POLLIN, deadline);
        if (rc < 0)
            return rc;
        /* MSG_DONTWAIT: readiness can be spurious (a UDP checksum failure, another reader),
         * and a blocking recv would then ignore the deadline. */
        ssize_t n = is_socket ? recv(fd, buf, cap, MSG_DONTWAIT) : read(fd, buf, cap);
        if (n >= 0)
            return n;
        if (errno == ENOTSOCK && is_socket) {
            is_socket = 0;
            continue;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return -errno;
    }
}

void net_ignore_sigpipe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

ssize_t net_udp_send_to(int fd, const void *buf, size_t len, const struct net_addr *to)
{
    if ((buf == NULL && len > 0) || !addr_ok(to))
        return -EINVAL;
    for (;;) {
        ssize_t n = sendto(fd, buf, len, MSG_NOSIGNAL, (const struct sockaddr *)&to->ss, to->len);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return -errno;
    }
}

ssize_t net_udp_recv_from(int fd, void *buf, size_t cap, struct net_addr *from, int timeout_ms)
{
    if (buf == NULL && cap > 0)
        return -EINVAL;
    int64_t deadline = clk_deadline(timeout_ms);
    for (;;) {
        int rc = wait_fd(fd, POLLIN, deadline);
        if (rc < 0)
            return rc;
        struct net_addr src;
        memset(&src, 0, sizeof(src));
        src.len = sizeof(src.ss);
        ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&src.ss, &src.len);
        if (n >= 0) {
            if (from != NULL)
                *from = src;
            return n;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return -errno;
    }
}
