/* sensor_server.c -- a serial SensorData server with one student mistake, chosen at build time.
 *
 *   FAULT_PER_READ       parses each read() as one message, as the seed does (SEN-13, SEN-14)
 *   FAULT_NO_ERROR       stays silent on invalid JSON instead of answering ERROR (SEN-5)
 *   FAULT_ACK_2DP        prints the temperature with "%.2f": 21.50 (SEN-1, SEN-4)
 *   FAULT_CLOSE_ON_ERROR closes the connection after an ERROR (SEN-9)
 *   FAULT_CRASH_UTF8     aborts on a byte that is not ASCII (SEN-7)
 *   FAULT_NO_HUMIDITY    treats a missing humidity_percent as 0, as #[serde(default)] on the
 *                        field would (SEN-6)
 *   FAULT_STRICT         refuses a record with a field it does not know, as
 *                        #[serde(deny_unknown_fields)] would (SEN-2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faulty.h"
#include "framing.h"
#include "sensor.h"
#include "utf8.h"

/* Answers one line; returns 0 to go on, -1 to drop the client. */
static int answer(int fd, const unsigned char *line, size_t len)
{
    size_t s, e, tl;
    char *text = utf8_lossy_dup(line, len, &tl);
    if (!text)
        return -1;
    utf8_trim(text, tl, &s, &e);
    free(text);
    if (s == e)
        return 0;
#ifdef FAULT_CRASH_UTF8
    for (size_t i = 0; i < len; i++) {
        if (line[i] >= 0x80)
            abort(); /* "sensors only send ASCII" */
    }
#endif
    struct sensor_record r;
    int bad = sensor_decode(line, len, &r, NULL) < 0;
#ifdef FAULT_STRICT
    /* Only the four names of SensorData may appear as keys (a crude but typical check). */
    static const char *const known[] = {"\"device_id\"", "\"temperature_c\"",
                                        "\"humidity_percent\"", "\"timestamp\""};
    int keys = 0, ours = 0;
    for (size_t i = 0; !bad && i + 1 < len; i++) {
        if (line[i] != '"')
            continue;
        size_t j = i + 1;
        while (j < len && line[j] != '"')
            j += line[j] == '\\' ? 2 : 1;
        size_t k = j + 1;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (j < len && k < len && line[k] == ':') {
            keys++;
            for (size_t q = 0; q < 4; q++)
                ours += j + 1 - i == strlen(known[q]) && memcmp(line + i, known[q], j + 1 - i) == 0;
        }
        i = j;
    }
    if (!bad && keys != ours) {
        sensor_record_cleanup(&r);
        bad = 1;
    }
#endif
#ifdef FAULT_NO_HUMIDITY
    const unsigned char *close_brace = NULL;
    for (size_t i = len; i > 0 && !close_brace; i--)
        close_brace = line[i - 1] == '}' ? &line[i - 1] : NULL;
    if (bad && close_brace && !memmem(line, len, "humidity_percent", 16)) {
        static const char dflt[] = ",\"humidity_percent\":0";
        size_t at = (size_t)(close_brace - line);
        unsigned char *with = malloc(len + sizeof dflt);
        if (with) {
            memcpy(with, line, at);
            memcpy(with + at, dflt, sizeof dflt - 1);
            memcpy(with + at + sizeof dflt - 1, line + at, len - at);
            bad = sensor_decode(with, len + sizeof dflt - 1, &r, NULL) < 0;
            free(with);
        }
    }
#endif
    if (bad) {
#ifdef FAULT_NO_ERROR
        return 0;
#endif
        if (net_write_all(fd, SENSOR_ERROR_REPLY, strlen(SENSOR_ERROR_REPLY)) < 0)
            return -1;
#ifdef FAULT_CLOSE_ON_ERROR
        return -1;
#endif
        return 0;
    }
    char *ack;
    size_t n;
#ifdef FAULT_ACK_2DP
    char buf[512];
    snprintf(buf, sizeof buf, "ACK: Received data from %s (Temp: %.2fC)\n", r.device_id,
             (double)r.temperature_c);
    ack = strdup(buf);
    n = strlen(buf);
#else
    ack = sensor_ack(&r, &n);
#endif
    sensor_record_cleanup(&r);
    int rc = ack ? net_write_all(fd, ack, n) : -1;
    free(ack);
    return rc < 0 ? -1 : 0;
}

static void serve(int fd)
{
    unsigned char buf[4096];
    struct framing f;
    framing_init(&f, 0);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) { /* half-close: the last line may lack its newline */
            struct framing_line l;
            if (framing_finish(&f, &l) == FRAMING_LINE)
                answer(fd, l.data, l.len);
            break;
        }
        if (n < 0)
            break;
#ifdef FAULT_PER_READ
        if (answer(fd, buf, (size_t)n) < 0)
            break;
        continue;
#endif
        size_t off = 0;
        int stop = 0;
        while (!stop && off < (size_t)n) {
            size_t used;
            struct framing_line l;
            int ev = framing_feed(&f, buf + off, (size_t)n - off, &used, &l);
            off += used;
            if (ev == FRAMING_LINE)
                stop = answer(fd, l.data, l.len) < 0;
            else if (ev == FRAMING_OVERSIZE)
                stop = net_write_all(fd, SENSOR_ERROR_REPLY, strlen(SENSOR_ERROR_REPLY)) < 0;
            else if (ev != WC_NEED_MORE)
                stop = 1;
        }
        if (stop)
            break;
    }
    framing_cleanup(&f);
    close(fd);
}

int main(int argc, char **argv)
{
    struct net_addr a;
    net_ignore_sigpipe();
    faulty_addr(argc, argv, "--listen", "127.0.0.1:1234", &a);
    int lfd = faulty_tcp_listen(&a, "JSON Server");
    for (;;) {
        int fd = net_tcp_accept(lfd, 1);
        if (fd >= 0)
            serve(fd);
    }
}
