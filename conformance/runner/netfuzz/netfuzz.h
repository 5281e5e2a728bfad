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
/* How long a drain waits for the next byte when nothing is known to be due, before
 * --timeout-scale. */
#define NF_QUIET_MS 150
/* With the replies that are due known: how long a drain waits for them, and then for
 * anything more or unasked (a server that answers twice, or answers half a line, does so at
 * once; a finding's case file then checks silence for 200 ms). */
#define NF_WAIT_MS 1000
/* The target's drain stops waiting for what the reference sent once nothing came for this
 * long: a short reply costs this, not NF_WAIT_MS (the case file's replay waits longer). */
#define NF_STALL_MS 100
/* The same for the reference's own drain (what the model says is due but does not come: a
 * serial server serving another connection). */
#define NF_REF_STALL_MS 500
/* A client under test: how long its request may take (it starts a process, perhaps in a
 * sandbox), and how long it may take to end once the exchange is over. */
#define NF_CLIENT_START_MS 3000
#define NF_CLIENT_EXIT_MS 3000
#define NF_SETTLE_MS 1
/* The longest pause one step of an exchange makes (a sleep, or a send's pauses in all). */
#define NF_MAX_PAUSE_MS 5

/* One exchange: the actions of a case (connect, udp, send, shutdown, close, reset, sleep) and
 * a drain before each close and at the end, so that every reply is taken in. Owns its steps. */
struct nf_exchange {
    struct cf_step *steps;
    size_t n;
    int client; /* of a client suite: the runner accepts and replies; each connection drained
                   for the client's request, then before its close or at the end */
    const struct cf_case *seed; /* the case it was made from (its requirement names findings) */
};

/* The exchange of case |c|, or -1 when the case cannot be one (a parallel or repeat block, no
 * connection, a client-side step). */
int nf_exchange_from_case(const struct cf_case *c, struct nf_exchange *x);
int nf_exchange_copy(const struct nf_exchange *x, struct nf_exchange *out);
void nf_exchange_free(struct nf_exchange *x);

/* Removes step |i| of |x| (and what no longer belongs without it: a connection's steps go
 * with its connect), keeping the invariant. */
void nf_exchange_drop(struct nf_exchange *x, size_t i);
/* Removes bytes [at, at+n) of send step |i| (clipped to what it has). */
void nf_exchange_cut(struct nf_exchange *x, size_t i, size_t at, size_t n);

/* Applies one to four mutations to |x|: byte edits, SensorData or echo tokens (|sensor|),
 * splices from |pool|[0..n_pool), and session changes (chunking, pauses, line endings, a
 * shutdown or reset moved, a send split or merged). Keeps the limits above. */
void nf_mutate(struct nf_exchange *x, const struct nf_exchange *pool, size_t n_pool, int sensor,
               struct nf_rng *r);

/* What one play of an exchange produced, per connection in the order they first appear. */
struct nf_conn_out {
    char name[16];
    struct bytes rx; /* every byte received (UDP: datagrams, each prefixed by its length,
                        and by "[other]" when it came from another address than the server's) */
    size_t datagrams;
    int closed; /* 0 open, CF_CLOSE_FIN, CF_CLOSE_RST */
};

struct nf_outcome {
    struct nf_conn_out conn[8];
    size_t n;
    int died;      /* the server died during the exchange (a client: of a signal) */
    char how[128]; /* how, when it died */
    /* Client suites: how the client ended and what it printed. */
    int client;
    int hung;         /* still running when the exchange ended */
    int status;       /* its exit status (0..255) when it exited */
    struct bytes out; /* what it printed of the replies (client.c: reply_lines), the address
                         it was given written as {server} */
};

void nf_outcome_cleanup(struct nf_outcome *o);

/*
 * Plays |x| against the instance of |t| (started if needed; a dead one is restarted for the
 * next play). Each drain waits for what is due: with |ref| (the reference's outcome of |x|),
 * what the reference sent; without, what the suite's reference logic owes (|sensor|: a line
 * per line; else every byte echoed), then briefly for more. Returns 0, or WC_ERR_UNAVAILABLE
 * with |err| when the server cannot be started.
 */
int nf_play(struct target *t, const struct suite *s, const struct nf_exchange *x,
            const struct nf_outcome *ref, int sensor, double scale, struct nf_outcome *o, char *err,
            size_t errlen);

/* A connection kept open to one server across exchanges (the fast path). */
struct nf_kept {
    int fd;          /* -1: none */
    unsigned starts; /* the server instance it belongs to (target.starts when opened) */
};
void nf_kept_init(struct nf_kept *k);
void nf_kept_close(struct nf_kept *k);

/* Can |x| be played on a kept connection with the same meaning as on a fresh one: one TCP
 * connection, sends without pauses that end on a line's end, its drain, perhaps its close. */
int nf_keepable(const struct nf_exchange *x, const struct suite *s);

/* nf_play for a keepable exchange, on |k|'s connection (opened when there is none; closed when
 * the server closes it). Every difference it shows is replayed through nf_play's engine path
 * (a case file) before it counts, so what a kept connection carries over cannot make one. */
int nf_play_kept(struct nf_kept *k, struct target *t, const struct nf_exchange *x,
                 const struct nf_outcome *ref, int sensor, double scale, struct nf_outcome *o,
                 char *err, size_t errlen);

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

/* A pair of servers a finding is checked against, and how to play to them. */
struct nf_pair {
    struct target *t, *ref;
    const struct suite *s;
    int sensor;
    double scale;
};

/*
 * Shrinks |x| while it still makes the pair differ with signature |sig|: fewer steps (whole
 * connections first), fewer lines and bytes, coarser chunking and no pauses, each change kept
 * only when a play against both servers shows the same difference. At most |budget| plays
 * of the pair and |max_ms| of wall-clock time. Returns how many plays it used.
 */
unsigned nf_shrink(struct nf_exchange *x, const char *sig, const struct nf_pair *p, unsigned budget,
                   unsigned max_ms);

/*
 * Writes |x| as a case file into |out|: its actions, with each drain replaced by what the
 * reference sent there (expect, or expect-datagram) and how it closed (expect-close). The
 * case cites |requirement| and is called |id|. Returns 0 or a bytes_* error.
 */
int nf_case_text(const struct nf_exchange *x, const struct nf_outcome *ref, const char *id,
                 const char *title, const char *requirement, struct bytes *out);

/* What each connection of |o| received and how it ended, as case-file literals, one line
 * per connection ("a: received \"ACK...\\n\", then fin"), appended to |out|. */
int nf_outcome_text(const struct nf_outcome *o, struct bytes *out);

/* Plays the suite's liveness probe against |t|: 1 it answers as it should, 0 it does not, -1
 * it cannot be started. */
int nf_probe(struct target *t, const struct suite *s, double scale);

/* The suite's liveness probe as case-file steps, appended to |out| (after an exchange's case
 * text: "this exchange, then a known-good one"). Returns 0, a bytes_* error, or WC_ERR_INVALID
 * for a probe with a step it cannot write. */
int nf_probe_text(const struct suite *s, struct bytes *out);

/* One fuzzing campaign: what to fuzz, for how long, and where findings and corpus go. */
struct nf_config {
    const char *suite_name;
    struct nf_pair pair;
    unsigned runs; /* exchanges to play */
    unsigned secs; /* 0: no time limit */
    uint64_t seed;
    const char *findings;  /* folder for the case files (must exist) */
    const char *corpus;    /* folder the pool is read from and written to, or NULL */
    unsigned shrink;       /* plays of the pair spent shrinking each finding (0: none) */
    unsigned max_findings; /* stop once this many are found (0: never) */
    /* Called about twice a second with the figures so far (a terminal's status line). */
    void (*progress)(unsigned exchanges, double secs, size_t corpus, size_t findings, void *ctx);
    void *ctx;
};

#define NF_MAX_FINDINGS 64
/* A signature whose differences did not replay this many times is left alone. */
#define NF_MAX_TRIES 5
/* The most a finding's shrinking takes, before --timeout-scale. */
#define NF_SHRINK_MS 30000
/* Every NF_USAGE_EVERY exchanges the target's resources are sampled and the suite's liveness
 * probe played (a server that a past input left unable to serve is a finding). Resource growth
 * found when the target's descriptors grow by this many, or its memory by
 * this many KiB, over its first sample (taken after NF_USAGE_EVERY exchanges). */
#define NF_USAGE_EVERY 25
#define NF_GROWTH_FDS 64
#define NF_GROWTH_KIB (64 * 1024)

struct nf_finding {
    char sig[64];          /* "reply:ACK->ERROR", "crash", "resource:fds" */
    char file[4096];       /* its case file, or "" when none could be written */
    char transcript[4096]; /* the first and the shrunk exchange, what both servers sent */
    double at_s;           /* when it was first seen */
    unsigned at_exchange;  /* and after how many exchanges (1: the first) */
    int verified;          /* the case file fails the target and passes the reference */
    size_t steps0, bytes0, steps, bytes; /* the exchange before and after shrinking */
};

struct nf_report {
    unsigned exchanges;
    double secs;
    size_t corpus;        /* the pool at the end */
    size_t corpus_loaded; /* of which read from --corpus */
    struct nf_finding found[NF_MAX_FINDINGS];
    size_t n_found;
    unsigned unconfirmed; /* differences that did not replay as a case file (timing) */
    unsigned kept;        /* exchanges played on a kept connection */
    char fatal[512];      /* why a server could not be started, when it could not */
};

/*
 * Runs a campaign: the suite's cases (and the corpus folder's) as the pool; each exchange a
 * mutated pool member played against the reference, then the target; a new signature shrunk,
 * written as a case file and checked by a replay; an input that made the reference do
 * something new added to the pool (and the corpus folder). Returns 0 (|rep| filled), or
 * WC_ERR_UNAVAILABLE when a server could not be started (|rep->fatal| says why; what was found
 * until then is in |rep|), or WC_ERR_NOMEM.
 */
int nf_campaign(const struct nf_config *cfg, struct nf_report *rep);

/*
 * The campaign as |jobs| worker processes side by side, each with its own pair of servers
 * (started in the worker, after |init|(k, ctx) ran there: its own network namespace, its own
 * uids), seed (derived from cfg->seed and k) and share of cfg->runs; cfg->findings gets their
 * findings renumbered, one per signature (the lowest worker's), and cfg->progress the sums.
 * The same seed, runs and jobs give the same inputs. Returns as nf_campaign.
 */
/* Most workers of one campaign (one wait watches them all). */
#define NF_MAX_JOBS 15

int nf_campaign_jobs(const struct nf_config *cfg, unsigned jobs, int (*init)(unsigned k, void *ctx),
                     void *ctx, struct nf_report *rep);

#endif
