/* net.h -- the only module that touches sockets: addresses, listen/connect, timeouts, I/O. */
#ifndef WIRECHECK_NET_H
#define WIRECHECK_NET_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Room for any address as Rust prints a SocketAddr ("[ffff:...%eth0]:65535"), with NUL. */
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

/* Parses "HOST:PORT": "127.0.0.1:7878", "[::1]:7878", "localhost:1234" (first result of
 * getaddrinfo, numeric ports only, 0..65535). Returns 0 or -EINVAL / -EAI-style -ENOENT. */
int net_parse_addr(const char *text, struct net_addr *out);

/* Formats |sa| as Rust's SocketAddr Display does: "127.0.0.1:5000", "[::1]:5000",
 * "[::ffff:127.0.0.1]:5000". Writes a NUL-terminated string; returns its length or -EINVAL. */
int net_addr_format(const struct sockaddr *sa, socklen_t len, char out[NET_ADDR_TEXT]);

/* The local / remote address of |fd| as text (see net_addr_format). Returns length or -errno. */
int net_local_text(int fd, char out[NET_ADDR_TEXT]);
int net_peer_text(int fd, char out[NET_ADDR_TEXT]);

/* A listening TCP socket (SO_REUSEADDR, CLOEXEC) bound to |a| with |backlog|. Returns fd. */
int net_tcp_listen(const struct net_addr *a, int backlog);

/* Accepts one connection (CLOEXEC), retrying on EINTR only when |retry_eintr|. Returns fd. */
int net_tcp_accept(int listen_fd, int retry_eintr);

/* Connects to |a| within |timeout_ms| (< 0: no timeout). Returns a blocking fd, or
 * -ECONNREFUSED, -ETIMEDOUT, ... */
int net_tcp_connect(const struct net_addr *a, int timeout_ms);

/* A UDP socket (CLOEXEC) bound to |a| (port 0: ephemeral). Returns fd. */
int net_udp_bind(const struct net_addr *a);

/* Sets SO_RCVTIMEO and SO_SNDTIMEO (0: none). Returns 0 or -errno. */
int net_set_timeouts(int fd, int recv_ms, int send_ms);

/* Sets TCP_NODELAY on |fd|. Returns 0 or -errno. */
int net_set_nodelay(int fd, int on);

/* Writes all |len| bytes, retrying short writes and EINTR; never raises SIGPIPE
 * (MSG_NOSIGNAL on sockets). Returns 0 or -errno (-ETIMEDOUT when a send timeout hits). */
int net_write_all(int fd, const void *buf, size_t len);

/* One read of up to |cap| bytes, waiting at most |timeout_ms| (< 0: forever). Returns the
 * count (0 at EOF), -ETIMEDOUT, or -errno. Retries EINTR. */
ssize_t net_read_timeout(int fd, void *buf, size_t cap, int timeout_ms);

/* Ignores SIGPIPE for the whole process (programs call it once at start). */
void net_ignore_sigpipe(void);

#endif
