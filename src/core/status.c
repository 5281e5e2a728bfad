/* status.c -- text for wirecheck's status codes. */
#include "status.h"

#include <string.h>

const char *wc_strerror(int code)
{
    switch (code) {
    case WC_OK:
        return "success";
    case WC_NEED_MORE:
        return "incomplete input: more bytes needed";
    case WC_ERR_INVALID:
        return "invalid input";
    case WC_ERR_TOO_LONG:
        return "input exceeds the configured limit";
    case WC_ERR_NOMEM:
        return "out of memory";
    case WC_ERR_ARG:
        return "invalid argument";
    case WC_ERR_SPACE:
        return "output buffer too small";
    case WC_ERR_UNAVAILABLE:
        return "not available now";
    default:
        break;
    }
    if (code < 0 && code > -1000)
        return strerror(-code); /* a -errno from the net module */
    return "unknown status";
}
