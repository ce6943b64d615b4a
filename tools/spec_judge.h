/* What the spec runner does with one command and how its outcome is judged and counted.
 *
 * The runner asks spec_cmd_plan which decode check a command needs, runs it (or not), and hands
 * the engine's return code to spec_plan_judge. Keeping that decision apart from the running makes
 * it testable without the engine or wast2json. Pure functions; no allocation.
 */
#ifndef SL_TOOLS_SPEC_JUDGE_H
#define SL_TOOLS_SPEC_JUDGE_H

#include "spec_json.h"

typedef enum spec_check {
    SPEC_CHECK_NONE,      /* nothing to decode */
    SPEC_CHECK_VALID,     /* the module must decode and validate */
    SPEC_CHECK_MALFORMED, /* decoding must fail with SL_EMALFORMED */
    SPEC_CHECK_INVALID,   /* decoding must fail with SL_EINVALID */
} spec_check_t;

typedef enum spec_result {
    SPEC_PASSED,
    SPEC_FAILED,
    SPEC_SKIPPED,
} spec_result_t;

/* Why a command was skipped: the stage it waits for. Order is the report's order. */
typedef enum spec_skip {
    SPEC_SKIP_NONE,
    SPEC_SKIP_TEXT,          /* a text-format module: the engine reads binaries only */
    SPEC_SKIP_INSTANTIATION, /* validated; linking and instantiation are not built yet */
    SPEC_SKIP_EXECUTION,     /* needs an instance and an execution tier */
    SPEC_N_SKIPS
} spec_skip_t;

typedef struct spec_verdict {
    spec_result_t result;
    spec_skip_t skip;   /* set when result is SPEC_SKIPPED */
    const char *reason; /* a failure not caused by the engine (unknown command...), else NULL */
} spec_verdict_t;

typedef struct spec_plan {
    spec_check_t check;     /* run on the command's filename unless SPEC_CHECK_NONE */
    spec_verdict_t verdict; /* the outcome if the check holds (or when there is no check) */
} spec_plan_t;

spec_plan_t spec_cmd_plan(const spec_cmd_t *cmd);

/* `code` is what sl_module_decode returned (0 or SL_E*); ignored for SPEC_CHECK_NONE. */
spec_verdict_t spec_plan_judge(const spec_plan_t *plan, int code);

/* "valid", "malformed", "invalid" (what a check expects), for failure messages. */
const char *spec_check_expectation(spec_check_t check);

/* "text format", "needs instantiation", "needs execution". */
const char *spec_skip_name(spec_skip_t skip);

typedef struct spec_tally {
    unsigned n_passed;
    unsigned n_failed;
    unsigned n_skipped;
    unsigned n_by_skip[SPEC_N_SKIPS];
} spec_tally_t;

void spec_tally_add(spec_tally_t *tally, const spec_verdict_t *verdict);
void spec_tally_merge(spec_tally_t *into, const spec_tally_t *from);

#endif
