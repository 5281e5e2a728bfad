/* command.h -- an --exec command line split into words, with its placeholders filled in. */
#ifndef WIRECHECK_RUNNER_COMMAND_H
#define WIRECHECK_RUNNER_COMMAND_H

#include <stddef.h>

/* Placeholders --exec commands may contain, replaced before the program starts. */
struct command_subst {
    const char *host; /* {host}: "127.0.0.1" or "::1" */
    const char *port; /* {port}: "41234" */
    const char *addr; /* {addr}: "127.0.0.1:41234" or "[::1]:41234" */
};

/* Most words in a command. */
#define COMMAND_MAX_ARGS 64

/*
 * Splits |cmd| into words as a POSIX shell would for plain words: blanks separate, '...'
 * keeps everything literally, "..." keeps blanks (\" \\ \$ escapes inside), \x outside quotes
 * is x. No variables, globs or redirections. {host} {port} {addr} are replaced from |subst|
 * (NULL: left alone). Stores a NULL-terminated malloc'd argv in |*argv| (the caller frees it
 * with command_argv_free) and whether any placeholder occurred in |*placeholders|.
 * Returns the word count, or WC_ERR_INVALID (unterminated quote, empty command, too many
 * words; |err| says which) or WC_ERR_NOMEM. Pure: no I/O.
 */
int command_split(const char *cmd, const struct command_subst *subst, char ***argv,
                  int *placeholders, char *err, size_t errlen);

/* Where execvp would find |name| (a path, or a name looked up on $PATH), into |out|.
 * Returns 0, or -errno (-ENOENT, -EACCES) when it cannot be executed. Reads the filesystem. */
int command_resolve(const char *name, char *out, size_t len);

/* Frees an argv from command_split. NULL is fine. */
void command_argv_free(char **argv);

#endif
