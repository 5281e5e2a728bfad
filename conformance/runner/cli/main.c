/* main.c -- the wirecheck binary: git-style subcommands over the conformance suites. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "load/selection.h"
#include "program/proc.h"

#ifndef WIRECHECK_CONFORMANCE_DIR
#define WIRECHECK_CONFORMANCE_DIR "conformance"
#endif
#ifndef WIRECHECK_VERSION
#define WIRECHECK_VERSION "dev"
#endif

static const char usage[] =
    "usage: wirecheck [--conformance DIR] <command> [options]\n"
    "\n"
    "Checks a student's server or client against numbered requirements (conformance/SPEC.md)\n"
    "with scripted exchanges (conformance/cases/<suite>/*.case).\n"
    "\n"
    "commands:\n"
    "  list [SUITE...] [--keyword K] [--level L] [--format text|json]\n"
    "                       the catalogue: id, level, requirement, title\n"
    "  show CASE-ID         the case file and the text of its requirement\n"
    "  run SUITE (--exec 'CMD ARGS' | --connect HOST:PORT) [options]\n"
    "                       run a suite; `wirecheck run --help` lists the options\n"
    "  lint                 check every case file and SPEC.md (each requirement has a case,\n"
    "                       each case cites an existing requirement of its level)\n"
    "  serve CASE-ID [--listen HOST:PORT]\n"
    "                       play the server of one client case, printing the exchange as it\n"
    "                       happens, for a client started by hand\n"
    "  grade GRADING-FILE SUBMISSION-DIR... [-j N] [-o OUT-DIR] [--shard K/N]\n"
    "                       grade a class: build, run and score every submission's parts\n"
    "                       (`wirecheck grade --help`); grade merge joins --shard outputs\n"
    "  fuzz SUITE --exec 'CMD' [--runs N] [--seed S]\n"
    "                       fuzz a live server against the reference; findings as cases\n"
    "  help [COMMAND]       this text, or COMMAND's own --help\n"
    "\n"
    "suites: tcp-echo, tcp-echo-threaded, udp-echo, sensor (servers);\n"
    "        tcp-echo-client, udp-echo-client, sensor-client (clients)\n"
    "\n"
    "exit codes: 0 every selected case passed, 1 some failed, 2 usage or case-file error,\n"
    "            3 the target could not be started or reached, 4 --max-time reached\n"
    "\n"
    "The conformance directory is --conformance DIR, else $WIRECHECK_CONFORMANCE, else\n"
    "../share/wirecheck beside an installed binary, else the one this binary was built from.\n";

/* Runs subcommand |cmd|; -1 when there is none of that name. */
static int main_dispatch(const struct cli *cli, const char *cmd, int argc, char **argv)
{
    if (strcmp(cmd, "run") == 0)
        return cli_cmd_run(cli, argc, argv);
    if (strcmp(cmd, "list") == 0)
        return cli_cmd_list(cli, argc, argv);
    if (strcmp(cmd, "show") == 0)
        return cli_cmd_show(cli, argc, argv);
    if (strcmp(cmd, "lint") == 0)
        return cli_cmd_lint(cli, argc, argv);
    if (strcmp(cmd, "serve") == 0)
        return cli_cmd_serve(cli, argc, argv);
    if (strcmp(cmd, "grade") == 0)
        return cli_cmd_grade(cli, argc, argv);
    if (strcmp(cmd, "fuzz") == 0)
        return cli_cmd_fuzz(cli, argc, argv);
    return -1;
}

/* Kills every started process group, then dies of the same signal. */
static void on_signal(int sig)
{
    proc_kill_all_from_signal();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* An installed wirecheck finds its cases beside itself: <prefix>/share/wirecheck for
 * <prefix>/bin/wirecheck. Returns |buf| when that folder holds SPEC.md, else NULL. */
static const char *installed_dir(char *buf, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = 0;
    snprintf(buf, len, "%s/../share/wirecheck", exe);
    char spec[4300];
    snprintf(spec, sizeof spec, "%s/SPEC.md", buf);
    return access(spec, R_OK) == 0 ? buf : NULL;
}

int main(int argc, char **argv)
{
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    /* --conformance, else $WIRECHECK_CONFORMANCE, else beside an installed binary, else the
     * source tree this one was built from. */
    static char beside[4200];
    cli.dir = getenv("WIRECHECK_CONFORMANCE");
    if (!cli.dir || !*cli.dir)
        cli.dir = installed_dir(beside, sizeof beside);
    if (!cli.dir)
        cli.dir = WIRECHECK_CONFORMANCE_DIR;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("wirecheck %s\n", WIRECHECK_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--conformance") == 0 && i + 1 < argc) {
            cli.dir = argv[++i];
            continue;
        }
        fprintf(stderr, "wirecheck: unknown option %s\n%s", argv[i], usage);
        return 2;
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    snprintf(cli.cases, sizeof cli.cases, "%s/cases", cli.dir);
    snprintf(cli.spec, sizeof cli.spec, "%s/SPEC.md", cli.dir);
    snprintf(cli.disabled, sizeof cli.disabled, "%s/DISABLED", cli.dir);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* What a program leaves behind when its parent dies becomes ours, to be killed. */
    proc_become_subreaper();

    const char *cmd = argv[i];
    int rc = main_dispatch(&cli, cmd, argc - i, argv + i);
    if (rc >= 0)
        return rc;
    if (strcmp(cmd, "help") == 0) {
        /* "help CMD" is "CMD --help". */
        char help[] = "--help";
        char *sub[] = {argc - i >= 2 ? argv[i + 1] : NULL, help, NULL};
        rc = sub[0] ? main_dispatch(&cli, sub[0], 2, sub) : -1;
        if (rc >= 0)
            return rc;
        if (argc - i >= 2) {
            fprintf(stderr, "wirecheck help: no command '%s' (run, list, show, lint, serve, grade, fuzz)\n",
                    argv[i + 1]);
            return 2;
        }
        fputs(usage, stdout);
        return 0;
    }
    static const char *const commands[] = {"run",   "list",  "show", "lint",
                                           "serve", "grade", "fuzz", "help"};
    const char *near = selection_suggest(cmd, commands, 8);
    fprintf(stderr, "wirecheck: unknown command '%s'%s%s%s\n%s", cmd, near ? "; did you mean " : "",
            near ? near : "", near ? "?" : "", usage);
    return 2;
}
