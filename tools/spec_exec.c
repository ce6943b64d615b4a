/* Spec commands on an execution tier: the registry of instances and one handler per exec kind of
 * spec_commands.def. The rules are summed up in spec_exec.h; the why of the less obvious ones is
 * next to their code. */
#include "spec_exec.h"
#include "vec.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spec_values.h"
#include "spectest.h"
#include "tool_file.h"

#define WHY_SIZE 256

/* What a name in the registry (or the current module) stands for. */
typedef enum entry_state {
    ENTRY_READY,       /* an instance */
    ENTRY_SPECTEST,    /* the host module */
    ENTRY_UNSUPPORTED, /* its module met SL_ENOTSUP; `why` is the engine's message */
    ENTRY_FAILED,      /* its module did not compile or instantiate; `why` says how */
} entry_state_t;

typedef struct entry {
    entry_state_t state;
    unsigned line; /* of the module command */
    sl_instance_t *instance;
    char why[WHY_SIZE];
} entry_t;

typedef struct binding {
    entry_t *entry;
    char name[]; /* a module's "$id", or the "as" of a register command */
} binding_t;

/* A growable array of pointers. */
typedef struct ptrs {
    void **items;
    size_t n;
    size_t cap;
} ptrs_t;

struct spec_exec {
    sl_engine_t *engine;
    sl_store_t *store;
    spectest_t *spectest;
    char *dir;
    entry_t spectest_entry;
    entry_t *current;   /* the latest module command's entry, or NULL before the first */
    ptrs_t entries;     /* entry_t *, owned */
    ptrs_t modules;     /* sl_module_t *, one reference each, dropped after the store */
    ptrs_t ids;         /* binding_t *, owned: "$id" → entry */
    ptrs_t registered;  /* binding_t *, owned: import module name → entry */
    spec_hostrefs_t refs;
};

/* Results and parameters a single action may have; far above the spec tests' largest. */
#define MAX_VALUES 1000

static int
ptrs_push(ptrs_t *v, void *item)
{
    int rc = vec_grow((void **)&v->items, &v->cap, v->n + 1, sizeof *v->items, VEC_NO_LIMIT);
    if (rc < 0)
        return rc;
    v->items[v->n++] = item;
    return 0;
}

static void
ptrs_free(ptrs_t *v, void (*free_item)(void *))
{
    for (size_t i = 0; free_item && i < v->n; i++)
        free_item(v->items[i]);
    free(v->items);
}

static int
bind(ptrs_t *bindings, const char *name, entry_t *entry)
{
    size_t len = strlen(name);
    binding_t *b = malloc(sizeof *b + len + 1);
    if (!b)
        return SL_ENOMEM;
    b->entry = entry;
    memcpy(b->name, name, len + 1);
    int rc = ptrs_push(bindings, b);
    if (rc < 0)
        free(b);
    return rc;
}

/* The latest binding of a name wins, as a later `register` or `$id` replaces an earlier one. */
static entry_t *
lookup(const ptrs_t *bindings, const char *name, size_t len)
{
    for (size_t i = bindings->n; i-- > 0;) {
        const binding_t *b = bindings->items[i];
        if (strlen(b->name) == len && memcmp(b->name, name, len) == 0)
            return b->entry;
    }
    return NULL;
}

/* ---- outcomes ---------------------------------------------------------------------------------- */

/* snprintf for texts meant for people, where cutting a long one short is the intent. */
static void
put_text(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static void
pass(spec_outcome_t *out)
{
    out->verdict = (spec_verdict_t){SPEC_PASSED, SPEC_SKIP_NONE, NULL};
}

/* `expected` may be "" when `got` says it all. */
static void
fail(spec_outcome_t *out, const char *expected, const char *fmt, ...)
{
    out->verdict = (spec_verdict_t){SPEC_FAILED, SPEC_SKIP_NONE, NULL};
    snprintf(out->expected, sizeof out->expected, "%s", expected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->got, sizeof out->got, fmt, ap);
    va_end(ap);
}

static void
skip_unsupported(spec_outcome_t *out, const char *message)
{
    snprintf(out->reason, sizeof out->reason, "%s", message);
    out->verdict = (spec_verdict_t){SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, out->reason};
}

/* The spec interpreter accepts a message that starts with the expected text; a pass with another
 * message gets a note for -v. */
static void
note_message(spec_outcome_t *out, const spec_cmd_t *cmd, const char *message)
{
    if (cmd->text && strncmp(message, cmd->text, strlen(cmd->text)) != 0)
        snprintf(out->note, sizeof out->note, "expected message \"%s\", engine says \"%s\"",
                 cmd->text, message);
}

static const char *
message_of(const sl_error_t *err, int code)
{
    return err->message[0] ? err->message : sl_strerror(err->code ? err->code : code);
}

static void
format_error(int code, sl_error_t *err, char *buf, size_t size)
{
    if (err->code == 0)
        err->code = code;
    sl_error_format(err, buf, size);
}

static const char *
trap_text(const sl_trap_t *trap)
{
    return trap->message[0] ? trap->message : sl_trap_message(trap->code);
}

/* ---- the registry ---------------------------------------------------------------------------- */

/* A module command's entry: it becomes the current module, and its $id names it. */
static void
define(spec_exec_t *x, const spec_cmd_t *cmd, entry_state_t state, sl_instance_t *instance,
       const char *why)
{
    entry_t *e = calloc(1, sizeof *e);
    x->current = NULL; /* out of memory: later actions fail with "no module" */
    if (!e || ptrs_push(&x->entries, e) < 0) {
        free(e);
        return;
    }
    e->state = state;
    e->line = cmd->line;
    e->instance = instance;
    snprintf(e->why, sizeof e->why, "%s", why ? why : "");
    x->current = e;
    if (cmd->name)
        bind(&x->ids, cmd->name, e);
}

/* The module an action or register command names (or the current one), when it can be used;
 * otherwise `out` holds the skip or failure. */
static entry_t *
usable_entry(spec_exec_t *x, const char *id, spec_outcome_t *out)
{
    entry_t *e = id ? lookup(&x->ids, id, strlen(id)) : x->current;
    if (!e) {
        if (id)
            fail(out, "", "no module named %s", id);
        else
            fail(out, "", "no module defined before this command");
        return NULL;
    }
    if (e->state == ENTRY_UNSUPPORTED) {
        skip_unsupported(out, e->why);
        return NULL;
    }
    if (e->state == ENTRY_FAILED) {
        fail(out, "", "needs the module of line %u, which %s", e->line, e->why);
        return NULL;
    }
    return e;
}

typedef enum link_result {
    LINKED,
    LINK_UNKNOWN,     /* an import names nothing registered: `why` says which */
    LINK_UNSUPPORTED, /* an import comes from a module the engine did not support: *dep */
    LINK_DEP_FAILED,  /* an import comes from a module that failed: *dep */
    LINK_ERROR,       /* the engine failed to list imports: `why` */
} link_result_t;

/* Resolves every import by (module, field) through the registry, in import order. */
static link_result_t
resolve(spec_exec_t *x, sl_module_t *module, sl_extern_t *imports, entry_t **dep, char *why,
        size_t why_size)
{
    uint32_t n = sl_module_n_imports(module);
    for (uint32_t i = 0; i < n; i++) {
        sl_import_info_t info;
        int rc = sl_module_import(module, i, &info);
        if (rc < 0) {
            snprintf(why, why_size, "sl_module_import(%u): %s", i, sl_strerror(rc));
            return LINK_ERROR;
        }
        entry_t *e = lookup(&x->registered, info.module, info.module_len);
        if (e && e->state == ENTRY_UNSUPPORTED) {
            *dep = e;
            return LINK_UNSUPPORTED;
        }
        if (e && e->state == ENTRY_FAILED) {
            *dep = e;
            return LINK_DEP_FAILED;
        }
        rc = SL_ENOTFOUND;
        if (e && e->state == ENTRY_SPECTEST)
            rc = spectest_export(x->spectest, info.name, info.name_len, &imports[i]);
        else if (e)
            rc = sl_instance_export(e->instance, info.name, info.name_len, &imports[i]);
        if (rc < 0) {
            /* spec: the interpreter's "unknown import": the module or the field is missing. */
            snprintf(why, why_size, "unknown import \"%.*s\" \"%.*s\"", (int)info.module_len,
                     info.module, (int)info.name_len, info.name);
            return LINK_UNKNOWN;
        }
    }
    return LINKED;
}

/* ---- module commands ------------------------------------------------------------------------- */

/* Reads and compiles the command's module. Returns the -errno of reading the file, or 0 with the
 * engine's result in *code (0 or SL_E*) and its detail in `err`. */
static int
compile(spec_exec_t *x, const spec_cmd_t *cmd, sl_module_t **module, int *code, sl_error_t *err)
{
    char path[PATH_MAX];
    uint8_t *bytes = NULL;
    size_t size = 0;
    int n = snprintf(path, sizeof path, "%s/%s", x->dir, cmd->filename);
    int rc = n < 0 || (size_t)n >= sizeof path ? -ENAMETOOLONG : 0;
    if (rc == 0)
        rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0)
        return rc;
    *err = (sl_error_t){.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    *code = sl_module_compile(x->engine, bytes, size, module, err);
    free(bytes);
    return 0;
}

/* What instantiating gave, for a failure message. */
static void
describe_instantiation(int rc, sl_error_t *err, const sl_trap_t *trap, char *buf, size_t size)
{
    char text[400];
    if (rc == 0) {
        snprintf(buf, size, "an instance");
    } else if (rc == SL_ETRAP) {
        snprintf(buf, size, "trap \"%s\"", trap_text(trap));
    } else {
        format_error(rc, err, text, sizeof text);
        put_text(buf, size, "%s: %s", sl_err_name(rc), text);
    }
}

/* Links and instantiates a module that compiled, and judges the result by the command's kind. */
static void
instantiate(spec_exec_t *x, const spec_cmd_t *cmd, spec_exec_kind_t exec, sl_module_t *module,
            spec_outcome_t *out)
{
    bool defines = exec == SPEC_EXEC_INSTANTIATE;
    uint32_t n = sl_module_n_imports(module);
    sl_extern_t *imports = calloc((size_t)n + 1, sizeof *imports);
    sl_instance_t *instance = NULL;
    sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    sl_trap_t trap = {.func_index = SL_NO_INDEX};
    entry_t *dep = NULL;
    char why[400] = "", expected[300];
    int rc;

    if (exec == SPEC_EXEC_UNLINKABLE)
        snprintf(expected, sizeof expected, "link error (\"%s\")", cmd->text ? cmd->text : "");
    else if (exec == SPEC_EXEC_UNINSTANTIABLE)
        snprintf(expected, sizeof expected, "trap (\"%s\")", cmd->text ? cmd->text : "");
    else
        snprintf(expected, sizeof expected, "an instance");
    if (!imports) {
        fail(out, expected, "out of memory");
        goto failed;
    }
    switch (resolve(x, module, imports, &dep, why, sizeof why)) {
    case LINKED:
        break;
    case LINK_UNKNOWN:
        if (exec != SPEC_EXEC_UNLINKABLE) {
            fail(out, expected, "%s", why);
            goto failed;
        }
        pass(out);
        note_message(out, cmd, why);
        goto done;
    case LINK_UNSUPPORTED:
        skip_unsupported(out, dep->why);
        if (defines)
            define(x, cmd, ENTRY_UNSUPPORTED, NULL, dep->why);
        goto done;
    case LINK_DEP_FAILED:
        fail(out, expected, "an import from the module of line %u, which %s", dep->line,
             dep->why);
        goto failed;
    case LINK_ERROR:
        fail(out, expected, "%s", why);
        goto failed;
    }

    rc = sl_instance_new(x->store, module, imports, n, &instance, &err, &trap);
    if (rc == SL_ENOTSUP) {
        skip_unsupported(out, message_of(&err, rc));
        if (defines)
            define(x, cmd, ENTRY_UNSUPPORTED, NULL, out->reason);
        goto done;
    }
    if (exec == SPEC_EXEC_UNLINKABLE      ? rc == SL_ELINK
        : exec == SPEC_EXEC_UNINSTANTIABLE ? rc == SL_ETRAP
                                           : rc == 0) {
        pass(out);
        if (exec == SPEC_EXEC_UNLINKABLE)
            note_message(out, cmd, message_of(&err, rc));
        else if (exec == SPEC_EXEC_UNINSTANTIABLE)
            note_message(out, cmd, trap_text(&trap));
        else
            define(x, cmd, ENTRY_READY, instance, NULL);
        goto done;
    }
    describe_instantiation(rc, &err, &trap, why, sizeof why);
    fail(out, expected, "%s", why);
failed:
    if (defines) {
        char text[WHY_SIZE];
        put_text(text, sizeof text, "did not instantiate (%s)", out->got);
        define(x, cmd, ENTRY_FAILED, NULL, text);
    }
done:
    free(imports);
}

/* module, assert_malformed, assert_invalid, assert_unlinkable, assert_uninstantiable. */
static void
run_module(spec_exec_t *x, const spec_cmd_t *cmd, const spec_plan_t *plan, spec_outcome_t *out)
{
    bool defines = plan->exec == SPEC_EXEC_INSTANTIATE;
    sl_module_t *module = NULL;
    sl_error_t err;
    int code = 0;
    char got[400], expected[300];
    int rc = compile(x, cmd, &module, &code, &err);
    if (rc < 0) {
        fail(out, "", "cannot read %s: %s", cmd->filename, strerror(-rc));
        if (defines)
            define(x, cmd, ENTRY_FAILED, NULL, "could not be read");
        return;
    }
    if (code == SL_ENOTSUP) {
        skip_unsupported(out, message_of(&err, code));
        if (defines)
            define(x, cmd, ENTRY_UNSUPPORTED, NULL, out->reason);
        goto out;
    }
    spec_verdict_t verdict = spec_plan_judge(plan, code);
    if (verdict.result == SPEC_FAILED) {
        snprintf(expected, sizeof expected, "%s", spec_check_expectation(plan->check));
        if (cmd->text && plan->check != SPEC_CHECK_VALID)
            snprintf(expected, sizeof expected, "%s (\"%s\")",
                     spec_check_expectation(plan->check), cmd->text);
        if (code < 0)
            format_error(code, &err, got, sizeof got);
        else
            snprintf(got, sizeof got, "valid");
        fail(out, expected, "%s", got);
        if (defines) {
            char text[WHY_SIZE];
            put_text(text, sizeof text, "did not compile (%s)", got);
            define(x, cmd, ENTRY_FAILED, NULL, text);
        }
        goto out;
    }
    if (plan->exec == SPEC_EXEC_REJECT) {
        pass(out);
        note_message(out, cmd, message_of(&err, code));
        goto out;
    }
    /* Instances may point into their module's code: keep it until the store is gone. */
    if (ptrs_push(&x->modules, module) < 0) {
        fail(out, "", "out of memory");
        if (defines)
            define(x, cmd, ENTRY_FAILED, NULL, "ran out of memory");
        goto out;
    }
    instantiate(x, cmd, plan->exec, module, out);
    return;
out:
    sl_module_unref(module);
}

/* ---- actions --------------------------------------------------------------------------------- */

typedef struct call {
    int rc;                 /* of sl_func_call, or 0 for a get */
    sl_trap_t trap;         /* rc == SL_ETRAP */
    sl_value_t *results;
    size_t n_results;
    const spec_value_t *want; /* the expected values, or NULL: for the lane types of results */
    size_t n_want;
} call_t;

/* Parses the expected values (or the alternatives of `either`) into a new array. */
static spec_value_t *
parse_expected(const spec_cmd_t *cmd, size_t *n, spec_outcome_t *out)
{
    const json_t *array = cmd->either ? cmd->either : cmd->expected;
    size_t count = 0;
    char why[300];
    *n = 0;
    if (!array)
        return calloc(1, sizeof(spec_value_t));
    count = json_array_size(array);
    spec_value_t *values = calloc(count + 1, sizeof *values);
    if (!values) {
        fail(out, "", "out of memory");
        return NULL;
    }
    if (spec_values_parse(array, values, MAX_VALUES, n, why, sizeof why) < 0) {
        fail(out, "", "bad expected value: %s", why);
        free(values);
        return NULL;
    }
    return values;
}

/* Runs the command's action on `e`. Returns false with `out` set when it could not run at all
 * (no such export, a bad argument). */
static bool
perform(spec_exec_t *x, entry_t *e, const spec_action_t *a, call_t *call, spec_outcome_t *out)
{
    sl_extern_t ext;
    int rc = sl_instance_export(e->instance, a->field, a->field_len, &ext);
    if (rc < 0) {
        fail(out, "", "no export \"%.*s\" (%s)", (int)a->field_len, a->field, sl_err_name(rc));
        return false;
    }
    if (a->kind == SPEC_ACTION_GET) {
        if (ext.kind != SL_EXTERN_GLOBAL) {
            fail(out, "", "export \"%.*s\" is not a global", (int)a->field_len, a->field);
            return false;
        }
        sl_global_get(ext.of.global, &call->results[0]);
        call->n_results = 1;
        call->rc = 0;
        return true;
    }
    if (ext.kind != SL_EXTERN_FUNC) {
        fail(out, "", "export \"%.*s\" is not a function", (int)a->field_len, a->field);
        return false;
    }
    size_t n_args = a->args ? json_array_size(a->args) : 0, n = 0;
    spec_value_t *values = calloc(n_args + 1, sizeof *values);
    sl_value_t *args = calloc(n_args + 1, sizeof *args);
    char why[300];
    bool ok = values && args;
    if (!ok)
        fail(out, "", "out of memory");
    if (ok && a->args && spec_values_parse(a->args, values, MAX_VALUES, &n, why, sizeof why) < 0) {
        fail(out, "", "bad argument: %s", why);
        ok = false;
    }
    for (size_t i = 0; ok && i < n; i++) {
        if (spec_value_to_arg(&values[i], &x->refs, &args[i], why, sizeof why) < 0) {
            fail(out, "", "bad argument %zu: %s", i, why);
            ok = false;
        }
    }
    if (ok)
        call->rc = sl_func_call(ext.of.func, args, n, call->results, call->n_results,
                                &call->trap);
    free(values);
    free(args);
    return ok;
}

static void
format_values(const spec_value_t *values, size_t n, const char *separator, bool grouped,
              char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    bool parens = grouped && n != 1;
    if (parens)
        len += (size_t)snprintf(buf, size, "(");
    for (size_t i = 0; i < n && len < size; i++) {
        if (i > 0)
            len += (size_t)snprintf(buf + len, size - len, "%s", separator);
        if (len < size)
            len += (size_t)spec_value_format(&values[i], buf + len, size - len);
    }
    if (parens && len < size)
        snprintf(buf + len, size - len, ")");
}

/* What the action gave: its results (v128 lanes in the expected lane types), or its trap. */
static void
describe_call(const spec_exec_t *x, const call_t *call, char *buf, size_t size)
{
    size_t len = 0;
    if (call->rc == SL_ETRAP) {
        snprintf(buf, size, "trap \"%s\"", trap_text(&call->trap));
        return;
    }
    if (call->rc < 0) {
        snprintf(buf, size, "%s (%s)", sl_err_name(call->rc), sl_strerror(call->rc));
        return;
    }
    buf[0] = '\0';
    bool parens = call->n_results != 1;
    if (parens)
        len += (size_t)snprintf(buf, size, "(");
    for (size_t i = 0; i < call->n_results && len < size; i++) {
        spec_lane_t lane = SPEC_LANE_I32;
        if (call->want && i < call->n_want && call->want[i].type == SL_V128 &&
            call->want[i].has_value)
            lane = (spec_lane_t)call->want[i].lane;
        if (i > 0)
            len += (size_t)snprintf(buf + len, size - len, ", ");
        if (len < size)
            len += (size_t)spec_result_format(&call->results[i], lane, &x->refs, buf + len,
                                              size - len);
    }
    if (parens && len < size)
        snprintf(buf + len, size - len, ")");
}

typedef void (*judge_fn)(spec_exec_t *x, const spec_cmd_t *cmd, const call_t *call,
                         spec_outcome_t *out);

static void
judge_return(spec_exec_t *x, const spec_cmd_t *cmd, const call_t *call, spec_outcome_t *out)
{
    bool holds = call->rc == 0;
    if (holds && cmd->either) {
        /* Relaxed SIMD: one result, which must match one of the alternatives. */
        holds = false;
        for (size_t i = 0; i < call->n_want && !holds; i++)
            holds = spec_value_matches(&call->want[i], &call->results[0], &x->refs);
    } else {
        for (size_t i = 0; i < call->n_want && holds; i++)
            holds = spec_value_matches(&call->want[i], &call->results[i], &x->refs);
    }
    if (holds) {
        pass(out);
        return;
    }
    char got[SPEC_OUTCOME_TEXT_SIZE];
    describe_call(x, call, got, sizeof got);
    if (cmd->either) {
        snprintf(out->expected, sizeof out->expected, "one of ");
        size_t len = strlen(out->expected);
        format_values(call->want, call->n_want, " | ", false, out->expected + len,
                      sizeof out->expected - len);
    } else {
        format_values(call->want, call->n_want, ", ", true, out->expected,
                      sizeof out->expected);
    }
    out->verdict = (spec_verdict_t){SPEC_FAILED, SPEC_SKIP_NONE, NULL};
    snprintf(out->got, sizeof out->got, "%s", got);
}

/* The reference interpreter names the element index after some trap messages ("uninitialized
 * element 2"); the index is its detail, not part of the spec's message, so an expected text that
 * is our message followed by a decimal number matches too. */
static bool
is_message_with_index(const char *expected, const char *got)
{
    size_t len = strlen(got);
    if (len == 0 || strncmp(expected, got, len) != 0 || expected[len] != ' ' ||
        !expected[len + 1])
        return false;
    return strspn(expected + len + 1, "0123456789") == strlen(expected + len + 1);
}

static void
judge_trap(spec_exec_t *x, const spec_cmd_t *cmd, const call_t *call, spec_outcome_t *out)
{
    const char *text = cmd->text ? cmd->text : "";
    /* spec: the interpreter's assert_trap accepts a message that starts with the expected one. */
    if (call->rc == SL_ETRAP && (strncmp(trap_text(&call->trap), text, strlen(text)) == 0 ||
                                 is_message_with_index(text, trap_text(&call->trap)))) {
        pass(out);
        return;
    }
    char got[SPEC_OUTCOME_TEXT_SIZE], expected[300];
    describe_call(x, call, got, sizeof got);
    snprintf(expected, sizeof expected, "trap \"%s\"", text);
    fail(out, expected, "%s", got);
}

static void
judge_exhaustion(spec_exec_t *x, const spec_cmd_t *cmd, const call_t *call, spec_outcome_t *out)
{
    if (call->rc == SL_ETRAP && call->trap.code == SL_TRAP_STACK_EXHAUSTED) {
        pass(out);
        note_message(out, cmd, trap_text(&call->trap));
        return;
    }
    char got[SPEC_OUTCOME_TEXT_SIZE], expected[300];
    describe_call(x, call, got, sizeof got);
    snprintf(expected, sizeof expected, "trap \"%s\"", sl_trap_message(SL_TRAP_STACK_EXHAUSTED));
    fail(out, expected, "%s", got);
}

static void
judge_action(spec_exec_t *x, const spec_cmd_t *cmd, const call_t *call, spec_outcome_t *out)
{
    (void)cmd;
    if (call->rc == 0) {
        pass(out);
        return;
    }
    char got[SPEC_OUTCOME_TEXT_SIZE];
    describe_call(x, call, got, sizeof got);
    fail(out, "no trap", "%s", got);
}

static const judge_fn judges[SPEC_N_EXEC_KINDS] = {
    [SPEC_EXEC_RETURN] = judge_return,
    [SPEC_EXEC_TRAP] = judge_trap,
    [SPEC_EXEC_EXHAUSTION] = judge_exhaustion,
    [SPEC_EXEC_ACTION] = judge_action,
};

/* assert_return, assert_trap, assert_exhaustion, action. */
static void
run_action(spec_exec_t *x, const spec_cmd_t *cmd, const spec_plan_t *plan, spec_outcome_t *out)
{
    const spec_action_t *a = &cmd->action;
    if (a->kind != SPEC_ACTION_INVOKE && a->kind != SPEC_ACTION_GET) {
        fail(out, "", a->kind == SPEC_ACTION_NONE ? "command has no action"
                                                  : "unknown action type");
        return;
    }
    entry_t *e = usable_entry(x, a->module, out);
    if (!e)
        return;
    call_t call = {0};
    spec_value_t *want = parse_expected(cmd, &call.n_want, out);
    if (!want)
        return;
    call.want = want;
    /* The function's result count comes from the script: the API has no type query, and
     * wast2json writes the result types even where it expects a trap. */
    call.n_results = cmd->either ? 1 : call.n_want;
    call.results = calloc(call.n_results + 1, sizeof *call.results);
    if (!call.results) {
        fail(out, "", "out of memory");
    } else if (perform(x, e, a, &call, out)) {
        if (call.rc == SL_ENOTSUP)
            skip_unsupported(out, sl_strerror(call.rc));
        else
            judges[plan->exec](x, cmd, &call, out);
    }
    free(call.results);
    free(want);
}

static void
run_exception(spec_exec_t *x, const spec_cmd_t *cmd, const spec_plan_t *plan,
              spec_outcome_t *out)
{
    (void)x, (void)cmd, (void)plan;
    out->verdict = (spec_verdict_t){SPEC_SKIPPED, SPEC_SKIP_EXCEPTIONS, NULL};
}

static void
run_register(spec_exec_t *x, const spec_cmd_t *cmd, const spec_plan_t *plan, spec_outcome_t *out)
{
    (void)plan;
    if (!cmd->as) {
        fail(out, "", "register without a usable \"as\" name");
        return;
    }
    entry_t *e = cmd->name ? lookup(&x->ids, cmd->name, strlen(cmd->name)) : x->current;
    if (!e) {
        usable_entry(x, cmd->name, out); /* says why */
        return;
    }
    /* Registered even when unusable, so that its importers learn why. */
    if (bind(&x->registered, cmd->as, e) < 0) {
        fail(out, "", "out of memory");
        return;
    }
    if (usable_entry(x, cmd->name, out))
        pass(out);
}

typedef void (*handler_fn)(spec_exec_t *x, const spec_cmd_t *cmd, const spec_plan_t *plan,
                           spec_outcome_t *out);

static const handler_fn handlers[SPEC_N_EXEC_KINDS] = {
    [SPEC_EXEC_INSTANTIATE] = run_module, [SPEC_EXEC_REJECT] = run_module,
    [SPEC_EXEC_UNLINKABLE] = run_module,  [SPEC_EXEC_UNINSTANTIABLE] = run_module,
    [SPEC_EXEC_RETURN] = run_action,      [SPEC_EXEC_TRAP] = run_action,
    [SPEC_EXEC_EXHAUSTION] = run_action,  [SPEC_EXEC_ACTION] = run_action,
    [SPEC_EXEC_EXCEPTION] = run_exception, [SPEC_EXEC_REGISTER] = run_register,
};

void
spec_exec_command(spec_exec_t *exec, const spec_cmd_t *cmd, spec_outcome_t *out)
{
    spec_plan_t plan = spec_cmd_plan(cmd);
    out->expected[0] = out->got[0] = out->note[0] = out->reason[0] = '\0';
    if (plan.exec == SPEC_EXEC_NONE || plan.exec >= SPEC_N_EXEC_KINDS || !handlers[plan.exec]) {
        out->verdict = plan.verdict;
        if (plan.verdict.result == SPEC_FAILED)
            snprintf(out->got, sizeof out->got, "%s",
                     plan.verdict.reason ? plan.verdict.reason : "failed");
        return;
    }
    handlers[plan.exec](exec, cmd, &plan, out);
}

/* ---- lifetime -------------------------------------------------------------------------------- */

int
spec_exec_new(sl_engine_t *engine, const char *dir, FILE *print_to, spec_exec_t **out,
              char *why, size_t why_size)
{
    *out = NULL;
    spec_exec_t *x = calloc(1, sizeof *x);
    int rc = x ? 0 : SL_ENOMEM;
    const char *what = "out of memory";
    if (rc == 0) {
        x->engine = engine;
        x->dir = strdup(dir);
        x->spectest_entry.state = ENTRY_SPECTEST;
        rc = x->dir ? 0 : SL_ENOMEM;
    }
    if (rc == 0) {
        what = "sl_store_new";
        rc = sl_store_new(engine, &x->store);
    }
    if (rc == 0) {
        what = "the spectest module";
        rc = spectest_new(x->store, print_to, &x->spectest);
    }
    if (rc == 0) {
        what = "out of memory";
        rc = bind(&x->registered, "spectest", &x->spectest_entry);
    }
    if (rc < 0) {
        if (why)
            snprintf(why, why_size, "%s: %s (%s)", what, sl_strerror(rc), sl_err_name(rc));
        spec_exec_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

static void
unref_module(void *module)
{
    sl_module_unref(module);
}

void
spec_exec_free(spec_exec_t *exec)
{
    if (!exec)
        return;
    /* The store first: its host functions point into spectest, its instances into modules. */
    sl_store_free(exec->store);
    spectest_free(exec->spectest);
    ptrs_free(&exec->modules, unref_module);
    ptrs_free(&exec->entries, free);
    ptrs_free(&exec->ids, free);
    ptrs_free(&exec->registered, free);
    free(exec->dir);
    free(exec);
}

void
spec_exec_count_functions(const spec_exec_t *exec, uint64_t *compiled, uint64_t *top)
{
    for (size_t i = 0; i < exec->modules.n; i++) {
        sl_module_stats_t st;
        sl_module_stats(exec->modules.items[i], &st);
        *compiled += st.funcs_compiled;
        *top += st.funcs_top;
    }
}
