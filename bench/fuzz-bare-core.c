/* fuzz-bare-core.c -- bench/fuzz-throughput.sh's second reference: what one pass of the core
 * costs per input, with nothing checked. Built once per harness (BARE_<TARGET> defined), it
 * reads the input as that harness does and makes one pass of the core over it: sensor_decode;
 * utf8_lossy_dup; framing or sensor_session fed the stream in the harness's chunks (slices of
 * the input, not copies). A harness's exec/s over this one's is the share of the time its
 * property checks, references and copies leave to the core. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "framing.h"
#include "fuzz.h"
#include "sensor.h"
#include "sensor_session.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if defined(BARE_SENSOR_DECODE)
    struct sensor_record r;
    struct sensor_error err;
    if (sensor_decode(data, size, &r, &err) == WC_OK)
        sensor_record_cleanup(&r);
#elif defined(BARE_UTF8)
    size_t n = 0;
    free(utf8_lossy_dup(data, size, &n));
#elif defined(BARE_FRAMING)
    if (size < 2)
        return FUZZ_REJECT;
    struct framing f;
    if (framing_init(&f, fuzz_max_line(data[0])) != WC_OK)
        return FUZZ_REJECT;
    struct framing_line line;
    struct fuzz_chunker c;
    fuzz_chunker_init(&c, data[1]);
    for (size_t done = 2; done < size;) {
        size_t n = fuzz_chunker_next(&c, size - done);
        for (size_t off = 0, used = 0; off < n; off += used)
            if (framing_feed(&f, data + done + off, n - off, &used, &line) < 0 && used == 0)
                break;
        done += n;
    }
    (void)framing_finish(&f, &line);
    framing_cleanup(&f);
#elif defined(BARE_SENSOR_SESSION)
    if (size < 2)
        return FUZZ_REJECT;
    struct sensor_session s;
    if (sensor_session_init(&s, fuzz_max_line(data[0])) != WC_OK)
        return FUZZ_REJECT;
    struct sensor_event ev;
    struct fuzz_chunker c;
    fuzz_chunker_init(&c, data[1]);
    for (size_t done = 2; done < size;) {
        size_t n = fuzz_chunker_next(&c, size - done);
        for (size_t off = 0, used = 0; off < n; off += used)
            if (sensor_session_feed(&s, data + done + off, n - off, &used, &ev) < 0 && used == 0)
                break;
        done += n;
    }
    (void)sensor_session_finish(&s, &ev);
    sensor_session_cleanup(&s);
#else
#error "define BARE_<TARGET>"
#endif
    return 0;
}
