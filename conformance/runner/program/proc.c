/* proc.c -- starts programs under test in their own process group, captures their output and
 * makes sure none outlives the runner. */
#include "program/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "wait.h"
#include "status.h"

struct stream {
    struct bytes head; /* the first PROC_KEEP_HEAD bytes, kept for good (listening lines) */
    struct bytes buf;  /* the retained tail of what came after */
    size_t base;       /* absolute position of buf.data[0] */
    int eof;
};

struct proc {
    pid_t pid;
    int ended;     /* the leader has ended (still a zombie until reaped) */
    int reaped;
    int code;      /* exit status, or -1 when killed */
    int signo;     /* the killing signal, or 0 */
    int fds[2];    /* read ends of stdout and stderr */
    int wake[2];   /* wakes the capture thread up when the process is freed */
    pthread_t thread;
    int thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct stream s[2];
    struct proc_spec spec;
};

/*
 * Process groups a signal handler must kill: the only mutable global of the runner, because a
 * handler for SIGINT/SIGTERM cannot reach the processes any other way. Slots are claimed under
 * reg_mu; the handler only reads them.
 */
#define PROC_REGISTRY 512
static volatile sig_atomic_t registry[PROC_REGISTRY];
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
/* Held from fork until the child is registered, and while strays are looked for: a child
 * another thread has just forked is never taken for a stray. */
static pthread_mutex_t spawn_mu = PTHREAD_MUTEX_INITIALIZER;

static void reg_add(pid_t pid)
{
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < PROC_REGISTRY; i++) {
        if (registry[i] == 0) {
            registry[i] = (sig_atomic_t)pid;
            break;
        }
    }
    pthread_mutex_unlock(&reg_mu);
}

static void reg_del(pid_t pid)
{
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < PROC_REGISTRY; i++) {
        if (registry[i] == (sig_atomic_t)pid)
            registry[i] = 0;
    }
    pthread_mutex_unlock(&reg_mu);
}

void proc_kill_all_from_signal(void)
{
    for (size_t i = 0; i < PROC_REGISTRY; i++) {
        pid_t pid = (pid_t)registry[i];
        if (pid > 0)
            kill(-pid, SIGKILL);
    }
}

static void *capture(void *arg)
{
    struct proc *p = arg;
    unsigned char buf[16384];
    for (;;) {
        struct pollfd pf[2];
        int n = 0, idx[2] = {-1, -1};
        for (int s = 0; s < 2; s++) {
            if (p->fds[s] >= 0) {
                pf[n] = (struct pollfd){.fd = p->fds[s], .events = POLLIN};
                idx[s] = n++;
            }
        }
        if (n == 0)
            break;
        /* The wake pipe is the stop fd: proc_free writes to it to end this thread. */
        int rc = wait_fds(pf, (size_t)n, p->wake[0], CLK_NEVER);
        if (rc <= 0)
            break;
        for (int s = 0; s < 2; s++) {
            if (idx[s] < 0 || !pf[idx[s]].revents)
                continue;
            ssize_t r = read(p->fds[s], buf, sizeof buf);
            if (r < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            pthread_mutex_lock(&p->mu);
            struct stream *st = &p->s[s];
            if (r <= 0) {
                st->eof = 1;
                close(p->fds[s]);
                p->fds[s] = -1;
            } else {
                size_t to_head = 0;
                if (st->head.len < PROC_KEEP_HEAD) { /* buf stays empty until head is full */
                    to_head = PROC_KEEP_HEAD - st->head.len;
                    to_head = to_head < (size_t)r ? to_head : (size_t)r;
                    if (bytes_append(&st->head, buf, to_head) < 0)
                        to_head = 0;
                    st->base += to_head;
                }
                memmove(buf, buf + to_head, (size_t)r - to_head);
                r -= (ssize_t)to_head;
                if (st->buf.len + (size_t)r > PROC_KEEP_OUTPUT) {
                    size_t drop = st->buf.len / 2 + (size_t)r;
                    drop = drop > st->buf.len ? st->buf.len : drop;
                    bytes_consume(&st->buf, drop);
                    st->base += drop;
                }
                if (bytes_append(&st->buf, buf, (size_t)r) < 0)
                    st->base += (size_t)r; /* out of memory: count the bytes, lose them */
            }
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
    }
    pthread_mutex_lock(&p->mu);
    p->s[0].eof = p->s[1].eof = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void close_pair(int fd[2])
{
    for (int i = 0; i < 2; i++) {
        if (fd[i] >= 0)
            close(fd[i]);
        fd[i] = -1;
    }
}

static void limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};
    setrlimit(resource, &rl);
}

/* The child between fork and exec: only async-signal-safe calls. */
static void child(char *const *argv, const struct proc_spec *spec, int out_w, int err_w,
                  int fail_w, pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    /* The runner ignores SIGPIPE and blocks nothing; the program gets the defaults. */
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, 0);
    dup2(out_w, 1);
    dup2(err_w, 2);
    /* Nothing of the runner's but the three streams reaches the program (its report files,
     * a CI system's descriptors): everything else closes at exec (fail_w too, which is how a
     * failed exec is told apart). */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        struct rlimit nofile;
        long top = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 65536
                       ? (long)nofile.rlim_cur : 65536;
        for (int fd = 3; fd < top; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    /* No core dumps to slow a teardown, and the first to go when memory runs out. */
    limit(RLIMIT_CORE, 0, 0);
    int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (oom >= 0) {
        ssize_t ignored = write(oom, "1000", 4);
        (void)ignored;
        close(oom);
    }
    const rlim_t mib = (rlim_t)1 << 20;
    if (spec->cpu_s)
        limit(RLIMIT_CPU, spec->cpu_s, (rlim_t)spec->cpu_s + 5);
    if (spec->memory_mib)
        limit(RLIMIT_AS, spec->memory_mib * mib, spec->memory_mib * mib);
    if (spec->procs)
        limit(RLIMIT_NPROC, spec->procs, spec->procs);
    if (spec->files)
        limit(RLIMIT_NOFILE, spec->files, spec->files);
    if (spec->fsize_mib)
        limit(RLIMIT_FSIZE, spec->fsize_mib * mib, spec->fsize_mib * mib);
    if (spec->cwd && chdir(spec->cwd) < 0) {
        int e = errno;
        ssize_t ignored = write(fail_w, &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    execvp(argv[0], argv);
    int e = errno;
    ssize_t ignored = write(fail_w, &e, sizeof e);
    (void)ignored;
    _exit(127);
}

int proc_start(char *const *argv, const struct proc_spec *spec, struct proc **out, char *err,
               size_t errlen)
{
    *out = NULL;
    struct proc *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    if (spec)
        p->spec = *spec;
    int out_p[2] = {-1, -1}, err_p[2] = {-1, -1}, fail_p[2] = {-1, -1};
    p->wake[0] = p->wake[1] = -1;
    p->code = -1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadlines are clk_now_ms() times */
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    for (int s = 0; s < 2; s++) {
        bytes_init(&p->s[s].head, PROC_KEEP_HEAD);
        bytes_init(&p->s[s].buf, PROC_KEEP_OUTPUT * 2);
    }
    if (pipe2(out_p, O_CLOEXEC) < 0 || pipe2(err_p, O_CLOEXEC) < 0 ||
        pipe2(fail_p, O_CLOEXEC) < 0 || pipe2(p->wake, O_CLOEXEC) < 0) {
        int e = errno;
        close_pair(out_p);
        close_pair(err_p);
        close_pair(fail_p);
        close_pair(p->wake);
        free(p);
        return -e;
    }
    pid_t parent = getpid();
    pthread_mutex_lock(&spawn_mu);
    pid_t pid = fork();
    if (pid == 0)
        child(argv, &p->spec, out_p[1], err_p[1], fail_p[1], parent);
    int fork_errno = errno;
    if (pid > 0)
        reg_add(pid);
    pthread_mutex_unlock(&spawn_mu);
    close(out_p[1]);
    close(err_p[1]);
    close(fail_p[1]);
    if (pid < 0) {
        close(out_p[0]);
        close(err_p[0]);
        close(fail_p[0]);
        close_pair(p->wake);
        free(p);
        snprintf(err, errlen, "cannot start '%s': %s", argv[0], strerror(fork_errno));
        return -fork_errno;
    }
    setpgid(pid, pid);
    p->pid = pid;
    int exec_errno = 0;
    ssize_t n;
    do {
        n = read(fail_p[0], &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    close(fail_p[0]);
    p->fds[0] = out_p[0];
    p->fds[1] = err_p[0];
    if (n == (ssize_t)sizeof exec_errno) {
        snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(exec_errno));
        proc_free(p);
        return -exec_errno;
    }
    if (pthread_create(&p->thread, NULL, capture, p) != 0) {
        snprintf(err, errlen, "cannot start an output thread");
        proc_free(p);
        return -EAGAIN;
    }
    p->thread_started = 1;
    *out = p;
    return 0;
}

/* Notices the end without reaping, so the group id stays reserved until proc_stop. */
static void check_end(struct proc *p)
{
    if (p->ended)
        return;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
        if (errno == ECHILD) /* someone else reaped it; treat it as gone */
            p->ended = p->reaped = 1;
        return;
    }
    if (si.si_pid != p->pid)
        return;
    p->ended = 1;
    if (si.si_code == CLD_EXITED && p->spec.wrapped && si.si_status > 128 &&
        si.si_status < 128 + 65) {
        p->code = -1; /* the wrapper's way of saying "killed by signal N" */
        p->signo = si.si_status - 128;
    } else if (si.si_code == CLD_EXITED) {
        p->code = si.si_status;
    } else {
        p->code = -1;
        p->signo = si.si_status;
    }
}

int proc_running(struct proc *p)
{
    check_end(p);
    return !p->ended;
}

int proc_wait(struct proc *p, int timeout_ms)
{
    int64_t until = clk_now_ms() + timeout_ms;
    long nap_us = 500;
    while (proc_running(p)) {
        if (clk_now_ms() >= until)
            return -ETIMEDOUT;
        clk_sleep_us(nap_us);
        if (nap_us < 8000)
            nap_us *= 2;
    }
    return 0;
}

void proc_stop(struct proc *p, int grace_ms)
{
    if (!p || p->reaped)
        return;
    if (proc_running(p)) {
        kill(-p->pid, SIGTERM);
        if (proc_wait(p, grace_ms) < 0) {
            kill(-p->pid, SIGKILL);
            proc_wait(p, 5000);
        }
    }
    /* The leader is a zombie still, so its group id cannot have been reused: sweep any
     * child it left in the group, then reap. */
    kill(-p->pid, SIGKILL);
    /* Reaped and unregistered under spawn_mu: reap_strays, in another thread, never sees the
     * pid unregistered while it can still be reused. */
    pthread_mutex_lock(&spawn_mu);
    int st;
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
    }
    p->reaped = 1;
    reg_del(p->pid);
    pthread_mutex_unlock(&spawn_mu);
}

static int registered(pid_t pid)
{
    pthread_mutex_lock(&reg_mu);
    int found = 0;
    for (size_t i = 0; i < PROC_REGISTRY && !found; i++)
        found = registry[i] == (sig_atomic_t)pid;
    pthread_mutex_unlock(&reg_mu);
    return found;
}

/* Orphans that became the runner's children (it is a subreaper: proc_become_subreaper) are
 * what some program left behind, its process group or session abandoned: kill and reap them.
 * Children proc_start made are left to their own proc. */
static void reap_strays(void)
{
    pthread_mutex_lock(&spawn_mu);
    for (int round = 0; round < 64; round++) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
            break;
        if (registered(si.si_pid))
            break; /* a live proc's leader, or one about to be reaped by its own proc */
        waitpid(si.si_pid, NULL, WNOHANG);
    }
    /* Running orphans: /proc lists them as children of one of the runner's threads. */
    DIR *d = opendir("/proc/self/task");
    if (!d) {
        pthread_mutex_unlock(&spawn_mu);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300];
        static char list[65536]; /* under spawn_mu */
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        size_t len = 0;
        for (ssize_t n; len < sizeof list - 1 &&
                        (n = read(fd, list + len, sizeof list - 1 - len)) > 0;)
            len += (size_t)n;
        close(fd);
        /* A full buffer may end inside a number: that one is not a pid to kill. */
        if (len == sizeof list - 1)
            while (len && list[len - 1] != ' ')
                len--;
        list[len] = 0;
        for (char *s = list, *end; *s; s = end) {
            long pid = strtol(s, &end, 10);
            if (end == s)
                break;
            if (pid > 0 && !registered((pid_t)pid)) {
                kill((pid_t)pid, SIGKILL);
                waitpid((pid_t)pid, NULL, 0);
            }
        }
    }
    closedir(d);
    pthread_mutex_unlock(&spawn_mu);
}

int proc_become_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? -errno : 0;
}

void proc_free(struct proc *p)
{
    if (!p)
        return;
    proc_stop(p, 200);
    reap_strays();
    if (p->thread_started) {
        /* Give the capture thread a moment to drain what the program wrote last. */
        proc_output_wait(p, PROC_STDOUT, (size_t)-1, clk_now_ms() + 200);
        ssize_t ignored = write(p->wake[1], "x", 1);
        (void)ignored;
        pthread_join(p->thread, NULL);
    }
    for (int s = 0; s < 2; s++) {
        if (p->fds[s] >= 0)
            close(p->fds[s]);
        bytes_cleanup(&p->s[s].head);
        bytes_cleanup(&p->s[s].buf);
    }
    close_pair(p->wake);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}

int proc_status(struct proc *p)
{
    check_end(p);
    if (!p->ended)
        return -1;
    return p->signo ? p->signo | 0x100 : p->code;
}

/* Did its stderr say an allocation failed (Rust, C, C++, Python, glibc's words)? */
static int said_out_of_memory(struct proc *p)
{
    static const char *const marks[] = {"memory allocation of", "out of memory",
                                        "Cannot allocate memory", "bad_alloc", "MemoryError"};
    pthread_mutex_lock(&p->mu);
    int found = 0;
    const struct bytes *parts[] = {&p->s[PROC_STDERR].head, &p->s[PROC_STDERR].buf};
    for (size_t i = 0; !found && i < 2; i++)
        for (size_t k = 0; !found && k < sizeof marks / sizeof marks[0]; k++)
            found = parts[i]->len && memmem(parts[i]->data, parts[i]->len, marks[k],
                                            strlen(marks[k])) != NULL;
    pthread_mutex_unlock(&p->mu);
    return found;
}

void proc_describe_end(struct proc *p, char *buf, size_t len)
{
    check_end(p);
    if (!p->ended)
        snprintf(buf, len, "still running");
    else if (p->signo == SIGXCPU && p->spec.cpu_s)
        snprintf(buf, len, "killed by SIGXCPU: over the %u s CPU limit", p->spec.cpu_s);
    else if (p->signo == SIGXFSZ && p->spec.fsize_mib)
        snprintf(buf, len, "killed by SIGXFSZ: over the %u MiB file-size limit",
                 p->spec.fsize_mib);
    else if (p->signo)
        snprintf(buf, len, "killed by SIG%s", sigabbrev_np(p->signo) ? sigabbrev_np(p->signo)
                                                                      : "?");
    else
        snprintf(buf, len, "exited with status %d", p->code);
    if (p->ended && (p->signo || p->code != 0) && p->spec.memory_mib && said_out_of_memory(p)) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, ": out of memory under the %u MiB memory limit",
                 p->spec.memory_mib);
    }
}

pid_t proc_pid(const struct proc *p)
{
    return p->pid;
}

size_t proc_output_len(struct proc *p, enum proc_stream s)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->s[s].base + p->s[s].buf.len;
    pthread_mutex_unlock(&p->mu);
    return n;
}

int proc_output_eof(struct proc *p, enum proc_stream s)
{
    pthread_mutex_lock(&p->mu);
    int eof = p->s[s].eof;
    pthread_mutex_unlock(&p->mu);
    return eof;
}

int proc_output(struct proc *p, enum proc_stream s, size_t from, struct bytes *out)
{
    pthread_mutex_lock(&p->mu);
    struct stream *st = &p->s[s];
    int rc = 0;
    if (from < st->head.len) {
        rc = bytes_append(out, st->head.data + from, st->head.len - from);
        /* What was dropped between head and tail becomes a line break, so that no
         * line is glued together from two distant places. */
        if (rc == 0 && st->base > st->head.len)
            rc = bytes_puts(out, "\n");
        from = st->base;
    }
    size_t skip = from > st->base ? from - st->base : 0;
    if (rc == 0 && skip < st->buf.len)
        rc = bytes_append(out, st->buf.data + skip, st->buf.len - skip);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

size_t proc_output_wait(struct proc *p, enum proc_stream s, size_t have, int64_t deadline_ms)
{
    pthread_mutex_lock(&p->mu);
    struct stream *st = &p->s[s];
    while (st->base + st->buf.len <= have && !st->eof) {
        int64_t left = deadline_ms - clk_now_ms();
        if (left <= 0)
            break;
        struct timespec ts;
        clk_timespec(deadline_ms, &ts);
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    }
    size_t n = st->base + st->buf.len;
    pthread_mutex_unlock(&p->mu);
    return n;
}
