/* internal.h -- what the netfuzz files share and nothing else sees. */
#ifndef WIRECHECK_RUNNER_NETFUZZ_INTERNAL_H
#define WIRECHECK_RUNNER_NETFUZZ_INTERNAL_H

#include "engine/engine.h"
#include "netfuzz/netfuzz.h"

/* The record of connection |name| in |o|, made on first use (NULL when |o| is full). */
struct nf_conn_out *nf_outcome_conn(struct nf_outcome *o, const char *name);

/* What the engine's transcript of a play shows, into |o|: each connection's bytes (UDP:
 * datagrams, marked "[other]" when |server| is set and they came from elsewhere) and how it
 * ended. */
void nf_outcome_collect(struct engine_result *res, const struct suite *s, const char *server,
                        struct nf_outcome *o);

/* How the engine reaches |t|'s server. */
void nf_env_for(const struct target *t, const struct suite *s, double scale,
                struct engine_env *env);

/* What each drain of |x| waits for, into |steps| (a copy of x's): see nf_play. */
void nf_set_wants(const struct nf_exchange *x, const struct nf_outcome *ref, int sensor, int udp,
                  struct cf_step *steps);

/* "fin", "rst" or "none". */
const char *nf_close_name(int c);

/* Appends |p|[0..n) as a case-file string literal. Returns 0 or a bytes_* error. */
int nf_literal(struct bytes *out, const unsigned char *p, size_t n);

/* The client-suite forms of nf_play, nf_confirms, nf_compare, and of nf_case_text's ending
 * (client.c). */
int nf_play_client(struct target *t, const struct suite *s, const struct nf_exchange *x,
                   const struct nf_outcome *ref, double scale, struct nf_outcome *o, char *err,
                   size_t errlen);
int nf_confirms_client(const struct cf_case *c, const struct suite *s, struct target *t,
                       struct target *ref, double scale);
int nf_compare_client(const struct nf_outcome *target, const struct nf_outcome *ref, char *sig,
                      size_t siglen);
int nf_case_text_client_end(const struct nf_outcome *ref, struct bytes *out);

#endif
