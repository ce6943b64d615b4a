/* The summary of a spec run: a per-file table, the skip reasons, and as the very last line
 * "N passed, N failed, N skipped" (scripts and meson read that line). */
#ifndef SL_TOOLS_SPEC_REPORT_H
#define SL_TOOLS_SPEC_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "spec_judge.h"

typedef struct spec_file_row {
    char *name; /* as the user named it (owned by whoever owns the rows) */
    spec_tally_t tally;
} spec_file_row_t;

/* "not supported" skips are listed by the engine's message, most frequent first: the first
 * `max_details` of them (0: all), then the rest on one line. */
void spec_report_print(FILE *out, const spec_file_row_t *rows, size_t n_rows,
                       unsigned max_details);

#endif
