/* explain.h -- what a difference between expected and received bytes most likely means, in
 * the protocol's own terms ("the temperature is written 21.50, the chapter writes 21.5"), for
 * the detail of a failing step. Pure: bytes in, a sentence out. */
#ifndef WIRECHECK_RUNNER_EXPLAIN_H
#define WIRECHECK_RUNNER_EXPLAIN_H

#include <stddef.h>

#include "bytes.h"

/*
 * |want|[0..wl) was expected and |got|[0..gl) came, first differing at byte |at| (at may be
 * gl: what came is a prefix). Appends "  why: ...\n" lines to |out|, and the same findings as
 * load/fact.h lines to |facts|, for the patterns it knows: an ACK whose device id or
 * temperature differs (the same number written otherwise is the f32 text rule, SEN-4); ACK
 * where ERROR was due or the reverse; a line ending in \r\n or missing its \n; a difference in
 * letter case only; a NUL where the difference starts; expected bytes skipped, or earlier
 * bytes repeated. Appends nothing when none fits. Returns 0 or a bytes_* error (a full
 * |facts| only loses facts).
 */
int explain_difference(struct bytes *out, struct bytes *facts, const unsigned char *want,
                       size_t wl, const unsigned char *got, size_t gl, size_t at);

/*
 * Only the first |got| of |due| bytes came before a close or a timeout; |want|[0..wl) are the
 * expected bytes when known (NULL for a regex). Records the short count, the line left
 * unended, a NUL where it stopped, and appends a "why:" line when the count says something
 * (nothing came; a power of two: a fixed-size buffer).
 */
int explain_short(struct bytes *out, struct bytes *facts, const unsigned char *want, size_t wl,
                  size_t got, size_t due);

#endif
