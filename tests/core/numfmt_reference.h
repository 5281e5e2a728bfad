/* numfmt_reference.h -- numfmt's previous f32 text functions, the oracle of the exhaustive check. */
#ifndef WIRECHECK_NUMFMT_REFERENCE_H
#define WIRECHECK_NUMFMT_REFERENCE_H

#include <stddef.h>

#include "numfmt.h"

/* Same contracts as numfmt_f32_display, numfmt_f32_debug and numfmt_f32_json. */
size_t ref_f32_display(float v, char out[NUMFMT_BUFSIZE]);
size_t ref_f32_debug(float v, char out[NUMFMT_BUFSIZE]);
size_t ref_f32_json(float v, char out[NUMFMT_BUFSIZE]);

#endif
