/* hostile.c -- a TCP echo server that also attacks whoever runs it, one way per mode, as a
 * hostile student's submission would. Each mode is a case of tests/faulty/hostile.py.
 *
 *   hostile MODE [--file PATH] --listen ADDR
 *   escape     a setsid() grandchild keeps the port and, after the run, rewrites PATH
 *   stop       stops (SIGSTOP) and then kills (SIGKILL) its parent and every pid it can name
 *   forkbomb   forks until it cannot, every child sleeping
 *   memory     on the first connection, allocates and touches memory until malloc fails
 *   spin       on the first connection, computes without end
 *   bigfile    on the first connection, writes /tmp/big without end
 *   flood      writes to stdout without end while it serves
 *   fill-tmp   fills /tmp until the disk is full, then serves
 *   inherit    writes "FORGED" into every descriptor above 2 it inherited; exits 42 at once,
 *              printing it, when it can read the environment variable WC_TEST_SECRET
 *   never-binds  sleeps without ever listening
 *   binds-late   listens after 1.5 s
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faulty.h"

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
}

/* Echoes one connection until the client closes. */
static void echo(int fd)
{
    unsigned char buf[65536];
    for (;;) {
        ssize_t n = net_read_timeout(fd, buf, sizeof buf, -1);
        if (n <= 0 || net_write_all(fd, buf, (size_t)n) < 0)
            break;
    }
    close(fd);
}

static void serve(int lfd, const char *mode)
{
    for (;;) {
        int fd = net_tcp_accept(lfd, 1);
        if (fd < 0)
            continue;
        if (strcmp(mode, "memory") == 0) {
            /* Until the address-space limit says no; then as a Rust program would. */
            for (size_t total = 0;; total += 1 << 20) {
                char *p = malloc(1 << 20);
                if (!p) {
                    fprintf(stderr, "memory allocation of 1048576 bytes failed after %zu MiB\n",
                            total >> 20);
                    abort();
                }
                memset(p, 1, 1 << 20);
            }
        }
        if (strcmp(mode, "spin") == 0) {
            for (volatile unsigned long i = 0;; i++)
                continue;
        }
        if (strcmp(mode, "bigfile") == 0) {
            FILE *f = fopen("/tmp/big", "w");
            static char block[65536];
            while (f && fwrite(block, 1, sizeof block, f) == sizeof block)
                fflush(f);
        }
        echo(fd);
    }
}

/* The grandchild: out of the process group and the session, holding the listening socket,
 * waiting for the run to end, then forging its report. */
static void escape(int lfd, const char *file)
{
    pid_t pid = fork();
    if (pid != 0) {
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return;
    }
    if (fork() != 0)
        _exit(0);
    setsid();
    for (int i = 0; i < 100; i++) { /* 10 s */
        pause_ms(100);
        if (file) {
            FILE *f = fopen(file, "w");
            if (f) {
                fputs("{\"forged\": true, \"exit_code\": 0}\n", f);
                fclose(f);
            }
        }
    }
    (void)lfd;
    _exit(0);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *file = NULL;
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], "--file") == 0)
            file = argv[i + 1];
    struct net_addr a;
    faulty_addr(argc, argv, "--listen", "127.0.0.1:7878", &a);
    if (strcmp(mode, "never-binds") == 0) {
        for (;;)
            pause_ms(1000);
    }
    if (strcmp(mode, "binds-late") == 0)
        pause_ms(1500);
    if (strcmp(mode, "fill-tmp") == 0) {
        FILE *f = fopen("/tmp/fill", "w");
        static char block[65536];
        while (f && fwrite(block, 1, sizeof block, f) == sizeof block)
            continue;
        if (f)
            fclose(f);
    }
    if (strcmp(mode, "inherit") == 0) {
        const char *secret = getenv("WC_TEST_SECRET");
        if (secret) {
            fprintf(stderr, "secret: %s\n", secret);
            exit(42);
        }
        for (int fd = 3; fd < 1024; fd++) {
            if (fcntl(fd, F_GETFD) >= 0) {
                lseek(fd, 0, SEEK_SET);
                ssize_t ignored = write(fd, "FORGED\n", 7);
                (void)ignored;
            }
        }
    }
    int lfd = faulty_tcp_listen(&a, "Hostile echo server");
    if (strcmp(mode, "escape") == 0)
        escape(lfd, file);
    if (strcmp(mode, "stop") == 0) {
        kill(getppid(), SIGSTOP);
        for (pid_t p = 1; p < 4096; p++)
            if (p != getpid())
                kill(p, SIGSTOP);
        kill(getppid(), SIGKILL);
        kill(-1, SIGKILL); /* every process this uid may signal (itself excepted) */
    }
    if (strcmp(mode, "forkbomb") == 0) {
        for (int i = 0; i < 100000; i++) {
            pid_t pid = fork();
            if (pid == 0) {
                for (;;)
                    pause_ms(1000);
            }
            if (pid < 0)
                break;
        }
        fprintf(stderr, "fork failed: %s\n", strerror(errno));
    }
    if (strcmp(mode, "flood") == 0 && fork() == 0) {
        static char line[4096];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 2] = '\n';
        for (;;)
            fputs(line, stdout);
    }
    serve(lfd, mode);
    return 0;
}
