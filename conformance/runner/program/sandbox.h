/* sandbox.h -- how programs under test are confined: bubblewrap for their own PID and IPC
 * namespaces, a read-only filesystem and a private /tmp; setpriv for a uid of their own;
 * resource limits; and (done by the run, see net_private_namespace) a network namespace per
 * worker that the runner's own sockets share. */
#ifndef WIRECHECK_RUNNER_SANDBOX_H
#define WIRECHECK_RUNNER_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

enum sandbox_mode {
    SANDBOX_AUTO = 0, /* confine when this machine can, else say so once and run unconfined */
    SANDBOX_REQUIRE,  /* confine, or refuse to run */
    SANDBOX_OFF,      /* process groups only, as without a sandbox */
};

/* Per-process limits (setrlimit), inherited by everything the program starts. 0: none. */
struct sandbox_limits {
    unsigned cpu_s;     /* CPU seconds (RLIMIT_CPU): SIGXCPU, then SIGKILL */
    unsigned memory_mib; /* address space (RLIMIT_AS) */
    unsigned procs;     /* processes and threads of the sandbox's uid (RLIMIT_NPROC) */
    unsigned files;     /* open files (RLIMIT_NOFILE) */
    unsigned fsize_mib; /* largest file written (RLIMIT_FSIZE): SIGXFSZ */
    unsigned tmp_mib;   /* size of the private /tmp (sandbox only) */
};

/* The defaults, documented in conformance/README.md: 300 s CPU, 4096 MiB of address space,
 * 256 processes, 1024 files, 64 MiB per file, 64 MiB of /tmp. */
void sandbox_limits_default(struct sandbox_limits *lim);

/*
 * Sets one limit from "NAME=VALUE" (cpu, memory, procs, files, fsize, tmp; VALUE a decimal
 * count, 0 for none). Returns 0, or WC_ERR_INVALID with |err| saying what is wrong.
 */
int sandbox_limit_parse(struct sandbox_limits *lim, const char *text, char *err, size_t errlen);

/* Parses a comma-separated list of NAME=VALUE (the WIRECHECK_LIMITS variable). Same returns. */
int sandbox_limits_parse_list(struct sandbox_limits *lim, const char *text, char *err,
                              size_t errlen);

/* Most folders one sandbox hides. */
#define SANDBOX_MAX_HIDE 8

struct sandbox {
    int on;              /* programs run confined */
    int uid_only;        /* not confined, but (root, auto) each program runs as a uid of its
                            own through setpriv: never as root */
    struct sandbox_limits lim;
    unsigned uid_base;   /* first uid handed out; each instance gets the next one */
    char bwrap[512];     /* the tools' paths */
    char setpriv[512];
    char rw_dir[4096];   /* bound read-write into the sandbox ("" : none) */
    /* Folders the program must not see (an empty tmpfs over each: a class's other
     * submissions and grades), and one inside them it sees again, read-only ("": none). */
    char hide[SANDBOX_MAX_HIDE][1024];
    size_t n_hide;
    char show[4096];
    int own_net;         /* a network namespace of its own, loopback only (bwrap
                            --unshare-net): for builds, which the run's namespace does not
                            cover */
};

/* The uid base when none is given: a random block of 1024 uids far above any real account
 * (so that two runs side by side rarely share one, and no file on the machine belongs to
 * them). */
unsigned sandbox_default_uid_base(void);

/*
 * Decides how programs will run, into |sb| (limits and uid base already set by the caller):
 * with SANDBOX_OFF, unconfined; otherwise confined when bwrap and setpriv are found, the
 * runner is root (it needs to give each program another uid and each worker a network
 * namespace), and a trial sandbox starts. |rw_dir| is bound read-write (NULL: none).
 * Returns 0 (|sb->on| says which; |why| explains an unconfined auto run, "" otherwise), or
 * WC_ERR_UNAVAILABLE with |why| under SANDBOX_REQUIRE when the machine cannot confine.
 */
int sandbox_setup(struct sandbox *sb, enum sandbox_mode mode, const char *rw_dir, char *why,
                  size_t whylen);

/* Hides folder |path| (absolute) from confined programs. Returns 0, or WC_ERR_INVALID (not
 * absolute, too long, or SANDBOX_MAX_HIDE already). */
int sandbox_hide(struct sandbox *sb, const char *path);

/*
 * The command that runs |argv| confined, as instance number |instance| (which picks its uid):
 * bwrap ... setpriv ... -- argv. A malloc'd NULL-terminated argv in |*out| (free with
 * command_argv_free). Returns 0 or WC_ERR_NOMEM. When |sb| is off, a copy of |argv|.
 */
int sandbox_command(const struct sandbox *sb, unsigned instance, char *const *argv,
                    char ***out);

/* The limits and status decoding proc_start needs for a program run as |sb| says. The process
 * limit only when confined: unconfined it would count the user's every other process. */
struct proc_spec;
void sandbox_proc_spec(const struct sandbox *sb, struct proc_spec *spec);

/*
 * Can a program's own uid reach |path| (the program, or the directory it runs in): is every
 * directory on the way searchable by others, and the file itself readable and executable
 * (|exec|) by others? Returns 0, or WC_ERR_UNAVAILABLE with |err| naming what to chmod.
 */
int sandbox_reachable(const char *path, int exec, char *err, size_t errlen);

/* Where the program's uid would find |name| (a path, or the first entry of $PATH it can
 * reach), into |out|. Returns 0, or a negative status with |err| saying why it cannot run
 * ("cannot run 'x': ..." or the folder to chmod). */
int sandbox_resolve(const char *name, char *out, size_t len, char *err, size_t errlen);

/* The uid instance |instance| runs as. */
unsigned sandbox_uid(const struct sandbox *sb, unsigned instance);

#endif
