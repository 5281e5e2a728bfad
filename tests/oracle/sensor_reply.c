/* sensor_reply.c -- prints wirecheck's reply to each hex-encoded chunk, in sensor_oracle's format. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor.h"
#include "utf8.h"

/*
 * Reads one hex-encoded read() chunk per line on stdin and prints one line per chunk: the hex
 * of what the seed's JSON server would reply, computed with wirecheck's sensor module (an
 * empty line when the chunk is blank after Rust's trim(), as the server then stays silent).
 * Same format as the seed's sensor_oracle, so the two outputs can be compared line by line.
 * With --explain it prints the decoded record or the error message instead (see explain).
 */

static int hex_val(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void print_hex(const char *p, size_t n)
{
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        putchar(HEX[c >> 4]);
        putchar(HEX[c & 0xF]);
    }
    putchar('\n');
}

/* --explain: "OK <Debug of the record> t=<bits> h=<bits>" or "ERR <serde-style message>",
 * the format of a throwaway Rust tool used to compare error messages with serde_json's. */
static int explain(const unsigned char *chunk, size_t len)
{
    struct sensor_record rec;
    struct sensor_error err;
    int rc = sensor_decode(chunk, len, &rec, &err);
    if (rc == WC_OK) {
        uint32_t t;
        uint32_t h;
        char *dbg = sensor_debug(&rec, NULL);
        memcpy(&t, &rec.temperature_c, sizeof t);
        memcpy(&h, &rec.humidity_percent, sizeof h);
        sensor_record_cleanup(&rec);
        if (dbg == NULL) {
            return 1;
        }
        printf("OK %s t=%08lx h=%08lx\n", dbg, (unsigned long)t, (unsigned long)h);
        free(dbg);
        return 0;
    }
    if (rc != WC_ERR_INVALID) {
        return 1;
    }
    printf("ERR %s\n", err.msg);
    return 0;
}

/* The reply bytes for one chunk; returns 0, or 1 on allocation failure. */
static int reply(const unsigned char *chunk, size_t len)
{
    size_t tlen = 0;
    size_t start;
    size_t end;
    struct sensor_record rec;
    char *text = utf8_lossy_dup(chunk, len, &tlen);
    int rc;

    if (text == NULL) {
        return 1;
    }
    utf8_trim(text, tlen, &start, &end);
    free(text);
    if (start == end) {
        putchar('\n');
        return 0;
    }
    rc = sensor_decode(chunk, len, &rec, NULL);
    if (rc == WC_OK) {
        size_t n = 0;
        char *ack = sensor_ack(&rec, &n);
        sensor_record_cleanup(&rec);
        if (ack == NULL) {
            return 1;
        }
        print_hex(ack, n);
        free(ack);
        return 0;
    }
    if (rc != WC_ERR_INVALID) {
        return 1;
    }
    print_hex(SENSOR_ERROR_REPLY, strlen(SENSOR_ERROR_REPLY));
    return 0;
}

int main(int argc, char **argv)
{
    bool explain_mode = argc > 1 && strcmp(argv[1], "--explain") == 0;
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    unsigned char *bytes = malloc(cap / 2 + 1);
    int status = 0;

    if (line == NULL || bytes == NULL) {
        fputs("sensor_reply: out of memory\n", stderr);
        free(line);
        free(bytes);
        return 2;
    }
    for (;;) {
        size_t n = 0;
        int c;
        while ((c = getchar()) != EOF && c != '\n') {
            if (n + 1 >= cap) {
                char *nl = realloc(line, cap * 2);
                unsigned char *nb = realloc(bytes, cap + 1);
                if (nl == NULL || nb == NULL) {
                    free(nl != NULL ? nl : line);
                    free(nb != NULL ? nb : bytes);
                    fputs("sensor_reply: out of memory\n", stderr);
                    return 2;
                }
                line = nl;
                bytes = nb;
                cap *= 2;
            }
            line[n++] = (char)c;
        }
        if (c == EOF && n == 0) {
            break;
        }
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ')) {
            n--;
        }
        size_t nb = 0;
        for (size_t i = 0; i + 1 < n; i += 2) {
            int hi = hex_val(line[i]);
            int lo = hex_val(line[i + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "sensor_reply: bad hex on input line\n");
                status = 2;
                break;
            }
            bytes[nb++] = (unsigned char)(hi * 16 + lo);
        }
        if (status != 0 || (explain_mode ? explain(bytes, nb) : reply(bytes, nb)) != 0) {
            status = status != 0 ? status : 2;
            break;
        }
        if (c == EOF) {
            break;
        }
    }
    free(line);
    free(bytes);
    return status;
}
