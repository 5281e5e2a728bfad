/* casefile.h -- the conformance case-file parser: bytes in, a parsed case or "file:line: what". */
#ifndef WIRECHECK_RUNNER_CASEFILE_H
#define WIRECHECK_RUNNER_CASEFILE_H

#include <stddef.h>

/*
 * The grammar is documented for case authors in conformance/README.md. In short: '#' comment
 * lines, "key: value" header lines, then one step per line ("send a \"hi\\n\" chunk=1"), with
 * "parallel N" / "repeat N" ... "end" blocks. Payloads are byte-precise data expressions:
 * "text" with \n \r \t \0 \\ \" \xNN escapes, <hex bytes>, range(A,B), pattern(N), letters(N),
 * index, each optionally followed by *N (repeat).
 *
 * The parser is a pure function: no I/O, no globals, no clocks; all it does is read the input
 * and allocate. Its work and memory are bounded by struct cf_limits whatever the input.
 */

/* Longest connection or socket name, with its NUL. */
#define CF_NAME_MAX 24
/* Most `index` atoms in one data expression. */
#define CF_MAX_INDEX 4

/* Bounds on what one file may ask for; exceeding one is a parse error (WC_ERR_TOO_LONG). */
struct cf_limits {
    size_t max_file;       /* bytes of input */
    size_t max_steps;      /* steps, counting block headers */
    size_t max_data;       /* bytes of one expanded data expression */
    size_t max_total_data; /* bytes of all expanded data expressions in the file */
    unsigned max_depth;    /* nesting of parallel/repeat blocks */
    unsigned max_parallel; /* N of "parallel N" */
    unsigned max_repeat;   /* N of "repeat N" */
    unsigned max_ms;       /* any duration or timeout, in milliseconds */
};

/* The defaults: 1 MiB file, 4096 steps, 16 MiB per expression, 40 MiB in all, depth 4,
 * parallel 1000, repeat 10000, 60000 ms. */
void cf_limits_default(struct cf_limits *lim);

enum cf_kind {
    CF_KIND_CASE = 1,  /* a case file: conformance/cases/<suite>/NNN-slug.case */
    CF_KIND_SUITE = 2, /* a suite file: conformance/cases/<suite>/SUITE (steps = liveness probe) */
};

enum cf_level { CF_LEVEL_CORE = 0, CF_LEVEL_ROBUST = 1, CF_LEVEL_STRESS = 2 };

enum cf_op {
    CF_CONNECT = 1,       /* connect NAME [refused]            TCP connection to the target */
    CF_UDP,               /* udp NAME                          a UDP socket on loopback */
    CF_ACCEPT,            /* accept NAME                       (client suites) the client's TCP */
    CF_SEND,              /* send NAME DATA [chunk=N] [delay=MS] */
    CF_SHUTDOWN,          /* shutdown NAME                     half-close: FIN, still reading */
    CF_CLOSE,             /* close NAME */
    CF_RESET,             /* reset NAME                        close with SO_LINGER 0: RST */
    CF_SLEEP,             /* sleep MS */
    CF_EXPECT,            /* expect NAME DATA                  exact bytes, accumulated */
    CF_EXPECT_LINE,       /* expect-line NAME "text" | re"regex" */
    CF_EXPECT_CLOSE,      /* expect-close NAME fin|rst|unread, alternatives: fin|unread */
    CF_EXPECT_SILENCE,    /* expect-silence NAME MS */
    CF_EXPECT_DATAGRAM,   /* expect-datagram NAME DATA [from=target|any] */
    CF_EXPECT_EXIT,       /* expect-exit CODE|nonzero|any      the program under test ended */
    CF_EXPECT_STDOUT,     /* expect-stdout "line" | re"regex" [from=start]  a line it printed */
    CF_EXPECT_STDERR,     /* expect-stderr "line" | re"regex" */
    CF_PARALLEL,          /* parallel N ... end                N concurrent sessions of the body,
                                                                   not inside another parallel */
    CF_REPEAT,            /* repeat N ... end                  the body N times in sequence */
    CF_DRAIN,             /* not in case files: the network fuzzer's recording step: takes in
                             what comes on NAME until |ms| pass without a byte (or a datagram)
                             or the peer closes; never fails */
};

/* Close kinds for expect-close and for nonstrict= alternatives. */
enum cf_close_bits {
    CF_CLOSE_FIN = 1,     /* orderly close: read() returned 0 */
    CF_CLOSE_RST = 2,     /* reset (ECONNRESET), every byte the runner sent was answered */
    CF_CLOSE_TIMEOUT = 4, /* nonstrict=timeout: nothing happened before the deadline */
    CF_CLOSE_UNREAD = 8,  /* reset after bytes the runner sent that no expect saw answered:
                             the peer closed with unread data (see conn_note_reset) */
};

/* expect-exit codes besides 0..255. */
#define CF_EXIT_NONZERO (-1)
#define CF_EXIT_ANY (-2)

/*
 * A data expression after expansion. |index_at| lists byte offsets in |bytes| where the
 * decimal index of the current parallel/repeat session is inserted at run time (in order).
 */
struct cf_data {
    unsigned char *bytes; /* owned; NULL when len == 0 */
    size_t len;
    size_t index_at[CF_MAX_INDEX];
    unsigned n_index;
};

struct cf_step {
    enum cf_op op;
    unsigned line;                /* 1-based line of the step in its file */
    char name[CF_NAME_MAX];       /* connection / socket name ("" for sleep, exit, blocks) */
    struct cf_data data;          /* send, expect, expect-datagram, exact expect-line/-stdout */
    char *regex;                  /* owned POSIX ERE for re"..." forms, else NULL */
    unsigned timeout_ms;          /* timeout=MS; 0 means the runner's default */
    unsigned ms;                  /* sleep, expect-silence */
    size_t chunk;                 /* send: bytes per write (0: all at once) */
    unsigned delay_ms;            /* send: pause between chunks */
    unsigned close_ok;            /* expect-close: cf_close_bits that pass */
    unsigned nonstrict;           /* cf_close_bits graded non-strict instead of failing */
    int exit_code;                /* expect-exit: 0..255, CF_EXIT_NONZERO or CF_EXIT_ANY */
    int from_any;                 /* expect-datagram from=any */
    int from_start;               /* expect-stdout/-stderr from=start: search all output */
    int refused;                  /* connect ... refused */
    unsigned count;               /* parallel / repeat N */
    size_t body;                  /* parallel / repeat: how many of the following steps
                                     (nested blocks included) form the body */
    /* drain (the fuzzer's step, never in a file): what it waits for, up to timeout_ms, before
     * a quiet |ms|. All zero: only the quiet wait. */
    size_t want_bytes;            /* bytes received on the connection in all */
    size_t want_lines;            /* '\n's among them; UDP: datagrams */
    int want_close;               /* the peer's close */
    unsigned stall_ms;            /* give up waiting once nothing came for this long (0: wait
                                     the whole timeout) */
};

/* A parsed file. Strings are owned, NUL-terminated, never NULL ("" when absent). */
struct cf_case {
    enum cf_kind kind;
    char *file;         /* the file name passed to cf_parse */
    /* case headers */
    char *id;           /* "sensor.012" */
    char *title;
    char *requirement;  /* "SEN-4" */
    enum cf_level level;
    char **keywords;    /* its keywords: n_keywords words, then NULL (never NULL itself) */
    size_t n_keywords;
    int hostile;        /* hostile: yes -> the runner checks liveness afterwards */
    unsigned timeout_ms; /* timeout: whole-case budget, 0 = default */
    int requires_exec;  /* the case reads the target's output (expect-stdout/-stderr) */
    int listen;         /* client suites: the runner listens (default 1; "listen: no") */
    int own_file;       /* set by suite_add_file: a case file of the user's (--case-file) */
    /* suite headers */
    char *suite;
    char *role;         /* "server" or "client" */
    char *transport;    /* "tcp" or "udp" */
    char *include;      /* another suite whose cases this one also runs, or "" */
    unsigned port;      /* the seed's default port */
    /* steps, in file order, blocks flattened (see cf_step.body) */
    struct cf_step *steps;
    size_t n_steps;
    size_t total_data;  /* bytes of all data expressions */
};

/*
 * Parses |len| bytes of |text| (any bytes; need not be NUL-terminated) as a file of |kind|.
 * |file| names the input in messages (may be NULL: "<input>"). |lim| may be NULL (defaults).
 * On success returns 0 and stores a new case in |*out| (free it with cf_free).
 * On failure returns WC_ERR_INVALID (malformed), WC_ERR_TOO_LONG (a limit was exceeded) or
 * WC_ERR_NOMEM, stores NULL in |*out|, and writes "file:line: what" (NUL-terminated,
 * truncated to |errlen|) into |err| when it is not NULL.
 */
int cf_parse(const char *file, const void *text, size_t len, enum cf_kind kind,
             const struct cf_limits *lim, struct cf_case **out, char *err, size_t errlen);

/* Frees a case from cf_parse. NULL is fine. */
void cf_free(struct cf_case *c);

/* "core", "robust", "stress". */
const char *cf_level_name(enum cf_level level);

/* Parses a level name; returns the level or -1. */
int cf_level_parse(const char *name);

/* The verb of |op| as written in case files ("expect-line"). */
const char *cf_op_name(enum cf_op op);

/* The op whose verb is |w|[0..n), or -1. */
int cf_op_parse(const unsigned char *w, size_t n);

/* Does |c| list |keyword| among its keywords (a whole word; "" never matches)? */
int cf_has_keyword(const struct cf_case *c, const char *keyword);

/* The length of a {name} placeholder at |p| ("{server}" or "{" connection name "}"), as
 * regexes in case files may contain, or 0 when |p| does not start one. */
size_t cf_placeholder_len(const char *p);

#endif
