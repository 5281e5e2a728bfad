/* serve.c -- `wirecheck serve CASE-ID`: plays the server side of one client case and prints the
 * exchange as it happens, so that a student can try a client by hand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "load/suite.h"
#include "net.h"
#include "status.h"

/* A person starts the client by hand: every wait is this many times the case's. */
#define SERVE_SCALE 20.0

static const char serve_usage[] =
    "usage: wirecheck serve CASE-ID [--listen HOST:PORT] [--timeout-scale X]\n"
    "  plays the server side of one client case (sensor-client.001, tcp-echo-client.004...)\n"
    "  on HOST:PORT (default 127.0.0.1 and the suite's port; port 0 picks a free one) and\n"
    "  prints each byte sent and received as it happens; start your client by hand. Waits are\n"
    "  the case's times 20 (--timeout-scale changes that). Steps that check the program\n"
    "  itself (its exit status, its output) need `wirecheck run --exec` and are left out.\n"
    "  exit 0 when the exchange went as the case wants, 1 when not, 2 usage\n";

static void print_event(const struct tr_event *e, void *ctx)
{
    (void)ctx;
    struct bytes b;
    bytes_init(&b, 0);
    if (tr_render_event(e, &b, "  ") == 0)
        fputs(bytes_str(&b), stdout);
    fflush(stdout);
    bytes_cleanup(&b);
}

int cli_cmd_serve(const struct cli *cli, int argc, char **argv)
{
    const char *id = NULL, *listen_at = NULL;
    double scale = SERVE_SCALE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(serve_usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_at = argv[++i];
        } else if (strcmp(argv[i], "--timeout-scale") == 0 && i + 1 < argc) {
            char *end;
            scale = strtod(argv[++i], &end);
            if (end == argv[i] || *end || !(scale >= 0.1 && scale <= 1000.0)) {
                fprintf(stderr, "wirecheck serve: --timeout-scale takes 0.1..1000, not '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (argv[i][0] != '-' && !id) {
            id = argv[i];
        } else {
            fprintf(stderr, "wirecheck serve: unexpected '%s'\n%s", argv[i], serve_usage);
            return 2;
        }
    }
    if (!id) {
        fputs(serve_usage, stderr);
        return 2;
    }
    struct suite *s;
    const struct cf_case *c = cli_load_case(cli, "serve", id, &s);
    if (!c)
        return 2;
    const char *name = s->name;
    int rc = 2;
    int fd = -1;
    if (!s->client_role) {
        fprintf(stderr, "wirecheck serve: %s checks a server; serve plays the server of a "
                "client case (try wirecheck run %s --exec ...)\n", id, name);
        goto out;
    }
    struct net_addr addr;
    if (listen_at) {
        if (net_parse_addr(listen_at, &addr) < 0) {
            fprintf(stderr, "wirecheck serve: --listen takes HOST:PORT, not '%s'\n", listen_at);
            goto out;
        }
    } else {
        net_loopback_addr(&addr, AF_INET, s->def->port);
    }
    if (c->listen) {
        fd = net_bind_nb(&addr, s->udp ? SOCK_DGRAM : SOCK_STREAM, 16, 1);
        if (fd < 0) {
            fprintf(stderr, "wirecheck serve: cannot listen on %s: %s\n",
                    listen_at ? listen_at : "the suite's port", strerror(-fd));
            rc = 3;
            goto out;
        }
    }
    char text[NET_ADDR_TEXT];
    net_addr_format((const struct sockaddr *)&addr.ss, addr.len, text);
    printf("wirecheck serve: %s %s\n  %s on %s: start your client now, told to use %s\n",
           c->id, c->title, c->listen ? "listening" : "nothing listens (the case wants the "
           "connection refused)", text, text);
    fflush(stdout);

    struct engine_env env;
    memset(&env, 0, sizeof env);
    env.client_role = 1;
    env.udp = s->udp;
    env.target = addr;
    env.listen_fd = fd;
    env.step_timeout_ms = (unsigned)(1500 * scale);
    env.scale = scale;
    struct engine_result res;
    engine_result_init(&res, 0);
    res.tr.live = print_event;
    engine_play(&env, c->steps, c->n_steps,
                (unsigned)((c->timeout_ms ? c->timeout_ms : 10000) * scale), &res);
    if (res.v.outcome == OUT_PASS) {
        printf("PASS: the exchange went as %s wants\n", c->id);
        rc = 0;
    } else if (res.v.outcome == OUT_UNSUPPORTED) {
        printf("PASS: the exchange went as %s wants up to line %u; the rest checks the program "
               "itself (wirecheck run %s --exec ... checks it)\n", c->id, res.v.line, name);
        rc = 0;
    } else {
        printf("%s: %s\n%s", outcome_name(res.v.outcome), res.v.reason, bytes_str(&res.detail));
        rc = 1;
    }
    engine_result_cleanup(&res);
out:
    if (fd >= 0)
        close(fd);
    suite_free(s);
    return rc;
}
