/* f32fmt.h -- float text exactly as Rust prints an f32 with {} (Display) and {:?} (Debug). */
#ifndef WIRECHECK_F32FMT_H
#define WIRECHECK_F32FMT_H

#include <stddef.h>

/* Enough for any f32 in either form, with its NUL ("-0.000...1" for the smallest subnormal). */
#define F32FMT_BUFSIZE 64

/*
 * Rust's `{}` for f32: the shortest decimal that reads back to the same float (the closest of
 * those when several are that short), never in exponent notation: 21.5 -> "21.5", 21.0 -> "21",
 * 1e-7 -> "0.0000001", 1e20 -> "100000000000000000000", -0.0 -> "-0", "inf", "-inf", "NaN".
 * Writes a NUL-terminated string to |out| and returns its length. Locale-independent.
 */
size_t f32fmt_display(float v, char out[F32FMT_BUFSIZE]);

/*
 * Rust's `{:?}` for f32: like Display but always with a fractional part ("21.0"), and in
 * exponent form when |v| < 1e-4 or |v| >= 1e16 (v != 0): "1e-7", "1.5e20", "-1e16".
 * Writes a NUL-terminated string to |out| and returns its length. Locale-independent.
 */
size_t f32fmt_debug(float v, char out[F32FMT_BUFSIZE]);

#endif
