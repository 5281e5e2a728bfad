/* prog.h -- what the seven reference programs share: options, logging, signals, serving loops. */
#ifndef WIRECHECK_PROG_H
#define WIRECHECK_PROG_H

#include <stdarg.h>
#include <stddef.h>

#include "net.h"

/* Exit codes shared by every program (documented in README.md and in each --help). */
enum prog_exit {
    PROG_EXIT_OK = 0,
    PROG_EXIT_IO = 1,         /* an I/O error other than the ones below */
    PROG_EXIT_USAGE = 2,      /* bad command line */
    PROG_EXIT_CONNECT = 3,    /* could not bind, resolve or connect */
    PROG_EXIT_TIMEOUT = 4,    /* the peer did not answer in time */
    PROG_EXIT_INCOMPLETE = 5, /* the peer closed before the reply was complete */
};

/* Describes one program for the common option parser. */
struct prog_info {
    const char *name;         /* "echo-server" */
    const char *summary;      /* one line for --help */
    const char *default_addr; /* the seed's address, "127.0.0.1:7878" */
    int is_server;            /* --listen (server) or --connect (client) */
    const char *extra_help;   /* program-specific options, already formatted, or NULL */
    unsigned options;         /* which of the PROG_OPT_* common options apply */
};

/* Common options a program may take besides --listen/--connect, --quiet, --help, --version. */
#define PROG_OPT_TIMEOUT 1u   /* --timeout MS */
#define PROG_OPT_MAX_CONNS 2u /* --max-conns N */
#define PROG_OPT_MAX_LINE 4u  /* --max-line BYTES */
#define PROG_OPT_IDLE_TIMEOUT 8u /* --idle-timeout MS */
#define PROG_OPT_SEND_TIMEOUT 16u /* --send-timeout MS */
#define PROG_OPT_THREADS 32u      /* --threads N (event-driven servers) */

/* Options every program understands; programs add their own through |extra|. */
struct prog_opts {
    struct net_addr addr; /* --listen / --connect */
    const char *addr_text;
    int quiet;        /* --quiet: no per-message log lines */
    int timeout_ms;   /* clients: --timeout MS (default 5000) */
    size_t max_conns; /* threaded servers: --max-conns N (default 1024) */
    size_t max_line;  /* sensor: --max-line BYTES (default 64 KiB) */
    int idle_timeout_ms; /* TCP servers: --idle-timeout MS, 0 = never (the seed's behaviour) */
    int send_timeout_ms; /* TCP servers: --send-timeout MS, 0 = never (the seed's behaviour) */
    unsigned threads;    /* event-driven servers: --threads N, 0 = one per CPU */
};

/*
 * Program-specific option handler: called for each argument the common parser does not know,
 * with |value| the next argument (or NULL). Returns how many arguments it used (1 or 2), 0 if
 * the option is unknown, or -1 after printing its own usage error.
 */
typedef int (*prog_extra_fn)(void *ctx, const char *arg, const char *value);

/*
 * Parses argv. Handles --help and --version (prints, exits 0) and usage errors (prints to
 * stderr, exits PROG_EXIT_USAGE). Returns only with |opts| filled.
 */
void prog_parse(const struct prog_info *info, int argc, char **argv, struct prog_opts *opts,
                prog_extra_fn extra, void *ctx);

/* Parses a decimal size/count with bounds; returns 0 or -1. */
int prog_parse_size(const char *text, size_t min, size_t max, size_t *out);

/* One log line on stdout (the seed's println!), written whole even from several threads. */
void prog_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One diagnostic line on stderr (the seed's eprintln!). */
void prog_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes |len| raw bytes then a newline to stdout as one line (for lossy text with NULs). */
void prog_out_bytes(const char *prefix, const char *bytes, size_t len, const char *suffix);

/* Rust's io::Error Display for an errno: "Connection reset by peer (os error 104)". */
const char *prog_errno_text(int err, char *buf, size_t cap);

/*
 * Installs SIGINT/SIGTERM handlers that make prog_stop_fd() readable, and ignores SIGPIPE.
 * Call once from main before creating threads.
 */
void prog_signals_init(void);
/* A descriptor that becomes readable once SIGINT or SIGTERM arrived. */
int prog_stop_fd(void);
/* True once SIGINT or SIGTERM arrived. */
int prog_stopping(void);

/*
 * Waits until |fd| is readable or a stop signal arrived, at most |timeout_ms| (<= 0: no limit).
 * Returns 1 (readable), 0 (stopping), -ETIMEDOUT, or -errno.
 */
int prog_wait_readable(int fd, int timeout_ms);

/* Per-connection handler for the serving loops; |peer| is the client's address text. */
typedef void (*prog_conn_fn)(int fd, const char *peer, void *ctx);

/* A stop signal shuts |fd| down (-1: none), so that a handler blocked on it returns at once. */
void prog_stop_shuts_down(int fd);

/* Accepts and handles connections one at a time until a stop signal. |send_timeout_ms| (0:
 * none) becomes each client's SO_SNDTIMEO. Returns an exit code. */
int prog_serve_serial(int listen_fd, int send_timeout_ms, prog_conn_fn fn, void *ctx);

/*
 * Accepts connections and handles each on its own thread (small stack), at most |max_conns| at
 * once. Past the cap a fresh client is still served: the connection that has been idle longest
 * (no bytes moved since the last sweep of a clock hand over the slots) is shut down to make room
 * and "Closing connection from ADDR to make room ..." goes to stderr. Handlers call
 * prog_conn_touch() when bytes move. On a stop signal it stops accepting, shuts the open
 * connections down, waits for every thread and returns an exit code.
 */
int prog_serve_threaded(int listen_fd, size_t max_conns, int send_timeout_ms, prog_conn_fn fn,
                        void *ctx);

/* Marks the calling handler's connection as active (not a candidate for eviction). */
void prog_conn_touch(void);

/*
 * Serves with evloop.h (one thread per CPU, or opts->threads; opts' idle and send timeouts) until
 * a stop signal. Returns an exit code.
 */
struct evloop_handlers;
int prog_serve_events(int listen_fd, const struct prog_opts *opts, const struct evloop_handlers *h,
                      void *ctx);

/* Binds a listening TCP socket at opts->addr, printing "<banner> <bound address>".
 * Returns the fd, or exits with PROG_EXIT_CONNECT after a message. */
int prog_tcp_listen(const struct prog_opts *opts, const char *banner);

/* Reads a whole file (or stdin for "-") of at most |cap| bytes. Returns malloc'd data or NULL
 * after printing why. */
char *prog_read_file(const char *path, size_t cap, size_t *len);

#endif
