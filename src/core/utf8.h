/* utf8.h -- UTF-8 validation, Rust-compatible lossy conversion and Rust's str::trim. */
#ifndef WIRECHECK_UTF8_H
#define WIRECHECK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The code point utf8_decode1 reports for an ill-formed sequence. */
#define UTF8_INVALID UINT32_MAX

/*
 * Decodes one code point from |s| (|len| >= 1). Returns the number of bytes it spans (1..4).
 * On an ill-formed sequence *cp is UTF8_INVALID and the return value is the length of the
 * maximal subpart (Unicode's "U+FFFD substitution of maximal subparts", which is what Rust's
 * String::from_utf8_lossy does): each return of an invalid span becomes one U+FFFD.
 * Returns 0 only when len == 0.
 */
size_t utf8_decode1(const unsigned char *s, size_t len, uint32_t *cp);

/*
 * Length of the longest well-formed UTF-8 prefix of |s|[0..len): len when all of it is
 * well-formed, else the offset of the first ill-formed sequence (what utf8_decode1 reports as
 * UTF8_INVALID). ASCII is checked eight bytes at a time.
 */
size_t utf8_valid_prefix(const void *s, size_t len);

/* True when |s|[0..len) is well-formed UTF-8 (no surrogates, nothing above U+10FFFF). */
bool utf8_valid(const void *s, size_t len);

/* Exact output size of utf8_lossy for this input (at most 3 * len). */
size_t utf8_lossy_len(const void *s, size_t len);

/*
 * Rust's String::from_utf8_lossy: copies |s| to |out| replacing each maximal ill-formed
 * subpart with U+FFFD (EF BF BD). Returns the bytes written (not NUL-terminated), or
 * WC_ERR_SPACE when |cap| < utf8_lossy_len(s, len).
 */
ptrdiff_t utf8_lossy(const void *s, size_t len, char *out, size_t cap);

/* Same, into a new malloc'd buffer with a NUL after the text (the caller frees it).
 * Stores the length (without the NUL) in *out_len. Returns NULL on allocation failure. */
char *utf8_lossy_dup(const void *s, size_t len, size_t *out_len);

/* True for the code points Rust's char::is_whitespace accepts (Unicode White_Space). */
bool utf8_is_white_space(uint32_t cp);

/*
 * Rust's str::trim on well-formed UTF-8 |s|: stores in *start and *end the bounds of the text
 * without leading and trailing White_Space. An all-space string gives *start == *end.
 */
void utf8_trim(const char *s, size_t len, size_t *start, size_t *end);

#endif
