/* sensor-client.c -- the seed's JSON client: send SensorData records, print each reply line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "net_exchange.h"
#include "prog.h"
#include "sensor.h"
#include "utf8.h"

/* A reply is one line; anything longer than this is not a reply from a sensor server. */
#define SENSOR_CLIENT_MAX_REPLY ((size_t)64 * 1024)
#define SENSOR_CLIENT_MAX_INPUT_LINE ((size_t)1024 * 1024)

struct sensor_client {
    struct sensor_record record;
    int from_stdin;
};

static int parse_f32(const char *text, float *out)
{
    char *end = NULL;
    float v;

    if (text == NULL || *text == '\0')
        return -1;
    errno = 0;
    v = strtof(text, &end);
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int extra_option(void *ctx, const char *arg, const char *value)
{
    struct sensor_client *c = ctx;
    size_t ts;

    if (strcmp(arg, "--stdin") == 0) {
        c->from_stdin = 1;
        return 1;
    }
    if (strcmp(arg, "--device-id") == 0 && value != NULL) {
        c->record.device_id = (char *)value; /* borrowed from argv; never freed */
        c->record.device_id_len = strlen(value);
        return utf8_valid(value, strlen(value)) ? 2 : -1;
    }
    if (strcmp(arg, "--temperature") == 0)
        return parse_f32(value, &c->record.temperature_c) == 0 ? 2 : -1;
    if (strcmp(arg, "--humidity") == 0)
        return parse_f32(value, &c->record.humidity_percent) == 0 ? 2 : -1;
    if (strcmp(arg, "--timestamp") == 0) {
        if (value == NULL || prog_parse_size(value, 0, SIZE_MAX, &ts) != 0)
            return -1;
        c->record.timestamp = (uint64_t)ts;
        return 2;
    }
    return 0;
}

static int line_done(const unsigned char *data, size_t len, void *ctx)
{
    (void)ctx;
    return len > 0 && data[len - 1] == '\n';
}

/* Sends one line and prints the reply line. Returns an exit code. */
static int exchange_line(int fd, const char *line, size_t len, unsigned char *reply,
                         int timeout_ms)
{
    size_t got = 0;
    char ebuf[128];
    char *out = malloc(len + 1);
    int r;

    if (out == NULL) {
        prog_err("Error: out of memory");
        return PROG_EXIT_IO;
    }
    memcpy(out, line, len);
    out[len] = '\n';
    prog_out_bytes("Sending JSON: ", line, len, "");
    /* Read byte-exact up to the first '\n': the reply to this line and nothing more. */
    r = net_exchange(fd, out, len + 1, reply, SENSOR_CLIENT_MAX_REPLY, &got, line_done, NULL,
                     timeout_ms);
    free(out);
    if (got > 0) {
        size_t tlen = 0;
        char *text = utf8_lossy_dup(reply, got, &tlen);

        /* The seed prints the reply with its own '\n', then println!'s. */
        if (text != NULL)
            prog_out_bytes("Server response: ", text, tlen, "");
        free(text);
    }
    if (r == 1)
        return PROG_EXIT_OK;
    if (r == 0) {
        prog_err(got == 0 ? "Error: the server closed the connection without a reply"
                          : "Error: the reply did not end with a newline");
        return PROG_EXIT_INCOMPLETE;
    }
    if (r == -ETIMEDOUT) {
        prog_err("Error: no complete reply within %d ms", timeout_ms);
        return PROG_EXIT_TIMEOUT;
    }
    prog_err("Error: %s", prog_errno_text(r, ebuf, sizeof(ebuf)));
    return PROG_EXIT_IO;
}

/* Reads one line of stdin (without its '\n') into |buf| of |cap| bytes. Returns its length,
 * -1 at end of input, -2 when the line is longer than |cap|, -3 on a read error. */
static long read_stdin_line(char *buf, size_t cap)
{
    size_t len = 0;
    int c;

    while ((c = getchar()) != EOF && c != '\n') {
        if (len == cap) {
            while ((c = getchar()) != EOF && c != '\n') {
                /* skip the rest of the overlong line */
            }
            return -2;
        }
        buf[len++] = (char)c;
    }
    if (ferror(stdin))
        return -3;
    if (c == EOF && len == 0)
        return -1;
    return (long)len;
}

static int send_stdin_lines(int fd, unsigned char *reply, int timeout_ms)
{
    char *line = malloc(SENSOR_CLIENT_MAX_INPUT_LINE);
    int status = PROG_EXIT_OK;

    if (line == NULL) {
        prog_err("Error: out of memory");
        return PROG_EXIT_IO;
    }
    while (status == PROG_EXIT_OK) {
        long n = read_stdin_line(line, SENSOR_CLIENT_MAX_INPUT_LINE);
        size_t start, end;

        if (n == -1)
            break;
        if (n == -2) {
            prog_err("Error: an input line is longer than %zu bytes", SENSOR_CLIENT_MAX_INPUT_LINE);
            status = PROG_EXIT_IO;
            break;
        }
        if (n == -3) {
            prog_err("Error: cannot read standard input: %s", strerror(errno));
            status = PROG_EXIT_IO;
            break;
        }
        /* A blank line gets no reply from the server: do not wait for one. */
        utf8_trim(line, (size_t)n, &start, &end);
        if (start == end && utf8_valid(line, (size_t)n))
            continue;
        status = exchange_line(fd, line, (size_t)n, reply, timeout_ms);
    }
    free(line);
    return status;
}

int main(int argc, char **argv)
{
    static const struct prog_info info = {
        .name = "sensor-client",
        .summary = "SensorData JSON client, as the seed's client.rs: sends one record as a JSON\n"
                   "line and prints the server's reply line.",
        .default_addr = "127.0.0.1:1234",
        .options = PROG_OPT_TIMEOUT,
        .extra_help =
            "  --device-id TEXT     device_id (default ESP32-001)\n"
            "  --temperature F      temperature_c (default 21.5)\n"
            "  --humidity F         humidity_percent (default 60.2)\n"
            "  --timestamp N        timestamp, 0..18446744073709551615 (default 1678886400)\n"
            "  --stdin              instead, send each non-blank stdin line as it is (JSON or\n"
            "                       not; at most 1 MiB each) and print each reply\n"
            "  --timeout MS         give up when the server sends nothing for MS (default 5000)\n",
    };
    struct sensor_client c = {.record = sensor_seed_record};
    struct prog_opts opts;
    unsigned char *reply;
    char ebuf[128];
    int fd, status;

    prog_parse(&info, argc, argv, &opts, extra_option, &c);
    net_ignore_sigpipe();
    reply = malloc(SENSOR_CLIENT_MAX_REPLY);
    if (reply == NULL) {
        prog_err("Error: out of memory");
        return PROG_EXIT_IO;
    }
    fd = net_tcp_connect(&opts.addr, opts.timeout_ms);
    if (fd < 0) {
        prog_err("Error: cannot connect to %s: %s", opts.addr_text,
                 prog_errno_text(fd, ebuf, sizeof(ebuf)));
        free(reply);
        return PROG_EXIT_CONNECT;
    }
    prog_out("Connected to JSON server.");
    if (c.from_stdin) {
        status = send_stdin_lines(fd, reply, opts.timeout_ms);
    } else {
        size_t jlen = 0;
        char *json = sensor_encode(&c.record, &jlen);

        status = json == NULL ? PROG_EXIT_IO : exchange_line(fd, json, jlen, reply, opts.timeout_ms);
        free(json);
    }
    close(fd);
    free(reply);
    return status;
}
