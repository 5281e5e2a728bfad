/* numfmt.h -- numbers as text exactly as Rust prints them ({} and {:?} of an f32, {} of an
 * f64) and as serde_json writes an f32. Pure: no locale, no I/O. */
#ifndef WIRECHECK_NUMFMT_H
#define WIRECHECK_NUMFMT_H

#include <stddef.h>

/* Enough for any f32 in either form, with its NUL ("-0.000...1" for the smallest subnormal). */
#define NUMFMT_BUFSIZE 64

/*
 * Rust's `{}` for f32: the shortest decimal that reads back to the same float (the closest of
 * those when several are that short), never in exponent notation: 21.5 -> "21.5", 21.0 -> "21",
 * 1e-7 -> "0.0000001", 1e20 -> "100000000000000000000", -0.0 -> "-0", "inf", "-inf", "NaN".
 * Writes a NUL-terminated string to |out| and returns its length. Locale-independent.
 */
size_t numfmt_f32_display(float v, char out[NUMFMT_BUFSIZE]);

/*
 * Rust's `{:?}` for f32: like Display but always with a fractional part ("21.0"), and in
 * exponent form when |v| < 1e-4 or |v| >= 1e16 (v != 0): "1e-7", "1.5e20", "-1e16".
 * Writes a NUL-terminated string to |out| and returns its length. Locale-independent.
 */
size_t numfmt_f32_debug(float v, char out[NUMFMT_BUFSIZE]);

/*
 * serde_json's text for an f32 (what serde_json::to_string writes for one): ryu's shortest
 * form, which is neither Display nor Debug: 21.0 -> "21.0", 21.5 -> "21.5", -0.0 -> "-0.0",
 * 1e20 -> "1e20", 1e-7 -> "1e-7", 1e12 -> "1000000000000.0", 1e13 -> "1e13", 1e-6 ->
 * "0.000001" (positional from 1e-6 up to below 1e13, exponent form outside; the exponent has
 * no "+" and no padding). When two shortest candidates are equally close it takes the even
 * last digit where Display rounds up (0.494140625 -> "0.49414062", Display "0.49414063"), so
 * the digits differ from numfmt_f32_display's for about 0.2% of finite values.
 * Meaningful for every input: NaN (any sign or payload), inf and -inf all give "null", as
 * serde_json writes them (ryu itself is never given a non-finite value).
 * Writes a NUL-terminated string to |out| and returns its length. Locale-independent.
 */
size_t numfmt_f32_json(float v, char out[NUMFMT_BUFSIZE]);

/* Enough for any f64 in Display form, with its NUL: up to 309 digits before the point, or
 * "0." and 323 zeros before the last digit of the smallest subnormal. */
#define NUMFMT_F64_BUFSIZE 344

/*
 * Rust's `{}` for f64 (as serde_json's "floating point `...`" error messages show a number):
 * the shortest decimal that reads back as |v|, positional ("100000000000000000000",
 * "0.000001"), "NaN", "inf", "-inf", "-0". Found with printf's correctly rounded "%.*e" and
 * strtod; among equally short candidates Rust takes the closest, and so does this except for
 * rare cases where printf's rounding at that length is not the closest shortest one (exact
 * ties are rounded up, as Rust does). Writes a NUL-terminated string to |out| and returns its
 * length.
 */
size_t numfmt_f64_display(double v, char out[NUMFMT_F64_BUFSIZE]);

#endif
