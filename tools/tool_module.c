#include "tool_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_file.h"

int
tool_tier_parse(const char *command, const char *name, sl_tier_t *out)
{
    if (strcmp(name, "baseline") == 0)
        *out = SL_TIER_BASELINE;
    else if (strcmp(name, "top") == 0)
        *out = SL_TIER_TOP;
    else
        return fprintf(stderr, "%s: unknown tier '%s' (there are: baseline, top)\n", command,
                       name), -1;
    return 0;
}

int
tool_engine_new(const char *command, const sl_engine_options_t *options, sl_engine_t **out)
{
    int rc = sl_engine_new(options, out);
    if (rc == 0)
        return 0;
    char why[160];
    if (rc != SL_ENOTSUP || sl_cpu_check(why, sizeof why) == 0)
        snprintf(why, sizeof why, "%s", sl_strerror(rc));
    fprintf(stderr, "%s: cannot create the engine: %s\n", command, why);
    return rc;
}

int
tool_module_load(const char *command, const char *path, const sl_engine_options_t *options,
                 tool_module_t *out)
{
    *out = (tool_module_t){0};
    uint8_t *bytes = NULL;
    size_t size = 0;
    int rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-rc));
        return -1;
    }
    rc = tool_engine_new(command, options, &out->engine);
    if (rc == 0) {
        rc = sl_store_new(out->engine, &out->store);
        if (rc != 0)
            fprintf(stderr, "%s: cannot create a store: %s\n", command, sl_strerror(rc));
    }
    if (rc == 0) {
        sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
        rc = sl_module_compile(out->engine, bytes, size, &out->module, &err);
        if (rc != 0) {
            char text[256];
            sl_error_format(&err, text, sizeof text);
            fprintf(stderr, "%s: %s\n", path, text);
        }
    }
    free(bytes);
    if (rc != 0) {
        tool_module_free(out);
        return -1;
    }
    return 0;
}

void
tool_module_free(tool_module_t *m)
{
    sl_store_free(m->store);
    sl_module_unref(m->module);
    sl_engine_free(m->engine);
    *m = (tool_module_t){0};
}
