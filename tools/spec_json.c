/* wast2json output → spec_cmd_t array. Only the fields the runner needs are picked out; the
 * values of actions and results stay in the JSON until an execution tier parses them
 * (spec_values.h). Unknown command types are kept (as SPEC_CMD_UNKNOWN) so the runner can report them rather
 * than silently drop tests. */
#include "spec_json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_file.h"

/* The largest JSON file read: wast2json's biggest output for the core suite is under 2 MiB. */
#define SPEC_MAX_JSON_SIZE ((size_t)256 << 20)

static const char *const kind_names[SPEC_N_CMD_KINDS] = {
#define SPEC_CMD(name, type, check, result, skip, exec) [SPEC_CMD_##name] = type,
#include "spec_commands.def"
#undef SPEC_CMD
    [SPEC_CMD_UNKNOWN] = "unknown",
};

const char *
spec_cmd_kind_name(spec_cmd_kind_t kind)
{
    return kind < SPEC_N_CMD_KINDS ? kind_names[kind] : "unknown";
}

static spec_cmd_kind_t
kind_of(const char *type)
{
    for (int k = 0; k < SPEC_CMD_UNKNOWN; k++)
        if (strcmp(kind_names[k], type) == 0)
            return (spec_cmd_kind_t)k;
    return SPEC_CMD_UNKNOWN;
}

static const char *
string_field(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key)); /* NULL when absent or not a string */
}

static void
read_action(const json_t *obj, spec_action_t *action)
{
    if (!obj)
        return;
    action->kind = SPEC_ACTION_UNKNOWN;
    const char *type = string_field(obj, "type");
    const json_t *field = json_object_get(obj, "field");
    if (!type || !json_is_string(field))
        return;
    action->module = string_field(obj, "module");
    action->field = json_string_value(field);
    action->field_len = json_string_length(field);
    if (strcmp(type, "invoke") == 0) {
        const json_t *args = json_object_get(obj, "args");
        action->kind = SPEC_ACTION_INVOKE;
        action->args = json_is_array(args) ? args : NULL;
    } else if (strcmp(type, "get") == 0) {
        action->kind = SPEC_ACTION_GET;
    }
}

static const json_t *
array_field(const json_t *obj, const char *key)
{
    json_t *array = json_object_get(obj, key);
    return json_is_array(array) ? array : NULL;
}

static void
read_command(json_t *obj, spec_cmd_t *cmd)
{
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = SPEC_CMD_UNKNOWN;
    cmd->type = "(none)";
    if (!json_is_object(obj))
        return;
    const char *type = string_field(obj, "type");
    if (type) {
        cmd->type = type;
        cmd->kind = kind_of(type);
    }
    json_int_t line = json_integer_value(json_object_get(obj, "line"));
    cmd->line = line > 0 && line <= (json_int_t)0xffffffffu ? (unsigned)line : 0;
    cmd->filename = string_field(obj, "filename");
    cmd->module_type = string_field(obj, "module_type");
    cmd->text = string_field(obj, "text");
    cmd->name = string_field(obj, "name");
    const json_t *as = json_object_get(obj, "as");
    /* A register name with a NUL could not be matched against imports as a C string. */
    if (json_is_string(as) && strlen(json_string_value(as)) == json_string_length(as))
        cmd->as = json_string_value(as);
    read_action(json_object_get(obj, "action"), &cmd->action);
    cmd->expected = array_field(obj, "expected");
    cmd->either = array_field(obj, "either");
}

int
spec_script_parse(const char *text, size_t size, spec_script_t *script, char *why,
                  size_t why_size)
{
    int rc = 0;
    json_error_t jerr;
    memset(script, 0, sizeof *script);
    /* Export and field names may hold NUL (names.wast); the fields read here never do. */
    json_t *root = json_loadb(text, size, JSON_ALLOW_NUL, &jerr);
    if (!root) {
        rc = json_error_code(&jerr) == json_error_out_of_memory ? -ENOMEM : -EINVAL;
        if (why)
            snprintf(why, why_size, "bad JSON at line %d: %s", jerr.line, jerr.text);
        goto fail;
    }
    json_t *commands = json_object_get(root, "commands");
    if (!json_is_array(commands)) {
        rc = -EINVAL;
        if (why)
            snprintf(why, why_size, "no \"commands\" array: not a wast2json script");
        goto fail;
    }
    size_t n = json_array_size(commands);
    /* calloc(0) may return NULL; one spare element keeps NULL meaning "out of memory". */
    spec_cmd_t *cmds = calloc(n + 1, sizeof *cmds);
    if (!cmds) {
        rc = -ENOMEM;
        if (why)
            snprintf(why, why_size, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        read_command(json_array_get(commands, i), &cmds[i]);
    script->cmds = cmds;
    script->n_cmds = n;
    script->root = root;
    return 0;
fail:
    json_decref(root);
    return rc;
}

int
spec_script_load(const char *json_path, spec_script_t *script, char *why, size_t why_size)
{
    uint8_t *text = NULL;
    size_t size = 0;
    memset(script, 0, sizeof *script);
    int rc = tool_file_read(json_path, SPEC_MAX_JSON_SIZE, &text, &size);
    if (rc < 0) {
        if (why)
            snprintf(why, why_size, "cannot read %s: %s", json_path, strerror(-rc));
        return rc;
    }
    rc = spec_script_parse((const char *)text, size, script, why, why_size);
    free(text);
    return rc;
}

void
spec_script_fini(spec_script_t *script)
{
    free(script->cmds);
    json_decref(script->root);
    memset(script, 0, sizeof *script);
}
