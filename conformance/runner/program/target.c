/* target.c -- starts, probes and restarts servers under test; sets up client-suite cases. */
#include "program/target.h"

#include "program/command.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "status.h"
#include "wait.h"
#include "bytes.h"

/* How long a started server gets to become ready, before --timeout-scale. */
#define TARGET_READY_MS 5000

/* A bound (and for TCP listening) socket on |a|; port 0 picks one. Returns fd or -errno. */
static int bind_at(struct net_addr *a, int udp, int do_listen)
{
    return net_bind_nb(a, udp ? SOCK_DGRAM : SOCK_STREAM, do_listen ? 256 : 0, 1);
}

/* The lowest port the kernel hands out for connect() and bind(0). */
static unsigned ephemeral_low(void)
{
    unsigned low = 32768;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        char line[64];
        if (fgets(line, sizeof line, f)) {
            char *end;
            unsigned long v = strtoul(line, &end, 10);
            if (end != line && v > 2048 && v <= 65535)
                low = (unsigned)v;
        }
        fclose(f);
    }
    return low;
}

int target_free_port(int udp, unsigned *port)
{
    /* A port below the ephemeral range: no outgoing connection (ours or another test's)
     * can take it between this check and the server's bind. */
    static _Atomic unsigned counter;
    unsigned low = ephemeral_low();
    unsigned base = low > 12000 ? 10000 : 1024;
    unsigned span = low - base;
    unsigned seed = (unsigned)getpid() * 2654435761u + (unsigned)clk_now_us();
    for (unsigned tries = 0; tries < 200; tries++) {
        unsigned p = base + (seed + 7919u * counter++) % span;
        struct net_addr a;
        net_loopback_addr(&a, AF_INET, p);
        int fd = bind_at(&a, udp, 0);
        if (fd >= 0) {
            close(fd);
            *port = p;
            return 0;
        }
    }
    return -EADDRINUSE;
}

int target_init(struct target *t, const struct suite *s, const char *exec, int placeholders,
                const char *connect, const struct sandbox *sb, double scale, char *err,
                size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->sb = sb;
    t->s = s;
    t->exec = exec;
    t->placeholders = placeholders;
    t->scale = scale;
    if (connect) {
        if (net_parse_addr(connect, &t->addr) < 0) {
            snprintf(err, errlen, "--connect %s: not HOST:PORT", connect);
            return WC_ERR_INVALID;
        }
    } else {
        net_loopback_addr(&t->addr, AF_INET, s->def->port);
    }
    net_addr_format((const struct sockaddr *)&t->addr.ss, t->addr.len, t->addr_text);
    return 0;
}

int target_alive(struct target *t)
{
    return !t->exec || (t->proc && proc_running(t->proc));
}

void target_stop(struct target *t)
{
    proc_free(t->proc);
    t->proc = NULL;
}

int target_probe(const struct net_addr *a, int udp, int64_t deadline)
{
    int fd = -1, rc;
    if (udp) {
        static const char probe[] = "wirecheck readiness probe\n";
        char buf[512];
        rc = TARGET_PROBE_REFUSED;
        fd = net_socket_nb(a->ss.ss_family, SOCK_DGRAM);
        /* IP_RECVERR: the ICMP port-unreachable that answers a probe sent before the server
         * has bound ends the wait at once (POLLERR, then recv's ECONNREFUSED), where an
         * unconnected socket would hear nothing and wait out the deadline. Unconnected, so
         * that a reply from any address still counts, as it always has. */
        int on = 1;
        if (fd >= 0 && (a->ss.ss_family == AF_INET6
                            ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on)
                            : setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on)) == 0 &&
            net_udp_send_to(fd, probe, sizeof probe - 1, a) >= 0) {
            int rev = wait_fd(fd, POLLIN, deadline);
            if (rev == -ETIMEDOUT)
                rc = TARGET_PROBE_TIMEOUT;
            else if (rev > 0 && recv(fd, buf, sizeof buf, 0) >= 0)
                rc = TARGET_PROBE_READY;
        }
    } else {
        rc = net_tcp_connect_start(a, &fd);
        if (rc == 1)
            rc = net_tcp_connect_finish(fd, deadline);
        rc = rc == 0 ? TARGET_PROBE_READY
                     : rc == -ETIMEDOUT ? TARGET_PROBE_TIMEOUT : TARGET_PROBE_REFUSED;
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

/* One readiness attempt (100 ms at most), counted. */
static int ready_once(struct target *t)
{
    int rc = target_probe(&t->addr, t->s->udp, clk_now_ms() + 100);
    t->probes++;
    if (rc == TARGET_PROBE_REFUSED)
        t->refused++;
    else if (rc == TARGET_PROBE_TIMEOUT)
        t->unanswered++;
    return rc == TARGET_PROBE_READY;
}

static void stderr_tail(struct proc *p, char *out, size_t len)
{
    struct bytes b;
    bytes_init(&b, 0);
    proc_output(p, PROC_STDERR, 0, &b);
    size_t from = b.len > 300 ? b.len - 300 : 0;
    /* Byte by byte: a NUL in the program's output must not end the quote early. */
    size_t o = 0;
    for (size_t i = from; i < b.len && o + 3 < len; i++) {
        if (b.data[i] == 0) {
            out[o++] = '\\';
            out[o++] = '0';
        } else {
            out[o++] = (char)b.data[i];
        }
    }
    if (len)
        out[o < len ? o : len - 1] = 0;
    if (b.len == 0)
        snprintf(out, len, "(nothing)");
    for (size_t n = strlen(out); n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'); n--)
        out[n - 1] = 0;
    bytes_cleanup(&b);
}

/* Starts |argv| as |sb| says (confined, with its limits; NULL: as it is). */
static int start_confined(const struct sandbox *sb, char **argv, struct proc **out, char *err,
                          size_t errlen)
{
    static _Atomic unsigned instances;
    struct sandbox none;
    if (!sb) {
        memset(&none, 0, sizeof none);
        sb = &none;
    }
    /* Inside the sandbox a program that cannot run is only a wrapper's exit status 127:
     * find out here, as proc_start would, so that the report says why. */
    if (sb->on || sb->uid_only) {
        char path[4096], cwd[4096];
        if (sandbox_resolve(argv[0], path, sizeof path, err, errlen) < 0 ||
            (getcwd(cwd, sizeof cwd) && sandbox_reachable(cwd, 0, err, errlen) < 0))
            return -EACCES;
    }
    struct proc_spec spec;
    sandbox_proc_spec(sb, &spec);
    char **wrapped;
    int rc = sandbox_command(sb, instances++, argv, &wrapped);
    if (rc < 0) {
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    rc = proc_start(wrapped, &spec, out, err, errlen);
    command_argv_free(wrapped);
    return rc;
}

/* Starts the program once. Sets |*collided| when it died at start while another process held
 * the port picked for it: two runners can pick the same free port in the same moment. */
static int start_instance(struct target *t, char *err, size_t errlen, int *collided)
{
    char port[16], host[64] = "127.0.0.1";
    unsigned p = net_addr_port(&t->addr);
    if (t->placeholders) {
        int e = target_free_port(t->s->udp, &p);
        if (e < 0) {
            snprintf(err, errlen, "no free port: %s", strerror(-e));
            return WC_ERR_UNAVAILABLE;
        }
        net_loopback_addr(&t->addr, AF_INET, p);
        net_addr_format((const struct sockaddr *)&t->addr.ss, t->addr.len, t->addr_text);
    } else {
        /* A fixed port already taken means another server would answer in its place. */
        struct net_addr probe = t->addr;
        int fd = bind_at(&probe, t->s->udp, 1);
        if (fd < 0) {
            snprintf(err, errlen, "%s is already in use (another server running?): %s",
                     t->addr_text, strerror(-fd));
            return WC_ERR_UNAVAILABLE;
        }
        close(fd);
    }
    snprintf(port, sizeof port, "%u", p);
    struct command_subst sub = {host, port, t->addr_text};
    char **argv;
    int ph;
    if (command_split(t->exec, &sub, &argv, &ph, err, errlen) < 0)
        return WC_ERR_UNAVAILABLE;
    int rc = start_confined(t->sb, argv, &t->proc, err, errlen);
    command_argv_free(argv);
    if (rc < 0)
        return WC_ERR_UNAVAILABLE;
    t->starts++;
    int64_t deadline = clk_now_ms() + (int64_t)(TARGET_READY_MS * t->scale);
    while (clk_now_ms() < deadline) {
        if (!proc_running(t->proc)) {
            char how[64], tail[400];
            proc_describe_end(t->proc, how, sizeof how);
            if (t->placeholders) {
                struct net_addr probe = t->addr;
                int fd = bind_at(&probe, t->s->udp, 0);
                if (fd >= 0)
                    close(fd);
                *collided = fd == -EADDRINUSE;
            }
            /* It has ended, but the capture thread may not have read its last words yet:
             * wait for the end of its stderr (bounded: a leftover child may hold it open). */
            proc_output_wait(t->proc, PROC_STDERR, (size_t)-1, clk_now_ms() + 2000);
            stderr_tail(t->proc, tail, sizeof tail);
            snprintf(err, errlen, "the server %s while starting; its stderr: %s", how, tail);
            target_stop(t);
            return WC_ERR_UNAVAILABLE;
        }
        if (ready_once(t)) {
            t->ready++;
            return 0;
        }
        clk_sleep_until(clk_now_ms() + 5);
    }
    char tail[400];
    stderr_tail(t->proc, tail, sizeof tail);
    snprintf(err, errlen, "the server was not ready on %s within %d ms (%s%s); its stderr: %s",
             t->addr_text, (int)(TARGET_READY_MS * t->scale),
             t->s->udp ? "no answer to a UDP probe" : "no TCP accept",
             t->placeholders ? "" : "; the command names no {addr} or {port}, so the suite's "
                                    "port is assumed", tail);
    target_stop(t);
    return WC_ERR_UNAVAILABLE;
}

int target_ensure(struct target *t, char *err, size_t errlen)
{
    if (!t->exec) {
        if (t->reached)
            return 0;
        int64_t deadline = clk_now_ms() + (int64_t)(2000 * t->scale);
        while (clk_now_ms() < deadline) {
            if (ready_once(t)) {
                t->reached = 1;
                return 0;
            }
            clk_sleep_until(clk_now_ms() + 20);
        }
        snprintf(err, errlen, "nothing answers at %s (%s)", t->addr_text,
                 t->s->udp ? "no reply to a UDP probe" : "TCP connect failed");
        return WC_ERR_UNAVAILABLE;
    }
    if (t->proc && proc_running(t->proc))
        return 0;
    target_stop(t);
    for (int attempt = 1;; attempt++) {
        int collided = 0;
        int rc = start_instance(t, err, errlen, &collided);
        if (rc == 0 || !collided || attempt == 3)
            return rc;
        t->starts--; /* a lost race for a port is not a restart the program caused */
    }
}

int target_client_start(const struct suite *s, const char *exec, int placeholders,
                        const char *listen_at, int listen, const struct sandbox *sb,
                        struct client_run *cr, char *err, size_t errlen)
{
    memset(cr, 0, sizeof *cr);
    cr->listen_fd = -1;
    if (listen_at) {
        if (net_parse_addr(listen_at, &cr->addr) < 0) {
            snprintf(err, errlen, "--listen %s: not HOST:PORT", listen_at);
            return WC_ERR_INVALID;
        }
    } else {
        net_loopback_addr(&cr->addr, AF_INET, placeholders ? 0 : s->def->port);
    }
    if (listen) {
        cr->listen_fd = bind_at(&cr->addr, s->udp, 1);
        if (cr->listen_fd < 0) {
            char a[NET_ADDR_TEXT];
            net_addr_format((const struct sockaddr *)&cr->addr.ss, cr->addr.len, a);
            snprintf(err, errlen, "cannot listen on %s: %s", a, strerror(-cr->listen_fd));
            return WC_ERR_UNAVAILABLE;
        }
        if (s->udp)
            net_set_rcvbuf(cr->listen_fd, 1 << 20);
    } else if (net_addr_port(&cr->addr) == 0) {
        unsigned p;
        int e = target_free_port(s->udp, &p);
        if (e < 0) {
            snprintf(err, errlen, "no free port: %s", strerror(-e));
            return WC_ERR_UNAVAILABLE;
        }
        net_loopback_addr(&cr->addr, AF_INET, p);
    }
    char host[64], port[16], addr[NET_ADDR_TEXT];
    net_addr_format((const struct sockaddr *)&cr->addr.ss, cr->addr.len, addr);
    snprintf(port, sizeof port, "%u", net_addr_port(&cr->addr));
    snprintf(host, sizeof host, "%s", cr->addr.ss.ss_family == AF_INET6 ? "::1" : "127.0.0.1");
    struct command_subst sub = {host, port, addr};
    char **argv;
    int ph;
    int rc = command_split(exec, &sub, &argv, &ph, err, errlen);
    if (rc < 0)
        return rc;
    rc = start_confined(sb, argv, &cr->proc, err, errlen);
    command_argv_free(argv);
    return rc < 0 ? WC_ERR_INVALID : 0;
}

void target_client_finish(struct client_run *cr)
{
    proc_free(cr->proc);
    cr->proc = NULL;
    if (cr->listen_fd >= 0)
        close(cr->listen_fd);
    cr->listen_fd = -1;
}
