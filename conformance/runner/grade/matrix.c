/* matrix.c -- index.html of a graded class: the submissions x requirements matrix (sortable,
 * each cell a link to that submission's report of that requirement) and the most common
 * failures. One self-contained page: no network, everything from submissions escaped. */
#include "grade/grade.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static void esc(FILE *f, const char *s)
{
    report_html_text(f, s, strlen(s), 0);
}

/* The first reason line of a requirement's failing cases ("  line 9: expect: ..."), into
 * |out|, with byte counts and offsets kept: it is what most students share. */
static void first_reason(const struct req_score *r, char *out, size_t len)
{
    out[0] = 0;
    if (!r->output)
        return;
    const char *nl = strchr(r->output, '\n');
    const char *line = nl ? nl + 1 : "";
    while (*line == ' ')
        line++;
    size_t n = strcspn(line, "\n");
    if (strncmp(line, "rerun:", 6) == 0)
        n = 0;
    snprintf(out, len, "%.*s", (int)(n < len - 1 ? n : len - 1), line);
}

static const char style[] =
    "<style>\n"
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#111;background:#fff}\n"
    "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:3px 6px;"
    "text-align:left;vertical-align:top}\n"
    "thead th{background:#eee;position:sticky;top:0}th.sort{cursor:pointer}\n"
    "td.c{text-align:center;white-space:nowrap;font-family:monospace}\n"
    ".pass{background:#dff3df}.partial{background:#fff1c7}.fail{background:#f9d6d5}"
    ".notrun{background:#e4e4e4}.accepted{background:#dfe9f9}\n"
    ".mut{color:#555}a{color:#1a4d8f}\n"
    "@media print{thead th{position:static}.sorthint{display:none}}\n"
    "</style>\n";

/* Clicking a header sorts the rows by that column (numbers as numbers); again, the other way. */
static const char script[] =
    "<script>\n"
    "(function(){var t=document.getElementById('matrix');if(!t)return;"
    "var hs=t.querySelectorAll('th.sort');"
    "hs.forEach(function(h){h.addEventListener('click',function(){"
    "var col=+h.dataset.col,dir=h.dataset.dir==='asc'?'desc':'asc';"
    "hs.forEach(function(o){delete o.dataset.dir;});h.dataset.dir=dir;"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);"
    "rows.sort(function(x,y){var a=x.cells[col].dataset.v,c=y.cells[col].dataset.v;"
    "var na=parseFloat(a),nc=parseFloat(c),r=(!isNaN(na)&&!isNaN(nc))?na-nc:"
    "String(a).localeCompare(String(c));return dir==='asc'?r:-r;});"
    "rows.forEach(function(r){b.appendChild(r);});});});})();\n"
    "</script>\n";

/* A cell of the matrix: its class, its text (readable without colour) and its sort value. */
static void cell(FILE *f, const struct sub_result *sr, const struct part_result *pr,
                 const struct req_score *r)
{
    const char *cls, *mark;
    char text[64];
    if (pr->status != PART_GRADED) {
        cls = "notrun";
        mark = "-";
        snprintf(text, sizeof text, "not run");
    } else if (r->accepted && r->passed < r->cases) {
        cls = "accepted";
        mark = "=";
        snprintf(text, sizeof text, "accepted %u/%u", r->passed, r->cases);
    } else {
        cls = r->passed == r->cases ? "pass" : r->passed ? "partial" : "fail";
        mark = r->passed == r->cases ? "\xe2\x9c\x93" : r->passed ? "~" : "\xe2\x9c\x97";
        snprintf(text, sizeof text, "%u/%u", r->passed, r->cases);
    }
    fprintf(f, "<td class=\"c %s\" data-v=\"%.2f\" title=\"", cls, r->points);
    esc(f, pr->part->name);
    fputs(" ", f);
    esc(f, r->id);
    fprintf(f, ": %.2f of %.2f points\"><a href=\"", r->points, r->max);
    esc(f, sr->name);
    if (pr->status == PART_GRADED || pr->status == PART_NOT_STARTED) {
        fputs("/", f);
        esc(f, pr->part->name);
        fputs(".html#req-", f);
        esc(f, r->id);
    } else {
        fputs("/results.json", f);
    }
    fprintf(f, "\">%s %s</a></td>", mark, text);
}

struct common {
    const struct part_result *pr; /* of the first submission: its part and requirement names */
    size_t req;
    unsigned failing;
    char reason[300];
    unsigned reason_count;
};

static int by_failing(const void *a, const void *b)
{
    const struct common *x = a, *y = b;
    return x->failing != y->failing ? (x->failing < y->failing ? 1 : -1) : 0;
}

/* The most common failures: per requirement, how many submissions miss points on it, and the
 * reason most of them share. */
static void common_failures(FILE *f, const struct sub_result *subs, size_t n)
{
    if (!n)
        return;
    size_t cols = 0;
    for (size_t i = 0; i < subs[0].n_parts; i++)
        cols += subs[0].parts[i].n_reqs;
    struct common *c = calloc(cols ? cols : 1, sizeof *c);
    if (!c)
        return;
    size_t k = 0;
    for (size_t i = 0; i < subs[0].n_parts; i++) {
        for (size_t j = 0; j < subs[0].parts[i].n_reqs; j++, k++) {
            c[k].pr = &subs[0].parts[i];
            c[k].req = j;
            /* The most frequent first reason among those failing: n is a class, so n^2 is fine. */
            for (size_t s = 0; s < n; s++) {
                if (i >= subs[s].n_parts)
                    continue;
                const struct part_result *pr = &subs[s].parts[i];
                if (j >= pr->n_reqs)
                    continue;
                const struct req_score *r = &pr->reqs[j];
                if (r->points >= r->max && (r->passed == r->cases || r->accepted))
                    continue;
                c[k].failing++;
                char mine[300];
                first_reason(r, mine, sizeof mine);
                if (!mine[0] && pr->status != PART_GRADED)
                    snprintf(mine, sizeof mine, "not run: %s", part_status_name(pr->status));
                unsigned same = 0;
                for (size_t t = 0; t < n; t++) {
                    if (i >= subs[t].n_parts)
                        continue;
                    const struct part_result *po = &subs[t].parts[i];
                    if (j >= po->n_reqs)
                        continue;
                    char other[300];
                    first_reason(&po->reqs[j], other, sizeof other);
                    if (!other[0] && po->status != PART_GRADED)
                        snprintf(other, sizeof other, "not run: %s", part_status_name(po->status));
                    same += other[0] && strcmp(other, mine) == 0;
                }
                if (same > c[k].reason_count) {
                    c[k].reason_count = same;
                    snprintf(c[k].reason, sizeof c[k].reason, "%s", mine);
                }
            }
        }
    }
    qsort(c, cols, sizeof *c, by_failing);
    fputs("<section id=\"common\">\n<h2>Most common failures</h2>\n<table id=\"common-failures\">"
          "\n<thead><tr><th>Part</th><th>Requirement</th><th>Submissions failing</th>"
          "<th>The most frequent reason</th></tr></thead>\n<tbody>\n",
          f);
    unsigned shown = 0;
    for (size_t i = 0; i < cols && shown < 20; i++) {
        if (!c[i].failing)
            break;
        const struct req_score *r = &c[i].pr->reqs[c[i].req];
        fputs("<tr><td>", f);
        esc(f, c[i].pr->part->name);
        fputs("</td><td>", f);
        esc(f, r->id);
        fputs(" ", f);
        esc(f, r->title);
        fprintf(f, "</td><td>%u of %zu</td><td>", c[i].failing, n);
        esc(f, c[i].reason);
        if (c[i].reason_count)
            fprintf(f, " <span class=\"mut\">(%u)</span>", c[i].reason_count);
        fputs("</td></tr>\n", f);
        shown++;
    }
    if (!shown)
        fputs("<tr><td colspan=\"4\">Every submission met every requirement.</td></tr>\n", f);
    fputs("</tbody></table>\n</section>\n", f);
    free(c);
}

int grade_write_matrix(FILE *f, const struct sub_result *subs, size_t n, const struct grading *g)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    esc(f, g->title[0] ? g->title : "wirecheck grades");
    fputs("</title>\n", f);
    fputs(style, f);
    fputs("</head>\n<body>\n<h1>", f);
    esc(f, g->title[0] ? g->title : "wirecheck grades");
    double sum = 0, max = 0;
    for (size_t s = 0; s < n; s++) {
        sum += subs[s].points;
        max = subs[s].max > max ? subs[s].max : max;
    }
    fprintf(f,
            "</h1>\n<p>%zu submission%s, %.2f points at most; mean %.2f. Each cell: passing "
            "cases of the requirement (&#x2713; all, ~ some, &#x2717; none, - not run, = accepted "
            "by the grading file); it links to that report.</p>\n<p class=\"sorthint mut\">Click "
            "a column's header to sort by it.</p>\n",
            n, n == 1 ? "" : "s", max, n ? sum / (double)n : 0);
    fputs("<table id=\"matrix\">\n<thead><tr><th class=\"sort\" data-col=\"0\">Submission</th>"
          "<th class=\"sort\" data-col=\"1\">Total</th>",
          f);
    size_t col = 2;
    for (size_t i = 0; n && i < subs[0].n_parts; i++) {
        const struct part_result *pr = &subs[0].parts[i];
        fprintf(f, "<th class=\"sort\" data-col=\"%zu\">", col++);
        esc(f, pr->part->name);
        fputs("</th>", f);
        for (size_t j = 0; j < pr->n_reqs; j++) {
            fprintf(f, "<th class=\"sort\" data-col=\"%zu\" title=\"", col++);
            esc(f, pr->reqs[j].title);
            fputs("\">", f);
            esc(f, pr->reqs[j].id);
            fputs("</th>", f);
        }
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t s = 0; s < n; s++) {
        const struct sub_result *sr = &subs[s];
        fputs("<tr class=\"sub\"><td data-v=\"", f);
        esc(f, sr->name);
        fputs("\"><a href=\"", f);
        esc(f, sr->name);
        fputs("/results.json\">", f);
        esc(f, sr->name);
        fprintf(f, "</a>%s</td><td class=\"c\" data-v=\"%.2f\">%.2f / %.2f</td>",
                sr->failed ? " <b>(not graded)</b>" : "", sr->points, sr->points, sr->max);
        for (size_t i = 0; i < sr->n_parts; i++) {
            const struct part_result *pr = &sr->parts[i];
            fprintf(f, "<td class=\"c\" data-v=\"%.2f\" title=\"", pr->points);
            esc(f, part_status_name(pr->status));
            if (pr->why[0]) {
                fputs(": ", f);
                esc(f, pr->why);
            }
            fprintf(f, "\">%.2f%s%s</td>", pr->points, pr->status == PART_GRADED ? "" : "<br>",
                    pr->status == PART_GRADED ? "" : part_status_name(pr->status));
            for (size_t j = 0; j < pr->n_reqs; j++)
                cell(f, sr, pr, &pr->reqs[j]);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    common_failures(f, subs, n);
    fputs(script, f);
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}
