/* transcript.c -- records what happened during a case and renders it as a readable timeline. */
#include "engine/transcript.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

void tr_init(struct transcript *tr, size_t max_events)
{
    memset(tr, 0, sizeof *tr);
    pthread_mutex_init(&tr->mu, NULL);
    tr->t0_us = clk_now_us();
    tr->max = max_events ? max_events : TR_DEFAULT_MAX_EVENTS;
}

void tr_cleanup(struct transcript *tr)
{
    for (size_t i = 0; i < tr->n; i++) {
        free(tr->ev[i].data);
        free(tr->ev[i].text);
    }
    free(tr->ev);
    tr->ev = NULL;
    tr->n = tr->cap = 0;
    pthread_mutex_destroy(&tr->mu);
}

/* Reserves the next event under the lock; NULL when full or out of memory. */
static struct tr_event *slot(struct transcript *tr)
{
    if (tr->n >= tr->max) {
        tr->dropped++;
        return NULL;
    }
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? tr->cap * 2 : 32;
        struct tr_event *p = realloc(tr->ev, cap * sizeof *p);
        if (!p) {
            tr->dropped++;
            return NULL;
        }
        tr->ev = p;
        tr->cap = cap;
    }
    struct tr_event *e = &tr->ev[tr->n++];
    memset(e, 0, sizeof *e);
    e->t_us = clk_now_us() - tr->t0_us;
    return e;
}

static void set_conn(struct tr_event *e, const char *conn)
{
    snprintf(e->conn, sizeof e->conn, "%s", conn ? conn : "");
}

void tr_bytes(struct transcript *tr, unsigned session, const char *conn, enum tr_kind kind,
              size_t offset, const void *p, size_t len)
{
    pthread_mutex_lock(&tr->mu);
    struct tr_event *e = slot(tr);
    if (e) {
        e->session = session;
        e->kind = kind;
        set_conn(e, conn);
        e->offset = offset;
        e->len = len;
        e->shown = len < TR_BYTES_KEPT ? len : TR_BYTES_KEPT;
        e->data = e->shown ? malloc(e->shown) : NULL;
        if (e->data)
            memcpy(e->data, p, e->shown);
        else
            e->shown = 0;
        if (tr->live)
            tr->live(e, tr->live_ctx);
    }
    pthread_mutex_unlock(&tr->mu);
}

void tr_note(struct transcript *tr, unsigned session, const char *conn, enum tr_kind kind,
             const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&tr->mu);
    struct tr_event *e = slot(tr);
    if (e) {
        e->session = session;
        e->kind = kind;
        set_conn(e, conn);
        e->text = strdup(buf);
        if (tr->live)
            tr->live(e, tr->live_ctx);
    }
    pthread_mutex_unlock(&tr->mu);
}

int tr_render_event(const struct tr_event *e, struct bytes *out, const char *indent)
{
    char who[CF_NAME_MAX + 16];
    if (e->session)
        snprintf(who, sizeof who, "%s#%u", e->conn, e->session - 1);
    else
        snprintf(who, sizeof who, "%s", e->conn);
    const char *mark = e->kind == TR_SEND ? ">" : e->kind == TR_RECV ? "<"
                     : e->kind == TR_ERROR ? "!" : "*";
    int rc = bytes_printf(out, "%s+%8.1f ms  %-8s %s ", indent, (double)e->t_us / 1000.0, who,
                          mark);
    if (rc < 0)
        return rc;
    if (e->kind != TR_SEND && e->kind != TR_RECV)
        return bytes_printf(out, "%s\n", e->text ? e->text : "");
    rc = bytes_printf(out, "%zu byte%s @%zu", e->len, e->len == 1 ? "" : "s", e->offset);
    if (rc == 0 && e->len && bytes_is_texty(e->data, e->shown)) {
        rc = bytes_puts(out, "  ");
        if (rc == 0)
            rc = bytes_escape(out, e->data, e->shown, 200);
        if (rc == 0 && e->shown < e->len)
            rc = bytes_printf(out, " ... (%zu more)", e->len - e->shown);
        if (rc == 0)
            rc = bytes_puts(out, "\n");
    } else if (rc == 0 && e->len) {
        char ind[64];
        snprintf(ind, sizeof ind, "%s      ", indent);
        rc = bytes_puts(out, "\n");
        if (rc == 0)
            rc = bytes_hexdump(out, e->data, e->shown, e->offset, 4, ind);
    } else if (rc == 0) {
        rc = bytes_puts(out, "\n");
    }
    return rc;
}

int tr_render(struct transcript *tr, struct bytes *out, const char *indent)
{
    int rc = 0;
    pthread_mutex_lock(&tr->mu);
    for (size_t i = 0; rc == 0 && i < tr->n; i++)
        rc = tr_render_event(&tr->ev[i], out, indent);
    if (rc == 0 && tr->dropped)
        rc = bytes_printf(out, "%s(%zu more events not recorded)\n", indent, tr->dropped);
    pthread_mutex_unlock(&tr->mu);
    return rc;
}
