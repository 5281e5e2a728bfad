/* files.c -- what a grade is written as: Gradescope's results.json, grade.json (read back by
 * `grade merge` and by a re-grade that finds nothing changed) and grades.csv. */
#include "grade/grade.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "report/report.h"
#include "status.h"

/* |s| as a JSON string that is always valid ASCII (report_sanitize: \xNN outside it). */
static void add_text(cJSON *o, const char *key, const char *s)
{
    struct bytes b;
    bytes_init(&b, 0);
    report_sanitize(&b, s ? s : "", s ? strlen(s) : 0);
    cJSON_AddStringToObject(o, key, bytes_str(&b));
    bytes_cleanup(&b);
}

static int print_json(FILE *f, cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return ferror(f) ? -1 : 0;
}

/* What a part that did not run says in each of its tests. */
static void part_note(const struct part_result *pr, struct bytes *b)
{
    if (pr->status == PART_GRADED)
        return;
    /* Never a pass: every case of the part counts as failed, shown as not run, with why. */
    bytes_printf(b, "Not run (%s): no case of %s ran, so none counts as passed.",
                 part_status_name(pr->status), pr->part->name);
    if (pr->why[0])
        bytes_printf(b, " Why: %s", pr->why);
    bytes_puts(b, "\n");
}

int grade_write_gradescope(FILE *f, const struct sub_result *sr, const struct grading *g)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return -1;
    cJSON_AddNumberToObject(root, "score", sr->points);
    cJSON_AddNumberToObject(root, "max_score", sr->max);
    cJSON_AddNumberToObject(root, "execution_time", (double)(long)sr->secs);
    struct bytes summary;
    bytes_init(&summary, 0);
    bytes_printf(&summary, "%s%s%.2f of %.2f points.\n", g->title, g->title[0] ? ": " : "",
                 sr->points, sr->max);
    for (size_t i = 0; i < sr->n_parts; i++) {
        const struct part_result *pr = &sr->parts[i];
        bytes_printf(&summary, "  %s: %.2f of %.2f (%s)\n", pr->part->name, pr->points, pr->max,
                     part_status_name(pr->status));
    }
    add_text(root, "output", bytes_str(&summary));
    bytes_cleanup(&summary);
    cJSON_AddStringToObject(root, "visibility", "visible");
    cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
    cJSON *tests = cJSON_AddArrayToObject(root, "tests");
    unsigned number = 0;
    for (size_t i = 0; tests && i < sr->n_parts; i++) {
        const struct part_result *pr = &sr->parts[i];
        for (size_t k = 0; k < pr->n_reqs; k++) {
            const struct req_score *r = &pr->reqs[k];
            cJSON *t = cJSON_CreateObject();
            if (!t)
                break;
            char name[400];
            snprintf(name, sizeof name, "%s: %s%s%s", pr->part->name, r->id, r->title[0] ? " " : "",
                     r->title);
            add_text(t, "name", name);
            char num[48];
            snprintf(num, sizeof num, "%zu.%zu", i + 1, k + 1);
            cJSON_AddStringToObject(t, "number", num);
            cJSON_AddNumberToObject(t, "score", r->points);
            cJSON_AddNumberToObject(t, "max_score", r->max);
            int passed =
                pr->status == PART_GRADED && (r->accepted || (r->cases && r->passed == r->cases));
            cJSON_AddStringToObject(t, "status", passed ? "passed" : "failed");
            struct bytes out;
            bytes_init(&out, 0);
            part_note(pr, &out);
            bytes_printf(&out, "%u of %u cases passed", r->passed, r->cases);
            if (r->not_run)
                bytes_printf(&out, ", %u not run", r->not_run);
            bytes_puts(&out, ".\n");
            if (r->accepted && pr->status == PART_GRADED)
                bytes_printf(&out, "Accepted without the points at stake: %s\n", r->accepted);
            if (r->output)
                bytes_printf(&out, "\n%s", r->output);
            add_text(t, "output", bytes_str(&out));
            bytes_cleanup(&out);
            cJSON_AddStringToObject(t, "visibility", "visible");
            cJSON_AddItemToArray(tests, t);
            number++;
        }
    }
    return print_json(f, root);
}

int grade_write_summary(FILE *f, const struct sub_result *sr, const char *hash, const char *key)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return -1;
    cJSON_AddStringToObject(root, "schema", "wirecheck-grade/1");
    add_text(root, "name", sr->name);
    cJSON_AddStringToObject(root, "hash", hash);
    cJSON_AddStringToObject(root, "key", key);
    cJSON_AddNumberToObject(root, "points", sr->points);
    cJSON_AddNumberToObject(root, "max", sr->max);
    cJSON_AddNumberToObject(root, "secs", sr->secs);
    cJSON_AddBoolToObject(root, "failed", sr->failed);
    cJSON *parts = cJSON_AddArrayToObject(root, "parts");
    for (size_t i = 0; parts && i < sr->n_parts; i++) {
        const struct part_result *pr = &sr->parts[i];
        cJSON *p = cJSON_CreateObject();
        if (!p)
            break;
        cJSON_AddStringToObject(p, "name", pr->part->name);
        cJSON_AddStringToObject(p, "status", part_status_name(pr->status));
        add_text(p, "why", pr->why);
        cJSON_AddNumberToObject(p, "points", pr->points);
        cJSON_AddNumberToObject(p, "max", pr->max);
        cJSON_AddNumberToObject(p, "secs", pr->secs);
        cJSON *reqs = cJSON_AddArrayToObject(p, "requirements");
        for (size_t k = 0; reqs && k < pr->n_reqs; k++) {
            const struct req_score *r = &pr->reqs[k];
            cJSON *o = cJSON_CreateObject();
            if (!o)
                break;
            cJSON_AddStringToObject(o, "id", r->id);
            add_text(o, "title", r->title);
            cJSON_AddStringToObject(o, "strength", r->strength);
            cJSON_AddNumberToObject(o, "level", r->level);
            cJSON_AddNumberToObject(o, "points", r->points);
            cJSON_AddNumberToObject(o, "max", r->max);
            cJSON_AddNumberToObject(o, "cases", r->cases);
            cJSON_AddNumberToObject(o, "passed", r->passed);
            cJSON_AddNumberToObject(o, "not_run", r->not_run);
            cJSON_AddBoolToObject(o, "accepted", r->accepted != NULL);
            add_text(o, "output", r->output);
            cJSON_AddItemToArray(reqs, o);
        }
        cJSON_AddItemToArray(parts, p);
    }
    return print_json(f, root);
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static enum part_status status_of(const char *name)
{
    for (int s = PART_GRADED; s <= PART_ERROR; s++)
        if (strcmp(part_status_name((enum part_status)s), name) == 0)
            return (enum part_status)s;
    return PART_ERROR;
}

static int read_part(const cJSON *p, const struct grading_part *gp, struct part_result *pr)
{
    memset(pr, 0, sizeof *pr);
    pr->part = gp;
    pr->status = status_of(str_of(p, "status"));
    snprintf(pr->why, sizeof pr->why, "%s", str_of(p, "why"));
    pr->secs = num_of(p, "secs");
    const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(p, "requirements");
    int n = cJSON_GetArraySize(reqs);
    pr->reqs = calloc(n > 0 ? (size_t)n : 1, sizeof *pr->reqs);
    if (!pr->reqs)
        return WC_ERR_NOMEM;
    const cJSON *o;
    cJSON_ArrayForEach(o, reqs)
    {
        struct req_score *r = &pr->reqs[pr->n_reqs++];
        snprintf(r->id, sizeof r->id, "%s", str_of(o, "id"));
        snprintf(r->title, sizeof r->title, "%s", str_of(o, "title"));
        snprintf(r->strength, sizeof r->strength, "%s", str_of(o, "strength"));
        r->level = (int)num_of(o, "level");
        r->max = num_of(o, "max");
        r->cases = (unsigned)num_of(o, "cases");
        r->passed = (unsigned)num_of(o, "passed");
        r->not_run = (unsigned)num_of(o, "not_run");
        const struct grading_accept *a = grading_accepted(gp, r->id);
        r->accepted =
            a && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "accepted")) ? a->reason : NULL;
        const char *out = str_of(o, "output");
        if (*out && !(r->output = strdup(out)))
            return WC_ERR_NOMEM;
    }
    score_total(pr);
    return 0;
}

int grade_read_summary(const char *json, size_t len, const struct grading *g, struct sub_result *sr,
                       char hash[17], char key[17], char *err, size_t errlen)
{
    memset(sr, 0, sizeof *sr);
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *parts = root ? cJSON_GetObjectItemCaseSensitive(root, "parts") : NULL;
    if (!root || strcmp(str_of(root, "schema"), "wirecheck-grade/1") != 0 ||
        cJSON_GetArraySize(parts) != (int)g->n_parts) {
        snprintf(err, errlen, "not a grade.json of this grading file (%zu parts)", g->n_parts);
        cJSON_Delete(root);
        return WC_ERR_INVALID;
    }
    snprintf(hash, 17, "%s", str_of(root, "hash"));
    snprintf(key, 17, "%s", str_of(root, "key"));
    sr->name = strdup(str_of(root, "name"));
    sr->parts = calloc(g->n_parts, sizeof *sr->parts);
    int rc = sr->name && sr->parts ? 0 : WC_ERR_NOMEM;
    size_t i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, parts)
    {
        if (rc == 0 && strcmp(str_of(p, "name"), g->parts[i].name) != 0) {
            snprintf(err, errlen, "part %zu is '%s', the grading file's is '%s'", i + 1,
                     str_of(p, "name"), g->parts[i].name);
            rc = WC_ERR_INVALID;
        }
        if (rc == 0) {
            rc = read_part(p, &g->parts[i], &sr->parts[i]);
            sr->n_parts = i + 1;
        }
        i++;
    }
    sr->secs = num_of(root, "secs");
    sr->failed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "failed"));
    for (size_t k = 0; k < sr->n_parts; k++) {
        sr->points += sr->parts[k].points;
        sr->max += sr->parts[k].max;
    }
    cJSON_Delete(root);
    if (rc)
        sub_result_cleanup(sr);
    return rc;
}

int grade_write_class_files(const char *out, const char *grading_text, size_t len,
                            const struct sub_result *subs, size_t n, const struct grading *g)
{
    char path[PATH_MAX + 32];
    int rc = 0;
    snprintf(path, sizeof path, "%s/grading.txt", out);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(grading_text, 1, len, f) != len)
        rc = -1;
    if (f && fclose(f) != 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/grades.csv", out);
    f = fopen(path, "w");
    if (!f || grade_write_csv(f, subs, n, g) < 0)
        rc = -1;
    if (f && fclose(f) != 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/index.html", out);
    f = fopen(path, "w");
    if (!f || grade_write_matrix(f, subs, n, g) < 0)
        rc = -1;
    if (f && fclose(f) != 0)
        rc = -1;
    return rc;
}

/* One CSV field, after a comma unless it is the row's first, quoted when it holds a comma, a
 * quote or a line break (RFC 4180); a field a spreadsheet would read as a formula (= + - @,
 * but a negative number) gets a leading quote mark. */
static void csv_field(FILE *f, const char *s, int *first)
{
    if (!*first)
        fputc(',', f);
    *first = 0;
    int formula = s[0] && strchr("=+-@", s[0]) && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
    if (formula || strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        if (formula)
            fputc('\'', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

int grade_write_csv(FILE *f, const struct sub_result *subs, size_t n, const struct grading *g)
{
    char cell[512];
    int first = 1;
    static const char *const head[] = {"submission", "total", "max", "status", "seconds"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csv_field(f, head[i], &first);
    for (size_t i = 0; i < g->n_parts; i++) {
        csv_field(f, g->parts[i].name, &first);
        snprintf(cell, sizeof cell, "%s status", g->parts[i].name);
        csv_field(f, cell, &first);
    }
    /* The requirement columns, from the first submission with parts (every one has the same
     * table; a row without one, out of memory, gets empty cells). */
    const struct sub_result *model = NULL;
    for (size_t s = 0; s < n && !model; s++)
        if (subs[s].n_parts == g->n_parts)
            model = &subs[s];
    for (size_t i = 0; model && i < model->n_parts; i++)
        for (size_t k = 0; k < model->parts[i].n_reqs; k++) {
            snprintf(cell, sizeof cell, "%s %s", model->parts[i].part->name,
                     model->parts[i].reqs[k].id);
            csv_field(f, cell, &first);
        }
    fputs("\r\n", f);
    for (size_t s = 0; s < n; s++) {
        const struct sub_result *sr = &subs[s];
        first = 1;
        csv_field(f, sr->name ? sr->name : "", &first);
        snprintf(cell, sizeof cell, "%.2f", sr->points);
        csv_field(f, cell, &first);
        snprintf(cell, sizeof cell, "%.2f", sr->max);
        csv_field(f, cell, &first);
        csv_field(f, sr->failed ? "not graded" : "graded", &first);
        snprintf(cell, sizeof cell, "%.1f", sr->secs);
        csv_field(f, cell, &first);
        for (size_t i = 0; i < g->n_parts; i++) {
            int have = i < sr->n_parts;
            snprintf(cell, sizeof cell, "%.2f", have ? sr->parts[i].points : 0.0);
            csv_field(f, have ? cell : "", &first);
            csv_field(f, have ? part_status_name(sr->parts[i].status) : "", &first);
        }
        for (size_t i = 0; model && i < model->n_parts; i++)
            for (size_t k = 0; k < model->parts[i].n_reqs; k++) {
                int have = i < sr->n_parts && k < sr->parts[i].n_reqs;
                snprintf(cell, sizeof cell, "%.2f", have ? sr->parts[i].reqs[k].points : 0.0);
                csv_field(f, have ? cell : "", &first);
            }
        fputs("\r\n", f);
    }
    return ferror(f) ? -1 : 0;
}
