/* udp_server.c -- a UDP echo server with one student mistake, chosen at build time.
 *
 *   FAULT_OTHER_PORT   answers from a second socket, so from another port (UDP-7)
 *   FAULT_TRUNCATE     reads into 512 bytes: longer datagrams are cut (UDP-8)
 *   FAULT_SKIP_EMPTY   treats a zero-length read as "nothing to do" (UDP-3)
 *   FAULT_DUPLICATE    sends every reply twice, "in case one is lost" (UDP-1)
 */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "faulty.h"

int main(int argc, char **argv)
{
    struct net_addr a;
    faulty_addr(argc, argv, "--listen", "127.0.0.1:8080", &a);
    int fd = faulty_udp_bind(&a, "UDP Echo Server");
    int out = fd;
#ifdef FAULT_OTHER_PORT
    struct net_addr any = a;
    ((struct sockaddr_in *)&any.ss)->sin_port = 0;
    out = net_udp_bind(&any); /* "a socket for sending" */
#endif
    static char buf[65536];
    size_t cap = sizeof buf;
#ifdef FAULT_TRUNCATE
    cap = 512;
#endif
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&from, &fl);
        if (n < 0)
            continue;
#ifdef FAULT_SKIP_EMPTY
        if (n == 0)
            continue;
#endif
        sendto(out, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
#ifdef FAULT_DUPLICATE
        sendto(out, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
#endif
    }
}
