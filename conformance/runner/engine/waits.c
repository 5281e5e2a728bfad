/* waits.c -- where a case's time goes: the runner's waits, summed by kind. */
#include "engine/waits.h"

#include "clock.h"

const char *waits_name(enum wait_kind k)
{
    static const char *const names[WAIT_KINDS] = {
        [WAIT_START] = "start",       [WAIT_CONNECT] = "connect",   [WAIT_SEND] = "send",
        [WAIT_EXPECT] = "expect",     [WAIT_SILENCE] = "silence",   [WAIT_SLEEP] = "sleep",
        [WAIT_OUTPUT] = "output",     [WAIT_PARALLEL] = "parallel", [WAIT_DYING] = "dying",
        [WAIT_LIVENESS] = "liveness", [WAIT_SETTLE] = "settle",     [WAIT_STOP] = "stop",
    };
    return (unsigned)k < WAIT_KINDS ? names[k] : "?";
}

int64_t waits_add(struct waits *w, enum wait_kind k, int64_t since_us)
{
    int64_t now = clk_now_us();
    if (w && (unsigned)k < WAIT_KINDS)
        w->ms[k] += (double)(now - since_us) / 1000.0;
    return now;
}

void waits_sum(struct waits *into, const struct waits *from)
{
    for (int k = 0; k < WAIT_KINDS; k++)
        into->ms[k] += from->ms[k];
}

double waits_total(const struct waits *w)
{
    double t = 0;
    for (int k = 0; k < WAIT_KINDS; k++)
        t += w->ms[k];
    return t;
}
