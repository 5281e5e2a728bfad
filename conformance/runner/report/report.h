/* report.h -- the reports of a run: text (streamed per case), TAP 13, JUnit XML, JSON and
 * HTML. */
#ifndef WIRECHECK_RUNNER_REPORT_H
#define WIRECHECK_RUNNER_REPORT_H

#include <stdio.h>

#include "bytes.h"
#include "run/run.h"

enum transcript_mode { TRANSCRIPT_FAIL = 0, TRANSCRIPT_ALWAYS, TRANSCRIPT_NEVER };
enum report_format { FORMAT_TEXT = 0, FORMAT_TAP, FORMAT_JUNIT, FORMAT_JSON, FORMAT_HTML };

struct report_opts {
    enum report_format format;
    enum transcript_mode transcript;
    int color;        /* ANSI colours in the text report */
    const char *name; /* --name: what this run is called in every report (NULL: the suite) */
};

/* How the selected cases citing one requirement ended. Owns |ids| and |xids|. */
struct report_requirement {
    const char *id;      /* the requirement ("SEN-4"), borrowed from the case */
    unsigned cases;
    unsigned bad;        /* failed (known failures and not-run cases included) or warned */
    unsigned warned;     /* of which warnings (a SHOULD not met) */
    unsigned xpass;      /* passed although the baseline expects a failure */
    struct bytes ids;    /* " id id": the bad ones */
    struct bytes xids;   /* " id id": the unexpected passes */
};

/* When run->res[i] is the first selected case citing its requirement, fills |t| (release it
 * with report_requirement_cleanup) and returns 1; else returns 0. The requirement is met when
 * |bad| is 0; an unexpected pass counts as met (the baseline is what is out of date). */
int report_requirement_at(const struct run *run, size_t i, struct report_requirement *t);
void report_requirement_cleanup(struct report_requirement *t);

/* The one command that runs case |r| again against the same target, shell-quoted
 * ("wirecheck run sensor --case sensor.013 --exec './server'"). Returns 0 or a bytes error. */
int report_rerun(const struct run *run, const struct case_result *r, struct bytes *out);

/* The run's name in reports: --name, else the suite's. */
const char *report_name(const struct run *run, const struct report_opts *ro);

/* The JSON report's schema name; bump it on any incompatible change. */
#define REPORT_JSON_SCHEMA "wirecheck-report/1"

/* Text: the causes that explain several failures, first in the report (nothing when none). */
void report_text_diagnoses(FILE *f, const struct run *run, const struct report_opts *ro);
/* Text: one case's line and, per the transcript mode, its details. */
void report_text_case(FILE *f, const struct run *run, size_t i, const struct report_opts *ro);
/* Text: the summary per level and per requirement, and the verdict. */
void report_text_summary(FILE *f, const struct run *run, const struct report_opts *ro);

/* Whole reports, written at the end. Return 0 or -1 (write error or out of memory). */
int report_tap(FILE *f, const struct run *run, const struct report_opts *ro);
int report_junit(FILE *f, const struct run *run, const struct report_opts *ro);
int report_json(FILE *f, const struct run *run, const struct report_opts *ro);
/* One self-contained page (inline style and script, nothing fetched: its CSP forbids it):
 * header, diagnoses, requirements, then a section per selected case with its sequence
 * diagram. Everything from the program under test is escaped text. */
int report_html(FILE *f, const struct run *run, const struct report_opts *ro);

/* The HTML report's parts (html_seq.c), which html.c puts together. */
/* Writes |p| as HTML text, safe in element content and in quoted attributes: & < > " ' as
 * entities, bytes outside printable ASCII (but \n and \t) as \xNN; with |raw| (bytes from
 * the program) a backslash becomes \\ so that \xNN stays unambiguous. Returns 0 or -1. */
int report_html_text(FILE *f, const void *p, size_t n, int raw);
/* Most transcript events drawn in one case's diagram (the rest are counted; the failing step
 * is drawn even past it). */
#define REPORT_HTML_MAX_DRAWN 200
/* Writes the sequence diagram of case |r|'s transcript as an inline <svg>: the runner's and
 * the target's lifelines, an arrow per send or receive, events as notes, the failing step
 * marked with the case's detail beside it. Locks the transcript while reading it.
 * Returns 0 or -1. */
int report_html_sequence(FILE *f, const struct run *run, const struct case_result *r);

/* Appends |p| as safe printable text: bytes outside printable ASCII (other than \n and \t)
 * and backslash become \xNN / \\. For program output in any report. */
int report_sanitize(struct bytes *out, const void *p, size_t n);

/* Should this case's transcript be shown, under |ro|'s mode? */
int report_wants_transcript(const struct case_result *r, const struct report_opts *ro);

/* The details block of a case: reason detail, liveness, transcript, program output tails,
 * each line prefixed with |indent|. */
int report_details(struct bytes *out, const struct case_result *r, int transcript,
                   const char *indent);

/* The outcome label of a case as the text report prints it ("PASS", "FAIL", "KNOWN-FAIL"). */
const char *report_label(const struct case_result *r);

#endif
