/* conn.h -- the runner's own sockets during a case: TCP streams with a receive buffer, UDP. */
#ifndef WIRECHECK_RUNNER_CONN_H
#define WIRECHECK_RUNNER_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "load/casefile.h"
#include "net.h"
#include "engine/transcript.h"

/* Most bytes a connection buffers before an expect consumes them. */
#define CONN_RX_MAX ((size_t)32 * 1024 * 1024)
/* Largest datagram (with room to notice one byte more than UDP allows). */
#define CONN_DGRAM_MAX 65536

enum conn_kind { CONN_TCP = 1, CONN_UDP = 2 };

/*
 * One named socket. Every fd is non-blocking; all waits are poll() bounded by a deadline in
 * clk_now_ms() milliseconds (clock.h). Reads are recorded in the transcript as they happen, so the
 * timeline shows how the peer's bytes were split.
 */
struct conn {
    char name[CF_NAME_MAX];
    enum conn_kind kind;
    int fd;                /* -1 when closed by the runner */
    struct bytes rx;       /* TCP: received and not yet consumed */
    size_t rx_off;         /* stream offset of rx.data[0] */
    size_t tx_off;         /* bytes sent so far (as recorded in the transcript) */
    size_t tx_written;     /* TCP: bytes the kernel has taken, partial pieces included */
    size_t tx_answered;    /* tx_written when an expect last matched bytes on this conn */
    unsigned closed;       /* CF_CLOSE_FIN / _RST / _UNREAD once the peer closed */
    int read_errno;        /* a read error other than a reset */
    struct net_addr peer;  /* UDP: default destination (or last sender, for `server`) */
    int have_peer;
    char local[NET_ADDR_TEXT]; /* our end's address once opened ("" before), kept after close */
    struct transcript *tr; /* borrowed */
    unsigned session;
};

/* Prepares an unopened connection named |name| recording into |tr|. */
void conn_init(struct conn *c, const char *name, struct transcript *tr, unsigned session);

/*
 * Records that the peer reset the connection (once): CF_CLOSE_UNREAD when bytes the runner
 * sent were never answered (tx_written > tx_answered: the peer most likely closed with them
 * unread, which is what makes a TCP stack send RST instead of FIN), else CF_CLOSE_RST.
 */
void conn_note_reset(struct conn *c);

/* Marks everything sent so far as answered: an expectation matched the peer's reply. */
static inline void conn_answered(struct conn *c)
{
    c->tx_answered = c->tx_written;
}

/* Closes the socket (if open) and frees the buffer. */
void conn_cleanup(struct conn *c);

/* TCP connect to |to| with TCP_NODELAY. Returns 0, -ECONNREFUSED, -ETIMEDOUT or -errno. */
int conn_connect(struct conn *c, const struct net_addr *to, int64_t deadline);

/* A UDP socket bound to the loopback address of |family| (port 0). Returns 0 or -errno. */
int conn_udp(struct conn *c, int family);

/* Adopts an fd (an accepted connection or the runner's listening UDP socket). */
void conn_adopt(struct conn *c, int fd, enum conn_kind kind);

/* Waits for and accepts one connection on |listen_fd|. Returns 0, -ETIMEDOUT or -errno. */
int conn_accept(struct conn *c, int listen_fd, int64_t deadline);

/*
 * Sends |len| bytes in pieces of |chunk| (0: one piece) with |delay_ms| between pieces,
 * reading whatever arrives meanwhile (so a peer that echoes while we send never deadlocks).
 * Returns 0, -ETIMEDOUT, -EPIPE/-ECONNRESET (with *sent set) or -errno.
 */
int conn_send(struct conn *c, const void *p, size_t len, size_t chunk, unsigned delay_ms,
              int64_t deadline, size_t *sent);

/* UDP: one datagram to |to|. Returns 0 or -errno. */
int conn_sendto(struct conn *c, const void *p, size_t len, const struct net_addr *to);

/*
 * TCP: waits until something new happens: bytes (returns the count read), the peer's close
 * (returns 0; c->closed says FIN or RST), or the deadline (-ETIMEDOUT). -ENOBUFS when the
 * receive buffer is full. Returns 0 at once when the peer had already closed.
 */
ssize_t conn_fill(struct conn *c, int64_t deadline);

/* UDP: receives one datagram into |buf| (CONN_DGRAM_MAX bytes). Returns its length,
 * -ETIMEDOUT or -errno, and its sender in |from|. */
ssize_t conn_recv_datagram(struct conn *c, unsigned char *buf, struct net_addr *from,
                           int64_t deadline);

/* shutdown(SHUT_WR), close, and close with SO_LINGER 0 (an RST). Return 0 or -errno. */
int conn_shutdown(struct conn *c);
int conn_close(struct conn *c);
int conn_reset(struct conn *c);

#endif
