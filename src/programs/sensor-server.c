/* sensor-server.c -- the seed's JSON SensorData server, with real newline framing and concurrency. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "net.h"
#include "prog.h"
#include "sensor.h"
#include "sensor_session.h"

#define SENSOR_READ_SIZE (16 * 1024)

struct sensor_server {
    int quiet;
    size_t max_line;
    int idle_timeout_ms;
    int send_timeout_ms;
    int event_driven; /* --event-driven */
};

/* Where answer() sends a reply: a blocking socket (a thread per client) or an evloop
 * connection (queued when the client is slow). */
struct sensor_out {
    int fd;                 /* >= 0: blocking */
    struct evloop_conn *ev; /* else this */
};

/* Sends |len| bytes to the client. Returns 0 or -errno. */
static int reply_send(const struct sensor_out *out, const char *data, size_t len)
{
    if (out->ev != NULL)
        return evloop_conn_send(out->ev, data, len);
    return net_write_all(out->fd, data, len);
}

/* Logs one line's outcome as the seed does and sends its reply. Returns 0, or -1 to hang up. */
static int answer(const struct sensor_out *out, const char *peer, const struct sensor_server *srv,
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
    r = reply_send(out, ev->reply, ev->reply_len);
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
    struct sensor_out out = {.fd = fd, .ev = NULL};
    unsigned char *buf = malloc(SENSOR_READ_SIZE);
    char ebuf[128];

    if (buf == NULL || sensor_session_init(&session, srv->max_line) != WC_OK) {
        prog_err("Error: out of memory for %s", peer);
        free(buf);
        return;
    }
    prog_out("Handling JSON connection from: %s", peer);
    /* One blocking recv per read; the idle timeout is the socket's (a stop shuts it down). */
    if (srv->idle_timeout_ms > 0)
        net_set_timeouts(fd, srv->idle_timeout_ms, srv->send_timeout_ms);
    for (;;) {
        ssize_t n = net_read_blocking(fd, buf, SENSOR_READ_SIZE);
        size_t off = 0;

        if (n == -ETIMEDOUT) {
            prog_err("Closing idle connection from %s after %d ms", peer, srv->idle_timeout_ms);
            break;
        }
        if (n == 0) {
            /* Half-close: a last line without '\n' is still a message. */
            if (sensor_session_finish(&session, &ev) == 1)
                answer(&out, peer, srv, &ev);
            prog_out("Client %s disconnected.", peer);
            break;
        }
        if (n < 0) {
            prog_err("Error reading from %s: %s", peer, prog_errno_text((int)n, ebuf, sizeof(ebuf)));
            break;
        }
        prog_conn_touch();
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
            if (answer(&out, peer, srv, &ev) != 0)
                goto done;
        }
    }
done:
    sensor_session_cleanup(&session);
    free(buf);
}

/* ---- event-driven mode (--event-driven): the same session, as evloop handlers ---- */

static void ev_open(struct evloop_conn *c, void *ctx)
{
    (void)ctx;
    prog_out("Handling JSON connection from: %s", evloop_conn_peer(c));
}

/* The session, made on the first byte: an idle client costs only the loop's struct. */
static struct sensor_session *ev_session(struct evloop_conn *c, const struct sensor_server *srv)
{
    struct sensor_session *s = evloop_conn_data(c);

    if (s != NULL)
        return s;
    s = calloc(1, sizeof(*s));
    if (s == NULL || sensor_session_init(s, srv->max_line) != WC_OK) {
        free(s);
        prog_err("Error: out of memory for %s", evloop_conn_peer(c));
        evloop_conn_close(c);
        return NULL;
    }
    evloop_conn_set_data(c, s);
    return s;
}

/* Answers lines until the input runs out or the client stops taking replies. */
static size_t ev_data(struct evloop_conn *c, const unsigned char *data, size_t len, void *ctx)
{
    const struct sensor_server *srv = ctx;
    struct sensor_session *s = ev_session(c, srv);
    struct sensor_out out = {.fd = -1, .ev = c};
    size_t off = 0;

    if (s == NULL)
        return len;
    while (off < len && !evloop_conn_congested(c)) {
        struct sensor_event ev;
        size_t used = 0;
        int r = sensor_session_feed(s, data + off, len - off, &used, &ev);

        off += used;
        if (r == WC_NEED_MORE)
            break;
        if (r != 1) {
            prog_err("Error: %s for %s", wc_strerror(r), evloop_conn_peer(c));
            evloop_conn_close(c);
            return len;
        }
        if (answer(&out, evloop_conn_peer(c), srv, &ev) != 0) {
            evloop_conn_close(c);
            return len;
        }
    }
    return off;
}

static void ev_eof(struct evloop_conn *c, void *ctx)
{
    const struct sensor_server *srv = ctx;
    struct sensor_session *s = evloop_conn_data(c);
    struct sensor_out out = {.fd = -1, .ev = c};
    struct sensor_event ev;

    /* Half-close: a last line without '\n' is still a message. */
    if (s != NULL && sensor_session_finish(s, &ev) == 1)
        answer(&out, evloop_conn_peer(c), srv, &ev);
}

static void ev_close(struct evloop_conn *c, enum evloop_close why, int err, void *ctx)
{
    const struct sensor_server *srv = ctx;
    struct sensor_session *s = evloop_conn_data(c);
    const char *peer = evloop_conn_peer(c);
    char ebuf[128];

    if (why == EVLOOP_CLOSE_EOF)
        prog_out("Client %s disconnected.", peer);
    else if (why == EVLOOP_CLOSE_READ_ERROR)
        prog_err("Error reading from %s: %s", peer, prog_errno_text(err, ebuf, sizeof(ebuf)));
    else if (why == EVLOOP_CLOSE_WRITE_ERROR)
        prog_err("Failed to send a reply to %s: %s", peer,
                 prog_errno_text(err, ebuf, sizeof(ebuf)));
    else if (why == EVLOOP_CLOSE_IDLE)
        prog_err("Closing idle connection from %s after %d ms", peer, srv->idle_timeout_ms);
    else if (why == EVLOOP_CLOSE_SEND_TIMEOUT)
        prog_err("Closing connection from %s: it took no reply for %d ms", peer,
                 srv->send_timeout_ms);
    if (s != NULL) {
        sensor_session_cleanup(s);
        free(s);
    }
}

static const struct evloop_handlers sensor_events = {
    .on_open = ev_open,
    .on_data = ev_data,
    .on_eof = ev_eof,
    .on_close = ev_close,
};

static int extra_option(void *ctx, const char *arg, const char *value)
{
    struct sensor_server *srv = ctx;

    (void)value;
    if (strcmp(arg, "--event-driven") == 0) {
        srv->event_driven = 1;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "sensor-server",
        .summary = "Newline-delimited JSON SensorData server, as the seed's JSON server.rs,\n"
                   "but framing by newline and serving clients concurrently.",
        .default_addr = "127.0.0.1:1234",
        .is_server = 1,
        .options = PROG_OPT_MAX_CONNS | PROG_OPT_MAX_LINE | PROG_OPT_IDLE_TIMEOUT |
                   PROG_OPT_SEND_TIMEOUT | PROG_OPT_THREADS,
        .extra_help = "  --event-driven       serve every client from a few epoll threads (one per\n"
                      "                       CPU, or --threads N) instead of a thread each\n"
                      "  --threads N          event threads with --event-driven (default 0: one\n"
                      "                       per CPU)\n"
                      "  --max-conns N        clients served at once with a thread each (default\n"
                      "                       1024); past it a new client is still served: the\n"
                      "                       client idle longest is disconnected to make room\n"
                      "  --max-line BYTES     longest line accepted (default 65536); a longer\n"
                      "                       one gets ERROR and is skipped\n"
                      "  --idle-timeout MS    hang up on a client that sends nothing for MS (default 0:\n"
                      "                       never, as the seed)\n"
                      "  --send-timeout MS    hang up on a client that takes none of its replies for\n"
                      "                       MS (default 0: never; with --event-driven a client\n"
                      "                       that does not read is no longer read from)\n",
    };
    struct prog_opts opts;
    struct sensor_server srv = {0};
    int fd;

    prog_parse(&info, argc, argv, &opts, extra_option, &srv);
    srv.quiet = opts.quiet;
    srv.max_line = opts.max_line;
    srv.idle_timeout_ms = opts.idle_timeout_ms;
    srv.send_timeout_ms = opts.send_timeout_ms;
    prog_signals_init();
    fd = prog_tcp_listen(&opts, "JSON Server listening on");
    if (srv.event_driven)
        return prog_serve_events(fd, &opts, &sensor_events, &srv);
    return prog_serve_threaded(fd, opts.max_conns, opts.send_timeout_ms, sensor_conn, &srv);
}
