/* session.h -- private to engine/: one sequential script of a case (the case itself or one
 * session of a parallel block), what it shares with the others, and the helpers its steps use. */
#ifndef WIRECHECK_RUNNER_SESSION_H
#define WIRECHECK_RUNNER_SESSION_H

#include <pthread.h>
#include <regex.h>
#include <stdint.h>

#include "engine/conn.h"
#include "engine/engine.h"

/* Connections one session may hold at once. */
#define ENGINE_MAX_CONNS 64

/* Shared by every session of one engine_play. */
struct play {
    const struct engine_env *env;
    struct engine_result *res;
    pthread_mutex_t mu; /* guards res, stop and failed */
    int stop;           /* a session failed: the others stop at their next step */
    unsigned failed;    /* 1 + the id of the session whose failure res records; 0: none */
    int64_t deadline;   /* the case's deadline (clk_now_ms) */
};

/* One sequential script: the case itself, or one session of a parallel block. */
struct session {
    struct play *e;
    unsigned id;    /* 0: the case; k+1: session k of a parallel block */
    unsigned index; /* the value of `index` atoms */
    struct conn conns[ENGINE_MAX_CONNS];
    size_t n_conns;
    size_t line_pos[2]; /* expect-stdout/-stderr: where the next search starts */
    /* Expected-against-actual text of this session's failure. Its own buffer, since
     * parallel sessions fail at the same moment; the one whose failure res records
     * hands it to res->detail when it ends. */
    struct bytes detail;
    struct bytes facts; /* the load/fact.h lines of that failure, handed over with it */
};

/* Records the step's failure (the first one wins, see verdict_set) and a TR_ERROR event; stops
 * the other sessions unless |o| is OUT_NONSTRICT. */
void session_fail(struct session *s, const struct cf_step *st, enum outcome o, const char *fmt,
              ...) __attribute__((format(printf, 4, 5)));

/* The session's own detail buffer (see struct session); callers write only while it is
 * empty, so it keeps the session's first failure. */
struct bytes *session_detail(struct session *s);

/* The session's fact lines (load/fact.h), written beside its detail, under the same rule. */
struct bytes *session_facts(struct session *s);

/* The deadline of a step: its timeout (scaled) or the default, capped by the case's. */
int64_t session_deadline(const struct session *s, const struct cf_step *st);

/* The connection called |name|, or NULL (the step fails saying so when |st| is given). */
struct conn *session_conn(struct session *s, const struct cf_step *st, const char *name);

/* The connection called |name|, created if new. NULL when the table is full. */
struct conn *session_conn_new(struct session *s, const struct cf_step *st, const char *name);

/* Points |p|/|len| at the step's bytes, expanding `index` atoms into |tmp| when needed.
 * Returns 0 or a bytes_* error. */
int session_data(const struct session *s, const struct cf_step *st, struct bytes *tmp,
             const unsigned char **p, size_t *len);

/* Compiles |pattern| (POSIX ERE) with {server} (the target's address, or the runner's in
 * client suites) and {NAME} (connection NAME's local address) filled in, quoted.
 * Returns 0 (regfree it) or WC_ERR_INVALID. */
int session_regex(struct session *s, const char *pattern, regex_t *re);

/* Does |line|[0..len) equal the step's text, or match |re| when the step has a regex? */
int session_line_matches(const struct cf_step *st, const regex_t *re, const unsigned char *line,
                     size_t len);

/* Prepares session |id| (0: the case) of |e| whose `index` atoms read |index|; for the case
 * itself in UDP client suites, adopts a copy of the runner's socket as "server". */
void session_init(struct session *s, struct play *e, unsigned id, unsigned index);

/* Closes its connections and, when its failure is the one recorded, hands its detail to the
 * result. */
void session_cleanup(struct session *s);

/* True once some session failed (or the case became non-strict): stop before the next step. */
int session_stopped(struct session *s);

#endif
