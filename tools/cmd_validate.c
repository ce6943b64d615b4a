/* `slipstream validate FILE.wasm...`: decodes and validates each module with the engine and
 * prints one line per file. Nothing is instantiated or compiled beyond what validation needs. */
#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "tool_file.h"

static const char usage[] = "usage: slipstream validate FILE.wasm...\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Decodes and validates each module. Prints\n"
          "  FILE: valid (N functions, N imports, N exports)\n"
          "or the engine's error for the file. Exits 1 if any file is invalid or unreadable.\n",
          stdout);
}

/* Returns true when the file holds a valid module. */
static bool
validate_one(const char *path)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    sl_module_t *module = NULL;
    bool is_valid = false;

    int rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        printf("%s: cannot read: %s\n", path, strerror(-rc));
        goto out;
    }
    sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    rc = sl_module_decode(bytes, size, NULL, &module, &err);
    if (rc < 0) {
        char text[256];
        sl_error_format(&err, text, sizeof text);
        printf("%s: %s\n", path, text);
        goto out;
    }
    /* Imports of every kind are counted; the function count includes imported functions, as the
     * function index space does. */
    printf("%s: valid (%u functions, %u imports, %u exports)\n", path,
           sl_module_n_functions(module), sl_module_n_imports(module),
           sl_module_n_exports(module));
    is_valid = true;
out:
    sl_module_unref(module);
    free(bytes);
    return is_valid;
}

int
cmd_validate(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (opt == 'h') {
            print_help();
            return CMD_OK;
        }
        fputs(usage, stderr); /* getopt has already named the bad option */
        return CMD_USAGE;
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return CMD_USAGE;
    }
    int status = CMD_OK;
    for (int i = optind; i < argc; i++)
        if (!validate_one(argv[i]))
            status = CMD_FAILED;
    return status;
}
