/* udp-echo-client.c -- the seed's UDP client, plus retries and a check of who answered. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "prog.h"
#include "utf8.h"

#define UDP_MAX_DATAGRAM 65536

struct udp_client {
    const char *message;
    size_t message_len;
    size_t retries;
};

static int extra_option(void *ctx, const char *arg, const char *value)
{
    struct udp_client *c = ctx;

    if (strcmp(arg, "--message") == 0) {
        if (value == NULL || strlen(value) > 65507) {
            fprintf(stderr, "udp-echo-client: --message needs a text of at most 65507 bytes\n");
            return -1;
        }
        c->message = value;
        c->message_len = strlen(value);
        return 2;
    }
    if (strcmp(arg, "--retries") == 0) {
        if (prog_parse_size(value, 0, 100, &c->retries) != 0) {
            fprintf(stderr, "udp-echo-client: --retries wants a count 0..100\n");
            return -1;
        }
        return 2;
    }
    return 0;
}

/* Same family, address and port (flow labels and padding do not matter). */
/* Waits up to |timeout_ms| for a datagram from |server|, ignoring any other sender.
 * Returns its length, -ETIMEDOUT or -errno. */
static ssize_t await_reply(int fd, const struct net_addr *server, unsigned char *buf,
                           int timeout_ms, char from_text[NET_ADDR_TEXT])
{
    int64_t deadline = clk_deadline(timeout_ms);

    while (clk_now_ms() < deadline) {
        struct net_addr from;
        ssize_t n = net_udp_recv_from(fd, buf, UDP_MAX_DATAGRAM, &from, clk_left_ms(deadline));

        if (n < 0)
            return n;
        if (net_addr_format((struct sockaddr *)&from.ss, from.len, from_text) < 0)
            snprintf(from_text, NET_ADDR_TEXT, "unknown");
        if (net_same_addr(&from, server))
            return n;
        prog_err("Ignoring a datagram from %s: it is not the server", from_text);
    }
    return -ETIMEDOUT;
}

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "udp-echo-client",
        .summary = "UDP client that sends one datagram and prints the echo, as the seed's client,\n"
                   "retrying on timeout and ignoring datagrams that do not come from the server.",
        .default_addr = "127.0.0.1:8080",
        .options = PROG_OPT_TIMEOUT,
        .extra_help = "  --message TEXT       what to send (default \"Hello, UDP!\")\n"
                      "  --timeout MS         wait this long for each reply (default 5000)\n"
                      "  --retries N          send again this many times on timeout (default 2)\n",
    };
    struct udp_client c = {.message = "Hello, UDP!", .retries = 2};
    struct prog_opts opts;
    struct net_addr local;
    char from_text[NET_ADDR_TEXT];
    char ebuf[128];
    unsigned char *buf;
    size_t attempt;
    int fd, status = PROG_EXIT_TIMEOUT;

    c.message_len = strlen(c.message);
    prog_parse(&info, argc, argv, &opts, extra_option, &c);
    net_ignore_sigpipe();
    /* The seed binds 127.0.0.1:0; bind the matching any-address so IPv6 servers work too. */
    if (net_parse_addr(opts.addr.ss.ss_family == AF_INET6 ? "[::]:0" : "0.0.0.0:0", &local) != 0)
        return PROG_EXIT_IO;
    fd = net_udp_bind(&local);
    buf = malloc(UDP_MAX_DATAGRAM);
    if (fd < 0 || buf == NULL) {
        prog_err("Error: cannot open a UDP socket: %s", prog_errno_text(fd < 0 ? fd : ENOMEM, ebuf, sizeof(ebuf)));
        free(buf);
        return PROG_EXIT_CONNECT;
    }
    {
        char tail[NET_ADDR_TEXT + 16];

        snprintf(tail, sizeof(tail), "' to %s", opts.addr_text);
        prog_out_bytes("Sending '", c.message, c.message_len, tail);
    }
    for (attempt = 0; attempt <= c.retries; attempt++) {
        ssize_t n;

        n = net_udp_send_to(fd, c.message, c.message_len, &opts.addr);
        if (n < 0) {
            prog_err("Error: cannot send to %s: %s", opts.addr_text,
                     prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            status = PROG_EXIT_CONNECT;
            break;
        }
        n = await_reply(fd, &opts.addr, buf, opts.timeout_ms, from_text);
        if (n >= 0) {
            size_t tlen = 0;
            char *text = utf8_lossy_dup(buf, (size_t)n, &tlen);
            char tail[NET_ADDR_TEXT + 16];

            snprintf(tail, sizeof(tail), "' from %s", from_text);
            if (text != NULL)
                prog_out_bytes("Received '", text, tlen, tail);
            free(text);
            status = PROG_EXIT_OK;
            break;
        }
        if (n != -ETIMEDOUT) {
            prog_err("Error: %s", prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            status = n == -ECONNREFUSED ? PROG_EXIT_CONNECT : PROG_EXIT_IO;
            break;
        }
        prog_err("No reply from %s within %d ms%s", opts.addr_text, opts.timeout_ms,
                 attempt < c.retries ? ", sending again" : ", giving up");
    }
    close(fd);
    free(buf);
    return status;
}
