/* catalog.c -- `wirecheck list`, `show` and `lint`: the catalogue of cases and its checks. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "load/selection.h"
#include "load/idlist.h"
#include "load/spec.h"
#include "load/suite.h"

int cli_load_spec(const struct cli *cli, struct spec *spec)
{
    char *text;
    size_t len;
    char err[512];
    int e = suite_read_file(cli->spec, 4 << 20, &text, &len);
    if (e < 0) {
        fprintf(stderr, "wirecheck: %s: %s\n", cli->spec, strerror(-e));
        return -1;
    }
    int rc = spec_parse(cli->spec, text, len, spec, err, sizeof err);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "wirecheck: %s\n", err);
        return -1;
    }
    return 0;
}

void cli_suite_hint(const struct cli *cli, const char *name, char *out, size_t len)
{
    out[0] = 0;
    char **names = suite_names(cli->cases);
    if (!names) {
        snprintf(out, len, " (no suites in %s: give --conformance DIR or set "
                 "$WIRECHECK_CONFORMANCE to the folder holding SPEC.md and cases/)", cli->cases);
        return;
    }
    size_t n = 0;
    while (names[n])
        n++;
    const char *near = selection_suggest(name, (const char *const *)names, n);
    size_t k = near ? (size_t)snprintf(out, len, "; did you mean %s?", near) : 0;
    if (k < len) {
        k += (size_t)snprintf(out + k, len - k, " (suites:");
        for (size_t i = 0; i < n && k < len; i++)
            k += (size_t)snprintf(out + k, len - k, " %s", names[i]);
        if (k < len)
            snprintf(out + k, len - k, ")");
    }
    suite_names_free(names);
}

struct suite *cli_load_suite(const struct cli *cli, const char *name)
{
    struct suite *s;
    char err[1024], hint[1024];
    if (suite_load(cli->cases, name, &s, err, sizeof err) < 0) {
        cli_suite_hint(cli, name, hint, sizeof hint);
        int known = 0;
        char **names = suite_names(cli->cases);
        for (size_t i = 0; names && names[i]; i++)
            known = known || strcmp(names[i], name) == 0;
        suite_names_free(names);
        /* A suite that exists but does not load: its own message says why. */
        if (known)
            fprintf(stderr, "wirecheck: %s\n", err);
        else
            fprintf(stderr, "wirecheck: no suite '%s'%s\n", name, hint);
        return NULL;
    }
    return s;
}

const struct cf_case *cli_load_case(const struct cli *cli, const char *cmd, const char *id,
                                    struct suite **out)
{
    *out = NULL;
    const char *dot = strrchr(id, '.');
    if (!dot || dot == id || dot - id > 200) {
        fprintf(stderr, "wirecheck %s: '%s' is not a case id like sensor.012\n", cmd, id);
        return NULL;
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(dot - id), id);
    struct suite *s = cli_load_suite(cli, name);
    if (!s)
        return NULL;
    const char **ids = calloc(s->n_cases ? s->n_cases : 1, sizeof *ids);
    for (size_t i = 0; i < s->n_cases; i++) {
        if (strcmp(s->cases[i]->id, id) == 0) {
            free(ids);
            *out = s;
            return s->cases[i];
        }
        if (ids)
            ids[i] = s->cases[i]->id;
    }
    const char *near = ids ? selection_suggest(id, ids, s->n_cases) : NULL;
    fprintf(stderr, "wirecheck %s: no case %s%s%s%s (see wirecheck list %s)\n", cmd, id,
            near ? "; did you mean " : "", near ? near : "", near ? "?" : "", name);
    free(ids);
    suite_free(s);
    return NULL;
}

static struct suite *load_or_complain(const struct cli *cli, const char *name)
{
    return cli_load_suite(cli, name);
}

static const char list_usage[] =
    "usage: wirecheck list [SUITE...] [--case GLOB]... [--keyword K]... [--level L]\n"
    "                      [--format text|json]\n"
    "  the cases of the suites (all by default) that the same options of run would select:\n"
    "  --case and --keyword repeat (any selects; --keyword !K excludes); exit 2 when none\n";

int cli_cmd_list(const struct cli *cli, int argc, char **argv)
{
    struct selection sel;
    selection_init(&sel);
    size_t listed_cases = 0;
    int json = 0;
    char **names = NULL;
    int n_named = 0;
    char **named = calloc((size_t)argc, sizeof *named);
    if (!named)
        return 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(list_usage, stdout);
            free(named);
            return 0;
        }
        if (strcmp(argv[i], "--keyword") == 0 && i + 1 < argc) {
            if (selection_add_keyword(&sel, argv[++i]) < 0) {
                fprintf(stderr, "wirecheck list: --keyword takes one word, or !word, not "
                        "'%s'\n", argv[i]);
                free(named);
                return 2;
            }
        } else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            if (selection_add_glob(&sel, argv[++i]) < 0) {
                fprintf(stderr, "wirecheck list: --case takes a glob, not '%s'\n", argv[i]);
                free(named);
                return 2;
            }
        } else if (strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
            if (selection_set_levels(&sel, argv[++i]) < 0) {
                fprintf(stderr, "wirecheck list: --level takes core, robust, stress or all, "
                        "not '%s'\n", argv[i]);
                free(named);
                return 2;
            }
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            i++;
            json = strcmp(argv[i], "json") == 0;
            if (!json && strcmp(argv[i], "text") != 0) {
                fprintf(stderr, "wirecheck list: --format text or json\n");
                free(named);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "wirecheck list: unknown option %s (or its value is missing)\n%s",
                    argv[i], list_usage);
            free(named);
            return 2;
        } else {
            named[n_named++] = argv[i];
        }
    }
    if (n_named == 0) {
        names = suite_names(cli->cases);
        if (!names) {
            fprintf(stderr, "wirecheck: no suites in %s\n", cli->cases);
            free(named);
            return 2;
        }
    }
    cJSON *arr = json ? cJSON_CreateArray() : NULL;
    int rc = 0;
    for (int k = 0; rc == 0; k++) {
        const char *name = n_named ? (k < n_named ? named[k] : NULL) : names[k];
        if (!name)
            break;
        struct suite *s = load_or_complain(cli, name);
        if (!s) {
            rc = 2;
            break;
        }
        for (size_t i = 0; i < s->n_cases; i++) {
            const struct cf_case *c = s->cases[i];
            if (!selection_matches(&sel, c))
                continue;
            listed_cases++;
            if (arr) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "suite", name);
                cJSON_AddStringToObject(o, "id", c->id);
                cJSON_AddStringToObject(o, "level", cf_level_name(c->level));
                cJSON_AddStringToObject(o, "requirement", c->requirement);
                cJSON_AddStringToObject(o, "title", c->title);
                cJSON_AddItemToObject(o, "keywords",
                                      cJSON_CreateStringArray((const char *const *)c->keywords,
                                                              (int)c->n_keywords));
                cJSON_AddBoolToObject(o, "hostile", c->hostile);
                cJSON_AddStringToObject(o, "file", c->file);
                cJSON_AddItemToArray(arr, o);
            } else {
                printf("%-20s %-7s %-8s %s\n", c->id, cf_level_name(c->level), c->requirement,
                       c->title);
            }
        }
        suite_free(s);
    }
    if (rc == 0 && listed_cases == 0 && selection_narrows(&sel)) {
        char what[512];
        selection_describe(&sel, what, sizeof what);
        fprintf(stderr, "wirecheck list: no case matches %s\n", what);
        rc = 2;
    }
    if (arr) {
        char *t = cJSON_Print(arr);
        if (t && rc == 0)
            printf("%s\n", t);
        cJSON_free(t);
        cJSON_Delete(arr);
    }
    suite_names_free(names);
    free(named);
    return rc;
}

static const char show_usage[] =
    "usage: wirecheck show CASE-ID\n"
    "  the case file (sensor.012) and the SPEC.md requirement it cites\n";

int cli_cmd_show(const struct cli *cli, int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(show_usage, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(show_usage, stderr);
        return 2;
    }
    struct suite *s;
    const struct cf_case *c = cli_load_case(cli, "show", argv[1], &s);
    if (!c)
        return 2;
    int rc = 0;
    {
        char *text;
        size_t len;
        printf("==> %s\n", c->file);
        if (suite_read_file(c->file, 1 << 20, &text, &len) == 0) {
            fwrite(text, 1, len, stdout);
            free(text);
        }
        struct spec spec;
        if (cli_load_spec(cli, &spec) == 0) {
            const struct spec_req *r = spec_find(&spec, c->requirement);
            if (r)
                printf("\n==> %s %s [%s, %s] %s\n%s\n", cli->spec, r->id, r->strength,
                       cf_level_name((enum cf_level)r->level), r->title, r->text);
            else
                printf("\n==> %s has no requirement %s\n", cli->spec, c->requirement);
            spec_free(&spec);
        }
    }
    suite_free(s);
    return rc;
}

/* Does |ids| (a requirement's Cases line) list |id|? */
static int listed(const struct spec_req *r, const char *id)
{
    for (size_t i = 0; i < r->n_cases; i++) {
        if (strcmp(r->cases[i], id) == 0)
            return 1;
    }
    return 0;
}

static const char lint_usage[] =
    "usage: wirecheck lint [FILE.case...]\n"
    "  checks that every case parses and cites a requirement of SPEC.md at its level, that\n"
    "  every requirement has a case and an up-to-date Cases: line, and that the DIAGNOSES\n"
    "  files name requirements, cases and keywords that exist; exit 0 or 2.\n"
    "  With FILEs (a finding of wirecheck fuzz, a case of one's own): checks just those, each\n"
    "  against the suite its id names (sensor.901 -> sensor) as run --case-file would load it\n";

static int has_case(const struct suite *s, const char *id)
{
    for (size_t i = 0; i < s->n_cases; i++)
        if (strcmp(s->cases[i]->id, id) == 0)
            return 1;
    return 0;
}

static int has_keyword(const struct suite *s, const char *kw)
{
    for (size_t i = 0; i < s->n_cases; i++)
        for (size_t j = 0; j < s->cases[i]->n_keywords; j++)
            if (strcmp(s->cases[i]->keywords[j], kw) == 0)
                return 1;
    return 0;
}

/* What a suite's own DIAGNOSES file names must exist: a typo would make a diagnosis that never
 * matches, silently. Returns the number of problems printed. */
static unsigned lint_diagnoses(const struct cli *cli, const struct suite *s,
                               const struct spec *spec)
{
    unsigned problems = 0;
    for (size_t k = 0; k < s->n_own_diag; k++) {
        const struct diagnosis *d = &s->diag.d[k];
        char where[5000];
        snprintf(where, sizeof where, "%.4000s/%.200s/DIAGNOSES:%u: %.64s", cli->cases, s->name,
                 d->line, d->id);
        if (!spec_find(spec, d->requirement)) {
            printf("%s: requirement %s is not in SPEC.md\n", where, d->requirement);
            problems++;
        }
        for (size_t i = 0; i < d->n_fails + d->n_passes; i++) {
            const char *id = i < d->n_fails ? d->fails[i] : d->passes[i - d->n_fails];
            if (!has_case(s, id)) {
                printf("%s: %s names %s, which is not a case of the suite\n", where,
                       i < d->n_fails ? "fails:" : "passes:", id);
                problems++;
            }
        }
        for (size_t i = 0; i < d->n_cond; i++) {
            for (size_t j = 0; j < d->cond[i].n_alt; j++) {
                const struct diag_alt *a = &d->cond[i].alt[j];
                for (size_t w = 0; w < a->n_words; w++) {
                    const char *x = a->words[w];
                    int bad = (a->test == DIAG_REQUIREMENT && !spec_find(spec, x)) ||
                              (a->test == DIAG_KEYWORD && !has_keyword(s, x)) ||
                              (a->test == DIAG_CASE && !strpbrk(x, "*?[") && !has_case(s, x));
                    if (bad) {
                        printf("%s: '%s' matches no %s\n", where, x,
                               a->test == DIAG_REQUIREMENT ? "requirement of SPEC.md"
                               : a->test == DIAG_KEYWORD   ? "keyword of the suite's cases"
                                                           : "case of the suite");
                        problems++;
                    }
                }
            }
        }
    }
    return problems;
}

/* The requirement |c| cites exists at the case's level. Returns the problems printed. */
static unsigned lint_citation(const struct spec *spec, const struct cf_case *c,
                              const struct spec_req **req)
{
    const struct spec_req *r = spec_find(spec, c->requirement);
    *req = r;
    if (!r) {
        printf("%s: cites %s, which SPEC.md does not define\n", c->file, c->requirement);
        return 1;
    }
    if (r->level != (int)c->level) {
        printf("%s: level %s, but %s is a %s requirement\n", c->file, cf_level_name(c->level),
               r->id, cf_level_name((enum cf_level)r->level));
        return 1;
    }
    return 0;
}

/* lint FILE...: each file as `run SUITE --case-file FILE` would load it. */
static int lint_files(const struct cli *cli, const struct spec *spec, int n, char **files)
{
    unsigned problems = 0;
    for (int i = 0; i < n; i++) {
        char *text, err[1024];
        size_t len;
        struct cf_case *c = NULL;
        int e = suite_read_file(files[i], 1 << 20, &text, &len);
        if (e < 0) {
            printf("%s: %s\n", files[i], strerror(-e));
            problems++;
            continue;
        }
        e = cf_parse(files[i], text, len, CF_KIND_CASE, NULL, &c, err, sizeof err);
        free(text);
        if (e < 0) {
            printf("%s\n", err);
            problems++;
            continue;
        }
        char name[128];
        const char *dot = strrchr(c->id, '.');
        snprintf(name, sizeof name, "%.*s", dot ? (int)(dot - c->id) : 0, c->id);
        cf_free(c);
        struct suite *s = dot ? cli_load_suite(cli, name) : NULL;
        const struct cf_case *added = NULL;
        if (!s) {
            printf("%s: its id names no suite (want SUITE.NNN)\n", files[i]);
            problems++;
        } else if (suite_add_file(s, files[i], &added, err, sizeof err) < 0) {
            printf("%s\n", err);
            problems++;
        } else {
            const struct spec_req *r;
            unsigned p = lint_citation(spec, added, &r);
            problems += p;
            if (!p)
                printf("%s: ok (%s, %s, %zu steps)\n", files[i], added->id, r->id,
                       added->n_steps);
        }
        suite_free(s);
    }
    printf("%d file%s, %u problem%s\n", n, n == 1 ? "" : "s", problems, problems == 1 ? "" : "s");
    return problems ? 2 : 0;
}

int cli_cmd_lint(const struct cli *cli, int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(lint_usage, stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            fputs(lint_usage, stderr);
            return 2;
        }
    }
    struct spec spec;
    if (cli_load_spec(cli, &spec) < 0)
        return 2;
    if (argc > 1) {
        int rc = lint_files(cli, &spec, argc - 1, argv + 1);
        spec_free(&spec);
        return rc;
    }
    char **names = suite_names(cli->cases);
    if (!names || !names[0]) {
        fprintf(stderr, "wirecheck lint: no suites in %s\n", cli->cases);
        spec_free(&spec);
        suite_names_free(names);
        return 2;
    }
    unsigned problems = 0, total = 0;
    unsigned *cited = calloc(spec.n ? spec.n : 1, sizeof *cited);
    for (size_t k = 0; cited && names[k]; k++) {
        struct suite *s = load_or_complain(cli, names[k]);
        if (!s) {
            problems++;
            continue;
        }
        unsigned per[3] = {0, 0, 0}, own = 0;
        size_t prefix = strlen(names[k]);
        for (size_t i = 0; i < s->n_cases; i++) {
            const struct cf_case *c = s->cases[i];
            if (strncmp(c->id, names[k], prefix) != 0 || c->id[prefix] != '.')
                continue; /* included from another suite: checked there */
            own++;
            per[c->level]++;
            const struct spec_req *r;
            problems += lint_citation(&spec, c, &r);
            if (!r)
                continue;
            cited[r - spec.r]++;
            if (!listed(r, c->id)) {
                printf("%s:%u: %s does not list %s on its Cases line\n", cli->spec, r->line,
                       r->id, c->id);
                problems++;
            }
        }
        problems += lint_diagnoses(cli, s, &spec);
        printf("suite %-18s %3u cases (core %u, robust %u, stress %u), %zu diagnoses\n",
               names[k], own, per[0], per[1], per[2], s->n_own_diag);
        total += own;
        suite_free(s);
    }
    for (size_t i = 0; cited && i < spec.n; i++) {
        const struct spec_req *r = &spec.r[i];
        if (!cited[i]) {
            printf("%s:%u: requirement %s has no case\n", cli->spec, r->line, r->id);
            problems++;
        }
        if (r->n_cases != cited[i] && cited[i]) {
            printf("%s:%u: %s lists %zu cases, %u cite it\n", cli->spec, r->line, r->id,
                   r->n_cases, cited[i]);
            problems++;
        }
    }
    char *text;
    size_t len;
    if (suite_read_file(cli->disabled, 1 << 20, &text, &len) == 0) {
        struct idlist dl;
        char err[512];
        if (idlist_parse(cli->disabled, text, len, &dl, err, sizeof err) < 0) {
            printf("%s\n", err);
            problems++;
        } else {
            idlist_free(&dl);
        }
        free(text);
    }
    printf("%u cases, %zu requirements, %u problem%s\n", total, spec.n, problems,
           problems == 1 ? "" : "s");
    free(cited);
    suite_names_free(names);
    spec_free(&spec);
    return problems ? 2 : 0;
}
