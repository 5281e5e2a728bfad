/* wait.c -- poll() with deadlines instead of timeouts, so retries never extend a wait. */
#include "wait.h"

#include <errno.h>

#include "clock.h"

int wait_fds(struct pollfd *fds, size_t n, int stop_fd, int64_t deadline)
{
    if (n + 1 > WAIT_MAX_FDS)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        fds[i].revents = 0;
    struct pollfd p[WAIT_MAX_FDS];
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            p[i] = fds[i];
            p[i].revents = 0;
        }
        nfds_t count = (nfds_t)n;
        if (stop_fd >= 0)
            p[count++] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
        int rc = poll(p, count, clk_left_ms(deadline));
        if (rc > 0) {
            if (stop_fd >= 0 && p[n].revents)
                return 0;
            for (size_t i = 0; i < n; i++)
                fds[i].revents = p[i].revents;
            return rc;
        }
        if (rc == 0) {
            if (deadline != CLK_NEVER && clk_now_ms() >= deadline)
                return -ETIMEDOUT;
            continue; /* woke early (clock granularity): wait for the rest */
        }
        if (errno != EINTR)
            return -errno;
    }
}

int wait_fd(int fd, short events, int64_t deadline)
{
    if (fd < 0 || events == 0)
        return -EINVAL;
    struct pollfd p = {.fd = fd, .events = events};
    int rc = wait_fds(&p, 1, -1, deadline);
    if (rc < 0)
        return rc;
    return (p.revents & POLLNVAL) ? -EBADF : p.revents;
}
