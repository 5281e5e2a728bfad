/* echo-server.c -- the seed's serial TCP echo server: one client at a time, every byte echoed. */
#include "echo_conn.h"
#include "prog.h"

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "echo-server",
        .summary = "TCP echo server that serves one client at a time, as the seed's Server.rs.",
        .default_addr = "127.0.0.1:7878",
        .is_server = 1,
        .options = PROG_OPT_IDLE_TIMEOUT | PROG_OPT_SEND_TIMEOUT,
        .extra_help = "  --idle-timeout MS    hang up on a client that sends nothing for MS (default 0:\n"
                      "                       never, as the seed)\n"
                      "  --send-timeout MS    hang up on a client that takes none of its echo for MS\n"
                      "                       (default 0: never, as the seed; the next client waits)\n",
    };
    struct prog_opts opts;
    struct echo_conn_style style = {.threaded = 0};
    int fd;

    prog_parse(&info, argc, argv, &opts, NULL, NULL);
    style.quiet = opts.quiet;
    style.idle_timeout_ms = opts.idle_timeout_ms;
    style.send_timeout_ms = opts.send_timeout_ms;
    prog_signals_init();
    fd = prog_tcp_listen(&opts, "TCP Echo Server listening on");
    return prog_serve_serial(fd, opts.send_timeout_ms, echo_conn_handle, &style);
}
