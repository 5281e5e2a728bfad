/* prog_serve.c -- the servers' serving loops: serial, a thread per client (bounded, never
 * starving a fresh client), and event-driven (evloop.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "evloop.h"
#include "prog.h"
#include "wait.h"

/* A handler holds its read buffer on the heap; the stack only needs the call chain (the
 * sensor decoder's included, under the sanitizers' bigger frames). Untouched pages cost no
 * memory, so this bounds the address space, not the RSS. */
#define PROG_THREAD_STACK ((size_t)256 * 1024)
/* How long the accept loop waits for an evicted connection's thread to give its slot back
 * before it evicts another. */
#define PROG_EVICT_WAIT_MS 1000
/* Clients accepted in one go before their threads are started (a burst of thousands must not
 * wait in the backlog behind thread creation, or it overflows). */
#define PROG_ACCEPT_BATCH 1024

/* Accepts one client, waiting for one unless |nowait| (the listening socket is then
 * non-blocking). Returns its fd, -EAGAIN to retry (or: none pending), or -1 to stop. */
static int accept_one(int listen_fd, int send_timeout_ms, int nowait, char peer[NET_ADDR_TEXT])
{
    char ebuf[128];
    int fd;

    if (!nowait) {
        int r = prog_wait_readable(listen_fd, 0);

        if (r == 0)
            return -1;
        if (r < 0) {
            prog_err("Error accepting connection: %s", prog_errno_text(r, ebuf, sizeof(ebuf)));
            return -1;
        }
    }
    fd = net_tcp_accept(listen_fd, 1);
    if (fd == -EAGAIN || fd == -EWOULDBLOCK)
        return -EAGAIN;
    if (fd < 0) {
        /* ECONNABORTED and friends hurt one client only; EMFILE needs a pause to drain. */
        prog_err("Error accepting connection: %s", prog_errno_text(fd, ebuf, sizeof(ebuf)));
        if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM)
            clk_sleep_until(clk_now_ms() + 50);
        return -EAGAIN;
    }
    if (net_peer_text(fd, peer) < 0)
        snprintf(peer, NET_ADDR_TEXT, "unknown");
    /* Echoes go out as they are read: without TCP_NODELAY the last short segment of a large
     * echo waits for the ACK of the previous ones, which the client delays by 40 ms. */
    net_set_nodelay(fd, 1);
    if (send_timeout_ms > 0)
        net_set_timeouts(fd, 0, send_timeout_ms);
    return fd;
}

int prog_serve_serial(int listen_fd, int send_timeout_ms, prog_conn_fn fn, void *ctx)
{
    for (;;) {
        char peer[NET_ADDR_TEXT];
        int fd = accept_one(listen_fd, send_timeout_ms, 0, peer);

        if (fd == -1)
            break;
        if (fd < 0)
            continue;
        prog_stop_shuts_down(fd);
        if (!prog_stopping()) /* a signal may have come between accept and the store */
            fn(fd, peer, ctx);
        prog_stop_shuts_down(-1);
        close(fd);
    }
    close(listen_fd);
    return PROG_EXIT_OK;
}

/* One connection of the threaded server. Free slots form a stack, so accepting is O(1). */
struct slot {
    int fd;             /* -1 when free; written under pool.lock */
    atomic_int touched; /* bytes moved since the clock hand last passed */
    size_t next_free;
    char peer[NET_ADDR_TEXT];
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a slot was freed */
    struct slot *slots;
    size_t n, running, hand;
    size_t free_stack_head; /* index of the first free slot, or n */
    prog_conn_fn fn;
    void *ctx;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local struct slot *my_slot;

void prog_conn_touch(void)
{
    if (my_slot != NULL)
        atomic_store_explicit(&my_slot->touched, 1, memory_order_relaxed);
}

static void *conn_thread(void *arg)
{
    struct slot *s = arg;

    my_slot = s;
    pool.fn(s->fd, s->peer, pool.ctx);
    pthread_mutex_lock(&pool.lock);
    close(s->fd);
    s->fd = -1;
    s->next_free = pool.free_stack_head;
    pool.free_stack_head = (size_t)(s - pool.slots);
    pool.running--;
    pthread_cond_broadcast(&pool.changed);
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* With pool.lock held and every slot taken: shuts down the first connection the clock hand
 * finds untouched since its last pass (a second chance for the others). */
static void evict_one(void)
{
    for (size_t step = 0; step < 2 * pool.n + 1; step++) {
        struct slot *s = &pool.slots[pool.hand];

        pool.hand = (pool.hand + 1) % pool.n;
        if (s->fd < 0)
            continue;
        if (atomic_exchange(&s->touched, 0) == 0 || step >= pool.n) {
            prog_err("Closing connection from %s to make room for a new client "
                     "(--max-conns %zu reached)",
                     s->peer, pool.n);
            shutdown(s->fd, SHUT_RDWR); /* its handler's read, wait or send returns now */
            return;
        }
    }
}

/* Waits for a free slot, evicting to make one. Returns its index, or pool.n when stopping. */
static size_t take_slot(void)
{
    size_t i;

    pthread_mutex_lock(&pool.lock);
    while (pool.free_stack_head == pool.n && !prog_stopping()) {
        struct timespec ts;

        evict_one();
        clk_timespec(clk_deadline(PROG_EVICT_WAIT_MS), &ts);
        pthread_cond_timedwait(&pool.changed, &pool.lock, &ts);
    }
    i = pool.free_stack_head;
    if (i < pool.n) {
        pool.free_stack_head = pool.slots[i].next_free;
        pool.running++;
    }
    pthread_mutex_unlock(&pool.lock);
    return i;
}

/* Gives |fd| a slot (evicting if all are taken) and a thread; closes it when stopping. */
static void start_conn(int fd, const char *peer, const pthread_attr_t *attr)
{
    size_t i = take_slot();
    pthread_t tid;

    if (i == pool.n) {
        close(fd);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    pool.slots[i].fd = fd;
    atomic_store(&pool.slots[i].touched, 1); /* new: not the next to go */
    memcpy(pool.slots[i].peer, peer, NET_ADDR_TEXT);
    pthread_mutex_unlock(&pool.lock);
    if (pthread_create(&tid, attr, conn_thread, &pool.slots[i]) != 0) {
        prog_err("Error: cannot start a thread for %s", peer);
        pthread_mutex_lock(&pool.lock);
        close(fd);
        pool.slots[i].fd = -1;
        pool.slots[i].next_free = pool.free_stack_head;
        pool.free_stack_head = i;
        pool.running--;
        pthread_mutex_unlock(&pool.lock);
    }
}

int prog_serve_threaded(int listen_fd, size_t max_conns, int send_timeout_ms, prog_conn_fn fn,
                        void *ctx)
{
    pthread_condattr_t ca;
    pthread_attr_t attr;

    pool.slots = calloc(max_conns, sizeof(*pool.slots));
    if (pool.slots == NULL) {
        prog_err("Error: out of memory");
        return PROG_EXIT_IO;
    }
    pool.n = max_conns;
    pool.fn = fn;
    pool.ctx = ctx;
    for (size_t i = 0; i < max_conns; i++) {
        pool.slots[i].fd = -1;
        pool.slots[i].next_free = i + 1;
    }
    pool.free_stack_head = 0;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* clk_timespec's clock */
    pthread_cond_init(&pool.changed, &ca);
    pthread_condattr_destroy(&ca);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PROG_THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Non-blocking, so that a burst is accepted in one go before its threads start: the
     * backlog empties at accept speed, not at thread-creation speed. */
    int fl = fcntl(listen_fd, F_GETFL);
    if (fl >= 0)
        fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK);
    while (!prog_stopping()) {
        static char peers[PROG_ACCEPT_BATCH][NET_ADDR_TEXT];
        int fds[PROG_ACCEPT_BATCH];
        size_t n = 0;
        int fd = accept_one(listen_fd, send_timeout_ms, 0, peers[0]);

        if (fd == -1)
            break;
        if (fd < 0)
            continue;
        fds[n++] = fd;
        while (n < PROG_ACCEPT_BATCH &&
               (fd = accept_one(listen_fd, send_timeout_ms, 1, peers[n])) >= 0)
            fds[n++] = fd;
        for (size_t k = 0; k < n; k++)
            start_conn(fds[k], peers[k], &attr);
    }
    close(listen_fd);
    /* Wake every handler blocked in read or write, then wait for all of them. */
    pthread_mutex_lock(&pool.lock);
    for (size_t i = 0; i < pool.n; i++)
        if (pool.slots[i].fd >= 0)
            shutdown(pool.slots[i].fd, SHUT_RDWR);
    while (pool.running > 0)
        pthread_cond_wait(&pool.changed, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    pthread_attr_destroy(&attr);
    free(pool.slots); /* every thread is past its last use of its slot */
    pool.slots = NULL;
    return PROG_EXIT_OK;
}

int prog_serve_events(int listen_fd, const struct prog_opts *opts, const struct evloop_handlers *h,
                      void *ctx)
{
    char ebuf[128];
    struct evloop_config cfg = {
        .listen_fd = listen_fd,
        .stop_fd = prog_stop_fd(),
        .threads = opts->threads,
        .idle_timeout_ms = opts->idle_timeout_ms,
        .send_timeout_ms = opts->send_timeout_ms,
        .handlers = h,
        .ctx = ctx,
    };
    int rc = evloop_run(&cfg);

    close(listen_fd);
    if (rc < 0) {
        prog_err("Error: cannot serve: %s", prog_errno_text(rc, ebuf, sizeof(ebuf)));
        return PROG_EXIT_IO;
    }
    return PROG_EXIT_OK;
}
