/* sensor-server.c -- the seed's JSON SensorData server, with real newline framing and concurrency. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "net.h"
#include "prog.h"
#include "sensor.h"
#include "sensor_session.h"

#define SENSOR_READ_SIZE (16 * 1024)

struct sensor_server {
    int quiet;
    size_t max_line;
    int idle_timeout_ms;
};

/* Logs one line's outcome as the seed does and sends its reply. Returns 0, or -1 to hang up. */
static int answer(int fd, const char *peer, const struct sensor_server *srv,
                  const struct sensor_event *ev)
{
    char ebuf[128];
    char head[160];
    int r;

    if (ev->kind == SENSOR_EVENT_OVERSIZE) {
        prog_err("Failed to deserialize JSON from %s: line of %zu bytes exceeds the %zu-byte limit",
                 peer, ev->line_len, srv->max_line);
    } else if (!srv->quiet || ev->kind == SENSOR_EVENT_ERROR) {
        snprintf(head, sizeof(head), "Received raw JSON from %s: ", peer);
        if (ev->kind == SENSOR_EVENT_ACK && !srv->quiet) {
            /* Both log lines in one write: the Debug text goes into a stack buffer (a heap
             * one only for a long device_id) and follows the raw text as the suffix. */
            char small[1024];
            struct textbuf b;
            char *big = NULL;

            textbuf_init_fixed(&b, small, sizeof(small));
            textbuf_puts(&b, "\nDeserialized data: ");
            sensor_debug_put(&b, ev->record);
            if (b.n == b.cap && textbuf_init_growable(&b, ev->record->device_id_len + 160)) {
                textbuf_puts(&b, "\nDeserialized data: ");
                sensor_debug_put(&b, ev->record);
                big = textbuf_finish(&b, NULL);
            }
            prog_out_bytes(head, ev->text, ev->text_len,
                           big != NULL ? big : b.failed ? "" : b.p);
            free(big);
        } else {
            if (!srv->quiet)
                prog_out_bytes(head, ev->text, ev->text_len, "");
            prog_err("Failed to deserialize JSON from %s: %s", peer, ev->error->msg);
        }
    }
    r = net_write_all(fd, ev->reply, ev->reply_len);
    if (r < 0) {
        prog_err(ev->kind == SENSOR_EVENT_ACK ? "Failed to send ACK to %s: %s"
                                              : "Failed to send error to %s: %s",
                 peer, prog_errno_text(r, ebuf, sizeof(ebuf)));
        return -1;
    }
    return 0;
}

static void sensor_conn(int fd, const char *peer, void *ctx)
{
    const struct sensor_server *srv = ctx;
    struct sensor_session session;
    struct sensor_event ev;
    unsigned char *buf = malloc(SENSOR_READ_SIZE);
    char ebuf[128];

    if (buf == NULL || sensor_session_init(&session, srv->max_line) != WC_OK) {
        prog_err("Error: out of memory for %s", peer);
        free(buf);
        return;
    }
    prog_out("Handling JSON connection from: %s", peer);
    for (;;) {
        int w = prog_wait_readable(fd, srv->idle_timeout_ms);
        ssize_t n;
        size_t off = 0;

        if (w == 0)
            break;
        if (w == -ETIMEDOUT) {
            prog_err("Closing idle connection from %s after %d ms", peer, srv->idle_timeout_ms);
            break;
        }
        n = w < 0 ? w : net_read_ready(fd, buf, SENSOR_READ_SIZE);
        if (n == -EAGAIN)
            continue; /* the wait said readable, the read found nothing: wait again */
        if (n == 0) {
            /* Half-close: a last line without '\n' is still a message. */
            if (sensor_session_finish(&session, &ev) == 1)
                answer(fd, peer, srv, &ev);
            prog_out("Client %s disconnected.", peer);
            break;
        }
        if (n < 0) {
            prog_err("Error reading from %s: %s", peer, prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            break;
        }
        while (off < (size_t)n) {
            size_t used = 0;
            int r = sensor_session_feed(&session, buf + off, (size_t)n - off, &used, &ev);

            off += used;
            if (r == WC_NEED_MORE)
                break;
            if (r != 1) {
                prog_err("Error: %s for %s", wc_strerror(r), peer);
                goto done;
            }
            if (answer(fd, peer, srv, &ev) != 0)
                goto done;
        }
    }
done:
    sensor_session_cleanup(&session);
    free(buf);
}

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "sensor-server",
        .summary = "Newline-delimited JSON SensorData server, as the seed's JSON server.rs,\n"
                   "but framing by newline and serving clients concurrently.",
        .default_addr = "127.0.0.1:1234",
        .is_server = 1,
        .options = PROG_OPT_MAX_CONNS | PROG_OPT_MAX_LINE | PROG_OPT_IDLE_TIMEOUT,
        .extra_help = "  --max-conns N        clients served at once (default 512)\n"
                      "  --max-line BYTES     longest line accepted (default 65536); a longer\n"
                      "                       one gets ERROR and is skipped\n"
                      "  --idle-timeout MS    hang up on a client that sends nothing for MS (default 0:\n"
                      "                       never, as the seed)\n",
    };
    struct prog_opts opts;
    struct sensor_server srv;
    int fd;

    prog_parse(&info, argc, argv, &opts, NULL, NULL);
    srv.quiet = opts.quiet;
    srv.max_line = opts.max_line;
    srv.idle_timeout_ms = opts.idle_timeout_ms;
    prog_signals_init();
    fd = prog_tcp_listen(&opts, "JSON Server listening on");
    return prog_serve_threaded(fd, opts.max_conns, sensor_conn, &srv);
}
