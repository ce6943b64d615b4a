/* One .wast file from conversion to verdicts. The order matters only for cleanup: the temporary
 * folder is created first and removed last, whatever failed in between. */
#include "spec_run.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "spec_convert.h"
#include "spec_exec.h"
#include "spec_json.h"
#include "tempdir.h"
#include "tool_file.h"

typedef struct file_run {
    const char *wast_path;
    const spec_options_t *options;
    FILE *out;
    spec_tally_t *tally;
    unsigned n_failures;
    char dir[PATH_MAX];
} file_run_t;

static bool
should_print(const file_run_t *run)
{
    return run->options->is_verbose || run->n_failures <= run->options->max_failures;
}

/* A failure of the file as a whole (no conversion, no script): one failed verdict. */
static void
fail_file(file_run_t *run, const char *what, const char *why)
{
    spec_verdict_t verdict = {SPEC_FAILED, SPEC_SKIP_NONE, why};
    spec_tally_add(run->tally, &verdict);
    run->n_failures++;
    fprintf(run->out, "%s: %s: %s\n", run->wast_path, what, why);
}

static void
fail_command(file_run_t *run, const spec_cmd_t *cmd, const spec_plan_t *plan, const char *got)
{
    run->n_failures++;
    if (!should_print(run))
        return;
    if (plan->check == SPEC_CHECK_NONE) {
        /* Refused before any decoding: the plan's reason is the whole story. */
        fprintf(run->out, "%s:%u: %s: %s\n", run->wast_path, cmd->line, cmd->type, got);
        return;
    }
    fprintf(run->out, "%s:%u: %s: expected %s", run->wast_path, cmd->line, cmd->type,
            spec_check_expectation(plan->check));
    if (cmd->text && plan->check != SPEC_CHECK_VALID)
        fprintf(run->out, " (\"%s\")", cmd->text);
    fprintf(run->out, ", got %s\n", got);
}

/* The spec interpreter accepts an error whose message starts with the expected text; the same
 * rule decides whether a note is worth printing. */
static void
note_message(file_run_t *run, const spec_cmd_t *cmd, const sl_error_t *err)
{
    const char *message = err->message[0] ? err->message : sl_strerror(err->code);
    if (!cmd->text || strncmp(message, cmd->text, strlen(cmd->text)) == 0)
        return;
    fprintf(run->out, "%s:%u: %s: note: expected message \"%s\", engine says \"%s\"\n",
            run->wast_path, cmd->line, cmd->type, cmd->text, message);
}

/* Reads and decodes the command's module. Returns 0 with the engine's result (0 or SL_E*) in
 * *code and its detail in `err`, or the -errno of reading the file. Either way `got` describes
 * what happened, for a failure message. */
static int
decode_module(const file_run_t *run, const spec_cmd_t *cmd, int *code, sl_error_t *err,
              char *got, size_t got_size)
{
    char path[PATH_MAX];
    uint8_t *bytes = NULL;
    size_t size = 0;
    sl_module_t *module = NULL;
    int n = snprintf(path, sizeof path, "%s/%s", run->dir, cmd->filename);
    int rc = n < 0 || (size_t)n >= sizeof path ? -ENAMETOOLONG : 0;
    if (rc == 0)
        rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        snprintf(got, got_size, "cannot read %s: %s", cmd->filename, strerror(-rc));
        goto out;
    }
    /* Preset so an engine error without detail still formats sensibly. */
    *err = (sl_error_t){.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    *code = sl_module_decode(bytes, size, NULL, &module, err);
    if (*code < 0) {
        if (err->code == 0)
            err->code = *code;
        sl_error_format(err, got, got_size);
    } else {
        snprintf(got, got_size, "valid");
    }
out:
    sl_module_unref(module);
    free(bytes);
    return rc;
}

static void
run_command(file_run_t *run, const spec_cmd_t *cmd)
{
    spec_plan_t plan = spec_cmd_plan(cmd);
    spec_verdict_t verdict = plan.verdict;
    sl_error_t err = {0};
    char got[400] = "";
    if (plan.check != SPEC_CHECK_NONE) {
        int code = 0;
        if (decode_module(run, cmd, &code, &err, got, sizeof got) < 0)
            verdict = (spec_verdict_t){SPEC_FAILED, SPEC_SKIP_NONE, NULL};
        else
            verdict = spec_plan_judge(&plan, code);
    } else if (verdict.result == SPEC_FAILED) {
        snprintf(got, sizeof got, "%s", verdict.reason ? verdict.reason : "failed");
    }
    spec_tally_add(run->tally, &verdict);
    if (verdict.result == SPEC_FAILED)
        fail_command(run, cmd, &plan, got);
    else if (verdict.result == SPEC_PASSED && run->options->is_verbose &&
             (plan.check == SPEC_CHECK_MALFORMED || plan.check == SPEC_CHECK_INVALID))
        note_message(run, cmd, &err);
}

/* A command on an execution tier. Skips for SL_ENOTSUP are shown with -v: they are counted by
 * reason in the summary, but which command met them is worth seeing. */
static void
exec_command(file_run_t *run, spec_exec_t *exec, const spec_cmd_t *cmd, spec_outcome_t *outcome)
{
    spec_exec_command(exec, cmd, outcome);
    spec_tally_add(run->tally, &outcome->verdict);
    const char *where = run->wast_path, *type = cmd->type;
    switch (outcome->verdict.result) {
    case SPEC_FAILED:
        run->n_failures++;
        if (!should_print(run))
            break;
        if (outcome->expected[0])
            fprintf(run->out, "%s:%u: %s: expected %s, got %s\n", where, cmd->line, type,
                    outcome->expected, outcome->got);
        else
            fprintf(run->out, "%s:%u: %s: %s\n", where, cmd->line, type, outcome->got);
        break;
    case SPEC_PASSED:
        if (run->options->is_verbose && outcome->note[0])
            fprintf(run->out, "%s:%u: %s: note: %s\n", where, cmd->line, type, outcome->note);
        break;
    case SPEC_SKIPPED:
        if (run->options->is_verbose && outcome->verdict.skip == SPEC_SKIP_UNSUPPORTED)
            fprintf(run->out, "%s:%u: %s: skipped, %s: %s\n", where, cmd->line, type,
                    spec_skip_name(SPEC_SKIP_UNSUPPORTED), outcome->reason);
        break;
    }
}

/* Every command of the script in one store; the store and its instances go with the file. */
static void
exec_script(file_run_t *run, const spec_script_t *script)
{
    spec_exec_t *exec = NULL;
    char why[300];
    FILE *print_to = run->options->is_verbose ? run->out : NULL;
    if (spec_exec_new(run->options->engine, run->dir, print_to, &exec, why, sizeof why) < 0) {
        fail_file(run, "cannot create a store", why);
        return;
    }
    spec_outcome_t *outcome = malloc(sizeof *outcome);
    if (!outcome) {
        fail_file(run, "cannot run", "out of memory");
    } else {
        for (size_t i = 0; i < script->n_cmds; i++)
            exec_command(run, exec, &script->cmds[i], outcome);
    }
    free(outcome);
    if (run->options->funcs_compiled && run->options->funcs_top)
        spec_exec_count_functions(exec, run->options->funcs_compiled, run->options->funcs_top);
    spec_exec_free(exec);
}

static void
run_script(file_run_t *run)
{
    /* wast2json names the modules after the JSON file: NAME.0.wasm, NAME.1.wasm, ... */
    const char *base = strrchr(run->wast_path, '/');
    base = base ? base + 1 : run->wast_path;
    size_t name_len = strlen(base);
    if (name_len > 5 && strcmp(base + name_len - 5, ".wast") == 0)
        name_len -= 5;
    char json_path[PATH_MAX], log_path[PATH_MAX], why[512];
    int n1 = snprintf(json_path, sizeof json_path, "%s/%.*s.json", run->dir, (int)name_len, base);
    int n2 = snprintf(log_path, sizeof log_path, "%s/%.*s.log", run->dir, (int)name_len, base);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof json_path || (size_t)n2 >= sizeof log_path) {
        fail_file(run, "conversion failed", "path too long");
        return;
    }
    if (spec_convert(run->options->wast2json, run->wast_path, json_path, log_path, why,
                     sizeof why) < 0) {
        fail_file(run, "conversion failed", why);
        return;
    }
    spec_script_t script;
    if (spec_script_load(json_path, &script, why, sizeof why) < 0) {
        fail_file(run, "cannot load wast2json output", why);
        return;
    }
    if (run->options->engine)
        exec_script(run, &script);
    else
        for (size_t i = 0; i < script.n_cmds; i++)
            run_command(run, &script.cmds[i]);
    spec_script_fini(&script);
}

void
spec_run_file(const char *wast_path, const spec_options_t *options, FILE *out,
              spec_tally_t *tally)
{
    file_run_t run = {.wast_path = wast_path, .options = options, .out = out, .tally = tally};
    int rc = tempdir_make("slipstream-spec", run.dir, sizeof run.dir);
    if (rc < 0) {
        fail_file(&run, "cannot create a temporary folder", strerror(-rc));
        return;
    }
    run_script(&run);
    if (!options->is_verbose && run.n_failures > options->max_failures)
        fprintf(out, "%s: %u more failures not shown (use -v to see all)\n", wast_path,
                run.n_failures - options->max_failures);
    rc = tempdir_remove(run.dir);
    if (rc < 0)
        fprintf(stderr, "slipstream spec: cannot remove %s: %s\n", run.dir, strerror(-rc));
}
