/* fuzz_utf8.c -- lossy UTF-8 conversion agrees with a slow table-driven reference, and is sane. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "ref_utf8.h"
#include "utf8.h"

#define UTF8_FUZZ_MAX_INPUT ((size_t)64 * 1024)

/* Rust's str::trim bounds on valid UTF-8, by the reference: chars are decoded front to back
 * once and the first/last non-space ones found. */
static void ref_trim(const unsigned char *s, size_t len, size_t *start, size_t *end)
{
    size_t i = 0;
    bool seen = false;
    *start = 0;
    *end = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ref_span(s + i, len - i, &cp);
        if (!ref_white_space(cp)) {
            if (!seen)
                *start = i;
            seen = true;
            *end = i + n;
        }
        i += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UTF8_FUZZ_MAX_INPUT)
        return FUZZ_REJECT;

    unsigned char *want = malloc(3 * size + 1);
    FUZZ_NEED(want);
    bool ref_valid = false;
    size_t want_len = ref_lossy(data, size, want, &ref_valid);

    FUZZ_CHECK(utf8_valid(data, size) == ref_valid, "utf8_valid says %d, Table 3-7 says %d",
               !ref_valid, ref_valid);
    FUZZ_CHECK(utf8_lossy_len(data, size) == want_len, "utf8_lossy_len %zu, reference %zu",
               utf8_lossy_len(data, size), want_len);

    /* Exact-size output, so a write past the promised length is an ASan report. */
    char *out = malloc(want_len);
    FUZZ_CHECK(want_len == 0 || out != NULL, "allocation");
    ptrdiff_t got = utf8_lossy(data, size, out, want_len);
    FUZZ_CHECK(got == (ptrdiff_t)want_len, "utf8_lossy wrote %td, reference %zu", got, want_len);
    FUZZ_CHECK(want_len == 0 || memcmp(out, want, want_len) == 0,
               "utf8_lossy output differs from the reference");
    FUZZ_CHECK(utf8_valid(out, want_len), "lossy output is not valid UTF-8");
    if (ref_valid)
        FUZZ_CHECK(want_len == size && memcmp(out, data, size) == 0,
                   "valid input did not pass through unchanged");
    if (want_len > 0)
        FUZZ_CHECK(utf8_lossy(data, size, out, want_len - 1) == WC_ERR_SPACE,
                   "one byte short of room must be WC_ERR_SPACE");

    size_t dup_len = 0;
    char *dup = utf8_lossy_dup(data, size, &dup_len);
    FUZZ_NEED(dup);
    FUZZ_CHECK(dup_len == want_len && memcmp(dup, want, want_len) == 0 && dup[dup_len] == '\0',
               "utf8_lossy_dup differs from utf8_lossy");
    free(dup);

    /* utf8_decode1 spans and code points, character by character, against the reference. */
    size_t i = 0;
    while (i < size) {
        uint32_t cp = 0;
        uint32_t ref_cp = 0;
        size_t n = utf8_decode1(data + i, size - i, &cp);
        size_t ref_n = ref_span(data + i, size - i, &ref_cp);
        FUZZ_CHECK(n == ref_n && cp == ref_cp,
                   "offset %zu: utf8_decode1 gave %zu bytes / U+%04X, reference %zu / U+%04X", i,
                   n, (unsigned)cp, ref_n, (unsigned)ref_cp);
        if (cp != UTF8_INVALID)
            FUZZ_CHECK(utf8_is_white_space(cp) == ref_white_space(cp),
                       "utf8_is_white_space(U+%04X) is %d", (unsigned)cp,
                       utf8_is_white_space(cp));
        i += n;
    }

    /* Trim is defined on valid UTF-8: run it on the lossy output. */
    size_t start = 1;
    size_t end = 0;
    size_t ref_start = 0;
    size_t ref_end = 0;
    utf8_trim(out, want_len, &start, &end);
    ref_trim(want, want_len, &ref_start, &ref_end);
    if (ref_start == ref_end)
        FUZZ_CHECK(start == end, "all-space text: trim gave [%zu, %zu)", start, end);
    else
        FUZZ_CHECK(start == ref_start && end == ref_end,
                   "trim gave [%zu, %zu), reference [%zu, %zu)", start, end, ref_start, ref_end);

    free(out);
    free(want);
    return FUZZ_ACCEPT;
}
