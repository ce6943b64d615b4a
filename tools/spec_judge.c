/* Plans and verdicts for spec commands, driven by spec_commands.def. The only rules written out
 * here are the ones that depend on a command's fields rather than its type. */
#include "spec_judge.h"
#include "vec.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

static const struct row {
    spec_check_t check;
    spec_result_t result;
    spec_skip_t skip;
    spec_exec_kind_t exec;
} rows[SPEC_N_CMD_KINDS] = {
#define SPEC_CMD(name, type, check, result, skip, exec)                                            \
    [SPEC_CMD_##name] = {SPEC_CHECK_##check, SPEC_##result, SPEC_SKIP_##skip, SPEC_EXEC_##exec},
#include "spec_commands.def"
#undef SPEC_CMD
};

static const char *const skip_names[SPEC_N_SKIPS] = {
    [SPEC_SKIP_NONE] = "none",
    [SPEC_SKIP_TEXT] = "text format",
    [SPEC_SKIP_INSTANTIATION] = "needs instantiation",
    [SPEC_SKIP_EXECUTION] = "needs execution",
    [SPEC_SKIP_UNSUPPORTED] = "not supported",
    [SPEC_SKIP_EXCEPTIONS] = "needs exceptions",
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
    return (spec_plan_t){SPEC_CHECK_NONE, {SPEC_FAILED, SPEC_SKIP_NONE, reason}, SPEC_EXEC_NONE};
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
    spec_plan_t plan = {row->check, {row->result, row->skip, NULL}, row->exec};
    if (row->check == SPEC_CHECK_NONE)
        return plan;
    if (cmd->module_type && strcmp(cmd->module_type, "binary") != 0) {
        /* `module quote` tests belong to a text-format parser, which this engine does not have. */
        if (strcmp(cmd->module_type, "text") == 0)
            return (spec_plan_t){SPEC_CHECK_NONE, {SPEC_SKIPPED, SPEC_SKIP_TEXT, NULL},
                                 SPEC_EXEC_NONE};
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

static void
count_detail(spec_tally_t *tally, const char *message, unsigned n)
{
    char text[SPEC_DETAIL_SIZE]; /* truncated as stored, so a long message still finds itself */
    snprintf(text, sizeof text, "%s", message);
    for (unsigned i = 0; i < tally->n_unsupported; i++) {
        if (strcmp(tally->unsupported[i].text, text) == 0) {
            tally->unsupported[i].n += n;
            return;
        }
    }
    if (vec_grow((void **)&tally->unsupported, &tally->cap_unsupported,
                 (size_t)tally->n_unsupported + 1, sizeof *tally->unsupported, UINT_MAX) < 0)
        return;
    spec_detail_t *d = &tally->unsupported[tally->n_unsupported++];
    memcpy(d->text, text, sizeof text);
    d->n = n;
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
        if (verdict->skip == SPEC_SKIP_UNSUPPORTED)
            count_detail(tally, verdict->reason ? verdict->reason : "(no message)", 1);
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
    unsigned n_details = from->n_unsupported; /* `from` may be `into`, which may grow */
    for (unsigned i = 0; i < n_details; i++) {
        spec_detail_t d = from->unsupported[i];
        count_detail(into, d.text, d.n);
    }
}

void
spec_tally_fini(spec_tally_t *tally)
{
    free(tally->unsupported);
    tally->unsupported = NULL;
    tally->n_unsupported = tally->cap_unsupported = 0;
}
