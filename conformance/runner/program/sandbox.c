/* sandbox.c -- the bubblewrap + setpriv command line around a program under test, the limits,
 * and the one-time check that this machine can confine programs at all. */
#include "program/sandbox.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "status.h"
#include "program/command.h"
#include "program/proc.h"

/* Variables of the runner's environment passed on to a confined program, at most. */
#define SANDBOX_MAX_ENV 32
/* Uids handed out by one run (instances take them in turn). */
#define SANDBOX_UIDS 1024

void sandbox_limits_default(struct sandbox_limits *lim)
{
    lim->cpu_s = 300;
    lim->memory_mib = 4096;
    lim->procs = 256;
    lim->files = 1024;
    lim->fsize_mib = 64;
    lim->tmp_mib = 64;
}

static const struct {
    const char *name;
    unsigned max;
} limit_names[] = {
    {"cpu", 86400}, {"memory", 1u << 22}, {"procs", 1u << 20},
    {"files", 1u << 20}, {"fsize", 1u << 22}, {"tmp", 1u << 20},
};

/* The field of |lim| that limit_names[i] names. */
static unsigned *limit_field(struct sandbox_limits *lim, size_t i)
{
    unsigned *fields[] = {&lim->cpu_s, &lim->memory_mib, &lim->procs,
                          &lim->files, &lim->fsize_mib, &lim->tmp_mib};
    return fields[i];
}

int sandbox_limit_parse(struct sandbox_limits *lim, const char *text, char *err, size_t errlen)
{
    const char *eq = strchr(text, '=');
    size_t nl = eq ? (size_t)(eq - text) : 0;
    for (size_t i = 0; eq && i < sizeof limit_names / sizeof limit_names[0]; i++) {
        if (strlen(limit_names[i].name) != nl || strncmp(text, limit_names[i].name, nl) != 0)
            continue;
        char *end;
        errno = 0;
        unsigned long v = strtoul(eq + 1, &end, 10);
        if (eq[1] < '0' || eq[1] > '9' || *end || errno || v > limit_names[i].max) {
            snprintf(err, errlen, "limit '%s': want a count 0..%u (0: no limit)", text,
                     limit_names[i].max);
            return WC_ERR_INVALID;
        }
        *limit_field(lim, i) = (unsigned)v;
        return 0;
    }
    snprintf(err, errlen, "limit '%s': want NAME=VALUE with NAME one of cpu (seconds), memory "
             "(MiB), procs, files, fsize (MiB), tmp (MiB)", text);
    return WC_ERR_INVALID;
}

int sandbox_limits_parse_list(struct sandbox_limits *lim, const char *text, char *err,
                              size_t errlen)
{
    char item[128];
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof item) {
            snprintf(err, errlen, "limit '%.*s...': too long", 40, p);
            return WC_ERR_INVALID;
        }
        memcpy(item, p, n);
        item[n] = 0;
        if (n) {
            int rc = sandbox_limit_parse(lim, item, err, errlen);
            if (rc < 0)
                return rc;
        }
        p += n + (p[n] == ',');
    }
    return 0;
}

unsigned sandbox_default_uid_base(void)
{
    /* 0x40000000 and up: far above real accounts and the usual subuid ranges. A random block
     * of 1024: process ids repeat between containers on one kernel, and runs sharing a block
     * would share a process limit. */
    unsigned r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        r = (unsigned)getpid() ^ (unsigned)clk_now_us();
    return 0x40000000u + (r % 65536u) * SANDBOX_UIDS;
}

void sandbox_proc_spec(const struct sandbox *sb, struct proc_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->cpu_s = sb->lim.cpu_s;
    spec->memory_mib = sb->lim.memory_mib;
    spec->procs = sb->on || sb->uid_only ? sb->lim.procs : 0;
    spec->files = sb->lim.files;
    spec->fsize_mib = sb->lim.fsize_mib;
    spec->wrapped = sb->on;
}

int sandbox_reachable(const char *path, int exec, char *err, size_t errlen)
{
    char abs[PATH_MAX];
    if (!realpath(path, abs))
        return 0; /* not there: the program's own start reports it */
    struct stat st;
    for (char *slash = abs; (slash = strchr(slash + 1, '/')) != NULL;) {
        *slash = 0;
        int ok = stat(abs, &st) == 0 && (st.st_mode & S_IXOTH);
        if (!ok) {
            snprintf(err, errlen, "%s is not searchable by other users, and the sandbox runs the "
                     "program as a uid of its own (chmod o+x %s, or --sandbox off)", abs, abs);
            *slash = '/';
            return WC_ERR_UNAVAILABLE;
        }
        *slash = '/';
    }
    mode_t want = exec ? (S_IROTH | S_IXOTH) : S_IXOTH;
    if (stat(abs, &st) == 0 && (st.st_mode & want) != want) {
        snprintf(err, errlen, "%s is not %s by other users, and the sandbox runs the program as "
                 "a uid of its own (chmod o+%s %s, or --sandbox off)", abs,
                 exec ? "readable and executable" : "searchable", exec ? "rx" : "x", abs);
        return WC_ERR_UNAVAILABLE;
    }
    return 0;
}

int sandbox_resolve(const char *name, char *out, size_t len, char *err, size_t errlen)
{
    if (strchr(name, '/')) {
        int e = command_resolve(name, out, len);
        if (e < 0) {
            snprintf(err, errlen, "cannot run '%s': %s", name, strerror(-e));
            return e;
        }
        return sandbox_reachable(out, 1, err, errlen);
    }
    /* As execvp does for the program's uid: PATH entries it cannot reach are passed over. */
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char first_err[512] = "";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, len, "%.*s/%s", (int)(n ? n : 1), n ? path : ".", name);
        if (access(out, X_OK) == 0) {
            if (sandbox_reachable(out, 1, first_err[0] ? err : first_err,
                                  first_err[0] ? errlen : sizeof first_err) == 0)
                return 0;
        }
        path += n + (path[n] == ':');
    }
    if (first_err[0])
        snprintf(err, errlen, "%s", first_err);
    else
        snprintf(err, errlen, "cannot run '%s': %s", name, strerror(ENOENT));
    return WC_ERR_UNAVAILABLE;
}

/* Is |path| |dir| or inside it? */
static int inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return n && strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

int sandbox_hide(struct sandbox *sb, const char *path)
{
    if (path[0] != '/' || strlen(path) >= sizeof sb->hide[0] || sb->n_hide == SANDBOX_MAX_HIDE)
        return WC_ERR_INVALID;
    snprintf(sb->hide[sb->n_hide++], sizeof sb->hide[0], "%s", path);
    return 0;
}

unsigned sandbox_uid(const struct sandbox *sb, unsigned instance)
{
    return sb->uid_base + instance % SANDBOX_UIDS;
}

/* The first executable |name| on $PATH (or /usr/bin) into |out|. Returns 0 or -1. */
static int find_tool(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n) {
            snprintf(out, len, "%.*s/%s", (int)n, path, name);
            if (access(out, X_OK) == 0)
                return 0;
        }
        path += n + (path[n] == ':');
    }
    out[0] = 0;
    return -1;
}

static void *try_namespace(void *arg)
{
    *(int *)arg = net_private_namespace();
    return NULL;
}

/* Can a thread get a network namespace of its own? (The trial thread's ends with it.) */
static int namespace_works(void)
{
    pthread_t th;
    int rc = -EAGAIN;
    if (pthread_create(&th, NULL, try_namespace, &rc) != 0)
        return -EAGAIN;
    pthread_join(th, NULL);
    return rc;
}

/* Under SANDBOX_REQUIRE, the failure; under auto, a pass with |why| saying what is missing. */
static int unavailable(enum sandbox_mode mode, char *why, size_t whylen, const char *what,
                       const char *detail)
{
    snprintf(why, whylen, "no sandbox: %s%s", what, detail);
    return mode == SANDBOX_REQUIRE ? WC_ERR_UNAVAILABLE : 0;
}

/* Under auto, as root, when namespaces fail but setpriv is there: the program still runs as
 * a uid of its own rather than as root (wirecheck says so). */
static int uid_only(struct sandbox *sb, enum sandbox_mode mode, int rc, char *why,
                    size_t whylen)
{
    if (rc == 0 && mode == SANDBOX_AUTO && geteuid() == 0 && sb->setpriv[0]) {
        sb->uid_only = 1;
        size_t n = strlen(why);
        snprintf(why + n, whylen - n, "; the program still runs as a uid of its own, without "
                 "namespaces");
    }
    return rc;
}

int sandbox_setup(struct sandbox *sb, enum sandbox_mode mode, const char *rw_dir, char *why,
                  size_t whylen)
{
    sb->on = 0;
    sb->uid_only = 0;
    why[0] = 0;
    snprintf(sb->rw_dir, sizeof sb->rw_dir, "%s", rw_dir ? rw_dir : "");
    if (mode == SANDBOX_OFF)
        return 0;
    if (find_tool("setpriv", sb->setpriv, sizeof sb->setpriv) < 0)
        return unavailable(mode, why, whylen, "setpriv (util-linux) is not installed", "");
    if (find_tool("bwrap", sb->bwrap, sizeof sb->bwrap) < 0)
        return uid_only(sb, mode,
                        unavailable(mode, why, whylen,
                                    "bwrap (Debian's bubblewrap) is not installed", ""),
                        why, whylen);
    if (geteuid() != 0)
        return unavailable(mode, why, whylen, "it needs root (a uid of its own for each program, "
                           "a network namespace for each worker)", "");
    int rc = namespace_works();
    if (rc < 0)
        return uid_only(sb, mode,
                        unavailable(mode, why, whylen, "no network namespace: ", strerror(-rc)),
                        why, whylen);
    /* A trial run catches containers that forbid what bwrap needs (mounts, PID namespaces). */
    sb->on = 1;
    char true_cmd[] = "true";
    char *trial[] = {true_cmd, NULL};
    char **argv = NULL;
    struct proc *p = NULL;
    char err[512] = "";
    rc = sandbox_command(sb, 0, trial, &argv);
    if (rc == 0)
        rc = proc_start(argv, NULL, &p, err, sizeof err);
    command_argv_free(argv);
    if (rc == 0 && proc_wait(p, 10000) < 0)
        rc = -ETIMEDOUT;
    if (rc == 0 && proc_status(p) != 0) {
        struct bytes out;
        bytes_init(&out, 4096);
        proc_output(p, PROC_STDERR, 0, &out);
        snprintf(err, sizeof err, "%s", out.len ? bytes_str(&out) : "it failed");
        bytes_cleanup(&out);
        err[strcspn(err, "\n")] = 0;
        rc = -EPERM;
    }
    proc_free(p);
    if (rc < 0) {
        sb->on = 0;
        return uid_only(sb, mode,
                        unavailable(mode, why, whylen, "a trial bwrap did not run: ",
                                    err[0] ? err : strerror(-rc)),
                        why, whylen);
    }
    return 0;
}

/* The machine's /tmp/NAME that |path| lies in, into |out| ("" when it is not under /tmp). */
static void tmp_root(const char *path, char *out, size_t len)
{
    out[0] = 0;
    if (strncmp(path, "/tmp/", 5) != 0 || !path[5])
        return;
    size_t n = 5 + strcspn(path + 5, "/");
    snprintf(out, len, "%.*s", (int)n, path);
}

/* Adds |root| to |roots| unless empty or already there. */
static void add_root(char roots[][PATH_MAX], size_t *n, size_t max, const char *root)
{
    if (!root[0] || *n >= max)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(roots[i], root) == 0)
            return;
    snprintf(roots[(*n)++], PATH_MAX, "%s", root);
}

int sandbox_command(const struct sandbox *sb, unsigned instance, char *const *argv,
                    char ***out)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char uid[16], tmp_size[32], cwd[PATH_MAX];
    snprintf(uid, sizeof uid, "%u", sandbox_uid(sb, instance));
    snprintf(tmp_size, sizeof tmp_size, "%llu",
             (unsigned long long)sb->lim.tmp_mib * 1024 * 1024);
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    /* The private /tmp hides the machine's: what the program needs from there (its working
     * directory, its executable, files named on its command line, e.g. a checkout under
     * /tmp) is bound back, read-only, by its top folder. */
    char roots[8][PATH_MAX];
    size_t n_roots = 0;
    char between[8][PATH_MAX]; /* pre[] points into it until the command is copied */
    char root[PATH_MAX], exe[PATH_MAX];
    tmp_root(cwd, root, sizeof root);
    add_root(roots, &n_roots, 8, root);
    if (command_resolve(argv[0], exe, sizeof exe) == 0) {
        char real[PATH_MAX];
        tmp_root(realpath(exe, real) ? real : exe, root, sizeof root);
        add_root(roots, &n_roots, 8, root);
    }
    for (size_t i = 1; i < n; i++) {
        tmp_root(argv[i], root, sizeof root);
        add_root(roots, &n_roots, 8, root);
    }
    /* A read-write folder under /tmp: its top folder too, read-only, or bwrap would make the
     * folders on the way to it (mode 0700, root's) and its uid could not reach it. */
    if (sb->rw_dir[0]) {
        tmp_root(sb->rw_dir, root, sizeof root);
        add_root(roots, &n_roots, 8, root);
    }
    const char *pre[128 + 4 * SANDBOX_MAX_HIDE + 3 * SANDBOX_MAX_ENV];
    size_t k = 0;
    /* The environment: not the runner's (a CI system's secrets would reach the program and
     * come back in its output), only what a program needs to run, and the sanitizers' and
     * Rust's own switches (programs under test are built with them). */
    static const char *const keep[] = {"PATH=", "LANG=", "LC_", "TZ=", "TERM=", "ASAN_",
                                       "UBSAN_", "TSAN_", "LSAN_", "MSAN_", "RUST_BACKTRACE="};
    extern char **environ;
    const char *env[SANDBOX_MAX_ENV];
    char env_names[SANDBOX_MAX_ENV][64];
    size_t n_env = 0;
    for (char **e = environ; e && *e && n_env < SANDBOX_MAX_ENV; e++) {
        const char *eq = strchr(*e, '=');
        size_t nl = eq ? (size_t)(eq - *e) : 0;
        if (!eq || nl == 0 || nl >= sizeof env_names[0])
            continue;
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            if (strncmp(*e, keep[i], strlen(keep[i])) == 0) {
                memcpy(env_names[n_env], *e, nl);
                env_names[n_env][nl] = 0;
                env[n_env++] = eq + 1;
                break;
            }
        }
    }
    if (sb->on) {
        /* Namespaces: PID (everything it starts ends with it), IPC, UTS; the network is the
         * worker's own already. A new session: no terminal to signal through. */
        const char *ns[] = {sb->bwrap, "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                            "--die-with-parent", "--new-session",
                            /* The filesystem read-only, a fresh /dev and /proc, a private
                             * /tmp of bounded size that its uid can write. */
                            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "--perms", "1777"};
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            pre[k++] = ns[i];
        if (sb->lim.tmp_mib) {
            pre[k++] = "--size";
            pre[k++] = tmp_size;
        }
        pre[k++] = "--tmpfs";
        pre[k++] = "/tmp";
        /* /run holds the machine's unix sockets (D-Bus, the journal, a docker socket): a
         * read-only mount does not stop connect(), an empty /run does. */
        struct stat run_st;
        if (lstat("/run", &run_st) == 0 && S_ISDIR(run_st.st_mode)) {
            pre[k++] = "--tmpfs";
            pre[k++] = "/run";
        }
        for (size_t i = 0; i < n_roots; i++) {
            pre[k++] = "--ro-bind";
            pre[k++] = roots[i];
            pre[k++] = roots[i];
        }
        /* After the roots, which may hold them: what it must not see, then what it must. */
        for (size_t i = 0; i < sb->n_hide; i++) {
            pre[k++] = "--perms";
            pre[k++] = "0755";
            pre[k++] = "--tmpfs";
            pre[k++] = sb->hide[i];
        }
        /* The folders between a hidden one and the shown one: made 0755 (bwrap would make
         * them 0700, root's, which the program's uid could not pass). */
        size_t n_between = 0;
        for (size_t i = 0; sb->show[0] && i < sb->n_hide; i++) {
            size_t hl = strlen(sb->hide[i]);
            if (!inside(sb->show, sb->hide[i]) || sb->show[hl] == 0)
                continue;
            for (const char *p = sb->show + hl + 1; (p = strchr(p, '/')) && n_between < 8; p++)
                snprintf(between[n_between++], PATH_MAX, "%.*s", (int)(p - sb->show), sb->show);
        }
        for (size_t i = 0; i < n_between; i++) {
            pre[k++] = "--perms";
            pre[k++] = "0755";
            pre[k++] = "--dir";
            pre[k++] = between[i];
        }
        if (sb->show[0]) {
            pre[k++] = "--ro-bind";
            pre[k++] = sb->show;
            pre[k++] = sb->show;
        }
        if (sb->own_net)
            pre[k++] = "--unshare-net";
        if (sb->rw_dir[0]) {
            pre[k++] = "--bind";
            pre[k++] = sb->rw_dir;
            pre[k++] = sb->rw_dir;
        }
        /* A working folder that is hidden (and not shown again) is not there: start at /. */
        int hidden = 0;
        for (size_t i = 0; i < sb->n_hide; i++)
            hidden |= inside(cwd, sb->hide[i]);
        if (hidden && !(sb->show[0] && inside(cwd, sb->show)) &&
            !(sb->rw_dir[0] && inside(cwd, sb->rw_dir)))
            snprintf(cwd, sizeof cwd, "/");
        pre[k++] = "--chdir";
        pre[k++] = cwd;
        pre[k++] = "--clearenv";
        for (size_t i = 0; i < n_env; i++) {
            pre[k++] = "--setenv";
            pre[k++] = env_names[i];
            pre[k++] = env[i];
        }
        const char *home[] = {"--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp"};
        for (size_t i = 0; i < sizeof home / sizeof home[0]; i++)
            pre[k++] = home[i];
        pre[k++] = "--";
    }
    if (sb->on || sb->uid_only) {
        /* Its own unprivileged uid: it cannot signal, trace or write anything of the
         * runner's, and the process limit counts its processes alone. */
        const char *priv[] = {sb->setpriv, "--reuid", uid, "--regid", uid, "--clear-groups",
                              "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"};
        for (size_t i = 0; i < sizeof priv / sizeof priv[0]; i++)
            pre[k++] = priv[i];
    }
    char **av = calloc(k + n + 1, sizeof *av);
    if (!av)
        return WC_ERR_NOMEM;
    for (size_t i = 0; i < k + n; i++) {
        av[i] = strdup(i < k ? pre[i] : argv[i - k]);
        if (!av[i]) {
            command_argv_free(av);
            return WC_ERR_NOMEM;
        }
    }
    *out = av;
    return 0;
}
