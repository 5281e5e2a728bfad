/* echo_thread.h -- an in-process loopback echo server on a thread of its own, for the runner's
 * unit tests (engine, run) to play cases against. */
#ifndef WIRECHECK_TEST_ECHO_THREAD_H
#define WIRECHECK_TEST_ECHO_THREAD_H

#include <pthread.h>

#include "net.h"

struct echo {
    int udp;         /* a UDP echo (else TCP) */
    int drop_last;   /* TCP: answer each read without its last byte, then hang up */
    int fd;          /* TCP listener or UDP socket */
    int stop[2];     /* a byte written to stop[1] ends the thread */
    struct net_addr addr;
    char connect[NET_ADDR_TEXT]; /* "127.0.0.1:PORT", for run_opts.connect */
    pthread_t th;
};

/* Starts one on 127.0.0.1 and an ephemeral port (fails the test when it cannot). */
void echo_start(struct echo *e, int udp, int drop_last);

/* Stops and joins it; closes its sockets. */
void echo_stop(struct echo *e);

#endif
