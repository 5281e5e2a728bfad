/* record_payloads.c -- prints the bytes each conformance case sends, to seed the fuzz corpora. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/casefile.h"
#include "status.h"

/*
 * usage: fuzz_record_payloads FILE...
 * For every `send` step of every case file, prints one line
 *   FILE <TAB> CONNECTION <TAB> HEX
 * with the payload exactly as the runner would send it (data expressions expanded; an
 * `index` atom becomes "0", the first session's index). fuzz/make-corpus turns these into
 * seeds; using the runner's own parser means the seeds are what the cases really send.
 */

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 4096;
    size_t n = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static void print_payload(const char *path, const struct cf_step *st)
{
    printf("%s\t%s\t", path, st->name);
    unsigned k = 0;
    for (size_t i = 0; i <= st->data.len; i++) {
        while (k < st->data.n_index && st->data.index_at[k] == i) {
            printf("30"); /* "0" */
            k++;
        }
        if (i < st->data.len)
            printf("%02x", st->data.bytes[i]);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        unsigned char *text = read_all(argv[i], &len);
        if (text == NULL) {
            fprintf(stderr, "record_payloads: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        const char *base = strrchr(argv[i], '/');
        base = base != NULL ? base + 1 : argv[i];
        enum cf_kind kind = strcmp(base, "SUITE") == 0 ? CF_KIND_SUITE : CF_KIND_CASE;
        struct cf_case *c = NULL;
        char err[256];
        int rc = cf_parse(argv[i], text, len, kind, NULL, &c, err, sizeof err);
        free(text);
        if (rc != 0) {
            fprintf(stderr, "record_payloads: %s\n", err);
            status = 1;
            continue;
        }
        for (size_t s = 0; s < c->n_steps; s++)
            if (c->steps[s].op == CF_SEND)
                print_payload(argv[i], &c->steps[s]);
        cf_free(c);
    }
    return status;
}
