/* echo_conn.h -- one TCP echo connection, logged the way the seed's serial or threaded server
 * logs: as a blocking loop on a thread, or as evloop.h handlers. */
#ifndef WIRECHECK_ECHO_CONN_H
#define WIRECHECK_ECHO_CONN_H

#include "evloop.h"

/* Which of the seed's two echo servers' log lines to print. */
struct echo_conn_style {
    int threaded; /* 0: serial server's lines (with "Received N bytes"), 1: threaded server's */
    int quiet;    /* no per-message lines */
    int idle_timeout_ms; /* hang up on a client silent this long; 0: never */
    int send_timeout_ms; /* for the log line of a send timeout; 0: none */
};

/* Echoes everything read from |fd| back to it until EOF, an error or a stop signal.
 * |ctx| is a struct echo_conn_style. Does not close |fd|. Matches prog_conn_fn. */
void echo_conn_handle(int fd, const char *peer, void *ctx);

/* The same echo as evloop handlers (the threaded server's log lines); ctx is a struct
 * echo_conn_style. */
extern const struct evloop_handlers echo_conn_events;

#endif
