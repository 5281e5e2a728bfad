/* net_exchange.c -- full-duplex request/reply on one TCP socket with an idle timeout. */
#include "net_exchange.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "clock.h"
#include "wait.h"

int net_exchange(int fd, const void *out, size_t out_len, unsigned char *in, size_t in_cap,
                 size_t *in_len, net_reply_done_fn done, void *ctx, int idle_timeout_ms)
{
    const unsigned char *o = out;
    size_t sent = 0;
    size_t got = 0;

    *in_len = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n;

        if (done != NULL ? done(in, got, ctx) : got == in_cap) {
            *in_len = got;
            return 1;
        }
        if (got == in_cap) {
            *in_len = got;
            return 0;
        }
        if (sent < out_len)
            p.events |= POLLOUT;
        n = wait_fd(fd, p.events, clk_deadline(idle_timeout_ms));
        if (n < 0) {
            *in_len = got;
            return n;
        }
        p.revents = (short)n;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fd, in + got, in_cap - got, MSG_DONTWAIT);

            if (r == 0) {
                *in_len = got;
                return 0;
            }
            if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                *in_len = got;
                return -errno;
            }
            if (r > 0)
                got += (size_t)r;
        }
        if (sent < out_len && (p.revents & POLLOUT)) {
            ssize_t w = send(fd, o + sent, out_len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);

            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                *in_len = got;
                return -errno;
            }
            if (w > 0)
                sent += (size_t)w;
        }
    }
}
