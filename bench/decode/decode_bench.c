/* decode_bench.c -- bench/decode.sh's C side: wirecheck's decoder and line path, and cJSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sensor.h"
#include "sensor_session.h"
#include "textbuf.h"

/*
 * usage: decode_bench decode|cjson|linepath|linepath-log FILE [PASSES]
 *   decode        sensor_decode on every line of FILE (the bytes without the '\n')
 *   cjson         cJSON_ParseWithLength on every line and the four fields taken out, as a
 *                 program using cJSON would (device_id copied)
 *   linepath      sensor-server's path: the stream fed to a sensor_session in 16 KiB reads
 *                 (framing, one lossy UTF-8 conversion, decode, ACK) and each reply copied
 *                 into an output buffer
 *   linepath-log  the same plus the log lines sensor-server prints for each (its answer():
 *                 "Received raw JSON ...", "Deserialized data: <Debug>"), into a buffer
 * Prints "<lines> <bytes> <seconds>" for PASSES (default 1) timed passes, after one untimed;
 * the seconds are time on the CPU (see now()).
 */

#define READ_SIZE (16 * 1024)
#define PEER "127.0.0.1:40000"

struct corpus {
    unsigned char *data;
    size_t len;
    size_t *starts; /* line i is data[starts[i] .. starts[i+1] - 1) */
    size_t lines;
};

/* An output that is only counted: the bench measures producing the bytes, not writing them. */
struct sink {
    char buf[1 << 17];
    size_t n;
    size_t total;
};

static void sink_put(struct sink *s, const void *p, size_t n)
{
    if (n > sizeof s->buf - s->n) {
        s->total += s->n;
        s->n = 0;
    }
    if (n > sizeof s->buf) {
        s->total += n;
        return;
    }
    memcpy(s->buf + s->n, p, n);
    s->n += n;
}

/*
 * Seconds this (single-threaded) process has been on a CPU, from the kernel's scheduler
 * statistics (nanoseconds): on a machine shared with other work the waits in the run queue
 * are left out, which the wall clock would count. The Rust anchor reads the same file.
 * Falls back to C11's wall clock where the file is missing.
 */
static double now(void)
{
    unsigned long long ns = 0;
    FILE *f = fopen("/proc/self/schedstat", "r");
    if (f != NULL) {
        int got = fscanf(f, "%llu", &ns);
        fclose(f);
        if (got == 1)
            return (double)ns / 1e9;
    }
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *path, struct corpus *c)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1024;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0)
        return -1;
    c->len = (size_t)ftell(f);
    rewind(f);
    c->data = malloc(c->len + 1);
    if (c->data == NULL || fread(c->data, 1, c->len, f) != c->len)
        return -1;
    fclose(f);
    c->starts = malloc(cap * sizeof *c->starts);
    c->lines = 0;
    size_t at = 0;
    while (c->starts != NULL && at < c->len) {
        unsigned char *nl = memchr(c->data + at, '\n', c->len - at);
        size_t end = nl != NULL ? (size_t)(nl - c->data) + 1 : c->len;
        if (c->lines + 2 > cap) {
            cap *= 2;
            c->starts = realloc(c->starts, cap * sizeof *c->starts);
            if (c->starts == NULL)
                return -1;
        }
        c->starts[c->lines++] = at;
        at = end;
    }
    if (c->starts == NULL)
        return -1;
    c->starts[c->lines] = c->len;
    return 0;
}

static size_t line_len(const struct corpus *c, size_t i)
{
    size_t n = c->starts[i + 1] - c->starts[i];
    return n > 0 && c->data[c->starts[i] + n - 1] == '\n' ? n - 1 : n;
}

static size_t run_decode(const struct corpus *c)
{
    size_t ok = 0;
    for (size_t i = 0; i < c->lines; i++) {
        struct sensor_record r;
        if (sensor_decode(c->data + c->starts[i], line_len(c, i), &r, NULL) == WC_OK) {
            ok += r.device_id_len & 1;
            sensor_record_cleanup(&r);
        }
    }
    return ok;
}

static size_t run_cjson(const struct corpus *c)
{
    size_t ok = 0;
    for (size_t i = 0; i < c->lines; i++) {
        cJSON *j = cJSON_ParseWithLength((const char *)c->data + c->starts[i], line_len(c, i));
        cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "device_id");
        cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "temperature_c");
        cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "humidity_percent");
        cJSON *ts = cJSON_GetObjectItemCaseSensitive(j, "timestamp");
        if (cJSON_IsString(id) && cJSON_IsNumber(t) && cJSON_IsNumber(h) && cJSON_IsNumber(ts)) {
            char *dev = strdup(id->valuestring);
            float tf = (float)t->valuedouble;
            float hf = (float)h->valuedouble;
            unsigned long long tsv = (unsigned long long)ts->valuedouble;
            ok += (dev != NULL && dev[0] != 0) + (tf > hf) + (tsv & 1);
            free(dev);
        }
        cJSON_Delete(j);
    }
    return ok;
}

/* What sensor-server's answer() writes to its log for one event, into |log|. */
static void log_event(struct sink *log, const struct sensor_event *ev)
{
    static const char HEAD[] = "Received raw JSON from " PEER ": ";
    char small[1024];
    struct textbuf b;
    sink_put(log, HEAD, sizeof HEAD - 1);
    sink_put(log, ev->text, ev->text_len);
    if (ev->kind == SENSOR_EVENT_ACK) {
        textbuf_init_fixed(&b, small, sizeof small);
        textbuf_puts(&b, "\nDeserialized data: ");
        sensor_debug_put(&b, ev->record);
        if (b.n == b.cap) {
            char *big = sensor_debug(ev->record, NULL);
            sink_put(log, "\nDeserialized data: ", 20);
            if (big != NULL)
                sink_put(log, big, strlen(big));
            free(big);
        } else {
            sink_put(log, b.p, b.n);
        }
        sink_put(log, "\n", 1);
    } else {
        char line[256];
        int n = snprintf(line, sizeof line, "\nFailed to deserialize JSON from %s: %s\n", PEER,
                         ev->error->msg);
        sink_put(log, line, (size_t)n);
    }
}

static size_t run_line_path(const struct corpus *c, int with_log, struct sink *out,
                            struct sink *log)
{
    struct sensor_session s;
    struct sensor_event ev;
    size_t events = 0;
    if (sensor_session_init(&s, 0) != WC_OK)
        return 0;
    for (size_t at = 0; at < c->len; at += READ_SIZE) {
        size_t n = c->len - at < READ_SIZE ? c->len - at : READ_SIZE;
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            int rc = sensor_session_feed(&s, c->data + at + off, n - off, &used, &ev);
            off += used;
            if (rc == WC_NEED_MORE)
                break;
            if (rc != 1) {
                fprintf(stderr, "decode_bench: sensor_session_feed: %d\n", rc);
                exit(1);
            }
            events++;
            if (with_log)
                log_event(log, &ev);
            sink_put(out, ev.reply, ev.reply_len);
        }
    }
    if (sensor_session_finish(&s, &ev) == 1) {
        events++;
        sink_put(out, ev.reply, ev.reply_len);
    }
    sensor_session_cleanup(&s);
    return events;
}

int main(int argc, char **argv)
{
    static struct sink out;
    static struct sink log;
    struct corpus c;
    size_t lines = 0;
    size_t check[2] = {0, 0};
    double t0 = 0;
    double t1 = 0;

    int passes = argc == 4 ? (int)strtol(argv[3], NULL, 10) : 1;
    if (argc < 3 || argc > 4 || passes < 1 || load(argv[2], &c) != 0) {
        fprintf(stderr, "usage: decode_bench decode|cjson|linepath|linepath-log FILE [PASSES]\n");
        return 2;
    }
    for (int pass = 0; pass < 1 + passes; pass++) {
        size_t r;
        if (pass <= 1)
            t0 = now(); /* pass 0 warms up; 1..passes are timed */
        if (strcmp(argv[1], "decode") == 0) {
            r = run_decode(&c);
            lines = c.lines;
        } else if (strcmp(argv[1], "cjson") == 0) {
            r = run_cjson(&c);
            lines = c.lines;
        } else if (strcmp(argv[1], "linepath") == 0 || strcmp(argv[1], "linepath-log") == 0) {
            r = run_line_path(&c, strcmp(argv[1], "linepath-log") == 0, &out, &log);
            lines = r;
        } else {
            fprintf(stderr, "decode_bench: unknown mode %s\n", argv[1]);
            return 2;
        }
        t1 = now();
        check[pass > 0] = r;
    }
    if (check[0] != check[1]) {
        fprintf(stderr, "decode_bench: the passes differ\n");
        return 1;
    }
    lines *= (size_t)passes;
    c.len *= (size_t)passes;
    printf("%zu %zu %.6f\n", lines, c.len, t1 - t0);
    fprintf(stderr, "(output %zu bytes, log %zu bytes)\n", out.total + out.n, log.total + log.n);
    return 0;
}
