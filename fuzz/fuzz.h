/* fuzz.h -- what every harness shares: the entry point, the reject convention, property checks. */
#ifndef WIRECHECK_FUZZ_H
#define WIRECHECK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Which sanitizer watches the build: the stack switch and the chunk layout tell ASan what
 * they do, and the stack switch steps aside for ThreadSanitizer. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_HAVE_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define FUZZ_HAVE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_HAVE_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define FUZZ_HAVE_TSAN 1
#endif

#ifdef FUZZ_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define fuzz_fiber_start(save, bottom, size) __sanitizer_start_switch_fiber(save, bottom, size)
#define fuzz_fiber_finish(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#define fuzz_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define fuzz_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define fuzz_fiber_start(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define fuzz_fiber_finish(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define fuzz_poison(p, n) ((void)(p), (void)(n))
#define fuzz_unpoison(p, n) ((void)(p), (void)(n))
#endif

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
 * The chunks of one stream, copied into one buffer (kept from input to input) instead of one
 * allocation each, which cost the framing harness 30 % of its time in ASan's allocator. Every
 * chunk starts on an 8-byte boundary (an ASan granule) and is followed and preceded by at
 * least FUZZ_CHUNK_GAP poisoned bytes, so ASan reports a read one past a chunk's end, or
 * before its start, as it would for an exact-size allocation of the chunk.
 */
#define FUZZ_CHUNK_GAP ((size_t)16)

struct fuzz_chunks {
    unsigned char *buf;
    size_t cap;
    size_t size; /* this stream's layout: the part of buf poisoned at fuzz_chunks_begin */
    size_t pos;  /* where the next chunk goes */
};

static inline size_t fuzz_chunk_span(size_t n)
{
    return ((n + 7u) & ~(size_t)7u) + FUZZ_CHUNK_GAP;
}

/* Lays out the chunks |c| will cut from a |len|-byte stream (a copy of |c| is run ahead;
 * |c| itself is not advanced) and poisons the whole layout. Returns the chunk buffer. */
static inline struct fuzz_chunks *fuzz_chunks_begin(const struct fuzz_chunker *c, size_t len)
{
    static struct fuzz_chunks chunks; /* the harnesses are single-threaded */
    struct fuzz_chunks *k = &chunks;
    struct fuzz_chunker ahead = *c;
    size_t size = FUZZ_CHUNK_GAP;
    for (size_t done = 0; done < len;) {
        size_t n = fuzz_chunker_next(&ahead, len - done);
        size += fuzz_chunk_span(n);
        done += n;
    }
    if (size > k->cap) {
        fuzz_unpoison(k->buf, k->cap);
        free(k->buf);
        k->buf = malloc(size);
        FUZZ_NEED(k->buf);
        k->cap = size;
    }
    k->size = size;
    k->pos = FUZZ_CHUNK_GAP;
    fuzz_poison(k->buf, size);
    return k;
}

/* Copies the next chunk, |n| >= 1 bytes, into its place; returns that copy. */
static inline unsigned char *fuzz_chunks_copy(struct fuzz_chunks *k, const void *p, size_t n)
{
    FUZZ_CHECK(k->pos + fuzz_chunk_span(n) <= k->size, "chunk of %zu bytes beyond the layout", n);
    unsigned char *q = k->buf + k->pos;
    fuzz_unpoison(q, n);
    memcpy(q, p, n);
    k->pos += fuzz_chunk_span(n);
    return q;
}

/*
 * Runs fn(arg) on a FUZZ_STACK_SIZE stack with a guard page below it. Recursion on
 * input-controlled depth then overflows (a stack-overflow report under ASan, a SIGSEGV without)
 * with inputs nested a few hundred levels deep, which fuzzers build in seconds, instead of the
 * ~100000 levels an 8 MiB main stack needs; the library's bounded call chains fit easily.
 * The stack and its context are made once; each input switches to it and back on the calling
 * thread (swapcontext: two signal-mask syscalls, under a microsecond), where a helper thread,
 * even a persistent one, costs a wake-up and a sleep per input (13-18 us under ASan, more than
 * the decode of most inputs).
 * ASan is told of every switch (its fiber API), so that its reports and its fake stacks
 * (detect_stack_use_after_return) follow. ThreadSanitizer has no support for swapcontext:
 * under it fn runs on the caller's stack (those builds only replay the corpus).
 */
#define FUZZ_STACK_SIZE ((size_t)64 * 1024)

struct fuzz_fiber {
    ucontext_t caller, fiber;
    unsigned char *stack; /* FUZZ_STACK_SIZE usable bytes above one guard page */
    void (*fn)(void *);
    void *arg;
    /* For ASan: the caller's stack (the fiber switches back to it) and, while the caller
     * runs, the fiber's fake stack, kept from input to input (a fresh one per input is an
     * mmap of megabytes under detect_stack_use_after_return). */
    const void *caller_bottom;
    size_t caller_size;
    void *fiber_fake;
};

static inline struct fuzz_fiber *fuzz_fiber_get(void)
{
    static struct fuzz_fiber fiber; /* the harnesses are single-threaded */
    return &fiber;
}

/* The fiber's life: started once, it runs a job, switches back to the caller, and is resumed
 * here for the next job. */
static inline void fuzz_fiber_main(void)
{
    struct fuzz_fiber *f = fuzz_fiber_get();
    fuzz_fiber_finish(NULL, &f->caller_bottom, &f->caller_size);
    for (;;) {
        f->fn(f->arg);
        fuzz_fiber_start(&f->fiber_fake, f->caller_bottom, f->caller_size);
        swapcontext(&f->fiber, &f->caller);
        fuzz_fiber_finish(f->fiber_fake, &f->caller_bottom, &f->caller_size);
    }
}

static inline void fuzz_small_stack(void (*fn)(void *), void *arg)
{
#ifdef FUZZ_HAVE_TSAN
    fn(arg);
#else
    struct fuzz_fiber *f = fuzz_fiber_get();
    if (f->stack == NULL) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        void *m = mmap(NULL, page + FUZZ_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        FUZZ_CHECK(m != MAP_FAILED && mprotect(m, page, PROT_NONE) == 0,
                   "cannot map a %zu-byte stack with a guard page", FUZZ_STACK_SIZE);
        f->stack = (unsigned char *)m + page;
        FUZZ_CHECK(getcontext(&f->fiber) == 0, "getcontext failed");
        f->fiber.uc_stack.ss_sp = f->stack;
        f->fiber.uc_stack.ss_size = FUZZ_STACK_SIZE;
        f->fiber.uc_link = NULL;
        makecontext(&f->fiber, fuzz_fiber_main, 0);
    }
    f->fn = fn;
    f->arg = arg;
    void *fake_stack = NULL;
    fuzz_fiber_start(&fake_stack, f->stack, FUZZ_STACK_SIZE);
    FUZZ_CHECK(swapcontext(&f->caller, &f->fiber) == 0, "swapcontext failed");
    fuzz_fiber_finish(fake_stack, NULL, NULL);
#endif
}

#endif
