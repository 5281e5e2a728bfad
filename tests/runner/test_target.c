/* test_target.c -- readiness probes: a server that is not there yet is refused at once, not
 * waited for; one that binds late is seen as soon as it answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "status.h"
#include "wait.h"
#include "program/target.h"

#include "echo_thread.h"

/* A deadline no test reaches: a probe that returns before it did not wait it out. */
#define FAR_MS 60000

static void test_probe_udp_port_with_nothing_bound_is_refused_not_waited_for(void **state)
{
    (void)state;
    unsigned port;
    assert_int_equal(target_free_port(1, &port), 0);
    struct net_addr a;
    net_loopback_addr(&a, AF_INET, port);
    assert_int_equal(target_probe(&a, 1, clk_now_ms() + FAR_MS), TARGET_PROBE_REFUSED);
}

static void test_probe_tcp_port_with_nothing_listening_is_refused(void **state)
{
    (void)state;
    unsigned port;
    assert_int_equal(target_free_port(0, &port), 0);
    struct net_addr a;
    net_loopback_addr(&a, AF_INET, port);
    assert_int_equal(target_probe(&a, 0, clk_now_ms() + FAR_MS), TARGET_PROBE_REFUSED);
}

static void test_probe_sees_an_echo_server(void **state)
{
    (void)state;
    for (int udp = 0; udp <= 1; udp++) {
        struct echo e;
        echo_start(&e, udp, 0);
        assert_int_equal(target_probe(&e.addr, udp, clk_now_ms() + FAR_MS), TARGET_PROBE_READY);
        echo_stop(&e);
    }
}

/* Bound but silent: the only case where a UDP probe waits, until its deadline. */
static void test_probe_udp_bound_but_silent_times_out(void **state)
{
    (void)state;
    struct net_addr a;
    net_loopback_addr(&a, AF_INET, 0);
    int fd = net_bind_nb(&a, SOCK_DGRAM, 0, 1);
    assert_true(fd >= 0);
    assert_int_equal(target_probe(&a, 1, clk_now_ms() + 20), TARGET_PROBE_TIMEOUT);
    close(fd);
}

/* The late server: binds its port once the target has had three probes refused (or, were
 * the probe still blind to a missing server, three unanswered), then echoes until told. */
struct late {
    struct target *t;
    struct net_addr addr;
    unsigned refused_at_bind, unanswered_at_bind;
    _Atomic int stop;
    pthread_t th;
};

static void *late_main(void *arg)
{
    struct late *l = arg;
    int64_t give_up = clk_now_ms() + FAR_MS;
    while (l->t->refused < 3 && l->t->unanswered < 3 && clk_now_ms() < give_up)
        clk_sleep_us(1000);
    l->refused_at_bind = l->t->refused;
    l->unanswered_at_bind = l->t->unanswered;
    struct net_addr a = l->addr;
    int fd = net_bind_nb(&a, SOCK_DGRAM, 0, 1);
    while (fd >= 0 && !l->stop && clk_now_ms() < give_up) {
        if (wait_fd(fd, POLLIN, clk_now_ms() + 10) <= 0)
            continue;
        unsigned char buf[512];
        struct net_addr from;
        ssize_t n = net_udp_recv_from(fd, buf, sizeof buf, &from, 0);
        if (n >= 0)
            net_udp_send_to(fd, buf, (size_t)n, &from);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void test_late_udp_server_is_seen_without_waiting_out_probes(void **state)
{
    (void)state;
    unsigned port;
    assert_int_equal(target_free_port(1, &port), 0);
    char at[64], err[512];
    snprintf(at, sizeof at, "127.0.0.1:%u", port);
    struct suite s;
    memset(&s, 0, sizeof s);
    s.udp = 1;
    struct target t;
    assert_int_equal(target_init(&t, &s, NULL, 0, at, NULL, 30.0, err, sizeof err), 0);
    struct late l;
    memset(&l, 0, sizeof l);
    l.t = &t;
    l.addr = t.addr;
    assert_int_equal(pthread_create(&l.th, NULL, late_main, &l), 0);
    int rc = target_ensure(&t, err, sizeof err);
    l.stop = 1;
    pthread_join(l.th, NULL);
    assert_int_equal(rc, 0);
    /* Before the bind every probe was refused at once: none waited for an answer. */
    assert_true(l.refused_at_bind >= 3);
    assert_int_equal(l.unanswered_at_bind, 0);
    assert_true(t.probes > l.refused_at_bind); /* and a later one found the server */
    target_stop(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_udp_port_with_nothing_bound_is_refused_not_waited_for),
        cmocka_unit_test(test_probe_tcp_port_with_nothing_listening_is_refused),
        cmocka_unit_test(test_probe_sees_an_echo_server),
        cmocka_unit_test(test_probe_udp_bound_but_silent_times_out),
        cmocka_unit_test(test_late_udp_server_is_seen_without_waiting_out_probes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
