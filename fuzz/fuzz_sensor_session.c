/* fuzz_sensor_session.c -- one connection in memory, any chunking: one reply per non-blank line. */
#include <string.h>

#include "fuzz.h"
#include "sensor_session.h"
#include "utf8.h"

#define SESSION_FUZZ_MAX_INPUT ((size_t)256 * 1024)

/*
 * The reference walks the whole stream at once: each line (split at '\n'; a last piece without
 * one counts when not empty) either exceeds the cap (an OVERSIZE reply), is blank after
 * from_utf8_lossy and trim (no reply: the seed server `continue`s), or gets exactly what
 * sensor_decode and sensor_ack say about it, which fuzz_sensor_decode checks on its own.
 */
struct ref_stream {
    const unsigned char *s;
    size_t len;
    size_t pos;
    size_t cap;
    size_t lines_seen;
};

struct ref_event {
    enum sensor_event_kind kind;
    size_t line_len;
    char *text; /* trimmed lossy line (owned) */
    size_t text_len;
    char *reply; /* owned */
    size_t reply_len;
    struct sensor_record record;
};

static void ref_event_free(struct ref_event *e)
{
    free(e->text);
    free(e->reply);
    sensor_record_cleanup(&e->record);
    memset(e, 0, sizeof *e);
}

/* Fills |e| with the next line's event; returns 0 when the stream has no more events. */
static int ref_next(struct ref_stream *r, struct ref_event *e)
{
    memset(e, 0, sizeof *e);
    while (r->pos < r->len) {
        size_t start = r->pos;
        size_t i = start;
        while (i < r->len && r->s[i] != '\n')
            i++;
        r->pos = i < r->len ? i + 1 : r->len;
        r->lines_seen++;
        size_t len = i - start;
        const unsigned char *line = r->s + start;
        e->line_len = len;
        if (len > r->cap) {
            e->kind = SENSOR_EVENT_OVERSIZE;
            e->reply = fuzz_dup(SENSOR_ERROR_REPLY, sizeof SENSOR_ERROR_REPLY - 1);
            e->reply_len = sizeof SENSOR_ERROR_REPLY - 1;
            return 1;
        }
        size_t lossy_len = 0;
        char *lossy = utf8_lossy_dup(line, len, &lossy_len);
        FUZZ_NEED(lossy);
        size_t a = 0;
        size_t b = 0;
        utf8_trim(lossy, lossy_len, &a, &b);
        if (a == b) {
            free(lossy);
            continue;
        }
        e->text = fuzz_dup(lossy + a, b - a);
        e->text_len = b - a;
        free(lossy);
        struct sensor_error err;
        int rc = sensor_decode(line, len, &e->record, &err);
        FUZZ_CHECK(rc == WC_OK || rc == WC_ERR_INVALID, "sensor_decode returned %d", rc);
        if (rc == WC_OK) {
            e->kind = SENSOR_EVENT_ACK;
            e->reply = sensor_ack(&e->record, &e->reply_len);
            FUZZ_NEED(e->reply);
        } else {
            e->kind = SENSOR_EVENT_ERROR;
            e->reply = fuzz_dup(SENSOR_ERROR_REPLY, sizeof SENSOR_ERROR_REPLY - 1);
            e->reply_len = sizeof SENSOR_ERROR_REPLY - 1;
        }
        return 1;
    }
    return 0;
}

static void expect_event(struct ref_stream *r, const struct sensor_event *ev, size_t n_events)
{
    struct ref_event want;
    FUZZ_CHECK(ref_next(r, &want) == 1,
               "event #%zu (kind %d, line of %zu bytes) but the stream has no more non-blank "
               "lines",
               n_events, (int)ev->kind, ev->line_len);
    FUZZ_CHECK(ev->kind == want.kind && ev->line_len == want.line_len,
               "event #%zu: kind %d for a line of %zu bytes, expected kind %d for %zu bytes",
               n_events, (int)ev->kind, ev->line_len, (int)want.kind, want.line_len);
    FUZZ_CHECK(ev->reply != NULL && ev->reply_len == want.reply_len &&
                   memcmp(ev->reply, want.reply, want.reply_len) == 0,
               "event #%zu: reply \"%.*s\", expected \"%.*s\"", n_events,
               ev->reply ? (int)ev->reply_len : 0, ev->reply ? ev->reply : "",
               (int)want.reply_len, want.reply);
    FUZZ_CHECK(ev->reply_len > 0 && ev->reply[ev->reply_len - 1] == '\n',
               "event #%zu: reply does not end in a newline", n_events);
    if (want.kind != SENSOR_EVENT_OVERSIZE)
        FUZZ_CHECK(ev->text != NULL && ev->text_len == want.text_len &&
                       memcmp(ev->text, want.text, want.text_len) == 0,
                   "event #%zu: logged text differs from the trimmed lossy line", n_events);
    if (want.kind == SENSOR_EVENT_ACK)
        FUZZ_CHECK(ev->record != NULL && ev->record->device_id_len == want.record.device_id_len &&
                       memcmp(ev->record->device_id, want.record.device_id,
                              want.record.device_id_len) == 0 &&
                       ev->record->timestamp == want.record.timestamp,
                   "event #%zu: record differs from sensor_decode's", n_events);
    else
        FUZZ_CHECK(ev->error != NULL && ev->error->msg[0] != '\0',
                   "event #%zu: ERROR/OVERSIZE without a reason", n_events);
    ref_event_free(&want);
}

struct session_input {
    const uint8_t *data;
    size_t size;
};

static void check_session(void *arg)
{
    const uint8_t *data = ((struct session_input *)arg)->data;
    size_t size = ((struct session_input *)arg)->size;
    size_t max_line = fuzz_max_line(data[0]);
    struct fuzz_chunker chunker;
    fuzz_chunker_init(&chunker, data[1]);
    const unsigned char *stream = data + 2;
    size_t stream_len = size - 2;
    struct ref_stream ref = {stream, stream_len, 0,
                             max_line == 0 ? FRAMING_DEFAULT_MAX_LINE : max_line, 0};

    struct sensor_session s;
    FUZZ_CHECK(sensor_session_init(&s, max_line) == WC_OK, "sensor_session_init failed");
    size_t n_events = 0;
    size_t done = 0;
    struct fuzz_chunks *chunks = fuzz_chunks_begin(&chunker, stream_len);
    while (done < stream_len) {
        size_t n = fuzz_chunker_next(&chunker, stream_len - done);
        unsigned char *chunk = fuzz_chunks_copy(chunks, stream + done, n);
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            struct sensor_event ev;
            int rc = sensor_session_feed(&s, chunk + off, n - off, &used, &ev);
            FUZZ_CHECK(rc == 1 || rc == WC_NEED_MORE, "sensor_session_feed returned %d (%s)", rc,
                       wc_strerror(rc));
            FUZZ_CHECK(used <= n - off, "consumed %zu of %zu bytes", used, n - off);
            if (rc == WC_NEED_MORE) {
                FUZZ_CHECK(used == n - off, "NEED_MORE after %zu of %zu bytes", used, n - off);
            } else {
                FUZZ_CHECK(used >= 1 && chunk[off + used - 1] == '\n',
                           "an event must end at the '\\n' it consumed");
                expect_event(&ref, &ev, ++n_events);
            }
            off += used;
        }
        done += n;
    }
    struct sensor_event ev;
    int rc = sensor_session_finish(&s, &ev);
    FUZZ_CHECK(rc == 1 || rc == 0, "sensor_session_finish returned %d", rc);
    if (rc == 1) {
        FUZZ_CHECK(stream_len > 0 && stream[stream_len - 1] != '\n',
                   "finish produced an event though the stream ended with a newline");
        expect_event(&ref, &ev, ++n_events);
    }
    struct ref_event extra;
    FUZZ_CHECK(ref_next(&ref, &extra) == 0,
               "after %zu events a non-blank line of %zu bytes got no reply", n_events,
               extra.line_len);
    FUZZ_CHECK(sensor_session_finish(&s, &ev) == 0, "second finish produced an event");
    sensor_session_cleanup(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > SESSION_FUZZ_MAX_INPUT)
        return FUZZ_REJECT;
    struct session_input in = {data, size};
    fuzz_small_stack(check_session, &in); /* as in fuzz_sensor_decode: bounded stack use */
    return FUZZ_ACCEPT;
}
