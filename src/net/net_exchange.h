/* net_exchange.h -- send a request while reading the reply, so big echoes never deadlock. */
#ifndef WIRECHECK_NET_EXCHANGE_H
#define WIRECHECK_NET_EXCHANGE_H

#include <stddef.h>
#include <sys/types.h>

/* Decides when a reply is complete: returns 1 when |data|[0..len) is a whole reply. */
typedef int (*net_reply_done_fn)(const unsigned char *data, size_t len, void *ctx);

/*
 * Writes |out|[0..out_len) to the connected socket |fd| while reading into |in| (capacity
 * |in_cap|), so that a peer which echoes as it reads never blocks on a full buffer. Reading
 * stops when |done| says the reply is complete (NULL: when |in_cap| bytes arrived), at EOF, or
 * when |in_cap| is full. |idle_timeout_ms| bounds the wait for any progress (< 0: none).
 * Stores the bytes read in *in_len in every case. Returns 1 if the reply completed, 0 if the
 * peer closed first (EOF) or |in| filled up without completing, -ETIMEDOUT, or -errno.
 * |fd| is left in its original blocking mode.
 */
int net_exchange(int fd, const void *out, size_t out_len, unsigned char *in, size_t in_cap,
                 size_t *in_len, net_reply_done_fn done, void *ctx, int idle_timeout_ms);

#endif
