/* explain.h -- what a difference between expected and received bytes most likely means, in
 * the protocol's own terms ("the temperature is written 21.50, the chapter writes 21.5"), for
 * the detail of a failing step. Pure: bytes in, a sentence out. */
#ifndef WIRECHECK_RUNNER_EXPLAIN_H
#define WIRECHECK_RUNNER_EXPLAIN_H

#include <stddef.h>

#include "bytes.h"

/*
 * |want|[0..wl) was expected and |got|[0..gl) came, first differing at byte |at| (at may be
 * gl: what came is a prefix). Appends "  why: ...\n" lines to |out| for the patterns it knows:
 * an ACK whose device id or temperature differs (the same number written otherwise is the
 * f32 text rule, SEN-4); a line ending in \r\n or missing its \n; a difference in letter case
 * only. Appends nothing when none fits. Returns 0 or a bytes_* error.
 */
int explain_difference(struct bytes *out, const unsigned char *want, size_t wl,
                       const unsigned char *got, size_t gl, size_t at);

/*
 * Only the first |got| of |want| bytes came before a close or a timeout: appends a "why:"
 * line when the count says something (nothing came; a power of two: a fixed-size buffer).
 */
int explain_short(struct bytes *out, size_t got, size_t want);

#endif
