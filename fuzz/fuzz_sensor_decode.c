/* fuzz_sensor_decode.c -- SensorData decode: accepted records round-trip, replies are well formed. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "numfmt.h"
#include "fuzz.h"
#include "ref_utf8.h"
#include "sensor.h"
#include "utf8.h"

/* Above the largest JSONTestSuite file (250 kB of nesting), so every one of them is a seed. */
#define SENSOR_FUZZ_MAX_INPUT ((size_t)512 * 1024)

static bool same_float(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static bool same_record(const struct sensor_record *a, const struct sensor_record *b)
{
    return a->device_id_len == b->device_id_len &&
           memcmp(a->device_id, b->device_id, a->device_id_len) == 0 &&
           same_float(a->temperature_c, b->temperature_c) &&
           same_float(a->humidity_percent, b->humidity_percent) && a->timestamp == b->timestamp;
}

static void expect_zeroed(const struct sensor_record *r, int rc)
{
    FUZZ_CHECK(r->device_id == NULL && r->device_id_len == 0 && r->timestamp == 0 &&
                   same_float(r->temperature_c, 0.0f) && same_float(r->humidity_percent, 0.0f),
               "failed decode (rc %d) left a non-zero record", rc);
}

/* A rejection must say why: a NUL-terminated, non-empty message and a 1-based line. */
static void expect_error_report(const struct sensor_error *err)
{
    FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL, "error message not terminated");
    FUZZ_CHECK(err->msg[0] != '\0', "rejection without a message");
    FUZZ_CHECK(err->line >= 1, "rejection at line %zu (\"%s\")", err->line, err->msg);
}

/* The seed server's ACK, built here from its parts, byte for byte. */
static void expect_ack(const struct sensor_record *r)
{
    char temp[NUMFMT_BUFSIZE];
    size_t temp_len = numfmt_f32_display(r->temperature_c, temp);
    static const char head[] = "ACK: Received data from ";
    static const char mid[] = " (Temp: ";
    static const char tail[] = "C)\n";
    size_t want_len = (sizeof head - 1) + r->device_id_len + (sizeof mid - 1) + temp_len +
                      (sizeof tail - 1);
    char *want = malloc(want_len);
    FUZZ_NEED(want);
    size_t w = 0;
    memcpy(want + w, head, sizeof head - 1);
    w += sizeof head - 1;
    memcpy(want + w, r->device_id, r->device_id_len);
    w += r->device_id_len;
    memcpy(want + w, mid, sizeof mid - 1);
    w += sizeof mid - 1;
    memcpy(want + w, temp, temp_len);
    w += temp_len;
    memcpy(want + w, tail, sizeof tail - 1);

    size_t ack_len = 0;
    char *ack = sensor_ack(r, &ack_len);
    FUZZ_NEED(ack);
    FUZZ_CHECK(ack_len == want_len && memcmp(ack, want, want_len) == 0,
               "ACK is \"%.*s\", expected \"%.*s\"", (int)ack_len, ack, (int)want_len, want);
    free(ack);
    free(want);
}

static void expect_debug(const struct sensor_record *r)
{
    static const char head[] = "SensorData { device_id: \"";
    size_t len = 0;
    char *dbg = sensor_debug(r, &len);
    FUZZ_NEED(dbg);
    FUZZ_CHECK(len >= sizeof head + 2 && memcmp(dbg, head, sizeof head - 1) == 0 &&
                   memcmp(dbg + len - 2, " }", 2) == 0 && dbg[len] == '\0',
               "debug text \"%.*s\" is not a SensorData { ... }", (int)len, dbg);
    FUZZ_CHECK(utf8_valid(dbg, len), "debug text is not valid UTF-8");
    free(dbg);
}

/* Encode, decode the encoding, and encode again: same record, same bytes. */
static void expect_round_trip(const struct sensor_record *r)
{
    size_t enc_len = 0;
    char *enc = sensor_encode(r, &enc_len);
    FUZZ_NEED(enc);
    FUZZ_CHECK(enc[enc_len] == '\0' && memchr(enc, '\0', enc_len) == NULL,
               "encoding is not a NUL-terminated string of %zu bytes", enc_len);
    FUZZ_CHECK(utf8_valid(enc, enc_len), "encoding is not valid UTF-8: %s", enc);
    FUZZ_CHECK(enc_len > 0 && enc[0] == '{' && enc[enc_len - 1] == '}',
               "encoding is not an object: %s", enc);

    struct sensor_record back;
    struct sensor_error err;
    int rc = sensor_decode(enc, enc_len, &back, &err);
    if (!isfinite(r->temperature_c) || !isfinite(r->humidity_percent)) {
        /* serde_json writes a non-finite f32 as null and cannot read null back as f32. */
        FUZZ_CHECK(strstr(enc, "null") != NULL, "non-finite float not encoded as null: %s", enc);
        FUZZ_CHECK(rc == WC_ERR_INVALID, "decoding %s gave %d, not a rejection", enc, rc);
        expect_zeroed(&back, rc);
        free(enc);
        return;
    }
    FUZZ_CHECK(rc == WC_OK, "own encoding rejected (%s): %s", err.msg, enc);
    FUZZ_CHECK(same_record(r, &back), "encode -> decode changed the record: %s", enc);

    size_t enc2_len = 0;
    char *enc2 = sensor_encode(&back, &enc2_len);
    FUZZ_NEED(enc2);
    FUZZ_CHECK(enc2_len == enc_len && memcmp(enc, enc2, enc_len) == 0,
               "encoding is not stable: %s then %s", enc, enc2);
    free(enc2);
    sensor_record_cleanup(&back);
    free(enc);
}

/* No byte above 0x7F: the input is well-formed and is its own lossy text. */
static bool all_ascii(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] & 0x80u)
            return false;
    return true;
}

/*
 * Ill-formed bytes and their lossy text (the reference's, ref_utf8.h) get the same rejection,
 * in the same words at the same place. sensor_decode settles a rejection inside the
 * well-formed prefix without converting the rest, and the text is well-formed, so it is
 * decoded in place: two ways to the verdict. Well-formed bytes are their own lossy text: a
 * second decode would take the first one's way again. That two ways agree on every line is
 * also fuzz_sensor_session's check (the session's decode against sensor_decode's).
 */
static void expect_same_for_lossy_text(const uint8_t *data, size_t size,
                                       const struct sensor_error *err)
{
    if (all_ascii(data, size))
        return;
    unsigned char *text = malloc(3 * size + 1);
    FUZZ_NEED(text);
    bool well_formed = false;
    size_t text_len = ref_lossy(data, size, text, &well_formed);
    if (!well_formed) {
        struct sensor_record again;
        struct sensor_error err2;
        FUZZ_CHECK(sensor_decode(text, text_len, &again, &err2) == WC_ERR_INVALID &&
                       strcmp(err->msg, err2.msg) == 0 && err->line == err2.line &&
                       err->column == err2.column,
                   "the bytes' lossy text got another verdict (\"%s\", then \"%s\")",
                   err->msg, err2.msg);
    }
    free(text);
}

struct decode_input {
    const uint8_t *data;
    size_t size;
};

static void check_decode(void *arg)
{
    const uint8_t *data = ((struct decode_input *)arg)->data;
    size_t size = ((struct decode_input *)arg)->size;
    struct sensor_record r;
    struct sensor_error err;
    memset(&r, 0xA5, sizeof r); /* the decoder must zero it on failure, not rely on us */
    int rc = sensor_decode(data, size, &r, &err);
    FUZZ_CHECK(rc == WC_OK || rc == WC_ERR_INVALID || rc == WC_ERR_NOMEM,
               "sensor_decode returned %d (%s)", rc, wc_strerror(rc));
    if (rc != WC_OK) {
        expect_zeroed(&r, rc);
        if (rc == WC_ERR_INVALID) {
            expect_error_report(&err);
            expect_same_for_lossy_text(data, size, &err);
        }
        return;
    }

    FUZZ_CHECK(r.device_id != NULL && r.device_id[r.device_id_len] == '\0',
               "device_id is not a NUL-terminated buffer");
    FUZZ_CHECK(utf8_valid(r.device_id, r.device_id_len), "device_id is not valid UTF-8");
    expect_round_trip(&r);
    expect_ack(&r);
    expect_debug(&r);
    sensor_record_cleanup(&r);
    FUZZ_CHECK(r.device_id == NULL && r.device_id_len == 0, "cleanup did not zero the record");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SENSOR_FUZZ_MAX_INPUT)
        return FUZZ_REJECT;
    /* A small stack makes unbounded recursion on nesting visible with small inputs. */
    struct decode_input in = {data, size};
    fuzz_small_stack(check_decode, &in);
    return FUZZ_ACCEPT;
}
