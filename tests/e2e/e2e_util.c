/* e2e_util.c -- process and socket helpers for the end-to-end tests (loopback only). */
#include "e2e_util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

extern char **environ;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *e2e_program(const char *name)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/%s", WIRECHECK_PROGRAM_DIR, name);
    return path;
}

static int temp_file(char *path, size_t cap, const char *tag)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, cap, "%s/wc-e2e-%s-XXXXXX", dir != NULL && *dir ? dir : "/tmp", tag);
    fd = mkstemp(path);
    return fd;
}

/* Spawns |name| with argv = name + |pre| + |args|, stdout/stderr to files, stdin from |in_fd|. */
static pid_t spawn(const char *name, const char *const *pre, const char *const *args, int in_fd,
                   int out_fd, int err_fd)
{
    const char *argv[64];
    size_t n = 0;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int r;

    argv[n++] = e2e_program(name);
    for (; pre != NULL && *pre != NULL && n < 62; pre++)
        argv[n++] = *pre;
    for (; args != NULL && *args != NULL && n < 62; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    posix_spawn_file_actions_init(&fa);
    if (in_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    r = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return r == 0 ? pid : -1;
}

char *e2e_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (len != NULL)
        *len = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        size_t r;

        if (n + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = (cap + 4096) * 2);
            if (nb == NULL)
                break;
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int e2e_start_server(struct e2e_proc *p, const char *name, const char *listen,
                     const char *const *args)
{
    const char *pre[] = {"--listen", listen != NULL ? listen : "127.0.0.1:0", NULL};
    long long deadline = now_ms() + 10000;
    int out_fd, err_fd;

    memset(p, 0, sizeof(*p));
    out_fd = temp_file(p->out_path, sizeof(p->out_path), "out");
    err_fd = temp_file(p->err_path, sizeof(p->err_path), "err");
    if (out_fd < 0 || err_fd < 0)
        return -1;
    p->pid = spawn(name, pre, args, -1, out_fd, err_fd);
    close(out_fd);
    close(err_fd);
    if (p->pid < 0)
        return -1;
    while (now_ms() < deadline) {
        char *text = e2e_slurp(p->out_path, NULL);
        char *nl = text != NULL ? strchr(text, '\n') : NULL;

        if (nl != NULL) {
            char *sp;

            *nl = '\0';
            sp = strrchr(text, ' ');
            snprintf(p->addr, sizeof(p->addr), "%s", sp != NULL ? sp + 1 : text);
            free(text);
            return 0;
        }
        free(text);
        if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
            p->pid = -1;
            return -1;
        }
        poll(NULL, 0, 10);
    }
    return -1;
}

static int wait_status(pid_t pid, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    int st;

    while (now_ms() < deadline) {
        pid_t r = waitpid(pid, &st, WNOHANG);

        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        poll(NULL, 0, 5);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
}

int e2e_stop(struct e2e_proc *p, int sig)
{
    int r;

    if (p->pid <= 0)
        return -1;
    kill(p->pid, sig == 0 ? SIGTERM : sig);
    r = wait_status(p->pid, 10000);
    p->pid = -1;
    if (r != 0 && sig != SIGKILL) {
        /* A sanitizer report lands in the server's stderr: show it with the failure. */
        char *err = e2e_slurp(p->err_path, NULL);
        fprintf(stderr, "server exited with %d; its stderr:\n%s\n", r, err != NULL ? err : "");
        free(err);
    }
    return r;
}

void e2e_cleanup(struct e2e_proc *p)
{
    if (p->pid > 0)
        e2e_stop(p, SIGKILL);
    if (p->out_path[0])
        unlink(p->out_path);
    if (p->err_path[0])
        unlink(p->err_path);
}

int e2e_run(const char *name, const char *const *args, const char *in, int timeout_ms,
            char **out, char **err)
{
    char out_path[64], err_path[64], in_path[64];
    int out_fd = temp_file(out_path, sizeof(out_path), "cout");
    int err_fd = temp_file(err_path, sizeof(err_path), "cerr");
    int in_fd = -1;
    pid_t pid;
    int r = -1;

    if (in != NULL) {
        in_fd = temp_file(in_path, sizeof(in_path), "cin");
        if (in_fd >= 0 && (write(in_fd, in, strlen(in)) < 0 || lseek(in_fd, 0, SEEK_SET) < 0)) {
            close(in_fd);
            in_fd = -1;
        }
        unlink(in_path);
    }
    pid = spawn(name, NULL, args, in_fd, out_fd, err_fd);
    if (pid > 0)
        r = wait_status(pid, timeout_ms);
    if (in_fd >= 0)
        close(in_fd);
    close(out_fd);
    close(err_fd);
    if (out != NULL)
        *out = e2e_slurp(out_path, NULL);
    if (err != NULL)
        *err = e2e_slurp(err_path, NULL);
    unlink(out_path);
    unlink(err_path);
    return r;
}

int e2e_connect(const char *addr)
{
    struct net_addr a;
    int fd;

    if (net_parse_addr(addr, &a) != 0)
        return -1;
    fd = net_tcp_connect(&a, 5000);
    if (fd < 0)
        return -1;
    net_set_timeouts(fd, 5000, 5000);
    return fd;
}

static size_t read_until(int fd, char *buf, size_t len, int timeout_ms, int stop_at_newline)
{
    long long deadline = now_ms() + timeout_ms;
    size_t got = 0;

    while (got < len) {
        long long left = deadline - now_ms();
        ssize_t r;

        if (left <= 0)
            break;
        r = net_read_timeout(fd, buf + got, stop_at_newline ? 1 : len - got, (int)left);
        if (r <= 0)
            break;
        got += (size_t)r;
        if (stop_at_newline && buf[got - 1] == '\n')
            break;
    }
    return got;
}

size_t e2e_read_exact(int fd, void *buf, size_t len, int timeout_ms)
{
    return read_until(fd, buf, len, timeout_ms, 0);
}

size_t e2e_read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
    size_t n = read_until(fd, buf, cap - 1, timeout_ms, 1);

    buf[n] = '\0';
    return n > 0 && buf[n - 1] == '\n' ? n : 0;
}

int e2e_expect_eof(int fd, int timeout_ms)
{
    char c;

    return net_read_timeout(fd, &c, 1, timeout_ms) == 0;
}

int e2e_send(int fd, const void *buf, size_t len)
{
    return net_write_all(fd, buf, len) == 0 ? 0 : -1;
}

int e2e_wait_for_text(const char *path, const char *needle, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    do {
        size_t len = 0;
        char *text = e2e_slurp(path, &len);
        int found = text != NULL && memmem(text, len, needle, strlen(needle)) != NULL;

        free(text);
        if (found)
            return 1;
        poll(NULL, 0, 10);
    } while (now_ms() < deadline);
    return 0;
}

int e2e_closed_port(void)
{
    struct net_addr a;
    char text[NET_ADDR_TEXT];
    int fd, port = -1;

    if (net_parse_addr("127.0.0.1:0", &a) != 0)
        return -1;
    fd = net_tcp_listen(&a, 1);
    if (fd < 0)
        return -1;
    if (net_local_text(fd, text) > 0)
        port = (int)strtol(strrchr(text, ':') + 1, NULL, 10);
    close(fd);
    return port;
}
