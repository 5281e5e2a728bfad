/* anchor_echo.c -- the bench's anchor: a plain single-thread epoll echo server, the textbook
 * loop (level-triggered, one 16 KiB buffer, echo written at once, no logging). Sockets come
 * from wirecheck's net layer (the layering lint), the loop is epoll as any C server writes it.
 *   usage: bench-anchor-echo PORT      (prints "listening on 127.0.0.1:PORT", serves forever) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

int main(int argc, char **argv)
{
    struct net_addr a;
    struct epoll_event ev, evs[512];
    static char buf[16384];
    int lfd, ep;

    char *end = NULL;
    long port = argc == 2 ? strtol(argv[1], &end, 10) : -1;

    if (port < 1 || port > 65535 || *end != '\0') {
        fprintf(stderr, "usage: bench-anchor-echo PORT\n");
        return 2;
    }
    net_ignore_sigpipe();
    net_loopback_addr(&a, AF_INET, (unsigned)port);
    lfd = net_bind_nb(&a, SOCK_STREAM, SOMAXCONN, 1);
    ep = epoll_create1(0);
    if (lfd < 0 || ep < 0) {
        fprintf(stderr, "bench-anchor-echo: cannot listen: %d\n", lfd);
        return 1;
    }
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    printf("listening on 127.0.0.1:%u\n", net_addr_port(&a));
    fflush(stdout);
    for (;;) {
        int n = epoll_wait(ep, evs, 512, -1);

        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;

            if (fd == lfd) {
                int c;
                while ((c = net_tcp_accept_nb(lfd)) >= 0) {
                    ev.events = EPOLLIN;
                    ev.data.fd = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
                }
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof(buf), 0);
            if (r > 0 && net_write_all(fd, buf, (size_t)r) == 0)
                continue;
            if (r < 0 && errno == EAGAIN)
                continue;
            close(fd); /* EOF or error */
        }
    }
}
