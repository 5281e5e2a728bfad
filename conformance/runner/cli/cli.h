/* cli.h -- the subcommands of the wirecheck binary. */
#ifndef WIRECHECK_RUNNER_CLI_H
#define WIRECHECK_RUNNER_CLI_H

#include <stddef.h>

/* Where SPEC.md, DISABLED and cases/ live, from --conformance, $WIRECHECK_CONFORMANCE or the
 * build's source tree. */
struct cli {
    const char *dir;
    char cases[4096];
    char spec[4096];
    char disabled[4096];
};

/* Each returns the process exit code. argv[0] is the subcommand's name. */
int cli_cmd_run(const struct cli *cli, int argc, char **argv);
int cli_cmd_list(const struct cli *cli, int argc, char **argv);
int cli_cmd_show(const struct cli *cli, int argc, char **argv);
int cli_cmd_lint(const struct cli *cli, int argc, char **argv);
int cli_cmd_serve(const struct cli *cli, int argc, char **argv);
int cli_cmd_grade(const struct cli *cli, int argc, char **argv);
int cli_cmd_fuzz(const struct cli *cli, int argc, char **argv);

/* Loads suite |name|; on failure prints why (for an unknown name: the suites there are, and
 * the nearest one) and returns NULL. */
struct suite;
struct suite *cli_load_suite(const struct cli *cli, const char *name);

/* The case |id| ("sensor.012") and, in |*out|, its loaded suite (the caller frees it with
 * suite_free); on failure prints why, as subcommand |cmd|, and returns NULL. */
struct cf_case;
const struct cf_case *cli_load_case(const struct cli *cli, const char *cmd, const char *id,
                                    struct suite **out);

/* "; did you mean sensor? (suites: ...)" for an unknown suite |name|, into |out|. */
void cli_suite_hint(const struct cli *cli, const char *name, char *out, size_t len);

/* A decimal number from 0 to |max| into |*out|: returns 0, or -1 for anything else (a sign,
 * junk, overflow). */
int cli_parse_uint(const char *s, unsigned max, unsigned *out);

/* Loads SPEC.md; prints the error and returns -1 on failure. */
struct spec;
int cli_load_spec(const struct cli *cli, struct spec *spec);

#endif
