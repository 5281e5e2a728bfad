/* fuzz_framing.c -- the framer's lines equal a one-shot split of the stream, however it is cut. */
#include <string.h>

#include "framing.h"
#include "fuzz.h"

/* Longest stream worth a run: far above every cap in fuzz_max_line's table but the default. */
#define FRAMING_FUZZ_MAX_INPUT ((size_t)256 * 1024)

/*
 * The reference: the whole stream split at every '\n' in one pass, a plain loop that shares
 * nothing with the framer. A final piece without '\n' is a line when it is not empty.
 */
struct ref_split {
    const unsigned char *s;
    size_t len;
    size_t pos;
};

/* Next expected line: returns 0 when none is left, else 1 with its bounds and whether it
 * ended in '\n'. */
static int ref_next(struct ref_split *r, size_t *start, size_t *len, int *terminated)
{
    if (r->pos >= r->len)
        return 0;
    size_t i = r->pos;
    while (i < r->len && r->s[i] != '\n')
        i++;
    *start = r->pos;
    *len = i - r->pos;
    *terminated = i < r->len;
    r->pos = *terminated ? i + 1 : r->len;
    return 1;
}

/* One event from the framer must be the reference's next line, in kind, length and bytes. */
static void expect_line(struct ref_split *r, size_t max_line, int rc,
                        const struct framing_line *got, int from_finish)
{
    size_t start = 0;
    size_t len = 0;
    int terminated = 0;
    FUZZ_CHECK(ref_next(r, &start, &len, &terminated) == 1,
               "framer produced a line (len %zu) after the stream's last one", got->len);
    FUZZ_CHECK(terminated == !from_finish,
               "line at offset %zu: terminated=%d but produced by %s", start, terminated,
               from_finish ? "framing_finish" : "framing_feed");
    FUZZ_CHECK(got->len == len, "line at offset %zu: length %zu, expected %zu", start, got->len,
               len);
    if (len > max_line) {
        FUZZ_CHECK(rc == FRAMING_OVERSIZE && got->data == NULL,
                   "line at offset %zu of %zu bytes over cap %zu: rc %d", start, len, max_line, rc);
    } else {
        FUZZ_CHECK(rc == FRAMING_LINE && got->data != NULL,
                   "line at offset %zu of %zu bytes within cap %zu: rc %d", start, len,
                   max_line, rc);
        FUZZ_CHECK(len == 0 || memcmp(got->data, r->s + start, len) == 0,
                   "line at offset %zu: bytes differ from the stream", start);
    }
}

/* The memory bound the header promises: never more than max_line bytes held. */
static void expect_bounded(const struct framing *f, size_t max_line)
{
    FUZZ_CHECK(f->buf_cap <= max_line && framing_pending(f) <= f->buf_cap,
               "framer holds %zu bytes (cap %zu, pending %zu), limit %zu", f->buf_cap, f->buf_cap,
               framing_pending(f), max_line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > FRAMING_FUZZ_MAX_INPUT)
        return FUZZ_REJECT;
    size_t max_line = fuzz_max_line(data[0]);
    size_t cap = max_line == 0 ? FRAMING_DEFAULT_MAX_LINE : max_line;
    struct fuzz_chunker chunker;
    fuzz_chunker_init(&chunker, data[1]);
    const unsigned char *stream = data + 2;
    size_t stream_len = size - 2;
    struct ref_split ref = {stream, stream_len, 0};

    struct framing f;
    FUZZ_CHECK(framing_init(&f, max_line) == WC_OK, "framing_init(%zu) failed", max_line);

    size_t done = 0;
    struct fuzz_chunks *chunks = fuzz_chunks_begin(&chunker, stream_len);
    while (done < stream_len) {
        size_t n = fuzz_chunker_next(&chunker, stream_len - done);
        unsigned char *chunk = fuzz_chunks_copy(chunks, stream + done, n);
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            struct framing_line line = {NULL, 0};
            int rc = framing_feed(&f, chunk + off, n - off, &used, &line);
            FUZZ_CHECK(rc == FRAMING_LINE || rc == FRAMING_OVERSIZE || rc == WC_NEED_MORE,
                       "framing_feed returned %d (%s)", rc, wc_strerror(rc));
            FUZZ_CHECK(used <= n - off, "consumed %zu of %zu bytes", used, n - off);
            if (rc == WC_NEED_MORE) {
                FUZZ_CHECK(used == n - off, "NEED_MORE after consuming %zu of %zu bytes", used,
                           n - off);
            } else {
                FUZZ_CHECK(used >= 1 && chunk[off + used - 1] == '\n',
                           "an event must end at the '\\n' it consumed (used %zu)", used);
                expect_line(&ref, cap, rc, &line, 0);
            }
            off += used;
            expect_bounded(&f, cap);
        }
        /* An empty push is legal at any point and must change nothing. */
        size_t used = 1;
        struct framing_line line = {NULL, 0};
        FUZZ_CHECK(framing_feed(&f, chunk + n, 0, &used, &line) == WC_NEED_MORE && used == 0,
                   "empty push did not return NEED_MORE with nothing consumed");
        done += n;
    }

    struct framing_line line = {NULL, 0};
    int rc = framing_finish(&f, &line);
    if (rc == 0) {
        size_t start = 0;
        size_t len = 0;
        int terminated = 0;
        FUZZ_CHECK(ref_next(&ref, &start, &len, &terminated) == 0,
                   "framing_finish had nothing, but a line of %zu bytes at offset %zu remains",
                   len, start);
    } else {
        FUZZ_CHECK(rc == FRAMING_LINE || rc == FRAMING_OVERSIZE, "framing_finish returned %d", rc);
        expect_line(&ref, cap, rc, &line, 1);
        size_t start = 0;
        size_t len = 0;
        int terminated = 0;
        FUZZ_CHECK(ref_next(&ref, &start, &len, &terminated) == 0,
                   "lines remain after framing_finish's last one");
    }
    FUZZ_CHECK(framing_pending(&f) == 0 && framing_finish(&f, &line) == 0,
               "the framer is not empty after framing_finish");
    framing_cleanup(&f);
    return FUZZ_ACCEPT;
}
