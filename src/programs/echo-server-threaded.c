/* echo-server-threaded.c -- the seed's multi-threaded TCP echo server, bounded: small stacks,
 * a connection cap that evicts the longest-idle client rather than starve a fresh one. */
#include "echo_conn.h"
#include "prog.h"

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "echo-server-threaded",
        .summary = "TCP echo server with one thread per client, as the seed's threaded server.",
        .default_addr = "127.0.0.1:7878",
        .is_server = 1,
        .options = PROG_OPT_MAX_CONNS | PROG_OPT_IDLE_TIMEOUT | PROG_OPT_SEND_TIMEOUT,
        .extra_help = "  --max-conns N        clients served at once, a thread each (default 1024);\n"
                      "                       past it, a new client is still served: the client\n"
                      "                       idle longest is disconnected to make room\n"
                      "  --idle-timeout MS    hang up on a client that sends nothing for MS (default 0:\n"
                      "                       never, as the seed)\n"
                      "  --send-timeout MS    hang up on a client that takes none of its echo for MS\n"
                      "                       (default 0: never, as the seed)\n",
    };
    struct prog_opts opts;
    struct echo_conn_style style = {.threaded = 1};
    int fd;

    prog_parse(&info, argc, argv, &opts, NULL, NULL);
    style.quiet = opts.quiet;
    style.idle_timeout_ms = opts.idle_timeout_ms;
    style.send_timeout_ms = opts.send_timeout_ms;
    prog_signals_init();
    fd = prog_tcp_listen(&opts, "Multi-threaded TCP Echo Server listening on");
    return prog_serve_threaded(fd, opts.max_conns, opts.send_timeout_ms, echo_conn_handle,
                               &style);
}
