/* Running wast2json: one .wast file in, one JSON script plus its .wasm/.wat module files out,
 * all next to the JSON file. The program is run directly (fork/exec, no shell). */
#ifndef SL_TOOLS_SPEC_CONVERT_H
#define SL_TOOLS_SPEC_CONVERT_H

#include <stddef.h>

/* The converter to run: $SL_WAST2JSON when set and non-empty, else "wast2json" found on PATH. */
const char *spec_convert_program(void);

/* Runs `program wast_path -o json_path` with stdin from /dev/null and its output in `log_path`
 * (whose first line explains a failed conversion). Returns 0; -errno when the program cannot be
 * started (-ENOENT: not installed); or -EPROTO when it ran and failed. On failure `why` says what
 * happened. Waits for the child; never leaves one behind. */
int spec_convert(const char *program, const char *wast_path, const char *json_path,
                 const char *log_path, char *why, size_t why_size);

#endif
