/* netfuzz.h -- fuzzing a live server against the reference implementation: exchanges made
 * from a suite's cases and mutated (bytes, protocol tokens, session shape), played against
 * both, compared as the suite defines a reply, and every new difference shrunk to a case file. */
#ifndef WIRECHECK_RUNNER_NETFUZZ_H
#define WIRECHECK_RUNNER_NETFUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "load/suite.h"
#include "program/target.h"

/* A deterministic generator (xorshift64*): the same seed, the same exchanges. */
struct nf_rng {
    uint64_t s;
};
void nf_rng_seed(struct nf_rng *r, uint64_t seed);
uint64_t nf_rng_next(struct nf_rng *r);
/* Uniform in [0, n) (n > 0). */
size_t nf_rng_below(struct nf_rng *r, size_t n);

/* Most steps and bytes one exchange holds: small enough to replay and shrink quickly. */
#define NF_MAX_STEPS 48
#define NF_MAX_BYTES 2048 /* a reply never outgrows what a transcript event keeps */
/* How long a drain waits for the next byte, before --timeout-scale. */
#define NF_QUIET_MS 150

/* One exchange: the actions of a case (connect, udp, send, shutdown, close, reset, sleep) and
 * a drain before each close and at the end, so that every reply is taken in. Owns its steps. */
struct nf_exchange {
    struct cf_step *steps;
    size_t n;
    const struct cf_case *seed; /* the case it was made from (its requirement names findings) */
};

/* The exchange of case |c|, or -1 when the case cannot be one (a parallel or repeat block, no
 * connection, a client-side step). */
int nf_exchange_from_case(const struct cf_case *c, struct nf_exchange *x);
int nf_exchange_copy(const struct nf_exchange *x, struct nf_exchange *out);
void nf_exchange_free(struct nf_exchange *x);

/* Applies one to four mutations to |x|: byte edits, SensorData or echo tokens (|sensor|),
 * splices from |pool|[0..n_pool), and session changes (chunking, pauses, line endings, a
 * shutdown or reset moved, a send split or merged). Keeps the limits above. */
void nf_mutate(struct nf_exchange *x, const struct nf_exchange *pool, size_t n_pool, int sensor,
               struct nf_rng *r);

/* What one play of an exchange produced, per connection in the order they first appear. */
struct nf_conn_out {
    char name[16];
    struct bytes rx; /* every byte received (UDP: datagrams, each prefixed by its length) */
    int closed;      /* 0 open, CF_CLOSE_FIN, CF_CLOSE_RST */
};

struct nf_outcome {
    struct nf_conn_out conn[8];
    size_t n;
    int died;      /* the server died during the exchange */
    char how[128]; /* how, when it died */
};

void nf_outcome_cleanup(struct nf_outcome *o);

/* Plays |x| against the instance of |t| (started if needed; a dead one is restarted for the
 * next play). Returns 0, or WC_ERR_UNAVAILABLE with |err| when the server cannot be started. */
int nf_play(struct target *t, const struct suite *s, const struct nf_exchange *x, double scale,
            struct nf_outcome *o, char *err, size_t errlen);

/* Does the case file |text| fail against |t| and pass against |ref| (each started if
 * needed)? 1 when it does: the finding is confirmed. */
int nf_confirms(const char *text, const struct suite *s, struct target *t, struct target *ref,
                double scale);

/* The difference between what the target and the reference did, as a signature ("crash",
 * "reply:ERROR->ACK", "reply:short", "close:none"...) into |sig|; returns 1 when they differ,
 * 0 when they agree. A sensor reply is compared line by line; an echo byte by byte. */
int nf_compare(const struct nf_outcome *target, const struct nf_outcome *ref, int sensor, char *sig,
               size_t siglen);

/* The shape of a reference's outcome (the kinds of its lines, its closes): a new shape is new
 * behaviour, and the exchange that caused it joins the pool. */
uint64_t nf_shape(const struct nf_outcome *ref, int sensor);

/*
 * Writes |x| as a case file into |out|: its actions, with each drain replaced by what the
 * reference sent there (expect, or expect-datagram) and how it closed (expect-close). The
 * case cites |requirement| and is called |id|. Returns 0 or a bytes_* error.
 */
int nf_case_text(const struct nf_exchange *x, const struct nf_outcome *ref, const char *id,
                 const char *title, const char *requirement, struct bytes *out);

#endif
