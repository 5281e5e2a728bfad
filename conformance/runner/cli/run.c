/* run.c -- `wirecheck run`: options, loading, running and writing the report. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cli/cli.h"
#include "load/suite.h"
#include "report/report.h"
#include "run/run.h"
#include "program/proc.h"
#include "program/sandbox.h"

static const char run_usage[] =
    "usage: wirecheck run SUITE (--exec 'CMD ARGS' | --connect HOST:PORT) [options]\n"
    "\n"
    "target:\n"
    "  --exec 'CMD ARGS'     start the program under test (servers: once, restarted after a\n"
    "                        crash; clients: once per case). {addr} {host} {port} in the\n"
    "                        command become a fresh loopback address, so cases run in\n"
    "                        parallel; without them the suite's default port is used\n"
    "                        (tcp-echo 7878, udp-echo 8080, sensor 1234), which runs in\n"
    "                        parallel too when confined (each worker has its own network),\n"
    "                        else one case at a time\n"
    "  --connect HOST:PORT   a server that is already running (server suites only)\n"
    "  --listen HOST:PORT    client suites: where the runner listens instead\n"
    "selection:\n"
    "  --level L             core, robust, stress, all (default), or a list: core,robust\n"
    "  --case GLOB           case ids matching GLOB (sensor.01*)\n"
    "  --keyword K           cases with keyword K; !K: without it. --case and --keyword\n"
    "                        repeat (any of them selects; a !K excludes)\n"
    "  --last-failed FILE    the cases a previous --format json report marks failed\n"
    "  --case-file FILE      run this case file (a finding of wirecheck fuzz, one of your\n"
    "                        own) instead of the suite's cases; repeats (up to 16)\n"
    "  --run-disabled        also run the cases listed in conformance/DISABLED\n"
    "running:\n"
    "  -j N                  N cases at once (unconfined, only with {addr} or {port} in\n"
    "                        --exec)\n"
    "  --timeout-scale X     multiply every timeout by X (slow machines, sanitizers)\n"
    "  -x, --maxfail N       start no more cases once 1 (-x) or N have failed; the rest are\n"
    "                        reported not run (skip)\n"
    "  --retries N           re-run a failing case up to N times; if it then passes it is\n"
    "                        reported as flaky, never as a pass\n"
    "  --baseline FILE       case ids expected to fail (\"ID reason\" lines): they do not fail\n"
    "                        the run, but an unexpected pass does\n"
    "  --strict              a SHOULD requirement not met fails the run; without it, it is\n"
    "                        reported as WARN and the run can still pass\n"
    "sandbox (every --exec program: its own PID and network namespace, uid, read-only files,\n"
    "limits; see conformance/README.md):\n"
    "  --sandbox M           auto (default: confine when this machine can, else say so and\n"
    "                        run unconfined), require (refuse without), off\n"
    "  --limit NAME=N        cpu (s, default 300), memory (MiB of address space, 4096),\n"
    "                        procs (256), files (1024), fsize (MiB per file, 64), tmp (MiB\n"
    "                        of private /tmp, 64); 0: none. Also $WIRECHECK_LIMITS=a=1,b=2\n"
    "  --sandbox-rw DIR      bind DIR read-write (default: everything is read-only but /tmp)\n"
    "  --sandbox-hide DIR    hide DIR (up to 8); --sandbox-show DIR: show DIR inside it\n"
    "  --sandbox-uid UID     first uid the programs run as (default: picked per run)\n"
    "  --max-time S          end the run, and every program, after S seconds whatever\n"
    "                        happens (default 1800; 0: never)\n";
/* The rest of the usage: one literal would outgrow what C17 promises a string can hold. */
static const char run_usage_report[] =
    "report:\n"
    "  --format F            text (default), tap, junit, json or html (one self-contained\n"
    "                        page with a sequence diagram per failure), on stdout\n"
    "  -o FILE               write that report to FILE instead of stdout\n"
    "  --report F:FILE       also write a report in format F to FILE (repeatable:\n"
    "                        --report junit:out.xml --report html:out.html)\n"
    "  --name LABEL          what the run is called in every report (default: the suite)\n"
    "  --quiet               no report on stdout (the --report files are still written)\n"
    "  --transcript W        fail (default), always or never\n"
    "  --color W             auto (default: only on a terminal, not with NO_COLOR), always,\n"
    "                        never\n"
    "\n"
    "exit codes: 0 every selected case passed (SHOULD warnings allowed), 1 some failed,\n"
    "            2 usage or case-file error (or no case selected), 3 the target could not\n"
    "            be started or reached\n"
    "            (--connect finds nothing; --exec dies or is not ready at its first start;\n"
    "            --sandbox require on a machine that cannot confine), 4 --max-time reached\n";

/* The options that take a value (so that an unknown one is named as unknown). */
static int takes_value(const char *a)
{
    static const char *const names[] = {
        "--exec", "--connect", "--listen", "--level", "--case", "--keyword", "-j", "--jobs",
        "--timeout-scale", "--retries", "--baseline", "--format", "-o", "--output",
        "--transcript", "--color", "--colour", "--report", "--name", "--sandbox", "--limit",
        "--sandbox-rw", "--sandbox-uid", "--max-time", "--maxfail", "--last-failed",
        "--sandbox-hide", "--sandbox-show", "--case-file"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(a, names[i]) == 0)
            return 1;
    return 0;
}

/* The ids a previous JSON report (--format json) marks failed, added to |sel| as --case
 * globs (kept in |*ids|, freed by the caller with free_ids). Returns the count or -1. */
static int load_last_failed(const char *path, struct selection *sel, char ***ids)
{
    char *text;
    size_t len;
    *ids = NULL;
    if (suite_read_file(path, 64u << 20, &text, &len) < 0)
        return -1;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    if (!cJSON_IsArray(cases)) {
        cJSON_Delete(root);
        return -1;
    }
    int n = 0;
    *ids = calloc((size_t)cJSON_GetArraySize(cases) + 1, sizeof **ids);
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
        if (!*ids || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "failed")) ||
            !cJSON_IsString(id) || !id->valuestring[0])
            continue; /* not a failure, or not an id: nothing to select */
        if (!((*ids)[n] = strdup(id->valuestring)) || selection_add_glob(sel, (*ids)[n]) < 0) {
            free((*ids)[n]);
            (*ids)[n] = NULL;
            cJSON_Delete(root);
            return -1; /* more failures than a selection holds: never a partial rerun */
        }
        n++;
    }
    cJSON_Delete(root);
    return *ids ? n : -1;
}

static void free_ids(char **ids)
{
    for (size_t i = 0; ids && ids[i]; i++)
        free(ids[i]);
    free(ids);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "wirecheck run: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see wirecheck run --help)\n");
    return RUN_EXIT_USAGE;
}


int cli_parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int load_list(const char *path, struct idlist *l, int required)
{
    char *text;
    size_t len;
    char err[512];
    int e = suite_read_file(path, 4 << 20, &text, &len);
    if (e < 0) {
        if (!required && e == -ENOENT)
            return 1;
        fprintf(stderr, "wirecheck: %s: %s\n", path, strerror(-e));
        return -1;
    }
    int rc = idlist_parse(path, text, len, l, err, sizeof err);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "wirecheck: %s\n", err);
        return -1;
    }
    return 0;
}

/* The progress line on a terminal's stderr while the cases run (the text report is written
 * whole at the end: it begins with the diagnoses, which need every case). */
struct progress_ctx {
    int64_t t0;
    unsigned done, failing;
};

/* The watchdog: --max-time after the start, whatever the run is doing (a target that stopped
 * the runner's threads, a wait that never ends), everything ends. */
static void *watchdog(void *arg)
{
    unsigned secs = *(const unsigned *)arg;
    clk_sleep_until(clk_now_ms() + (int64_t)secs * 1000);
    static const char msg[] = "wirecheck: --max-time reached: every program stopped, no "
                              "report\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    proc_kill_all_from_signal();
    _exit(RUN_EXIT_MAX_TIME);
}

/* Most --report options. */
#define RUN_MAX_REPORTS 8

struct extra_report {
    enum report_format format;
    const char *path;
    FILE *f;
};

static int parse_format(const char *v, size_t n, enum report_format *out)
{
    static const char *const names[] = {"text", "tap", "junit", "json", "html"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        if (strlen(names[i]) == n && strncmp(v, names[i], n) == 0) {
            *out = (enum report_format)i;
            return 0;
        }
    }
    return -1;
}

/* A whole report in |format| (text: every case, then the summary). */
static int write_report(FILE *f, enum report_format format, struct run *run,
                        const struct report_opts *base)
{
    struct report_opts ro = *base;
    ro.format = format;
    switch (format) {
    case FORMAT_TEXT:
        report_text_diagnoses(f, run, &ro);
        for (size_t i = 0; i < run->n; i++)
            if (run->res[i].selected)
                report_text_case(f, run, i, &ro);
        report_text_summary(f, run, &ro);
        return ferror(f) ? -1 : 0;
    case FORMAT_TAP:
        return report_tap(f, run, &ro);
    case FORMAT_JUNIT:
        return report_junit(f, run, &ro);
    case FORMAT_JSON:
        return report_json(f, run, &ro);
    case FORMAT_HTML:
        return report_html(f, run, &ro);
    }
    return -1;
}

static void on_done(struct run *run, size_t i, void *p)
{
    struct progress_ctx *sc = p;
    const struct case_result *r = &run->res[i];
    sc->done++;
    sc->failing += (outcome_is_failure(r->play.v.outcome) && !r->known) || r->unexpected_pass;
    fprintf(stderr, "\r\033[K%s: %u/%zu cases, %u failing, %.1f s", run->s->name, sc->done,
            run->n_selected, sc->failing, (double)(clk_now_ms() - sc->t0) / 1000.0);
    if (sc->done == run->n_selected)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* The ids --last-failed read: borrowed by the selection until the command ends. */
static char **failed_ids;

static int run_command(const struct cli *cli, int argc, char **argv)
{
    struct run_opts o;
    memset(&o, 0, sizeof o);
    selection_init(&o.sel);
    const char *last_failed = NULL;
    o.jobs = 1;
    o.scale = 1.0;
    struct report_opts ro = {FORMAT_TEXT, TRANSCRIPT_FAIL, 0, NULL};
    const char *suite_name = NULL, *out_path = NULL, *baseline = NULL, *color = "auto";
    enum sandbox_mode sandbox_mode = SANDBOX_AUTO;
    struct extra_report extra[RUN_MAX_REPORTS];
    size_t n_extra = 0;
    int quiet = 0;
    const char *rw_dir = NULL;
    const char *case_files[16];
    size_t n_case_files = 0;
    unsigned max_time = 1800;
    static struct sandbox sb; /* outlives the run: the watchdog and workers borrow it */
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    sb.uid_base = sandbox_default_uid_base();
    char lerr[256];
    const char *env_limits = getenv("WIRECHECK_LIMITS");
    if (env_limits && sandbox_limits_parse_list(&sb.lim, env_limits, lerr, sizeof lerr) < 0)
        return usage_error("$WIRECHECK_LIMITS: %s", lerr);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(run_usage, stdout);
            fputs(run_usage_report, stdout);
            return 0;
        }
        if (a[0] != '-') {
            if (suite_name)
                return usage_error("one suite at a time (got '%s' too)", a);
            suite_name = a;
            continue;
        }
        if (strncmp(a, "-j", 2) == 0 && a[2]) { /* -j4 */
            if (cli_parse_uint(a + 2, 64, &o.jobs) < 0 || o.jobs == 0)
                return usage_error("-j takes 1..64, not '%s'", a + 2);
            continue;
        }
        if (strcmp(a, "--run-disabled") == 0) {
            o.run_disabled = 1;
            continue;
        }
        if (strcmp(a, "--strict") == 0) {
            o.strict = 1;
            continue;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
            continue;
        }
        if (strcmp(a, "-x") == 0 || strcmp(a, "--exitfirst") == 0) {
            o.maxfail = 1;
            continue;
        }
        if (!takes_value(a))
            return usage_error("unknown option %s", a);
        if (!v)
            return usage_error("%s needs a value", a);
        i++;
        if (strcmp(a, "--exec") == 0) {
            o.exec = v;
        } else if (strcmp(a, "--connect") == 0) {
            o.connect = v;
        } else if (strcmp(a, "--listen") == 0) {
            o.listen = v;
        } else if (strcmp(a, "--level") == 0) {
            if (selection_set_levels(&o.sel, v) < 0)
                return usage_error("--level takes core, robust, stress or all, not '%s'", v);
        } else if (strcmp(a, "--case") == 0) {
            if (selection_add_glob(&o.sel, v) < 0)
                return usage_error("--case takes a case id or a glob (at most %d), not '%s'",
                                   SELECTION_MAX, v);
        } else if (strcmp(a, "--case-file") == 0) {
            if (n_case_files == sizeof case_files / sizeof case_files[0])
                return usage_error("at most %zu --case-file", n_case_files);
            case_files[n_case_files++] = v;
        } else if (strcmp(a, "--keyword") == 0) {
            if (selection_add_keyword(&o.sel, v) < 0)
                return usage_error("--keyword takes one word, or !word to exclude (at most "
                                   "%d), not '%s'", SELECTION_MAX, v);
        } else if (strcmp(a, "--maxfail") == 0) {
            if (cli_parse_uint(v, 100000, &o.maxfail) < 0 || o.maxfail == 0)
                return usage_error("--maxfail takes 1..100000, not '%s'", v);
        } else if (strcmp(a, "--last-failed") == 0) {
            last_failed = v;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            if (cli_parse_uint(v, 64, &o.jobs) < 0 || o.jobs == 0)
                return usage_error("-j takes 1..64, not '%s'", v);
        } else if (strcmp(a, "--timeout-scale") == 0) {
            char *end;
            o.scale = strtod(v, &end);
            if (end == v || *end || !(o.scale >= 0.1 && o.scale <= 100.0))
                return usage_error("--timeout-scale takes 0.1..100, not '%s'", v);
        } else if (strcmp(a, "--retries") == 0) {
            if (cli_parse_uint(v, 10, &o.retries) < 0)
                return usage_error("--retries takes 0..10, not '%s'", v);
        } else if (strcmp(a, "--baseline") == 0) {
            baseline = v;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(v, "text") == 0)
                ro.format = FORMAT_TEXT;
            else if (strcmp(v, "tap") == 0)
                ro.format = FORMAT_TAP;
            else if (strcmp(v, "junit") == 0)
                ro.format = FORMAT_JUNIT;
            else if (strcmp(v, "json") == 0)
                ro.format = FORMAT_JSON;
            else if (strcmp(v, "html") == 0)
                ro.format = FORMAT_HTML;
            else
                return usage_error("--format takes text, tap, junit, json or html, not '%s'", v);
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            out_path = v;
        } else if (strcmp(a, "--transcript") == 0) {
            if (strcmp(v, "fail") == 0)
                ro.transcript = TRANSCRIPT_FAIL;
            else if (strcmp(v, "always") == 0)
                ro.transcript = TRANSCRIPT_ALWAYS;
            else if (strcmp(v, "never") == 0)
                ro.transcript = TRANSCRIPT_NEVER;
            else
                return usage_error("--transcript takes fail, always or never, not '%s'", v);
        } else if (strcmp(a, "--report") == 0) {
            const char *colon = strchr(v, ':');
            if (n_extra == RUN_MAX_REPORTS)
                return usage_error("at most %d --report options", RUN_MAX_REPORTS);
            if (!colon || !colon[1] ||
                parse_format(v, (size_t)(colon - v), &extra[n_extra].format) < 0)
                return usage_error("--report takes FORMAT:FILE with FORMAT text, tap, junit, "
                                   "json or html, not '%s'", v);
            extra[n_extra].path = colon + 1;
            extra[n_extra++].f = NULL;
        } else if (strcmp(a, "--name") == 0) {
            if (!*v)
                return usage_error("--name takes a label, not ''");
            ro.name = v;
        } else if (strcmp(a, "--sandbox") == 0) {
            if (strcmp(v, "auto") == 0)
                sandbox_mode = SANDBOX_AUTO;
            else if (strcmp(v, "require") == 0)
                sandbox_mode = SANDBOX_REQUIRE;
            else if (strcmp(v, "off") == 0)
                sandbox_mode = SANDBOX_OFF;
            else
                return usage_error("--sandbox takes auto, require or off, not '%s'", v);
        } else if (strcmp(a, "--limit") == 0) {
            if (sandbox_limit_parse(&sb.lim, v, lerr, sizeof lerr) < 0)
                return usage_error("--limit %s", lerr);
        } else if (strcmp(a, "--sandbox-rw") == 0) {
            if (v[0] != '/' || access(v, W_OK) != 0)
                return usage_error("--sandbox-rw takes an absolute path of a writable "
                                   "directory, not '%s'", v);
            rw_dir = v;
        } else if (strcmp(a, "--sandbox-hide") == 0) {
            if (sandbox_hide(&sb, v) < 0)
                return usage_error("--sandbox-hide takes an absolute path (at most %d), not "
                                   "'%s'", SANDBOX_MAX_HIDE, v);
        } else if (strcmp(a, "--sandbox-show") == 0) {
            if (v[0] != '/' || strlen(v) >= sizeof sb.show)
                return usage_error("--sandbox-show takes an absolute path, not '%s'", v);
            snprintf(sb.show, sizeof sb.show, "%s", v);
        } else if (strcmp(a, "--sandbox-uid") == 0) {
            if (cli_parse_uint(v, 0xfffff000u, &sb.uid_base) < 0 || sb.uid_base < 1000)
                return usage_error("--sandbox-uid takes 1000..%u, not '%s'", 0xfffff000u, v);
        } else if (strcmp(a, "--max-time") == 0) {
            if (cli_parse_uint(v, 7 * 86400, &max_time) < 0)
                return usage_error("--max-time takes 0..604800 seconds, not '%s'", v);
        } else if (strcmp(a, "--color") == 0 || strcmp(a, "--colour") == 0) {
            if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))
                return usage_error("--color takes auto, always or never, not '%s'", v);
            color = v;
        } else {
            return usage_error("unknown option %s", a);
        }
    }
    if (!suite_name)
        return usage_error("which suite?");
    if (last_failed) {
        int n = load_last_failed(last_failed, &o.sel, &failed_ids);
        if (n < 0)
            return usage_error("--last-failed %s: not a JSON report of wirecheck run (or more "
                               "than %d failures)", last_failed, SELECTION_MAX);
        if (n == 0) /* as pytest --lf: nothing failed, so everything runs */
            fprintf(stderr, "wirecheck: --last-failed %s: no case failed last time: running "
                    "the whole selection\n", last_failed);
    }
    struct net_addr la;
    if (o.listen && net_parse_addr(o.listen, &la) < 0)
        return usage_error("--listen takes HOST:PORT with a numeric IPv4 or [IPv6] host, not "
                           "'%s'", o.listen);

    char why[700];
    if (o.exec) {
        if (sandbox_setup(&sb, sandbox_mode, rw_dir, why, sizeof why) < 0) {
            fprintf(stderr, "wirecheck: %s (--sandbox require)\n", why);
            return RUN_EXIT_TARGET;
        }
        if (why[0] && sb.uid_only)
            fprintf(stderr, "wirecheck: %s (--sandbox require refuses instead)\n", why);
        else if (why[0])
            fprintf(stderr, "wirecheck: %s; running the program unconfined (process groups "
                    "only; --sandbox require refuses instead)\n", why);
        o.sandbox = &sb;
    }
    static unsigned watchdog_secs;
    watchdog_secs = max_time;
    pthread_t wd;
    if (max_time && pthread_create(&wd, NULL, watchdog, &watchdog_secs) == 0)
        pthread_detach(wd);

    struct suite *s;
    char err[1024];
    s = cli_load_suite(cli, suite_name);
    if (!s)
        return RUN_EXIT_USAGE;
    /* Case files of one's own join the suite and are all that runs. */
    for (size_t k = 0; k < n_case_files; k++) {
        const struct cf_case *c;
        int bad = suite_add_file(s, case_files[k], &c, err, sizeof err) < 0;
        if (!bad && selection_add_glob(&o.sel, c->id) < 0) {
            snprintf(err, sizeof err, "%s: too many cases selected", case_files[k]);
            bad = 1;
        }
        if (bad) {
            fprintf(stderr, "wirecheck: --case-file %s\n", err);
            suite_free(s);
            return RUN_EXIT_USAGE;
        }
    }
    struct spec spec;
    int have_spec = cli_load_spec(cli, &spec) == 0;
    struct idlist disabled, base;
    memset(&disabled, 0, sizeof disabled);
    memset(&base, 0, sizeof base);
    int rc = RUN_EXIT_USAGE;
    int dl = load_list(cli->disabled, &disabled, 0);
    if (dl < 0 || (baseline && load_list(baseline, &base, 1) < 0))
        goto out;
    o.disabled = dl == 0 ? &disabled : NULL;
    o.baseline = baseline ? &base : NULL;

    FILE *out = stdout;
    if (out_path) {
        out = fopen(out_path, "we");
        if (!out) {
            fprintf(stderr, "wirecheck: %s: %s\n", out_path, strerror(errno));
            goto out;
        }
    }
    /* Every report file is opened before the run: a path that cannot be written is a usage
     * error now, not a lost report later. */
    for (size_t k = 0; k < n_extra; k++) {
        extra[k].f = fopen(extra[k].path, "we"); /* "e": never inherited by a program */
        if (!extra[k].f) {
            fprintf(stderr, "wirecheck: --report %s: %s\n", extra[k].path, strerror(errno));
            for (size_t j = 0; j < k; j++)
                fclose(extra[j].f);
            if (out != stdout)
                fclose(out);
            rc = RUN_EXIT_USAGE;
            goto out;
        }
    }
    const char *nc = getenv("NO_COLOR");
    ro.color = strcmp(color, "always") == 0 ||
               (strcmp(color, "auto") == 0 && isatty(fileno(out)) && !(nc && *nc));
    /* A terminal gets a progress line (never a pipe or a file: CI logs stay clean). */
    struct progress_ctx sc = {clk_now_ms(), 0, 0};
    struct run run;
    rc = run_suite(&run, &o, s, have_spec ? &spec : NULL, isatty(2) ? on_done : NULL, &sc, err,
                   sizeof err);
    if (rc) {
        fprintf(stderr, "wirecheck: %s\n", err);
    } else {
        if (run.fatal)
            fprintf(stderr, "wirecheck: the target could not be started or reached: %s\n",
                    run.fatal_msg);
        if (run.serialized)
            fprintf(stderr, "wirecheck: -j %u: the cases ran one at a time: %s\n", o.jobs,
                    o.connect ? "--connect names one shared server"
                              : "without the sandbox, a command with no {addr} or {port} "
                                "means one fixed port on this machine");
        if (!quiet)
            write_report(out, ro.format, &run, &ro);
        struct report_opts plain = ro;
        plain.color = 0;
        int written = 0;
        for (size_t k = 0; k < n_extra; k++) {
            if (write_report(extra[k].f, extra[k].format, &run, &plain) < 0 && !written) {
                fprintf(stderr, "wirecheck: --report %s: write failed\n", extra[k].path);
                written = -1;
            }
        }
        rc = run_exit_code(&run);
        if (written < 0 && rc == 0)
            rc = RUN_EXIT_USAGE;
        for (size_t i = 0; o.baseline && i < base.n; i++) {
            if (!base.e[i].used)
                fprintf(stderr, "wirecheck: %s:%u: %s matches no case of %s (stale baseline "
                        "entry?)\n", baseline, base.e[i].line, base.e[i].id, suite_name);
        }
    }
    run_cleanup(&run);
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = RUN_EXIT_USAGE;
    for (size_t k = 0; k < n_extra; k++) {
        if (fclose(extra[k].f) != 0 && rc == 0)
            rc = RUN_EXIT_USAGE;
    }
out:
    idlist_free(&disabled);
    idlist_free(&base);
    if (have_spec)
        spec_free(&spec);
    suite_free(s);
    return rc;
}

int cli_cmd_run(const struct cli *cli, int argc, char **argv)
{
    int rc = run_command(cli, argc, argv);
    free_ids(failed_ids);
    failed_ids = NULL;
    return rc;
}
