/* score.c -- a part's points per requirement, from its suite and its run's JSON report. */
#include "grade/grade.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "status.h"

const char *part_status_name(enum part_status s)
{
    static const char *const names[] = {"graded",       "not started", "missing",
                                        "build failed", "time limit",  "error"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Bytes of failing-case text kept per requirement (Gradescope shows it under the test). */
#define SCORE_OUTPUT_MAX 8192

static struct req_score *find_req(struct part_result *pr, const char *id)
{
    for (size_t i = 0; i < pr->n_reqs; i++)
        if (strcmp(pr->reqs[i].id, id) == 0)
            return &pr->reqs[i];
    return NULL;
}

int score_init(struct part_result *pr, const struct grading *g, const struct grading_part *part,
               const struct suite *s, const struct spec *spec, struct idlist *disabled)
{
    memset(pr, 0, sizeof *pr);
    pr->part = part;
    for (size_t i = 0; i < s->n_cases; i++) {
        const struct cf_case *c = s->cases[i];
        if (!((part->levels >> c->level) & 1u) || (disabled && idlist_find(disabled, c->id)))
            continue;
        struct req_score *r = find_req(pr, c->requirement);
        if (!r) {
            struct req_score *grown = realloc(pr->reqs, (pr->n_reqs + 1) * sizeof *grown);
            if (!grown)
                return WC_ERR_NOMEM;
            pr->reqs = grown;
            r = &grown[pr->n_reqs++];
            memset(r, 0, sizeof *r);
            snprintf(r->id, sizeof r->id, "%s", c->requirement);
            const struct spec_req *sr = spec ? spec_find(spec, c->requirement) : NULL;
            snprintf(r->title, sizeof r->title, "%s", sr ? sr->title : "");
            snprintf(r->strength, sizeof r->strength, "%s", sr ? sr->strength : "");
            r->level = sr ? sr->level : (int)c->level;
            r->max = grading_points_for(g, part, r->id, r->strength, r->level);
            const struct grading_accept *a = grading_accepted(part, r->id);
            r->accepted = a ? a->reason : NULL;
        }
        r->cases++;
    }
    score_total(pr);
    return 0;
}

void score_total(struct part_result *pr)
{
    pr->points = pr->max = 0;
    for (size_t i = 0; i < pr->n_reqs; i++) {
        struct req_score *r = &pr->reqs[i];
        int ran = pr->status == PART_GRADED;
        r->points = !ran          ? 0
                    : r->accepted ? r->max
                    : r->cases    ? r->max * (double)r->passed / (double)r->cases
                                  : 0;
        /* Two decimals, so that a CSV and a results.json add up to what they show. */
        r->points = (double)(long long)(r->points * 100 + 0.5) / 100;
        pr->points += r->points;
        pr->max += r->max;
    }
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void append_failure(struct req_score *r, const cJSON *c)
{
    struct bytes b;
    bytes_init(&b, SCORE_OUTPUT_MAX);
    if (r->output)
        bytes_puts(&b, r->output);
    const char *id = str_of(c, "id"), *title = str_of(c, "title"), *outcome = str_of(c, "outcome");
    const char *reason = str_of(c, "reason"), *rerun = str_of(c, "rerun");
    const char *liveness = str_of(c, "liveness");
    int not_run = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "not_run"));
    /* Whole blocks only: a full buffer drops the later cases, never half of one. */
    struct bytes one;
    bytes_init(&one, SCORE_OUTPUT_MAX);
    bytes_printf(&one, "%s %s: %s\n",
                 not_run   ? "NOT RUN"
                 : outcome ? outcome
                           : "?",
                 id ? id : "?", title ? title : "");
    if (reason)
        bytes_printf(&one, "  %s\n", reason);
    if (liveness)
        bytes_printf(&one, "  %s\n", liveness);
    if (rerun)
        bytes_printf(&one, "  rerun: %s\n", rerun);
    if (bytes_append(&b, one.data, one.len) == 0 || b.len == 0) {
        free(r->output);
        r->output = bytes_take(&b);
    }
    bytes_cleanup(&one);
    bytes_cleanup(&b);
}

int score_report(struct part_result *pr, const char *json, size_t len, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *cases = root ? cJSON_GetObjectItemCaseSensitive(root, "cases") : NULL;
    const char *suite = root ? str_of(root, "suite") : NULL;
    if (!cJSON_IsArray(cases) || !suite || strcmp(suite, pr->part->suite) != 0) {
        snprintf(err, errlen, "not a JSON report of suite %s", pr->part->suite);
        cJSON_Delete(root);
        return WC_ERR_INVALID;
    }
    for (size_t i = 0; i < pr->n_reqs; i++)
        pr->reqs[i].passed = pr->reqs[i].not_run = 0;
    /* Cases per requirement that the report has; the rest of each count failed unseen. */
    unsigned *seen = calloc(pr->n_reqs ? pr->n_reqs : 1, sizeof *seen);
    if (!seen) {
        cJSON_Delete(root);
        return WC_ERR_NOMEM;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        const char *req = str_of(c, "requirement"), *outcome = str_of(c, "outcome");
        struct req_score *r = req ? find_req(pr, req) : NULL;
        if (!r || !outcome || strcmp(outcome, "skip") == 0 || strcmp(outcome, "unsupported") == 0)
            continue;
        seen[r - pr->reqs]++;
        int not_run = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "not_run"));
        if (!not_run && (strcmp(outcome, "pass") == 0 || strcmp(outcome, "non-strict") == 0 ||
                         strcmp(outcome, "flaky") == 0)) {
            r->passed++;
        } else {
            r->not_run += (unsigned)not_run;
            append_failure(r, c);
        }
    }
    for (size_t i = 0; i < pr->n_reqs; i++) {
        /* More cases than the suite has at these levels would be a report of something else. */
        if (seen[i] > pr->reqs[i].cases || pr->reqs[i].passed > pr->reqs[i].cases)
            pr->reqs[i].passed = 0;
        /* A case of the part the report does not have did not run: failed, and said so. */
        else
            pr->reqs[i].not_run += pr->reqs[i].cases - seen[i];
    }
    free(seen);
    cJSON_Delete(root);
    score_total(pr);
    return 0;
}

void part_result_cleanup(struct part_result *pr)
{
    for (size_t i = 0; i < pr->n_reqs; i++)
        free(pr->reqs[i].output);
    free(pr->reqs);
    pr->reqs = NULL;
    pr->n_reqs = 0;
}

void sub_result_cleanup(struct sub_result *sr)
{
    for (size_t i = 0; i < sr->n_parts; i++)
        part_result_cleanup(&sr->parts[i]);
    free(sr->parts);
    free(sr->name);
    memset(sr, 0, sizeof *sr);
}
