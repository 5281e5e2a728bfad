/* udp_client.c -- a UDP echo client with one student mistake, chosen at build time.
 *
 *   FAULT_ANY_SENDER   takes the first datagram from anyone for the reply (UCLI-4)
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "faulty.h"

int main(int argc, char **argv)
{
    static const char msg[] = "Hello, UDP!";
    struct net_addr server, local;
    faulty_addr(argc, argv, "--connect", "127.0.0.1:8080", &server);
    if (net_parse_addr("127.0.0.1:0", &local) < 0)
        return 1;
    int fd = net_udp_bind(&local);
    if (fd < 0)
        return 3;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (net_udp_send_to(fd, msg, sizeof msg - 1, &server) < 0)
            return 1;
        for (;;) {
            char buf[2048];
            struct net_addr from;
            ssize_t n = net_udp_recv_from(fd, buf, sizeof buf, &from, 500);
            if (n < 0)
                break; /* timeout: send again */
#ifndef FAULT_ANY_SENDER
            if (from.len != server.len || memcmp(&from.ss, &server.ss, server.len) != 0)
                continue;
#endif
            char who[NET_ADDR_TEXT];
            net_addr_format((const struct sockaddr *)&from.ss, from.len, who);
            printf("Received '%.*s' from %s\n", (int)n, buf, who);
            return 0;
        }
    }
    return 4;
}
