/* html_seq.c -- what html.c builds on: HTML escaping, and the sequence diagram of one case's
 * transcript as inline SVG (runner and target lifelines, bytes as arrows, events as notes, the
 * failure marked). */
#include <stdio.h>
#include <string.h>

#include "report/report.h"

int report_html_text(FILE *f, const void *p, size_t n, int raw)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\\': fputs(raw ? "\\\\" : "\\", f); break;
        default:
            if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
                fputc(c, f);
            else
                fprintf(f, "\\x%02x", (unsigned)c);
        }
    }
    return ferror(f) ? -1 : 0;
}

/* Geometry, in SVG units. Text is 12px monospace, so a column is 7.25 units wide and a line's
 * width is known without measuring it. */
#define SEQ_W 980
#define SEQ_XR 210            /* the runner's lifeline */
#define SEQ_XT 770            /* the target's */
#define SEQ_MID ((SEQ_XR + SEQ_XT) / 2)
#define SEQ_LEFT 96           /* left edge of notes and of the failure box (times before it) */
#define SEQ_TOP 50            /* the first row */
#define SEQ_COLS(n) ((int)((n) * 29 / 4))
#define SEQ_PREVIEW 56        /* columns of the bytes shown under an arrow */
#define SEQ_TOOLTIP 240       /* columns of the bytes in an arrow's tooltip */
#define SEQ_NOTE 96           /* columns of a note */
#define SEQ_DETAIL 118        /* columns of a detail line beside the failing step (11px) */
#define SEQ_DETAIL_LINES 16   /* detail lines drawn there (the whole detail is above) */
#define SEQ_TAIL 20           /* events drawn up to a failing step that comes past the cap */

#define ROW_BYTES 46
#define ROW_NOTE 28
#define ROW_GAP 26
#define ROW_ERROR 34
#define ROW_DETAIL 15

/* One row of the diagram: an event, or a count of events left out. */
struct seq_row {
    size_t ev;   /* index into the transcript, when |gap| is 0 */
    size_t gap;  /* events not drawn here */
};

/* Which side of the diagram a note belongs to, read from the engine's wording. */
enum side { SIDE_BOTH, SIDE_RUNNER, SIDE_TARGET };

static enum side note_side(const char *text)
{
    static const char *const runner[] = {"runner ", "accepted "};
    static const char *const target[] = {"peer ", "the program", "the server", "the client",
                                         "client started", "target "};
    for (size_t i = 0; i < sizeof runner / sizeof runner[0]; i++)
        if (strncmp(text, runner[i], strlen(runner[i])) == 0)
            return SIDE_RUNNER;
    for (size_t i = 0; i < sizeof target / sizeof target[0]; i++)
        if (strncmp(text, target[i], strlen(target[i])) == 0)
            return SIDE_TARGET;
    return SIDE_BOTH;
}

/* Columns byte |c| takes as plain text (report_html_text shows it so). */
static size_t text_cols(unsigned char c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\t' ? 1 : 4;
}

/* How many bytes of |s| fit in |max| columns of plain text. */
static size_t text_fit(const char *s, size_t n, size_t max)
{
    size_t cols = 0, i = 0;
    for (; i < n; i++) {
        size_t w = text_cols((unsigned char)s[i]);
        if (cols + w > max)
            break;
        cols += w;
    }
    return i;
}

/* Writes at most |max| columns of |s| as escaped text, and an ellipsis when cut. */
static void text_clip(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s), k = text_fit(s, n, max);
    report_html_text(f, s, k, 0);
    if (k < n)
        fputs("&#x2026;", f);
}

/* Columns of |s| as text_clip shows it, at most |max|. */
static size_t clip_cols(const char *s, size_t max)
{
    size_t cols = 0;
    for (; *s && cols <= max; s++)
        cols += text_cols((unsigned char)*s);
    return cols < max ? cols : max;
}

/*
 * Renders the first bytes of |p| (|shown| kept of |len|) as a C-like literal, at most |max|
 * columns between the quotes: printable ASCII as itself, \n \r \t \0 \\ \", else \xNN, then
 * "... +N bytes" for what did not fit. Into |out| of |cap| >= max + 40 bytes, NUL-ended.
 */
static void literal(char *out, size_t cap, const unsigned char *p, size_t shown, size_t len,
                    size_t max)
{
    size_t k = 0, i = 0;
    out[k++] = '"';
    for (; i < shown; i++) {
        char t[8];
        unsigned char c = p[i];
        const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                        : c == 0 ? "\\0" : c == '\\' ? "\\\\" : c == '"' ? "\\\"" : NULL;
        if (esc)
            snprintf(t, sizeof t, "%s", esc);
        else if (c >= 0x20 && c < 0x7f)
            snprintf(t, sizeof t, "%c", c);
        else
            snprintf(t, sizeof t, "\\x%02x", (unsigned)c);
        size_t w = strlen(t);
        if (k - 1 + w > max)
            break;
        memcpy(out + k, t, w);
        k += w;
    }
    out[k++] = '"';
    out[k] = 0;
    if (i < len)
        snprintf(out + k, cap - k, "... +%zu byte%s", len - i, len - i == 1 ? "" : "s");
}

/* Splits |d| into lines of at most SEQ_DETAIL columns; draws them from (x, y) when |f| is
 * not NULL. Returns the rows (at most SEQ_DETAIL_LINES, plus one saying where the rest is). */
static unsigned detail_rows(FILE *f, const struct bytes *d, int x, int y)
{
    const char *s = bytes_str(d);
    size_t n = d->len, i = 0;
    unsigned rows = 0;
    while (n && s[n - 1] == '\n')
        n--;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, j = i;
        /* A long line goes on under its own indentation, two columns further. */
        size_t indent = strspn(s + i, " ");
        indent = indent + 2 < SEQ_DETAIL / 4 ? indent + 2 : SEQ_DETAIL / 4;
        do {
            if (rows == SEQ_DETAIL_LINES) {
                if (f)
                    fprintf(f, "<text class=\"dl\" x=\"%d\" y=\"%d\">&#x2026; (the whole detail "
                            "is shown above the diagram)</text>\n", x, y + ROW_DETAIL * (int)rows);
                return rows + 1;
            }
            size_t pad = j > i ? indent : 0, k = text_fit(s + j, e - j, SEQ_DETAIL - pad);
            /* Cut after a space when there is one in the second half of the line. */
            for (size_t b = k; j + k < e && b > k / 2; b--) {
                if (s[j + b - 1] == ' ') {
                    k = b;
                    break;
                }
            }
            if (f) {
                fprintf(f, "<text class=\"dl\" x=\"%d\" y=\"%d\">%*s", x,
                        y + ROW_DETAIL * (int)rows, (int)pad, "");
                report_html_text(f, s + j, k, 0);
                fputs("</text>\n", f);
            }
            rows++;
            j += k;
        } while (j < e);
        i = nl ? e + 1 : n;
    }
    return rows;
}

static int row_height(const struct transcript *tr, const struct seq_row *w, size_t first_error,
                      const struct bytes *detail)
{
    if (w->gap)
        return ROW_GAP;
    const struct tr_event *e = &tr->ev[w->ev];
    if (e->kind == TR_SEND || e->kind == TR_RECV)
        return ROW_BYTES;
    if (e->kind != TR_ERROR)
        return ROW_NOTE;
    unsigned rows = w->ev == first_error ? detail_rows(NULL, detail, 0, 0) : 0;
    return ROW_ERROR + (rows ? 6 + ROW_DETAIL * (int)rows : 0);
}

/* "a", "a#2" (session 2 of a parallel block), or "" with no connection. */
static void who(char *out, size_t n, const struct tr_event *e)
{
    if (e->session)
        snprintf(out, n, "%s#%u", e->conn, e->session - 1);
    else
        snprintf(out, n, "%s", e->conn);
}

static void draw_bytes(FILE *f, const struct tr_event *e, int y)
{
    int send = e->kind == TR_SEND;
    char name[CF_NAME_MAX + 16], pv[SEQ_TOOLTIP + 40];
    who(name, sizeof name, e);
    int x1 = send ? SEQ_XR : SEQ_XT, x2 = send ? SEQ_XT : SEQ_XR, dir = send ? 1 : -1;
    const char *cls = send ? "send" : "recv";
    fprintf(f, "<g class=\"ev ev-%s\"><title>", cls);
    literal(pv, sizeof pv, e->data, e->shown, e->len, SEQ_TOOLTIP);
    report_html_text(f, pv, strlen(pv), 0);
    fprintf(f, "</title><text class=\"t\" x=\"8\" y=\"%d\">%.1f ms</text>", y + 26,
            (double)e->t_us / 1000.0);
    fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", SEQ_MID, y + 15);
    if (*name) {
        report_html_text(f, name, strlen(name), 0);
        fputs(": ", f);
    }
    fprintf(f, "%s %zu byte%s @%zu %s</text>", send ? "runner sent" : "runner received", e->len,
            e->len == 1 ? "" : "s", e->offset, send ? "&#x2192;" : "&#x2190;");
    fprintf(f, "<line class=\"arrow %s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", cls, x1,
            y + 22, x2 - 10 * dir, y + 22);
    fprintf(f, "<polygon class=\"%s\" points=\"%d,%d %d,%d %d,%d\"/>", cls, x2, y + 22,
            x2 - 11 * dir, y + 17, x2 - 11 * dir, y + 27);
    literal(pv, sizeof pv, e->data, e->shown, e->len, SEQ_PREVIEW);
    fprintf(f, "<text class=\"pv\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", SEQ_MID, y + 38);
    report_html_text(f, pv, strlen(pv), 0);
    fputs("</text></g>\n", f);
}

static void draw_note(FILE *f, const struct tr_event *e, int y)
{
    const char *text = e->text ? e->text : "";
    char name[CF_NAME_MAX + 16];
    who(name, sizeof name, e);
    size_t pre = *name ? strlen(name) + 2 : 0;
    int w = SEQ_COLS(pre + clip_cols(text, SEQ_NOTE - pre)) + 16, x;
    enum side side = note_side(text);
    x = side == SIDE_RUNNER ? SEQ_XR - 24 : side == SIDE_TARGET ? SEQ_XT + 24 - w : SEQ_MID - w / 2;
    if (x + w > SEQ_W - 8)
        x = SEQ_W - 8 - w;
    if (x < SEQ_LEFT)
        x = SEQ_LEFT;
    static const char *const sides[] = {"both", "runner", "target"};
    fprintf(f, "<g class=\"ev ev-note note-%s\"><title>", sides[side]);
    report_html_text(f, text, strlen(text), 0);
    fprintf(f, "</title><text class=\"t\" x=\"8\" y=\"%d\">%.1f ms</text>", y + 18,
            (double)e->t_us / 1000.0);
    fprintf(f, "<rect class=\"note\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" rx=\"3\"/>", x,
            y + 4, w);
    fprintf(f, "<text x=\"%d\" y=\"%d\">", x + 8, y + 18);
    if (*name) {
        report_html_text(f, name, strlen(name), 0);
        fputs(": ", f);
    }
    text_clip(f, text, SEQ_NOTE - pre);
    fputs("</text></g>\n", f);
}

static void draw_error(FILE *f, const struct tr_event *e, int y, int h, int first,
                       const struct bytes *detail)
{
    const char *text = e->text ? e->text : "";
    char name[CF_NAME_MAX + 16];
    who(name, sizeof name, e);
    fprintf(f, "<g class=\"ev ev-error%s\"><title>", first ? " failing-step" : "");
    report_html_text(f, text, strlen(text), 0);
    fprintf(f, "</title><text class=\"t et\" x=\"8\" y=\"%d\">%.1f ms</text>", y + 22,
            (double)e->t_us / 1000.0);
    fprintf(f, "<rect class=\"err\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\"/>",
            SEQ_LEFT, y + 4, SEQ_W - 8 - SEQ_LEFT, h - 8);
    fprintf(f, "<text class=\"et\" x=\"%d\" y=\"%d\">%s: ", SEQ_LEFT + 10, y + 22,
            first ? "&#x2717; FAILED HERE" : "&#x2717; failed");
    size_t pre = 15 + (*name ? strlen(name) + 2 : 0);
    if (*name) {
        report_html_text(f, name, strlen(name), 0);
        fputs(": ", f);
    }
    text_clip(f, text, SEQ_DETAIL - 6 - pre);
    fputs("</text>\n", f);
    if (first && detail->len)
        detail_rows(f, detail, SEQ_LEFT + 10, y + 42);
    fputs("</g>\n", f);
}

int report_html_sequence(FILE *f, const struct run *run, const struct case_result *r)
{
    struct transcript *tr = (struct transcript *)&r->play.tr;
    int client = run->s && run->s->client_role;
    struct seq_row rows[REPORT_HTML_MAX_DRAWN + 4];
    size_t n_rows = 0;
    pthread_mutex_lock(&tr->mu);
    size_t n = tr->n, err = n;
    for (size_t i = 0; i < n && err == n; i++)
        if (tr->ev[i].kind == TR_ERROR)
            err = i;
    if (n == 0) {
        pthread_mutex_unlock(&tr->mu);
        fputs("<p class=\"seq-empty\">No exchange was recorded for this case.</p>\n", f);
        return ferror(f) ? -1 : 0;
    }
    /* Which events are drawn: the first REPORT_HTML_MAX_DRAWN; a failing step beyond them is
     * drawn with the SEQ_TAIL events that led to it. */
    size_t head = n <= REPORT_HTML_MAX_DRAWN ? n
                  : err < REPORT_HTML_MAX_DRAWN || err == n ? REPORT_HTML_MAX_DRAWN
                                                            : REPORT_HTML_MAX_DRAWN - SEQ_TAIL;
    for (size_t i = 0; i < head; i++)
        rows[n_rows++] = (struct seq_row){i, 0};
    size_t next = head;
    if (err != n && err >= head) {
        size_t from = err + 1 - SEQ_TAIL;
        rows[n_rows++] = (struct seq_row){0, from - head};
        for (size_t i = from; i <= err; i++)
            rows[n_rows++] = (struct seq_row){i, 0};
        next = err + 1;
    }
    if (next < n)
        rows[n_rows++] = (struct seq_row){0, n - next};
    int height = SEQ_TOP + 12 + (tr->dropped ? ROW_GAP : 0);
    for (size_t k = 0; k < n_rows; k++)
        height += row_height(tr, &rows[k], err, &r->play.detail);

    fprintf(f, "<svg class=\"seq\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Sequence diagram of the case: "
            "%zu events%s\">\n", SEQ_W, height, SEQ_W, height, n,
            err != n ? ", the failing step marked FAILED HERE" : "");
    fprintf(f, "<text class=\"t\" x=\"8\" y=\"26\">time</text>\n");
    const char *names[2][2] = {{"runner (the client)", "target: the server under test"},
                               {"runner (plays the server)", "target: the client under test"}};
    for (int k = 0; k < 2; k++) {
        int x = k ? SEQ_XT : SEQ_XR;
        fprintf(f, "<g class=\"life-head\"><rect x=\"%d\" y=\"6\" width=\"230\" height=\"28\" "
                "rx=\"4\"/><text x=\"%d\" y=\"25\" text-anchor=\"middle\">%s</text></g>"
                "<line class=\"life\" x1=\"%d\" y1=\"34\" x2=\"%d\" y2=\"%d\"/>\n",
                x - 115, x, names[client][k], x, x, height - 6);
    }
    int y = SEQ_TOP;
    for (size_t k = 0; k < n_rows; k++) {
        const struct seq_row *w = &rows[k];
        int h = row_height(tr, w, err, &r->play.detail);
        if (w->gap) {
            fprintf(f, "<text class=\"gap\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">&#x22EE; "
                    "%zu more event%s not drawn (the text transcript has them)</text>\n",
                    SEQ_MID, y + 17, w->gap, w->gap == 1 ? "" : "s");
        } else {
            const struct tr_event *e = &tr->ev[w->ev];
            if (e->kind == TR_SEND || e->kind == TR_RECV)
                draw_bytes(f, e, y);
            else if (e->kind == TR_ERROR)
                draw_error(f, e, y, h, w->ev == err, &r->play.detail);
            else
                draw_note(f, e, y);
        }
        y += h;
    }
    if (tr->dropped)
        fprintf(f, "<text class=\"gap\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu more "
                "event%s not recorded (the transcript keeps %zu)</text>\n", SEQ_MID, y + 17,
                tr->dropped, tr->dropped == 1 ? "" : "s", tr->max);
    pthread_mutex_unlock(&tr->mu);
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}
