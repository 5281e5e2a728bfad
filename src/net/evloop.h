/* evloop.h -- an event-driven TCP server: a few threads, each with an edge-triggered epoll set
 * over one shared listening socket, bounded buffers with back-pressure, idle and send timeouts.
 * The program supplies what a connection does (evloop_handlers); this module owns the sockets. */
#ifndef WIRECHECK_EVLOOP_H
#define WIRECHECK_EVLOOP_H

#include <stddef.h>

/* One client connection; owned by the loop, valid from on_open until on_close returns. */
struct evloop_conn;

/* Why a connection ended (on_close). */
enum evloop_close {
    EVLOOP_CLOSE_EOF = 1,      /* the client closed (after its replies were sent) */
    EVLOOP_CLOSE_READ_ERROR,   /* recv failed: |err| is the -errno */
    EVLOOP_CLOSE_WRITE_ERROR,  /* send failed: |err| is the -errno (-EPIPE, -ECONNRESET...) */
    EVLOOP_CLOSE_IDLE,         /* nothing moved either way for idle_timeout_ms */
    EVLOOP_CLOSE_SEND_TIMEOUT, /* replies waited send_timeout_ms without the client taking any */
    EVLOOP_CLOSE_HANDLER,      /* a handler called evloop_conn_close (e.g. out of memory) */
    EVLOOP_CLOSE_STOP,         /* the server is stopping */
};

/* What a connection does. Handlers of one connection always run on the same thread, one at a
 * time; handlers of different connections may run at once on different threads. */
struct evloop_handlers {
    /* Accepted. May call evloop_conn_set_data. */
    void (*on_open)(struct evloop_conn *c, void *ctx);
    /* Bytes arrived (|len| > 0). Returns how many it used (0..len). While the connection is
     * congested (evloop_conn_congested) the handler should stop and return what it used: the
     * loop keeps the rest (at most one read's worth), stops reading from the client, and
     * offers the rest again once the client has taken its replies. */
    size_t (*on_data)(struct evloop_conn *c, const unsigned char *data, size_t len, void *ctx);
    /* The client half-closed, after every byte was given to on_data; replies queued here are
     * still sent. May be NULL. */
    void (*on_eof)(struct evloop_conn *c, void *ctx);
    /* The connection ends; |err| is the -errno for the two error kinds, else 0. The socket is
     * closed right after; the handler frees what it set with evloop_conn_set_data. */
    void (*on_close)(struct evloop_conn *c, enum evloop_close why, int err, void *ctx);
};

struct evloop_config {
    int listen_fd;       /* a listening TCP socket (made non-blocking by evloop_run) */
    int stop_fd;         /* readable once the server should stop (a self-pipe), or -1 */
    unsigned threads;    /* event threads (0: one per online CPU) */
    size_t read_size;    /* bytes read at a time (0: 64 KiB); per thread, not per client */
    size_t out_high;     /* queued reply bytes above which a client is congested (0: 64 KiB) */
    int idle_timeout_ms; /* 0: never */
    int send_timeout_ms; /* 0: never */
    const struct evloop_handlers *handlers;
    void *ctx; /* passed to every handler */
};

/*
 * Serves until stop_fd becomes readable, then closes every connection (on_close with
 * EVLOOP_CLOSE_STOP) and returns 0; or returns -errno when it could not start (the listening
 * socket is left open either way). Memory per idle connection is one struct evloop_conn
 * (about 200 bytes) plus what the handlers attach; a client that does not read costs at most
 * out_high + one reply of queued output plus one read of unconsumed input.
 */
int evloop_run(const struct evloop_config *cfg);

/* The client's address as text ("127.0.0.1:5000"). */
const char *evloop_conn_peer(const struct evloop_conn *c);

/* The handler's per-connection pointer (NULL until set). */
void *evloop_conn_data(const struct evloop_conn *c);
void evloop_conn_set_data(struct evloop_conn *c, void *data);

/*
 * Sends |len| bytes to the client: what the socket does not take now is queued (always
 * accepted, so a handler never loses a reply; the handler bounds the queue by stopping at
 * evloop_conn_congested). Returns 0, or -ENOMEM (the connection is then closed). A send error
 * is reported through on_close, not here.
 */
int evloop_conn_send(struct evloop_conn *c, const void *data, size_t len);

/* True when the queued replies exceed out_high, or the connection is closing: on_data should
 * stop consuming input. */
int evloop_conn_congested(const struct evloop_conn *c);

/* Reply bytes queued (not yet taken by the socket), for tests and statistics. */
size_t evloop_conn_queued(const struct evloop_conn *c);

/* Closes the connection once the current handler returns (on_close gets EVLOOP_CLOSE_HANDLER). */
void evloop_conn_close(struct evloop_conn *c);

#endif
