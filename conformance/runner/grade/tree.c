/* tree.c -- a submission's files: their hash (has it changed since the last grade?) and a copy
 * of them that its builds may write, owned by the uid they run as. */
#include "grade/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

struct walk {
    const char *src_root, *dst_root; /* dst_root NULL: hash only */
    uid_t uid;
    gid_t gid;
    int chown;
    uint64_t hash;
    size_t files;
    uint64_t bytes;
    char *err;
    size_t errlen;
};

/* FNV-1a, 64 bits: a change detector, not a seal (see tree.h). */
static void mix(struct walk *w, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        w->hash ^= b[i];
        w->hash *= 0x100000001b3ULL;
    }
}

static int fail(struct walk *w, int rc, const char *what, const char *rel)
{
    snprintf(w->err, w->errlen, "%s: %s%s%s", rel[0] ? rel : ".", what, errno ? ": " : "",
             errno ? strerror(errno) : "");
    return rc;
}

/* |a| "/" |b| (just |a| when |b| is "") into |out|. Returns 0, or -1 when it does not fit. */
static int join(char *out, size_t cap, const char *a, const char *b)
{
    size_t al = strlen(a), bl = strlen(b);
    if (al + 1 + bl + 1 > cap)
        return -1;
    memcpy(out, a, al);
    if (bl) {
        out[al] = '/';
        memcpy(out + al + 1, b, bl);
        al += 1 + bl;
    }
    out[al] = 0;
    return 0;
}

static int copy_file(struct walk *w, const char *from, const char *to, const char *rel, mode_t mode)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return fail(w, WC_ERR_INVALID, "cannot read", rel);
    int out = -1;
    if (w->dst_root) {
        out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode & 0111) ? 0755 : 0644);
        if (out < 0) {
            close(in);
            return fail(w, WC_ERR_INVALID, "cannot write the copy", rel);
        }
    }
    char buf[65536];
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = fail(w, WC_ERR_INVALID, "read error", rel);
            break;
        }
        if (n == 0)
            break;
        w->bytes += (uint64_t)n;
        if (w->bytes > TREE_MAX_BYTES) {
            errno = 0;
            rc = fail(w, WC_ERR_TOO_LONG, "the submission is larger than its limit", rel);
            break;
        }
        mix(w, buf, (size_t)n);
        for (ssize_t off = 0; out >= 0 && off < n;) {
            ssize_t k = write(out, buf + off, (size_t)(n - off));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                rc = fail(w, WC_ERR_INVALID, "cannot write the copy", rel);
                break;
            }
            off += k;
        }
        if (rc)
            break;
    }
    close(in);
    if (out >= 0) {
        if (w->chown && fchown(out, w->uid, w->gid) < 0 && rc == 0)
            rc = fail(w, WC_ERR_INVALID, "cannot hand the copy over", rel);
        if (close(out) < 0 && rc == 0)
            rc = fail(w, WC_ERR_INVALID, "cannot write the copy", rel);
    }
    return rc;
}

static int walk_dir(struct walk *w, const char *rel, unsigned depth)
{
    char from[TREE_MAX_PATH], to[TREE_MAX_PATH];
    if (join(from, sizeof from, w->src_root, rel) < 0) {
        errno = 0;
        return fail(w, WC_ERR_TOO_LONG, "path too long", rel);
    }
    if (depth > TREE_MAX_DEPTH) {
        errno = 0;
        return fail(w, WC_ERR_TOO_LONG, "folders nested too deep", rel);
    }
    struct dirent **names = NULL;
    int n = scandir(from, &names, NULL, alphasort);
    if (n < 0)
        return fail(w, WC_ERR_INVALID, "cannot list", rel);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            (strcmp(name, ".git") == 0)) /* history is not the submission */
            continue;
        char child[TREE_MAX_PATH];
        if (join(child, sizeof child, rel[0] ? rel : name, rel[0] ? name : "") < 0 ||
            join(from, sizeof from, w->src_root, child) < 0 ||
            (w->dst_root && join(to, sizeof to, w->dst_root, child) < 0)) {
            errno = 0;
            rc = fail(w, WC_ERR_TOO_LONG, "path too long", rel);
            continue;
        }
        struct stat st;
        if (lstat(from, &st) < 0) {
            rc = fail(w, WC_ERR_INVALID, "cannot stat", child);
            continue;
        }
        if (++w->files > TREE_MAX_FILES) {
            errno = 0;
            rc = fail(w, WC_ERR_TOO_LONG, "the submission has more files than its limit", child);
            continue;
        }
        char kind = S_ISDIR(st.st_mode)   ? 'd'
                    : S_ISREG(st.st_mode) ? 'f'
                    : S_ISLNK(st.st_mode) ? 'l'
                                          : 0;
        if (!kind)
            continue; /* fifos, sockets, devices: nothing a build reads */
        mix(w, child, strlen(child) + 1);
        char meta[2] = {kind, (st.st_mode & 0111) ? 'x' : '-'};
        mix(w, meta, sizeof meta);
        if (kind == 'd') {
            if (w->dst_root && mkdir(to, 0755) < 0) {
                rc = fail(w, WC_ERR_INVALID, "cannot make the copy", child);
                continue;
            }
            if (w->dst_root && w->chown && lchown(to, w->uid, w->gid) < 0) {
                rc = fail(w, WC_ERR_INVALID, "cannot hand the copy over", child);
                continue;
            }
            rc = walk_dir(w, child, depth + 1);
        } else if (kind == 'l') {
            char target[TREE_MAX_PATH];
            ssize_t tl = readlink(from, target, sizeof target - 1);
            if (tl < 0) {
                rc = fail(w, WC_ERR_INVALID, "cannot read the link", child);
                continue;
            }
            target[tl] = 0;
            mix(w, target, (size_t)tl + 1);
            /* Copied as a link: it resolves inside the build's sandbox, as that uid. */
            if (w->dst_root &&
                (symlink(target, to) < 0 || (w->chown && lchown(to, w->uid, w->gid) < 0)))
                rc = fail(w, WC_ERR_INVALID, "cannot copy the link", child);
        } else {
            rc = copy_file(w, from, to, child, st.st_mode);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int tree_copy(const char *src, const char *dst, int chown_to, unsigned uid, uint64_t *hash,
              char *err, size_t errlen)
{
    struct walk w = {src, dst, (uid_t)uid, (gid_t)uid, chown_to, 0xcbf29ce484222325ULL,
                     0,   0,   err,        errlen};
    errno = 0;
    if (dst) {
        if (mkdir(dst, 0755) < 0)
            return fail(&w, WC_ERR_INVALID, "cannot make the copy's folder", "");
        if (chown_to && lchown(dst, w.uid, w.gid) < 0)
            return fail(&w, WC_ERR_INVALID, "cannot hand the copy over", "");
    }
    int rc = walk_dir(&w, "", 0);
    if (hash)
        *hash = w.hash;
    return rc;
}

static int remove_at(int at, const char *name, unsigned depth)
{
    /* Deeper than any copy is made, since a build may nest further; still bounded (an fd a
     * level). */
    if (depth > 1000)
        return -1;
    if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (remove_at(dirfd(d), e->d_name, depth + 1) < 0)
            rc = -1;
    }
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

int tree_remove(const char *path)
{
    return remove_at(AT_FDCWD, path, 0) == 0 ? 0 : -errno;
}
