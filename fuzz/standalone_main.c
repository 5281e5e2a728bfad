/* standalone_main.c -- replays files through a harness without a fuzzing engine (ctest's path). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Optional in a harness, as with libFuzzer; none of ours needs it today. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Inputs above this are a mistake in a corpus, not something to replay. */
#define REPLAY_MAX_FILE ((size_t)16 * 1024 * 1024)

struct replay_totals {
    size_t inputs;
    size_t rejected;
    int errors;
};

/*
 * Runs one file: read whole, then copied into an exact-size allocation so that an over-read of
 * even one byte past the input lands outside the block (where ASan reports it) instead of in
 * the slack of a larger buffer.
 */
static void replay_file(const char *path, int require_accepted, struct replay_totals *t)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
        t->errors++;
        return;
    }
    size_t cap = 4096;
    size_t len = 0;
    unsigned char *buf = malloc(cap);
    FUZZ_NEED(buf);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (n == 0)
            break;
        if (len == cap) {
            if (cap >= REPLAY_MAX_FILE) {
                fprintf(stderr, "fuzz-replay: %s: larger than %zu bytes\n", path,
                        REPLAY_MAX_FILE);
                t->errors++;
                free(buf);
                fclose(fp);
                return;
            }
            cap *= 2;
            buf = realloc(buf, cap);
            FUZZ_NEED(buf);
        }
    }
    int read_error = ferror(fp);
    fclose(fp);
    if (read_error) {
        fprintf(stderr, "fuzz-replay: %s: read error\n", path);
        t->errors++;
        free(buf);
        return;
    }
    unsigned char *exact = fuzz_dup(buf, len);
    free(buf);

    fprintf(stderr, "fuzz-replay: %s (%zu bytes)\n", path, len);
    int rc = LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    t->inputs++;
    if (rc == FUZZ_REJECT) {
        t->rejected++;
        if (require_accepted)
            fprintf(stderr, "fuzz-replay: %s: REJECTED by the harness's input checks\n", path);
    } else if (rc != FUZZ_ACCEPT) {
        fprintf(stderr, "fuzz-replay: %s: harness returned %d\n", path, rc);
        t->errors++;
    }
}

static int skip_name(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* A directory is replayed file by file in name order (not recursively), so runs repeat. */
static void replay_path(const char *path, int require_accepted, struct replay_totals *t)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
        t->errors++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path, require_accepted, t);
        return;
    }
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
        t->errors++;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!skip_name(names[i]->d_name)) {
            size_t need = strlen(path) + strlen(names[i]->d_name) + 2;
            char *full = malloc(need);
            FUZZ_NEED(full);
            snprintf(full, need, "%s/%s", path, names[i]->d_name);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
                replay_file(full, require_accepted, t);
            free(full);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int require_accepted = 0;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--require-accepted") == 0) {
        require_accepted = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr,
                "usage: %s [--require-accepted] FILE|DIR...\n"
                "  Runs each file (each regular file of each DIR) through the harness once.\n"
                "  --require-accepted: fail unless every input passes the harness's input\n"
                "  checks and at least one input was found.\n",
                argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);

    struct replay_totals t = {0, 0, 0};
    for (int i = first; i < argc; i++)
        replay_path(argv[i], require_accepted, &t);

    printf("fuzz-replay: %zu inputs, %zu accepted, %zu rejected by the input checks\n", t.inputs,
           t.inputs - t.rejected, t.rejected);
    if (t.errors > 0)
        return 2;
    if (require_accepted && (t.rejected > 0 || t.inputs == 0)) {
        if (t.inputs == 0)
            fprintf(stderr, "fuzz-replay: no inputs found\n");
        return 1;
    }
    return 0;
}
