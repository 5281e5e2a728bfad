/* engine_int.h -- private to the engine_*.c files: sessions and step helpers. */
#ifndef WIRECHECK_RUNNER_ENGINE_INT_H
#define WIRECHECK_RUNNER_ENGINE_INT_H

#include <pthread.h>
#include <regex.h>
#include <stdint.h>

#include "conn.h"
#include "engine.h"

/* Connections one session may hold at once. */
#define ENGINE_MAX_CONNS 64

/* Shared by every session of one engine_run. */
struct eng {
    const struct engine_env *env;
    struct engine_result *res;
    pthread_mutex_t mu; /* guards res, stop and failed */
    int stop;           /* a session failed: the others stop at their next step */
    unsigned failed;    /* 1 + the id of the session whose failure res records; 0: none */
    int64_t deadline;   /* the case's deadline (tr_now_ms) */
};

/* One sequential script: the case itself, or one session of a parallel block. */
struct session {
    struct eng *e;
    unsigned id;    /* 0: the case; k+1: session k of a parallel block */
    unsigned index; /* the value of `index` atoms */
    struct conn conns[ENGINE_MAX_CONNS];
    size_t n_conns;
    size_t line_pos[2]; /* expect-stdout/-stderr: where the next search starts */
    /* Expected-against-actual text of this session's failure. Its own buffer, since
     * parallel sessions fail at the same moment; the one whose failure res records
     * hands it to res->detail when it ends. */
    struct bytes detail;
};

/* Records the first non-pass outcome and a TR_ERROR event; stops the other sessions. */
void eng_fail(struct session *s, const struct cf_step *st, enum outcome o, const char *fmt,
              ...) __attribute__((format(printf, 4, 5)));

/* The session's own detail buffer (see struct session); callers write only while it is
 * empty, so it keeps the session's first failure. */
struct bytes *eng_detail(struct session *s);

/* The deadline of a step: its timeout (scaled) or the default, capped by the case's. */
int64_t eng_step_deadline(const struct session *s, const struct cf_step *st);

/* The connection called |name|, or NULL (the step fails saying so when |st| is given). */
struct conn *eng_conn(struct session *s, const struct cf_step *st, const char *name);

/* The connection called |name|, created if new. NULL when the table is full. */
struct conn *eng_conn_new(struct session *s, const struct cf_step *st, const char *name);

/* Points |p|/|len| at the step's bytes, expanding `index` atoms into |tmp| when needed.
 * Returns 0 or a bytes_* error. */
int eng_data(const struct session *s, const struct cf_step *st, struct bytes *tmp,
             const unsigned char **p, size_t *len);

/* Compiles |pattern| (POSIX ERE) with {server} (the target's address, or the runner's in
 * client suites) and {NAME} (connection NAME's local address) filled in, quoted.
 * Returns 0 (regfree it) or WC_ERR_INVALID. */
int eng_regex(struct session *s, const char *pattern, regex_t *re);

/* Does |line|[0..len) equal the step's text, or match |re| when the step has a regex? */
int eng_line_matches(const struct cf_step *st, const regex_t *re, const unsigned char *line,
                     size_t len);

/* engine_io.c and engine_expect.c: each returns 0 to go on, -1 when the session must stop. */
int eng_step_io(struct session *s, const struct cf_step *st);
int eng_step_expect(struct session *s, const struct cf_step *st);
int eng_step_program(struct session *s, const struct cf_step *st);

#endif
