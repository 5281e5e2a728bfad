/* report_xml.c -- the machine reports in text formats: TAP 14 and JUnit XML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A YAML double-quoted scalar. */
static void yaml_str(struct bytes *b, const char *s)
{
    bytes_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            bytes_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            bytes_printf(b, "\\x%02x", (unsigned)c);
        else
            bytes_append(b, s, 1);
    }
    bytes_puts(b, "\"");
}

int report_tap(FILE *f, const struct run *run, const struct report_opts *ro)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < run->n; i++)
        total += (size_t)run->res[i].selected;
    fprintf(f, "TAP version 14\n1..%zu\n", total);
    if (run->fatal)
        fprintf(f, "# the target could not be started: %s\n", run->fatal_msg);
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        k++;
        int bad = outcome_is_failure(r->outcome) || r->unexpected_pass;
        fprintf(f, "%s %zu - %s %s", bad ? "not ok" : "ok", k, r->c->id, r->c->title);
        if (r->outcome == OUT_SKIP || r->outcome == OUT_UNSUPPORTED)
            fprintf(f, " # SKIP %s", r->r.reason);
        else if (r->known && outcome_is_failure(r->outcome))
            fprintf(f, " # TODO known failure: %s", r->known);
        fputc('\n', f);
        if (!bad && r->outcome == OUT_PASS && ro->transcript != TRANSCRIPT_ALWAYS)
            continue;
        if (r->outcome == OUT_SKIP || r->outcome == OUT_UNSUPPORTED)
            continue;
        struct bytes b;
        bytes_init(&b, 0);
        bytes_printf(&b, "  ---\n  outcome: %s\n  requirement: %s\n  level: %s\n",
                     outcome_name(r->outcome), r->c->requirement, cf_level_name(r->c->level));
        bytes_printf(&b, "  duration_ms: %.1f\n  attempts: %u\n", r->ms, r->attempts);
        if (r->r.reason[0]) {
            bytes_puts(&b, "  message: ");
            yaml_str(&b, r->unexpected_pass ? "passed, but the baseline expects a failure"
                                            : r->r.reason);
            bytes_puts(&b, "\n");
        }
        if (r->liveness[0]) {
            bytes_puts(&b, "  liveness: ");
            yaml_str(&b, r->liveness);
            bytes_puts(&b, "\n");
        }
        struct bytes d;
        bytes_init(&d, 0);
        report_details(&d, r, report_wants_transcript(r, ro), "    ");
        if (d.len)
            bytes_printf(&b, "  details: |\n%s", bytes_str(&d));
        bytes_cleanup(&d);
        bytes_puts(&b, "  ...\n");
        fputs(bytes_str(&b), f);
        bytes_cleanup(&b);
    }
    return ferror(f) ? -1 : 0;
}

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
        failures += (outcome_is_failure(r->outcome) && !r->known) || r->unexpected_pass;
        skipped += r->outcome == OUT_SKIP || r->outcome == OUT_UNSUPPORTED ||
                   (r->known && outcome_is_failure(r->outcome));
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
        int failing = (outcome_is_failure(r->outcome) && !r->known) || r->unexpected_pass;
        if (r->outcome == OUT_SKIP || r->outcome == OUT_UNSUPPORTED ||
            (r->known && outcome_is_failure(r->outcome))) {
            bytes_puts(&b, "      <skipped message=\"");
            xml_str(&b, r->known ? r->known : r->r.reason);
            bytes_puts(&b, "\"/>\n");
        } else if (failing) {
            bytes_printf(&b, "      <failure type=\"%s\" message=\"[%s] ",
                         r->unexpected_pass ? "unexpected-pass" : outcome_name(r->outcome),
                         r->c->requirement);
            xml_str(&b, r->unexpected_pass ? "passed, but the baseline expects a failure"
                                           : r->r.reason);
            bytes_puts(&b, "\">");
            struct bytes d;
            bytes_init(&d, 0);
            report_details(&d, r, report_wants_transcript(r, ro), "");
            xml_str(&b, bytes_str(&d));
            bytes_cleanup(&d);
            bytes_puts(&b, "</failure>\n");
        } else if (r->outcome == OUT_WARN) {
            bytes_printf(&b, "      <properties><property name=\"warning\" value=\"[%s, SHOULD] ",
                         r->c->requirement);
            xml_str(&b, r->r.reason);
            bytes_puts(&b, "\"/></properties>\n      <system-out>warning: a SHOULD requirement is "
                           "not met (not a failure): ");
            struct bytes d;
            bytes_init(&d, 0);
            bytes_printf(&d, "%s\n", r->r.reason);
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
