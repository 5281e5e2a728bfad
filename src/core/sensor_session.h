/* sensor_session.h -- one sensor-server connection in memory: bytes in, replies out, in order. */
#ifndef WIRECHECK_SENSOR_SESSION_H
#define WIRECHECK_SENSOR_SESSION_H

#include <stddef.h>

#include "framing.h"
#include "sensor.h"

/* What happened for one line of the stream. */
enum sensor_event_kind {
    SENSOR_EVENT_ACK = 1,      /* decoded: reply is the ACK, record is set */
    SENSOR_EVENT_ERROR = 2,    /* not a SensorData: reply is ERROR, error says why */
    SENSOR_EVENT_OVERSIZE = 3, /* longer than the cap: reply is ERROR, line was discarded */
};

/*
 * One line's outcome. All pointers are owned by the session and valid until the next
 * sensor_session_* call. Blank lines (empty after Rust's str::trim, as in the seed) produce no
 * event at all.
 */
struct sensor_event {
    enum sensor_event_kind kind;
    const char *text;  /* the line after from_utf8_lossy and trim, for the log, NUL after it */
    size_t text_len;   /* (for OVERSIZE: empty) */
    size_t line_len;   /* the line's length in bytes on the wire, without '\n' */
    const char *reply; /* bytes to send back, ending in '\n' */
    size_t reply_len;
    const struct sensor_record *record; /* ACK only, else NULL */
    const struct sensor_error *error;   /* ERROR (serde's reason) and OVERSIZE, else NULL */
};

/*
 * Caller-allocated; fields private. The buffers are kept from line to line (each grows to the
 * largest line seen, so at most a few times max_line): a line costs no allocation once they
 * are large enough.
 */
struct sensor_session {
    struct framing framer;
    struct sensor_record record; /* device_id points into id_buf */
    struct sensor_error error;
    char *id_buf; /* the decoded device_id */
    size_t id_cap;
    char *lossy; /* the line after from_utf8_lossy, when it was not well-formed UTF-8 */
    size_t lossy_cap;
    char *text; /* the event's text: the trimmed line and a NUL */
    size_t text_cap;
    char *reply; /* the ACK of the last event */
    size_t reply_cap;
};

/* |max_line| 0 means FRAMING_DEFAULT_MAX_LINE. Returns WC_OK, or WC_ERR_ARG for a NULL |s|. */
int sensor_session_init(struct sensor_session *s, size_t max_line);

/* Frees everything the session holds. Safe on a zeroed struct. */
void sensor_session_cleanup(struct sensor_session *s);

/*
 * Consumes bytes of |data| until one non-blank line completes, storing the bytes used in
 * *consumed. Returns 1 with *ev filled for that line, WC_NEED_MORE when all input was used
 * without producing an event, WC_ERR_NOMEM (the line being handled is lost; *consumed counts
 * it), or WC_ERR_ARG (NULL |s|, |consumed| or |ev|, NULL |data| with |len| > 0).
 * Call again with the rest of the chunk. Each line is decoded from its raw bytes (without
 * the '\n'), so events never depend on how the stream was split.
 */
int sensor_session_feed(struct sensor_session *s, const void *data, size_t len, size_t *consumed,
                        struct sensor_event *ev);

/* End of stream (the client half-closed): the last line without '\n', if it is not blank.
 * Returns 1 with *ev filled, 0 when nothing is left, WC_ERR_NOMEM or WC_ERR_ARG. */
int sensor_session_finish(struct sensor_session *s, struct sensor_event *ev);

#endif
