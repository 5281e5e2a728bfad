/* text.c -- the human report: a line per case with its details, then the summaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/diagnose.h"

static const char *color_of(const struct case_result *r, int on)
{
    if (!on)
        return "";
    if (r->unexpected_pass || (outcome_is_failure(r->play.v.outcome) && !r->known))
        return "\033[1;31m";
    if (r->play.v.outcome == OUT_PASS)
        return "\033[32m";
    return "\033[33m";
}

void report_text_case(FILE *f, const struct run *run, size_t i, const struct report_opts *ro)
{
    const struct case_result *r = &run->res[i];
    const struct cf_case *c = r->c;
    const char *col = color_of(r, ro->color), *reset = ro->color ? "\033[0m" : "";
    fprintf(f, "%s%-9s%s %-20s %-6s %-8s %s (%.1f ms%s)\n", col, report_label(r), reset, c->id,
            cf_level_name(c->level), c->requirement, c->title, r->ms,
            r->attempts > 1 ? ", retried" : "");
    if (r->play.v.outcome != OUT_PASS || r->unexpected_pass || r->liveness[0])
        fprintf(f, "          %s\n", r->unexpected_pass ? "passed, but the baseline expects a failure"
                                 : r->play.v.reason[0] ? r->play.v.reason
                                                       : "(no reason recorded)");
    if (r->diagnosis >= 0)
        fprintf(f, "          cause: see diagnosis [%d] above (%s)\n", r->diagnosis + 1,
                run->diag[r->diagnosis].d->requirement);
    if (r->known)
        fprintf(f, "          baseline: %s%s\n", r->known,
                r->unexpected_pass ? " -- but it passed: update the baseline" : "");
    if (r->play.v.outcome != OUT_PASS || ro->transcript == TRANSCRIPT_ALWAYS || r->liveness[0]) {
        struct bytes b;
        bytes_init(&b, 0);
        if (report_details(&b, r, report_wants_transcript(r, ro), "          ") == 0)
            fputs(bytes_str(&b), f);
        bytes_cleanup(&b);
    }
    /* Last: the command that runs just this case again. */
    if ((outcome_is_failure(r->play.v.outcome) || r->play.v.outcome == OUT_WARN) &&
        !r->not_run) {
        struct bytes cmd;
        bytes_init(&cmd, 8192);
        if (report_rerun(run, r, &cmd) == 0)
            fprintf(f, "          rerun: %s\n", bytes_str(&cmd));
        bytes_cleanup(&cmd);
    }
}

void report_text_diagnoses(FILE *f, const struct run *run, const struct report_opts *ro)
{
    if (run->n_diag == 0)
        return;
    size_t explained = 0, bad = 0;
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        bad += r->selected && (outcome_is_failure(r->play.v.outcome) || r->play.v.outcome == OUT_WARN);
        explained += r->diagnosis >= 0;
    }
    const char *b = ro->color ? "\033[1m" : "", *reset = ro->color ? "\033[0m" : "";
    fprintf(f, "%sdiagnoses%s: %zu cause%s explain%s %zu of the %zu cases that failed or warned\n",
            b, reset, run->n_diag, run->n_diag == 1 ? "" : "s", run->n_diag == 1 ? "s" : "",
            explained, bad);
    for (size_t k = 0; k < run->n_diag; k++) {
        struct bytes h;
        bytes_init(&h, 0);
        if (diagnose_headline(run, k, &h) == 0)
            fprintf(f, "  [%zu] %s\n      cases:", k + 1, bytes_str(&h));
        bytes_cleanup(&h);
        for (size_t j = 0; j < run->diag[k].n; j++)
            fprintf(f, " %s", run->res[run->diag[k].cases[j]].c->id);
        fputc('\n', f);
    }
    fputc('\n', f);
}

void report_text_summary(FILE *f, const struct run *run, const struct report_opts *ro)
{
    unsigned per[3][OUT_COUNT];
    memset(per, 0, sizeof per);
    unsigned known = 0, xpass = 0, failed = 0, warned = 0, total = 0;
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        total++;
        per[r->c->level][r->play.v.outcome]++;
        known += r->known && outcome_is_failure(r->play.v.outcome);
        xpass += (unsigned)r->unexpected_pass;
        failed += outcome_is_failure(r->play.v.outcome) && !r->known;
        warned += r->play.v.outcome == OUT_WARN;
    }
    fprintf(f, "\nsuite %s against %s: %u case%s in %.2f s\n", run->s->name, run->target_desc,
            total, total == 1 ? "" : "s", run->wall_ms / 1000.0);
    if (run->restarts)
        fprintf(f, "  the server was started again %u time%s (after a crash or a failed "
                   "liveness check)\n", run->restarts, run->restarts == 1 ? "" : "s");
    for (int l = CF_LEVEL_CORE; l <= CF_LEVEL_STRESS; l++) {
        unsigned sum = 0;
        for (int o = 0; o < OUT_COUNT; o++)
            sum += per[l][o];
        if (!sum)
            continue;
        fprintf(f, "  %-7s", cf_level_name((enum cf_level)l));
        const char *sep = "";
        for (int o = 0; o < OUT_COUNT; o++) {
            if (per[l][o]) {
                fprintf(f, "%s%u %s", sep, per[l][o], outcome_name((enum outcome)o));
                sep = ", ";
            }
        }
        fputc('\n', f);
    }
    /* Per requirement, in the order the cases cite them (meaningless when nothing ran). */
    if (!run->fatal)
        fprintf(f, "  by requirement:\n");
    for (size_t i = 0; !run->fatal && i < run->n; i++) {
        struct report_requirement t;
        if (!report_requirement_at(run, i, &t))
            continue;
        const struct spec_req *req = run->spec ? spec_find(run->spec, t.id) : NULL;
        unsigned bad = t.bad, nw = t.warned, nx = t.xpass;
        fprintf(f, "    %-8s %-6s %-4s %u/%u%s%s%s%s%s%s\n", t.id, req ? req->strength : "",
                !bad ? "ok" : nw == bad ? "WARN" : "FAIL", t.cases - bad, t.cases,
                !bad ? "" : nw == bad ? " (not met, a warning:" : " (failing:",
                bytes_str(&t.ids), bad ? ")" : "",
                nx ? " (unexpected pass, update the baseline:" : "", bytes_str(&t.xids),
                nx ? ")" : "");
        report_requirement_cleanup(&t);
    }
    int code = run_exit_code(run);
    const char *col = ro->color ? (code ? "\033[1;31m" : "\033[1;32m") : "";
    if (run->fatal) {
        fprintf(f, "%sresult: NOT RUN%s (the target could not be started or reached: %s)\n",
                col, ro->color ? "\033[0m" : "", run->fatal_msg);
        return;
    }
    fprintf(f, "%sresult: %s%s (%u failing, %u warning%s, %u known failure%s, %u unexpected "
            "pass%s)\n", col, code ? "FAIL" : "PASS", ro->color ? "\033[0m" : "", failed,
            warned, warned == 1 ? "" : "s", known, known == 1 ? "" : "s", xpass,
            xpass == 1 ? "" : "es");
    if (warned && !code)
        fprintf(f, "  (a warning is a SHOULD not met: worth fixing, not a failure; --strict "
                   "counts it)\n");
}
