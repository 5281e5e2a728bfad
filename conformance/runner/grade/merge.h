/* merge.h -- `wirecheck grade merge`: the output folders of --shard runs, joined. */
#ifndef WIRECHECK_RUNNER_MERGE_H
#define WIRECHECK_RUNNER_MERGE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Copies every submission folder of the grade outputs |ins|[0..n_in) into |out| (made if
 * needed; it may not be one of them) and writes the class files for all of them, in name
 * order. The inputs must come from one grading file and one key (wirecheck, cases, options),
 * and name each submission once. Messages go to |msg|. Returns 0, 1 (|out| could not be
 * written) or 2 (the folders do not belong together).
 */
int grade_merge(char *const *ins, size_t n_in, const char *out, FILE *msg);

#endif
