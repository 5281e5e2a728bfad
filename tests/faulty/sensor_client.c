/* sensor_client.c -- a SensorData client with one student mistake, chosen at build time.
 *
 *   FAULT_NO_NEWLINE     sends the JSON without the '\n' delimiter (SCLI-1)
 *   FAULT_HANG_ON_CLOSE  treats read() == 0 as "no data yet" and retries forever (SCLI-5)
 *   FAULT_STRING_TEMP    sends the temperature as a string, "21.5" (SCLI-1)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faulty.h"

int main(int argc, char **argv)
{
#ifdef FAULT_STRING_TEMP
    static const char rec[] = "{\"device_id\":\"ESP32-001\",\"temperature_c\":\"21.5\","
                              "\"humidity_percent\":60.2,\"timestamp\":1678886400}\n";
#else
    static const char rec[] = "{\"device_id\":\"ESP32-001\",\"temperature_c\":21.5,"
                              "\"humidity_percent\":60.2,\"timestamp\":1678886400}\n";
#endif
    struct net_addr a;
    net_ignore_sigpipe();
    faulty_addr(argc, argv, "--connect", "127.0.0.1:1234", &a);
    int fd = net_tcp_connect(&a, 1000);
    if (fd < 0) {
        fprintf(stderr, "cannot connect: %s\n", strerror(-fd));
        return 3;
    }
    size_t len = sizeof rec - 1;
#ifdef FAULT_NO_NEWLINE
    len--; /* "the server knows where JSON ends" */
#endif
    printf("Sending JSON: %.*s\n", (int)(sizeof rec - 2), rec);
    fflush(stdout);
    if (net_write_all(fd, rec, len) < 0)
        return 1;
    char line[1024];
    size_t have = 0;
    while (have == 0 || line[have - 1] != '\n') {
        ssize_t n = net_read_timeout(fd, line + have, sizeof line - have, 1000);
        if (n < 0)
            return 4;
        if (n == 0) {
#ifdef FAULT_HANG_ON_CLOSE
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
            continue;
#endif
            return 5;
        }
        have += (size_t)n;
        if (have == sizeof line)
            return 1;
    }
    printf("Server response: %.*s\n", (int)have, line);
    close(fd);
    return 0;
}
