/* wait.h -- waiting for file descriptors until a deadline (clock.h), EINTR-safe. */
#ifndef WIRECHECK_WAIT_H
#define WIRECHECK_WAIT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Waits until |fd| is ready for |events| (POLLIN, POLLOUT...) or |deadline| (clk_now_ms;
 * CLK_NEVER: none) passes. A signal never stretches the wait (it resumes with the time left)
 * and never ends it early. Returns the revents (> 0; POLLERR/POLLHUP included, for the next
 * call on the fd to report), -ETIMEDOUT, -EBADF for a closed fd, -EINVAL for fd < 0 or no
 * events, or -errno.
 */
int wait_fd(int fd, short events, int64_t deadline);

/*
 * The same over |n| (at most WAIT_MAX_FDS - 1) descriptors (entries with fd < 0 are ignored,
 * as poll does): fills each revents (all 0 unless it returns > 0) and returns how many are
 * ready (> 0), -ETIMEDOUT, -EINVAL for too many, or -errno. With |stop_fd| >= 0
 * (e.g. the read end of a self-pipe a signal handler writes to), returns 0 as soon as it is
 * readable, whatever else is ready.
 */
/* Most descriptors one wait_fds call takes, its stop fd included. */
#define WAIT_MAX_FDS 16

int wait_fds(struct pollfd *fds, size_t n, int stop_fd, int64_t deadline);

#endif
