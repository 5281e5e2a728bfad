/* usage.h -- what a program under test holds: memory and open files, summed over its process
 * tree, read from /proc (for the fuzzer's resource-growth findings). */
#ifndef WIRECHECK_RUNNER_USAGE_H
#define WIRECHECK_RUNNER_USAGE_H

#include <stddef.h>
#include <sys/types.h>

struct usage {
    size_t procs;   /* processes in the tree */
    size_t rss_kib; /* resident memory, KiB, all of them */
    size_t fds;     /* open descriptors, all of them */
};

/*
 * Sums the usage of |pid| and its descendants (at most 64 processes, 64 levels deep).
 * Returns 0, or -errno when |pid|'s own entry cannot be read (gone, or /proc not readable by
 * this user); a descendant that cannot be read is left out.
 */
int usage_of_tree(pid_t pid, struct usage *u);

#endif
