/* echo_client.c -- a TCP echo client with one student mistake, chosen at build time.
 *
 *   FAULT_ONE_READ        reads once and prints whatever came (TCLI-5), like the seed
 *   FAULT_EXIT0_REFUSED   reports a refused connection but exits 0 (TCLI-4)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "faulty.h"

int main(int argc, char **argv)
{
    static const char msg[] = "Sending a message to myself!\n";
    struct net_addr a;
    net_ignore_sigpipe();
    faulty_addr(argc, argv, "--connect", "127.0.0.1:7878", &a);
    int fd = net_tcp_connect(&a, 1000);
    if (fd < 0) {
        fprintf(stderr, "cannot connect: %s\n", strerror(-fd));
#ifdef FAULT_EXIT0_REFUSED
        return 0;
#endif
        return 3;
    }
    if (net_write_all(fd, msg, sizeof msg - 1) < 0)
        return 1;
    char buf[512];
    size_t have = 0;
    while (have < sizeof msg - 1) {
        ssize_t n = net_read_timeout(fd, buf + have, sizeof buf - have, 1000);
        if (n <= 0)
            return n == 0 ? 5 : 4;
        have += (size_t)n;
#ifdef FAULT_ONE_READ
        break;
#endif
    }
    printf("Received from server: %.*s\n", (int)have, buf);
    close(fd);
    return 0;
}
