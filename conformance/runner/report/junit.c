/* junit.c -- the JUnit XML report: one testsuite per run, a testcase per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/diagnose.h"

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

/* What a case is in JUnit terms: CI systems show errors (the test could not judge: a crash, a
 * hang, no target) apart from failures (the program did what the spec forbids). */
enum junit_kind { JUNIT_PASS, JUNIT_FAILURE, JUNIT_ERROR, JUNIT_SKIPPED };

static enum junit_kind junit_kind(const struct case_result *r)
{
    enum outcome o = r->play.v.outcome;
    if (r->not_run)
        return JUNIT_ERROR;
    if (r->unexpected_pass)
        return JUNIT_FAILURE;
    if (o == OUT_SKIP || o == OUT_UNSUPPORTED || (r->known && outcome_is_failure(o)))
        return JUNIT_SKIPPED;
    if (o == OUT_CRASH || o == OUT_TIMEOUT)
        return JUNIT_ERROR;
    if (o == OUT_FAIL)
        return JUNIT_FAILURE;
    return JUNIT_PASS; /* pass, non-strict, flaky, warn */
}

static void property(struct bytes *b, const char *name, const char *value)
{
    bytes_printf(b, "<property name=\"%s\" value=\"", name);
    xml_str(b, value);
    bytes_puts(b, "\"/>");
}

int report_junit(FILE *f, const struct run *run, const struct report_opts *ro)
{
    unsigned tests = 0, count[4] = {0};
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        tests++;
        count[junit_kind(r)]++;
    }
    const char *name = report_name(run, ro);
    struct bytes b;
    bytes_init(&b, 0);
    bytes_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    xml_str(&b, name);
    bytes_printf(&b, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
                 tests, count[JUNIT_FAILURE], count[JUNIT_ERROR], count[JUNIT_SKIPPED],
                 run->wall_ms / 1000.0);
    bytes_puts(&b, "  <testsuite name=\"");
    xml_str(&b, name);
    bytes_printf(&b, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
                 tests, count[JUNIT_FAILURE], count[JUNIT_ERROR], count[JUNIT_SKIPPED],
                 run->wall_ms / 1000.0);
    bytes_puts(&b, "    <properties>");
    property(&b, "suite", run->s->name);
    property(&b, "target", run->target_desc);
    if (run->fatal)
        property(&b, "not-run", run->fatal_msg);
    bytes_puts(&b, "</properties>\n");
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        bytes_puts(&b, "    <testcase classname=\"");
        xml_str(&b, name);
        bytes_printf(&b, ".%s\" name=\"", cf_level_name(r->c->level));
        xml_str(&b, r->c->id);
        bytes_puts(&b, " ");
        xml_str(&b, r->c->title);
        bytes_printf(&b, "\" time=\"%.3f\">\n      <properties>", r->ms / 1000.0);
        property(&b, "requirement", r->c->requirement);
        property(&b, "level", cf_level_name(r->c->level));
        const struct spec_req *req = run->spec ? spec_find(run->spec, r->c->requirement) : NULL;
        if (req)
            property(&b, "strength", req->strength);
        property(&b, "outcome", outcome_name(r->play.v.outcome));
        if (r->play.v.outcome == OUT_WARN) {
            char w[600];
            snprintf(w, sizeof w, "[%s, SHOULD] %s", r->c->requirement, r->play.v.reason);
            property(&b, "warning", w);
        }
        if (r->diagnosis >= 0) {
            struct bytes h;
            bytes_init(&h, 0);
            if (diagnose_headline(run, (size_t)r->diagnosis, &h) == 0)
                property(&b, "diagnosis", bytes_str(&h));
            bytes_cleanup(&h);
        }
        bytes_puts(&b, "</properties>\n");
        enum junit_kind kind = junit_kind(r);
        const char *message = r->unexpected_pass ? "passed, but the baseline expects a failure"
                              : kind == JUNIT_SKIPPED && r->known ? r->known
                                                                  : r->play.v.reason;
        if (kind == JUNIT_SKIPPED) {
            bytes_puts(&b, "      <skipped message=\"");
            xml_str(&b, message);
            bytes_puts(&b, "\"/>\n");
        } else if (kind == JUNIT_FAILURE || kind == JUNIT_ERROR) {
            const char *tag = kind == JUNIT_FAILURE ? "failure" : "error";
            bytes_printf(&b, "      <%s type=\"%s\" message=\"[%s] ", tag,
                         r->not_run ? "not-run"
                         : r->unexpected_pass ? "unexpected-pass"
                                              : outcome_name(r->play.v.outcome),
                         r->c->requirement);
            xml_str(&b, message);
            bytes_puts(&b, "\">");
            struct bytes d;
            bytes_init(&d, 0);
            report_details(&d, r, report_wants_transcript(r, ro), "");
            xml_str(&b, bytes_str(&d));
            bytes_cleanup(&d);
            bytes_printf(&b, "</%s>\n", tag);
        } else if (r->play.v.outcome == OUT_WARN) {
            bytes_puts(&b, "      <system-out>warning: a SHOULD requirement is not met (not a "
                           "failure): ");
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
