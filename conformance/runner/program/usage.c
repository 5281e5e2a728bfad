/* usage.c -- memory and descriptors of a process tree, from /proc. */
#include "program/usage.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE_MAX_PROCS 64

/* Adds one process's resident memory and descriptors. Returns 0 or -errno. */
static int add_one(pid_t pid, struct usage *u)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    unsigned long size = 0, resident = 0;
    int ok = fscanf(f, "%lu %lu", &size, &resident) == 2;
    fclose(f);
    if (!ok)
        return -EIO;
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    size_t fds = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        fds += e->d_name[0] != '.';
    closedir(d);
    u->procs++;
    u->rss_kib += resident * (size_t)(sysconf(_SC_PAGESIZE) / 1024);
    u->fds += fds;
    return 0;
}

/* The children of |pid|, from each of its threads' children lists, into |out|. */
static size_t children_of(pid_t pid, pid_t *out, size_t cap)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < cap;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, e->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue;
        for (int c; n < cap && fscanf(f, "%d", &c) == 1;)
            out[n++] = (pid_t)c;
        fclose(f);
    }
    closedir(d);
    return n;
}

int usage_of_tree(pid_t pid, struct usage *u)
{
    memset(u, 0, sizeof *u);
    pid_t queue[USAGE_MAX_PROCS];
    size_t n = 0, next = 0;
    int rc = add_one(pid, u);
    if (rc < 0)
        return rc;
    n = children_of(pid, queue, USAGE_MAX_PROCS);
    /* Breadth first, bounded: a fork bomb is counted up to the bound, not walked forever. */
    while (next < n && u->procs < USAGE_MAX_PROCS) {
        pid_t p = queue[next++];
        if (add_one(p, u) == 0 && n < USAGE_MAX_PROCS)
            n += children_of(p, queue + n, USAGE_MAX_PROCS - n);
    }
    return 0;
}
