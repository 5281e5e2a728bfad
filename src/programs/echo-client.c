/* echo-client.c -- the seed's raw TCP client: send one message, read the whole echo back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "net_exchange.h"
#include "prog.h"
#include "utf8.h"

#define ECHO_CLIENT_MAX_MESSAGE ((size_t)64 * 1024 * 1024)

struct echo_client {
    const char *message;
    size_t message_len;
    const char *message_file;
};

static int extra_option(void *ctx, const char *arg, const char *value)
{
    struct echo_client *c = ctx;

    if (strcmp(arg, "--message") == 0 || strcmp(arg, "--message-file") == 0) {
        if (value == NULL) {
            fprintf(stderr, "echo-client: %s needs a value\n", arg);
            return -1;
        }
        if (arg[9] == '\0') {
            c->message = value;
            c->message_len = strlen(value);
        } else {
            c->message_file = value;
        }
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "echo-client",
        .summary = "TCP client that sends one message and prints the echo, as the seed's Client.rs.\n"
                   "It reads until as many bytes as it sent came back (the seed reads once).",
        .default_addr = "127.0.0.1:7878",
        .options = PROG_OPT_TIMEOUT,
        .extra_help =
            "  --message TEXT       what to send (default \"Sending a message to myself!\\n\")\n"
            "  --message-file PATH  send the bytes of a file instead ('-' is stdin; <= 64 MiB)\n"
            "  --timeout MS         give up when the server sends nothing for MS (default 5000)\n",
    };
    struct echo_client c = {.message = "Sending a message to myself!\n"};
    struct prog_opts opts;
    char *file_data = NULL;
    unsigned char *reply;
    size_t reply_len = 0;
    char ebuf[128];
    int fd, r, status = PROG_EXIT_OK;

    c.message_len = strlen(c.message);
    prog_parse(&info, argc, argv, &opts, extra_option, &c);
    net_ignore_sigpipe();
    if (c.message_file != NULL) {
        file_data = prog_read_file(c.message_file, ECHO_CLIENT_MAX_MESSAGE, &c.message_len);
        if (file_data == NULL)
            return PROG_EXIT_IO;
        c.message = file_data;
    }
    reply = malloc(c.message_len + 1);
    if (reply == NULL) {
        prog_err("Error: out of memory");
        free(file_data);
        return PROG_EXIT_IO;
    }
    prog_out("Attempting to connect to TCP echo server on %s..", opts.addr_text);
    fd = net_tcp_connect(&opts.addr, opts.timeout_ms);
    if (fd < 0) {
        prog_err("Error: cannot connect to %s: %s", opts.addr_text,
                 prog_errno_text(fd, ebuf, sizeof(ebuf)));
        free(reply);
        free(file_data);
        return PROG_EXIT_CONNECT;
    }
    /* The seed prints this line verbatim although it sends another message. */
    prog_out("Connected! Sending 'Hello, Rust TCP!'");
    r = net_exchange(fd, c.message, c.message_len, reply, c.message_len, &reply_len, NULL, NULL,
                     opts.timeout_ms);
    if (r == 1 || reply_len > 0) {
        size_t tlen = 0;
        char *text = utf8_lossy_dup(reply, reply_len, &tlen);

        if (text != NULL)
            prog_out_bytes("Received from server: ", text, tlen, "");
        free(text);
    }
    if (r == 0) {
        prog_err("Error: the server closed the connection after %zu of %zu bytes", reply_len,
                 c.message_len);
        status = PROG_EXIT_INCOMPLETE;
    } else if (r < 0) {
        prog_err("Error: %s after %zu of %zu bytes", r == -ETIMEDOUT ? "timed out" : "I/O error",
                 reply_len, c.message_len);
        if (r != -ETIMEDOUT)
            prog_err("Error: %s", prog_errno_text(r, ebuf, sizeof(ebuf)));
        status = r == -ETIMEDOUT ? PROG_EXIT_TIMEOUT : PROG_EXIT_IO;
    }
    close(fd);
    free(reply);
    free(file_data);
    return status;
}
