/* common.c -- what every report format shows the same way: labels, sanitized program
 * output, and the details block of a case (detail, liveness, transcript, output tails). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int report_requirement_at(const struct run *run, size_t i, struct report_requirement *t)
{
    const struct case_result *r = &run->res[i];
    if (!r->selected)
        return 0;
    for (size_t k = 0; k < i; k++) {
        if (run->res[k].selected && strcmp(run->res[k].c->requirement, r->c->requirement) == 0)
            return 0;
    }
    memset(t, 0, sizeof *t);
    t->id = r->c->requirement;
    bytes_init(&t->ids, 4096);
    bytes_init(&t->xids, 4096);
    for (size_t k = i; k < run->n; k++) {
        const struct case_result *q = &run->res[k];
        if (!q->selected || strcmp(q->c->requirement, t->id) != 0)
            continue;
        t->cases++;
        if (outcome_is_failure(q->play.v.outcome) || q->play.v.outcome == OUT_WARN ||
            q->not_run) {
            t->bad++;
            t->warned += q->play.v.outcome == OUT_WARN;
            bytes_printf(&t->ids, " %s", q->c->id);
        } else if (q->unexpected_pass) {
            t->xpass++;
            bytes_printf(&t->xids, " %s", q->c->id);
        }
    }
    return 1;
}

void report_requirement_cleanup(struct report_requirement *t)
{
    bytes_cleanup(&t->ids);
    bytes_cleanup(&t->xids);
}

/* Appends |s| as one shell word: as it is when it has only safe characters, else quoted. */
static int shell_word(struct bytes *out, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "._-/:=+,@%") == strlen(s))
        return bytes_puts(out, s);
    int rc = bytes_puts(out, "'");
    for (; rc == 0 && *s; s++)
        rc = *s == '\'' ? bytes_puts(out, "'\\''") : bytes_append(out, s, 1);
    return rc == 0 ? bytes_puts(out, "'") : rc;
}

int report_rerun(const struct run *run, const struct case_result *r, struct bytes *out)
{
    const struct run_opts *o = run->o;
    int rc = bytes_printf(out, "wirecheck run %s ", run->s->name);
    if (rc == 0 && r->c->own_file) { /* a case file of the user's: that file again */
        rc = bytes_puts(out, "--case-file ");
        if (rc == 0)
            rc = shell_word(out, r->c->file);
    } else if (rc == 0) {
        rc = bytes_printf(out, "--case %s", r->c->id);
    }
    if (rc == 0 && o->exec) {
        rc = bytes_puts(out, " --exec ");
        if (rc == 0)
            rc = shell_word(out, o->exec);
    }
    if (rc == 0 && o->connect) {
        rc = bytes_puts(out, " --connect ");
        if (rc == 0)
            rc = shell_word(out, o->connect);
    }
    if (rc == 0 && o->listen) {
        rc = bytes_puts(out, " --listen ");
        if (rc == 0)
            rc = shell_word(out, o->listen);
    }
    if (rc == 0 && o->scale != 1.0)
        rc = bytes_printf(out, " --timeout-scale %g", o->scale);
    if (rc == 0 && o->strict)
        rc = bytes_puts(out, " --strict");
    return rc;
}

const char *report_name(const struct run *run, const struct report_opts *ro)
{
    return ro->name && *ro->name ? ro->name : run->s->name;
}

int report_sanitize(struct bytes *out, const void *p, size_t n)
{
    const unsigned char *s = p;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char c = s[i];
        if (c == '\\')
            rc = bytes_puts(out, "\\\\");
        else if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
            rc = bytes_append(out, &c, 1);
        else
            rc = bytes_printf(out, "\\x%02x", (unsigned)c);
    }
    return rc;
}

int report_wants_transcript(const struct case_result *r, const struct report_opts *ro)
{
    if (ro->transcript == TRANSCRIPT_NEVER || r->play.v.outcome == OUT_SKIP ||
        r->play.v.outcome == OUT_UNSUPPORTED)
        return 0;
    return ro->transcript == TRANSCRIPT_ALWAYS || r->play.v.outcome != OUT_PASS || r->unexpected_pass ||
           r->liveness[0];
}

const char *report_label(const struct case_result *r)
{
    if (r->unexpected_pass)
        return "XPASS";
    if (r->known && outcome_is_failure(r->play.v.outcome))
        return "KNOWN";
    switch (r->play.v.outcome) {
    case OUT_PASS: return "PASS";
    case OUT_NONSTRICT: return "NONSTRICT";
    case OUT_FLAKY: return "FLAKY";
    case OUT_SKIP: return "SKIP";
    case OUT_UNSUPPORTED: return "UNSUPP";
    case OUT_WARN: return "WARN";
    case OUT_FAIL: return "FAIL";
    case OUT_TIMEOUT: return "TIMEOUT";
    case OUT_CRASH: return "CRASH";
    }
    return "?";
}

/* Appends |text| with |indent| before every line. */
static int indented(struct bytes *out, const char *text, size_t n, const char *indent)
{
    int rc = 0;
    size_t i = 0;
    while (rc == 0 && i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        rc = bytes_printf(out, "%s%.*s\n", indent, (int)(e - i), text + i);
        i = nl ? e + 1 : n;
    }
    return rc;
}

static int tail_block(struct bytes *out, const char *title, const char *tail, const char *indent)
{
    if (!tail || !*tail)
        return 0;
    struct bytes s;
    bytes_init(&s, 0);
    int rc = report_sanitize(&s, tail, strlen(tail));
    if (rc == 0)
        rc = bytes_printf(out, "%s%s:\n", indent, title);
    char ind[64];
    snprintf(ind, sizeof ind, "%s  | ", indent);
    if (rc == 0)
        rc = indented(out, bytes_str(&s), s.len, ind);
    bytes_cleanup(&s);
    return rc;
}

int report_details(struct bytes *out, const struct case_result *r, int transcript,
                   const char *indent)
{
    int rc = 0;
    char ind[64];
    snprintf(ind, sizeof ind, "%s  ", indent);
    if (r->play.detail.len)
        rc = indented(out, bytes_str(&r->play.detail), r->play.detail.len, indent);
    if (rc == 0 && r->liveness[0] && !strstr(r->play.v.reason, r->liveness))
        rc = bytes_printf(out, "%sliveness: %s\n", indent, r->liveness);
    if (rc == 0 && transcript) {
        rc = bytes_printf(out, "%stranscript (> sent, < received, * event, ! failure):\n",
                          indent);
        if (rc == 0)
            rc = tr_render((struct transcript *)&r->play.tr, out, ind);
    }
    if (rc == 0 && transcript && r->c) {
        rc = tail_block(out, "program stdout during the case", r->out_tail, indent);
        if (rc == 0)
            rc = tail_block(out, "program stderr during the case (tail)", r->err_tail, indent);
    }
    return rc;
}
