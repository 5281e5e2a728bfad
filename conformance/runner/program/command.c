/* command.c -- splits an --exec command into words, shell-style, filling in placeholders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "program/command.h"
#include "status.h"

void command_argv_free(char **argv)
{
    if (!argv)
        return;
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* If |s| starts with a known placeholder, appends its value (the placeholder itself when
 * |subst| is NULL) and returns its length. */
static size_t placeholder(const char *s, const struct command_subst *subst, struct bytes *w,
                          int *rc)
{
    static const char *const keys[] = {"{host}", "{port}", "{addr}"};
    for (size_t i = 0; i < 3; i++) {
        size_t kl = strlen(keys[i]);
        if (strncmp(s, keys[i], kl) != 0)
            continue;
        const char *val = keys[i];
        if (subst)
            val = i == 0 ? subst->host : i == 1 ? subst->port : subst->addr;
        *rc = bytes_puts(w, val ? val : keys[i]);
        return kl;
    }
    return 0;
}

int command_split(const char *cmd, const struct command_subst *subst, char ***argv,
               int *placeholders, char *err, size_t errlen)
{
    char **av = calloc(COMMAND_MAX_ARGS + 1, sizeof *av);
    size_t n = 0;
    struct bytes w;
    bytes_init(&w, 64 * 1024);
    int rc = av ? 0 : WC_ERR_NOMEM;
    *argv = NULL;
    *placeholders = 0;
    const char *s = cmd;
    while (rc == 0) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        w.len = 0;
        while (rc == 0 && *s && !(*s == ' ' || *s == '\t' || *s == '\n')) {
            size_t pl = placeholder(s, subst, &w, &rc);
            if (pl) {
                *placeholders = 1;
                s += pl;
            } else if (*s == '\'') {
                const char *end = strchr(s + 1, '\'');
                if (!end) {
                    snprintf(err, errlen, "unterminated ' in the command");
                    rc = WC_ERR_INVALID;
                    break;
                }
                rc = bytes_append(&w, s + 1, (size_t)(end - s - 1));
                s = end + 1;
            } else if (*s == '"') {
                s++;
                while (rc == 0 && *s && *s != '"') {
                    size_t q = placeholder(s, subst, &w, &rc);
                    if (q) {
                        *placeholders = 1;
                        s += q;
                        continue;
                    }
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$'))
                        s++;
                    rc = bytes_append(&w, s, 1);
                    s++;
                }
                if (rc == 0 && *s != '"') {
                    snprintf(err, errlen, "unterminated \" in the command");
                    rc = WC_ERR_INVALID;
                    break;
                }
                s++;
            } else {
                if (*s == '\\' && s[1])
                    s++;
                rc = bytes_append(&w, s, 1);
                s++;
            }
        }
        if (rc == 0) {
            if (n == COMMAND_MAX_ARGS) {
                snprintf(err, errlen, "more than %d words in the command", COMMAND_MAX_ARGS);
                rc = WC_ERR_INVALID;
                break;
            }
            av[n] = bytes_take(&w);
            if (!av[n])
                rc = WC_ERR_NOMEM;
            else
                n++;
        }
    }
    bytes_cleanup(&w);
    if (rc == 0 && n == 0) {
        snprintf(err, errlen, "the command is empty");
        rc = WC_ERR_INVALID;
    }
    if (rc < 0) {
        if (rc == WC_ERR_NOMEM || rc == WC_ERR_TOO_LONG)
            snprintf(err, errlen, "the command is too long");
        command_argv_free(av);
        return rc == WC_ERR_NOMEM ? rc : WC_ERR_INVALID;
    }
    *argv = av;
    return (int)n;
}

int command_resolve(const char *name, char *out, size_t len)
{
    if (!*name)
        return -ENOENT;
    if (strchr(name, '/')) {
        snprintf(out, len, "%s", name);
        return access(name, X_OK) == 0 ? 0 : -errno;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    int found = -ENOENT;
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, len, "%.*s/%s", (int)(n ? n : 1), n ? path : ".", name);
        if (access(out, X_OK) == 0)
            return 0;
        if (errno == EACCES)
            found = -EACCES;
        path += n + (path[n] == ':');
    }
    return found;
}
