/* The `slipstream` command-line tool: finds the command named by the first argument in the
 * command table and hands it the rest of the command line. Commands live in tools/cmd_<name>.c;
 * this file only dispatches and prints the top-level help. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#ifndef SL_VERSION
#define SL_VERSION "unknown"
#endif

static const struct command {
    const char *name;
    cmd_fn run;
    const char *summary; /* one line for `slipstream --help` */
} commands[] = {
    {"run", cmd_run, "run a WASI command module (its _start export)"},
    {"invoke", cmd_invoke, "call one exported function with arguments, print its results"},
    {"compile", cmd_compile, "compile a module and report time, throughput and code size"},
    {"spec", cmd_spec, "run WebAssembly spec tests (.wast) through the engine"},
    {"stream", cmd_stream, "upload a module to the daemon at a set rate, print the overlap"},
    {"validate", cmd_validate, "decode and validate .wasm files"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void
print_help(FILE *out)
{
    fputs("usage: slipstream COMMAND [ARGS...]\n"
          "       slipstream help COMMAND\n"
          "       slipstream --help | --version\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static int
unknown_command(const char *name)
{
    fprintf(stderr, "slipstream: unknown command '%s' (see 'slipstream --help')\n", name);
    return CMD_USAGE;
}

/* `help CMD` is `CMD --help`, so each command's detailed help lives next to its options. */
static int
help_command(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stdout);
        return CMD_OK;
    }
    const struct command *cmd = find_command(argv[1]);
    if (!cmd)
        return unknown_command(argv[1]);
    char program[64];
    snprintf(program, sizeof program, "slipstream %s", cmd->name);
    char *help_argv[] = {program, "--help", NULL};
    return cmd->run(2, help_argv);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return CMD_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_help(stdout);
        return CMD_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("slipstream %s\n", SL_VERSION);
        return CMD_OK;
    }
    if (strcmp(name, "help") == 0)
        return help_command(argc - 1, argv + 1);
    const struct command *cmd = find_command(name);
    if (!cmd)
        return unknown_command(name);
    char program[64];
    snprintf(program, sizeof program, "slipstream %s", cmd->name);
    argv[1] = program;
    return cmd->run(argc - 1, argv + 1);
}
