/* net.h -- sockets: addresses, listen/connect (blocking, and non-blocking in two halves),
 * timeouts, I/O. With clock.h and wait.h, the only code in wirecheck that creates sockets,
 * polls or reads a clock. */
#ifndef WIRECHECK_NET_H
#define WIRECHECK_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Room for any address as Rust prints a SocketAddr, with NUL: the longest is
 * "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535" (58 bytes). */
#define NET_ADDR_TEXT 72

/* A resolved socket address. */
struct net_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/*
 * Every function returns >= 0 on success (a file descriptor or a count) or -errno on failure;
 * -EINVAL for text that is not an address. Timeouts are in milliseconds; -ETIMEDOUT when one
 * expires. Nothing here prints or exits.
 */

/*
 * Parses "HOST:PORT" as Rust's ToSocketAddrs for &str does: first the strict SocketAddr form
 * ("127.0.0.1:7878", "[::1]:7878", "[fe80::1%2]:80" with a numeric scope id), else split at the
 * last ':' into a Rust u16 port (decimal, optional '+', 0..65535) and a host given to
 * getaddrinfo (AI_NUMERICSERV; first IPv4/IPv6 result): "localhost:1234", "::1:80".
 * Returns 0, -EINVAL when the text or port is malformed (missing port, "[::1]", port 65536),
 * or -ENOENT when the host does not resolve ("[127.0.0.1]:80", ":80"; -EAGAIN / -ENOMEM for
 * temporary resolver failures).
 */
int net_parse_addr(const char *text, struct net_addr *out);

/* Formats |sa| as Rust's SocketAddr Display does: "127.0.0.1:5000", "[::1]:5000",
 * "[::ffff:127.0.0.1]:5000", "[fe80::1%3]:80" (scope id as a number), and IPv4-compatible
 * addresses in plain hex ("[::102:304]:80", not glibc's "::1.2.3.4"). Writes a NUL-terminated
 * string (empty on failure); returns its length, or -EINVAL for a family other than IPv4/IPv6
 * or a too-short |len|. */
int net_addr_format(const struct sockaddr *sa, socklen_t len, char out[NET_ADDR_TEXT]);

/* The local / remote address of |fd| as text (see net_addr_format). Returns length or -errno. */
int net_local_text(int fd, char out[NET_ADDR_TEXT]);
int net_peer_text(int fd, char out[NET_ADDR_TEXT]);

/* A listening TCP socket (SO_REUSEADDR, CLOEXEC) bound to |a| with |backlog|. Returns fd.
 * IPV6_V6ONLY is left at the system default, as Rust's TcpListener::bind leaves it. */
int net_tcp_listen(const struct net_addr *a, int backlog);

/* Accepts one connection (CLOEXEC), retrying on EINTR only when |retry_eintr|. Returns fd. */
int net_tcp_accept(int listen_fd, int retry_eintr);

/* Connects to |a| within |timeout_ms| (< 0: no timeout). Returns a blocking fd, or
 * -ECONNREFUSED, -ETIMEDOUT, ... */
int net_tcp_connect(const struct net_addr *a, int timeout_ms);

/* A UDP socket (CLOEXEC) bound to |a| (port 0: ephemeral). Returns fd. */
int net_udp_bind(const struct net_addr *a);

/* Sets SO_RCVTIMEO and SO_SNDTIMEO in ms (0: none). Returns 0, or -EINVAL / -errno. */
int net_set_timeouts(int fd, int recv_ms, int send_ms);

/* Waits until |fd| is ready for |events| (POLLIN, POLLOUT, ...) or |timeout_ms| passes (< 0:
 * forever; EINTR is retried with the time left, so signals do not extend it). Returns the
 * poll revents (> 0; POLLERR/POLLHUP included, for the next call on the fd to report),
 * -ETIMEDOUT, -EBADF for a closed fd, -EINVAL for fd < 0 or no events, or -errno. */
int net_wait_fd(int fd, short events, int timeout_ms);

/* Sets TCP_NODELAY on |fd|. Returns 0 or -errno. */
int net_set_nodelay(int fd, int on);

/* Acknowledges what arrives next at once (TCP_QUICKACK, which the kernel drops again on its
 * own: call it before each read). A peer that writes small replies without TCP_NODELAY waits
 * for our ACK before its next one; a delayed ACK makes that 40 ms. Returns 0 or -errno. */
int net_ack_now(int fd);

/* Writes all |len| bytes, retrying short writes and EINTR; never raises SIGPIPE
 * (MSG_NOSIGNAL on sockets; non-sockets get plain write()). Waits for room on a non-blocking
 * fd. Returns 0 or -errno (-ETIMEDOUT when a SO_SNDTIMEO send timeout hits; -EPIPE when the
 * peer is gone). */
int net_write_all(int fd, const void *buf, size_t len);

/* One read of up to |cap| (> 0) bytes, waiting at most |timeout_ms| (< 0: forever; signals do
 * not extend it). Returns the count (0 at EOF), -ETIMEDOUT, or -errno. Retries EINTR. */
ssize_t net_read_timeout(int fd, void *buf, size_t cap, int timeout_ms);

/* One read of up to |cap| (> 0) bytes from a socket that a wait said is readable, without
 * waiting: the count (0 at EOF), -EAGAIN when nothing was there after all (readiness can be
 * spurious), or -errno. Retries EINTR. */
ssize_t net_read_ready(int fd, void *buf, size_t cap);

/* One blocking read of up to |cap| (> 0) bytes, waiting as long as the socket's SO_RCVTIMEO
 * allows (none set: until data, EOF or a shutdown of the socket). Returns the count (0 at EOF),
 * -ETIMEDOUT when SO_RCVTIMEO expired, or -errno. Retries EINTR. One syscall per read, where a
 * wait then a read takes two. */
ssize_t net_read_blocking(int fd, void *buf, size_t cap);

/* Sends one datagram to |to|, retrying EINTR. Returns the bytes sent or -errno. */
ssize_t net_udp_send_to(int fd, const void *buf, size_t len, const struct net_addr *to);

/* Receives one datagram within |timeout_ms| (< 0: forever), keeping its first |cap| bytes (the
 * rest is dropped, as Rust's recv_from does) and its sender in |*from| (may be NULL).
 * Returns the bytes stored, -ETIMEDOUT, or -errno. Retries EINTR. */
ssize_t net_udp_recv_from(int fd, void *buf, size_t cap, struct net_addr *from, int timeout_ms);

/*
 * Non-blocking sockets (net_async.c), for code that waits on many at once with wait.h.
 * Every fd is non-blocking and CLOEXEC. Same return convention.
 */

/* A socket of |family| and |type| (SOCK_STREAM, SOCK_DGRAM). Returns fd. */
int net_socket_nb(int family, int type);

/* A socket of |type| bound to |*a| (port 0: the kernel picks one), SO_REUSEADDR when |reuse|,
 * listening with |backlog| when TCP and |backlog| > 0; |*a| becomes the address bound.
 * Returns fd. */
int net_bind_nb(struct net_addr *a, int type, int backlog, int reuse);

/* Starts a TCP connection to |a| (TCP_NODELAY set). Returns 0 when connected at once, 1 when
 * under way (finish it with net_tcp_connect_finish), or -errno (e.g. -ECONNREFUSED); |*fd| is
 * the socket, or -1 after a failure. */
int net_tcp_connect_start(const struct net_addr *a, int *fd);

/* Waits for a started connection until |deadline| (clock.h). Returns 0 when connected,
 * -ETIMEDOUT, or the connection's error (-ECONNREFUSED...). The fd stays the caller's. */
int net_tcp_connect_finish(int fd, int64_t deadline);

/* Accepts one pending connection (TCP_NODELAY set). Returns fd, -EAGAIN when none is
 * pending, or -errno. */
int net_tcp_accept_nb(int listen_fd);

/* 127.0.0.1:|port|, or [::1]:|port| for AF_INET6. */
void net_loopback_addr(struct net_addr *a, int family, unsigned port);

/* The port of an IPv4 or IPv6 address. */
unsigned net_addr_port(const struct net_addr *a);

/* True when |a| and |b| are the same IPv4/IPv6 address and port. */
int net_same_addr(const struct net_addr *a, const struct net_addr *b);

/* SO_RCVBUF; and SO_LINGER 0, so that closing |fd| resets the connection (RST). 0 or -errno. */
int net_set_rcvbuf(int fd, int bytes);
int net_set_reset_on_close(int fd);

/*
 * Moves the calling thread (only it: not the process's other threads) into a new network
 * namespace with only loopback, up: what it binds or connects to from then on, and the
 * processes it forks, are there, invisible to the rest of the machine. Threads it creates
 * later share it. Needs CAP_SYS_ADMIN. Returns 0 or -errno (-EPERM without the capability).
 */
int net_private_namespace(void);

/* Ignores SIGPIPE for the whole process (programs call it once at start). */
void net_ignore_sigpipe(void);

#endif
