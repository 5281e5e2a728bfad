/* transcript.h -- the timeline of one case: bytes sent and received, events, for the reports. */
#ifndef WIRECHECK_RUNNER_TRANSCRIPT_H
#define WIRECHECK_RUNNER_TRANSCRIPT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "load/casefile.h"

enum tr_kind {
    TR_SEND = 1, /* the runner sent bytes */
    TR_RECV,     /* the runner received bytes */
    TR_EVENT,    /* connect, close, FIN, RST, process exit... */
    TR_ERROR,    /* the step that failed, with expected against actual */
};

struct tr_event {
    int64_t t_us;           /* since the transcript started */
    unsigned session;       /* 0: the case itself; k+1: session k of a parallel block */
    enum tr_kind kind;
    char conn[CF_NAME_MAX]; /* connection name, or "" */
    size_t offset;          /* stream offset of the first byte (SEND/RECV) */
    size_t len;             /* bytes sent/received (SEND/RECV) */
    unsigned char *data;    /* the first |shown| of them (owned) */
    size_t shown;
    char *text;             /* EVENT/ERROR text (owned), else NULL */
};

/* Bytes of one SEND/RECV event kept for display. */
#define TR_BYTES_KEPT 2048
/* Events kept per case; later ones are only counted. */
#define TR_DEFAULT_MAX_EVENTS 600

/* Thread-safe: the sessions of a parallel block record into one transcript. */
struct transcript {
    pthread_mutex_t mu;
    int64_t t0_us;
    struct tr_event *ev;
    size_t n, cap, max;
    size_t dropped;
    /* Called with each event as it is recorded, under the transcript's lock (NULL: none): for
     * commands that show an exchange as it happens. Set after tr_init. */
    void (*live)(const struct tr_event *e, void *ctx);
    void *live_ctx;
};

/* Starts an empty transcript whose clock starts now. |max_events| 0: the default. */
void tr_init(struct transcript *tr, size_t max_events);
/* Frees every event. */
void tr_cleanup(struct transcript *tr);

/* Records sent or received bytes (out of memory: the event is only counted as dropped). */
void tr_bytes(struct transcript *tr, unsigned session, const char *conn, enum tr_kind kind,
              size_t offset, const void *p, size_t len);

/* Records a text event (TR_EVENT or TR_ERROR). */
void tr_note(struct transcript *tr, unsigned session, const char *conn, enum tr_kind kind,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends one event as tr_render writes it. Returns 0 or a bytes_* error. */
int tr_render_event(const struct tr_event *e, struct bytes *out, const char *indent);

/*
 * Appends the timeline as text, one event per line:
 *   "<indent>+  12.3 ms  a      > 14 bytes @0  \"Hello\\n\""
 * with '>' sent, '<' received, '*' events and '!' the failure; bytes that are not text are
 * shown as a hex+ASCII dump. Returns 0 or a bytes_* error.
 */
int tr_render(struct transcript *tr, struct bytes *out, const char *indent);

#endif
