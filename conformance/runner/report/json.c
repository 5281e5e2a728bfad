/* json.c -- the JSON report (schema "wirecheck-report/1", documented in README.md). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/diagnose.h"

/* Adds |s| (any bytes) as a string that is always valid ASCII JSON. */
static void add_safe(cJSON *o, const char *key, const void *s, size_t n)
{
    struct bytes b;
    bytes_init(&b, 0);
    report_sanitize(&b, s, n);
    cJSON_AddStringToObject(o, key, bytes_str(&b));
    bytes_cleanup(&b);
}

static void add_opt(cJSON *o, const char *key, const char *s)
{
    if (s && *s)
        add_safe(o, key, s, strlen(s));
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *transcript_json(struct transcript *tr)
{
    cJSON *a = cJSON_CreateArray();
    static const char *const kinds[] = {"", "send", "recv", "event", "error"};
    pthread_mutex_lock(&tr->mu);
    for (size_t i = 0; a && i < tr->n; i++) {
        const struct tr_event *e = &tr->ev[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddNumberToObject(o, "t_ms", (double)e->t_us / 1000.0);
        if (e->session)
            cJSON_AddNumberToObject(o, "session", e->session - 1);
        else
            cJSON_AddNullToObject(o, "session");
        cJSON_AddStringToObject(o, "conn", e->conn);
        cJSON_AddStringToObject(o, "kind", kinds[e->kind]);
        if (e->kind == TR_SEND || e->kind == TR_RECV) {
            cJSON_AddNumberToObject(o, "offset", (double)e->offset);
            cJSON_AddNumberToObject(o, "length", (double)e->len);
            char *hex = malloc(e->shown * 2 + 1);
            if (hex) {
                for (size_t k = 0; k < e->shown; k++)
                    snprintf(hex + 2 * k, 3, "%02x", (unsigned)e->data[k]);
                hex[e->shown * 2] = 0;
                cJSON_AddStringToObject(o, "data_hex", hex);
                free(hex);
            }
            cJSON_AddBoolToObject(o, "truncated", e->shown < e->len);
        } else {
            add_opt(o, "text", e->text);
        }
        cJSON_AddItemToArray(a, o);
    }
    pthread_mutex_unlock(&tr->mu);
    return a;
}

/* Milliseconds by kind of wait (engine/waits.h), rounded to microseconds. */
static cJSON *waits_json(const struct waits *w)
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; o && k < WAIT_KINDS; k++)
        cJSON_AddNumberToObject(o, waits_name((enum wait_kind)k),
                                (double)(long long)(w->ms[k] * 1000.0 + 0.5) / 1000.0);
    return o;
}

static cJSON *case_json(const struct run *run, const struct case_result *r,
                        const struct spec *spec, const struct report_opts *ro)
{
    const struct cf_case *c = r->c;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", c->id);
    add_safe(o, "title", c->title, strlen(c->title));
    cJSON_AddStringToObject(o, "level", cf_level_name(c->level));
    cJSON_AddStringToObject(o, "requirement", c->requirement);
    const struct spec_req *req = spec ? spec_find(spec, c->requirement) : NULL;
    if (req)
        cJSON_AddStringToObject(o, "strength", req->strength);
    else
        cJSON_AddNullToObject(o, "strength");
    cJSON_AddItemToObject(o, "keywords", cJSON_CreateStringArray((const char *const *)c->keywords,
                                                                (int)c->n_keywords));
    cJSON_AddBoolToObject(o, "hostile", c->hostile);
    cJSON_AddStringToObject(o, "outcome", outcome_name(r->play.v.outcome));
    cJSON_AddBoolToObject(o, "failed",
                          outcome_is_failure(r->play.v.outcome) || r->unexpected_pass || r->not_run);
    cJSON_AddBoolToObject(o, "not_run", r->not_run);
    cJSON_AddNumberToObject(o, "attempts", r->attempts);
    cJSON_AddNumberToObject(o, "duration_ms", r->ms);
    cJSON_AddItemToObject(o, "waits", waits_json(&r->play.waits));
    if (r->play.v.line)
        cJSON_AddNumberToObject(o, "line", r->play.v.line);
    else
        cJSON_AddNullToObject(o, "line");
    add_opt(o, "reason", r->play.v.reason);
    add_opt(o, "detail", bytes_str(&r->play.detail));
    add_opt(o, "liveness", r->liveness);
    add_opt(o, "baseline", r->known);
    cJSON_AddBoolToObject(o, "unexpected_pass", r->unexpected_pass);
    if (report_wants_transcript(r, ro))
        cJSON_AddItemToObject(o, "transcript",
                              transcript_json((struct transcript *)&r->play.tr));
    else
        cJSON_AddNullToObject(o, "transcript");
    struct bytes cmd;
    bytes_init(&cmd, 8192);
    if ((outcome_is_failure(r->play.v.outcome) || r->play.v.outcome == OUT_WARN) &&
        !r->not_run && report_rerun(run, r, &cmd) == 0)
        add_safe(o, "rerun", cmd.data, cmd.len);
    else
        cJSON_AddNullToObject(o, "rerun");
    bytes_cleanup(&cmd);
    add_opt(o, "stdout_tail", r->out_tail);
    add_opt(o, "stderr_tail", r->err_tail);
    if (r->diagnosis >= 0)
        cJSON_AddNumberToObject(o, "diagnosis", r->diagnosis);
    else
        cJSON_AddNullToObject(o, "diagnosis");
    return o;
}

/* Per requirement, in the order the cases cite them: how its selected cases ended (the same
 * tally as the text report's "by requirement" lines). */
static cJSON *requirements_json(const struct run *run)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < run->n; i++) {
        struct report_requirement t;
        if (!report_requirement_at(run, i, &t))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", t.id);
        const struct spec_req *req = run->spec ? spec_find(run->spec, t.id) : NULL;
        if (req)
            cJSON_AddStringToObject(o, "strength", req->strength);
        else
            cJSON_AddNullToObject(o, "strength");
        cJSON_AddNumberToObject(o, "cases", t.cases);
        cJSON_AddNumberToObject(o, "failing", t.bad - t.warned);
        cJSON_AddNumberToObject(o, "warnings", t.warned);
        cJSON_AddNumberToObject(o, "unexpected_passes", t.xpass);
        cJSON_AddBoolToObject(o, "met", t.bad == 0);
        cJSON *ids = cJSON_AddArrayToObject(o, "not_met_by");
        for (const char *p = bytes_str(&t.ids); ids && *p;) {
            p += strspn(p, " ");
            size_t n = strcspn(p, " ");
            if (n) {
                char id[128];
                snprintf(id, sizeof id, "%.*s", (int)(n < 127 ? n : 127), p);
                cJSON_AddItemToArray(ids, cJSON_CreateString(id));
            }
            p += n;
        }
        report_requirement_cleanup(&t);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* The causes that explain several failures, in order: a case's "diagnosis" indexes this. */
static cJSON *diagnoses_json(const struct run *run)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; a && k < run->n_diag; k++) {
        const struct run_diagnosis *rd = &run->diag[k];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddStringToObject(o, "id", rd->d->id);
        cJSON_AddStringToObject(o, "requirement", rd->d->requirement);
        add_safe(o, "text", rd->text, strlen(rd->text));
        struct bytes h;
        bytes_init(&h, 0);
        if (diagnose_headline(run, k, &h) == 0)
            add_safe(o, "headline", h.data, h.len);
        bytes_cleanup(&h);
        cJSON_AddBoolToObject(o, "warnings_only", rd->warn_only);
        cJSON *ids = cJSON_AddArrayToObject(o, "cases");
        for (size_t j = 0; ids && j < rd->n; j++)
            cJSON_AddItemToArray(ids, cJSON_CreateString(run->res[rd->cases[j]].c->id));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

int report_json(FILE *f, const struct run *run, const struct report_opts *ro)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return -1;
    cJSON_AddStringToObject(root, "schema", REPORT_JSON_SCHEMA);
    cJSON_AddStringToObject(root, "wirecheck_version", WIRECHECK_VERSION);
    cJSON_AddStringToObject(root, "suite", run->s->name);
    add_safe(root, "name", report_name(run, ro), strlen(report_name(run, ro)));
    add_safe(root, "target", run->target_desc, strlen(run->target_desc));
    cJSON_AddNumberToObject(root, "wall_ms", run->wall_ms);
    cJSON *waits = waits_json(&run->waits);
    cJSON *probes = cJSON_AddObjectToObject(waits, "readiness_probes");
    if (probes) {
        cJSON_AddNumberToObject(probes, "sent", run->probes);
        cJSON_AddNumberToObject(probes, "refused", run->probes_refused);
        cJSON_AddNumberToObject(probes, "unanswered", run->probes_unanswered);
    }
    cJSON_AddItemToObject(root, "waits", waits);
    cJSON_AddNumberToObject(root, "exit_code", run_exit_code(run));
    add_opt(root, "fatal", run->fatal ? run->fatal_msg : NULL);
    unsigned counts[OUT_COUNT] = {0};
    unsigned selected = 0, known = 0, xpass = 0;
    cJSON *cases = cJSON_CreateArray();
    for (size_t i = 0; cases && i < run->n; i++) {
        const struct case_result *r = &run->res[i];
        if (!r->selected)
            continue;
        selected++;
        counts[r->play.v.outcome]++;
        known += r->known && outcome_is_failure(r->play.v.outcome);
        xpass += (unsigned)r->unexpected_pass;
        cJSON_AddItemToArray(cases, case_json(run, r, run->spec, ro));
    }
    cJSON *sum = cJSON_AddObjectToObject(root, "summary");
    if (sum) {
        cJSON_AddNumberToObject(sum, "selected", selected);
        for (int o = 0; o < OUT_COUNT; o++)
            cJSON_AddNumberToObject(sum, outcome_name((enum outcome)o), counts[o]);
        cJSON_AddNumberToObject(sum, "known_failures", known);
        cJSON_AddNumberToObject(sum, "unexpected_passes", xpass);
        cJSON_AddBoolToObject(sum, "strict", run->o->strict);
        cJSON_AddNumberToObject(sum, "restarts", run->restarts);
    }
    cJSON_AddItemToObject(root, "diagnoses", diagnoses_json(run));
    cJSON_AddItemToObject(root, "requirements", requirements_json(run));
    cJSON_AddItemToObject(root, "cases", cases);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return ferror(f) ? -1 : 0;
}
