/* suite.c -- finds, reads and checks the case files of a suite directory. */
#include "load/suite.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int suite_read_file(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return -ENOMEM;
    }
    size_t n = fread(buf, 1, max + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > max) {
        free(buf);
        return bad ? -EIO : -EFBIG;
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_case(const void *a, const void *b)
{
    const struct cf_case *x = *(struct cf_case *const *)a, *y = *(struct cf_case *const *)b;
    return strcmp(x->id, y->id);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The *.case files of |dir|, sorted; NULL-terminated. */
static char **case_files(const char *dir, int *err)
{
    DIR *d = opendir(dir);
    *err = 0;
    if (!d) {
        *err = -errno;
        return NULL;
    }
    size_t n = 0;
    char **v = calloc(SUITE_MAX_CASES + 1, sizeof *v);
    struct dirent *de;
    while (v && (de = readdir(d)) != NULL) {
        if (!ends_with(de->d_name, ".case") || de->d_name[0] == '.')
            continue;
        if (n == SUITE_MAX_CASES) {
            *err = -EFBIG;
            break;
        }
        v[n] = strdup(de->d_name);
        if (!v[n++]) {
            *err = -ENOMEM;
            break;
        }
    }
    closedir(d);
    if (!v)
        *err = -ENOMEM;
    if (*err) {
        suite_names_free(v);
        return NULL;
    }
    qsort(v, n, sizeof *v, cmp_str);
    return v;
}

/* Role rules: what a step may do depends on who the runner plays. */
static int check_role(const struct suite *s, const struct cf_case *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < c->n_steps; i++) {
        const struct cf_step *st = &c->steps[i];
        const char *bad = NULL;
        if (s->client_role && (st->op == CF_CONNECT))
            bad = "the runner is the server here: use accept, not connect";
        if (!s->client_role && (st->op == CF_ACCEPT || st->op == CF_EXPECT_EXIT))
            bad = "only client suites accept connections or expect an exit status";
        if (!s->client_role && strcmp(st->name, "server") == 0)
            bad = "'server' names the runner's socket in client suites only";
        if (s->client_role && !s->udp && strcmp(st->name, "server") == 0)
            bad = "'server' is the runner's UDP socket: TCP client suites use accept";
        if (bad) {
            snprintf(err, errlen, "%s:%u: %s", c->file, st->line, bad);
            return WC_ERR_INVALID;
        }
    }
    return 0;
}

/* Parses case file |path| into |s| (role-checked); |want| is the id it must have, or NULL. */
static int load_file(struct suite *s, const char *path, const char *want, char *err,
                     size_t errlen)
{
    char *text;
    size_t len;
    struct cf_limits lim;
    cf_limits_default(&lim);
    int e = suite_read_file(path, lim.max_file, &text, &len);
    if (e < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(-e));
        return WC_ERR_INVALID;
    }
    struct cf_case *c;
    int rc = cf_parse(path, text, len, CF_KIND_CASE, &lim, &c, err, errlen);
    free(text);
    if (rc < 0)
        return rc;
    if (want && strcmp(c->id, want) != 0) {
        snprintf(err, errlen, "%s:1: id '%s' should be '%s' (suite directory and the "
                 "file's number)", path, c->id, want);
        rc = WC_ERR_INVALID;
    }
    if (rc == 0)
        rc = check_role(s, c, err, errlen);
    struct cf_case **p = rc == 0 ? realloc(s->cases, (s->n_cases + 1) * sizeof *p) : NULL;
    if (rc == 0 && !p)
        rc = WC_ERR_NOMEM;
    if (rc < 0) {
        cf_free(c);
        return rc;
    }
    s->cases = p;
    s->cases[s->n_cases++] = c;
    return 0;
}

static int load_dir(struct suite *s, const char *cases_dir, const char *name, char *err,
                    size_t errlen)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", cases_dir, name);
    int e;
    char **files = case_files(dir, &e);
    if (!files) {
        snprintf(err, errlen, "%s: %s", dir, strerror(-e));
        return WC_ERR_INVALID;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && files[i]; i++) {
        char path[4096 + 256], want[128];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        snprintf(want, sizeof want, "%s.%.3s", name, files[i]);
        rc = load_file(s, path, want, err, errlen);
    }
    suite_names_free(files);
    return rc;
}

int suite_add_file(struct suite *s, const char *path, const struct cf_case **added, char *err,
                   size_t errlen)
{
    int rc = load_file(s, path, NULL, err, errlen);
    if (rc < 0)
        return rc;
    struct cf_case *c = s->cases[s->n_cases - 1];
    c->own_file = 1;
    for (size_t i = 0; i + 1 < s->n_cases; i++) {
        if (strcmp(s->cases[i]->id, c->id) == 0) {
            snprintf(err, errlen, "%s:1: id %s is already the suite's case %s (give it another "
                     "number)", path, c->id, s->cases[i]->file);
            cf_free(c);
            s->n_cases--;
            return WC_ERR_INVALID;
        }
    }
    qsort(s->cases, s->n_cases, sizeof *s->cases, cmp_case);
    if (added)
        *added = c;
    return 0;
}

/* Diagnoses beyond this size are refused (a few hundred entries fit in a tenth of it). */
#define SUITE_MAX_DIAGNOSES_FILE (1 << 20)

/* The DIAGNOSES file of suite folder |name|, when it has one, appended to |s|'s. */
static int load_diagnoses(struct suite *s, const char *cases_dir, const char *name, char *err,
                          size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/DIAGNOSES", cases_dir, name);
    char *text;
    size_t len;
    int e = suite_read_file(path, SUITE_MAX_DIAGNOSES_FILE, &text, &len);
    if (e == -ENOENT)
        return 0;
    if (e < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(-e));
        return WC_ERR_INVALID;
    }
    int rc = diagnosis_parse(path, text, len, &s->diag, err, errlen);
    free(text);
    return rc;
}

int suite_load(const char *cases_dir, const char *name, struct suite **out, char *err,
               size_t errlen)
{
    *out = NULL;
    if (!*name || strchr(name, '/') || name[0] == '.') {
        snprintf(err, errlen, "bad suite name '%s'", name);
        return WC_ERR_INVALID;
    }
    struct suite *s = calloc(1, sizeof *s);
    if (!s)
        return WC_ERR_NOMEM;
    s->name = strdup(name);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/SUITE", cases_dir, name);
    char *text;
    size_t len;
    int e = suite_read_file(path, 1 << 16, &text, &len);
    if (e < 0 || !s->name) {
        snprintf(err, errlen, "no suite '%s' (%s: %s)", name, path,
                 strerror(e < 0 ? -e : ENOMEM));
        suite_free(s);
        return WC_ERR_INVALID;
    }
    int rc = cf_parse(path, text, len, CF_KIND_SUITE, NULL, &s->def, err, errlen);
    free(text);
    if (rc == 0 && strcmp(s->def->suite, name) != 0) {
        snprintf(err, errlen, "%s:1: suite '%s' should be '%s'", path, s->def->suite, name);
        rc = WC_ERR_INVALID;
    }
    if (rc == 0) {
        s->client_role = strcmp(s->def->role, "client") == 0;
        s->udp = strcmp(s->def->transport, "udp") == 0;
        rc = load_dir(s, cases_dir, name, err, errlen);
    }
    if (rc == 0)
        rc = load_diagnoses(s, cases_dir, name, err, errlen);
    s->n_own_diag = s->diag.n;
    if (rc == 0 && *s->def->include) {
        char inc[256];
        snprintf(inc, sizeof inc, "%s", s->def->include);
        if (strcmp(inc, name) == 0 || strchr(inc, '/') || inc[0] == '.') {
            snprintf(err, errlen, "%s: bad include '%s'", path, inc);
            rc = WC_ERR_INVALID;
        } else {
            rc = load_dir(s, cases_dir, inc, err, errlen);
            if (rc == 0)
                rc = load_diagnoses(s, cases_dir, inc, err, errlen);
        }
    }
    if (rc == 0) {
        qsort(s->cases, s->n_cases, sizeof *s->cases, cmp_case);
        for (size_t i = 1; i < s->n_cases; i++) {
            if (strcmp(s->cases[i]->id, s->cases[i - 1]->id) == 0) {
                snprintf(err, errlen, "%s: duplicate id %s", s->cases[i]->file,
                         s->cases[i]->id);
                rc = WC_ERR_INVALID;
            }
        }
    }
    if (rc < 0) {
        suite_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void suite_free(struct suite *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_cases; i++)
        cf_free(s->cases[i]);
    free(s->cases);
    cf_free(s->def);
    diagnosis_set_free(&s->diag);
    free(s->name);
    free(s);
}

char **suite_names(const char *cases_dir)
{
    DIR *d = opendir(cases_dir);
    if (!d)
        return NULL;
    size_t n = 0;
    char **v = calloc(257, sizeof *v);
    struct dirent *de;
    while (v && n < 256 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/SUITE", cases_dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        v[n] = strdup(de->d_name);
        if (v[n])
            n++;
    }
    closedir(d);
    if (v)
        qsort(v, n, sizeof *v, cmp_str);
    return v;
}

void suite_names_free(char **names)
{
    if (!names)
        return;
    for (size_t i = 0; names[i]; i++)
        free(names[i]);
    free(names);
}
