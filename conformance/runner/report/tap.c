/* tap.c -- the TAP report (version 13): a test point per case, a YAML block for what went wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/diagnose.h"

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

/* Appends |text| as the lines of a YAML block scalar at |indent|. YAML (and TAP::Parser's
 * YAMLish) take the block's indentation from its first line and end the block at a line
 * indented less: so every line is moved left by the smallest indentation among them, and the
 * first line all the way. */
static void yaml_block(struct bytes *b, const char *text, size_t len, const char *indent)
{
    size_t least = (size_t)-1;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t sp = 0;
        while (i + sp < e && text[i + sp] == ' ')
            sp++;
        if (i + sp < e && sp < least)
            least = sp;
        i = e + 1;
    }
    int first = 1;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t skip = e - i < least ? e - i : least;
        if (first && e > i) {
            while (i + skip < e && text[i + skip] == ' ')
                skip++;
            first = 0;
        }
        bytes_printf(b, "%s%.*s\n", indent, (int)(e - i - skip), text + i + skip);
        i = e + 1;
    }
}

int report_tap(FILE *f, const struct run *run, const struct report_opts *ro)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < run->n; i++)
        total += (size_t)run->res[i].selected;
    /* Version 13: what Debian's prove (TAP::Parser 3.44) reads; nothing here needs 14, and
     * TAP 14 consumers read 13. */
    fprintf(f, "TAP version 13\n1..%zu\n", total);
    fprintf(f, "# wirecheck: %s, suite %s against ", report_name(run, ro), run->s->name);
    struct bytes t;
    bytes_init(&t, 4096);
    report_sanitize(&t, run->target_desc, strlen(run->target_desc));
    for (size_t i = 0; i < t.len; i++)
        fputc(t.data[i] == '\n' ? ' ' : t.data[i], f);
    bytes_cleanup(&t);
    fputc('\n', f);
    if (run->fatal)
        fprintf(f, "# the target could not be started: %s\n", run->fatal_msg);
    for (size_t i = 0; i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        k++;
        int bad = outcome_is_failure(r->play.v.outcome) || r->unexpected_pass;
        fprintf(f, "%s %zu - %s %s", bad ? "not ok" : "ok", k, r->c->id, r->c->title);
        if (r->play.v.outcome == OUT_SKIP || r->play.v.outcome == OUT_UNSUPPORTED)
            fprintf(f, " # SKIP %s", r->play.v.reason);
        else if (r->known && outcome_is_failure(r->play.v.outcome))
            fprintf(f, " # TODO known failure: %s", r->known);
        fputc('\n', f);
        if (!bad && r->play.v.outcome == OUT_PASS && ro->transcript != TRANSCRIPT_ALWAYS)
            continue;
        if (r->play.v.outcome == OUT_SKIP || r->play.v.outcome == OUT_UNSUPPORTED)
            continue;
        struct bytes b;
        bytes_init(&b, 0);
        bytes_printf(&b, "  ---\n  outcome: %s\n  requirement: %s\n  level: %s\n",
                     outcome_name(r->play.v.outcome), r->c->requirement, cf_level_name(r->c->level));
        bytes_printf(&b, "  duration_ms: %.1f\n  attempts: %u\n", r->ms, r->attempts);
        if (r->play.v.reason[0] || r->unexpected_pass) {
            bytes_puts(&b, "  message: ");
            yaml_str(&b, r->unexpected_pass ? "passed, but the baseline expects a failure"
                                            : r->play.v.reason);
            bytes_puts(&b, "\n");
        }
        if (r->liveness[0]) {
            bytes_puts(&b, "  liveness: ");
            yaml_str(&b, r->liveness);
            bytes_puts(&b, "\n");
        }
        if (r->diagnosis >= 0) {
            struct bytes h;
            bytes_init(&h, 0);
            if (diagnose_headline(run, (size_t)r->diagnosis, &h) == 0) {
                bytes_puts(&b, "  diagnosis: ");
                yaml_str(&b, bytes_str(&h));
                bytes_puts(&b, "\n");
            }
            bytes_cleanup(&h);
        }
        struct bytes d;
        bytes_init(&d, 0);
        report_details(&d, r, report_wants_transcript(r, ro), "");
        if (d.len) {
            bytes_puts(&b, "  details: |\n");
            yaml_block(&b, bytes_str(&d), d.len, "    ");
        }
        bytes_cleanup(&d);
        bytes_puts(&b, "  ...\n");
        fputs(bytes_str(&b), f);
        bytes_cleanup(&b);
    }
    return ferror(f) ? -1 : 0;
}
