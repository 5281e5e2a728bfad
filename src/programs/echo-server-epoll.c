/* echo-server-epoll.c -- the event-driven TCP echo server: the model answer for the chapter's
 * "this naturally leads to asynchronous programming". Same bytes and log lines as
 * echo-server-threaded, without a thread per client. */
#include "echo_conn.h"
#include "prog.h"

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "echo-server-epoll",
        .summary = "TCP echo server driven by edge-triggered epoll: one thread per CPU serves\n"
                   "every client, with bounded buffers (a client that does not read is not\n"
                   "read from until it takes its echo).",
        .default_addr = "127.0.0.1:7878",
        .is_server = 1,
        .options = PROG_OPT_IDLE_TIMEOUT | PROG_OPT_SEND_TIMEOUT | PROG_OPT_THREADS,
        .extra_help =
            "  --threads N          event threads (default 0: one per CPU)\n"
            "  --idle-timeout MS    hang up on a client when no byte moved either way for MS\n"
            "                       (default 0: never, as the seed)\n"
            "  --send-timeout MS    hang up on a client that takes none of its echo for MS\n"
            "                       while echo waits (default 0: never; it then costs at\n"
            "                       most 128 KiB of buffer and others are served anyway)\n",
    };
    struct prog_opts opts;
    struct echo_conn_style style = {.threaded = 1};
    int fd;

    prog_parse(&info, argc, argv, &opts, NULL, NULL);
    style.quiet = opts.quiet;
    style.idle_timeout_ms = opts.idle_timeout_ms;
    style.send_timeout_ms = opts.send_timeout_ms;
    prog_signals_init();
    fd = prog_tcp_listen(&opts, "Event-driven TCP Echo Server listening on");
    return prog_serve_events(fd, &opts, &echo_conn_events, &style);
}
