/* proc.h -- programs under test: split a command, start it in its own process group, capture
 * its output, notice how it ended, and never leave it behind. */
#ifndef WIRECHECK_RUNNER_PROC_H
#define WIRECHECK_RUNNER_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bytes.h"

/* Bytes of output kept per stream: the first PROC_KEEP_HEAD for good, and a window of about
 * PROC_KEEP_OUTPUT of the most recent. */
#define PROC_KEEP_HEAD ((size_t)16 * 1024)
#define PROC_KEEP_OUTPUT ((size_t)256 * 1024)

struct proc; /* opaque */

/* How to start a program: limits set in the child before exec (0: none; they hold for all it
 * starts), and whether its status comes through a wrapper (bwrap) that reports a death by
 * signal N as exit status 128 + N. */
struct proc_spec {
    unsigned cpu_s;      /* RLIMIT_CPU, with a hard limit 5 s higher */
    unsigned memory_mib; /* RLIMIT_AS */
    unsigned procs;      /* RLIMIT_NPROC */
    unsigned files;      /* RLIMIT_NOFILE */
    unsigned fsize_mib;  /* RLIMIT_FSIZE */
    int wrapped;
    const char *cwd;     /* the folder it starts in (NULL: the runner's) */
};

/*
 * Starts |argv| in a new process group with stdin from /dev/null and stdout/stderr captured,
 * dying with the runner (PR_SET_PDEATHSIG: start it from the thread that will stop it).
 * |spec| may be NULL (no limits, not wrapped).
 * Returns 0 and |*out|, or -errno (|err| says "cannot run 'x': ..." when exec failed).
 */
int proc_start(char *const *argv, const struct proc_spec *spec, struct proc **out, char *err,
               size_t errlen);

/* 1 while running, 0 once it has ended (reaped; see proc_describe_end). */
int proc_running(struct proc *p);

/* Waits up to |timeout_ms| for the end. Returns 0 when ended, -ETIMEDOUT when not. */
int proc_wait(struct proc *p, int timeout_ms);

/* SIGTERM to the whole group, up to |grace_ms| for it to end, then SIGKILL to the group;
 * reaps it. Idempotent. */
void proc_stop(struct proc *p, int grace_ms);

/* Stops it (if needed), joins the capture thread and frees everything. NULL is fine. */
void proc_free(struct proc *p);

/* Once ended: its exit status, or 0x100 | the signal that killed it; -1 while running. */
int proc_status(struct proc *p);

/* "exited with status 1", "killed by SIGSEGV", "still running" into |buf|; a death that a
 * limit of its spec explains says so ("killed by SIGXCPU: over the 300 s CPU limit"). */
void proc_describe_end(struct proc *p, char *buf, size_t len);

/* The pid (the group id too). */
pid_t proc_pid(const struct proc *p);

enum proc_stream { PROC_STDOUT = 0, PROC_STDERR = 1 };

/* Bytes the stream has produced so far (a position for proc_output). */
size_t proc_output_len(struct proc *p, enum proc_stream s);

/* True once the stream reached EOF (the program and its children closed it). */
int proc_output_eof(struct proc *p, enum proc_stream s);

/* Appends the stream's bytes from position |from| on (what is still retained; a dropped
 * middle part becomes one "\n") to |out|. Returns 0 or a bytes_* error. */
int proc_output(struct proc *p, enum proc_stream s, size_t from, struct bytes *out);

/* Waits until the stream is longer than |have|, reaches EOF, or |deadline_ms| (clk_now_ms).
 * Returns the new length. */
size_t proc_output_wait(struct proc *p, enum proc_stream s, size_t have, int64_t deadline_ms);

/* Makes the runner a child subreaper: what a program leaves behind when its parent dies (a
 * setsid grandchild, say) becomes the runner's child, and proc_free kills it. Returns 0 or
 * -errno. */
int proc_become_subreaper(void);

/* Kills every group still started, from a signal handler (async-signal-safe). */
void proc_kill_all_from_signal(void);

#endif
