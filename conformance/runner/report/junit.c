/* junit.c -- the JUnit XML report: one testsuite per run, a testcase per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* XML text: markup escaped, and anything not printable ASCII as \xNN (XML 1.0 forbids most
 * control characters outright). */
static void xml_str(struct bytes *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': bytes_puts(b, "&amp;"); break;
        case '<': bytes_puts(b, "&lt;"); break;
        case '>': bytes_puts(b, "&gt;"); break;
        case '"': bytes_puts(b, "&quot;"); break;
        case '\'': bytes_puts(b, "&apos;"); break;
        default:
            if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
                bytes_append(b, s, 1);
            else
                bytes_printf(b, "\\x%02x", (unsigned)c);
        }
    }
}

int report_junit(FILE *f, const struct run *run, const struct report_opts *ro)
{
    unsigned tests = 0, failures = 0, skipped = 0;
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        tests++;
        failures += (outcome_is_failure(r->play.v.outcome) && !r->known) || r->unexpected_pass;
        skipped += r->play.v.outcome == OUT_SKIP || r->play.v.outcome == OUT_UNSUPPORTED ||
                   (r->known && outcome_is_failure(r->play.v.outcome));
    }
    struct bytes b;
    bytes_init(&b, 0);
    bytes_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wirecheck\" "
                 "tests=\"%u\" failures=\"%u\" errors=\"%d\" skipped=\"%u\" time=\"%.3f\">\n",
                 tests, failures, run->fatal ? 1 : 0, skipped, run->wall_ms / 1000.0);
    bytes_printf(&b, "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%d\" "
                 "skipped=\"%u\" time=\"%.3f\">\n", run->s->name, tests, failures,
                 run->fatal ? 1 : 0, skipped, run->wall_ms / 1000.0);
    bytes_puts(&b, "    <properties><property name=\"target\" value=\"");
    xml_str(&b, run->target_desc);
    bytes_puts(&b, "\"/></properties>\n");
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        bytes_printf(&b, "    <testcase classname=\"%s.%s\" name=\"", run->s->name,
                     cf_level_name(r->c->level));
        xml_str(&b, r->c->id);
        bytes_puts(&b, " ");
        xml_str(&b, r->c->title);
        bytes_printf(&b, "\" time=\"%.3f\">\n", r->ms / 1000.0);
        int failing = (outcome_is_failure(r->play.v.outcome) && !r->known) || r->unexpected_pass;
        if (r->play.v.outcome == OUT_SKIP || r->play.v.outcome == OUT_UNSUPPORTED ||
            (r->known && outcome_is_failure(r->play.v.outcome))) {
            bytes_puts(&b, "      <skipped message=\"");
            xml_str(&b, r->known ? r->known : r->play.v.reason);
            bytes_puts(&b, "\"/>\n");
        } else if (failing) {
            bytes_printf(&b, "      <failure type=\"%s\" message=\"[%s] ",
                         r->unexpected_pass ? "unexpected-pass" : outcome_name(r->play.v.outcome),
                         r->c->requirement);
            xml_str(&b, r->unexpected_pass ? "passed, but the baseline expects a failure"
                                           : r->play.v.reason);
            bytes_puts(&b, "\">");
            struct bytes d;
            bytes_init(&d, 0);
            report_details(&d, r, report_wants_transcript(r, ro), "");
            xml_str(&b, bytes_str(&d));
            bytes_cleanup(&d);
            bytes_puts(&b, "</failure>\n");
        } else if (r->play.v.outcome == OUT_WARN) {
            bytes_printf(&b, "      <properties><property name=\"warning\" value=\"[%s, SHOULD] ",
                         r->c->requirement);
            xml_str(&b, r->play.v.reason);
            bytes_puts(&b, "\"/></properties>\n      <system-out>warning: a SHOULD requirement is "
                           "not met (not a failure): ");
            struct bytes d;
            bytes_init(&d, 0);
            bytes_printf(&d, "%s\n", r->play.v.reason);
            report_details(&d, r, report_wants_transcript(r, ro), "");
            xml_str(&b, bytes_str(&d));
            bytes_cleanup(&d);
            bytes_puts(&b, "</system-out>\n");
        }
        bytes_puts(&b, "    </testcase>\n");
    }
    bytes_puts(&b, "  </testsuite>\n</testsuites>\n");
    fputs(bytes_str(&b), f);
    bytes_cleanup(&b);
    return ferror(f) ? -1 : 0;
}
