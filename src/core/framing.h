/* framing.h -- incremental newline framer: push any chunk, get complete lines, bounded memory. */
#ifndef WIRECHECK_FRAMING_H
#define WIRECHECK_FRAMING_H

#include <stddef.h>

#include "status.h"

/* Default longest line (excluding its '\n') a framer keeps; longer lines are discarded. */
#define FRAMING_DEFAULT_MAX_LINE ((size_t)64 * 1024)

/* What framing_feed/framing_finish produced. */
enum framing_event {
    FRAMING_LINE = 1,     /* a complete line: |data|/|len| hold it, without the '\n' */
    FRAMING_OVERSIZE = 2, /* a line over max_line ended: |len| is its full length, data NULL */
};

struct framing_line {
    const unsigned char *data; /* borrowed: valid until the next framing_* call on the framer
                                  or until the caller's input chunk is freed, whichever is first */
    size_t len;
};

/*
 * The framer. Caller-allocated; treat the fields as private. Memory held is at most max_line
 * bytes whatever the input, because an overlong line is counted, not stored.
 */
struct framing {
    unsigned char *buf; /* the partial line carried between chunks */
    size_t buf_len;
    size_t buf_cap;
    size_t max_line;
    size_t discard_len; /* > 0 while discarding an overlong line: its length so far */
    int discarding;
};

/* Prepares |f| for a new stream. |max_line| 0 means FRAMING_DEFAULT_MAX_LINE.
 * Returns WC_OK (it does not allocate yet), or WC_ERR_ARG when |f| is NULL. */
int framing_init(struct framing *f, size_t max_line);

/* Frees what |f| holds; |f| may be framing_init'ed again. Safe on a zeroed struct. */
void framing_cleanup(struct framing *f);

/*
 * Consumes bytes of |data| (|len| may be 0) until one line completes or the input runs out,
 * and stores in |*consumed| how many bytes it used (always all of them unless an event is
 * returned). Returns FRAMING_LINE or FRAMING_OVERSIZE with |*out| filled, WC_NEED_MORE when all
 * input was consumed without completing a line, or WC_ERR_NOMEM / WC_ERR_ARG (NULL |f|,
 * |consumed| or |out|, NULL |data| with |len| > 0, or |f| not framing_init'ed); on an error
 * *consumed is 0 and the framer is unchanged, so the same bytes may be pushed again.
 * A line lying wholly inside |data| is returned as a pointer into |data| (no copy); a line
 * spanning chunks points into the framer. |out->data| is never NULL for FRAMING_LINE, even
 * for an empty line. Overlong lengths saturate at SIZE_MAX.
 * Call it again with the rest (data + *consumed) to get the following lines. The lines produced
 * never depend on how the stream was split into chunks.
 */
int framing_feed(struct framing *f, const void *data, size_t len, size_t *consumed,
                 struct framing_line *out);

/*
 * End of stream: returns FRAMING_LINE for a non-empty last line that had no '\n',
 * FRAMING_OVERSIZE if that last line was overlong, 0 when nothing was pending, or
 * WC_ERR_ARG for a NULL argument. The framer is empty afterwards, ready for a new stream.
 */
int framing_finish(struct framing *f, struct framing_line *out);

/* Bytes currently buffered (a partial line), for tests and capacity checks. */
size_t framing_pending(const struct framing *f);

#endif
