/* echo_server.c -- a serial TCP echo server with one student mistake, chosen at build time.
 *
 *   FAULT_NONE         correct, but serial: fails tcp-echo-threaded (THR-*)
 *   FAULT_DROP_LAST    echoes each read without its last byte (ECHO-1)
 *   FAULT_STRLEN       echoes strlen(buf) bytes, as if data were a C string (ECHO-1)
 *   FAULT_LINES        echoes whole lines only, waiting for '\n' (ECHO-2)
 *   FAULT_NO_CLOSE     never closes after the client's FIN (ECHO-4)
 *   FAULT_CRASH_RESET  dereferences NULL when read() fails with ECONNRESET (ECHO-5)
 *   FAULT_DOUBLE       writes every read twice (ECHO-1: only "nothing extra" sees it)
 *   FAULT_QUIT         closes the connection after a line "quit", like a chat server (ECHO-3)
 *   FAULT_CAP_4MIB     a "memory budget": hangs up after 4 MiB on one connection (ECHO-7)
 *   FAULT_CRASH_AFTER  crashes 20 ms after a client that sent data has left, between cases
 *                      (ECHO-5: wirecheck must notice, not restart it silently)
 *   FAULT_POOL4        four worker threads, one connection each: a fifth client waits for a
 *                      free worker (THR-5)
 *   FAULT_UPPER        "normalises" what it echoes to upper case (ECHO-1)
 *   FAULT_WAIT_EOF     collects everything the client sends and echoes it when the client
 *                      half-closes (ECHO-3: a connection carries many exchanges)
 *   FAULT_LEAK_FD      forgets to close a connection when its client is done: no FIN after
 *                      the client's (ECHO-4), and a descriptor lost per client, which only
 *                      many clients show (wirecheck fuzz's resource-growth finding)
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faulty.h"

static void serve(int fd)
{
    char buf[512 + 1];
#ifdef FAULT_CRASH_AFTER
    int had_data = 0;
#endif
#ifdef FAULT_CAP_4MIB
    size_t total = 0;
#endif
#ifdef FAULT_LINES
    char line[8192];
    size_t have = 0;
#endif
#ifdef FAULT_WAIT_EOF
    static char all[1 << 20]; /* one connection at a time: a serial server */
    size_t have = 0;
#endif
    for (;;) {
        ssize_t n = read(fd, buf, 512);
        if (n < 0) {
#ifdef FAULT_CRASH_RESET
            /* The student's error path follows a wild pointer; raise() stands for it so that
             * the crash is the same in every build, sanitizers included. */
            if (errno == ECONNRESET)
                raise(SIGSEGV);
#endif
            break;
        }
        if (n == 0) {
#ifdef FAULT_NO_CLOSE
            pause(); /* forgot to return: the connection stays open */
#endif
#ifdef FAULT_WAIT_EOF
            net_write_all(fd, all, have); /* "the whole message, at the end" */
#endif
            break;
        }
        size_t out = (size_t)n;
#ifdef FAULT_CRASH_AFTER
        had_data = 1;
#endif
#ifdef FAULT_DROP_LAST
        out = out - 1; /* off by one */
#endif
#ifdef FAULT_STRLEN
        buf[n] = 0;
        out = strlen(buf);
#endif
#ifdef FAULT_UPPER
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
#endif
#ifdef FAULT_WAIT_EOF
        if (have + out <= sizeof all) {
            memcpy(all + have, buf, out);
            have += out;
        }
        continue;
#endif
#ifdef FAULT_LINES
        for (ssize_t i = 0; i < n && have < sizeof line; i++) {
            line[have++] = buf[i];
            if (buf[i] == '\n') {
                net_write_all(fd, line, have);
                have = 0;
            }
        }
        continue;
#endif
        if (net_write_all(fd, buf, out) < 0)
            break;
#ifdef FAULT_DOUBLE
        if (net_write_all(fd, buf, out) < 0) /* the echo, and a stray debugging write */
            break;
#endif
#ifdef FAULT_QUIT
        if (n == 5 && memcmp(buf, "quit\n", 5) == 0)
            break;
#endif
#ifdef FAULT_CAP_4MIB
        total += out;
        if (total >= ((size_t)4 << 20))
            break;
#endif
    }
#ifndef FAULT_LEAK_FD
    close(fd);
#endif
#ifdef FAULT_CRASH_AFTER
    if (had_data) { /* a use-after-free in the cleanup, some time later */
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
        raise(SIGSEGV);
    }
#endif
}

#ifdef FAULT_POOL4
static void *worker(void *arg)
{
    int lfd = *(int *)arg;
    for (;;) {
        int fd = net_tcp_accept(lfd, 1);
        if (fd >= 0)
            serve(fd);
    }
    return NULL;
}
#endif

int main(int argc, char **argv)
{
    struct net_addr a;
    net_ignore_sigpipe();
    faulty_addr(argc, argv, "--listen", "127.0.0.1:7878", &a);
    int lfd = faulty_tcp_listen(&a, "TCP Echo Server");
#ifdef FAULT_POOL4
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &lfd);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
#endif
    for (;;) {
        int fd = net_tcp_accept(lfd, 1);
        if (fd >= 0)
            serve(fd);
    }
}
