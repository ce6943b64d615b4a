/* The contract between the `slipstream` entry point (slipstream.c) and its commands, one per
 * tools/cmd_<name>.c.
 *
 * A command is called with argv[0] set to "slipstream NAME" (so getopt's messages name the
 * command) and the command's own arguments after it. It returns the process exit status:
 * CMD_OK, CMD_FAILED when the work ran and found problems (invalid modules, failing tests), or
 * CMD_USAGE for a bad command line. Every command answers `--help` itself, which is how
 * `slipstream help CMD` prints the command's detailed help.
 */
#ifndef SL_TOOLS_CMD_H
#define SL_TOOLS_CMD_H

enum {
    CMD_OK = 0,
    CMD_FAILED = 1,
    CMD_USAGE = 2,
    /* `run` and `invoke` when the wasm code trapped: 128 + SIGABRT, as wasmtime exits. The
     * guest's own exit code passes through unchanged otherwise. */
    CMD_TRAPPED = 134,
};

typedef int (*cmd_fn)(int argc, char **argv);

int cmd_compile(int argc, char **argv);
int cmd_invoke(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_validate(int argc, char **argv);

#endif
