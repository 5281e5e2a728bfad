/* udp-echo-server.c -- the seed's UDP echo server: every datagram, any size up to 65507, echoed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net.h"
#include "prog.h"
#include "utf8.h"

/* The largest UDP payload (IPv6 jumbograms aside): the seed's 512 bytes truncated datagrams. */
#define UDP_MAX_DATAGRAM 65536

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "udp-echo-server",
        .summary = "UDP echo server, as the seed's UDP server, without its 512-byte truncation.",
        .default_addr = "127.0.0.1:8080",
        .is_server = 1,
    };
    struct prog_opts opts;
    char text[NET_ADDR_TEXT];
    char from_text[NET_ADDR_TEXT];
    char ebuf[128];
    unsigned char *buf;
    int fd;

    prog_parse(&info, argc, argv, &opts, NULL, NULL);
    prog_signals_init();
    fd = net_udp_bind(&opts.addr);
    if (fd < 0) {
        prog_err("Error: cannot bind %s: %s", opts.addr_text, prog_errno_text(fd, ebuf, sizeof(ebuf)));
        return PROG_EXIT_CONNECT;
    }
    buf = malloc(UDP_MAX_DATAGRAM);
    if (buf == NULL) {
        prog_err("Error: out of memory");
        close(fd);
        return PROG_EXIT_IO;
    }
    prog_out("UDP Echo Server listening on %s", net_local_text(fd, text) < 0 ? opts.addr_text : text);
    for (;;) {
        struct net_addr from;
        ssize_t n;
        int w = prog_wait_readable(fd, 0);

        if (w <= 0)
            break;
        n = net_udp_recv_from(fd, buf, UDP_MAX_DATAGRAM, &from, 0);
        if (n < 0) {
            /* ICMP errors from an earlier reply surface here; they concern one client only. */
            if (n != -ETIMEDOUT && n != -EAGAIN)
                prog_err("Error receiving: %s", prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            continue;
        }
        if (net_addr_format((struct sockaddr *)&from.ss, from.len, from_text) < 0)
            snprintf(from_text, sizeof(from_text), "unknown");
        if (!opts.quiet) {
            size_t tlen = 0;
            char *msg = utf8_lossy_dup(buf, (size_t)n, &tlen);
            char head[NET_ADDR_TEXT + 16];

            if (msg != NULL) {
                snprintf(head, sizeof(head), "' from %s", from_text);
                prog_out_bytes("Received '", msg, tlen, head);
            }
            free(msg);
        }
        n = net_udp_send_to(fd, buf, (size_t)n, &from);
        if (n < 0)
            prog_err("Error sending to %s: %s", from_text, prog_errno_text((int)n, ebuf, sizeof(ebuf)));
    }
    free(buf);
    close(fd);
    return PROG_EXIT_OK;
}
