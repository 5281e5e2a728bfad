/* diagnose.h -- groups the failures of a run under the causes of the suite's DIAGNOSES files
 * (load/diagnosis.h), so a report can say "these 11 cases fail for one reason". */
#ifndef WIRECHECK_RUNNER_DIAGNOSE_H
#define WIRECHECK_RUNNER_DIAGNOSE_H

#include "run/run.h"

/*
 * Matches the suite's diagnoses, in file order, against the failing and warning cases of a
 * finished |run|: a diagnosis explains the cases that satisfy its when:/unless: lines and are
 * not explained yet, provided its fails:/passes: cases ended so and it explains at least its
 * min: cases. Fills run->diag and each result's |diagnosis|. Returns 0 or WC_ERR_NOMEM (then
 * no case has a diagnosis).
 */
int diagnose_run(struct run *run);

/* Frees run->diag. */
void diagnose_cleanup(struct run *run);

/* "11 cases fail because TEXT (SEN-4)" for diagnosis |k| of |run|, into |out|. */
int diagnose_headline(const struct run *run, size_t k, struct bytes *out);

#endif
