/* session.c -- one sequential script of a case: its connections, its failure, its deadlines,
 * its data and regexes filled in. Shared by the acting and the checking steps. */
#include "engine/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "status.h"

void session_fail(struct session *s, const struct cf_step *st, enum outcome o, const char *fmt,
              ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[64] = "";
    if (s->id)
        snprintf(where, sizeof where, " (session %u)", s->id - 1);
    pthread_mutex_lock(&s->e->mu);
    if (verdict_set(&s->e->res->v, o, st ? st->line : 0, "line %u: %s%s: %s",
                    st ? st->line : 0, st ? cf_op_name(st->op) : "case", where, msg))
        s->e->failed = s->id + 1;
    if (o != OUT_NONSTRICT)
        s->e->stop = 1;
    pthread_mutex_unlock(&s->e->mu);
    tr_note(&s->e->res->tr, s->id, st ? st->name : "", o == OUT_NONSTRICT ? TR_EVENT : TR_ERROR,
            "%s: %s (%s)", st ? cf_op_name(st->op) : "case", msg, outcome_name(o));
}

struct bytes *session_detail(struct session *s)
{
    return &s->detail;
}

struct bytes *session_facts(struct session *s)
{
    return &s->facts;
}

int64_t session_deadline(const struct session *s, const struct cf_step *st)
{
    const struct engine_env *env = s->e->env;
    double ms = st->timeout_ms ? st->timeout_ms * env->scale : env->step_timeout_ms;
    int64_t d = clk_now_ms() + (int64_t)ms;
    return d < s->e->deadline ? d : s->e->deadline;
}

struct conn *session_conn(struct session *s, const struct cf_step *st, const char *name)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        if (strcmp(s->conns[i].name, name) == 0)
            return &s->conns[i];
    }
    if (st)
        session_fail(s, st, OUT_FAIL, "'%s' is not open here (the runner plays the %s)", name,
                 s->e->env->client_role ? "server" : "client");
    return NULL;
}

struct conn *session_conn_new(struct session *s, const struct cf_step *st, const char *name)
{
    struct conn *c = session_conn(s, NULL, name);
    if (c)
        return c;
    if (s->n_conns >= ENGINE_MAX_CONNS) {
        session_fail(s, st, OUT_FAIL, "more than %d connections in one session", ENGINE_MAX_CONNS);
        return NULL;
    }
    c = &s->conns[s->n_conns++];
    conn_init(c, name, &s->e->res->tr, s->id);
    return c;
}

void session_init(struct session *s, struct play *e, unsigned id, unsigned index)
{
    memset(s, 0, sizeof *s);
    s->e = e;
    s->id = id;
    s->index = index;
    const struct engine_env *env = e->env;
    /* In client suites the runner's UDP socket is the connection called "server". */
    if (id == 0 && env->client_role && env->udp && env->listen_fd >= 0) {
        int fd = dup(env->listen_fd);
        if (fd >= 0) {
            struct conn *c = session_conn_new(s, NULL, "server");
            if (c)
                conn_adopt(c, fd, CONN_UDP);
            else
                close(fd);
        }
    }
    s->line_pos[0] = env->out_mark[0];
    s->line_pos[1] = env->out_mark[1];
    bytes_init(&s->detail, 1 << 20);
    bytes_init(&s->facts, ENGINE_MAX_FACTS);
}

void session_cleanup(struct session *s)
{
    for (size_t i = 0; i < s->n_conns; i++)
        conn_cleanup(&s->conns[i]);
    s->n_conns = 0;
    pthread_mutex_lock(&s->e->mu);
    struct bytes *d = &s->e->res->detail;
    if (s->e->failed == s->id + 1 && d->len == 0 && s->detail.len > 0 &&
        bytes_append(d, s->detail.data, s->detail.len) < 0)
        d->len = 0; /* too big for the result's cap: the reason line still says what failed */
    struct bytes *f = &s->e->res->facts;
    if (s->e->failed == s->id + 1 && f->len == 0 && s->facts.len > 0 &&
        bytes_append(f, s->facts.data, s->facts.len) < 0)
        f->len = 0;
    pthread_mutex_unlock(&s->e->mu);
    bytes_cleanup(&s->detail);
    bytes_cleanup(&s->facts);
}

int session_stopped(struct session *s)
{
    pthread_mutex_lock(&s->e->mu);
    int stop = s->e->stop || s->e->res->v.outcome == OUT_NONSTRICT;
    pthread_mutex_unlock(&s->e->mu);
    return stop;
}

/* The step's data with the session's index written where `index` atoms were. */
static int expand(const struct session *s, const struct cf_data *d, struct bytes *out)
{
    char idx[16];
    int il = snprintf(idx, sizeof idx, "%u", s->index);
    size_t at = 0;
    int rc = 0;
    for (unsigned k = 0; rc == 0 && k < d->n_index; k++) {
        /* d->bytes is NULL when the data is only `index`: no pointer arithmetic on it then */
        if (d->index_at[k] > at)
            rc = bytes_append(out, d->bytes + at, d->index_at[k] - at);
        if (rc == 0)
            rc = bytes_append(out, idx, (size_t)il);
        at = d->index_at[k];
    }
    if (rc == 0 && d->len > at)
        rc = bytes_append(out, d->bytes + at, d->len - at);
    return rc;
}

int session_data(const struct session *s, const struct cf_step *st, struct bytes *tmp,
             const unsigned char **p, size_t *len)
{
    if (st->data.n_index == 0) {
        *p = st->data.bytes;
        *len = st->data.len;
        return 0;
    }
    int rc = expand(s, &st->data, tmp);
    *p = tmp->data;
    *len = tmp->len;
    return rc;
}

/* Escapes regex metacharacters of |text| into |out|. */
static int re_quote(struct bytes *out, const char *text)
{
    int rc = 0;
    for (const char *t = text; rc == 0 && *t; t++) {
        if (strchr(".[]()*+?{}|^$\\", *t))
            rc = bytes_puts(out, "\\");
        if (rc == 0)
            rc = bytes_append(out, t, 1);
    }
    return rc;
}

int session_regex(struct session *s, const char *pattern, regex_t *re)
{
    struct bytes b;
    bytes_init(&b, 8192);
    int rc = 0;
    for (const char *p = pattern; rc == 0 && *p; p++) {
        size_t pl = cf_placeholder_len(p);
        if (pl) {
            char name[CF_NAME_MAX];
            char addr[NET_ADDR_TEXT] = "";
            snprintf(name, sizeof name, "%.*s", (int)(pl - 2), p + 1);
            struct conn *c = session_conn(s, NULL, name);
            if (strcmp(name, "server") == 0)
                net_addr_format((const struct sockaddr *)&s->e->env->target.ss,
                                s->e->env->target.len, addr);
            else if (c)
                snprintf(addr, sizeof addr, "%s", c->local);
            if (addr[0]) {
                rc = re_quote(&b, addr);
                p += pl - 1;
                continue;
            }
        }
        rc = bytes_append(&b, p, 1);
    }
    if (rc == 0)
        rc = regcomp(re, bytes_str(&b), REG_EXTENDED | REG_NOSUB) == 0 ? 0 : WC_ERR_INVALID;
    bytes_cleanup(&b);
    return rc;
}

int session_line_matches(const struct cf_step *st, const regex_t *re, const unsigned char *line,
                     size_t len)
{
    if (!st->regex)
        return len == st->data.len && (len == 0 || memcmp(line, st->data.bytes, len) == 0);
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)len;
    return regexec(re, len ? (const char *)line : "", 1, m, REG_STARTEND) == 0;
}
