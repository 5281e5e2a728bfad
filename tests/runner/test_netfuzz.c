/* test_netfuzz.c -- the network fuzzer's pure parts: exchanges from cases, mutations that keep
 * their invariants, comparisons, and the case files written from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netfuzz/netfuzz.h"

static struct cf_case *parse(const char *text)
{
    struct cf_case *c = NULL;
    char err[256] = "";
    if (cf_parse("t.case", text, strlen(text), CF_KIND_CASE, NULL, &c, err, sizeof err) < 0)
        fail_msg("%s", err);
    return c;
}

static const char seed_case[] = "id: sensor.001\ntitle: t\nrequirement: SEN-1\nlevel: core\n\n"
                                "connect a\nsend a \"{\\\"device_id\\\":\\\"x\\\"}\\n\"\n"
                                "expect a \"ACK\\n\"\nconnect b\nsend b \"hi\\n\"\nclose a\n";

/* Each connection opened once, then nothing after its close; one drain each, right before its
 * close or at the end after a half-close. */
static void assert_invariant(const struct nf_exchange *x)
{
    assert_true(x->n <= NF_MAX_STEPS);
    size_t bytes = 0;
    for (size_t i = 0; i < x->n; i++) {
        const struct cf_step *st = &x->steps[i];
        bytes += st->data.len;
        assert_true(st->op != CF_EXPECT && st->op != CF_PARALLEL);
        if (st->op == CF_CLOSE || st->op == CF_RESET) {
            assert_true(i > 0);
            assert_int_equal(x->steps[i - 1].op, CF_DRAIN);
            assert_string_equal(x->steps[i - 1].name, st->name);
            for (size_t j = i + 1; j < x->n; j++)
                assert_true(strcmp(x->steps[j].name, st->name) != 0);
        }
        if (st->op == CF_DRAIN) {
            size_t drains = 0;
            for (size_t j = 0; j < x->n; j++)
                drains += x->steps[j].op == CF_DRAIN && strcmp(x->steps[j].name, st->name) == 0;
            assert_int_equal(drains, 1);
        }
    }
    assert_true(bytes <= NF_MAX_BYTES);
}

static void test_netfuzz_exchange_from_case(void **state)
{
    (void)state;
    struct cf_case *c = parse(seed_case);
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    assert_invariant(&x);
    /* connect a, send a, connect b, send b, drain a, close a, shutdown b, drain b */
    static const enum cf_op ops[] = {CF_CONNECT, CF_SEND,  CF_CONNECT,  CF_SEND,
                                     CF_DRAIN,   CF_CLOSE, CF_SHUTDOWN, CF_DRAIN};
    assert_int_equal(x.n, sizeof ops / sizeof ops[0]);
    for (size_t i = 0; i < x.n; i++)
        assert_int_equal(x.steps[i].op, ops[i]);
    assert_string_equal(x.steps[7].name, "b");
    nf_exchange_free(&x);
    cf_free(c);
    /* A case with a parallel block is no exchange. */
    c = parse("id: sensor.002\ntitle: t\nrequirement: SEN-1\nlevel: core\n\nparallel 2\n"
              "connect a\nsend a \"x\"\nend\n");
    assert_int_equal(nf_exchange_from_case(c, &x), -1);
    cf_free(c);
}

static void test_netfuzz_mutations_keep_the_invariant_and_repeat(void **state)
{
    (void)state;
    struct cf_case *c = parse(seed_case);
    struct nf_exchange seed;
    assert_int_equal(nf_exchange_from_case(c, &seed), 0);
    uint64_t sums[2] = {0, 0};
    for (int round = 0; round < 2; round++) {
        struct nf_rng r;
        nf_rng_seed(&r, 7);
        for (int i = 0; i < 2000; i++) {
            struct nf_exchange x;
            assert_int_equal(nf_exchange_copy(&seed, &x), 0);
            for (int k = 0; k < 1 + i % 5; k++)
                nf_mutate(&x, &seed, 1, i % 2, &r);
            assert_invariant(&x);
            for (size_t s = 0; s < x.n; s++)
                for (size_t b = 0; b < x.steps[s].data.len; b++)
                    sums[round] = sums[round] * 31 + x.steps[s].data.bytes[b] + x.steps[s].op;
            nf_exchange_free(&x);
        }
    }
    /* The same seed, the same exchanges. */
    assert_true(sums[0] == sums[1]);
    nf_exchange_free(&seed);
    cf_free(c);
}

static void outcome(struct nf_outcome *o, const char *rx, int closed)
{
    memset(o, 0, sizeof *o);
    o->n = 1;
    snprintf(o->conn[0].name, sizeof o->conn[0].name, "a");
    bytes_init(&o->conn[0].rx, 0);
    bytes_puts(&o->conn[0].rx, rx);
    o->conn[0].closed = closed;
}

static void test_netfuzz_compare(void **state)
{
    (void)state;
    struct nf_outcome ref, t;
    char sig[64];
    outcome(&ref, "ACK: Received data from x (Temp: 21.5C)\n", CF_CLOSE_FIN);
    outcome(&t, "ACK: Received data from x (Temp: 21.5C)\n", CF_CLOSE_FIN);
    assert_int_equal(nf_compare(&t, &ref, 1, sig, sizeof sig), 0);
    nf_outcome_cleanup(&t);
    outcome(&t, "ERROR: Invalid JSON\n", CF_CLOSE_FIN);
    assert_int_equal(nf_compare(&t, &ref, 1, sig, sizeof sig), 1);
    assert_string_equal(sig, "reply:ACK->ERROR");
    nf_outcome_cleanup(&t);
    outcome(&t, "ACK: Received data from x (Temp: 21.50C)\n", CF_CLOSE_FIN);
    assert_int_equal(nf_compare(&t, &ref, 1, sig, sizeof sig), 1);
    assert_string_equal(sig, "reply:ACK-text");
    nf_outcome_cleanup(&t);
    outcome(&t, "ACK: Received data from x (Temp: 21.5C)\n", 0);
    assert_int_equal(nf_compare(&t, &ref, 1, sig, sizeof sig), 1);
    assert_string_equal(sig, "close:fin->none");
    t.died = 1;
    assert_int_equal(nf_compare(&t, &ref, 1, sig, sizeof sig), 1);
    assert_string_equal(sig, "crash");
    nf_outcome_cleanup(&t);
    nf_outcome_cleanup(&ref);
    /* Echo: short, extra, differs. */
    outcome(&ref, "hello\n", CF_CLOSE_FIN);
    outcome(&t, "hell", CF_CLOSE_FIN);
    assert_int_equal(nf_compare(&t, &ref, 0, sig, sizeof sig), 1);
    assert_string_equal(sig, "reply:short");
    nf_outcome_cleanup(&t);
    outcome(&t, "hello\nhello\n", CF_CLOSE_FIN);
    assert_int_equal(nf_compare(&t, &ref, 0, sig, sizeof sig), 1);
    assert_string_equal(sig, "reply:extra");
    /* Shapes: the same kinds of lines, the same shape. */
    struct nf_outcome a, b;
    outcome(&a, "ACK: 1\nERROR: x\n", CF_CLOSE_FIN);
    outcome(&b, "ACK: 2\nERROR: y\n", CF_CLOSE_FIN);
    assert_true(nf_shape(&a, 1) == nf_shape(&b, 1));
    assert_true(nf_shape(&a, 1) != nf_shape(&ref, 1));
    nf_outcome_cleanup(&a);
    nf_outcome_cleanup(&b);
    nf_outcome_cleanup(&t);
    nf_outcome_cleanup(&ref);
}

static void test_netfuzz_case_text_parses(void **state)
{
    (void)state;
    struct cf_case *c = parse(seed_case);
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    struct nf_outcome ref;
    memset(&ref, 0, sizeof ref);
    ref.n = 2;
    snprintf(ref.conn[0].name, 16, "a");
    snprintf(ref.conn[1].name, 16, "b");
    bytes_init(&ref.conn[0].rx, 0);
    bytes_init(&ref.conn[1].rx, 0);
    bytes_puts(&ref.conn[0].rx, "ERROR: \"bad\" \\ \x01\n");
    bytes_puts(&ref.conn[1].rx, "hi\n");
    ref.conn[1].closed = CF_CLOSE_FIN;
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(nf_case_text(&x, &ref, "sensor.900", "a title", "SEN-1", &out), 0);
    struct cf_case *back = parse(bytes_str(&out));
    assert_string_equal(back->id, "sensor.900");
    /* The reference's bytes, escaped and read back exactly. */
    int saw_expect = 0, saw_close = 0;
    for (size_t i = 0; i < back->n_steps; i++) {
        const struct cf_step *st = &back->steps[i];
        if (st->op == CF_EXPECT && strcmp(st->name, "a") == 0) {
            saw_expect = 1;
            assert_int_equal(st->data.len, ref.conn[0].rx.len);
            assert_memory_equal(st->data.bytes, ref.conn[0].rx.data, st->data.len);
        }
        saw_close |= st->op == CF_EXPECT_CLOSE && strcmp(st->name, "b") == 0;
    }
    assert_true(saw_expect && saw_close);
    cf_free(back);
    bytes_cleanup(&out);
    nf_outcome_cleanup(&ref);
    nf_exchange_free(&x);
    cf_free(c);
}

static void test_netfuzz_drop_and_cut_keep_the_invariant(void **state)
{
    (void)state;
    struct cf_case *c = parse(seed_case);
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    /* Cutting bytes out of a send: clipped to what it has. */
    nf_exchange_cut(&x, 1, 2, 5);
    assert_int_equal(x.steps[1].data.len, strlen("{\"device_id\":\"x\"}\n") - 5);
    nf_exchange_cut(&x, 1, 3, 1000);
    assert_int_equal(x.steps[1].data.len, 3);
    nf_exchange_cut(&x, 0, 0, 1); /* not a send: nothing */
    assert_int_equal(x.steps[0].op, CF_CONNECT);
    /* Dropping b's connect takes every step of b with it; a's drain and close stay. */
    assert_int_equal(x.steps[2].op, CF_CONNECT);
    assert_string_equal(x.steps[2].name, "b");
    nf_exchange_drop(&x, 2);
    assert_invariant(&x);
    for (size_t i = 0; i < x.n; i++)
        assert_string_equal(x.steps[i].name, "a");
    assert_int_equal(x.n, 4); /* connect, send, drain, close */
    /* Dropping the close: a half-close and a drain end the connection instead. */
    nf_exchange_drop(&x, 3);
    assert_invariant(&x);
    assert_int_equal(x.steps[x.n - 2].op, CF_SHUTDOWN);
    assert_int_equal(x.steps[x.n - 1].op, CF_DRAIN);
    nf_exchange_free(&x);
    cf_free(c);
}

static void test_netfuzz_udp_case_text(void **state)
{
    (void)state;
    struct cf_case *c = parse("id: udp-echo.001\ntitle: t\nrequirement: UDP-1\nlevel: core\n\n"
                              "udp a\nsend a \"hi\"\nsend a \"\"\n");
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    struct nf_outcome ref;
    memset(&ref, 0, sizeof ref);
    ref.n = 1;
    snprintf(ref.conn[0].name, 16, "a");
    bytes_init(&ref.conn[0].rx, 0);
    /* Two datagrams as the player records them: "hi", and an empty one from elsewhere. */
    bytes_puts(&ref.conn[0].rx, "[2]hi[other][0]");
    ref.conn[0].datagrams = 2;
    struct bytes out;
    bytes_init(&out, 0);
    assert_int_equal(nf_case_text(&x, &ref, "udp-echo.900", "t", "UDP-1", &out), 0);
    struct cf_case *back = parse(bytes_str(&out));
    size_t dgrams = 0, silence = 0;
    for (size_t i = 0; i < back->n_steps; i++) {
        const struct cf_step *st = &back->steps[i];
        if (st->op == CF_EXPECT_DATAGRAM) {
            assert_int_equal(st->data.len, dgrams == 0 ? 2 : 0);
            dgrams++;
        }
        silence += st->op == CF_EXPECT_SILENCE;
    }
    assert_int_equal(dgrams, 2);
    assert_int_equal(silence, 1);
    cf_free(back);
    bytes_cleanup(&out);
    nf_outcome_cleanup(&ref);
    nf_exchange_free(&x);
    cf_free(c);
}

static void test_netfuzz_client_exchanges(void **state)
{
    (void)state;
    /* TCP: the request drained after the accept, the rest before the close or at the end. */
    struct cf_case *c = parse("id: sensor-client.001\ntitle: t\nrequirement: SCLI-1\nlevel: core"
                              "\n\naccept c\nexpect c \"{}\\n\"\nsend c \"ACK\\n\"\n"
                              "expect-exit 0\n");
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    assert_true(x.client);
    static const enum cf_op tcp[] = {CF_ACCEPT, CF_DRAIN, CF_SEND, CF_DRAIN};
    assert_int_equal(x.n, sizeof tcp / sizeof tcp[0]);
    for (size_t i = 0; i < x.n; i++)
        assert_int_equal(x.steps[i].op, tcp[i]);
    /* Mutations keep it a client exchange: never a connect, always a request drain first. */
    struct nf_rng r;
    nf_rng_seed(&r, 3);
    for (int i = 0; i < 500; i++) {
        struct nf_exchange m;
        assert_int_equal(nf_exchange_copy(&x, &m), 0);
        nf_mutate(&m, &x, 1, 1, &r);
        assert_true(m.client);
        for (size_t k = 0; k < m.n; k++) {
            assert_true(m.steps[k].op != CF_CONNECT && m.steps[k].op != CF_UDP);
            if (m.steps[k].op == CF_ACCEPT) {
                assert_true(k + 1 < m.n);
                assert_int_equal(m.steps[k + 1].op, CF_DRAIN);
            }
        }
        nf_exchange_free(&m);
    }
    nf_exchange_free(&x);
    cf_free(c);
    /* UDP: the runner's socket "server" needs no accept; the request comes before the reply. */
    c = parse("id: udp-echo-client.001\ntitle: t\nrequirement: UCLI-1\nlevel: core\n\n"
              "expect-datagram server \"hi\" from=any\nsend server \"hi\"\nexpect-exit 0\n");
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    static const enum cf_op udp[] = {CF_DRAIN, CF_SEND, CF_DRAIN};
    assert_int_equal(x.n, sizeof udp / sizeof udp[0]);
    for (size_t i = 0; i < x.n; i++) {
        assert_int_equal(x.steps[i].op, udp[i]);
        assert_string_equal(x.steps[i].name, "server");
    }
    nf_exchange_free(&x);
    cf_free(c);
}

static void test_netfuzz_kept_connections(void **state)
{
    (void)state;
    struct suite s;
    memset(&s, 0, sizeof s);
    struct cf_case *c = parse(seed_case); /* two connections: never kept */
    struct nf_exchange x;
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    assert_false(nf_keepable(&x, &s));
    nf_exchange_free(&x);
    cf_free(c);
    c = parse("id: sensor.003\ntitle: t\nrequirement: SEN-1\nlevel: core\n\nconnect a\n"
              "send a \"{}\\n\"\nexpect a \"x\"\nclose a\n");
    assert_int_equal(nf_exchange_from_case(c, &x), 0);
    assert_true(nf_keepable(&x, &s)); /* whole lines on one connection, then its close */
    nf_exchange_cut(&x, 1, 2, 1);     /* the line's end gone: the next exchange would join it */
    assert_false(nf_keepable(&x, &s));
    s.udp = 1;
    assert_false(nf_keepable(&x, &s));
    nf_exchange_free(&x);
    cf_free(c);
}

static void test_netfuzz_probe_text(void **state)
{
    (void)state;
    static const char def[] = "suite: tcp-echo\ntitle: t\nrole: server\ntransport: tcp\n"
                              "port: 7878\n\nconnect probe\nsend probe \"p\\n\"\n"
                              "expect probe \"p\\n\"\n";
    struct suite s;
    memset(&s, 0, sizeof s);
    char err[256] = "";
    if (cf_parse("SUITE", def, strlen(def), CF_KIND_SUITE, NULL, &s.def, err, sizeof err) < 0)
        fail_msg("%s", err);
    struct bytes out;
    bytes_init(&out, 0);
    bytes_puts(&out, "id: tcp-echo.900\ntitle: t\nrequirement: ECHO-1\nlevel: core\n\n");
    assert_int_equal(nf_probe_text(&s, &out), 0);
    /* The probe written back is the probe: the same steps, the same bytes. */
    struct cf_case *c = parse(bytes_str(&out));
    assert_int_equal(c->n_steps, s.def->n_steps);
    for (size_t i = 0; i < c->n_steps; i++) {
        assert_int_equal(c->steps[i].op, s.def->steps[i].op);
        assert_string_equal(c->steps[i].name, s.def->steps[i].name);
        assert_int_equal(c->steps[i].data.len, s.def->steps[i].data.len);
    }
    cf_free(c);
    bytes_cleanup(&out);
    cf_free(s.def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netfuzz_exchange_from_case),
        cmocka_unit_test(test_netfuzz_mutations_keep_the_invariant_and_repeat),
        cmocka_unit_test(test_netfuzz_compare),
        cmocka_unit_test(test_netfuzz_case_text_parses),
        cmocka_unit_test(test_netfuzz_drop_and_cut_keep_the_invariant),
        cmocka_unit_test(test_netfuzz_udp_case_text),
        cmocka_unit_test(test_netfuzz_client_exchanges),
        cmocka_unit_test(test_netfuzz_kept_connections),
        cmocka_unit_test(test_netfuzz_probe_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
