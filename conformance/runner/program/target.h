/* target.h -- the program under test: server instances (started, checked, restarted) and the
 * per-case setup of client suites (the runner's listening socket, the client's process). */
#ifndef WIRECHECK_RUNNER_TARGET_H
#define WIRECHECK_RUNNER_TARGET_H

#include <stddef.h>

#include "net.h"
#include "program/proc.h"
#include "program/sandbox.h"
#include "load/suite.h"

/* One server under test. With --exec and a placeholder each worker has its own instance on
 * its own port; otherwise there is one, on the fixed port or at --connect. */
struct target {
    const struct suite *s;
    const char *exec;       /* borrowed --exec command, or NULL (--connect) */
    int placeholders;       /* the command names {port}/{addr}: a fresh port per instance */
    struct net_addr addr;   /* where it listens */
    char addr_text[NET_ADDR_TEXT];
    struct proc *proc;      /* the running instance, or NULL */
    unsigned starts;        /* instances started */
    unsigned ready;         /* instances that became ready: 0 means it never could start */
    double scale;
    int reached;            /* --connect: it answered once */
    const struct sandbox *sb; /* how --exec instances run (borrowed) */
    _Atomic unsigned probes;     /* readiness probes sent, all instances */
    _Atomic unsigned refused;    /* of them, refused at once (nothing listening or bound yet) */
    _Atomic unsigned unanswered; /* of them, that waited out their deadline (atomic: a test
                                    watches them from another thread) */
};

/* Prepares |t| (starts nothing). |connect| is --connect or NULL; |sb| says how instances
 * run (confined or not). Returns 0, or WC_ERR_INVALID
 * with |err| for a --connect that is not HOST:PORT. */
int target_init(struct target *t, const struct suite *s, const char *exec, int placeholders,
                const char *connect, const struct sandbox *sb, double scale, char *err,
                size_t errlen);

/* Makes sure an instance is up and ready (TCP: accepts; UDP: answers a probe): starts or
 * restarts it with --exec, checks reachability once with --connect. Returns 0, or
 * WC_ERR_UNAVAILABLE with |err| saying why (its stderr tail included). */
int target_ensure(struct target *t, char *err, size_t errlen);

/* True while the --exec instance runs (always true with --connect). */
int target_alive(struct target *t);

/* Stops the instance (if any); target_ensure may start a new one. */
void target_stop(struct target *t);

/* What one readiness probe found. */
enum {
    TARGET_PROBE_READY = 1,   /* TCP: accepted; UDP: some datagram came back */
    TARGET_PROBE_REFUSED = 0, /* refused at once (RST, or ICMP port unreachable), or failed */
    TARGET_PROBE_TIMEOUT = -1 /* no answer by the deadline */
};

/* Probes |a| once (TCP: connects; UDP: sends a datagram and waits for any answer), waiting at
 * most until |deadline| (clock.h). A UDP port nothing is bound to is refused as soon as the
 * kernel's ICMP error arrives, not at the deadline. Returns a TARGET_PROBE_* value. */
int target_probe(const struct net_addr *a, int udp, int64_t deadline);

/* A port nobody uses now on 127.0.0.1, for |udp| or TCP. Returns 0 or -errno. */
int target_free_port(int udp, unsigned *port);

/* The runner's side of one client-suite case. */
struct client_run {
    int listen_fd;         /* TCP listener or UDP socket; -1 for "listen: no" */
    struct net_addr addr;  /* what the client is told ({addr}) */
    struct proc *proc;     /* the client */
};

/*
 * Listens (unless |listen| is 0) on --listen, or 127.0.0.1 with a fresh port when the command
 * has placeholders, or the suite's port; then starts the client. Returns 0,
 * WC_ERR_UNAVAILABLE with |err| for a failure of the runner's own (port busy), or
 * WC_ERR_INVALID with |err| when the client cannot run (its command, or --listen, is bad).
 */
int target_client_start(const struct suite *s, const char *exec, int placeholders,
                        const char *listen_at, int listen, const struct sandbox *sb,
                        struct client_run *cr, char *err, size_t errlen);

/* Stops the client if it still runs and closes the runner's socket. */
void target_client_finish(struct client_run *cr);

#endif
