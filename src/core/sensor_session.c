/* sensor_session.c -- the sensor server's per-connection logic: framed lines in, replies out. */
#include "sensor_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "sensor_int.h"
#include "utf8.h"

int sensor_session_init(struct sensor_session *s, size_t max_line)
{
    if (s == NULL)
        return WC_ERR_ARG;
    memset(s, 0, sizeof(*s));
    return framing_init(&s->framer, max_line);
}

/* Forgets the previous event; its buffers stay for the next line. */
static void release_event(struct sensor_session *s)
{
    memset(&s->record, 0, sizeof(s->record));
    s->error.msg[0] = '\0';
    s->error.line = 0;
    s->error.column = 0;
}

void sensor_session_cleanup(struct sensor_session *s)
{
    if (s == NULL)
        return;
    framing_cleanup(&s->framer);
    free(s->id_buf);
    free(s->lossy);
    free(s->text);
    free(s->reply);
    memset(s, 0, sizeof(*s));
}

static void set_error_reply(struct sensor_event *ev)
{
    ev->reply = SENSOR_ERROR_REPLY;
    ev->reply_len = sizeof(SENSOR_ERROR_REPLY) - 1;
}

/* Makes |*buf| hold at least |need| bytes, keeping a larger buffer as it is. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return WC_OK;
    size_t want = need < 256 ? 256 : need;
    char *nb = realloc(*buf, want);
    if (nb == NULL)
        return WC_ERR_NOMEM;
    *buf = nb;
    *cap = want;
    return WC_OK;
}

/* The seed's ACK for the decoded record, into the session's reply buffer. */
static int build_ack(struct sensor_session *s, size_t *len)
{
    static const char HEAD[] = "ACK: Received data from ";
    static const char MID[] = " (Temp: ";
    static const char TAIL[] = "C)\n";
    char t[NUMFMT_BUFSIZE];
    size_t tn = numfmt_f32_display(s->record.temperature_c, t);
    size_t idn = s->record.device_id_len;
    size_t n = sizeof(HEAD) - 1 + idn + sizeof(MID) - 1 + tn + sizeof(TAIL) - 1;
    if (reserve(&s->reply, &s->reply_cap, n + 1) != WC_OK)
        return WC_ERR_NOMEM;
    char *p = s->reply;
    memcpy(p, HEAD, sizeof(HEAD) - 1);
    p += sizeof(HEAD) - 1;
    memcpy(p, s->record.device_id, idn);
    p += idn;
    memcpy(p, MID, sizeof(MID) - 1);
    p += sizeof(MID) - 1;
    memcpy(p, t, tn);
    p += tn;
    memcpy(p, TAIL, sizeof(TAIL));
    *len = n;
    return WC_OK;
}

/*
 * One complete line. Returns 1 with *ev filled, 0 for a blank line (no event: the seed server
 * `continue`s when line.trim().is_empty()), or WC_ERR_NOMEM.
 * The line is made well-formed once: in place when it already is (nearly always), else by
 * from_utf8_lossy into the session's buffer; the log text and the decoder both read that.
 */
static int on_line(struct sensor_session *s, const unsigned char *data, size_t len,
                   struct sensor_event *ev)
{
    const char *text = (const char *)data;
    size_t text_len = len;
    size_t valid = utf8_valid_prefix(data, len);
    if (valid != len) {
        /* The well-formed prefix is copied as it is; only the rest is measured and converted. */
        size_t need = valid + utf8_lossy_len(data + valid, len - valid);
        if (reserve(&s->lossy, &s->lossy_cap, need + 1) != WC_OK)
            return WC_ERR_NOMEM;
        memcpy(s->lossy, data, valid);
        ptrdiff_t w = utf8_lossy(data + valid, len - valid, s->lossy + valid, need - valid);
        if (w < 0)
            return WC_ERR_NOMEM; /* cannot happen: need is exactly the size */
        text_len = valid + (size_t)w;
        s->lossy[text_len] = '\0';
        text = s->lossy;
    }
    size_t start = 0, end = 0;
    utf8_trim(text, text_len, &start, &end);
    if (start == end)
        return 0;

    /* A plain copy (the event's text is NUL-terminated), not a second conversion. */
    if (reserve(&s->text, &s->text_cap, end - start + 1) != WC_OK)
        return WC_ERR_NOMEM;
    memcpy(s->text, text + start, end - start);
    s->text[end - start] = '\0';

    memset(ev, 0, sizeof(*ev));
    ev->text = s->text;
    ev->text_len = end - start;
    ev->line_len = len;
    /* The whole lossy line, untrimmed: serde_json's own whitespace rules differ from
     * str::trim (e.g. U+00A0 around an object is an error, not padding). */
    int rc = sensor_decode_text(text, text_len, &s->record, &s->error, &s->id_buf, &s->id_cap);
    if (rc == WC_OK) {
        size_t n = 0;
        if (build_ack(s, &n) != WC_OK) {
            release_event(s);
            return WC_ERR_NOMEM;
        }
        ev->kind = SENSOR_EVENT_ACK;
        ev->reply = s->reply;
        ev->reply_len = n;
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
