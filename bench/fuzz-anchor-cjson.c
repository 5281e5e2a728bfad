/* fuzz-anchor-cjson.c -- bench/fuzz-throughput.sh's anchor: the bare cost of fuzzing a JSON
 * parser. It parses each input with cJSON_ParseWithLength and frees the tree, nothing else;
 * built in the fuzz preset with the harnesses' flags (libFuzzer, ASan+UBSan, the same
 * instrumented cJSON), so that a harness's exec/s divided by this one's says what the
 * harness's own checks and the code under it cost on top of parsing. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON_Delete(cJSON_ParseWithLength((const char *)data, size));
    return 0;
}
