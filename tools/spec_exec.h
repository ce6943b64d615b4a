/* Executes spec-test commands on an execution tier: one spec_exec_t per script, holding the store,
 * the spectest module, the registry of named and registered instances, and the current instance.
 *
 * Judgement per command (spec_commands.def names the kind):
 *   module               compiles (sl_module_compile), links each import by (module, field) from
 *                        the registry and instantiates; the instance becomes the current one.
 *   assert_malformed,    compiling must fail with SL_EMALFORMED / SL_EINVALID.
 *   assert_invalid
 *   assert_unlinkable    an import names nothing registered ("unknown import", the runner's own
 *                        check), or sl_instance_new answers SL_ELINK.
 *   assert_uninstantiable  sl_instance_new answers SL_ETRAP (wast2json writes assert_trap around
 *                        a module this way).
 *   assert_return        the action returns values matching the expected ones (spec_values.h).
 *   assert_trap          the action traps with a message starting with the expected text.
 *   assert_exhaustion    the action traps with SL_TRAP_STACK_EXHAUSTED.
 *   action               the action returns without trapping.
 *   register             the named (or current) instance becomes importable under `as`.
 *   assert_exception     skipped: the runtime API has no exceptions.
 * SL_ENOTSUP from the engine skips the command ("not supported: MESSAGE"), and every later command
 * that needs that module (actions on it, registering it, importing from it) is skipped likewise.
 * A module that failed makes the commands that need it fail.
 *
 * Ownership: the exec owns its store, modules and instances, all freed by spec_exec_free. The
 * commands passed in need only live for the call. One thread at a time.
 */
#ifndef SL_TOOLS_SPEC_EXEC_H
#define SL_TOOLS_SPEC_EXEC_H

#include <stdio.h>

#include "slipstream.h"
#include "spec_judge.h"
#include "spec_json.h"

#define SPEC_OUTCOME_TEXT_SIZE 2048

/* What came of one command. For a failure, `expected` and `got` describe it ("expected E, got
 * G"); `expected` is empty when `got` alone says it (a missing module, a bad value). */
typedef struct spec_outcome {
    spec_verdict_t verdict; /* verdict.reason points into `reason` when set */
    char expected[SPEC_OUTCOME_TEXT_SIZE];
    char got[SPEC_OUTCOME_TEXT_SIZE];
    char note[512];   /* a pass whose message differs from the expected text, for -v; or "" */
    char reason[256]; /* a skip's reason (the engine's SL_ENOTSUP message) */
} spec_outcome_t;

typedef struct spec_exec spec_exec_t;

/* Creates a store on `engine` with the spectest module registered. Module files are read from
 * `dir` (the wast2json output folder). `print_to` gets spectest's print calls; NULL: silent.
 * Returns 0, or the engine's error code (SL_ENOMEM ...) with `why` saying what failed. */
int spec_exec_new(sl_engine_t *engine, const char *dir, FILE *print_to, spec_exec_t **out,
                  char *why, size_t why_size);
void spec_exec_free(spec_exec_t *exec); /* accepts NULL */

/* Runs one command and judges it. */
void spec_exec_command(spec_exec_t *exec, const spec_cmd_t *cmd, spec_outcome_t *out);

/* Over the modules the script compiled so far: functions with code, and of those, functions the
 * top tier compiled (sl_module_stats). Lazy compiles count once they have run. */
void spec_exec_count_functions(const spec_exec_t *exec, uint64_t *compiled, uint64_t *top);

#endif
