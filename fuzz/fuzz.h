/* fuzz.h -- what every harness shares: the entry point, the reject convention, property checks. */
#ifndef WIRECHECK_FUZZ_H
#define WIRECHECK_FUZZ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The one entry point each fuzz_<target>.c defines. It returns 0 when the input was in the
 * harness's format and went through every property check, or FUZZ_REJECT when the input is
 * outside that format (too short, too long): libFuzzer >= 15 then keeps it out of the corpus,
 * and the replay driver's --require-accepted turns it into a failure, which is how the test
 * command proves that every shipped seed is actually exercised. A violated property aborts.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ACCEPT 0
#define FUZZ_REJECT (-1)

/*
 * Aborts with the property's text and a printf-style explanation. abort() rather than a
 * return code because every engine (libFuzzer, AFL++, the replay driver) treats SIGABRT as
 * a finding and saves the input, and because the sanitizers print the stack that led here.
 */
#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: property violated: %s\n  ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* Allocation failure inside a harness is not a finding about the library: stop quietly. */
#define FUZZ_NEED(ptr)                                                                         \
    do {                                                                                       \
        if ((ptr) == NULL) {                                                                   \
            fputs("fuzz: out of memory in the harness\n", stderr);                             \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/*
 * Stream harnesses (framing, sensor_session) start with two header bytes: the first picks the
 * line cap from this table (0 = the library's default), the second seeds how the rest of the
 * input is cut into chunks. The table clusters around the framer's first allocation (256) and
 * its doublings, where growth bugs live, and keeps tiny caps for the oversize path.
 */
static inline size_t fuzz_max_line(uint8_t selector)
{
    static const size_t caps[16] = {0, 1, 2, 3, 5, 8, 16, 31, 64, 255, 256, 257, 511, 1000, 4096,
                                    65535};
    return caps[selector & 15u];
}

/* Chunk sizes derived from the seed byte: 0 means one chunk for the whole stream, otherwise
 * pseudo-random sizes in 1..(seed % 64 + 1), so small seeds give byte-at-a-time feeding. */
struct fuzz_chunker {
    uint32_t state;
    size_t limit; /* largest chunk; 0: everything at once */
};

static inline void fuzz_chunker_init(struct fuzz_chunker *c, uint8_t seed)
{
    c->state = 0x9E3779B9u ^ ((uint32_t)seed * 0x01000193u);
    c->limit = seed == 0 ? 0 : (size_t)(seed % 64u) + 1;
}

static inline size_t fuzz_chunker_next(struct fuzz_chunker *c, size_t remaining)
{
    if (c->limit == 0 || remaining == 0)
        return remaining;
    c->state ^= c->state << 13; /* xorshift32 */
    c->state ^= c->state >> 17;
    c->state ^= c->state << 5;
    size_t n = (size_t)(c->state % c->limit) + 1;
    return n < remaining ? n : remaining;
}

/* An exact-size heap copy of |n| bytes, so that ASan sees a read one past a chunk's end even
 * when the chunk is a slice of a larger input. Never NULL (aborts on allocation failure). */
static inline void *fuzz_dup(const void *p, size_t n)
{
    void *q = malloc(n);
    if (n > 0) {
        FUZZ_NEED(q);
        memcpy(q, p, n);
    }
    return q;
}

/*
 * Runs fn(arg) on a helper thread whose stack is FUZZ_STACK_SIZE. Recursion on input-controlled
 * depth then overflows (an ASan stack-overflow report) with inputs nested a few hundred levels
 * deep, which fuzzers build in seconds, instead of the ~100000 levels an 8 MiB main stack
 * needs; the library's bounded call chains fit easily. The thread is started once and reused:
 * creating one per input costs about a millisecond under ASan, 30 times the decode itself.
 */
#define FUZZ_STACK_SIZE ((size_t)64 * 1024)

/* The hand-over between the two threads loops as often as the scheduler makes it loop: were
 * it instrumented, that count would be coverage, and the same input would give different
 * features from run to run (the test command's fixed runs must be repeatable). */
#if defined(__clang__)
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_NO_COVERAGE
#endif

struct fuzz_worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*fn)(void *);
    void *arg;
    int state; /* 0 idle, 1 job posted, 2 job done */
};

FUZZ_NO_COVERAGE static inline void *fuzz_worker_main(void *p)
{
    struct fuzz_worker *w = p;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->state != 1)
            pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
        w->fn(w->arg);
        pthread_mutex_lock(&w->mu);
        w->state = 2;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

FUZZ_NO_COVERAGE static inline void fuzz_small_stack(void (*fn)(void *), void *arg)
{
    static struct fuzz_worker w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL,
                                   NULL, 0};
    static int started = 0;
    if (!started) {
        pthread_attr_t attr;
        pthread_t thread;
        FUZZ_CHECK(pthread_attr_init(&attr) == 0 &&
                       pthread_attr_setstacksize(&attr, FUZZ_STACK_SIZE) == 0 &&
                       pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0,
                   "cannot set up a %zu-byte thread stack", FUZZ_STACK_SIZE);
        FUZZ_CHECK(pthread_create(&thread, &attr, fuzz_worker_main, &w) == 0,
                   "cannot start the harness thread");
        pthread_attr_destroy(&attr);
        started = 1;
    }
    pthread_mutex_lock(&w.mu);
    w.fn = fn;
    w.arg = arg;
    w.state = 1;
    pthread_cond_broadcast(&w.cv);
    while (w.state != 2)
        pthread_cond_wait(&w.cv, &w.mu);
    w.state = 0;
    pthread_mutex_unlock(&w.mu);
}

#endif
