/* merge.c -- the outputs of several `wirecheck grade --shard` runs joined into one. */
#include "grade/merge.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade/grade.h"
#include "grade/tree.h"
#include "status.h"

#define MERGE_MAX_FILE ((size_t)1 << 20)

static int make_dir(const char *path)
{
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int grade_merge(char *const *ins, size_t n_in, const char *out, FILE *msg)
{
    int rc = 0;
    char *text = NULL;
    size_t len = 0;
    struct grading g;
    memset(&g, 0, sizeof g);
    struct sub_result *subs = NULL;
    size_t n = 0, cap = 0;
    char err[1024];
    char out_real[PATH_MAX] = "";
    if (make_dir(out) < 0 || !realpath(out, out_real)) {
        fprintf(msg, "wirecheck grade merge: cannot make %s: %s\n", out, strerror(errno));
        rc = 1;
    }
    /* Merging into one of the inputs would replace its folders with copies of themselves. */
    for (size_t k = 0; rc == 0 && k < n_in; k++) {
        char in_real[PATH_MAX];
        if (!realpath(ins[k], in_real)) {
            fprintf(msg, "wirecheck grade merge: %s: %s\n", ins[k], strerror(errno));
            rc = 2;
        } else if (strcmp(in_real, out_real) == 0) {
            fprintf(msg, "wirecheck grade merge: -o %s is one of the folders to merge\n", out);
            rc = 2;
        }
    }
    char key0[17] = "";
    for (size_t k = 0; rc == 0 && k < n_in; k++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/grading.txt", ins[k]);
        char *t;
        size_t tl;
        if (suite_read_file(path, MERGE_MAX_FILE, &t, &tl) < 0) {
            fprintf(msg, "wirecheck grade merge: %s: not the output of wirecheck grade\n", ins[k]);
            rc = 2;
            break;
        }
        if (!text) {
            text = t;
            len = tl;
            if (grading_parse(path, text, len, &g, err, sizeof err) < 0) {
                fprintf(msg, "wirecheck grade merge: %s\n", err);
                rc = 2;
            }
        } else {
            int same = tl == len && memcmp(t, text, len) == 0;
            free(t);
            if (!same) {
                fprintf(msg,
                        "wirecheck grade merge: %s was graded with another grading "
                        "file than %s\n",
                        ins[k], ins[0]);
                rc = 2;
            }
        }
        struct dirent **names = NULL;
        int nn = rc == 0 ? scandir(ins[k], &names, NULL, alphasort) : 0;
        for (int i = 0; i < nn; i++) {
            char gj[PATH_MAX + 300];
            snprintf(gj, sizeof gj, "%s/%s/grade.json", ins[k], names[i]->d_name);
            char *json;
            size_t jl;
            if (rc == 0 && names[i]->d_name[0] != '.' &&
                suite_read_file(gj, (size_t)16 << 20, &json, &jl) == 0) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    struct sub_result *grown = realloc(subs, cap * sizeof *grown);
                    if (!grown) {
                        rc = 2;
                        free(json);
                        continue;
                    }
                    subs = grown;
                }
                char hash[17], key[17];
                if (grade_read_summary(json, jl, &g, &subs[n], hash, key, err, sizeof err) < 0) {
                    fprintf(msg, "wirecheck grade merge: %s: %s\n", gj, err);
                    rc = 2;
                } else if (key0[0] && strcmp(key, key0) != 0) {
                    /* Another version, other cases or options: the columns would not match. */
                    fprintf(msg,
                            "wirecheck grade merge: %s was graded by another wirecheck, "
                            "cases or options than the rest\n",
                            gj);
                    sub_result_cleanup(&subs[n]);
                    rc = 2;
                } else {
                    snprintf(key0, sizeof key0, "%s", key);
                    for (size_t j = 0; j < n; j++)
                        if (strcmp(subs[j].name, subs[n].name) == 0) {
                            fprintf(msg,
                                    "wirecheck grade merge: %s is in two of the "
                                    "folders\n",
                                    subs[n].name);
                            rc = 2;
                        }
                    char from[PATH_MAX + 300], to[PATH_MAX + 300];
                    snprintf(from, sizeof from, "%s/%s", ins[k], names[i]->d_name);
                    snprintf(to, sizeof to, "%s/%s", out, names[i]->d_name);
                    n++;
                    if (rc == 0 && strcmp(from, to) != 0) {
                        tree_remove(to);
                        if (tree_copy(from, to, 0, 0, NULL, err, sizeof err) < 0) {
                            fprintf(msg, "wirecheck grade merge: %s: %s\n", from, err);
                            rc = 2;
                        }
                    }
                }
                free(json);
            }
            free(names[i]);
        }
        free(names);
    }
    if (rc == 0) {
        /* In name order, as one run of the whole class writes them. */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && strcmp(subs[j - 1].name, subs[j].name) > 0; j--) {
                struct sub_result t = subs[j];
                subs[j] = subs[j - 1];
                subs[j - 1] = t;
            }
        if (grade_write_class_files(out, text, len, subs, n, &g) < 0) {
            fprintf(msg, "wirecheck grade merge: cannot write the class files in %s\n", out);
            rc = 2;
        } else {
            fprintf(msg, "wirecheck grade merge: %zu submissions from %zu folders into %s\n", n,
                    n_in, out);
        }
    }
    for (size_t i = 0; i < n; i++)
        sub_result_cleanup(&subs[i]);
    free(subs);
    grading_free(&g);
    free(text);
    return rc;
}
