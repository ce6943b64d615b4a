/* Plans and verdicts for spec commands, driven by spec_commands.def. The only rules written out
 * here are the ones that depend on a command's fields rather than its type. */
#include "spec_judge.h"

#include <stdbool.h>
#include <string.h>

#include "slipstream.h"

static const struct row {
    spec_check_t check;
    spec_result_t result;
    spec_skip_t skip;
} rows[SPEC_N_CMD_KINDS] = {
#define SPEC_CMD(name, type, check, result, skip)                                                  \
    [SPEC_CMD_##name] = {SPEC_CHECK_##check, SPEC_##result, SPEC_SKIP_##skip},
#include "spec_commands.def"
#undef SPEC_CMD
};

static const char *const skip_names[SPEC_N_SKIPS] = {
    [SPEC_SKIP_NONE] = "none",
    [SPEC_SKIP_TEXT] = "text format",
    [SPEC_SKIP_INSTANTIATION] = "needs instantiation",
    [SPEC_SKIP_EXECUTION] = "needs execution",
};

static const char *const expectations[] = {
    [SPEC_CHECK_NONE] = "nothing",
    [SPEC_CHECK_VALID] = "valid",
    [SPEC_CHECK_MALFORMED] = "malformed",
    [SPEC_CHECK_INVALID] = "invalid",
};

static spec_plan_t
failure(const char *reason)
{
    return (spec_plan_t){SPEC_CHECK_NONE, {SPEC_FAILED, SPEC_SKIP_NONE, reason}};
}

spec_plan_t
spec_cmd_plan(const spec_cmd_t *cmd)
{
    if (cmd->kind >= SPEC_CMD_UNKNOWN)
        return failure("unknown command type");
    spec_cmd_kind_t kind = cmd->kind;
    /* An assert_trap around a module (a trap in its start function) is what wast2json 1.0.32
     * writes as assert_uninstantiable; other converters keep the assert_trap name. */
    if (kind == SPEC_CMD_ASSERT_TRAP && cmd->filename)
        kind = SPEC_CMD_ASSERT_UNINSTANTIABLE;
    const struct row *row = &rows[kind];
    spec_plan_t plan = {row->check, {row->result, row->skip, NULL}};
    if (row->check == SPEC_CHECK_NONE)
        return plan;
    if (cmd->module_type && strcmp(cmd->module_type, "binary") != 0) {
        /* `module quote` tests belong to a text-format parser, which this engine does not have. */
        if (strcmp(cmd->module_type, "text") == 0)
            return (spec_plan_t){SPEC_CHECK_NONE, {SPEC_SKIPPED, SPEC_SKIP_TEXT, NULL}};
        return failure("unknown module_type");
    }
    if (!cmd->filename)
        return failure("command has no module filename");
    return plan;
}

spec_verdict_t
spec_plan_judge(const spec_plan_t *plan, int code)
{
    bool holds = false;
    switch (plan->check) {
    case SPEC_CHECK_NONE:
        holds = true;
        break;
    case SPEC_CHECK_VALID:
        holds = code == 0;
        break;
    case SPEC_CHECK_MALFORMED:
        holds = code == SL_EMALFORMED;
        break;
    case SPEC_CHECK_INVALID:
        holds = code == SL_EINVALID;
        break;
    }
    if (holds)
        return plan->verdict;
    return (spec_verdict_t){SPEC_FAILED, SPEC_SKIP_NONE, NULL};
}

const char *
spec_check_expectation(spec_check_t check)
{
    return check <= SPEC_CHECK_INVALID ? expectations[check] : "nothing";
}

const char *
spec_skip_name(spec_skip_t skip)
{
    return skip < SPEC_N_SKIPS ? skip_names[skip] : "unknown";
}

void
spec_tally_add(spec_tally_t *tally, const spec_verdict_t *verdict)
{
    switch (verdict->result) {
    case SPEC_PASSED:
        tally->n_passed++;
        break;
    case SPEC_FAILED:
        tally->n_failed++;
        break;
    case SPEC_SKIPPED:
        tally->n_skipped++;
        tally->n_by_skip[verdict->skip < SPEC_N_SKIPS ? verdict->skip : SPEC_SKIP_NONE]++;
        break;
    }
}

void
spec_tally_merge(spec_tally_t *into, const spec_tally_t *from)
{
    into->n_passed += from->n_passed;
    into->n_failed += from->n_failed;
    into->n_skipped += from->n_skipped;
    for (int i = 0; i < SPEC_N_SKIPS; i++)
        into->n_by_skip[i] += from->n_by_skip[i];
}
