/* test_net.c -- sockets on loopback only: address text, listen/connect, timeouts, full writes. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "net.h"

/* ---- helpers ---- */

static int64_t mono_ms(void)
{
    return clk_now_ms();
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void parse_ok(const char *text, struct net_addr *a)
{
    int rc = net_parse_addr(text, a);
    if (rc != 0)
        fail_msg("net_parse_addr(\"%s\") = %d", text, rc);
}

/* Port of a bound socket, via the text API under test and getsockname as a cross-check. */
static unsigned local_port(int fd)
{
    char text[NET_ADDR_TEXT];
    int n = net_local_text(fd, text);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(text));
    const char *colon = strrchr(text, ':');
    assert_non_null(colon);
    char *end = NULL;
    unsigned long port = strtoul(colon + 1, &end, 10);
    assert_true(end != NULL && *end == '\0');

    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    unsigned want = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                                            : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    assert_int_equal(port, want);
    return (unsigned)port;
}

/* A listener on |host| ("127.0.0.1" or "[::1]") port 0; fills |a| with its real address. */
static int listen_any(const char *host, struct net_addr *a, int backlog)
{
    char text[80];
    snprintf(text, sizeof(text), "%s:0", host);
    parse_ok(text, a);
    int fd = net_tcp_listen(a, backlog);
    if (fd < 0)
        return fd;
    snprintf(text, sizeof(text), "%s:%u", host, local_port(fd));
    parse_ok(text, a);
    return fd;
}

/* A connected TCP pair over |host|: *client and *server. Returns 0, or -errno from listen. */
static int tcp_pair(const char *host, int *client, int *server)
{
    struct net_addr a;
    int lfd = listen_any(host, &a, 8);
    if (lfd < 0)
        return lfd;
    *client = net_tcp_connect(&a, 5000);
    assert_true(*client >= 0);
    *server = net_tcp_accept(lfd, 1);
    assert_true(*server >= 0);
    close(lfd);
    return 0;
}

static int ipv6_loopback_usable(void)
{
    struct net_addr a;
    if (net_parse_addr("[::1]:0", &a) != 0)
        return 0;
    int fd = net_tcp_listen(&a, 1);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* Periodic SIGALRM without SA_RESTART, so blocking calls see EINTR and short counts. */
static volatile sig_atomic_t alarm_count;

static void on_alarm(int sig)
{
    (void)sig;
    alarm_count++;
}

static void alarms_start(int interval_us, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    assert_int_equal(sigaction(SIGALRM, &sa, old), 0);
    struct itimerval it = {{0, interval_us}, {0, interval_us}};
    alarm_count = 0;
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void alarms_stop(const struct sigaction *old)
{
    struct itimerval it;
    memset(&it, 0, sizeof(it));
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    assert_int_equal(sigaction(SIGALRM, old, NULL), 0);
}

/* ---- address text ---- */

struct parse_row {
    const char *label;
    const char *text;
    int rc;
    const char *formatted; /* when rc == 0: net_addr_format of the result */
};

static void test_parse_addr_table(void **state)
{
    (void)state;
    static const struct parse_row rows[] = {
        {"ipv4", "127.0.0.1:7878", 0, "127.0.0.1:7878"},
        {"ipv4 any, max port", "0.0.0.0:65535", 0, "0.0.0.0:65535"},
        {"ipv4 port 0", "127.0.0.1:0", 0, "127.0.0.1:0"},
        {"leading zeros in port", "127.0.0.1:0080", 0, "127.0.0.1:80"},
        {"plus sign (Rust u16 parse)", "127.0.0.1:+80", 0, "127.0.0.1:80"},
        {"short ipv4 via getaddrinfo", "127.1:80", 0, "127.0.0.1:80"},
        {"ipv6 bracketed", "[::1]:7878", 0, "[::1]:7878"},
        {"ipv6 unspecified", "[::]:0", 0, "[::]:0"},
        {"ipv6 upper case", "[2001:DB8::1]:1", 0, "[2001:db8::1]:1"},
        {"ipv6 numeric scope", "[fe80::1%1]:80", 0, "[fe80::1%1]:80"},
        {"ipv6 v4-mapped", "[::ffff:1.2.3.4]:5", 0, "[::ffff:1.2.3.4]:5"},
        {"ipv6 v4-compatible", "[::1.2.3.4]:80", 0, "[::102:304]:80"},
        {"ipv6 unbracketed via last colon", "::1:80", 0, "[::1]:80"},
        {"empty", "", -EINVAL, NULL},
        {"garbage", "garbage", -EINVAL, NULL},
        {"missing port", "127.0.0.1", -EINVAL, NULL},
        {"empty port", "127.0.0.1:", -EINVAL, NULL},
        {"port 65536", "127.0.0.1:65536", -EINVAL, NULL},
        {"port 99999999999", "127.0.0.1:99999999999", -EINVAL, NULL},
        {"negative port", "1.2.3.4:-1", -EINVAL, NULL},
        {"port with letters", "127.0.0.1:8a", -EINVAL, NULL},
        {"port with trailing space", "127.0.0.1:80 ", -EINVAL, NULL},
        {"lone plus", "127.0.0.1:+", -EINVAL, NULL},
        {"ipv6 without port", "[::1]", -EINVAL, NULL},
        {"ipv6 empty port", "[::1]:", -EINVAL, NULL},
        {"ipv6 port 65536", "[::1]:65536", -EINVAL, NULL},
        {"empty host", ":80", -ENOENT, NULL},
        {"ipv4 in brackets", "[127.0.0.1]:80", -ENOENT, NULL},
        {"interface-name scope", "[fe80::1%lo]:80", -ENOENT, NULL},
        {"bracketed, plus port", "[::1]:+80", -ENOENT, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct parse_row *r = &rows[i];
        struct net_addr a;
        memset(&a, 0xa5, sizeof(a));
        int rc = net_parse_addr(r->text, &a);
        if (rc != r->rc)
            fail_msg("%s: net_parse_addr(\"%s\") = %d, want %d", r->label, r->text, rc, r->rc);
        if (rc != 0)
            continue;
        char out[NET_ADDR_TEXT];
        int n = net_addr_format((const struct sockaddr *)&a.ss, a.len, out);
        assert_int_equal(n, (int)strlen(r->formatted));
        if (strcmp(out, r->formatted) != 0)
            fail_msg("%s: formatted \"%s\", want \"%s\"", r->label, out, r->formatted);
    }
}

static void test_parse_localhost_resolves_to_loopback(void **state)
{
    (void)state;
    struct net_addr a;
    parse_ok("localhost:1234", &a);
    char out[NET_ADDR_TEXT];
    assert_true(net_addr_format((const struct sockaddr *)&a.ss, a.len, out) > 0);
    assert_true(strcmp(out, "127.0.0.1:1234") == 0 || strcmp(out, "[::1]:1234") == 0);
}

static void test_parse_bad_arguments(void **state)
{
    (void)state;
    struct net_addr a;
    assert_int_equal(net_parse_addr(NULL, &a), -EINVAL);
    assert_int_equal(net_parse_addr("127.0.0.1:1", NULL), -EINVAL);
    char *longtext = malloc(5000);
    assert_non_null(longtext);
    memset(longtext, 'a', 4990);
    memcpy(longtext + 4990, ":80", 4);
    assert_int_equal(net_parse_addr(longtext, &a), -EINVAL);
    free(longtext);
}

struct v6_row {
    const char *label;
    uint8_t addr[16];
    uint32_t scope;
    uint16_t port;
    const char *want; /* as printed by rustc 1.95's SocketAddrV6 Display */
};

static void test_format_ipv6_like_rust(void **state)
{
    (void)state;
    static const struct v6_row rows[] = {
        {"ipv4-compatible", {[12] = 1, 2, 3, 4}, 0, 80, "[::102:304]:80"},
        {"loopback", {[15] = 1}, 0, 80, "[::1]:80"},
        {"unspecified", {0}, 0, 80, "[::]:80"},
        {"v4-mapped", {[10] = 0xff, 0xff, 1, 2, 3, 4}, 0, 80, "[::ffff:1.2.3.4]:80"},
        {"v4-mapped zero", {[10] = 0xff, 0xff}, 0, 80, "[::ffff:0.0.0.0]:80"},
        {"longest run wins",
         {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},
         0,
         80,
         "[1:0:1::1:0:0]:80"},
        {"first of equal runs",
         {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1},
         0,
         80,
         "[1::1:0:0:1:1]:80"},
        {"single zero not compressed",
         {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
         0,
         80,
         "[2001:db8:0:1:1:1:1:1]:80"},
        {"trailing run", {0, 0, 0, 1}, 0, 80, "[0:1::]:80"},
        {"run then one group", {[13] = 1}, 0, 80, "[::1:0]:80"},
        {"scope id as number", {0xfe, 0x80, [15] = 1}, 3, 80, "[fe80::1%3]:80"},
        {"longest text",
         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff},
         4294967295u,
         65535,
         "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sockaddr_in6 s6;
        memset(&s6, 0, sizeof(s6));
        s6.sin6_family = AF_INET6;
        memcpy(s6.sin6_addr.s6_addr, rows[i].addr, 16);
        s6.sin6_scope_id = rows[i].scope;
        s6.sin6_port = htons(rows[i].port);
        char out[NET_ADDR_TEXT];
        int n = net_addr_format((const struct sockaddr *)&s6, sizeof(s6), out);
        if (n < 0 || strcmp(out, rows[i].want) != 0)
            fail_msg("%s: got \"%s\" (%d), want \"%s\"", rows[i].label, out, n, rows[i].want);
        assert_int_equal(n, (int)strlen(rows[i].want));
    }
}

static void test_format_ipv4_and_invalid(void **state)
{
    (void)state;
    struct sockaddr_in s4;
    memset(&s4, 0, sizeof(s4));
    s4.sin_family = AF_INET;
    s4.sin_port = htons(65535);
    s4.sin_addr.s_addr = htonl(0xffffffffu);
    char out[NET_ADDR_TEXT];
    assert_int_equal(net_addr_format((const struct sockaddr *)&s4, sizeof(s4), out), 21);
    assert_string_equal(out, "255.255.255.255:65535");
    s4.sin_addr.s_addr = htonl(0x0a000001u);
    s4.sin_port = htons(0);
    assert_int_equal(net_addr_format((const struct sockaddr *)&s4, sizeof(s4), out), 10);
    assert_string_equal(out, "10.0.0.1:0");

    /* Too short for its family, an unknown family, NULLs: rejected with an empty string. */
    assert_int_equal(net_addr_format((const struct sockaddr *)&s4, sizeof(s4) - 1, out), -EINVAL);
    assert_string_equal(out, "");
    struct sockaddr_in6 s6;
    memset(&s6, 0, sizeof(s6));
    s6.sin6_family = AF_INET6;
    assert_int_equal(net_addr_format((const struct sockaddr *)&s6, sizeof(s4), out), -EINVAL);
    struct sockaddr_storage un;
    memset(&un, 0, sizeof(un));
    un.ss_family = AF_UNIX;
    assert_int_equal(net_addr_format((const struct sockaddr *)&un, sizeof(un), out), -EINVAL);
    assert_int_equal(net_addr_format(NULL, sizeof(s4), out), -EINVAL);
    assert_int_equal(net_addr_format((const struct sockaddr *)&s4, sizeof(s4), NULL), -EINVAL);
}

/* ---- TCP ---- */

static void test_listen_port0_reads_back_port(void **state)
{
    (void)state;
    struct net_addr a;
    parse_ok("127.0.0.1:0", &a);
    int fd = net_tcp_listen(&a, 4);
    assert_true(fd >= 0);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    char text[NET_ADDR_TEXT];
    assert_true(net_local_text(fd, text) > 0);
    assert_memory_equal(text, "127.0.0.1:", 10);
    assert_true(local_port(fd) != 0);
    close(fd);
}

static void round_trip(const char *host)
{
    int c, s;
    assert_int_equal(tcp_pair(host, &c, &s), 0);
    assert_true(fcntl(c, F_GETFL) >= 0 && !(fcntl(c, F_GETFL) & O_NONBLOCK));
    assert_true(fcntl(c, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl(s, F_GETFD) & FD_CLOEXEC);

    /* Each side's peer is the other side's local address. */
    char l[NET_ADDR_TEXT], p[NET_ADDR_TEXT];
    assert_true(net_local_text(c, l) > 0);
    assert_true(net_peer_text(s, p) > 0);
    assert_string_equal(l, p);
    assert_true(net_peer_text(c, p) > 0);
    assert_true(net_local_text(s, l) > 0);
    assert_string_equal(l, p);

    static const char msg[] = "{\"device_id\":\"x\"}\n";
    assert_int_equal(net_write_all(c, msg, sizeof(msg) - 1), 0);
    char buf[64];
    size_t got = 0;
    while (got < sizeof(msg) - 1) {
        ssize_t n = net_read_timeout(s, buf + got, sizeof(buf) - got, 5000);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_memory_equal(buf, msg, sizeof(msg) - 1);
    assert_int_equal(net_write_all(s, "ACK\n", 4), 0);
    assert_int_equal(shutdown(s, SHUT_WR), 0);
    got = 0;
    for (;;) {
        ssize_t n = net_read_timeout(c, buf + got, sizeof(buf) - got, 5000);
        assert_true(n >= 0);
        if (n == 0)
            break; /* EOF after the reply */
        got += (size_t)n;
    }
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "ACK\n", 4);
    close(c);
    close(s);
}

static void test_tcp_round_trip_ipv4(void **state)
{
    (void)state;
    round_trip("127.0.0.1");
}

static void test_tcp_round_trip_ipv6(void **state)
{
    (void)state;
    if (!ipv6_loopback_usable())
        skip();
    round_trip("[::1]");
}

/* A dual-stack listener sees an IPv4 client as v4-mapped, which Rust prints in brackets. */
static void test_v4_mapped_peer_text(void **state)
{
    (void)state;
    if (!ipv6_loopback_usable())
        skip();
    struct net_addr any6, v4;
    parse_ok("[::]:0", &any6);
    int lfd = net_tcp_listen(&any6, 4);
    assert_true(lfd >= 0);
    int v6only = 0;
    socklen_t ol = sizeof(v6only);
    assert_int_equal(getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &ol), 0);
    if (v6only) {
        close(lfd);
        skip(); /* bindv6only=1 on this host: no v4-mapped peers */
    }
    char text[32];
    snprintf(text, sizeof(text), "127.0.0.1:%u", local_port(lfd));
    parse_ok(text, &v4);
    int c = net_tcp_connect(&v4, 5000);
    assert_true(c >= 0);
    int s = net_tcp_accept(lfd, 1);
    assert_true(s >= 0);
    char local[NET_ADDR_TEXT], peer[NET_ADDR_TEXT], want[NET_ADDR_TEXT + 16];
    assert_true(net_local_text(c, local) > 0);
    assert_true(net_peer_text(s, peer) > 0);
    snprintf(want, sizeof(want), "[::ffff:%s", local);
    char *colon = strrchr(want, ':');
    assert_non_null(colon);
    memmove(colon + 1, colon, strlen(colon) + 1);
    *colon = ']';
    assert_string_equal(peer, want);
    close(c);
    close(s);
    close(lfd);
}

static void test_connect_closed_port_refused(void **state)
{
    (void)state;
    struct net_addr a;
    int lfd = listen_any("127.0.0.1", &a, 1);
    assert_true(lfd >= 0);
    close(lfd); /* the port is now (very likely) closed: nobody else binds it this fast */
    assert_int_equal(net_tcp_connect(&a, 5000), -ECONNREFUSED);
    assert_int_equal(net_tcp_connect(&a, -1), -ECONNREFUSED);
}

/*
 * Linux drops SYNs while a listener's accept queue is full, so with backlog 0 and nobody
 * accepting, a further connect stays pending: the timeout must end it.
 */
static void test_connect_timeout(void **state)
{
    (void)state;
    struct net_addr a;
    int lfd = listen_any("127.0.0.1", &a, 0);
    assert_true(lfd >= 0);
    int fds[8];
    int nfds = 0, timed_out = 0;
    int64_t elapsed = 0;
    while (nfds < 8 && !timed_out) {
        int64_t t0 = mono_ms();
        int fd = net_tcp_connect(&a, 300);
        elapsed = mono_ms() - t0;
        if (fd == -ETIMEDOUT)
            timed_out = 1;
        else if (fd >= 0)
            fds[nfds++] = fd;
        else
            fail_msg("connect: %d", fd);
    }
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    close(lfd);
    if (!timed_out)
        skip(); /* this kernel accepts past the backlog: no way to stall a loopback connect */
    assert_true(elapsed >= 295);
    assert_true(elapsed < 2000);
}

static void test_read_timeout(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    char buf[16];
    int64_t t0 = mono_ms();
    assert_int_equal(net_read_timeout(c, buf, sizeof(buf), 200), -ETIMEDOUT);
    int64_t el = mono_ms() - t0;
    assert_true(el >= 195);
    assert_true(el < 1500);
    assert_int_equal(net_read_timeout(c, buf, sizeof(buf), 0), -ETIMEDOUT);
    /* Data arriving during the wait is returned at once. */
    assert_int_equal(net_write_all(s, "x", 1), 0);
    assert_int_equal(net_read_timeout(c, buf, sizeof(buf), 2000), 1);
    close(s);
    assert_int_equal(net_read_timeout(c, buf, sizeof(buf), 2000), 0); /* EOF */
    close(c);
}

/* Signals every 5 ms must neither end the wait early nor restart it from scratch. */
static void test_read_timeout_with_signals(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    struct sigaction old;
    char buf[16];
    alarms_start(5000, &old);
    int64_t t0 = mono_ms();
    ssize_t rc = net_read_timeout(c, buf, sizeof(buf), 200);
    int64_t el = mono_ms() - t0;
    sig_atomic_t alarms = alarm_count;
    alarms_stop(&old);
    assert_int_equal(rc, -ETIMEDOUT);
    assert_true(alarms > 5);
    assert_true(el >= 195);
    assert_true(el < 1500);
    close(c);
    close(s);
}

/* net_wait_fd: the revents when ready, -ETIMEDOUT after the timeout (signals or not),
 * POLLIN at EOF, and argument errors. */
static void test_wait_fd(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    assert_true(net_wait_fd(c, POLLOUT, 1000) & POLLOUT);
    struct sigaction old;
    alarms_start(5000, &old);
    int64_t t0 = mono_ms();
    int rc = net_wait_fd(c, POLLIN, 200);
    int64_t el = mono_ms() - t0;
    alarms_stop(&old);
    assert_int_equal(rc, -ETIMEDOUT);
    assert_true(el >= 195);
    assert_true(el < 1500);
    assert_int_equal(net_wait_fd(c, POLLIN, 0), -ETIMEDOUT);
    assert_int_equal(net_write_all(s, "x", 1), 0);
    assert_int_equal(net_wait_fd(c, POLLIN, 2000) & POLLIN, POLLIN);
    char buf[4];
    assert_int_equal(net_read_timeout(c, buf, sizeof(buf), 0), 1);
    close(s);
    assert_int_equal(net_wait_fd(c, POLLIN, 2000) & POLLIN, POLLIN); /* EOF is readable */
    assert_int_equal(net_wait_fd(-1, POLLIN, 0), -EINVAL);
    assert_int_equal(net_wait_fd(c, 0, 0), -EINVAL);
    close(c);
    assert_int_equal(net_wait_fd(c, POLLIN, 0), -EBADF);
}

static void test_set_timeouts(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    assert_int_equal(net_set_timeouts(c, 100, 100), 0);
    struct timeval tv;
    socklen_t tl = sizeof(tv);
    assert_int_equal(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, &tl), 0);
    assert_true(tv.tv_sec == 0 && tv.tv_usec >= 96000 && tv.tv_usec <= 104000);
    char b;
    int64_t t0 = mono_ms();
    assert_int_equal(recv(c, &b, 1, 0), -1); /* a plain blocking recv now gives up */
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    assert_true(mono_ms() - t0 >= 90);
    assert_int_equal(net_set_timeouts(c, 0, 0), 0);
    tl = sizeof(tv);
    assert_int_equal(getsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, &tl), 0);
    assert_true(tv.tv_sec == 0 && tv.tv_usec == 0);
    assert_int_equal(net_set_timeouts(c, -1, 0), -EINVAL);
    assert_int_equal(net_set_timeouts(-1, 10, 10), -EBADF);
    close(c);
    close(s);
}

static void test_set_nodelay(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    int v = -1;
    socklen_t vl = sizeof(v);
    assert_int_equal(net_set_nodelay(c, 1), 0);
    assert_int_equal(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
    assert_true(v != 0);
    assert_int_equal(net_set_nodelay(c, 0), 0);
    vl = sizeof(v);
    assert_int_equal(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
    assert_int_equal(v, 0);
    assert_int_equal(net_set_nodelay(-1, 1), -EBADF);
    close(c);
    close(s);
}

/* accept(): EINTR surfaces when not retrying, and is retried when asked. */
struct late_connect {
    struct net_addr a;
    int fd;
};

static void *connect_later(void *arg)
{
    struct late_connect *lc = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the alarms are for the accepting thread */
    sleep_ms(150);
    lc->fd = net_tcp_connect(&lc->a, 5000);
    return NULL;
}

static void test_accept_eintr(void **state)
{
    (void)state;
    struct late_connect lc;
    int lfd = listen_any("127.0.0.1", &lc.a, 4);
    assert_true(lfd >= 0);
    struct sigaction old;
    alarms_start(20000, &old);
    int rc = net_tcp_accept(lfd, 0);
    assert_int_equal(rc, -EINTR);
    pthread_t th;
    lc.fd = -1;
    assert_int_equal(pthread_create(&th, NULL, connect_later, &lc), 0);
    int s = net_tcp_accept(lfd, 1); /* several alarms arrive before the client does */
    sig_atomic_t alarms = alarm_count;
    assert_int_equal(pthread_join(th, NULL), 0);
    alarms_stop(&old);
    assert_true(s >= 0);
    assert_true(alarms >= 3);
    assert_true(lc.fd >= 0);
    close(lc.fd);
    close(s);
    close(lfd);
}

/* ---- full writes ---- */

enum { BIG = 6 * 1024 * 1024 };

static unsigned char pattern_byte(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

struct slow_reader {
    int fd;
    size_t got;
    int mismatch;
    ssize_t err;
};

static void *slow_read(void *arg)
{
    struct slow_reader *r = arg;
    unsigned char buf[32 * 1024];
    unsigned rounds = 0;
    for (;;) {
        ssize_t n = net_read_timeout(r->fd, buf, sizeof(buf), 10000);
        if (n <= 0) {
            r->err = n;
            return NULL;
        }
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != pattern_byte(r->got + (size_t)i))
                r->mismatch = 1;
        r->got += (size_t)n;
        if (++rounds % 16 == 0)
            sleep_ms(2); /* slower than the writer, so its sends come back short */
    }
}

static void write_big_to_slow_reader(int nonblocking)
{
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    int small = 16 * 1024;
    assert_int_equal(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    if (nonblocking)
        assert_int_equal(fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK), 0);
    unsigned char *data = malloc(BIG);
    assert_non_null(data);
    for (size_t i = 0; i < BIG; i++)
        data[i] = pattern_byte(i);

    struct slow_reader r = {.fd = s, .got = 0, .mismatch = 0, .err = 1};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, slow_read, &r), 0);
    struct sigaction old;
    alarms_start(1000, &old); /* EINTR and short sends in the middle of the transfer */
    int rc = net_write_all(c, data, BIG);
    alarms_stop(&old);
    assert_int_equal(rc, 0);
    assert_int_equal(shutdown(c, SHUT_WR), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(r.err, 0); /* ended at EOF, not on an error or timeout */
    assert_int_equal(r.got, BIG);
    assert_int_equal(r.mismatch, 0);
    free(data);
    close(c);
    close(s);
}

static void test_write_all_big_to_slow_reader(void **state)
{
    (void)state;
    write_big_to_slow_reader(0);
}

static void test_write_all_big_nonblocking_fd(void **state)
{
    (void)state;
    write_big_to_slow_reader(1);
}

static void test_write_all_send_timeout(void **state)
{
    (void)state;
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    int small = 16 * 1024;
    assert_int_equal(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    assert_int_equal(net_set_timeouts(c, 0, 100), 0);
    unsigned char *data = calloc(1, BIG);
    assert_non_null(data);
    int64_t t0 = mono_ms();
    assert_int_equal(net_write_all(c, data, BIG), -ETIMEDOUT); /* nobody reads s */
    assert_true(mono_ms() - t0 < 5000);
    free(data);
    close(c);
    close(s);
}

/* Writing to a peer that is gone fails with -EPIPE/-ECONNRESET; SIGPIPE (default action: kill
 * the process) is never raised, or this test would not return. */
static void test_write_all_no_sigpipe(void **state)
{
    (void)state;
    struct sigaction cur;
    assert_int_equal(sigaction(SIGPIPE, NULL, &cur), 0);
    assert_true(cur.sa_handler == SIG_DFL);
    int c, s;
    assert_int_equal(tcp_pair("127.0.0.1", &c, &s), 0);
    close(s);
    static unsigned char chunk[64 * 1024];
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++)
        rc = net_write_all(c, chunk, sizeof(chunk));
    assert_true(rc == -EPIPE || rc == -ECONNRESET);
    close(c);
}

static void test_write_all_to_pipe(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(net_write_all(p[1], "hello", 5), 0);
    assert_int_equal(net_write_all(p[1], NULL, 0), 0);
    char buf[8];
    assert_int_equal(net_read_timeout(p[0], buf, sizeof(buf), 1000), 5);
    assert_memory_equal(buf, "hello", 5);
    close(p[1]);
    assert_int_equal(net_read_timeout(p[0], buf, sizeof(buf), 1000), 0);
    close(p[0]);
}

/* ---- UDP ---- */

static void udp_round_trip(const char *host)
{
    char text[40];
    struct net_addr a, b;
    snprintf(text, sizeof(text), "%s:0", host);
    parse_ok(text, &a);
    int fa = net_udp_bind(&a);
    assert_true(fa >= 0);
    int fb = net_udp_bind(&a);
    assert_true(fb >= 0);
    assert_true(fcntl(fa, F_GETFD) & FD_CLOEXEC);
    snprintf(text, sizeof(text), "%s:%u", host, local_port(fb));
    parse_ok(text, &b);

    assert_int_equal(net_udp_send_to(fa, "ping\0pong", 9, &b), 9);
    char buf[32];
    struct net_addr from;
    assert_int_equal(net_udp_recv_from(fb, buf, sizeof(buf), &from, 2000), 9);
    assert_memory_equal(buf, "ping\0pong", 9);
    char want[NET_ADDR_TEXT], got[NET_ADDR_TEXT];
    assert_true(net_local_text(fa, want) > 0);
    assert_true(net_addr_format((const struct sockaddr *)&from.ss, from.len, got) > 0);
    assert_string_equal(got, want);

    /* Echo back to the reported sender; an oversized datagram is cut to the buffer. */
    assert_int_equal(net_udp_send_to(fb, "0123456789", 10, &from), 10);
    assert_int_equal(net_udp_recv_from(fa, buf, 4, NULL, 2000), 4);
    assert_memory_equal(buf, "0123", 4);
    /* The rest of that datagram is gone: the next receive times out. */
    int64_t t0 = mono_ms();
    assert_int_equal(net_udp_recv_from(fa, buf, sizeof(buf), NULL, 100), -ETIMEDOUT);
    assert_true(mono_ms() - t0 >= 95);
    /* An empty datagram is a datagram. */
    assert_int_equal(net_udp_send_to(fa, "", 0, &b), 0);
    assert_int_equal(net_udp_recv_from(fb, buf, sizeof(buf), NULL, 2000), 0);
    close(fa);
    close(fb);
}

static void test_udp_round_trip_ipv4(void **state)
{
    (void)state;
    udp_round_trip("127.0.0.1");
}

static void test_udp_round_trip_ipv6(void **state)
{
    (void)state;
    if (!ipv6_loopback_usable())
        skip();
    udp_round_trip("[::1]");
}

/* ---- argument errors ---- */

static void test_bad_arguments(void **state)
{
    (void)state;
    struct net_addr bad;
    memset(&bad, 0, sizeof(bad));
    char text[NET_ADDR_TEXT];
    char buf[4];
    assert_int_equal(net_tcp_listen(NULL, 1), -EINVAL);
    assert_int_equal(net_tcp_listen(&bad, 1), -EINVAL);
    assert_int_equal(net_tcp_connect(NULL, 100), -EINVAL);
    assert_int_equal(net_tcp_connect(&bad, 100), -EINVAL);
    assert_int_equal(net_udp_bind(&bad), -EINVAL);
    assert_int_equal(net_udp_send_to(-1, "x", 1, &bad), -EINVAL);
    assert_int_equal(net_tcp_accept(-1, 1), -EBADF);
    assert_int_equal(net_write_all(-1, NULL, 3), -EINVAL);
    assert_int_equal(net_write_all(-1, "abc", 3), -EBADF);
    assert_int_equal(net_read_timeout(-1, buf, 0, 10), -EINVAL);
    assert_int_equal(net_read_timeout(-1, NULL, 4, 10), -EINVAL);
    assert_int_equal(net_local_text(-1, text), -EBADF);
    assert_int_equal(net_peer_text(-1, text), -EBADF);
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(net_local_text(p[0], text), -ENOTSOCK);
    close(p[0]);
    close(p[1]);
    /* Not connected: there is no peer. */
    struct net_addr a;
    parse_ok("127.0.0.1:0", &a);
    int u = net_udp_bind(&a);
    assert_true(u >= 0);
    assert_int_equal(net_peer_text(u, text), -ENOTCONN);
    close(u);
}

/* One blocking recv: data, SO_RCVTIMEO as -ETIMEDOUT, EOF, bad arguments. */
static void test_read_blocking(void **state)
{
    int sv[2];
    char buf[8];

    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(net_set_timeouts(sv[0], 50, 0), 0);
    assert_int_equal(net_read_blocking(sv[0], buf, sizeof(buf)), -ETIMEDOUT);
    assert_int_equal(write(sv[1], "xy", 2), 2);
    assert_int_equal(net_read_blocking(sv[0], buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "xy", 2);
    close(sv[1]);
    assert_int_equal(net_read_blocking(sv[0], buf, sizeof(buf)), 0);
    assert_int_equal(net_read_blocking(sv[0], NULL, 1), -EINVAL);
    assert_int_equal(net_read_blocking(sv[0], buf, 0), -EINVAL);
    close(sv[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_addr_table),
        cmocka_unit_test(test_parse_localhost_resolves_to_loopback),
        cmocka_unit_test(test_parse_bad_arguments),
        cmocka_unit_test(test_format_ipv6_like_rust),
        cmocka_unit_test(test_format_ipv4_and_invalid),
        cmocka_unit_test(test_listen_port0_reads_back_port),
        cmocka_unit_test(test_tcp_round_trip_ipv4),
        cmocka_unit_test(test_tcp_round_trip_ipv6),
        cmocka_unit_test(test_v4_mapped_peer_text),
        cmocka_unit_test(test_connect_closed_port_refused),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_read_timeout),
        cmocka_unit_test(test_read_timeout_with_signals),
        cmocka_unit_test(test_wait_fd),
        cmocka_unit_test(test_set_timeouts),
        cmocka_unit_test(test_set_nodelay),
        cmocka_unit_test(test_accept_eintr),
        cmocka_unit_test(test_write_all_big_to_slow_reader),
        cmocka_unit_test(test_write_all_big_nonblocking_fd),
        cmocka_unit_test(test_write_all_send_timeout),
        cmocka_unit_test(test_write_all_no_sigpipe),
        cmocka_unit_test(test_write_all_to_pipe),
        cmocka_unit_test(test_udp_round_trip_ipv4),
        cmocka_unit_test(test_udp_round_trip_ipv6),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_read_blocking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
