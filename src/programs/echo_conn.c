/* echo_conn.c -- the echo servers' per-connection loop, shared by the serial and threaded mains. */
#include "echo_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "net.h"
#include "prog.h"
#include "utf8.h"

/* Bigger than the seed's 512 bytes: fewer syscalls for large payloads, same bytes on the wire. */
#define ECHO_BUF_SIZE (64 * 1024)

void echo_conn_handle(int fd, const char *peer, void *ctx)
{
    const struct echo_conn_style *style = ctx;
    char ebuf[128];
    char *buf = malloc(ECHO_BUF_SIZE);

    if (buf == NULL) {
        prog_err("Error: out of memory for %s", peer);
        return;
    }
    prog_out("Handling connection from: %s", peer);
    for (;;) {
        int w = prog_wait_readable(fd, style->idle_timeout_ms);
        ssize_t n;
        int r;

        if (w == 0)
            break; /* stopping */
        if (w == -ETIMEDOUT) {
            prog_err("Closing idle connection from %s after %d ms", peer, style->idle_timeout_ms);
            break;
        }
        n = w < 0 ? w : net_read_ready(fd, buf, ECHO_BUF_SIZE);
        if (n == -EAGAIN)
            continue; /* the wait said readable, the read found nothing: wait again */
        if (n == 0) {
            prog_out("Client %s disconnected.", peer);
            break;
        }
        if (n < 0) {
            prog_err(style->threaded ? "Read error for %s: %s" : "Error reading from %s: %s", peer,
                     prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            break;
        }
        if (!style->threaded && !style->quiet) {
            size_t tlen = 0;
            char *text = utf8_lossy_dup(buf, (size_t)n, &tlen);
            char head[160];

            if (text != NULL) {
                snprintf(head, sizeof(head), "Received %zd bytes from %s: ", n, peer);
                prog_out_bytes(head, text, tlen, "");
                free(text);
            }
        }
        r = net_write_all(fd, buf, (size_t)n);
        if (r < 0) {
            prog_err(style->threaded ? "Write error for %s: %s" : "Failed to echo to %s: %s", peer,
                     prog_errno_text(r, ebuf, sizeof(ebuf)));
            break;
        }
    }
    free(buf);
}
