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

#include "clock.h"
#include "cli/cli.h"
#include "net.h"
#include "netfuzz/netfuzz.h"
#include "program/command.h"
#include "status.h"

static const char usage[] =
    "usage: wirecheck fuzz SUITE --exec 'CMD' [options]\n"
    "\n"
    "Plays exchanges made from SUITE's cases and mutated (bytes, SensorData tokens, chunking,\n"
    "pauses, line endings, half-closes and resets) against the server CMD and against the\n"
    "reference, and reports where they differ: a crash, another reply, another close. Each new\n"
    "difference is written to the findings folder as a case file, checked to fail the target\n"
    "and pass the reference. Server suites over TCP (tcp-echo, tcp-echo-threaded, sensor).\n"
    "\n"
    "options:\n"
    "  --exec 'CMD'          the server under test ({addr} or {port} as for run)\n"
    "  --reference 'CMD'     the oracle (default: wirecheck's own reference program for SUITE)\n"
    "  --runs N              exchanges to play (default 200)\n"
    "  --time SECONDS        stop after this long, whatever --runs (default: none)\n"
    "  --seed S              the generator's seed (default 1): the same seed, the same inputs\n"
    "  --findings DIR        where the case files go (default findings)\n"
    "  --timeout-scale X     of every wait (default 1)\n"
    "  --sandbox M           auto (default), require or off, as for run\n"
    "  --format F            text (default) or json (one object on stdout)\n"
    "\n"
    "exit codes: 0 no difference, 1 differences found, 2 usage, 3 a server could not be\n"
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

struct finding {
    char sig[64];
    char file[PATH_MAX];
    double at_s;
    int verified;
};

int cli_cmd_fuzz(const struct cli *cli, int argc, char **argv)
{
    const char *suite_name = NULL, *exec = NULL, *reference = NULL, *findings = "findings";
    const char *format = "text", *mode_s = "auto";
    unsigned runs = 200, seed = 1, secs = 0;
    double scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        int takes = a[0] == '-' && a[1] == '-';
        if (takes && i + 1 == argc)
            return usage_error("%s needs a value", a);
        const char *v = takes ? argv[i + 1] : NULL;
        i += takes;
        if (!takes && !suite_name) {
            suite_name = a;
        } else if (strcmp(a, "--exec") == 0) {
            exec = v;
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
    if (!suite_name || !exec)
        return usage_error("%s", "needs SUITE and --exec 'CMD'");
    struct suite *s = cli_load_suite(cli, suite_name);
    if (!s)
        return 2;
    if (s->client_role || s->udp) {
        suite_free(s);
        return usage_error("%s: only TCP server suites can be fuzzed yet (tcp-echo, "
                           "tcp-echo-threaded, sensor)",
                           suite_name);
    }
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
    if (sb.on && net_private_namespace() < 0) {
        fprintf(stderr, "wirecheck fuzz: no network namespace of its own\n");
        suite_free(s);
        return 3;
    }
    proc_become_subreaper();
    int ph_t = 0, ph_r = 0;
    char **av;
    if (command_split(exec, NULL, &av, &ph_t, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("--exec: %s", err);
    }
    command_argv_free(av);
    if (command_split(reference, NULL, &av, &ph_r, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("--reference: %s", err);
    }
    command_argv_free(av);
    struct target tt, rt;
    if (target_init(&tt, s, exec, ph_t, NULL, &sb, scale, err, sizeof err) < 0 ||
        target_init(&rt, s, reference, ph_r, NULL, &sb, scale, err, sizeof err) < 0) {
        suite_free(s);
        return usage_error("%s", err);
    }
    if (mkdir(findings, 0755) < 0 && errno != EEXIST) {
        suite_free(s);
        return usage_error("cannot make %s: %s", findings, strerror(errno));
    }
    /* The pool: the suite's cases as exchanges, then every input that made the reference do
     * something new. */
    size_t cap = 512, n_pool = 0;
    struct nf_exchange *pool = calloc(cap, sizeof *pool);
    uint64_t *shapes = calloc(cap, sizeof *shapes);
    size_t n_shapes = 0;
    for (size_t i = 0; pool && i < s->n_cases && n_pool < cap; i++)
        if (nf_exchange_from_case(s->cases[i], &pool[n_pool]) == 0)
            n_pool++;
    struct finding found[64];
    size_t n_found = 0;
    struct nf_rng rng;
    nf_rng_seed(&rng, seed);
    int64_t t0 = clk_now_ms();
    unsigned played = 0;
    int rc = 0;
    for (; rc == 0 && pool && n_pool && played < runs; played++) {
        if (secs && clk_now_ms() - t0 > (int64_t)secs * 1000)
            break;
        struct nf_exchange x;
        if (nf_exchange_copy(&pool[nf_rng_below(&rng, n_pool)], &x) < 0)
            break;
        nf_mutate(&x, pool, n_pool, sensor, &rng);
        struct nf_outcome ro, to;
        if (nf_play(&rt, s, &x, scale, &ro, err, sizeof err) < 0) {
            fprintf(stderr, "wirecheck fuzz: the reference could not be started: %s\n", err);
            nf_exchange_free(&x);
            rc = 3;
            break;
        }
        if (nf_play(&tt, s, &x, scale, &to, err, sizeof err) < 0) {
            fprintf(stderr, "wirecheck fuzz: the target could not be started: %s\n", err);
            nf_outcome_cleanup(&ro);
            nf_exchange_free(&x);
            rc = 3;
            break;
        }
        char sig[64];
        int seen = 1;
        if (nf_compare(&to, &ro, sensor, sig, sizeof sig)) {
            seen = 0;
            for (size_t k = 0; k < n_found; k++)
                seen |= strcmp(found[k].sig, sig) == 0;
        }
        if (!seen && n_found < sizeof found / sizeof found[0]) {
            struct finding *f = &found[n_found];
            snprintf(f->sig, sizeof f->sig, "%s", sig);
            f->at_s = (double)(clk_now_ms() - t0) / 1000.0;
            char id[64], title[160];
            snprintf(id, sizeof id, "%s.%03zu", suite_name, 900 + n_found);
            snprintf(title, sizeof title, "A fuzzed exchange (%s) gets the reference's answer",
                     sig);
            struct bytes text;
            bytes_init(&text, 0);
            if (nf_case_text(&x, &ro, id, title, x.seed ? x.seed->requirement : "?", &text) == 0) {
                f->verified = nf_confirms(bytes_str(&text), s, &tt, &rt, scale);
                char safe[64];
                snprintf(safe, sizeof safe, "%s", sig);
                for (char *c = safe; *c; c++)
                    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                          (*c >= '0' && *c <= '9')))
                        *c = '-';
                snprintf(f->file, sizeof f->file, "%s/%03zu-%s.case", findings, 900 + n_found,
                         safe);
                FILE *out = fopen(f->file, "w");
                if (!out || fputs(bytes_str(&text), out) < 0)
                    f->file[0] = 0;
                if (out)
                    fclose(out);
            }
            bytes_cleanup(&text);
            n_found++;
        }
        uint64_t shape = nf_shape(&ro, sensor);
        int known = 0;
        for (size_t k = 0; k < n_shapes; k++)
            known |= shapes[k] == shape;
        if (!known && n_shapes < cap) {
            shapes[n_shapes++] = shape;
            if (n_pool < cap && nf_exchange_copy(&x, &pool[n_pool]) == 0)
                n_pool++;
        }
        nf_outcome_cleanup(&ro);
        nf_outcome_cleanup(&to);
        nf_exchange_free(&x);
    }
    double elapsed = (double)(clk_now_ms() - t0) / 1000.0;
    if (strcmp(format, "json") == 0) {
        printf("{\"suite\": \"%s\", \"exchanges\": %u, \"exchanges_per_s\": %.2f, \"corpus\": "
               "%zu, \"findings\": [",
               suite_name, played, elapsed > 0 ? played / elapsed : 0, n_pool);
        for (size_t k = 0; k < n_found; k++)
            printf("%s{\"signature\": \"%s\", \"kind\": \"%.*s\", \"case_file\": \"%s\", "
                   "\"verified\": %s, \"first_seen_s\": %.2f}",
                   k ? ", " : "", found[k].sig, (int)strcspn(found[k].sig, ":"), found[k].sig,
                   found[k].file, found[k].verified ? "true" : "false", found[k].at_s);
        printf("]}\n");
    } else {
        printf("fuzz %s: %u exchanges in %.1f s (%.1f/s), corpus %zu, %zu finding%s\n", suite_name,
               played, elapsed, elapsed > 0 ? played / elapsed : 0, n_pool, n_found,
               n_found == 1 ? "" : "s");
        for (size_t k = 0; k < n_found; k++)
            printf("  %-22s %s%s (after %.1f s)\n", found[k].sig, found[k].file,
                   found[k].verified ? "" : " (NOT confirmed by a replay)", found[k].at_s);
    }
    for (size_t i = 0; pool && i < n_pool; i++)
        nf_exchange_free(&pool[i]);
    free(pool);
    free(shapes);
    target_stop(&tt);
    target_stop(&rt);
    suite_free(s);
    return rc ? rc : n_found ? 1 : 0;
}
