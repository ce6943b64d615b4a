/* Runs one spec-test file: converts the .wast with wast2json in a private temporary folder,
 * checks each command at the chosen tier, prints failures, and counts verdicts.
 *
 * Tier "none": modules are decoded and validated; commands that need instantiation or execution
 * are skipped with their reason (see spec_commands.def). An execution tier (an engine is given):
 * every command runs in a store of its own per file, see spec_exec.h.
 */
#ifndef SL_TOOLS_SPEC_RUN_H
#define SL_TOOLS_SPEC_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "slipstream.h"
#include "spec_judge.h"

typedef struct spec_options {
    const char *wast2json; /* converter program, see spec_convert_program() */
    sl_engine_t *engine;   /* the execution tier's engine, or NULL for tier "none" */
    bool is_verbose;       /* print every failure, and notes on differing error messages */
    unsigned max_failures; /* failures printed per file when not verbose */
    /* with an engine: functions compiled over the run, and those of them the top tier compiled
     * (spec_exec_count_functions), added up by spec_run_file */
    uint64_t *funcs_compiled, *funcs_top;
} spec_options_t;

/* Adds the verdicts of every command in `wast_path` to `tally` and prints failures to `out` as
 * "FILE:LINE: COMMAND: expected ..., got ...". A file that cannot be converted or read counts as
 * one failure, printed with its reason. Always removes its temporary folder before returning. */
void spec_run_file(const char *wast_path, const spec_options_t *options, FILE *out,
                   spec_tally_t *tally);

#endif
