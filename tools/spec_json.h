/* The spec-test script as wast2json writes it: a JSON file whose "commands" array becomes an
 * array of spec_cmd_t. This reads and classifies only; spec_judge.h decides what each command
 * needs and what its outcome is, spec_run.h runs a file.
 *
 * Ownership: a spec_script_t owns its commands and every string they point to; all of it is
 * released by spec_script_fini. Not thread-safe; one script per thread.
 */
#ifndef SL_TOOLS_SPEC_JSON_H
#define SL_TOOLS_SPEC_JSON_H

#include <stddef.h>

typedef enum spec_cmd_kind {
#define SPEC_CMD(name, type, check, result, skip, exec) SPEC_CMD_##name,
#include "spec_commands.def"
#undef SPEC_CMD
    SPEC_CMD_UNKNOWN, /* a "type" this runner does not know, or none at all */
    SPEC_N_CMD_KINDS
} spec_cmd_kind_t;

struct json_t;

typedef enum spec_action_kind {
    SPEC_ACTION_NONE,    /* the command has no "action" */
    SPEC_ACTION_INVOKE,  /* call export `field` with `args` */
    SPEC_ACTION_GET,     /* read global export `field` */
    SPEC_ACTION_UNKNOWN, /* an "action" of another type, or without a field */
} spec_action_kind_t;

typedef struct spec_action {
    spec_action_kind_t kind;
    const char *module;       /* "$id" of a named module, or NULL for the latest one */
    const char *field;        /* the export name; may hold NUL bytes (names.wast): see field_len */
    size_t field_len;
    const struct json_t *args; /* invoke: array of value objects (spec_values.h), else NULL */
} spec_action_t;

typedef struct spec_cmd {
    spec_cmd_kind_t kind;
    const char *type;        /* the JSON "type" as written, "(none)" when absent */
    unsigned line;           /* line of the command in the .wast file, 0 when absent */
    const char *filename;    /* module file, relative to the JSON file's folder, or NULL */
    const char *module_type; /* "binary", "text", or NULL when not given */
    const char *text;        /* the expected error message of an assertion, or NULL */
    const char *name;        /* module: its "$id"; register: the instance to register; or NULL */
    const char *as;          /* register: the module name imports will use; NUL-free; or NULL */
    spec_action_t action;
    /* Arrays of value objects: the results an action must return (assert_return; the types alone
     * for assert_trap and action), or the alternatives one of which it must return (relaxed SIMD);
     * NULL when absent. */
    const struct json_t *expected;
    const struct json_t *either;
} spec_cmd_t;

typedef struct spec_script {
    spec_cmd_t *cmds;
    size_t n_cmds;
    /* private */
    struct json_t *root; /* owns the strings the commands point to */
} spec_script_t;

/* Read a wast2json file, or JSON text already in memory. On failure `script` holds nothing to
 * release and `why` (may be NULL) says what was wrong. Returns 0, -EINVAL for JSON that is not a
 * wast2json script, -ENOENT and the like for an unreadable file, or -ENOMEM. */
int spec_script_load(const char *json_path, spec_script_t *script, char *why, size_t why_size);
int spec_script_parse(const char *text, size_t size, spec_script_t *script, char *why,
                      size_t why_size);
void spec_script_fini(spec_script_t *script);

/* The JSON "type" of a kind ("assert_return"); "unknown" for SPEC_CMD_UNKNOWN. */
const char *spec_cmd_kind_name(spec_cmd_kind_t kind);

#endif
