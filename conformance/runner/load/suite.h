/* suite.h -- loads a suite from conformance/cases/<suite>/: its SUITE file and case files. */
#ifndef WIRECHECK_RUNNER_SUITE_H
#define WIRECHECK_RUNNER_SUITE_H

#include <stddef.h>

#include "load/casefile.h"
#include "load/diagnosis.h"

/* Most case files in one suite directory. */
#define SUITE_MAX_CASES 2000

struct suite {
    char *name;
    struct cf_case *def;     /* the SUITE file: role, transport, port, liveness probe */
    struct cf_case **cases;  /* owned, sorted by id; the included suite's cases come too */
    size_t n_cases;
    int client_role;         /* role: client -> the runner plays the server */
    int udp;
    struct diagnosis_set diag; /* its DIAGNOSES file, then the included suite's (may be empty) */
    size_t n_own_diag;         /* how many of them come from its own file */
};

/*
 * Loads suite |name| from |cases_dir| (conformance/cases). Every *.case file is parsed, and
 * the DIAGNOSES file of the suite and of the suite it includes, when there is one;
 * ids must be "<suite>.<NNN>" where NNN is the file name's leading number, unique; steps
 * must suit the role (no accept in server suites, no connect in client suites...).
 * Returns 0 and |*out| (free with suite_free), or a negative status with "file:line: what"
 * or "what" in |err|.
 */
int suite_load(const char *cases_dir, const char *name, struct suite **out, char *err,
               size_t errlen);

void suite_free(struct suite *s);

/*
 * Adds the case file at |path| (a fuzzer's finding, a case of one's own) to |s|: parsed,
 * checked against the suite's role, its id not one the suite has. Any id the parser accepts
 * will do. Returns 0 with |*added| (owned by |s|; may be NULL), or a negative status with
 * "file:line: what" in |err|.
 */
int suite_add_file(struct suite *s, const char *path, const struct cf_case **added, char *err,
                   size_t errlen);

/* The names of the suites in |cases_dir| (directories with a SUITE file), sorted, as a
 * NULL-terminated malloc'd array (free with suite_names_free). NULL on error. */
char **suite_names(const char *cases_dir);
void suite_names_free(char **names);

/* Reads a whole file (at most |max| bytes) into a malloc'd NUL-terminated buffer.
 * Returns 0 or -errno (-EFBIG when longer than |max|). */
int suite_read_file(const char *path, size_t max, char **text, size_t *len);

#endif
