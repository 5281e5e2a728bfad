/* numfmt_exhaustive.c -- every f32 bit pattern's three texts against the previous numfmt.c. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "numfmt_reference.h"

/*
 * usage: numfmt_exhaustive [STRIDE [THREADS]]
 * Compares numfmt_f32_display, numfmt_f32_debug and numfmt_f32_json byte for byte with the
 * implementation they replaced (numfmt_reference.c: an exact big-number digit search and a
 * ryu port checked against ryu) for bit patterns 0, STRIDE, 2*STRIDE, ... up to 2^32 - 1.
 * STRIDE 1 (the default) is every pattern: ~25 minutes of CPU; ctest runs a prime stride.
 * Prints the number of patterns checked and exits 1 at the first difference.
 */

struct slice {
    uint64_t start;
    uint64_t step;
    uint64_t checked;
    int failed;
};

static int compare(uint32_t bits)
{
    float v;
    char a[NUMFMT_BUFSIZE];
    char b[NUMFMT_BUFSIZE];
    static const char *const names[] = {"display", "debug", "json"};
    memcpy(&v, &bits, sizeof v);
    for (int f = 0; f < 3; f++) {
        size_t na = f == 0 ? numfmt_f32_display(v, a) : f == 1 ? numfmt_f32_debug(v, a) : numfmt_f32_json(v, a);
        size_t nb = f == 0 ? ref_f32_display(v, b) : f == 1 ? ref_f32_debug(v, b) : ref_f32_json(v, b);
        if (na != nb || strcmp(a, b) != 0) {
            fprintf(stderr, "bits %08lX %s: \"%s\" (%zu), previously \"%s\" (%zu)\n",
                    (unsigned long)bits, names[f], a, na, b, nb);
            return 1;
        }
    }
    return 0;
}

static void *run(void *arg)
{
    struct slice *s = arg;
    for (uint64_t b = s->start; b <= UINT32_MAX; b += s->step) {
        if (compare((uint32_t)b) != 0) {
            s->failed = 1;
            break;
        }
        s->checked++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
    struct slice sl[16];
    pthread_t th[16];
    uint64_t total = 0;
    int failed = 0;

    if (stride == 0 || threads < 1 || threads > 16) {
        fputs("usage: numfmt_exhaustive [STRIDE [THREADS (1..16)]]\n", stderr);
        return 2;
    }
    for (int i = 0; i < threads; i++) {
        sl[i] = (struct slice){.start = stride * (uint64_t)i, .step = stride * (uint64_t)threads};
        if (pthread_create(&th[i], NULL, run, &sl[i]) != 0) {
            fputs("numfmt_exhaustive: cannot start a thread\n", stderr);
            return 2;
        }
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += sl[i].checked;
        failed |= sl[i].failed;
    }
    printf("%llu bit patterns checked (stride %llu): %s\n", (unsigned long long)total,
           (unsigned long long)stride, failed ? "DIFFERENCE" : "all identical");
    return failed;
}
