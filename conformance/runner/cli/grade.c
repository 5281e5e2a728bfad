/* grade.c -- `wirecheck grade` (a class of submissions against a grading file) and
 * `wirecheck grade merge` (the outputs of several shards into one). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "grade/class.h"
#include "grade/merge.h"
#include "grade/tree.h"
#include "program/proc.h"
#include "status.h"

static const char usage[] =
    "usage: wirecheck grade GRADING-FILE SUBMISSION-DIR... [options]\n"
    "       wirecheck grade merge OUT-DIR... -o OUT-DIR\n"
    "       wirecheck grade --check GRADING-FILE\n"
    "\n"
    "Grades a class: each SUBMISSION-DIR (named by its folder) is copied, built in the sandbox\n"
    "and each part of GRADING-FILE (conformance/grading/FORMAT.md) run against its suite, in a\n"
    "sandbox and network namespace of its own; points per requirement. merge combines the\n"
    "OUT-DIRs of --shard runs; --check reads a grading file and prints what each part is\n"
    "worth, grading nothing.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N          submissions graded at once (default: the number of cores)\n"
    "  -o, --out DIR         where the grades go (default: grades)\n"
    "  --shard K/N           grade only the K-th of N slices of the submissions (sorted by\n"
    "                        name, every N-th from the K-th): one slice per CI machine\n"
    "  --force               grade again submissions whose files and grading did not change\n"
    "  --timeout-scale X     of every run's timeouts (default 2: margin for a loaded machine)\n"
    "  --sandbox M           auto (default), require or off, for builds and runs alike\n"
    "  --sandbox-uid UID     the first of the class's uids: builds run as UID + slot, the runs\n"
    "                        of slot S from UID + 1024 (S + 1) (default: a random block)\n"
    "  --quiet               no progress lines on stderr\n"
    "\n"
    "OUT-DIR holds, per submission, NAME/results.json (Gradescope's format), NAME/grade.json,\n"
    "the reports of each part (NAME/PART.txt, .json, .xml, .html) and each build's log; and\n"
    "for the class grades.csv and index.html.\n"
    "\n"
    "exit codes: 0 every submission was graded (whatever its score), 1 some could not be\n"
    "            (a sandbox or tool failure: see its NAME/results.json) or the output could\n"
    "            not be written, 2 usage or a grading-file error (merge: folders that do not\n"
    "            belong together)\n";

#define GRADE_MAX_FILE ((size_t)1 << 20)

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wirecheck grade: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return 2;
}

/* FNV-1a over |n| bytes, continuing |h|. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_file(uint64_t h, const char *path)
{
    char *text;
    size_t len;
    if (suite_read_file(path, (size_t)16 << 20, &text, &len) < 0)
        return fnv(h, "-", 1);
    h = fnv(h, text, len);
    free(text);
    return h;
}

/* By the submissions' names (their last components), then by path. */
static int cmp_name(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    char nx[160] = "", ny[160] = "";
    class_sub_name(x, nx, sizeof nx);
    class_sub_name(y, ny, sizeof ny);
    int c = strcmp(nx, ny);
    return c ? c : strcmp(x, y);
}

/* 0 when SPEC.md has requirement |id| ("" for a strength rule), else 1, said as file:line. */
static int known_id(const struct spec *spec, const char *path, const char *id, unsigned line)
{
    if (!id[0] || spec_find(spec, id))
        return 0;
    fprintf(stderr, "wirecheck grade: %s:%u: no requirement %s in SPEC.md\n", path, line, id);
    return 1;
}

static int known_ids(const struct spec *spec, const char *path, const struct grading_points *r,
                     size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++)
        bad |= known_id(spec, path, r[k].id, r[k].line);
    return bad;
}

/* The grading file of |path| parsed and checked against the suites and SPEC.md: the parts'
 * suites loaded into |suites| (g->n_parts of them). Prints "file:line: what"; returns 0 or 2. */
static int load_grading(const struct cli *cli, const char *path, struct grading *g, char **text,
                        size_t *len, struct suite ***suites, struct spec *spec)
{
    char err[1024];
    int e = suite_read_file(path, GRADE_MAX_FILE, text, len);
    if (e < 0) {
        fprintf(stderr, "wirecheck grade: %s: %s\n", path, strerror(-e));
        return 2;
    }
    if (grading_parse(path, *text, *len, g, err, sizeof err) < 0) {
        fprintf(stderr, "wirecheck grade: %s\n", err);
        return 2;
    }
    if (cli_load_spec(cli, spec) < 0)
        return 2;
    *suites = calloc(g->n_parts, sizeof **suites);
    if (!*suites)
        return 2;
    int bad = 0;
    char **names = suite_names(cli->cases);
    for (size_t i = 0; i < g->n_parts; i++) {
        const struct grading_part *p = &g->parts[i];
        int known = 0;
        for (size_t k = 0; names && names[k]; k++)
            known |= strcmp(names[k], p->suite) == 0;
        if (!known) {
            char hint[512];
            cli_suite_hint(cli, p->suite, hint, sizeof hint);
            fprintf(stderr, "wirecheck grade: %s:%u: part %s: no suite '%s'%s\n", path, p->line,
                    p->name, p->suite, hint);
            bad = 1;
            continue;
        }
        if (!((*suites)[i] = cli_load_suite(cli, p->suite))) {
            bad = 1;
            continue;
        }
        bad |= known_ids(spec, path, p->points, p->n_points);
        for (size_t k = 0; k < p->n_accept; k++)
            bad |= known_id(spec, path, p->accept[k].id, p->accept[k].line);
    }
    bad |= known_ids(spec, path, g->points, g->n_points);
    suite_names_free(names);
    return bad ? 2 : 0;
}

static void free_suites(struct suite **suites, size_t n)
{
    for (size_t i = 0; suites && i < n; i++)
        suite_free(suites[i]);
    free(suites);
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

static int merge(int argc, char **argv)
{
    const char *out = NULL;
    char **ins = calloc((size_t)argc + 1, sizeof *ins);
    size_t n_in = 0;
    for (int i = 1; ins && i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) {
            if (++i == argc)
                return free(ins), usage_error("%s needs a folder", argv[i - 1]);
            out = argv[i];
        } else if (argv[i][0] == '-') {
            return free(ins), usage_error("grade merge: unknown option %s", argv[i]);
        } else {
            ins[n_in++] = argv[i];
        }
    }
    if (!ins || !out || n_in == 0)
        return free(ins), usage_error("%s", "grade merge needs OUT-DIR... and -o OUT-DIR");
    int rc = grade_merge(ins, n_in, out, stderr);
    free(ins);
    return rc;
}

/* --check: the grading file read and checked, and what each part is worth. */
static int check(const struct cli *cli, const char *path)
{
    struct grading g;
    memset(&g, 0, sizeof g);
    struct spec spec;
    memset(&spec, 0, sizeof spec);
    struct suite **suites = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = load_grading(cli, path, &g, &text, &len, &suites, &spec);
    struct idlist disabled;
    memset(&disabled, 0, sizeof disabled);
    char *dt;
    size_t dl;
    char err[512];
    int have = rc == 0 && suite_read_file(cli->disabled, GRADE_MAX_FILE, &dt, &dl) == 0;
    if (have) {
        have = idlist_parse(cli->disabled, dt, dl, &disabled, err, sizeof err) == 0;
        free(dt);
    }
    double total = 0;
    for (size_t i = 0; rc == 0 && i < g.n_parts; i++) {
        struct part_result pr;
        if (score_init(&pr, &g, &g.parts[i], suites[i], &spec, have ? &disabled : NULL) < 0) {
            rc = 2;
            break;
        }
        unsigned accepted = 0;
        for (size_t k = 0; k < pr.n_reqs; k++)
            accepted += pr.reqs[k].accepted != NULL;
        printf("part %-14s %-18s %-10s %3zu requirements, %6.2f points%s\n", g.parts[i].name,
               g.parts[i].suite, g.parts[i].dir, pr.n_reqs, pr.max,
               accepted ? " (some accepted)" : "");
        total += pr.max;
        part_result_cleanup(&pr);
    }
    if (rc == 0)
        printf("%s: %zu parts, %.2f points\n", path, g.n_parts, total);
    if (have)
        idlist_free(&disabled);
    free_suites(suites, g.n_parts);
    if (text) {
        grading_free(&g);
        free(text);
    }
    spec_free(&spec);
    return rc;
}

int cli_cmd_grade(const struct cli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "merge") == 0)
        return merge(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "--check") == 0) {
        if (argc != 3)
            return usage_error("%s", "--check takes one GRADING-FILE");
        return check(cli, argv[2]);
    }
    const char *grading_path = NULL, *out = "grades", *mode = "auto";
    unsigned jobs = 0, shard_k = 1, shard_n = 1, uid_base = 0;
    int force = 0, quiet = 0;
    double scale = 2;
    char **subs = calloc((size_t)argc + 1, sizeof *subs);
    size_t n_subs = 0;
    if (!subs)
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            free(subs);
            fputs(usage, stdout);
            return 0;
        }
        int takes = strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0 || strcmp(a, "-o") == 0 ||
                    strcmp(a, "--out") == 0 || strcmp(a, "--shard") == 0 ||
                    strcmp(a, "--timeout-scale") == 0 || strcmp(a, "--sandbox") == 0 ||
                    strcmp(a, "--sandbox-uid") == 0;
        if (takes && i + 1 == argc)
            return free(subs), usage_error("%s needs a value", a);
        const char *v = takes ? argv[++i] : NULL;
        if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            if (cli_parse_uint(v, 64, &jobs) < 0 || jobs == 0)
                return free(subs), usage_error("-j takes 1 to 64, not '%s'", v);
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            out = v;
        } else if (strcmp(a, "--shard") == 0) {
            const char *slash = strchr(v, '/');
            char k[16];
            snprintf(k, sizeof k, "%.*s", slash ? (int)(slash - v) : 0, v);
            if (!slash || cli_parse_uint(k, 10000, &shard_k) < 0 ||
                cli_parse_uint(slash + 1, 10000, &shard_n) < 0 || shard_k == 0 || shard_k > shard_n)
                return free(subs), usage_error("--shard takes K/N with 1 <= K <= N, not '%s'", v);
        } else if (strcmp(a, "--timeout-scale") == 0) {
            char *end;
            scale = strtod(v, &end);
            if (*end || !(scale >= 0.1 && scale <= 100))
                return free(subs), usage_error("--timeout-scale takes 0.1 to 100, not '%s'", v);
        } else if (strcmp(a, "--sandbox") == 0) {
            if (strcmp(v, "auto") && strcmp(v, "require") && strcmp(v, "off"))
                return free(subs), usage_error("--sandbox takes auto, require or off, not '%s'", v);
            mode = v;
        } else if (strcmp(a, "--sandbox-uid") == 0) {
            if (cli_parse_uint(v, 0xf0000000u, &uid_base) < 0 || uid_base < 1000)
                return free(subs),
                       usage_error("--sandbox-uid takes 1000..%u, not '%s'", 0xf0000000u, v);
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (a[0] == '-') {
            return free(subs), usage_error("unknown option %s", a);
        } else if (!grading_path) {
            grading_path = a;
        } else {
            subs[n_subs++] = argv[i];
        }
    }
    if (!grading_path || n_subs == 0)
        return free(subs), usage_error("%s", "needs a GRADING-FILE and at least one "
                                             "SUBMISSION-DIR");
    if (!jobs) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 && cores < 64 ? (unsigned)cores : 1;
    }
    struct grading g;
    memset(&g, 0, sizeof g);
    struct spec spec;
    memset(&spec, 0, sizeof spec);
    struct suite **suites = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = load_grading(cli, grading_path, &g, &text, &len, &suites, &spec);
    char **real = calloc(n_subs + 1, sizeof *real);
    size_t n_real = 0;
    struct idlist disabled;
    memset(&disabled, 0, sizeof disabled);
    int have_disabled = 0;
    /* Submissions: real folders with plain, distinct names, sorted by name; then this
     * shard's. The name is the one given (checked), never what a link resolves to. */
    qsort(subs, n_subs, sizeof *subs, cmp_name);
    char **names = calloc(n_subs + 1, sizeof *names);
    char **all = calloc(n_subs + 1, sizeof *all);
    for (size_t i = 0; rc == 0 && real && names && all && i < n_subs; i++) {
        char name[160], abs[PATH_MAX];
        struct stat st;
        if (class_sub_name(subs[i], name, sizeof name) < 0) {
            fprintf(stderr,
                    "wirecheck grade: %s: a submission folder is named with letters, "
                    "digits and - _ . @ + only, not starting with '.'\n",
                    subs[i]);
            rc = 2;
            break;
        }
        if (!realpath(subs[i], abs) || stat(abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "wirecheck grade: %s: not a folder\n", subs[i]);
            rc = 2;
            break;
        }
        if (!(all[i] = strdup(abs))) {
            rc = 2;
            break;
        }
        for (size_t j = 0; rc == 0 && j < i; j++) {
            char other[160];
            class_sub_name(subs[j], other, sizeof other);
            if (strcmp(other, name) == 0 || strcmp(all[j], abs) == 0) {
                fprintf(stderr, "wirecheck grade: %s and %s %s\n", subs[j], subs[i],
                        strcmp(other, name) == 0 ? "have the same name" : "are one folder");
                rc = 2;
            }
        }
        if (rc == 0 && i % shard_n == shard_k - 1) {
            names[n_real] = strdup(name);
            real[n_real] = strdup(abs);
            if (!names[n_real] || !real[n_real++])
                rc = 2;
        }
    }
    if (!names || !all)
        rc = 2;
    char out_abs[PATH_MAX] = "";
    if (rc == 0 && (make_dir(out) < 0 || !realpath(out, out_abs))) {
        fprintf(stderr, "wirecheck grade: cannot make %s: %s\n", out, strerror(errno));
        rc = 1;
    }
    char conf[PATH_MAX] = "";
    if (rc == 0 && !realpath(cli->dir, conf)) {
        fprintf(stderr, "wirecheck grade: %s: %s\n", cli->dir, strerror(errno));
        rc = 2;
    }
    char self[PATH_MAX] = "";
    ssize_t sl = rc == 0 ? readlink("/proc/self/exe", self, sizeof self - 1) : 0;
    if (rc == 0 && sl <= 0) {
        fprintf(stderr, "wirecheck grade: cannot find its own binary\n");
        rc = 2;
    }
    if (sl > 0)
        self[sl] = 0;
    struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    char err[1024] = "";
    if (rc == 0 && g.limits[0] &&
        sandbox_limits_parse_list(&sb.lim, g.limits, err, sizeof err) < 0) {
        fprintf(stderr, "wirecheck grade: %s: limits: %s\n", grading_path, err);
        rc = 2;
    }
    sb.uid_base = uid_base ? uid_base : sandbox_default_uid_base();
    if (rc == 0) {
        enum sandbox_mode m = strcmp(mode, "off") == 0       ? SANDBOX_OFF
                              : strcmp(mode, "require") == 0 ? SANDBOX_REQUIRE
                                                             : SANDBOX_AUTO;
        if (sandbox_setup(&sb, m, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "wirecheck grade: %s\n", err);
            rc = 1;
        } else if (err[0] && !quiet) {
            fprintf(stderr, "wirecheck grade: %s\n", err);
        }
    }
    /* No build and no program sees the class: the output folder and the folders the
     * submissions are in (every shard's) are hidden; each sees its own folder again. */
    if (rc == 0 && sandbox_hide(&sb, out_abs) < 0)
        rc = 2;
    for (size_t i = 0; rc == 0 && i < n_subs; i++) {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", all[i]);
        char *slash = strrchr(parent, '/');
        if (!slash || slash == parent) {
            fprintf(stderr,
                    "wirecheck grade: %s: a submission is a folder inside another "
                    "than /\n",
                    all[i]);
            rc = 2;
            break;
        }
        *slash = 0;
        int known = 0;
        for (size_t k = 0; k < sb.n_hide; k++)
            known |= strcmp(sb.hide[k], parent) == 0;
        if (!known && sandbox_hide(&sb, parent) < 0) {
            fprintf(stderr, "wirecheck grade: the submissions are in more than %d folders\n",
                    SANDBOX_MAX_HIDE - 1);
            rc = 2;
        }
    }
    if (rc == 0) {
        char *dt;
        size_t dl;
        if (suite_read_file(cli->disabled, GRADE_MAX_FILE, &dt, &dl) == 0) {
            have_disabled = idlist_parse(cli->disabled, dt, dl, &disabled, err, sizeof err) == 0;
            free(dt);
        }
    }
    struct sub_result *res = NULL;
    if (rc == 0) {
        /* What besides the files decides a grade: a change to any of it grades again. */
        uint64_t key = fnv(0xcbf29ce484222325ULL, text, len);
        key = fnv(key, WIRECHECK_VERSION, strlen(WIRECHECK_VERSION));
        char opts[128];
        snprintf(opts, sizeof opts, "scale=%g sandbox=%s", scale, mode);
        key = fnv(key, opts, strlen(opts));
        uint64_t cases = 0;
        tree_copy(cli->cases, NULL, 0, 0, &cases, err, sizeof err);
        key = fnv(key, &cases, sizeof cases);
        key = fnv_file(key, cli->spec);
        key = fnv_file(key, cli->disabled);
        /* This binary itself (a rebuild may grade otherwise), the limits from the environment
         * and how the sandbox resolved. */
        key = fnv_file(key, self);
        const char *env_limits = getenv("WIRECHECK_LIMITS");
        key = fnv(key, env_limits ? env_limits : "-", env_limits ? strlen(env_limits) : 1);
        char resolved[32];
        snprintf(resolved, sizeof resolved, "on=%d uid_only=%d", sb.on, sb.uid_only);
        key = fnv(key, resolved, strlen(resolved));
        proc_become_subreaper();
        struct class_opts o = {.g = &g,
                               .suites = (const struct suite *const *)suites,
                               .spec = &spec,
                               .disabled = have_disabled ? &disabled : NULL,
                               .subs = real,
                               .names = names,
                               .n_subs = n_real,
                               .out_dir = out_abs,
                               .jobs = jobs,
                               .force = force,
                               .key = key,
                               .scale = scale,
                               .self = self,
                               .conformance = conf,
                               .sandbox_mode = mode,
                               .sandbox = &sb,
                               .progress = quiet ? NULL : stderr};
        if (!quiet)
            fprintf(stderr, "wirecheck grade: %zu submission%s%s, %u at a time, into %s\n", n_real,
                    n_real == 1 ? "" : "s", shard_n > 1 ? " (this shard's)" : "", jobs, out);
        rc = class_grade(&o, &res);
        if (rc >= 0 && grade_write_class_files(out_abs, text, len, res, n_real, &g) < 0) {
            fprintf(stderr, "wirecheck grade: cannot write the class files in %s\n", out);
            rc = 1;
        }
        if (rc < 0)
            rc = 1;
        for (size_t i = 0; res && i < n_real; i++)
            sub_result_cleanup(&res[i]);
        free(res);
    }
    if (have_disabled)
        idlist_free(&disabled);
    for (size_t i = 0; real && i < n_real; i++) {
        free(real[i]);
        free(names ? names[i] : NULL);
    }
    for (size_t i = 0; all && i < n_subs; i++)
        free(all[i]);
    free(real);
    free(names);
    free(all);
    free_suites(suites, g.n_parts);
    if (text) {
        grading_free(&g);
        free(text);
    }
    spec_free(&spec);
    free(subs);
    return rc;
}
