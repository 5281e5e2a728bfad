/* loadgen.c -- the servers bench's clients, every loop bounded in count and time.
 *   bench-loadgen pingpong PORT CONNS SECONDS MESSAGE
 *       CONNS clients each send MESSAGE (a line; "\n" appended) and wait for a reply line,
 *       again and again for SECONDS; prints "pingpong msgs=N secs=S rate=R" (replies per s).
 *   bench-loadgen hold PORT N idle|nonreading HOLD_SECONDS
 *       opens N clients as fast as it can (idle: they send nothing; nonreading: each sends
 *       256 KiB and never reads), prints "connected n=N ms=T", then checks that a fresh client
 *       gets its line echoed within 5 s ("fresh served=1 ms=T" or "fresh served=0"), prints
 *       "holding", and keeps the clients open HOLD_SECONDS (the script reads the server's
 *       memory meanwhile). Exit 0 when all connected and the fresh client was served. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"

#define MAX_CONNS 15000

struct client {
    int fd;
    size_t got; /* reply bytes so far */
};

static struct net_addr server;

/* A blocking client socket with TCP_NODELAY (every message goes out at once). */
static int connect_one(int timeout_ms)
{
    int fd = net_tcp_connect(&server, timeout_ms);

    if (fd >= 0)
        net_set_nodelay(fd, 1);
    return fd;
}

static int pingpong(int conns, int secs, const char *msg_arg)
{
    static struct client cl[MAX_CONNS];
    struct epoll_event evs[256];
    char msg[4096], buf[4096];
    size_t mlen = (size_t)snprintf(msg, sizeof(msg), "%s\n", msg_arg);
    int ep = epoll_create1(0);
    long long msgs = 0;
    int64_t start, end;

    for (int i = 0; i < conns; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};

        cl[i].fd = connect_one(5000);
        if (cl[i].fd < 0) {
            fprintf(stderr, "loadgen: connect %d failed: %s\n", i, strerror(-cl[i].fd));
            return 1;
        }
        epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev);
    }
    /* Skip the connections' log lines and first round: start counting once all are served. */
    start = clk_now_us();
    end = start + (int64_t)secs * 1000000;
    for (int i = 0; i < conns; i++)
        if (net_write_all(cl[i].fd, msg, mlen) != 0)
            return 1;
    while (clk_now_us() < end) {
        int n = epoll_wait(ep, evs, 256, 1000);

        for (int k = 0; k < n; k++) {
            struct client *c = &cl[evs[k].data.u32];
            ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

            if (r <= 0) {
                if (r < 0 && errno == EAGAIN)
                    continue;
                fprintf(stderr, "loadgen: a server connection ended\n");
                return 1;
            }
            if (memchr(buf, '\n', (size_t)r) == NULL) {
                c->got += (size_t)r;
                continue;
            }
            c->got = 0;
            msgs++;
            if (net_write_all(c->fd, msg, mlen) != 0)
                return 1;
        }
    }
    double s = (double)(clk_now_us() - start) / 1e6;
    printf("pingpong msgs=%lld secs=%.2f rate=%.0f\n", msgs, s, (double)msgs / s);
    return 0;
}

/* A fresh client: one line echoed within 5 s? Returns the ms it took, or -1. */
static long fresh_client(void)
{
    int64_t t0 = clk_now_us();
    int fd = connect_one(5000);
    char buf[64];
    size_t got = 0;

    if (fd < 0)
        return -1;
    if (net_write_all(fd, "fresh\n", 6) != 0) {
        close(fd);
        return -1;
    }
    while (got < 6) {
        ssize_t r = net_read_timeout(fd, buf + got, sizeof(buf) - got, 5000);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return got >= 6 ? (long)((clk_now_us() - t0) / 1000) : -1;
}

static int hold(int n, const char *kind, int secs)
{
    static int fds[MAX_CONNS];
    static char flood[256 * 1024];
    int nonreading = strcmp(kind, "nonreading") == 0;
    int64_t t0 = clk_now_us();
    int ok = 1, done = 0;

    /* Start every connect before waiting for any, as a burst of clients does. */
    for (int i = 0; i < n; i++) {
        int rc = net_tcp_connect_start(&server, &fds[i]);
        if (rc < 0) {
            fprintf(stderr, "loadgen: connect %d failed: %s\n", i, strerror(-rc));
            n = i;
            ok = 0;
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        int rc = net_tcp_connect_finish(fds[i], clk_deadline(20000));
        if (rc != 0) {
            if (ok)
                fprintf(stderr, "loadgen: connect %d failed: %s\n", i, strerror(-rc));
            ok = 0;
            continue;
        }
        done++;
        if (nonreading) {
            memset(flood, 'x', sizeof(flood));
            /* Whatever the socket takes now; the server's echo of it is never read. */
            if (send(fds[i], flood, sizeof(flood), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
                errno != EAGAIN)
                ok = 0;
        }
    }
    printf("connected n=%d ms=%.1f\n", done, (double)(clk_now_us() - t0) / 1000.0);
    long ms = fresh_client();
    if (ms < 0) {
        printf("fresh served=0\n");
        ok = 0;
    } else {
        printf("fresh served=1 ms=%ld\n", ms);
    }
    printf("holding\n");
    fflush(stdout);
    clk_sleep_until(clk_deadline((int64_t)secs * 1000));
    for (int i = 0; i < n; i++)
        close(fds[i]);
    return ok ? 0 : 1;
}

/* A decimal argument in [lo, hi], or -1. */
static long number(const char *text, long lo, long hi)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    return errno != 0 || end == text || *end != '\0' || v < lo || v > hi ? -1 : v;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    net_ignore_sigpipe();
    if (argc == 6 && strcmp(argv[1], "pingpong") == 0) {
        long port = number(argv[2], 1, 65535);
        int conns = (int)number(argv[3], 1, MAX_CONNS), secs = (int)number(argv[4], 1, 60);
        if (port < 0 || conns < 0 || secs < 0)
            return 2;
        net_loopback_addr(&server, AF_INET, (unsigned)port);
        return pingpong(conns, secs, argv[5]);
    }
    if (argc == 6 && strcmp(argv[1], "hold") == 0) {
        long port = number(argv[2], 1, 65535);
        int n = (int)number(argv[3], 1, MAX_CONNS), secs = (int)number(argv[5], 0, 60);
        if (port < 0 || n < 0 || secs < 0)
            return 2;
        net_loopback_addr(&server, AF_INET, (unsigned)port);
        return hold(n, argv[4], secs);
    }
    fprintf(stderr, "usage: bench-loadgen pingpong PORT CONNS SECONDS MESSAGE\n"
                    "       bench-loadgen hold PORT N idle|nonreading HOLD_SECONDS\n");
    return 2;
}
