/* What the spec runner does with one command and how its outcome is judged and counted.
 *
 * The runner asks spec_cmd_plan which check a command's module needs, runs it (or not), and hands
 * the engine's return code to spec_plan_judge; at an execution tier, the plan's `exec` says what
 * comes next (spec_exec.h). Keeping that decision apart from the running makes it testable
 * without the engine or wast2json. Pure functions; the one allocation is a tally's list of
 * SL_ENOTSUP messages (spec_tally_fini releases it).
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
    SPEC_SKIP_UNSUPPORTED,   /* the engine answered SL_ENOTSUP; the reason is its message */
    SPEC_SKIP_EXCEPTIONS,    /* assert_exception: the runtime API has no exceptions */
    SPEC_N_SKIPS
} spec_skip_t;

/* What an execution tier does with a command once its check holds (spec_commands.def). */
typedef enum spec_exec_kind {
    SPEC_EXEC_NONE, /* nothing: the plan's verdict is final (text module, malformed command) */
    SPEC_EXEC_INSTANTIATE,
    SPEC_EXEC_REJECT,
    SPEC_EXEC_UNLINKABLE,
    SPEC_EXEC_UNINSTANTIABLE,
    SPEC_EXEC_RETURN,
    SPEC_EXEC_TRAP,
    SPEC_EXEC_EXHAUSTION,
    SPEC_EXEC_EXCEPTION,
    SPEC_EXEC_ACTION,
    SPEC_EXEC_REGISTER,
    SPEC_N_EXEC_KINDS
} spec_exec_kind_t;

typedef struct spec_verdict {
    spec_result_t result;
    spec_skip_t skip; /* set when result is SPEC_SKIPPED */
    /* A failure not caused by the engine (unknown command...), or for SPEC_SKIP_UNSUPPORTED the
     * engine's message; else NULL. */
    const char *reason;
} spec_verdict_t;

typedef struct spec_plan {
    spec_check_t check;     /* run on the command's filename unless SPEC_CHECK_NONE */
    spec_verdict_t verdict; /* tier none: the outcome if the check holds (or without a check) */
    spec_exec_kind_t exec;  /* execution tiers: what follows the check; NONE: `verdict` is final */
} spec_plan_t;

spec_plan_t spec_cmd_plan(const spec_cmd_t *cmd);

/* `code` is what sl_module_decode returned (0 or SL_E*); ignored for SPEC_CHECK_NONE. */
spec_verdict_t spec_plan_judge(const spec_plan_t *plan, int code);

/* "valid", "malformed", "invalid" (what a check expects), for failure messages. */
const char *spec_check_expectation(spec_check_t check);

/* "text format", "needs instantiation", "needs execution", "not supported", ... */
const char *spec_skip_name(spec_skip_t skip);

/* One SL_ENOTSUP message (truncated to fit) and how many skips it caused. */
#define SPEC_DETAIL_SIZE 120

typedef struct spec_detail {
    char text[SPEC_DETAIL_SIZE];
    unsigned n;
} spec_detail_t;

/* Counts of verdicts. A zeroed tally is empty; spec_tally_fini releases one. */
typedef struct spec_tally {
    unsigned n_passed;
    unsigned n_failed;
    unsigned n_skipped;
    unsigned n_by_skip[SPEC_N_SKIPS];
    /* The distinct messages behind the SPEC_SKIP_UNSUPPORTED skips, in order of first sight (heap).
     * A skip whose message could not be recorded (out of memory) counts in n_by_skip only. */
    spec_detail_t *unsupported;
    unsigned n_unsupported;
    size_t cap_unsupported;
} spec_tally_t;

void spec_tally_add(spec_tally_t *tally, const spec_verdict_t *verdict);
void spec_tally_merge(spec_tally_t *into, const spec_tally_t *from);
void spec_tally_fini(spec_tally_t *tally);

#endif
