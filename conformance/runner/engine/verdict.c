/* verdict.c -- the only writer of an outcome: first failure wins, escalation, relabels. */
#include "engine/verdict.h"

#include <stdio.h>
#include <string.h>

static const char *const outcome_names[OUT_COUNT] = {
    "pass", "non-strict", "flaky", "skip", "unsupported", "warn", "fail", "timeout", "crash",
};

const char *outcome_name(enum outcome o)
{
    return (unsigned)o < OUT_COUNT ? outcome_names[o] : "?";
}

int outcome_is_failure(enum outcome o)
{
    return o == OUT_FAIL || o == OUT_TIMEOUT || o == OUT_CRASH;
}

void verdict_init(struct verdict *v)
{
    memset(v, 0, sizeof *v);
    v->outcome = OUT_PASS;
}

__attribute__((format(printf, 4, 0))) static void
record(struct verdict *v, enum outcome o, unsigned line, const char *fmt, va_list ap)
{
    /* The reason may quote the old one: format into a copy first. */
    char reason[sizeof v->reason];
    vsnprintf(reason, sizeof reason, fmt, ap);
    v->outcome = o;
    v->line = line;
    v->relabelled = OUT_PASS;
    memcpy(v->reason, reason, sizeof reason);
}

int verdict_set(struct verdict *v, enum outcome o, unsigned line, const char *fmt, ...)
{
    if (v->outcome != OUT_PASS || o == OUT_PASS)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    record(v, o, line, fmt, ap);
    va_end(ap);
    return 1;
}

static int outranks(enum outcome o, enum outcome current)
{
    if (o == OUT_CRASH)
        return current != OUT_CRASH;
    if (o == OUT_FAIL || o == OUT_TIMEOUT)
        return !outcome_is_failure(current);
    return 0;
}

int verdict_escalate(struct verdict *v, enum outcome o, unsigned line, const char *fmt, ...)
{
    if (!outranks(o, v->outcome))
        return 0;
    if (o != OUT_CRASH && v->relabelled != OUT_PASS) {
        v->outcome = v->relabelled;
        v->relabelled = OUT_PASS;
        return 1;
    }
    va_list ap;
    va_start(ap, fmt);
    record(v, o, line, fmt, ap);
    va_end(ap);
    return 1;
}

int verdict_relabel(struct verdict *v, enum outcome o)
{
    if (!outcome_is_failure(v->outcome) || (o != OUT_FLAKY && o != OUT_WARN))
        return 0;
    v->relabelled = v->outcome;
    v->outcome = o;
    return 1;
}
