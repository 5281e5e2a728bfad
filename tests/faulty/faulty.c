/* faulty.c -- argument and socket helpers shared by the deliberately faulty programs. */
#include "faulty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void faulty_addr(int argc, char **argv, const char *flag, const char *fallback,
                 struct net_addr *out)
{
    const char *text = fallback;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], flag) == 0)
            text = argv[i + 1];
    }
    if (net_parse_addr(text, out) < 0) {
        fprintf(stderr, "bad address %s\n", text);
        exit(2);
    }
}

static void banner_line(int fd, const char *banner)
{
    char addr[NET_ADDR_TEXT];
    if (net_local_text(fd, addr) < 0)
        snprintf(addr, sizeof addr, "?");
    printf("%s listening on %s\n", banner, addr);
    fflush(stdout);
}

int faulty_tcp_listen(const struct net_addr *a, const char *banner)
{
    int fd = net_tcp_listen(a, 64);
    if (fd < 0) {
        fprintf(stderr, "cannot listen: %s\n", strerror(-fd));
        exit(3);
    }
    banner_line(fd, banner);
    return fd;
}

int faulty_udp_bind(const struct net_addr *a, const char *banner)
{
    int fd = net_udp_bind(a);
    if (fd < 0) {
        fprintf(stderr, "cannot bind: %s\n", strerror(-fd));
        exit(3);
    }
    banner_line(fd, banner);
    return fd;
}
