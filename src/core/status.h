/* status.h -- the one error model of wirecheck's core: 0 or a count is success, negatives fail. */
#ifndef WIRECHECK_STATUS_H
#define WIRECHECK_STATUS_H

/*
 * Every core function returns an int (or ptrdiff_t) that is either >= 0 (success, often a count
 * of bytes) or one of these negative codes. WC_NEED_MORE is never an error about the input: it
 * means "the input so far is a valid prefix; push more bytes". Socket helpers in net.h return
 * -errno instead, which never collides with these codes (they live below -1000).
 */
enum wc_status {
    WC_OK = 0,
    WC_NEED_MORE = -1001,   /* incomplete input: feed more bytes */
    WC_ERR_INVALID = -1002, /* input is malformed and can never become valid */
    WC_ERR_TOO_LONG = -1003, /* input exceeds a configured cap */
    WC_ERR_NOMEM = -1004,   /* an allocation failed */
    WC_ERR_ARG = -1005,     /* a caller passed an impossible argument (NULL, zero cap) */
    WC_ERR_SPACE = -1006,   /* the caller's output buffer is too small */
    WC_ERR_UNAVAILABLE = -1007, /* something needed is not there now: a free port, a target that
                                   answers; trying again later may work */
};

/* Returns a static, never-NULL English description of |code|: a wc_status, or -errno. */
const char *wc_strerror(int code);

#endif
