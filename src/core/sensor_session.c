/* sensor_session.c -- the sensor server's per-connection logic: framed lines in, replies out. */
#include "sensor_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int sensor_session_init(struct sensor_session *s, size_t max_line)
{
    if (s == NULL)
        return WC_ERR_ARG;
    memset(s, 0, sizeof(*s));
    return framing_init(&s->framer, max_line);
}

/* Drops what the previous event pointed to; events live until the next session call. */
static void release_event(struct sensor_session *s)
{
    sensor_record_cleanup(&s->record);
    memset(&s->error, 0, sizeof(s->error));
    free(s->text);
    s->text = NULL;
    free(s->reply);
    s->reply = NULL;
    s->reply_len = 0;
}

void sensor_session_cleanup(struct sensor_session *s)
{
    if (s == NULL)
        return;
    release_event(s);
    framing_cleanup(&s->framer);
    memset(s, 0, sizeof(*s));
}

static void set_error_reply(struct sensor_event *ev)
{
    ev->reply = SENSOR_ERROR_REPLY;
    ev->reply_len = sizeof(SENSOR_ERROR_REPLY) - 1;
}

/*
 * One complete line. Returns 1 with *ev filled, 0 for a blank line (no event: the seed server
 * `continue`s when line.trim().is_empty()), or WC_ERR_NOMEM.
 */
static int on_line(struct sensor_session *s, const unsigned char *data, size_t len,
                   struct sensor_event *ev)
{
    size_t lossy_len = 0;
    char *text = utf8_lossy_dup(data, len, &lossy_len);
    if (text == NULL)
        return WC_ERR_NOMEM;
    size_t start = 0, end = 0;
    utf8_trim(text, lossy_len, &start, &end);
    if (start == end) {
        free(text);
        return 0;
    }
    memmove(text, text + start, end - start);
    text[end - start] = '\0';
    s->text = text;

    memset(ev, 0, sizeof(*ev));
    ev->text = text;
    ev->text_len = end - start;
    ev->line_len = len;
    /* The raw bytes, untrimmed: serde_json sees the whole lossy line (its own whitespace rules
     * differ from str::trim, e.g. U+00A0 around an object is an error, not padding). */
    int rc = sensor_decode(data, len, &s->record, &s->error);
    if (rc == WC_OK) {
        s->reply = sensor_ack(&s->record, &s->reply_len);
        if (s->reply == NULL) {
            release_event(s);
            return WC_ERR_NOMEM;
        }
        ev->kind = SENSOR_EVENT_ACK;
        ev->reply = s->reply;
        ev->reply_len = s->reply_len;
        ev->record = &s->record;
        return 1;
    }
    if (rc != WC_ERR_INVALID) {
        release_event(s);
        return rc;
    }
    ev->kind = SENSOR_EVENT_ERROR;
    set_error_reply(ev);
    ev->error = &s->error;
    return 1;
}

static void on_oversize(struct sensor_session *s, size_t len, struct sensor_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = SENSOR_EVENT_OVERSIZE;
    ev->text = "";
    ev->line_len = len;
    set_error_reply(ev);
    snprintf(s->error.msg, sizeof(s->error.msg), "line of %zu bytes exceeds the %zu-byte limit",
             len, s->framer.max_line);
    ev->error = &s->error;
}

int sensor_session_feed(struct sensor_session *s, const void *data, size_t len, size_t *consumed,
                        struct sensor_event *ev)
{
    if (consumed != NULL)
        *consumed = 0;
    if (s == NULL || consumed == NULL || ev == NULL || (data == NULL && len > 0))
        return WC_ERR_ARG;
    release_event(s);
    const unsigned char *p = data;
    size_t off = 0;
    /* Ends: every pass either consumes at least one byte (an event eats its '\n') or returns. */
    for (;;) {
        size_t used = 0;
        struct framing_line line;
        int rc = framing_feed(&s->framer, off < len ? p + off : NULL, len - off, &used, &line);
        off += used;
        *consumed = off;
        if (rc == FRAMING_OVERSIZE) {
            on_oversize(s, line.len, ev);
            return 1;
        }
        if (rc != FRAMING_LINE)
            return rc; /* WC_NEED_MORE with everything consumed, or an error */
        rc = on_line(s, line.data, line.len, ev);
        if (rc != 0)
            return rc;
    }
}

int sensor_session_finish(struct sensor_session *s, struct sensor_event *ev)
{
    if (s == NULL || ev == NULL)
        return WC_ERR_ARG;
    release_event(s);
    struct framing_line line;
    int rc = framing_finish(&s->framer, &line);
    if (rc == FRAMING_OVERSIZE) {
        on_oversize(s, line.len, ev);
        return 1;
    }
    if (rc != FRAMING_LINE)
        return rc; /* 0: nothing left, or an error */
    return on_line(s, line.data, line.len, ev);
}
