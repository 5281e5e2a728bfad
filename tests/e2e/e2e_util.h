/* e2e_util.h -- start the reference programs on ephemeral ports and talk to them in tests. */
#ifndef WIRECHECK_E2E_UTIL_H
#define WIRECHECK_E2E_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A program started by a test; its stdout and stderr go to temporary files. */
struct e2e_proc {
    pid_t pid;
    char out_path[64];
    char err_path[64];
    char addr[96]; /* servers: the address from the "listening on" line */
};

/* Path of a reference program in the build tree (static storage). */
const char *e2e_program(const char *name);

/*
 * Starts server |name| with "--listen 127.0.0.1:0" (or |listen| if not NULL) plus |args|
 * (NULL-terminated, may be NULL) and waits up to 10 s for its first stdout line, whose last word
 * is the bound address. Returns 0, or -1 if it did not come up (the test should fail).
 */
int e2e_start_server(struct e2e_proc *p, const char *name, const char *listen,
                     const char *const *args);

/* Sends |sig| (0: SIGTERM), waits up to 10 s (then SIGKILL). Returns the exit code, 128+signal
 * if killed by a signal, or -1 when it had to be SIGKILLed. Removes nothing. */
int e2e_stop(struct e2e_proc *p, int sig);

/* Deletes the output files. */
void e2e_cleanup(struct e2e_proc *p);

/* Runs |name| with |args| to completion, feeding |in| (may be NULL) to stdin, within
 * |timeout_ms| (then SIGKILL). Returns the exit code, 128+signal, or -1 on timeout.
 * *out / *err (if not NULL) receive malloc'd NUL-terminated captures. */
int e2e_run(const char *name, const char *const *args, const char *in, int timeout_ms,
            char **out, char **err);

/* Reads a whole file into a malloc'd NUL-terminated buffer; *len gets its length. */
char *e2e_slurp(const char *path, size_t *len);

/* Connects to "host:port" (TCP) with 5 s send/receive timeouts. Returns fd or -1. */
int e2e_connect(const char *addr);

/* Reads exactly |len| bytes within |timeout_ms| in total. Returns bytes read (< len on EOF or
 * timeout). */
size_t e2e_read_exact(int fd, void *buf, size_t len, int timeout_ms);

/* Reads one '\n'-terminated line (kept) of at most cap-1 bytes into buf, NUL-terminated.
 * Returns its length, or 0 on EOF/timeout before any '\n'. */
size_t e2e_read_line(int fd, char *buf, size_t cap, int timeout_ms);

/* True when the peer closed (read returns 0) within |timeout_ms|. */
int e2e_expect_eof(int fd, int timeout_ms);

/* Sends all bytes; returns 0 or -1. */
int e2e_send(int fd, const void *buf, size_t len);

/* Waits until the file at |path| contains |needle| (up to |timeout_ms|). Returns 1 if found. */
int e2e_wait_for_text(const char *path, const char *needle, int timeout_ms);

/* A free TCP port on 127.0.0.1 that nobody listens on (bound, read and closed). */
int e2e_closed_port(void);

#endif
