/* html.c -- the HTML report: one self-contained page (inline style and script, nothing
 * fetched) with the run's header, its diagnoses, the requirements, then a section per case. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "run/diagnose.h"

/* Text the runner wrote (titles, reasons, details: already escaped where they quote bytes). */
static void esc(FILE *f, const char *s)
{
    report_html_text(f, s, strlen(s), 0);
}

/* Bytes exactly as the program wrote them (its output). */
static void esc_raw(FILE *f, const char *s)
{
    report_html_text(f, s, strlen(s), 1);
}

/* The suite a case belongs to: its id up to the last dot (an included suite's cases keep
 * their own). */
static size_t suite_len(const char *id)
{
    const char *dot = strrchr(id, '.');
    return dot ? (size_t)(dot - id) : strlen(id);
}

static int is_bad(const struct case_result *r)
{
    return outcome_is_failure(r->play.v.outcome) || r->play.v.outcome == OUT_WARN;
}

/* What the page's header and filters count. */
struct tally {
    unsigned per[OUT_COUNT];
    unsigned total, known, xpass, failed, warned;
    const char *suites[32]; /* the suites of the selected cases (ids, borrowed); cases of any
                               further suite have no filter and always show */
    size_t n_suites;
};

static void tally(const struct run *run, struct tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        t->total++;
        t->per[r->play.v.outcome]++;
        t->known += r->known && outcome_is_failure(r->play.v.outcome);
        t->xpass += (unsigned)r->unexpected_pass;
        t->failed += outcome_is_failure(r->play.v.outcome) && !r->known;
        t->warned += r->play.v.outcome == OUT_WARN;
        size_t n = suite_len(r->c->id), k = 0;
        while (k < t->n_suites &&
               !(suite_len(t->suites[k]) == n && strncmp(t->suites[k], r->c->id, n) == 0))
            k++;
        if (k == t->n_suites && k < sizeof t->suites / sizeof t->suites[0])
            t->suites[t->n_suites++] = r->c->id;
    }
}

static const char style[] =
    ":root{--fg:#1b1b1b;--mut:#555;--line:#c8c8c8;--ok:#1e6b2e;--bad:#b3261e;--warn:#8a5a00}"
    "body{font:15px/1.45 system-ui,\"DejaVu Sans\",sans-serif;color:var(--fg);background:#fff;"
    "max-width:1180px;margin:0 auto;padding:12px 20px}"
    "h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid var(--line);"
    "margin:1.2em 0 .5em;padding-bottom:.15em}h3{font-size:1.05em;margin:.2em 0}"
    "code,pre,.mono{font-family:\"DejaVu Sans Mono\",monospace;font-size:13px}"
    "pre{background:#f6f6f6;border:1px solid #ddd;padding:6px 8px;overflow-x:auto;margin:.4em 0;"
    "white-space:pre-wrap;overflow-wrap:anywhere}"
    "a{color:#0b57a4}.mut{color:var(--mut)}"
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:1px 14px;margin:.4em 0}"
    ".facts dt{font-weight:600}.facts dd{margin:0;word-break:break-all}"
    ".verdict{font-size:1.15em;margin:.3em 0}.verdict strong{padding:0 .4em;border:2px solid}"
    ".v-pass strong{color:var(--ok)}.v-fail strong{color:var(--bad)}"
    ".counts{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:6px}"
    ".counts li{border:1px solid var(--line);border-radius:3px;padding:0 .5em}"
    ".badge{display:inline-block;min-width:6.5em;text-align:center;font:bold 12px/1.7 "
    "\"DejaVu Sans Mono\",monospace;border:1.5px solid;border-radius:3px;margin-right:.4em}"
    ".o-pass{color:var(--ok)}.o-fail,.o-timeout,.o-crash{color:var(--bad)}"
    ".o-warn,.o-flaky,.o-non-strict{color:var(--warn)}.o-skip,.o-unsupported{color:var(--mut)}"
    ".filters{border:1px solid var(--line);border-radius:4px;padding:4px 10px;margin:.6em 0}"
    ".filters fieldset{border:0;display:inline;margin:0 1em 0 0;padding:0}"
    ".filters legend{font-weight:600;float:left;margin-right:.5em}"
    ".filters label{margin-right:.8em;white-space:nowrap}.filters button{margin-right:.4em}"
    ".diagnoses li{margin:.3em 0}"
    "table.reqs{border-collapse:collapse;width:100%;font-size:14px}"
    ".reqs th,.reqs td{border:1px solid var(--line);padding:2px 6px;text-align:left;"
    "vertical-align:top}.reqs th{background:#f0f0f0}.reqs .sent{color:var(--mut);font-size:13px}"
    "section.case{border:1px solid var(--line);border-left:6px solid #999;border-radius:4px;"
    "padding:4px 12px;margin:8px 0}section.case.bad{border-left-color:var(--bad)}"
    "section.case.good{border-left-color:#2e7d32}section.case.soft{border-left-color:#c08a00}"
    "section.case p{margin:.25em 0}.case .reason{font-weight:600}"
    ".off{display:none!important}"
    "svg.seq{display:block;max-width:100%;height:auto;margin:6px 0;border:1px solid #ddd;"
    "background:#fff}"
    "svg.seq text{font-family:\"DejaVu Sans Mono\",monospace;font-size:12px;white-space:pre;"
    "fill:#222}svg.seq .t{fill:#666}svg.seq .pv{fill:#333}svg.seq .dl{font-size:11px}"
    "svg.seq .life{stroke:#888;stroke-dasharray:4 4}svg.seq .life-head rect{fill:#eef2f8;"
    "stroke:#456}svg.seq .life-head text{font-weight:bold}"
    "svg.seq .send{stroke:#1f5fa8;fill:#1f5fa8}svg.seq .recv{stroke:#2e6b30;fill:#2e6b30}"
    "svg.seq line.arrow{stroke-width:1.6}svg.seq line.recv{stroke-dasharray:7 3}"
    "svg.seq .note{fill:#f3f3f3;stroke:#999}svg.seq .err{fill:#fdecea;stroke:#b3261e;"
    "stroke-width:2.5}svg.seq .et{fill:#8c1d18;font-weight:bold}svg.seq .gap{fill:#555;"
    "font-style:italic}"
    "@media print{.filters{display:none!important}body{max-width:none;padding:0;"
    "font-size:11pt;background:#fff;color:#000}pre,svg.seq,.reqs th{background:#fff!important}"
    "section.case{break-inside:avoid;page-break-inside:avoid}h2,h3{break-after:avoid}"
    "svg.seq,pre,tr{break-inside:avoid}a{color:#000}}";

/* Filters by outcome and suite; without JavaScript they stay hidden and every case shows. */
static const char script[] =
    "(function(){var nav=document.getElementById('filters');if(!nav)return;nav.hidden=false;"
    "var boxes=[].slice.call(nav.querySelectorAll('input[data-filter]'));"
    "var cases=[].slice.call(document.querySelectorAll('section.case'));"
    "var shown=document.getElementById('shown');"
    "function apply(){var on={outcome:{},suite:{}},all={outcome:{},suite:{}},n=0;"
    "boxes.forEach(function(b){var k=b.getAttribute('data-filter');all[k][b.value]=1;"
    "if(b.checked)on[k][b.value]=1;});"
    "function ok(k,v){return !!on[k][v]||!all[k][v];}"
    "cases.forEach(function(s){var v=ok('outcome',s.getAttribute('data-outcome'))&&"
    "ok('suite',s.getAttribute('data-suite'));s.classList.toggle('off',!v);n+=v?1:0;});"
    "shown.textContent='Showing '+n+' of '+cases.length+' cases'+"
    "(n<cases.length?' (filtered)':'')+'.';}"
    "function set(pick){boxes.forEach(function(b){b.checked=pick(b);});apply();}"
    "var bad=['fail','timeout','crash','warn','flaky'];"
    "document.getElementById('f-bad').addEventListener('click',function(){set(function(b){"
    "return b.getAttribute('data-filter')!=='outcome'||bad.indexOf(b.value)>=0;});});"
    "document.getElementById('f-all').addEventListener('click',function(){set(function(){"
    "return true;});});"
    "boxes.forEach(function(b){b.addEventListener('change',apply);});"
    "function reveal(){var id=decodeURIComponent(location.hash.slice(1)),"
    "t=id&&document.getElementById(id);if(t&&t.classList.contains('off'))"
    "set(function(){return true;});}"
    "window.addEventListener('hashchange',reveal);apply();reveal();})();";

static void head(FILE *f, const struct run *run, const struct report_opts *ro, int code)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"wirecheck " WIRECHECK_VERSION "\">\n<title>", f);
    esc(f, report_name(run, ro));
    fprintf(f, ": %s &#x2014; wirecheck</title>\n<style>%s</style>\n</head>\n<body>\n",
            run->fatal ? "NOT RUN" : code ? "FAIL" : "PASS", style);
}

static void header(FILE *f, const struct run *run, const struct report_opts *ro,
                   const struct tally *t, int code)
{
    fputs("<header>\n<h1>wirecheck report: ", f);
    esc(f, report_name(run, ro));
    fputs("</h1>\n", f);
    if (run->fatal) {
        fputs("<p class=\"verdict v-fail\"><strong>Result: NOT RUN</strong> (the target could "
              "not be started or reached: ", f);
        esc(f, run->fatal_msg);
        fputs(")</p>\n", f);
    } else {
        fprintf(f, "<p class=\"verdict %s\"><strong>Result: %s</strong> (%u failing, %u "
                "warning%s, %u known failure%s, %u unexpected pass%s)</p>\n",
                code ? "v-fail" : "v-pass", code ? "FAIL" : "PASS", t->failed, t->warned,
                t->warned == 1 ? "" : "s", t->known, t->known == 1 ? "" : "s", t->xpass,
                t->xpass == 1 ? "" : "es");
        if (t->warned && !code)
            fputs("<p class=\"mut\">A warning is a SHOULD not met: worth fixing, not a failure; "
                  "--strict counts it.</p>\n", f);
    }
    fputs("<dl class=\"facts\"><dt>Suite</dt><dd>", f);
    esc(f, run->s->name);
    fputs("</dd><dt>Run</dt><dd>", f);
    esc(f, report_name(run, ro));
    fputs("</dd><dt>Target</dt><dd class=\"mono\">", f);
    esc(f, run->target_desc);
    fprintf(f, "</dd><dt>Time</dt><dd>%u case%s in %.2f s", t->total, t->total == 1 ? "" : "s",
            run->wall_ms / 1000.0);
    if (run->restarts)
        fprintf(f, "; the server was started again %u time%s", run->restarts,
                run->restarts == 1 ? "" : "s");
    fprintf(f, "</dd><dt>Exit code</dt><dd>%d</dd></dl>\n<ul class=\"counts\">", code);
    for (int o = 0; o < OUT_COUNT; o++) {
        const char *name = outcome_name((enum outcome)o);
        if (t->per[o])
            fprintf(f, "<li class=\"o-%s\">%s: <b>%u</b></li>", name, name, t->per[o]);
    }
    if (t->known)
        fprintf(f, "<li>known failures: <b>%u</b></li>", t->known);
    if (t->xpass)
        fprintf(f, "<li>unexpected passes: <b>%u</b></li>", t->xpass);
    fputs("</ul>\n</header>\n", f);
}

static void filters(FILE *f, const struct tally *t)
{
    fputs("<nav class=\"filters\" id=\"filters\" hidden aria-label=\"Filters\">\n"
          "<fieldset><legend>Outcome</legend>", f);
    for (int o = 0; o < OUT_COUNT; o++) {
        const char *name = outcome_name((enum outcome)o);
        if (t->per[o])
            fprintf(f, "<label class=\"o-%s\"><input type=\"checkbox\" data-filter=\"outcome\" "
                    "value=\"%s\" checked> %s (%u)</label>", name, name, name, t->per[o]);
    }
    fputs("</fieldset>\n<fieldset><legend>Suite</legend>", f);
    for (size_t k = 0; k < t->n_suites; k++) {
        size_t n = suite_len(t->suites[k]);
        fputs("<label><input type=\"checkbox\" data-filter=\"suite\" value=\"", f);
        report_html_text(f, t->suites[k], n, 0);
        fputs("\" checked> ", f);
        report_html_text(f, t->suites[k], n, 0);
        fputs("</label>", f);
    }
    fputs("</fieldset>\n<button type=\"button\" id=\"f-bad\">Only problems</button>"
          "<button type=\"button\" id=\"f-all\">Show all</button>\n</nav>\n"
          "<p id=\"shown\" class=\"mut\"></p>\n", f);
}

/* A link to case |id|. */
static void case_link(FILE *f, const char *id, size_t n)
{
    fputs("<a href=\"#case-", f);
    report_html_text(f, id, n, 0);
    fputs("\">", f);
    report_html_text(f, id, n, 0);
    fputs("</a>", f);
}

static void diagnoses(FILE *f, const struct run *run)
{
    if (run->n_diag == 0)
        return;
    fprintf(f, "<section id=\"diagnoses\" class=\"diagnoses\">\n<h2>Diagnoses: %zu cause%s</h2>"
            "\n<ol>\n", run->n_diag, run->n_diag == 1 ? "" : "s");
    for (size_t k = 0; k < run->n_diag; k++) {
        struct bytes h;
        bytes_init(&h, 0);
        fprintf(f, "<li class=\"diagnosis\" id=\"diag-%zu\"><span>", k + 1);
        if (diagnose_headline(run, k, &h) == 0)
            report_html_text(f, h.data, h.len, 0);
        bytes_cleanup(&h);
        fputs("</span><br><span class=\"mut\">cases:</span>", f);
        for (size_t j = 0; j < run->diag[k].n; j++) {
            const char *id = run->res[run->diag[k].cases[j]].c->id;
            fputc(' ', f);
            case_link(f, id, strlen(id));
        }
        fputs("</li>\n", f);
    }
    fputs("</ol>\n</section>\n", f);
}

/* Links to each case of " id id" |ids|. */
static void id_links(FILE *f, const char *ids)
{
    for (const char *p = ids; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        if (n) {
            case_link(f, p, n);
            fputc(' ', f);
        }
        p += n;
    }
}

static void requirements(FILE *f, const struct run *run)
{
    fputs("<section id=\"requirements\">\n<h2>Requirements</h2>\n", f);
    if (run->fatal) {
        fputs("<p>None was checked: the target could not be started.</p>\n</section>\n", f);
        return;
    }
    fputs("<table class=\"reqs\">\n<thead><tr><th>Requirement</th><th>Strength</th>"
          "<th>Status</th><th>Passing</th><th>Not met by</th><th>Sentence</th></tr></thead>"
          "\n<tbody>\n", f);
    for (size_t i = 0; i < run->n; i++) {
        struct report_requirement t;
        if (!report_requirement_at(run, i, &t))
            continue;
        const struct spec_req *req = run->spec ? spec_find(run->spec, t.id) : NULL;
        const char *st = !t.bad ? "ok" : t.warned == t.bad ? "WARN" : "FAIL";
        /* id="req-ID": the grader's class matrix links to a requirement's row. */
        fprintf(f, "<tr class=\"%s\" id=\"req-", !t.bad ? "o-pass" : t.warned == t.bad ? "o-warn"
                                                                                       : "o-fail");
        esc(f, t.id);
        fputs("\"><td>", f);
        esc(f, t.id);
        fputs("</td><td>", f);
        esc(f, req ? req->strength : "");
        fprintf(f, "</td><td><b>%s</b></td><td>%u/%u</td><td>", st, t.cases - t.bad, t.cases);
        id_links(f, bytes_str(&t.ids));
        if (t.xpass) {
            fputs("<br>unexpected pass, update the baseline: ", f);
            id_links(f, bytes_str(&t.xids));
        }
        fputs("</td><td>", f);
        if (req) {
            fputs("<b>", f);
            esc(f, req->title);
            fputs("</b><div class=\"sent\">", f);
            esc(f, req->text);
            fputs("</div>", f);
        }
        fputs("</td></tr>\n", f);
        report_requirement_cleanup(&t);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static void tail(FILE *f, const char *title, const char *text)
{
    if (!text || !*text)
        return;
    fprintf(f, "<p class=\"mut\">%s:</p><pre class=\"tail\">", title);
    esc_raw(f, text);
    fputs("</pre>\n", f);
}

static void case_section(FILE *f, const struct run *run, const struct case_result *r,
                         const struct report_opts *ro)
{
    const struct cf_case *c = r->c;
    const char *outcome = outcome_name(r->play.v.outcome), *label = report_label(r);
    size_t sn = suite_len(c->id);
    const char *kind = r->unexpected_pass || (outcome_is_failure(r->play.v.outcome) && !r->known)
                           ? "bad" : r->play.v.outcome == OUT_PASS ? "good" : "soft";
    fputs("<section class=\"case ", f);
    fputs(kind, f);
    fputs("\" id=\"case-", f);
    esc(f, c->id);
    fprintf(f, "\" data-outcome=\"%s\" data-suite=\"", outcome);
    report_html_text(f, c->id, sn, 0);
    fprintf(f, "\">\n<h3><span class=\"badge o-%s\">%s</span> ", outcome, label);
    case_link(f, c->id, strlen(c->id));
    fputs(" ", f);
    esc(f, c->title);
    fputs("</h3>\n<p class=\"mut\">", f);
    esc(f, cf_level_name(c->level));
    fputs(" &#xB7; requirement <b>", f);
    esc(f, c->requirement);
    fputs("</b>", f);
    const struct spec_req *req = run->spec ? spec_find(run->spec, c->requirement) : NULL;
    if (req) {
        fputs(" (", f);
        esc(f, req->strength);
        fputs("): ", f);
        esc(f, req->title);
    }
    fprintf(f, " &#xB7; %.1f ms%s</p>\n", r->ms, r->attempts > 1 ? ", retried" : "");
    if (r->play.v.outcome != OUT_PASS || r->unexpected_pass || r->liveness[0]) {
        fputs("<p class=\"reason\">", f);
        esc(f, r->unexpected_pass ? "passed, but the baseline expects a failure"
               : r->play.v.reason[0] ? r->play.v.reason : "(no reason recorded)");
        fputs("</p>\n", f);
    }
    if (r->diagnosis >= 0) {
        const struct run_diagnosis *rd = &run->diag[r->diagnosis];
        fprintf(f, "<p class=\"cause\">Cause: see <a href=\"#diag-%d\">diagnosis [%d]</a> (",
                r->diagnosis + 1, r->diagnosis + 1);
        esc(f, rd->d->requirement);
        fprintf(f, "), shared by %zu case%s: ", rd->n, rd->n == 1 ? "" : "s");
        esc(f, rd->text);
        fputs("</p>\n", f);
    }
    if (r->known) {
        fputs("<p>Baseline: ", f);
        esc(f, r->known);
        fputs(r->unexpected_pass ? " &#x2014; but it passed: update the baseline</p>\n"
                                 : "</p>\n", f);
    }
    if (r->liveness[0] && !strstr(r->play.v.reason, r->liveness)) {
        fputs("<p>Liveness: ", f);
        esc(f, r->liveness);
        fputs("</p>\n", f);
    }
    if (r->play.detail.len) {
        fputs("<pre class=\"detail\">", f);
        report_html_text(f, r->play.detail.data, r->play.detail.len, 0);
        fputs("</pre>\n", f);
    }
    int transcript = report_wants_transcript(r, ro);
    if (transcript)
        report_html_sequence(f, run, r);
    if (transcript || r->play.v.outcome != OUT_PASS) {
        tail(f, "Program stdout during the case", r->out_tail);
        tail(f, "Program stderr during the case (tail)", r->err_tail);
    }
    if (transcript) {
        struct bytes b;
        bytes_init(&b, 0);
        fputs("<details><summary>The transcript as text</summary><pre class=\"transcript\">", f);
        if (tr_render((struct transcript *)&r->play.tr, &b, "") == 0)
            report_html_text(f, b.data, b.len, 0);
        bytes_cleanup(&b);
        fputs("</pre></details>\n", f);
    }
    if (is_bad(r) && !r->not_run) {
        struct bytes cmd;
        bytes_init(&cmd, 8192);
        if (report_rerun(run, r, &cmd) == 0) {
            fputs("<p>Rerun: <code class=\"rerun\">", f);
            report_html_text(f, cmd.data, cmd.len, 0);
            fputs("</code></p>\n", f);
        }
        bytes_cleanup(&cmd);
    }
    fputs("</section>\n", f);
}

int report_html(FILE *f, const struct run *run, const struct report_opts *ro)
{
    struct tally t;
    tally(run, &t);
    int code = run_exit_code(run);
    head(f, run, ro, code);
    header(f, run, ro, &t, code);
    filters(f, &t);
    diagnoses(f, run);
    requirements(f, run);
    fprintf(f, "<main id=\"cases\">\n<h2>Cases: %u</h2>\n", t.total);
    for (size_t i = 0; i < run->n; i++)
        if (run->res[i].selected)
            case_section(f, run, &run->res[i], ro);
    fprintf(f, "</main>\n<footer class=\"mut\"><p>wirecheck %s &#xB7; suite ", WIRECHECK_VERSION);
    esc(f, run->s->name);
    fprintf(f, "</p></footer>\n<script>%s</script>\n</body>\n</html>\n", script);
    return ferror(f) ? -1 : 0;
}
