/* class.c -- grades a class: one worker per slot takes the next submission, copies it, builds
 * its folders in the sandbox and runs each part through `wirecheck run` in a process of its
 * own (its own sandbox and network namespace: hard-coded ports never collide). */
#include "grade/class.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "clock.h"
#include "grade/tree.h"
#include "program/command.h"
#include "program/proc.h"
#include "status.h"

struct shared {
    const struct class_opts *o;
    struct sub_result *res;
    pthread_mutex_t mu;
    size_t next, done;
    int failed;
};

int class_sub_name(const char *sub, char *out, size_t len)
{
    size_t n = strlen(sub);
    while (n > 1 && sub[n - 1] == '/')
        n--;
    const char *base = sub + n;
    while (base > sub && base[-1] != '/')
        base--;
    size_t bl = (size_t)(sub + n - base);
    if (bl == 0 || bl >= len || bl > 128 || (bl == 1 && base[0] == '.') ||
        (bl == 2 && base[0] == '.' && base[1] == '.') || base[0] == '.')
        return -1;
    /* It names a folder and appears in shell commands, CSV and HTML: keep it plain. */
    for (size_t i = 0; i < bl; i++) {
        char c = base[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '@' || c == '+'))
            return -1;
    }
    memcpy(out, base, bl);
    out[bl] = 0;
    return 0;
}

/* Appends |s| single-quoted for sh. */
static void shell_quote(struct bytes *b, const char *s)
{
    bytes_puts(b, "'");
    for (; *s; s++) {
        if (*s == '\'')
            bytes_puts(b, "'\\''");
        else
            bytes_append(b, s, 1);
    }
    bytes_puts(b, "'");
}

/* Path buffers: a submission's output folder, then things inside it. */
#define DIR_MAX TREE_MAX_PATH
#define IN_DIR_MAX (DIR_MAX + 512)

static int is_file(const char *dir, const char *name)
{
    char p[IN_DIR_MAX + 64];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The build of a folder when the grading file gives none: by what the folder holds. */
static const char *auto_build(const char *dir)
{
    if (is_file(dir, "Cargo.toml"))
        return "cargo build --offline --bins";
    if (is_file(dir, "Makefile") || is_file(dir, "makefile") || is_file(dir, "GNUmakefile"))
        return "make";
    return "";
}

/* The last |max| bytes of |s| (from a line start when it can), into |b|. */
static void tail_of(struct bytes *b, const struct bytes *s, size_t max)
{
    size_t from = s->len > max ? s->len - max : 0;
    while (from > 0 && from < s->len && s->data[from - 1] != '\n' && s->len - from > max / 2)
        from++;
    for (size_t i = from; i < s->len; i++) {
        unsigned char c = s->data[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
            bytes_append(b, &c, 1);
        else
            bytes_printf(b, "\\x%02x", c);
    }
}

/*
 * Runs |argv| (already wrapped in the sandbox, or not) with |spec|, waiting up to |secs| s.
 * Fills |out| and |err| with what it printed, |how| with how it ended; returns its exit
 * status, -1 when it took too long (stopped), or -2 when it could not start.
 */
static int run_proc(char *const *argv, const struct proc_spec *spec, unsigned secs,
                    struct bytes *out, struct bytes *err, char *how, size_t howlen)
{
    struct proc *p = NULL;
    char e[512];
    if (proc_start(argv, spec, &p, e, sizeof e) < 0) {
        snprintf(how, howlen, "%s", e);
        return -2;
    }
    int rc;
    if (proc_wait(p, (int)(secs > 2000000 ? 2000000 : secs) * 1000) < 0) {
        proc_stop(p, 1000);
        snprintf(how, howlen, "took longer than %u s and was stopped", secs);
        rc = -1;
    } else {
        proc_describe_end(p, how, howlen);
        int st = proc_status(p);
        rc = st & 0x100 ? 128 + (st & 0xff) : st;
    }
    proc_output(p, PROC_STDOUT, 0, out);
    proc_output(p, PROC_STDERR, 0, err);
    proc_free(p);
    return rc;
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* Builds folder |dir| (absolute, inside |work|) with |cmd| as slot |slot|'s uid. Returns 1
 * when it built, 0 when it failed (|why| says how, with the log's tail). */
static int build(const struct class_opts *o, unsigned slot, const char *work, const char *dir,
                 const char *cmd, const char *log, char *why, size_t whylen)
{
    /* Its own copy writable; the rest of the class hidden (o->sandbox hides it), its own
     * folder shown again; no network but loopback. */
    struct sandbox sb = *o->sandbox;
    snprintf(sb.rw_dir, sizeof sb.rw_dir, "%s", work);
    snprintf(sb.show, sizeof sb.show, "%.*s", (int)(strlen(work) - strlen("/work")), work);
    sb.own_net = 1;
    struct bytes script;
    bytes_init(&script, 0);
    bytes_puts(&script, "cd ");
    shell_quote(&script, dir);
    bytes_printf(&script, " && %s", cmd);
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)bytes_str(&script), NULL};
    char **wrapped = NULL;
    int built = 0;
    if (sandbox_command(&sb, slot, argv, &wrapped) < 0) {
        snprintf(why, whylen, "out of memory");
        bytes_cleanup(&script);
        return 0;
    }
    struct proc_spec spec;
    sandbox_proc_spec(&sb, &spec);
    struct bytes out, err, logb;
    bytes_init(&out, 0);
    bytes_init(&err, 0);
    bytes_init(&logb, 0);
    char how[512];
    int rc = run_proc(wrapped, &spec, o->g->build_time_s, &out, &err, how, sizeof how);
    command_argv_free(wrapped);
    bytes_printf(&logb, "$ %s\n", cmd);
    bytes_append(&logb, out.data, out.len);
    bytes_append(&logb, err.data, err.len);
    bytes_printf(&logb, "\n[the build %s]\n", how);
    if (write_file(log, logb.data, logb.len) < 0)
        snprintf(how + strlen(how), sizeof how - strlen(how), "; its log could not be written");
    built = rc == 0;
    if (!built) {
        struct bytes t;
        bytes_init(&t, 0);
        tail_of(&t, err.len ? &err : &out, 600);
        snprintf(why, whylen, "the build (%s) %s. The end of its log:\n%s", cmd, how,
                 bytes_str(&t));
        bytes_cleanup(&t);
    }
    bytes_cleanup(&script);
    bytes_cleanup(&out);
    bytes_cleanup(&err);
    bytes_cleanup(&logb);
    return built;
}

/* Runs part |pi| of |name| through `wirecheck run`; its reports go into |dir|. */
static void run_part(const struct class_opts *o, unsigned slot, const char *name, const char *dir,
                     const char *cwd, size_t pi, struct part_result *pr)
{
    const struct grading_part *part = &o->g->parts[pi];
    unsigned secs = part->time_s ? part->time_s : o->g->time_s;
    char levels[32] = "", scale[32], maxt[32], uid[32], label[256];
    for (int l = 0; l < 3; l++)
        if ((part->levels >> l) & 1u)
            snprintf(levels + strlen(levels), sizeof levels - strlen(levels), "%s%s",
                     levels[0] ? "," : "", cf_level_name((enum cf_level)l));
    snprintf(scale, sizeof scale, "%g", o->scale);
    snprintf(maxt, sizeof maxt, "%u", secs);
    /* A block of uids per slot, after the builds' (one per slot): a run in one slot never
     * shares a uid, or its process limit, with another slot's. */
    snprintf(uid, sizeof uid, "%u", o->sandbox->uid_base + 1024u * (slot + 1));
    snprintf(label, sizeof label, "%s/%s", name, part->name);
    char rep[4][DIR_MAX + 96];
    static const char *const kinds[4] = {"json", "junit", "text", "html"};
    static const char *const exts[4] = {"json", "xml", "txt", "html"};
    for (int k = 0; k < 4; k++)
        snprintf(rep[k], sizeof rep[k], "%s:%s/%s.%s", kinds[k], dir, part->name, exts[k]);
    const char *argv[72];
    size_t n = 0;
    const char *fixed[] = {o->self,
                           "--conformance",
                           o->conformance,
                           "run",
                           part->suite,
                           "--exec",
                           part->run,
                           "--level",
                           levels,
                           "-j",
                           "1",
                           "--timeout-scale",
                           scale,
                           "--name",
                           label,
                           "--color",
                           "never",
                           "--quiet",
                           "--max-time",
                           maxt,
                           "--sandbox",
                           o->sandbox_mode,
                           "--sandbox-uid",
                           uid,
                           "--report",
                           rep[0],
                           "--report",
                           rep[1],
                           "--report",
                           rep[2],
                           "--report",
                           rep[3]};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = fixed[i];
    /* The class hidden from its programs as from its builds, its own folder shown. */
    for (size_t i = 0; i < o->sandbox->n_hide && n < 44; i++) {
        argv[n++] = "--sandbox-hide";
        argv[n++] = o->sandbox->hide[i];
    }
    argv[n++] = "--sandbox-show";
    argv[n++] = dir;
    /* The grading file's limits, one --limit each. */
    char limits[512];
    snprintf(limits, sizeof limits, "%s", o->g->limits);
    for (char *save = NULL, *t = strtok_r(limits, ",", &save); t && n < 68;
         t = strtok_r(NULL, ",", &save)) {
        argv[n++] = "--limit";
        argv[n++] = t;
    }
    argv[n] = NULL;
    struct proc_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.cwd = cwd;
    struct bytes out, err;
    bytes_init(&out, 0);
    bytes_init(&err, 0);
    char how[512];
    int64_t t0 = clk_now_ms();
    int rc = run_proc((char *const *)argv, &spec, secs + 60, &out, &err, how, sizeof how);
    pr->secs = (double)(clk_now_ms() - t0) / 1000.0;
    char path[DIR_MAX + 96], e[256] = "";
    snprintf(path, sizeof path, "%s/%s.json", dir, part->name);
    char *json = NULL;
    size_t len = 0;
    /* Exit 3 is the program's fault (it never started) unless the runner says the machine's
     * sandbox failed: then no grade is given, and the next run grades it again. */
    const char *es = bytes_str(&err);
    int machine = rc == 3 && (strstr(es, "the sandbox cannot") || strstr(es, "--sandbox require"));
    if ((rc == 0 || rc == 1 || rc == 3) && !machine &&
        suite_read_file(path, (size_t)64 << 20, &json, &len) == 0 &&
        score_report(pr, json, len, e, sizeof e) == 0) {
        pr->status = rc == 3 ? PART_NOT_STARTED : PART_GRADED;
        if (rc == 3) {
            struct bytes t;
            bytes_init(&t, 0);
            tail_of(&t, &err, 600);
            snprintf(pr->why, sizeof pr->why, "its program could not be started or reached: %s",
                     bytes_str(&t));
            bytes_cleanup(&t);
        }
    } else if (rc == 4 || rc == -1) {
        pr->status = PART_TIME_LIMIT;
        snprintf(pr->why, sizeof pr->why, "its run took longer than the part's %u s", secs);
    } else {
        pr->status = PART_ERROR;
        struct bytes t;
        bytes_init(&t, 0);
        tail_of(&t, &err, 600);
        snprintf(pr->why, sizeof pr->why, "wirecheck run %s (exit %d)%s%s: %s", how, rc,
                 e[0] ? "; " : "", e, bytes_str(&t));
        bytes_cleanup(&t);
    }
    free(json);
    bytes_cleanup(&out);
    bytes_cleanup(&err);
}

/* Is the grade.json in |dir| one of the same files and key? Then it is the result. */
static int cached(const struct class_opts *o, const char *dir, const char *hash,
                  struct sub_result *sr)
{
    char path[TREE_MAX_PATH + 16], old[17], key[17], e[256];
    snprintf(path, sizeof path, "%s/grade.json", dir);
    char *json = NULL;
    size_t len = 0;
    if (o->force || suite_read_file(path, (size_t)16 << 20, &json, &len) < 0)
        return 0;
    int ok = grade_read_summary(json, len, o->g, sr, old, key, e, sizeof e) == 0;
    free(json);
    /* A grade that failed (a tool's failure, not the student's) is always graded again. */
    if (ok && strcmp(old, hash) == 0 && !sr->failed)
        return 1;
    if (ok)
        sub_result_cleanup(sr);
    return 0;
}

static void grade_one(struct shared *sh, unsigned slot, size_t k)
{
    const struct class_opts *o = sh->o;
    struct sub_result *sr = &sh->res[k];
    int64_t t0 = clk_now_ms();
    char name[160], dir[DIR_MAX - 16], work[DIR_MAX], hash[17];
    snprintf(name, sizeof name, "%s", o->names[k]); /* checked by the caller */
    snprintf(dir, sizeof dir, "%s/%s", o->out_dir, name);
    snprintf(work, sizeof work, "%s/work", dir);
    mkdir(dir, 0755);
    uint64_t h = 0;
    char e[512] = "";
    int copy_rc = tree_copy(o->subs[k], NULL, 0, 0, &h, e, sizeof e);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)(h ^ o->key));
    if (copy_rc == 0 && cached(o, dir, hash, sr)) {
        sr->cached = 1;
        return;
    }
    memset(sr, 0, sizeof *sr);
    sr->name = strdup(name);
    sr->parts = calloc(o->g->n_parts, sizeof *sr->parts);
    if (!sr->name || !sr->parts) {
        /* Out of memory: a row with no parts (the class files skip its cells). */
        free(sr->parts);
        sr->parts = NULL;
        sr->n_parts = 0;
        sr->failed = 1;
        return;
    }
    sr->n_parts = o->g->n_parts;
    for (size_t i = 0; i < o->g->n_parts; i++) {
        if (score_init(&sr->parts[i], o->g, &o->g->parts[i], o->suites[i], o->spec, o->disabled) <
            0)
            sr->failed = 1;
    }
    /* A fresh folder: no report of an earlier grade outlives this one. */
    tree_remove(dir);
    mkdir(dir, 0755);
    int confined = o->sandbox->on || o->sandbox->uid_only;
    if (copy_rc == 0)
        copy_rc =
            tree_copy(o->subs[k], work, confined, sandbox_uid(o->sandbox, slot), NULL, e, sizeof e);
    /* One build per folder, shared by the parts in it. */
    char(*built_dir)[256] = calloc(o->g->n_parts, sizeof *built_dir);
    int *built_ok = calloc(o->g->n_parts, sizeof *built_ok);
    char(*built_why)[1024] = calloc(o->g->n_parts, sizeof *built_why);
    size_t n_built = 0;
    for (size_t i = 0; built_dir && built_ok && built_why && i < o->g->n_parts; i++) {
        const struct grading_part *part = &o->g->parts[i];
        struct part_result *pr = &sr->parts[i];
        char pdir[IN_DIR_MAX];
        snprintf(pdir, sizeof pdir, "%s/%s", work, part->dir);
        struct stat st;
        if (copy_rc != 0) {
            pr->status = PART_ERROR;
            snprintf(pr->why, sizeof pr->why, "the submission could not be copied: %s", e);
            continue;
        }
        if (stat(pdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            pr->status = PART_MISSING;
            snprintf(pr->why, sizeof pr->why, "the submission has no folder %s", part->dir);
            continue;
        }
        size_t b = 0;
        while (b < n_built && strcmp(built_dir[b], part->dir) != 0)
            b++;
        if (b == n_built) {
            snprintf(built_dir[b], sizeof built_dir[b], "%s", part->dir);
            const char *cmd = part->build ? part->build : auto_build(pdir);
            built_ok[b] = 1;
            if (*cmd) {
                char log[DIR_MAX + 300], slug[256];
                snprintf(slug, sizeof slug, "%s", strcmp(part->dir, ".") ? part->dir : "top");
                for (char *c = slug; *c; c++)
                    *c = *c == '/' ? '-' : *c;
                snprintf(log, sizeof log, "%s/build-%s.log", dir, slug);
                built_ok[b] =
                    build(o, slot, work, pdir, cmd, log, built_why[b], sizeof built_why[b]);
            }
            n_built++;
        }
        if (!built_ok[b]) {
            pr->status = PART_BUILD_FAILED;
            snprintf(pr->why, sizeof pr->why, "%s", built_why[b]);
            continue;
        }
        run_part(o, slot, name, dir, pdir, i, pr);
    }
    free(built_dir);
    free(built_ok);
    free(built_why);
    tree_remove(work);
    for (size_t i = 0; i < sr->n_parts; i++) {
        score_total(&sr->parts[i]); /* a part that did not run earns nothing, accepted or not */
        sr->failed |= sr->parts[i].status == PART_ERROR;
        sr->points += sr->parts[i].points;
        sr->max += sr->parts[i].max;
    }
    sr->secs = (double)(clk_now_ms() - t0) / 1000.0;
    char path[DIR_MAX + 16];
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *f = fopen(path, "w");
    if (!f || grade_write_gradescope(f, sr, o->g) < 0)
        sr->failed = 1;
    if (f && fclose(f) != 0)
        sr->failed = 1;
    /* grade.json last; a grade marked failed is graded again next time (see cached). */
    char key[17];
    snprintf(key, sizeof key, "%016llx", (unsigned long long)o->key);
    snprintf(path, sizeof path, "%s/grade.json", dir);
    f = fopen(path, "w");
    if (!f || grade_write_summary(f, sr, hash, key) < 0) {
        sr->failed = 1;
        if (f)
            fclose(f);
        unlink(path);
    } else if (fclose(f) != 0) {
        sr->failed = 1;
        unlink(path);
    }
}

static void *worker(void *arg)
{
    struct shared *sh = ((void **)arg)[0];
    unsigned slot = (unsigned)(uintptr_t)((void **)arg)[1];
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        size_t k = sh->next < sh->o->n_subs ? sh->next++ : (size_t)-1;
        pthread_mutex_unlock(&sh->mu);
        if (k == (size_t)-1)
            break;
        grade_one(sh, slot, k);
        pthread_mutex_lock(&sh->mu);
        const struct sub_result *sr = &sh->res[k];
        sh->done++;
        sh->failed |= sr->failed;
        if (sh->o->progress) {
            fprintf(sh->o->progress, "grade: [%zu/%zu] %s: %.2f of %.2f%s (%.1f s)\n", sh->done,
                    sh->o->n_subs, sr->name ? sr->name : "?", sr->points, sr->max,
                    sr->cached   ? ", unchanged since the last grade"
                    : sr->failed ? ", NOT GRADED"
                                 : "",
                    sr->secs);
            fflush(sh->o->progress);
        }
        pthread_mutex_unlock(&sh->mu);
    }
    return NULL;
}

int class_grade(const struct class_opts *o, struct sub_result **out)
{
    *out = calloc(o->n_subs ? o->n_subs : 1, sizeof **out);
    if (!*out)
        return WC_ERR_NOMEM;
    struct shared sh = {o, *out, PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    unsigned jobs = o->jobs ? o->jobs : 1;
    if (jobs > o->n_subs)
        jobs = o->n_subs ? (unsigned)o->n_subs : 1;
    pthread_t *th = calloc(jobs, sizeof *th);
    void *(*args)[2] = calloc(jobs, sizeof *args);
    if (!th || !args) {
        free(th);
        free(args);
        return WC_ERR_NOMEM;
    }
    unsigned started = 0;
    for (; started < jobs; started++) {
        args[started][0] = &sh;
        args[started][1] = (void *)(uintptr_t)started;
        if (pthread_create(&th[started], NULL, worker, args[started]) != 0)
            break;
    }
    if (started == 0)
        worker(args[0]); /* no thread to be had: grade here, one at a time */
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(args);
    return sh.failed ? 1 : 0;
}
