/* echo_server_epoll.c -- a correct TCP echo server: one thread, non-blocking sockets, epoll.
 *
 * An independent implementation for checking the conformance runner (suite
 * tcp-echo-threaded). Single file, libc only (Linux: epoll, signalfd, accept4):
 *
 *     gcc -std=c17 -Wall -Wextra -Wpedantic -Werror -D_GNU_SOURCE -O2 \
 *         -o echo_server_epoll echo_server_epoll.c
 *     ./echo_server_epoll [--listen HOST:PORT]
 *
 * HOST:PORT is an IPv4 address (or a name) with a port, or [IPv6]:PORT; the default is
 * 127.0.0.1:7878 and port 0 picks a free port. Once bound it prints
 * "TCP Echo Server listening on ADDR" (the address actually bound) and flushes stdout.
 *
 * Each connection owns one 64 KiB buffer holding bytes read and not yet written back.
 * Every byte read is written back as soon as the socket takes it, unchanged and in order.
 * Back-pressure: while the buffer is full (the client is not reading its echo) the server
 * stops reading from that client (EPOLLIN is dropped from its interest set) and resumes
 * once some of the buffer has been written, so memory stays bounded and nothing deadlocks.
 * On the client's FIN the rest of the buffer is written and the connection is closed with
 * a FIN. A reset or write error ends that connection only. epoll is level-triggered and
 * each wake-up does a bounded amount of work per connection, so one busy client cannot
 * starve the others.
 *
 * Exit status: 0 after SIGTERM or SIGINT, 2 for bad options, 3 when the address cannot be
 * resolved or bound, 1 for other setup failures.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:7878"
#define BUF_CAP ((size_t)64 * 1024)
#define MAX_EVENTS 256
#define ROUNDS_PER_WAKE 4   /* read/write rounds per connection per wake-up (fairness) */
#define ACCEPTS_PER_WAKE 128

enum { EXIT_OK = 0, EXIT_IO = 1, EXIT_USAGE = 2, EXIT_BIND = 3 };

struct conn {
    int fd;
    int rd_eof;             /* the client sent FIN: read no more */
    unsigned interest;      /* the events currently registered */
    size_t head, tail;      /* pending bytes are buf[head, tail) */
    struct conn *prev, *next;
    unsigned char buf[];    /* BUF_CAP bytes */
};

/* Tags for the two non-connection descriptors in the epoll set. */
static char listen_tag, signal_tag;

static struct conn *conns;  /* every open connection, for the shutdown */
static int epfd = -1;
static int spare_fd = -1;   /* held open so that EMFILE can still shed a connection */

static void usage(FILE *to)
{
    fputs("Usage: echo_server_epoll [--listen HOST:PORT]\n"
          "A TCP echo server (one thread, epoll). Default address " DEFAULT_LISTEN
          " (port 0: any free port).\n"
          "Exit status: 0 on SIGTERM/SIGINT, 2 bad options, 3 cannot resolve or bind.\n",
          to);
}

_Noreturn static void usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "echo_server_epoll: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    usage(stderr);
    exit(EXIT_USAGE);
}

/* "1.2.3.4:80", "name:80" or "[::1]:80" -> host (without brackets) and port text. */
static int split_host_port(const char *text, char *host, size_t host_size, char *port,
                           size_t port_size)
{
    const char *h, *p, *colon;
    size_t hl, pl;

    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        h = text + 1;
        hl = (size_t)(close - h);
        p = close + 2;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL || memchr(text, ':', (size_t)(colon - text)) != NULL)
            return -1;
        h = text;
        hl = (size_t)(colon - text);
        p = colon + 1;
    }
    pl = strlen(p);
    if (hl == 0 || hl >= host_size || pl == 0 || pl > 5 || pl >= port_size)
        return -1;
    for (size_t i = 0; i < pl; i++)
        if (p[i] < '0' || p[i] > '9')
            return -1;
    if (strtol(p, NULL, 10) > 65535)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    memcpy(port, p, pl);
    port[pl] = '\0';
    return 0;
}

/* A socket address as Rust's Display prints it: 1.2.3.4:80, [::1]:80. */
static void format_addr(const struct sockaddr_storage *ss, char *out, size_t size)
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        if (s6->sin6_scope_id != 0)
            snprintf(out, size, "[%s%%%u]:%u", ip, (unsigned)s6->sin6_scope_id,
                     (unsigned)ntohs(s6->sin6_port));
        else
            snprintf(out, size, "[%s]:%u", ip, (unsigned)ntohs(s6->sin6_port));
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        snprintf(out, size, "%s:%u", ip, (unsigned)ntohs(s4->sin_port));
    }
}

static int bind_listener(const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "echo_server_epoll: cannot resolve %s: %s\n", host, gai_strerror(rc));
        exit(EXIT_BIND);
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int one = 1;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "echo_server_epoll: cannot bind %s:%s: %s\n", host, port,
                strerror(err));
        exit(EXIT_BIND);
    }
    return fd;
}

static void conn_free(struct conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    close(c->fd); /* also removes it from the epoll set */
    free(c);
}

/* Registers what the connection waits for: input while there is room and no FIN yet,
 * output while bytes are pending. Returns -1 if epoll refuses. */
static int conn_update_interest(struct conn *c)
{
    unsigned want = 0;
    struct epoll_event ev;

    if (!c->rd_eof && c->tail - c->head < BUF_CAP)
        want |= EPOLLIN;
    if (c->tail > c->head)
        want |= EPOLLOUT;
    if (want == c->interest)
        return 0;
    memset(&ev, 0, sizeof ev);
    ev.events = want;
    ev.data.ptr = c;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        return -1;
    c->interest = want;
    return 0;
}

/* Moves bytes client -> buffer -> client. Returns 0 to keep the connection, -1 when it
 * is finished (closed by the client and fully echoed, or failed). */
static int conn_service(struct conn *c)
{
    for (int round = 0; round < ROUNDS_PER_WAKE; round++) {
        int progress = 0;

        if (!c->rd_eof) {
            if (c->tail == BUF_CAP && c->head > 0) { /* compact to make room at the end */
                memmove(c->buf, c->buf + c->head, c->tail - c->head);
                c->tail -= c->head;
                c->head = 0;
            }
            if (c->tail < BUF_CAP) {
                ssize_t n = recv(c->fd, c->buf + c->tail, BUF_CAP - c->tail, 0);
                if (n > 0) {
                    c->tail += (size_t)n;
                    progress = 1;
                } else if (n == 0) {
                    c->rd_eof = 1;
                    progress = 1;
                } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    return -1; /* ECONNRESET and the like */
                }
            }
        }
        if (c->tail > c->head) {
            ssize_t n = send(c->fd, c->buf + c->head, c->tail - c->head, MSG_NOSIGNAL);
            if (n > 0) {
                c->head += (size_t)n;
                if (c->head == c->tail)
                    c->head = c->tail = 0;
                progress = 1;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return -1; /* EPIPE, ECONNRESET */
            }
        }
        if (c->rd_eof && c->tail == c->head) {
            /* Everything echoed after the client's FIN: our FIN follows. Nothing is left
             * unread, so close() sends FIN, not RST. */
            shutdown(c->fd, SHUT_WR);
            return -1;
        }
        if (!progress)
            break;
    }
    return conn_update_interest(c);
}

static void conn_open(int fd)
{
    struct conn *c = malloc(sizeof *c + BUF_CAP);
    struct epoll_event ev;
    int one = 1;

    if (c == NULL) {
        close(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->rd_eof = 0;
    c->head = c->tail = 0;
    c->interest = EPOLLIN;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = c;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        free(c);
        return;
    }
    c->prev = NULL;
    c->next = conns;
    if (conns)
        conns->prev = c;
    conns = c;
}

static void accept_some(int lfd)
{
    for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            conn_open(fd);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
            /* Out of descriptors: accept and drop one so the listener does not stay
             * readable forever (a busy loop), then take the spare back. */
            close(spare_fd);
            fd = accept(lfd, NULL, NULL);
            if (fd >= 0)
                close(fd);
            spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            continue;
        }
        fprintf(stderr, "echo_server_epoll: accept: %s\n", strerror(errno));
        return;
    }
}

int main(int argc, char **argv)
{
    const char *listen_text = DEFAULT_LISTEN;
    char host[256], port[8], shown[INET6_ADDRSTRLEN + 32];
    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    struct epoll_event ev, events[MAX_EVENTS];
    sigset_t mask;
    int lfd, sfd, running = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--listen") == 0) {
            if (i + 1 >= argc)
                usage_error("option '--listen' needs a value", NULL);
            listen_text = argv[++i];
        } else if (strncmp(argv[i], "--listen=", 9) == 0) {
            listen_text = argv[i] + 9;
        } else {
            usage_error("unknown argument", argv[i]);
        }
    }
    if (split_host_port(listen_text, host, sizeof host, port, sizeof port) != 0)
        usage_error("--listen wants HOST:PORT or [IPV6]:PORT, not", listen_text);

    /* SIGTERM and SIGINT arrive through a signalfd, as events like any other. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) {
        perror("echo_server_epoll: sigprocmask");
        return EXIT_IO;
    }
    signal(SIGPIPE, SIG_IGN);

    lfd = bind_listener(host, port);
    if (getsockname(lfd, (struct sockaddr *)&bound, &bound_len) != 0) {
        perror("echo_server_epoll: getsockname");
        return EXIT_IO;
    }

    sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (sfd < 0 || epfd < 0) {
        perror("echo_server_epoll: signalfd/epoll_create1");
        return EXIT_IO;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_tag;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) != 0) {
        perror("echo_server_epoll: epoll_ctl");
        return EXIT_IO;
    }
    ev.data.ptr = &signal_tag;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) != 0) {
        perror("echo_server_epoll: epoll_ctl");
        return EXIT_IO;
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    format_addr(&bound, shown, sizeof shown);
    printf("TCP Echo Server listening on %s\n", shown);
    fflush(stdout);

    while (running) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("echo_server_epoll: epoll_wait");
            return EXIT_IO;
        }
        /* epoll reports each descriptor at most once per call, so freeing a connection
         * here cannot leave a stale pointer later in this batch. */
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == &signal_tag) {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                    running = 0;
            } else if (tag == &listen_tag) {
                accept_some(lfd);
            } else {
                struct conn *c = tag;
                if ((events[i].events & EPOLLERR) || conn_service(c) != 0)
                    conn_free(c);
            }
        }
    }

    while (conns)
        conn_free(conns);
    close(lfd);
    close(sfd);
    close(epfd);
    if (spare_fd >= 0)
        close(spare_fd);
    return EXIT_OK;
}
