/* echo_conn.c -- the echo servers' per-connection code, shared by the serial, threaded and
 * event-driven mains. */
#include "echo_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "net.h"
#include "prog.h"
#include "utf8.h"

/* Bigger than the seed's 512 bytes: fewer syscalls for large payloads, same bytes on the wire. */
#define ECHO_BUF_SIZE (64 * 1024)

/* The serial server's "Received N bytes from PEER: TEXT" line. |text| holds 3 * n bytes, the
 * most from_utf8_lossy can make of n, so one conversion pass is enough (no sizing pass, no
 * allocation per read). */
static void log_received(const char *peer, const char *buf, size_t n, char *text)
{
    char head[160];
    ptrdiff_t tlen = utf8_lossy(buf, n, text, 3 * n);

    if (tlen < 0)
        return;
    snprintf(head, sizeof(head), "Received %zu bytes from %s: ", n, peer);
    prog_out_bytes(head, text, (size_t)tlen, "");
}

void echo_conn_handle(int fd, const char *peer, void *ctx)
{
    const struct echo_conn_style *style = ctx;
    int log_reads = !style->threaded && !style->quiet;
    char ebuf[128];
    char *buf = malloc(ECHO_BUF_SIZE);
    char *text = log_reads ? malloc(3 * (size_t)ECHO_BUF_SIZE) : NULL;

    if (buf == NULL || (log_reads && text == NULL)) {
        prog_err("Error: out of memory for %s", peer);
        free(buf);
        free(text);
        return;
    }
    prog_out("Handling connection from: %s", peer);
    /* The idle timeout is the socket's receive timeout: each read is one blocking recv, not a
     * poll then a recv (a stop signal shuts the socket down, which ends the recv). */
    if (style->idle_timeout_ms > 0)
        net_set_timeouts(fd, style->idle_timeout_ms, style->send_timeout_ms);
    for (;;) {
        ssize_t n = net_read_blocking(fd, buf, ECHO_BUF_SIZE);
        int r;

        if (n == -ETIMEDOUT) {
            prog_err("Closing idle connection from %s after %d ms", peer, style->idle_timeout_ms);
            break;
        }
        if (n == 0) {
            prog_out("Client %s disconnected.", peer);
            break;
        }
        if (n < 0) {
            prog_err(style->threaded ? "Read error for %s: %s" : "Error reading from %s: %s", peer,
                     prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            break;
        }
        prog_conn_touch();
        if (log_reads)
            log_received(peer, buf, (size_t)n, text);
        r = net_write_all(fd, buf, (size_t)n);
        if (r < 0) {
            prog_err(style->threaded ? "Write error for %s: %s" : "Failed to echo to %s: %s", peer,
                     prog_errno_text(r, ebuf, sizeof(ebuf)));
            break;
        }
    }
    free(text);
    free(buf);
}

/* ---- the event-driven echo: the threaded server's log lines ---- */

static void ev_open(struct evloop_conn *c, void *ctx)
{
    (void)ctx;
    prog_out("Handling connection from: %s", evloop_conn_peer(c));
}

/* Takes everything: the loop reads no more while the echo waits (evloop_conn_congested), so
 * what is queued stays under one read beyond the high-water mark. */
static size_t ev_data(struct evloop_conn *c, const unsigned char *data, size_t len, void *ctx)
{
    (void)ctx;
    evloop_conn_send(c, data, len);
    return len;
}

static void ev_close(struct evloop_conn *c, enum evloop_close why, int err, void *ctx)
{
    const struct echo_conn_style *style = ctx;
    const char *peer = evloop_conn_peer(c);
    char ebuf[128];

    switch (why) {
    case EVLOOP_CLOSE_EOF:
        prog_out("Client %s disconnected.", peer);
        break;
    case EVLOOP_CLOSE_READ_ERROR:
        prog_err("Read error for %s: %s", peer, prog_errno_text(err, ebuf, sizeof(ebuf)));
        break;
    case EVLOOP_CLOSE_WRITE_ERROR:
        prog_err("Write error for %s: %s", peer, prog_errno_text(err, ebuf, sizeof(ebuf)));
        break;
    case EVLOOP_CLOSE_IDLE:
        prog_err("Closing idle connection from %s after %d ms", peer, style->idle_timeout_ms);
        break;
    case EVLOOP_CLOSE_SEND_TIMEOUT:
        prog_err("Closing connection from %s: it took no echo for %d ms", peer,
                 style->send_timeout_ms);
        break;
    case EVLOOP_CLOSE_HANDLER:
        prog_err("Error: out of memory for %s", peer);
        break;
    case EVLOOP_CLOSE_STOP:
        break;
    }
}

const struct evloop_handlers echo_conn_events = {
    .on_open = ev_open,
    .on_data = ev_data,
    .on_eof = NULL,
    .on_close = ev_close,
};
