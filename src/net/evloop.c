/* evloop.c -- the event-driven TCP server of evloop.h: per-thread epoll sets (edge-triggered
 * for clients, EPOLLEXCLUSIVE on the shared listening socket so one thread wakes per client),
 * a ready list for fairness, and two activity-ordered lists that make both timeouts O(1). */
#include "evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"

#define EVLOOP_DEFAULT_READ ((size_t)64 * 1024)
#define EVLOOP_DEFAULT_HIGH ((size_t)64 * 1024)
#define EVLOOP_EVENTS 256
/* Clients accepted per wake-up: enough to empty the backlog of a burst of thousands before it
 * overflows, few enough that clients already in get their turn soon. */
#define EVLOOP_ACCEPT_BURST 512
#define EVLOOP_READ_BURST 8 /* reads per client per round before the next client's turn */
#define EVLOOP_THREAD_STACK ((size_t)256 * 1024) /* buffers are on the heap */
#define EVLOOP_MAX_THREADS 64
#define EVLOOP_EMFILE_PAUSE_MS 50

/* Sentinels in epoll_event.data.ptr: every other value is a struct evloop_conn. */
static char listen_tag, stop_tag;

/* An intrusive doubly-linked list ordered by a timestamp (the oldest first). */
struct evloop_link {
    struct evloop_conn *prev, *next;
};

struct evloop_list {
    struct evloop_conn *head, *tail;
};

enum { ALL_LIST, SEND_LIST };

struct evloop_conn {
    int fd;
    unsigned char can_read; /* input may be waiting: no EAGAIN or short read since the edge */
    unsigned char rdhup;    /* the client's FIN was seen: read until recv returns 0 */
    unsigned char want_out; /* EPOLLOUT is in the interest set (only while replies wait) */
    unsigned char eof;      /* recv returned 0 */
    unsigned char closing;  /* finalized in the next ready pass */
    unsigned char in_ready, in_send;
    enum evloop_close why;
    int err;
    void *data;
    unsigned char *out; /* queued replies: out[out_off .. out_off + out_len) */
    size_t out_off, out_len, out_cap;
    unsigned char *stash; /* input on_data did not take while congested */
    size_t stash_len;
    int64_t active_ms;          /* last byte moved either way: the idle list's order */
    int64_t sent_ms;            /* last send progress while replies wait: the send list's order */
    struct evloop_link link[2]; /* in the thread's ALL_LIST and (while replies wait) SEND_LIST */
    struct evloop_conn *ready_next;
    char peer[NET_ADDR_TEXT];
};

struct evloop_thread {
    const struct evloop_config *cfg;
    int epfd;
    pthread_t tid;
    int started;
    int rc;
    unsigned char *rbuf;
    struct evloop_list all;   /* every open connection, by active_ms */
    struct evloop_list sendq; /* connections with queued replies, by sent_ms */
    struct evloop_conn *ready, *ready_tail;
    int64_t now;
    int64_t accept_resume; /* CLK_NEVER unless accepting paused after EMFILE */
};

static void list_push(struct evloop_list *l, struct evloop_conn *c, int which)
{
    struct evloop_link *lk = &c->link[which];

    lk->next = NULL;
    lk->prev = l->tail;
    if (l->tail != NULL)
        l->tail->link[which].next = c;
    else
        l->head = c;
    l->tail = c;
}

static void list_remove(struct evloop_list *l, struct evloop_conn *c, int which)
{
    struct evloop_link *lk = &c->link[which];

    if (lk->prev != NULL)
        lk->prev->link[which].next = lk->next;
    else
        l->head = lk->next;
    if (lk->next != NULL)
        lk->next->link[which].prev = lk->prev;
    else
        l->tail = lk->prev;
    lk->prev = lk->next = NULL;
}

static void schedule(struct evloop_thread *t, struct evloop_conn *c)
{
    if (c->in_ready)
        return;
    c->in_ready = 1;
    c->ready_next = NULL;
    if (t->ready_tail != NULL)
        t->ready_tail->ready_next = c;
    else
        t->ready = c;
    t->ready_tail = c;
}

/* Marks |c| for closing; the ready pass calls on_close and frees it. The first reason wins. */
static void mark_closing(struct evloop_thread *t, struct evloop_conn *c, enum evloop_close why,
                         int err)
{
    if (c->closing)
        return;
    c->closing = 1;
    c->why = why;
    c->err = err;
    schedule(t, c);
}

/* The thread serving the current handler call: a connection never moves between threads, and
 * evloop_conn_* are only called from its handlers. */
static _Thread_local struct evloop_thread *current;

/* Moves |c| to the end of the idle order: something just moved. */
static void touch(struct evloop_thread *t, struct evloop_conn *c)
{
    c->active_ms = t->now;
    if (t->all.tail != c) {
        list_remove(&t->all, c, ALL_LIST);
        list_push(&t->all, c, ALL_LIST);
    }
}

/* Edge-triggered interest: input always, output only while replies wait, so that a client
 * taking its replies at once costs no EPOLLOUT wake-ups. */
static void want_output(struct evloop_thread *t, struct evloop_conn *c, int on)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0),
                             .data.ptr = c};

    if (c->want_out == on)
        return;
    if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        mark_closing(t, c, EVLOOP_CLOSE_WRITE_ERROR, -errno);
        return;
    }
    c->want_out = (unsigned char)on;
}

/* Sends what is queued. On a send error the connection is marked closing. */
static void flush(struct evloop_thread *t, struct evloop_conn *c)
{
    int was_congested = c->out_len > t->cfg->out_high;

    while (c->out_len > 0) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (w > 0) {
            c->out_off += (size_t)w;
            c->out_len -= (size_t)w;
            c->sent_ms = t->now;
            touch(t, c);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* Wait for EPOLLOUT; keep the send list in order of last progress. */
            if (c->in_send)
                list_remove(&t->sendq, c, SEND_LIST);
            else
                c->sent_ms = t->now;
            c->in_send = 1;
            list_push(&t->sendq, c, SEND_LIST);
            want_output(t, c, 1);
            return;
        }
        mark_closing(t, c, EVLOOP_CLOSE_WRITE_ERROR, w < 0 ? -errno : -EIO);
        return;
    }
    /* Drained: give the memory back (an idle client then costs only its struct). */
    free(c->out);
    c->out = NULL;
    c->out_off = c->out_cap = 0;
    if (c->in_send) {
        list_remove(&t->sendq, c, SEND_LIST);
        c->in_send = 0;
    }
    want_output(t, c, 0);
    if (was_congested || c->stash_len > 0 || c->can_read || c->eof)
        schedule(t, c); /* resume: the stash, unread input, or the close after EOF */
}

int evloop_conn_send(struct evloop_conn *c, const void *data, size_t len)
{
    struct evloop_thread *t = current;
    const unsigned char *p = data;

    if (c->closing || len == 0)
        return 0;
    while (c->out_len == 0 && len > 0) {
        ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (w > 0) {
            p += w;
            len -= (size_t)w;
            touch(t, c);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        mark_closing(t, c, EVLOOP_CLOSE_WRITE_ERROR, w < 0 ? -errno : -EIO);
        return 0;
    }
    if (len == 0)
        return 0;
    if (c->out_off + c->out_len + len > c->out_cap) {
        size_t need = c->out_len + len;
        unsigned char *nb;

        if (c->out_off > 0) {
            memmove(c->out, c->out + c->out_off, c->out_len);
            c->out_off = 0;
        }
        if (need > c->out_cap) {
            size_t cap = c->out_cap < 4096 ? 4096 : c->out_cap;

            while (cap < need)
                cap *= 2;
            nb = realloc(c->out, cap);
            if (nb == NULL) {
                mark_closing(t, c, EVLOOP_CLOSE_HANDLER, -ENOMEM);
                return -ENOMEM;
            }
            c->out = nb;
            c->out_cap = cap;
        }
    }
    memcpy(c->out + c->out_off + c->out_len, p, len);
    if (c->out_len == 0 && !c->in_send) {
        c->sent_ms = t->now;
        c->in_send = 1;
        list_push(&t->sendq, c, SEND_LIST);
    }
    c->out_len += len;
    want_output(t, c, 1);
    return 0;
}

int evloop_conn_congested(const struct evloop_conn *c)
{
    return c->closing || c->out_len > current->cfg->out_high;
}

size_t evloop_conn_queued(const struct evloop_conn *c)
{
    return c->out_len;
}

void evloop_conn_close(struct evloop_conn *c)
{
    mark_closing(current, c, EVLOOP_CLOSE_HANDLER, 0);
}

const char *evloop_conn_peer(const struct evloop_conn *c)
{
    return c->peer;
}

void *evloop_conn_data(const struct evloop_conn *c)
{
    return c->data;
}

void evloop_conn_set_data(struct evloop_conn *c, void *data)
{
    c->data = data;
}

static void finalize(struct evloop_thread *t, struct evloop_conn *c)
{
    const struct evloop_handlers *h = t->cfg->handlers;

    list_remove(&t->all, c, ALL_LIST);
    if (c->in_send)
        list_remove(&t->sendq, c, SEND_LIST);
    h->on_close(c, c->why, c->err, t->cfg->ctx);
    close(c->fd);
    free(c->out);
    free(c->stash);
    free(c);
}

/* Gives |data| to on_data; keeps what it leaves. Returns 1 when all was used. */
static int deliver(struct evloop_thread *t, struct evloop_conn *c, const unsigned char *data,
                   size_t len)
{
    size_t used = t->cfg->handlers->on_data(c, data, len, t->cfg->ctx);

    if (used >= len || c->closing)
        return 1;
    unsigned char *s = malloc(len - used);
    if (s == NULL) {
        mark_closing(t, c, EVLOOP_CLOSE_HANDLER, -ENOMEM);
        return 1;
    }
    memcpy(s, data + used, len - used);
    c->stash = s;
    c->stash_len = len - used;
    return 0;
}

/* One turn of a connection in the ready pass. A connection marked closing is rescheduled
 * (mark_closing), so it is freed on its next turn, never while the ready list holds it. */
static void process(struct evloop_thread *t, struct evloop_conn *c)
{
    const struct evloop_config *cfg = t->cfg;

    if (c->closing) {
        finalize(t, c);
        return;
    }
    if (c->out_len > 0)
        flush(t, c);
    if (!c->closing && c->stash_len > 0 && !evloop_conn_congested(c)) {
        unsigned char *s = c->stash;
        size_t n = c->stash_len;

        c->stash = NULL;
        c->stash_len = 0;
        deliver(t, c, s, n);
        free(s);
    }
    for (int i = 0; i < EVLOOP_READ_BURST && !c->closing && !c->eof && c->can_read &&
                    c->stash_len == 0 && !evloop_conn_congested(c);
         i++) {
        ssize_t n = recv(c->fd, t->rbuf, cfg->read_size, MSG_DONTWAIT);

        if (n > 0) {
            touch(t, c);
            /* A short read emptied the socket: the next byte brings a new edge, so no
             * second recv just to see EAGAIN (unless the FIN is known to be behind it). */
            if ((size_t)n < cfg->read_size && !c->rdhup)
                c->can_read = 0;
            deliver(t, c, t->rbuf, (size_t)n);
            if (i + 1 == EVLOOP_READ_BURST && c->can_read)
                schedule(t, c); /* more may be waiting: after the others' turn */
        } else if (n == 0) {
            c->eof = 1;
            if (cfg->handlers->on_eof != NULL)
                cfg->handlers->on_eof(c, cfg->ctx);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            c->can_read = 0;
        } else if (errno != EINTR) {
            mark_closing(t, c, EVLOOP_CLOSE_READ_ERROR, -errno);
        }
    }
    if (!c->closing && c->eof && c->out_len == 0 && c->stash_len == 0)
        mark_closing(t, c, EVLOOP_CLOSE_EOF, 0);
}

static void ready_pass(struct evloop_thread *t)
{
    struct evloop_conn *c = t->ready;

    t->ready = t->ready_tail = NULL;
    while (c != NULL) {
        struct evloop_conn *next = c->ready_next;

        c->in_ready = 0;
        process(t, c);
        c = next;
    }
}

static int listen_add(struct evloop_thread *t)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &listen_tag};

    return epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->cfg->listen_fd, &ev) == 0 ? 0 : -errno;
}

static void accept_some(struct evloop_thread *t)
{
    for (int i = 0; i < EVLOOP_ACCEPT_BURST; i++) {
        int fd = net_tcp_accept_nb(t->cfg->listen_fd);
        struct evloop_conn *c;

        if (fd == -EAGAIN || fd == -EWOULDBLOCK)
            return;
        if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM) {
            /* Out of descriptors: stop listening a moment instead of spinning on the level. */
            epoll_ctl(t->epfd, EPOLL_CTL_DEL, t->cfg->listen_fd, NULL);
            t->accept_resume = t->now + EVLOOP_EMFILE_PAUSE_MS;
            return;
        }
        if (fd < 0)
            continue; /* ECONNABORTED and friends: that client only */
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->can_read = 1;
        c->active_ms = t->now;
        if (net_peer_text(fd, c->peer) < 0)
            memcpy(c->peer, "unknown", sizeof("unknown"));
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = c};
        if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            free(c);
            continue;
        }
        list_push(&t->all, c, ALL_LIST);
        t->cfg->handlers->on_open(c, t->cfg->ctx);
        /* Not scheduled: input that came with the handshake is reported by epoll_ctl's
         * readiness check at insertion, so an idle client costs no recv. */
    }
}

/* Marks the connections whose timeouts passed; returns the epoll_wait timeout in ms. */
static int expire(struct evloop_thread *t)
{
    const struct evloop_config *cfg = t->cfg;
    int64_t next = CLK_NEVER;

    if (cfg->idle_timeout_ms > 0) {
        for (struct evloop_conn *c = t->all.head; c != NULL; c = c->link[ALL_LIST].next) {
            int64_t due = c->active_ms + cfg->idle_timeout_ms;

            if (due > t->now) {
                next = due;
                break;
            }
            mark_closing(t, c, EVLOOP_CLOSE_IDLE, 0); /* stays listed until finalized */
        }
    }
    if (cfg->send_timeout_ms > 0) {
        for (struct evloop_conn *c = t->sendq.head; c != NULL; c = c->link[SEND_LIST].next) {
            int64_t due = c->sent_ms + cfg->send_timeout_ms;

            if (due > t->now) {
                next = clk_earlier(next, due);
                break;
            }
            mark_closing(t, c, EVLOOP_CLOSE_SEND_TIMEOUT, 0);
        }
    }
    if (t->accept_resume != CLK_NEVER) {
        if (t->accept_resume <= t->now) {
            t->accept_resume = CLK_NEVER;
            listen_add(t);
        } else {
            next = clk_earlier(next, t->accept_resume);
        }
    }
    if (t->ready != NULL)
        return 0;
    return next == CLK_NEVER ? -1 : clk_left_ms(next);
}

static void *thread_main(void *arg)
{
    struct evloop_thread *t = arg;
    struct epoll_event evs[EVLOOP_EVENTS];
    int stopping = 0;

    current = t;
    while (!stopping) {
        t->now = clk_now_ms();
        int n = epoll_wait(t->epfd, evs, EVLOOP_EVENTS, expire(t));

        if (n < 0 && errno != EINTR) {
            t->rc = -errno;
            break;
        }
        t->now = clk_now_ms();
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;

            if (p == &stop_tag) {
                stopping = 1;
            } else if (p == &listen_tag) {
                accept_some(t);
            } else {
                struct evloop_conn *c = p;

                if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                    c->can_read = 1;
                if (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                    c->rdhup = 1;
                schedule(t, c); /* EPOLLOUT too: the ready pass flushes */
            }
        }
        ready_pass(t);
    }
    /* Stopping: connections already closing end with their own reason, the others now. */
    for (int i = 0; i < 2 && t->ready != NULL; i++)
        ready_pass(t);
    while (t->all.head != NULL) {
        struct evloop_conn *c = t->all.head;

        c->closing = 1;
        c->why = EVLOOP_CLOSE_STOP;
        c->err = 0;
        finalize(t, c);
    }
    return NULL;
}

static void threads_cleanup(struct evloop_thread *ts, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (ts[i].epfd >= 0)
            close(ts[i].epfd);
        free(ts[i].rbuf);
    }
    free(ts);
}

int evloop_run(const struct evloop_config *in)
{
    struct evloop_config cfg = *in;
    unsigned n = cfg.threads;
    struct evloop_thread *ts;
    pthread_attr_t attr;
    int rc = 0;

    if (cfg.handlers == NULL || cfg.handlers->on_open == NULL || cfg.handlers->on_data == NULL ||
        cfg.handlers->on_close == NULL || cfg.listen_fd < 0)
        return -EINVAL;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (n > EVLOOP_MAX_THREADS)
        n = EVLOOP_MAX_THREADS;
    if (cfg.read_size == 0)
        cfg.read_size = EVLOOP_DEFAULT_READ;
    if (cfg.out_high == 0)
        cfg.out_high = EVLOOP_DEFAULT_HIGH;
    int fl = fcntl(cfg.listen_fd, F_GETFL);
    if (fl < 0 || fcntl(cfg.listen_fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return -errno;
    ts = calloc(n, sizeof(*ts));
    if (ts == NULL)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++)
        ts[i].epfd = -1;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        struct evloop_thread *t = &ts[i];

        t->cfg = &cfg;
        t->accept_resume = CLK_NEVER;
        t->rbuf = malloc(cfg.read_size);
        t->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (t->rbuf == NULL || t->epfd < 0) {
            rc = t->rbuf == NULL ? -ENOMEM : -errno;
            break;
        }
        rc = listen_add(t);
        if (rc == 0 && cfg.stop_fd >= 0) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &stop_tag};
            if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, cfg.stop_fd, &ev) != 0)
                rc = -errno;
        }
    }
    if (rc != 0) {
        threads_cleanup(ts, n);
        return rc;
    }
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, EVLOOP_THREAD_STACK);
    for (unsigned i = 1; i < n; i++)
        ts[i].started = pthread_create(&ts[i].tid, &attr, thread_main, &ts[i]) == 0;
    pthread_attr_destroy(&attr);
    thread_main(&ts[0]);
    for (unsigned i = 1; i < n; i++)
        if (ts[i].started)
            pthread_join(ts[i].tid, NULL);
    for (unsigned i = 0; i < n; i++)
        if (ts[i].rc != 0 && rc == 0)
            rc = ts[i].rc;
    threads_cleanup(ts, n);
    return rc;
}
