/* fuzz.c -- `wirecheck fuzz`: a live server fuzzed against the reference implementation; every
 * new difference written as a case file that fails the target and passes the reference. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "cli/cli.h"
#include "net.h"
#include "netfuzz/netfuzz.h"
#include "program/command.h"
#include "status.h"

static const char usage[] =
    "usage: wirecheck fuzz SUITE (--exec 'CMD' | --connect HOST:PORT) [options]\n"
    "\n"
    "Plays exchanges made from SUITE's cases and mutated (bytes, SensorData tokens, sizes at\n"
    "buffer edges, chunking, pauses, line endings, half-closes and resets) against the program\n"
    "CMD and against the reference, and reports where they differ. A server suite: another\n"
    "reply, another close, a crash, descriptors or memory that keep growing. A client suite\n"
    "(the fuzzer plays a mutated server): another exit status, other output, a hang, a\n"
    "crash, another request. A difference counts once it replays as a case file (it fails the\n"
    "target and passes the reference); it is then shrunk and written to the findings folder.\n"
    "\n"
    "options:\n"
    "  --exec 'CMD'          the program under test ({addr} or {port} as for run)\n"
    "  --connect HOST:PORT   a server that is already running (no crash or growth findings:\n"
    "                        wirecheck does not see its process)\n"
    "  --reference 'CMD'     the oracle (default: wirecheck's own reference program for SUITE)\n"
    "  --runs N              exchanges to play (default 200)\n"
    "  --time SECONDS        stop after this long, whatever --runs (default: none)\n"
    "  --seed S              the generator's seed (default 1): the same seed, the same inputs\n"
    "  --findings DIR        where the case files go (default findings): NNN-SIGNATURE.case,\n"
    "                        shrunk, and NNN-SIGNATURE.transcript, the first and the shrunk\n"
    "                        exchange with what both servers sent\n"
    "  --corpus DIR          read the pool from DIR and add every input that made the\n"
    "                        reference do something new, so that a long run can resume\n"
    "  --shrink N            plays spent making each finding small (default 200; 0: none)\n"
    "  --max-findings N      stop once N findings are made (default 0: run on; with -j, per\n"
    "                        worker)\n"
    "  -j N                  N worker processes, each with its own target and reference (and\n"
    "                        network namespace when confined), seed and share of --runs\n"
    "  --timeout-scale X     of every wait (default 1)\n"
    "  --sandbox M           auto (default), require or off, as for run\n"
    "  --format F            text (default) or json (one object on stdout)\n"
    "\n"
    "exit codes: 0 no finding, 1 findings, 2 usage, 3 a server or client could not be\n"
    "            started\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wirecheck fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return 2;
}

/* The reference command for |suite| from conformance/suites.tsv, its program found beside this
 * binary (installed) or in the build's src/programs. */
static int reference_for(const struct cli *cli, const char *suite, char *out, size_t len)
{
    char path[PATH_MAX + 16], *text;
    size_t n;
    snprintf(path, sizeof path, "%s/suites.tsv", cli->dir);
    if (suite_read_file(path, 1 << 16, &text, &n) < 0)
        return -1;
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    int rc = -1;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && rc < 0;
         line = strtok_r(NULL, "\n", &save)) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (line[0] == '#' || !t2 || (size_t)(t1 - line) != strlen(suite) ||
            strncmp(line, suite, strlen(suite)) != 0)
            continue;
        *t2 = 0;
        const char *prog = t1 + 1, *args = t2 + 1;
        static const char *const where[] = {"", "/../src/programs"};
        for (size_t i = 0; i < 2 && rc < 0; i++) {
            char p[PATH_MAX + 64];
            snprintf(p, sizeof p, "%s%s/%s", self, where[i], prog);
            if (access(p, X_OK) == 0) {
                snprintf(out, len, "%s %s", p, args);
                rc = 0;
            }
        }
    }
    free(text);
    return rc;
}

/* What a -j worker changes in its copy of the process before it starts servers. */
struct job_setup {
    struct sandbox *sb;
    unsigned uid_base;
    int shared_net; /* --connect: the server is out there, in this network */
};

/* A worker's own network (no fixed port meets another worker's) and uids (no worker's
 * programs count towards, or are stopped with, another's). */
static int job_init(unsigned k, void *ctx)
{
    struct job_setup *js = ctx;
    js->sb->uid_base = js->uid_base + 64 * (k + 1);
    proc_become_subreaper();
    return js->sb->on && !js->shared_net && net_private_namespace() < 0 ? -1 : 0;
}

/* A terminal's status line: what the campaign has done so far. */
static void show_progress(unsigned exchanges, double secs, size_t corpus, size_t findings,
                          void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r%u exchanges, %.0f/s, corpus %zu, %zu finding%s ", exchanges,
            secs > 0 ? exchanges / secs : 0, corpus, findings, findings == 1 ? "" : "s");
}

static void print_json(const char *suite_name, const struct nf_report *rep)
{
    cJSON *top = cJSON_CreateObject(), *list = cJSON_CreateArray();
    cJSON_AddStringToObject(top, "suite", suite_name);
    cJSON_AddNumberToObject(top, "exchanges", rep->exchanges);
    cJSON_AddNumberToObject(top, "exchanges_per_s", rep->secs > 0 ? rep->exchanges / rep->secs : 0);
    cJSON_AddNumberToObject(top, "seconds", rep->secs);
    cJSON_AddNumberToObject(top, "corpus", (double)rep->corpus);
    cJSON_AddNumberToObject(top, "corpus_loaded", (double)rep->corpus_loaded);
    cJSON_AddNumberToObject(top, "unconfirmed", rep->unconfirmed);
    cJSON_AddNumberToObject(top, "kept_connection", rep->kept);
    for (size_t k = 0; k < rep->n_found; k++) {
        const struct nf_finding *f = &rep->found[k];
        cJSON *o = cJSON_CreateObject();
        char kind[16];
        snprintf(kind, sizeof kind, "%.*s", (int)strcspn(f->sig, ":"), f->sig);
        cJSON_AddStringToObject(o, "signature", f->sig);
        cJSON_AddStringToObject(o, "kind", kind);
        cJSON_AddStringToObject(o, "case_file", f->file);
        cJSON_AddStringToObject(o, "transcript", f->transcript);
        cJSON_AddBoolToObject(o, "verified", f->verified);
        cJSON_AddNumberToObject(o, "first_seen_s", f->at_s);
        cJSON_AddNumberToObject(o, "first_seen_exchange", f->at_exchange);
        cJSON_AddNumberToObject(o, "steps_first", (double)f->steps0);
        cJSON_AddNumberToObject(o, "bytes_first", (double)f->bytes0);
        cJSON_AddNumberToObject(o, "steps", (double)f->steps);
        cJSON_AddNumberToObject(o, "bytes", (double)f->bytes);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddItemToObject(top, "findings", list);
    char *txt = cJSON_PrintUnformatted(top);
    printf("%s\n", txt ? txt : "{}");
    free(txt);
    cJSON_Delete(top);
}

static void print_text(const char *suite_name, const struct nf_report *rep)
{
    printf("fuzz %s: %u exchanges in %.1f s (%.1f/s), corpus %zu (%zu from --corpus), %zu "
           "finding%s\n",
           suite_name, rep->exchanges, rep->secs, rep->secs > 0 ? rep->exchanges / rep->secs : 0,
           rep->corpus, rep->corpus_loaded, rep->n_found, rep->n_found == 1 ? "" : "s");
    if (rep->unconfirmed)
        printf("  (%u difference%s did not replay as a case file: timing, not counted)\n",
               rep->unconfirmed, rep->unconfirmed == 1 ? "" : "s");
    for (size_t k = 0; k < rep->n_found; k++) {
        const struct nf_finding *f = &rep->found[k];
        if (!f->file[0]) {
            printf("  %-22s after %.1f s, no case file (it shows over many exchanges, not one)\n",
                   f->sig, f->at_s);
            continue;
        }
        printf("  %-22s %s%s (after %.1f s; %zu steps and %zu bytes, shrunk from %zu and %zu)\n",
               f->sig, f->file, f->verified ? "" : " (NOT confirmed by a replay)", f->at_s,
               f->steps, f->bytes, f->steps0, f->bytes0);
    }
}

int cli_cmd_fuzz(const struct cli *cli, int argc, char **argv)
{
    const char *suite_name = NULL, *exec = NULL, *reference = NULL, *findings = "findings";
    const char *connect = NULL;
    const char *format = "text", *mode_s = "auto", *corpus = NULL;
    unsigned runs = 200, seed = 1, secs = 0, shrink = 200, jobs = 1, max_findings = 0;
    double scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        int takes = a[0] == '-' && (a[1] == '-' || strcmp(a, "-j") == 0);
        if (takes && i + 1 == argc)
            return usage_error("%s needs a value", a);
        const char *v = takes ? argv[i + 1] : NULL;
        i += takes;
        if (!takes && !suite_name) {
            suite_name = a;
        } else if (strcmp(a, "--exec") == 0) {
            exec = v;
        } else if (strcmp(a, "--connect") == 0) {
            connect = v;
        } else if (strcmp(a, "--reference") == 0) {
            reference = v;
        } else if (strcmp(a, "--runs") == 0) {
            if (cli_parse_uint(v, 10000000, &runs) < 0 || !runs)
                return usage_error("--runs takes 1..10000000, not '%s'", v);
        } else if (strcmp(a, "--time") == 0) {
            if (cli_parse_uint(v, 7 * 86400, &secs) < 0)
                return usage_error("--time takes seconds, not '%s'", v);
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_uint(v, 0xffffffffu, &seed) < 0)
                return usage_error("--seed takes a whole number, not '%s'", v);
        } else if (strcmp(a, "--findings") == 0) {
            findings = v;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            if (cli_parse_uint(v, NF_MAX_JOBS, &jobs) < 0 || !jobs)
                return usage_error("-j takes 1..%d, not '%s'", NF_MAX_JOBS, v);
        } else if (strcmp(a, "--max-findings") == 0) {
            if (cli_parse_uint(v, NF_MAX_FINDINGS, &max_findings) < 0)
                return usage_error("--max-findings takes 0..%d, not '%s'", NF_MAX_FINDINGS, v);
        } else if (strcmp(a, "--corpus") == 0) {
            corpus = v;
        } else if (strcmp(a, "--shrink") == 0) {
            if (cli_parse_uint(v, 100000, &shrink) < 0)
                return usage_error("--shrink takes 0..100000 plays, not '%s'", v);
        } else if (strcmp(a, "--timeout-scale") == 0) {
            char *end;
            scale = strtod(v, &end);
            if (*end || !(scale >= 0.1 && scale <= 100))
                return usage_error("--timeout-scale takes 0.1 to 100, not '%s'", v);
        } else if (strcmp(a, "--sandbox") == 0) {
            if (strcmp(v, "auto") && strcmp(v, "require") && strcmp(v, "off"))
                return usage_error("--sandbox takes auto, require or off, not '%s'", v);
            mode_s = v;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(v, "text") && strcmp(v, "json"))
                return usage_error("--format takes text or json, not '%s'", v);
            format = v;
        } else {
            return usage_error("unknown option or argument %s", a);
        }
    }
    if (!suite_name || !exec == !connect)
        return usage_error("%s", "needs SUITE and one of --exec 'CMD' or --connect HOST:PORT");
    struct suite *s = cli_load_suite(cli, suite_name);
    if (!s)
        return 2;
    int sensor = strcmp(suite_name, "sensor") == 0;
    char ref_cmd[PATH_MAX + 128];
    if (!reference) {
        if (reference_for(cli, suite_name, ref_cmd, sizeof ref_cmd) < 0) {
            suite_free(s);
            return usage_error("no reference program found for %s: give --reference", suite_name);
        }
        reference = ref_cmd;
    }
    static struct sandbox sb;
    memset(&sb, 0, sizeof sb);
    sandbox_limits_default(&sb.lim);
    sb.uid_base = sandbox_default_uid_base();
    const char *env_limits = getenv("WIRECHECK_LIMITS");
    char err[1024] = "";
    if (env_limits && sandbox_limits_parse_list(&sb.lim, env_limits, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("$WIRECHECK_LIMITS: %s", err);
    }
    enum sandbox_mode mode = strcmp(mode_s, "off") == 0       ? SANDBOX_OFF
                             : strcmp(mode_s, "require") == 0 ? SANDBOX_REQUIRE
                                                              : SANDBOX_AUTO;
    if (sandbox_setup(&sb, mode, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "wirecheck fuzz: %s\n", err);
        suite_free(s);
        return 3;
    }
    /* The target's fixed port and the reference's never meet another run's: a namespace of
     * their own, loopback only. */
    if (sb.on && !connect && net_private_namespace() < 0) {
        fprintf(stderr, "wirecheck fuzz: no network namespace of its own\n");
        suite_free(s);
        return 3;
    }
    proc_become_subreaper();
    int ph_t = 0, ph_r = 0;
    char **av;
    if (exec && command_split(exec, NULL, &av, &ph_t, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("--exec: %s", err);
    }
    if (exec)
        command_argv_free(av);
    if (command_split(reference, NULL, &av, &ph_r, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("--reference: %s", err);
    }
    command_argv_free(av);
    struct target tt, rt;
    if (connect && s->client_role) {
        suite_free(s);
        return usage_error("%s is a client suite: a client is started with --exec", suite_name);
    }
    if (target_init(&tt, s, exec, ph_t, connect, &sb, scale, err, sizeof err) < 0 ||
        target_init(&rt, s, reference, ph_r, NULL, &sb, scale, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("%s", err);
    }
    if (mkdir(findings, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "wirecheck fuzz: cannot make %s: %s\n", findings, strerror(errno));
        suite_free(s);
        return 2;
    }
    if (corpus && mkdir(corpus, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "wirecheck fuzz: cannot make %s: %s\n", corpus, strerror(errno));
        suite_free(s);
        return 2;
    }
    struct nf_config cfg = {
        .suite_name = suite_name,
        .pair = {.t = &tt, .ref = &rt, .s = s, .sensor = sensor, .scale = scale},
        .runs = runs,
        .secs = secs,
        .seed = seed,
        .findings = findings,
        .corpus = corpus,
        .shrink = shrink,
        .max_findings = max_findings,
        .progress = isatty(2) ? show_progress : NULL,
    };
    static struct nf_report rep;
    struct job_setup js = {&sb, sb.uid_base, connect != NULL};
    int rc = jobs > 1 ? nf_campaign_jobs(&cfg, jobs, job_init, &js, &rep) : nf_campaign(&cfg, &rep);
    if (cfg.progress)
        fputs("\r\033[K", stderr);
    if (rc == WC_ERR_UNAVAILABLE)
        fprintf(stderr, "wirecheck fuzz: a program could not be started or reached: %s\n",
                rep.fatal);
    else if (rc < 0)
        fprintf(stderr, "wirecheck fuzz: out of memory\n");
    if (strcmp(format, "json") == 0)
        print_json(suite_name, &rep);
    else
        print_text(suite_name, &rep);
    target_stop(&tt);
    target_stop(&rt);
    suite_free(s);
    return rc == WC_ERR_UNAVAILABLE ? 3 : rc < 0 ? 1 : rep.n_found ? 1 : 0;
}
