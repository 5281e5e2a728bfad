/* campaign.c -- a fuzzing campaign: the pool, the loop, findings made small and written as
 * case files, the corpus kept on disk, and the target's resources watched. */
#include "netfuzz/netfuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "program/proc.h"
#include "program/usage.h"
#include "status.h"

#define NF_POOL_MAX 512

struct pool {
    struct nf_exchange x[NF_POOL_MAX];
    size_t n;
    uint64_t shapes[NF_POOL_MAX];
    size_t n_shapes;
    struct cf_case *loaded[NF_POOL_MAX]; /* corpus files: the exchanges' seeds point in here */
    size_t n_loaded;
};

static int write_text(const char *path, const struct bytes *b)
{
    FILE *f = fopen(path, "we");
    if (!f)
        return -1;
    int ok = fwrite(b->data, 1, b->len, f) == b->len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static size_t bytes_sent(const struct nf_exchange *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
        n += x->steps[i].op == CF_SEND ? x->steps[i].data.len : 0;
    return n;
}

/* The corpus folder's case files, as exchanges in the pool (their shapes unknown yet). */
static void load_corpus(struct pool *p, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[NF_POOL_MAX];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < NF_POOL_MAX;) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".case") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        /* Sorted, so that the same folder gives the same pool and the same run. */
        for (size_t j = i + 1; j < n; j++) {
            if (names[i] && names[j] && strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        char path[4096 + 256], *text, err[256];
        size_t len;
        struct cf_case *c = NULL;
        if (!names[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        if (p->n >= NF_POOL_MAX || suite_read_file(path, 1 << 20, &text, &len) < 0)
            continue;
        int bad = cf_parse(path, text, len, CF_KIND_CASE, NULL, &c, err, sizeof err) < 0;
        free(text);
        if (bad)
            continue; /* not ours, or damaged: a corpus is a cache, never a reason to stop */
        if (nf_exchange_from_case(c, &p->x[p->n]) == 0) {
            p->n++;
            p->loaded[p->n_loaded++] = c;
        } else {
            cf_free(c);
        }
    }
}

/* Remembers |shape|; 1 when it is new. */
static int new_shape(struct pool *p, uint64_t shape)
{
    for (size_t k = 0; k < p->n_shapes; k++)
        if (p->shapes[k] == shape)
            return 0;
    if (p->n_shapes < NF_POOL_MAX)
        p->shapes[p->n_shapes++] = shape;
    return 1;
}

/* |x| joins the pool, and the corpus folder as a case file named by its shape. */
static void add_to_pool(struct pool *p, const struct nf_config *cfg, const struct nf_exchange *x,
                        const struct nf_outcome *ro, uint64_t shape)
{
    if (p->n >= NF_POOL_MAX || nf_exchange_copy(x, &p->x[p->n]) < 0)
        return;
    p->n++;
    if (!cfg->corpus)
        return;
    char path[4096 + 64], id[64];
    snprintf(path, sizeof path, "%s/%016llx.case", cfg->corpus, (unsigned long long)shape);
    snprintf(id, sizeof id, "%s.800", cfg->suite_name);
    struct bytes text;
    bytes_init(&text, 0);
    if (nf_case_text(x, ro, id, "A corpus entry of wirecheck fuzz",
                     x->seed ? x->seed->requirement : "?", &text) == 0)
        (void)write_text(path, &text);
    bytes_cleanup(&text);
}

/* The first and the shrunk exchange, with what each server sent back. */
static int transcript_text(const struct nf_exchange *x0, const struct nf_outcome *r0,
                           const struct nf_outcome *t0, const struct nf_exchange *x,
                           const struct nf_outcome *r, const struct nf_outcome *t,
                           struct bytes *out)
{
    const struct nf_exchange *xs[2] = {x0, x};
    const struct nf_outcome *rs[2] = {r0, r}, *ts[2] = {t0, t};
    int rc = 0;
    for (int k = 0; rc == 0 && k < 2; k++) {
        rc = bytes_printf(out, "## the %s exchange (%zu steps, %zu bytes sent), as a case\n",
                          k ? "shrunk" : "first", xs[k]->n, bytes_sent(xs[k]));
        if (rc == 0)
            rc = nf_case_text(xs[k], rs[k], k ? "shrunk.001" : "first.001", "-", "-", out);
        if (rc == 0)
            rc = bytes_puts(out, "\n## what the reference sent back\n");
        if (rc == 0)
            rc = nf_outcome_text(rs[k], out);
        if (rc == 0)
            rc = bytes_puts(out, "\n## what the program under test sent back\n");
        if (rc == 0)
            rc = nf_outcome_text(ts[k], out);
        if (rc == 0)
            rc = bytes_puts(out, "\n");
    }
    return rc;
}

/* "reply:ACK->ERROR" as a file name part: "reply-ACK--ERROR". */
static void file_safe(const char *sig, char *out, size_t len)
{
    snprintf(out, len, "%s", sig);
    for (char *c = out; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            *c = '-';
}

/* A finding's case file: the exchange with the reference's answers; after a crash, a pause
 * and the suite's liveness probe too (a server that dies a moment after a client leaves has
 * answered everything: only the probe shows it is gone). */
static int finding_text(const char *sig, const struct nf_exchange *x, const struct nf_outcome *ro,
                        const char *id, const char *title, const char *req, const struct nf_pair *p,
                        struct bytes *out)
{
    int rc = nf_case_text(x, ro, id, title, req, out);
    if (rc == 0 && strcmp(sig, "crash") == 0 && !p->s->client_role && p->s->def->n_steps) {
        rc = bytes_puts(out, "sleep 100\n");
        if (rc == 0)
            rc = nf_probe_text(p->s, out);
    }
    return rc;
}

/* The case file fails the target and passes the reference on two replays in a row, each
 * against fresh instances: a finding whose case file would fail by chance is not verified. */
static int confirmed_twice(const char *text, const struct nf_pair *p)
{
    return nf_confirms(text, p->s, p->t, p->ref, p->scale) &&
           nf_confirms(text, p->s, p->t, p->ref, p->scale);
}

/* A new difference: shrunk, written as a case file and a transcript, checked by a replay. */
static void record_finding(const struct nf_config *cfg, struct nf_report *rep,
                           const struct nf_exchange *x, const struct nf_outcome *ro,
                           const struct nf_outcome *to, const char *sig, double at_s)
{
    struct nf_finding *f = &rep->found[rep->n_found++];
    const struct nf_pair *p = &cfg->pair;
    memset(f, 0, sizeof *f);
    snprintf(f->sig, sizeof f->sig, "%s", sig);
    f->at_s = at_s;
    f->at_exchange = rep->exchanges;
    f->steps0 = x->n;
    f->bytes0 = bytes_sent(x);
    struct nf_exchange small;
    if (nf_exchange_copy(x, &small) < 0)
        return;
    if (cfg->shrink && strcmp(sig, "crash") != 0)
        nf_shrink(&small, sig, p, cfg->shrink, (unsigned)(NF_SHRINK_MS * p->scale));
    f->steps = small.n;
    f->bytes = bytes_sent(&small);
    /* The shrunk exchange played once more: its case file holds what the reference said. */
    struct nf_outcome sro, sto;
    char err[256];
    memset(&sro, 0, sizeof sro);
    memset(&sto, 0, sizeof sto);
    if (nf_play(p->ref, p->s, &small, NULL, p->sensor, p->scale, &sro, err, sizeof err) == 0)
        (void)nf_play(p->t, p->s, &small, &sro, p->sensor, p->scale, &sto, err, sizeof err);
    char id[64], title[160], safe[64];
    snprintf(id, sizeof id, "%s.%03zu", cfg->suite_name, 900 + rep->n_found - 1);
    snprintf(title, sizeof title, "A fuzzed exchange (%s) gets the reference's answer", sig);
    file_safe(sig, safe, sizeof safe);
    struct bytes text, tr;
    bytes_init(&text, 0);
    bytes_init(&tr, 0);
    const char *req = x->seed ? x->seed->requirement : "?";
    if (finding_text(sig, &small, &sro, id, title, req, p, &text) == 0) {
        f->verified = confirmed_twice(bytes_str(&text), p);
        if (!f->verified) {
            /* The small one lost it (timing): the first exchange, which replayed, instead. */
            bytes_consume(&text, text.len);
            if (finding_text(sig, x, ro, id, title, req, p, &text) == 0)
                f->verified = confirmed_twice(bytes_str(&text), p);
            f->steps = x->n;
            f->bytes = f->bytes0;
        }
        snprintf(f->file, sizeof f->file, "%s/%03zu-%s.case", cfg->findings, 900 + rep->n_found - 1,
                 safe);
        if (write_text(f->file, &text) < 0)
            f->file[0] = 0;
    }
    if (transcript_text(x, ro, to, &small, &sro, &sto, &tr) == 0) {
        snprintf(f->transcript, sizeof f->transcript, "%s/%03zu-%s.transcript", cfg->findings,
                 900 + rep->n_found - 1, safe);
        if (write_text(f->transcript, &tr) < 0)
            f->transcript[0] = 0;
    }
    bytes_cleanup(&text);
    bytes_cleanup(&tr);
    nf_outcome_cleanup(&sro);
    nf_outcome_cleanup(&sto);
    nf_exchange_free(&small);
}

/*
 * The liveness probe after exchange |x|: a target that no longer answers it where the
 * reference does is a finding, its case file |x| then the probe, when that replays on fresh
 * instances (else an earlier input did it: counted apart). Either way the target restarts.
 */
static void check_liveness(const struct nf_config *cfg, struct nf_report *rep,
                           const struct nf_exchange *x, const struct nf_outcome *ro, double at_s)
{
    const struct nf_pair *p = &cfg->pair;
    if (nf_probe(p->t, p->s, p->scale) != 0 || nf_probe(p->ref, p->s, p->scale) != 1)
        return;
    struct bytes text;
    char id[80];
    snprintf(id, sizeof id, "%s.%03zu", cfg->suite_name, 900 + rep->n_found);
    bytes_init(&text, 0);
    int ok = nf_case_text(x, ro, id, "After a fuzzed exchange the server still answers",
                          x->seed ? x->seed->requirement : "X-1", &text) == 0 &&
             nf_probe_text(p->s, &text) == 0 && confirmed_twice(bytes_str(&text), p);
    if (ok) {
        struct nf_finding *f = &rep->found[rep->n_found++];
        memset(f, 0, sizeof *f);
        snprintf(f->sig, sizeof f->sig, "liveness");
        f->at_s = at_s;
        f->at_exchange = rep->exchanges;
        f->verified = 1;
        f->steps0 = f->steps = x->n;
        f->bytes0 = f->bytes = bytes_sent(x);
        snprintf(f->file, sizeof f->file, "%s/%03zu-liveness.case", cfg->findings,
                 900 + rep->n_found - 1);
        if (write_text(f->file, &text) < 0)
            f->file[0] = 0;
    } else {
        rep->unconfirmed++;
    }
    bytes_cleanup(&text);
    if (p->t->proc)
        target_stop(p->t);
}

/* Resource growth of the target over its first sample: a signature, or 0. */
static const char *growth(const struct target *t, struct usage *base, int *have_base)
{
    struct usage u;
    if (!t->proc || usage_of_tree(proc_pid(t->proc), &u) < 0)
        return NULL;
    if (!*have_base) {
        *base = u;
        *have_base = 1;
        return NULL;
    }
    if (u.fds > base->fds + NF_GROWTH_FDS)
        return "resource:fds";
    if (u.rss_kib > base->rss_kib + NF_GROWTH_KIB)
        return "resource:memory";
    return NULL;
}

/* A signature that did not replay, and how often. */
struct tries {
    char sig[NF_MAX_FINDINGS][64];
    unsigned n[NF_MAX_FINDINGS];
    size_t count;
};

/*
 * Does the difference |x| showed replay, as a case file through the engine with its longer
 * waits (it fails the target and passes the reference)? A difference that does not came from
 * timing, not from the program: counted, and after NF_MAX_TRIES of them its signature is left
 * alone.
 */
static int replays(const struct nf_config *cfg, struct nf_report *rep, struct tries *t,
                   const struct nf_exchange *x, const struct nf_outcome *ro, const char *sig)
{
    const struct nf_pair *p = &cfg->pair;
    size_t k = 0;
    while (k < t->count && strcmp(t->sig[k], sig) != 0)
        k++;
    if (k < t->count && t->n[k] >= NF_MAX_TRIES)
        return 0;
    if (strncmp(sig, "crash", 5) == 0)
        return 1; /* the target died: nothing to wait out */
    struct bytes text;
    char id[80];
    snprintf(id, sizeof id, "%s.999", cfg->suite_name); /* the form case ids must have */
    bytes_init(&text, 0);
    int ok = nf_case_text(x, ro, id, "-", x->seed ? x->seed->requirement : "X-1", &text) == 0 &&
             nf_confirms(bytes_str(&text), p->s, p->t, p->ref, p->scale);
    bytes_cleanup(&text);
    if (!ok) {
        rep->unconfirmed++;
        if (k == t->count && t->count < NF_MAX_FINDINGS)
            snprintf(t->sig[t->count++], sizeof t->sig[0], "%s", sig);
        if (k < t->count)
            t->n[k]++;
    }
    return ok;
}

/* Did the target send nothing at all on a connection where the reference answered? */
static int stuck(const struct nf_outcome *to, const struct nf_outcome *ro)
{
    if (ro->client)
        return 0; /* a client is started afresh for every exchange anyway */
    for (size_t i = 0; i < ro->n && i < to->n; i++)
        if (ro->conn[i].rx.len && !to->conn[i].rx.len)
            return 1;
    return 0;
}

static int seen(const struct nf_report *rep, const char *sig)
{
    for (size_t k = 0; k < rep->n_found; k++)
        if (strcmp(rep->found[k].sig, sig) == 0)
            return 1;
    return 0;
}

int nf_campaign(const struct nf_config *cfg, struct nf_report *rep)
{
    const struct nf_pair *p = &cfg->pair;
    memset(rep, 0, sizeof *rep);
    struct pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return WC_ERR_NOMEM;
    for (size_t i = 0; i < p->s->n_cases && pool->n < NF_POOL_MAX; i++)
        if (nf_exchange_from_case(p->s->cases[i], &pool->x[pool->n]) == 0)
            pool->n++;
    if (cfg->corpus)
        load_corpus(pool, cfg->corpus);
    rep->corpus_loaded = pool->n_loaded;
    struct nf_rng rng;
    nf_rng_seed(&rng, cfg->seed);
    struct nf_kept keep_ref, keep_t;
    nf_kept_init(&keep_ref);
    nf_kept_init(&keep_t);
    static struct tries tries;
    memset(&tries, 0, sizeof tries);
    struct usage base;
    memset(&base, 0, sizeof base);
    int have_base = 0;
    pid_t base_pid = 0;
    int64_t t0 = clk_now_ms(), shown = t0;
    int rc = 0;
    while (pool->n && rep->exchanges < cfg->runs &&
           !(cfg->max_findings && rep->n_found >= cfg->max_findings)) {
        int64_t now = clk_now_ms();
        if (cfg->secs && now - t0 > (int64_t)cfg->secs * 1000)
            break;
        if (cfg->progress && now - shown >= 500) {
            shown = now;
            cfg->progress(rep->exchanges, (double)(now - t0) / 1000.0, pool->n, rep->n_found,
                          cfg->ctx);
        }
        struct nf_exchange x;
        if (nf_exchange_copy(&pool->x[nf_rng_below(&rng, pool->n)], &x) < 0) {
            rc = WC_ERR_NOMEM;
            break;
        }
        nf_mutate(&x, pool->x, pool->n, p->sensor, &rng);
        struct nf_outcome ro, to;
        int kept = nf_keepable(&x, p->s);
        if (!kept) {
            /* A server that serves one client at a time would still be serving these. */
            nf_kept_close(&keep_ref);
            nf_kept_close(&keep_t);
        }
        int r = kept ? nf_play_kept(&keep_ref, p->ref, &x, NULL, p->sensor, p->scale, &ro,
                                    rep->fatal, sizeof rep->fatal)
                     : nf_play(p->ref, p->s, &x, NULL, p->sensor, p->scale, &ro, rep->fatal,
                               sizeof rep->fatal);
        if (r < 0) {
            nf_exchange_free(&x);
            rc = WC_ERR_UNAVAILABLE;
            break;
        }
        r = kept ? nf_play_kept(&keep_t, p->t, &x, &ro, p->sensor, p->scale, &to, rep->fatal,
                                sizeof rep->fatal)
                 : nf_play(p->t, p->s, &x, &ro, p->sensor, p->scale, &to, rep->fatal,
                           sizeof rep->fatal);
        rep->kept += (unsigned)kept;
        if (r < 0) {
            nf_outcome_cleanup(&ro);
            nf_exchange_free(&x);
            rc = WC_ERR_UNAVAILABLE;
            break;
        }
        rep->exchanges++;
        char sig[64];
        double at = (double)(clk_now_ms() - t0) / 1000.0;
        if (nf_compare(&to, &ro, p->sensor, sig, sizeof sig) && !seen(rep, sig) &&
            rep->n_found < NF_MAX_FINDINGS) {
            nf_kept_close(&keep_ref); /* the replays need the servers to themselves */
            nf_kept_close(&keep_t);
            if (replays(cfg, rep, &tries, &x, &ro, sig))
                record_finding(cfg, rep, &x, &ro, &to, sig, at);
            /* The replays left the target in whatever state they drove it to: the next
             * exchange gets a fresh one. */
            if (p->t->proc)
                target_stop(p->t);
        } else if (p->t->proc && stuck(&to, &ro)) {
            /* Silent where the reference answered (a serial server held by a connection that
             * never ends): every later exchange would only wait on it. */
            nf_kept_close(&keep_t);
            target_stop(p->t);
        }
        uint64_t shape = nf_shape(&ro, p->sensor);
        if (new_shape(pool, shape))
            add_to_pool(pool, cfg, &x, &ro, shape);
        /* Growth counts within one instance: a restart starts a new baseline. */
        if (p->t->proc && proc_pid(p->t->proc) != base_pid) {
            base_pid = proc_pid(p->t->proc);
            have_base = 0;
        }
        const char *g =
            rep->exchanges % NF_USAGE_EVERY == 0 ? growth(p->t, &base, &have_base) : NULL;
        if (rep->exchanges % NF_USAGE_EVERY == 0 && !p->s->client_role &&
            rep->n_found < NF_MAX_FINDINGS && !seen(rep, "liveness")) {
            nf_kept_close(&keep_ref);
            nf_kept_close(&keep_t);
            check_liveness(cfg, rep, &x, &ro, at);
        }
        if (g && !seen(rep, g) && rep->n_found < NF_MAX_FINDINGS) {
            struct nf_finding *f = &rep->found[rep->n_found++];
            memset(f, 0, sizeof *f);
            snprintf(f->sig, sizeof f->sig, "%s", g);
            f->at_s = at;
            f->at_exchange = rep->exchanges;
        }
        nf_outcome_cleanup(&ro);
        nf_outcome_cleanup(&to);
        nf_exchange_free(&x);
    }
    nf_kept_close(&keep_ref);
    nf_kept_close(&keep_t);
    rep->secs = (double)(clk_now_ms() - t0) / 1000.0;
    rep->corpus = pool->n;
    for (size_t i = 0; i < pool->n; i++)
        nf_exchange_free(&pool->x[i]);
    for (size_t i = 0; i < pool->n_loaded; i++)
        cf_free(pool->loaded[i]);
    free(pool);
    return rc;
}
