/* casefile_model.c -- the parsed case itself: names of its ops and levels, its limits, its
 * keywords, making and freeing one. Below the parser, which builds cases with these. */
#include "load/casefile.h"

#include <stdlib.h>
#include <string.h>

#include "load/casefile_int.h"

void cf_limits_default(struct cf_limits *lim)
{
    lim->max_file = (size_t)1 << 20;
    lim->max_steps = 4096;
    lim->max_data = (size_t)16 << 20;
    lim->max_total_data = (size_t)40 << 20;
    lim->max_depth = 4;
    lim->max_parallel = 1000;
    lim->max_repeat = 10000;
    lim->max_ms = 60000;
}

static const struct {
    const char *verb;
    enum cf_op op;
} verbs[] = {
    {"connect", CF_CONNECT},
    {"udp", CF_UDP},
    {"accept", CF_ACCEPT},
    {"send", CF_SEND},
    {"shutdown", CF_SHUTDOWN},
    {"close", CF_CLOSE},
    {"reset", CF_RESET},
    {"sleep", CF_SLEEP},
    {"expect", CF_EXPECT},
    {"expect-line", CF_EXPECT_LINE},
    {"expect-close", CF_EXPECT_CLOSE},
    {"expect-silence", CF_EXPECT_SILENCE},
    {"expect-datagram", CF_EXPECT_DATAGRAM},
    {"expect-exit", CF_EXPECT_EXIT},
    {"expect-stdout", CF_EXPECT_STDOUT},
    {"expect-stderr", CF_EXPECT_STDERR},
    {"parallel", CF_PARALLEL},
    {"repeat", CF_REPEAT},
};

int cf_op_parse(const unsigned char *w, size_t n)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (n == strlen(verbs[i].verb) && memcmp(w, verbs[i].verb, n) == 0)
            return (int)verbs[i].op;
    }
    return -1;
}

const char *cf_op_name(enum cf_op op)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (verbs[i].op == op)
            return verbs[i].verb;
    }
    return op == CF_DRAIN ? "drain" : "?";
}

const char *cf_level_name(enum cf_level level)
{
    switch (level) {
    case CF_LEVEL_CORE:
        return "core";
    case CF_LEVEL_ROBUST:
        return "robust";
    case CF_LEVEL_STRESS:
        return "stress";
    }
    return "?";
}

int cf_level_parse(const char *name)
{
    for (int l = CF_LEVEL_CORE; l <= CF_LEVEL_STRESS; l++) {
        if (strcmp(name, cf_level_name((enum cf_level)l)) == 0)
            return l;
    }
    return -1;
}

struct cf_case *cf_new_case(enum cf_kind kind, const char *file)
{
    struct cf_case *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->listen = 1;
    c->keywords = calloc(1, sizeof *c->keywords);
    if (!c->keywords) {
        free(c);
        return NULL;
    }
    char **fields[] = {&c->file, &c->id, &c->title, &c->requirement, &c->suite, &c->role,
                       &c->transport, &c->include};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        *fields[i] = calloc(1, 1);
        if (!*fields[i]) {
            cf_free(c);
            return NULL;
        }
    }
    char *f = strdup(file);
    if (!f) {
        cf_free(c);
        return NULL;
    }
    free(c->file);
    c->file = f;
    return c;
}

int cf_has_keyword(const struct cf_case *c, const char *keyword)
{
    for (size_t i = 0; i < c->n_keywords; i++) {
        if (strcmp(c->keywords[i], keyword) == 0)
            return 1;
    }
    return 0;
}

void cf_free(struct cf_case *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_steps; i++) {
        free(c->steps[i].data.bytes);
        free(c->steps[i].regex);
    }
    free(c->steps);
    free(c->file);
    free(c->id);
    free(c->title);
    free(c->requirement);
    for (size_t i = 0; c->keywords && i < c->n_keywords; i++)
        free(c->keywords[i]);
    free(c->keywords);
    free(c->suite);
    free(c->role);
    free(c->transport);
    free(c->include);
    free(c);
}
