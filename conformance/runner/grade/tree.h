/* tree.h -- a submission's files: their hash, and a private copy its builds may write.
 *
 * The hash is FNV-1a over every path, kind, executable bit and byte, in sorted order, skipping
 * .git. It tells a re-grade whether anything changed; it is no seal: a crafted collision would
 * only keep the grade the same content earned before. */
#ifndef WIRECHECK_RUNNER_TREE_H
#define WIRECHECK_RUNNER_TREE_H

#include <stddef.h>
#include <stdint.h>

#define TREE_MAX_FILES 50000                       /* files and folders of one submission */
#define TREE_MAX_BYTES ((uint64_t)1 << 30)         /* bytes of one submission */
#define TREE_MAX_DEPTH 32                          /* folder nesting */
#define TREE_MAX_PATH 4096

/*
 * Walks |src| in sorted order: hashes it into |*hash| (may be NULL), and when |dst| is not
 * NULL copies it there (|dst| must not exist; folders 0755, files 0644 or 0755, links as
 * links; fifos, sockets and devices are left out), owned by |uid| when |chown_to|. Returns 0,
 * or WC_ERR_INVALID / WC_ERR_TOO_LONG (over a limit) with |err| naming the file.
 */
int tree_copy(const char *src, const char *dst, int chown_to, unsigned uid, uint64_t *hash,
              char *err, size_t errlen);

/* Removes |path| and everything under it, never following a link. Returns 0 or -errno. */
int tree_remove(const char *path);

#endif
