/* Loading one module to run it, shared by `run` and `invoke`: read the file, make an engine and a
 * store, compile. Messages go to stderr prefixed with the command's name or the file's path. */
#ifndef SL_TOOLS_TOOL_MODULE_H
#define SL_TOOLS_TOOL_MODULE_H

#include "slipstream.h"

typedef struct tool_module {
    sl_engine_t *engine;
    sl_store_t *store;
    sl_module_t *module;
} tool_module_t;

/* The tier called `name` ("baseline" or "top"): 0, or -1 after printing the choices. */
int tool_tier_parse(const char *command, const char *name, sl_tier_t *out);

/* sl_engine_new, printing why it failed (for SL_ENOTSUP, the CPU feature that is missing). */
int tool_engine_new(const char *command, const sl_engine_options_t *options,
                    sl_engine_t **out);

/* Returns 0, or -1 after printing why (`command` names the tool in engine failures). On failure
 * *out is cleared and owns nothing. */
int tool_module_load(const char *command, const char *path, const sl_engine_options_t *options,
                     tool_module_t *out);
void tool_module_free(tool_module_t *m);

#endif
