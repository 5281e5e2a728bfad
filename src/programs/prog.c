/* prog.c -- option parsing, logging, signal handling and serving loops for the programs. */
#include "prog.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "status.h"
#include "wait.h"

#define PROG_DEFAULT_TIMEOUT_MS 5000
#define PROG_DEFAULT_MAX_CONNS 1024
#define PROG_DEFAULT_MAX_LINE ((size_t)64 * 1024)

/* A quiet client prints nothing on stdout; quiet servers still print their listening line.
 * Set once by prog_parse before any thread exists. */
static int out_muted;

static void print_help(const struct prog_info *info)
{
    printf("Usage: %s [OPTIONS]\n%s\n\nOptions:\n", info->name, info->summary);
    if (info->is_server)
        printf("  --listen ADDR:PORT   address to listen on (default %s; port 0 picks a free one,\n"
               "                       and the 'listening on' line shows the one bound)\n",
               info->default_addr);
    else
        printf("  --connect ADDR:PORT  server address (default %s)\n", info->default_addr);
    printf(info->is_server ? "  --quiet              no per-message log lines\n"
                           : "  --quiet              print nothing on stdout (errors still go to stderr)\n");
    if (info->extra_help)
        fputs(info->extra_help, stdout);
    printf("  --help               this text\n"
           "  --version            version\n\n"
           "Exit codes: 0 success; 1 I/O error; 2 usage error; 3 cannot bind/resolve/connect;\n"
           "            4 timeout; 5 peer closed before the reply was complete.\n"
           "Servers run until SIGINT or SIGTERM, then exit 0.\n");
}

static void usage_error(const struct prog_info *info, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void usage_error(const struct prog_info *info, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", info->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", info->name);
    exit(PROG_EXIT_USAGE);
}

int prog_parse_size(const char *text, size_t min, size_t max, size_t *out)
{
    char *end = NULL;
    unsigned long long v;

    if (text == NULL || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* Splits "--opt=value" so both "--opt value" and "--opt=value" work. */
static int match_opt(const char *arg, const char *name, const char **inline_value)
{
    size_t n = strlen(name);

    *inline_value = NULL;
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '\0')
        return 1;
    if (arg[n] == '=') {
        *inline_value = arg + n + 1;
        return 1;
    }
    return 0;
}

void prog_parse(const struct prog_info *info, int argc, char **argv, struct prog_opts *opts,
                prog_extra_fn extra, void *ctx)
{
    const char *addr_opt = info->is_server ? "--listen" : "--connect";
    int i, n_rc;

    setvbuf(stdout, NULL, _IOLBF, 0); /* log lines reach a pipe as they happen */
    memset(opts, 0, sizeof(*opts));
    opts->addr_text = info->default_addr;
    opts->timeout_ms = PROG_DEFAULT_TIMEOUT_MS;
    opts->max_conns = PROG_DEFAULT_MAX_CONNS;
    opts->max_line = PROG_DEFAULT_MAX_LINE;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *iv = NULL;
        const char *value;
        size_t n;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(info);
            exit(PROG_EXIT_OK);
        }
        if (strcmp(arg, "--version") == 0) {
            printf("%s (wirecheck) %s\n", info->name, WIRECHECK_VERSION);
            exit(PROG_EXIT_OK);
        }
        if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            opts->quiet = 1;
            continue;
        }
        if (match_opt(arg, addr_opt, &iv) ||
            ((info->options & PROG_OPT_TIMEOUT) && match_opt(arg, "--timeout", &iv)) ||
            ((info->options & PROG_OPT_IDLE_TIMEOUT) && match_opt(arg, "--idle-timeout", &iv)) ||
            ((info->options & PROG_OPT_SEND_TIMEOUT) && match_opt(arg, "--send-timeout", &iv)) ||
            ((info->options & PROG_OPT_THREADS) && match_opt(arg, "--threads", &iv)) ||
            ((info->options & PROG_OPT_MAX_CONNS) && match_opt(arg, "--max-conns", &iv)) ||
            ((info->options & PROG_OPT_MAX_LINE) && match_opt(arg, "--max-line", &iv))) {
            int is_inline = iv != NULL;

            value = is_inline ? iv : (i + 1 < argc ? argv[i + 1] : NULL);
            if (value == NULL)
                usage_error(info, "option '%s' needs a value", arg);
            if (!is_inline)
                i++;
            if (strncmp(arg, addr_opt, strlen(addr_opt)) == 0) {
                opts->addr_text = value;
            } else if (strncmp(arg, "--idle-timeout", 14) == 0) {
                if (prog_parse_size(value, 0, 24 * 3600 * 1000, &n) != 0)
                    usage_error(info, "--idle-timeout wants milliseconds (0..86400000), not '%s'",
                                value);
                opts->idle_timeout_ms = (int)n;
            } else if (strncmp(arg, "--send-timeout", 14) == 0) {
                if (prog_parse_size(value, 0, 24 * 3600 * 1000, &n) != 0)
                    usage_error(info, "--send-timeout wants milliseconds (0..86400000), not '%s'",
                                value);
                opts->send_timeout_ms = (int)n;
            } else if (strncmp(arg, "--threads", 9) == 0) {
                if (prog_parse_size(value, 0, 64, &n) != 0)
                    usage_error(info, "--threads wants a count (0..64, 0: one per CPU), not '%s'",
                                value);
                opts->threads = (unsigned)n;
            } else if (strncmp(arg, "--timeout", 9) == 0) {
                if (prog_parse_size(value, 1, 3600 * 1000, &n) != 0)
                    usage_error(info, "--timeout wants milliseconds (1..3600000), not '%s'",
                                value);
                opts->timeout_ms = (int)n;
            } else if (strncmp(arg, "--max-conns", 11) == 0) {
                if (prog_parse_size(value, 1, 10000, &n) != 0)
                    usage_error(info, "--max-conns wants a count (1..10000), not '%s'", value);
                opts->max_conns = n;
            } else {
                if (prog_parse_size(value, 1, (size_t)64 * 1024 * 1024, &n) != 0)
                    usage_error(info, "--max-line wants bytes (1..67108864), not '%s'", value);
                opts->max_line = n;
            }
            continue;
        }
        if (extra != NULL) {
            int used = extra(ctx, arg, i + 1 < argc ? argv[i + 1] : NULL);
            if (used < 0)
                usage_error(info, "%s", "invalid option value");
            if (used > 0) {
                i += used - 1;
                continue;
            }
        }
        usage_error(info, "unknown option '%s'", arg);
    }
    out_muted = opts->quiet && !info->is_server;
    n_rc = net_parse_addr(opts->addr_text, &opts->addr);
    if (n_rc == -EINVAL)
        usage_error(info, "not an address (want HOST:PORT, e.g. 127.0.0.1:7878 or [::1]:7878): '%s'",
                    opts->addr_text);
    if (n_rc < 0) {
        fprintf(stderr, "%s: cannot resolve '%s': %s\n", info->name, opts->addr_text,
                n_rc == -ENOENT ? "no such host" : wc_strerror(n_rc));
        exit(PROG_EXIT_CONNECT);
    }
}

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void vline(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void vline(FILE *f, const char *fmt, va_list ap)
{
    pthread_mutex_lock(&out_lock);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
    pthread_mutex_unlock(&out_lock);
}

void prog_out(const char *fmt, ...)
{
    va_list ap;

    if (out_muted)
        return;
    va_start(ap, fmt);
    vline(stdout, fmt, ap);
    va_end(ap);
}

void prog_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vline(stderr, fmt, ap);
    va_end(ap);
}

void prog_out_bytes(const char *prefix, const char *bytes, size_t len, const char *suffix)
{
    if (out_muted)
        return;
    pthread_mutex_lock(&out_lock);
    fputs(prefix, stdout);
    fwrite(bytes, 1, len, stdout);
    fputs(suffix, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
}

const char *prog_errno_text(int err, char *buf, size_t cap)
{
    if (err < 0)
        err = -err;
    snprintf(buf, cap, "%s (os error %d)", strerror(err), err);
    return buf;
}

/* Self-pipe: the handler may only do async-signal-safe things, so it writes a byte. */
static int stop_pipe[2] = {-1, -1};
/* Atomic, not just volatile: worker threads read it too. Lock-free, so signal-safe. */
static atomic_int stop_flag;
/* The serial loop's current client: a stop signal shuts it down so that a send blocked on a
 * client that never reads returns at once (shutdown is async-signal-safe). */
static atomic_int serial_conn = -1;

void prog_stop_shuts_down(int fd)
{
    atomic_store(&serial_conn, fd);
}

static void on_stop_signal(int sig)
{
    int saved = errno;
    char b = 's';

    (void)sig;
    atomic_store(&stop_flag, 1);
    if (atomic_load(&serial_conn) >= 0)
        shutdown(atomic_load(&serial_conn), SHUT_RDWR);
    if (write(stop_pipe[1], &b, 1) < 0) {
        /* the pipe is full: a byte is already waiting, which is all we need */
    }
    errno = saved;
}

void prog_signals_init(void)
{
    struct sigaction sa;

    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("pipe2");
        exit(PROG_EXIT_IO);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    net_ignore_sigpipe();
}

int prog_stop_fd(void)
{
    return stop_pipe[0];
}

int prog_stopping(void)
{
    return atomic_load(&stop_flag) != 0;
}

int prog_wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = wait_fds(&p, 1, stop_pipe[0], timeout_ms > 0 ? clk_deadline(timeout_ms) : CLK_NEVER);

    if (n <= 0)
        return n; /* 0: stopping; -ETIMEDOUT; -errno */
    return atomic_load(&stop_flag) ? 0 : 1;
}

int prog_tcp_listen(const struct prog_opts *opts, const char *banner)
{
    char text[NET_ADDR_TEXT];
    char ebuf[128];
    /* The largest backlog the kernel allows (it caps SOMAXCONN at net.core.somaxconn): a burst
     * of thousands of connects must not overflow the queue while the accept loop catches up. */
    int fd = net_tcp_listen(&opts->addr, SOMAXCONN);
    int r;

    if (fd < 0) {
        prog_err("Error: cannot listen on %s: %s", opts->addr_text,
                 prog_errno_text(fd, ebuf, sizeof(ebuf)));
        exit(PROG_EXIT_CONNECT);
    }
    r = net_local_text(fd, text);
    prog_out("%s %s", banner, r < 0 ? opts->addr_text : text);
    return fd;
}

char *prog_read_file(const char *path, size_t cap, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf;
    size_t n = 0;

    if (f == NULL) {
        prog_err("Error: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(cap + 1);
    if (buf == NULL) {
        prog_err("Error: out of memory");
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    n = fread(buf, 1, cap + 1, f);
    if (ferror(f)) {
        prog_err("Error: cannot read %s", path);
        free(buf);
        buf = NULL;
    } else if (n > cap) {
        prog_err("Error: %s is larger than %zu bytes", path, cap);
        free(buf);
        buf = NULL;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}
