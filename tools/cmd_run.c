/* `slipstream run [--tier=T] [--lazy] FILE.wasm [ARGS...]`: runs a WASI preview1 command module, calling its
 * _start export with FILE and ARGS as the guest's argv, and exits with the guest's exit code. */
#include "cmd.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "tool_module.h"
#include "wasi.h"
#include "vec.h"

static const char usage[] =
    "usage: slipstream run [--tier=baseline|top] [--lazy] [--no-avx] [--env=NAME=VALUE]...\n"
    "                      [--inherit-env] FILE.wasm [ARGS...]\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Runs a WASI preview1 command: the module's _start export, with FILE and ARGS as its\n"
          "arguments and stdin, stdout and stderr as fds 0-2 (no directories are preopened).\n"
          "\n"
          "  --tier=T           compile with tier T: baseline (the default) or top\n"
          "  --lazy             compile each function on its first call\n"
          "  --no-avx           generate SSE code only, as for a CPU without AVX\n"
          "  --env=NAME=VALUE   add a variable to the guest's environment (repeatable)\n"
          "  --inherit-env      give the guest this process's whole environment\n"
          "\n"
          "Exits with the guest's exit code (proc_exit's, or 0 when _start returns). A trap prints\n"
          "  FILE: trap: MESSAGE\n"
          "to stderr and exits 134; a module that cannot be read, compiled or linked exits 1.\n",
          stdout);
}

extern char **environ;

typedef struct run_options {
    bool is_lazy;
    sl_tier_t tier;
    bool no_avx;
    bool inherit_env;
    char **env; /* the --env values, NULL-terminated */
    size_t n_env, cap_env;
} run_options_t;

/* Prints "FILE: trap: MESSAGE", naming the function when the engine knows it. */
static void
print_trap(const char *path, const sl_module_t *module, const sl_trap_t *trap)
{
    const char *message = trap->message[0] ? trap->message : sl_trap_message(trap->code);
    fprintf(stderr, "%s: trap: %s", path, message);
    if (trap->func_index != SL_NO_INDEX) {
        size_t len = 0;
        const char *name = sl_module_func_name(module, trap->func_index, &len);
        fprintf(stderr, " (in function %u%s%.*s)", trap->func_index, name ? " " : "",
                name ? (int)len : 0, name ? name : "");
    }
    fputc('\n', stderr);
}

/* The exit status of a finished call: the guest's exit code, 0, or CMD_TRAPPED. */
static int
call_status(int rc, const wasi_t *wasi, const char *path, const sl_module_t *module,
            const sl_trap_t *trap)
{
    if (rc == 0)
        return CMD_OK;
    if (rc == SL_ETRAP && wasi->has_exited)
        return (int)(wasi->exit_code & 0xff); /* what a POSIX parent sees of it anyway */
    if (rc == SL_ETRAP) {
        print_trap(path, module, trap);
        return CMD_TRAPPED;
    }
    fprintf(stderr, "%s: cannot run _start: %s\n", path, sl_strerror(rc));
    return CMD_FAILED;
}

/* _start must be a () -> () function. */
static bool
find_start(const sl_module_t *module)
{
    uint32_t n = sl_module_n_exports(module);
    for (uint32_t i = 0; i < n; i++) {
        sl_export_info_t exp;
        sl_func_sig_t sig;
        if (sl_module_export(module, i, &exp) != 0 || exp.kind != SL_EXTERN_FUNC ||
            exp.name_len != 6 || memcmp(exp.name, "_start", 6) != 0)
            continue;
        return sl_module_func_sig(module, exp.index, &sig) == 0 && sig.n_params == 0 &&
               sig.n_results == 0;
    }
    return false;
}

static int
run(const run_options_t *opts, int argc, char **argv)
{
    const char *path = argv[0];
    int status = CMD_FAILED;
    tool_module_t loaded;
    sl_engine_options_t options = {
        .tier = opts->tier, .lazy = opts->is_lazy, .no_avx = opts->no_avx};
    if (tool_module_load("slipstream run", path, &options, &loaded) != 0)
        return CMD_FAILED;
    sl_module_t *module = loaded.module;
    sl_store_t *store = loaded.store;
    int rc;
    if (!find_start(module)) {
        fprintf(stderr, "%s: not a WASI command: no _start function of type () -> ()\n", path);
        goto out;
    }

    wasi_t wasi;
    wasi_init(&wasi, argc, argv, opts->inherit_env ? environ : opts->env);
    sl_instance_t *instance = NULL;
    sl_trap_t trap;
    char why[256];
    rc = wasi_instantiate(&wasi, store, module, &instance, &trap, why, sizeof why);
    if (rc != 0 && rc != SL_ETRAP) {
        fprintf(stderr, "%s: cannot instantiate: %s\n", path, why);
        goto out;
    }
    if (rc == 0) {
        sl_extern_t start;
        rc = sl_instance_export(instance, "_start", 6, &start);
        if (rc == 0)
            rc = sl_func_call(start.of.func, NULL, 0, NULL, 0, &trap);
    }
    status = call_status(rc, &wasi, path, module, &trap);
out:
    tool_module_free(&loaded);
    return status;
}

static bool
add_env(run_options_t *opts, const char *assignment)
{
    if (!strchr(assignment, '=')) {
        fprintf(stderr, "slipstream run: --env wants NAME=VALUE, not '%s'\n", assignment);
        return false;
    }
    if (vec_grow((void **)&opts->env, &opts->cap_env, opts->n_env + 2, sizeof *opts->env,
                 VEC_NO_LIMIT) < 0)
        return false;
    opts->env[opts->n_env++] = (char *)assignment;
    opts->env[opts->n_env] = NULL;
    return true;
}

int
cmd_run(int argc, char **argv)
{
    enum { OPT_LAZY = 256, OPT_NO_AVX, OPT_ENV, OPT_INHERIT_ENV, OPT_TIER };
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"lazy", no_argument, NULL, OPT_LAZY},
        {"no-avx", no_argument, NULL, OPT_NO_AVX},
        {"env", required_argument, NULL, OPT_ENV},
        {"inherit-env", no_argument, NULL, OPT_INHERIT_ENV},
        {"tier", required_argument, NULL, OPT_TIER},
        {NULL, 0, NULL, 0},
    };
    run_options_t opts = {.tier = SL_TIER_BASELINE};
    int status = CMD_USAGE;
    int opt;
    /* "+": options end at FILE, so the guest's own arguments may look like options. */
    while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            status = CMD_OK;
            goto out;
        case OPT_LAZY:
            opts.is_lazy = true;
            break;
        case OPT_NO_AVX:
            opts.no_avx = true;
            break;
        case OPT_ENV:
            if (!add_env(&opts, optarg))
                goto out;
            break;
        case OPT_INHERIT_ENV:
            opts.inherit_env = true;
            break;
        case OPT_TIER:
            if (tool_tier_parse("slipstream run", optarg, &opts.tier) != 0)
                goto out;
            break;
        default:
            fputs(usage, stderr); /* getopt has already named the bad option */
            goto out;
        }
    }
    if (opts.inherit_env && opts.n_env) {
        fputs("slipstream run: --env and --inherit-env exclude each other\n", stderr);
        goto out;
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        goto out;
    }
    /* A guest writing to a closed pipe gets EPIPE back, as under wasmtime, instead of the whole
     * tool being killed. */
    signal(SIGPIPE, SIG_IGN);
    status = run(&opts, argc - optind, argv + optind);
out:
    free(opts.env);
    return status;
}
