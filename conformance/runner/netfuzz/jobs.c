/* jobs.c -- a campaign over worker processes: each its own servers, namespace and seed; their
 * findings merged, one per signature, renumbered into the findings folder. */
#include "netfuzz/netfuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "wait.h"
#include "status.h"

/* What each worker has done so far, in memory the parent reads for the status line. */
struct shared_figures {
    unsigned exchanges;
    size_t corpus, findings;
};

struct worker_ctx {
    struct shared_figures *fig;
};

static void worker_progress(unsigned exchanges, double secs, size_t corpus, size_t findings,
                            void *ctx)
{
    (void)secs;
    struct worker_ctx *w = ctx;
    w->fig->exchanges = exchanges;
    w->fig->corpus = corpus;
    w->fig->findings = findings;
}

/* Writes all of |p|[0..n) to |fd|. */
static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The worker: its campaign, its report down the pipe. Never returns. */
static void worker(const struct nf_config *cfg, unsigned k, unsigned jobs,
                   int (*init)(unsigned, void *), void *ctx, struct shared_figures *fig, int fd)
{
    static struct nf_report rep;
    struct nf_config mine = *cfg;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/.worker-%u", cfg->findings, k);
    int rc = mkdir(dir, 0755) < 0 && errno != EEXIST ? -EIO : 0;
    if (rc == 0 && init && init(k, ctx) < 0) {
        snprintf(rep.fatal, sizeof rep.fatal, "worker %u could not be set up", k);
        rc = WC_ERR_UNAVAILABLE;
    }
    if (rc == 0) {
        mine.findings = dir;
        mine.seed = cfg->seed * NF_MAX_JOBS + k;
        mine.runs = cfg->runs / jobs + (k < cfg->runs % jobs);
        struct worker_ctx w = {fig};
        mine.progress = worker_progress;
        mine.ctx = &w;
        rc = mine.runs ? nf_campaign(&mine, &rep) : 0;
    }
    int code = rc == WC_ERR_UNAVAILABLE ? 3 : rc < 0 ? 1 : 0;
    _exit(write_all(fd, &rep, sizeof rep) < 0 ? 1 : code);
}

/* Reads the report a worker sent (it is one struct; pipes deliver it in pieces). */
static int read_report(int fd, struct nf_report *r)
{
    size_t got = 0;
    char *p = (char *)r;
    while (got < sizeof *r) {
        ssize_t n = read(fd, p + got, sizeof *r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* Moves a worker's finding file to |to|, its case id renumbered to |id|. */
static int move_renumbered(const char *from, const char *to, const char *old_id, const char *id)
{
    char *text;
    size_t len;
    if (suite_read_file(from, 1 << 22, &text, &len) < 0)
        return -1;
    FILE *f = fopen(to, "we");
    int rc = f ? 0 : -1;
    char key[80];
    snprintf(key, sizeof key, "id: %s\n", old_id);
    char *at = f ? strstr(text, key) : NULL;
    if (f && at) {
        fwrite(text, 1, (size_t)(at - text), f);
        fprintf(f, "id: %s\n", id);
        fputs(at + strlen(key), f);
    } else if (f) {
        fwrite(text, 1, len, f);
    }
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    unlink(from);
    return rc;
}

/* Adds worker report |w| to |rep|: new signatures only, their files renumbered. */
static void merge(const struct nf_config *cfg, struct nf_report *rep, struct nf_report *w)
{
    rep->exchanges += w->exchanges;
    rep->unconfirmed += w->unconfirmed;
    rep->kept += w->kept;
    if (w->corpus > rep->corpus)
        rep->corpus = w->corpus;
    if (w->corpus_loaded > rep->corpus_loaded)
        rep->corpus_loaded = w->corpus_loaded;
    if (w->fatal[0] && !rep->fatal[0])
        snprintf(rep->fatal, sizeof rep->fatal, "%s", w->fatal);
    for (size_t i = 0; i < w->n_found && rep->n_found < NF_MAX_FINDINGS; i++) {
        struct nf_finding *f = &w->found[i];
        int known = 0;
        for (size_t j = 0; j < rep->n_found; j++)
            known |= strcmp(rep->found[j].sig, f->sig) == 0;
        if (known) {
            unlink(f->file);
            unlink(f->transcript);
            continue;
        }
        size_t num = 900 + rep->n_found;
        char old_id[64], id[64], path[4096];
        const char *base = strrchr(f->file, '/');
        snprintf(old_id, sizeof old_id, "%s.%.3s", cfg->suite_name, base ? base + 1 : "");
        snprintf(id, sizeof id, "%s.%03zu", cfg->suite_name, num);
        struct nf_finding *to = &rep->found[rep->n_found++];
        *to = *f;
        if (f->file[0] && base) {
            snprintf(path, sizeof path, "%s/%03zu%s", cfg->findings, num, base + 4);
            if (move_renumbered(f->file, path, old_id, id) == 0)
                snprintf(to->file, sizeof to->file, "%s", path);
        }
        base = f->transcript[0] ? strrchr(f->transcript, '/') : NULL;
        if (base) {
            snprintf(path, sizeof path, "%s/%03zu%s", cfg->findings, num, base + 4);
            if (rename(f->transcript, path) == 0)
                snprintf(to->transcript, sizeof to->transcript, "%s", path);
        }
    }
}

int nf_campaign_jobs(const struct nf_config *cfg, unsigned jobs, int (*init)(unsigned k, void *ctx),
                     void *ctx, struct nf_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (jobs < 1 || jobs > NF_MAX_JOBS)
        return WC_ERR_ARG;
    struct shared_figures *fig =
        mmap(NULL, jobs * sizeof *fig, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (fig == MAP_FAILED)
        return WC_ERR_NOMEM;
    memset(fig, 0, jobs * sizeof *fig);
    pid_t pid[NF_MAX_JOBS];
    int fd[NF_MAX_JOBS];
    int64_t t0 = clk_now_ms();
    fflush(NULL); /* nothing buffered is written twice */
    for (unsigned k = 0; k < jobs; k++) {
        int p[2];
        pid[k] = -1;
        fd[k] = -1;
        if (pipe2(p, O_CLOEXEC) < 0)
            continue;
        pid[k] = fork();
        if (pid[k] == 0) {
            close(p[0]);
            worker(cfg, k, jobs, init, ctx, &fig[k], p[1]);
        }
        close(p[1]);
        if (pid[k] < 0)
            close(p[0]);
        else
            fd[k] = p[0];
    }
    /* Wait for every report, showing the sums meanwhile. */
    static struct nf_report w[NF_MAX_JOBS];
    int got[NF_MAX_JOBS] = {0};
    for (unsigned left = jobs;;) {
        left = 0;
        struct pollfd pf[NF_MAX_JOBS];
        for (unsigned k = 0; k < jobs; k++) {
            pf[k].fd = got[k] || fd[k] < 0 ? -1 : fd[k];
            pf[k].events = POLLIN;
            left += pf[k].fd >= 0;
        }
        if (!left)
            break;
        if (wait_fds(pf, jobs, -1, clk_now_ms() + 500) > 0) {
            for (unsigned k = 0; k < jobs; k++) {
                if (pf[k].fd >= 0 && pf[k].revents) {
                    got[k] = read_report(fd[k], &w[k]) == 0 ? 1 : -1;
                }
            }
        }
        if (cfg->progress) {
            unsigned ex = 0;
            size_t corpus = 0, found = 0;
            for (unsigned k = 0; k < jobs; k++) {
                ex += fig[k].exchanges;
                corpus += fig[k].corpus;
                found += fig[k].findings;
            }
            cfg->progress(ex, (double)(clk_now_ms() - t0) / 1000.0, corpus, found, cfg->ctx);
        }
    }
    int rc = 0;
    for (unsigned k = 0; k < jobs; k++) {
        int status = 0;
        if (fd[k] >= 0)
            close(fd[k]);
        if (pid[k] > 0)
            waitpid(pid[k], &status, 0);
        if (got[k] == 1)
            merge(cfg, rep, &w[k]);
        int code = pid[k] > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        if (code == 3)
            rc = WC_ERR_UNAVAILABLE;
        else if ((code || got[k] != 1) && rc == 0)
            rc = -EIO;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/.worker-%u", cfg->findings, k);
        rmdir(dir);
    }
    if (rc == -EIO && !rep->fatal[0])
        snprintf(rep->fatal, sizeof rep->fatal, "a worker ended without its report");
    rep->secs = (double)(clk_now_ms() - t0) / 1000.0;
    munmap(fig, jobs * sizeof *fig);
    return rc;
}
