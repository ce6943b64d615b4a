/* `slipstream invoke FILE.wasm EXPORT [ARGS...]`: calls one exported function with arguments read
 * by its parameter types and prints its results, one per line. Modules that import WASI get it
 * (with FILE as the only argument and an empty environment); other imports are refused. */
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "tool_module.h"
#include "value_text.h"
#include "wasi.h"

static const char usage[] =
    "usage: slipstream invoke [--tier=baseline|top] [--lazy] FILE.wasm EXPORT [ARGS...]\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Instantiates the module (with WASI if it imports it) and calls the exported function\n"
          "EXPORT with one argument per parameter:\n"
          "  i32, i64   decimal or 0x hex, optionally signed (-1 and 0xffffffff are the same i32)\n"
          "  f32, f64   C float syntax: 1.5, -2e10, 0x1p-3, inf, -inf, nan, nan:0x200000\n"
          "Prints each result on its own line: integers as signed decimal, floats with the\n"
          "fewest digits that read back to the same value (NaNs as nan or nan:0xPAYLOAD).\n"
          "\n"
          "  --tier=T compile with tier T: baseline (the default) or top\n"
          "  --lazy   compile each function on its first call\n"
          "\n"
          "A trap prints \"FILE: trap: MESSAGE\" to stderr and exits 134; proc_exit's code is the\n"
          "exit status; bad arguments exit 2; a module that cannot be used exits 1.\n",
          stdout);
}

/* ---- arguments ------------------------------------------------------------------------------- */

/* An integer of `bits` bits, decimal or 0x hex, read as signed or unsigned: anything from
 * -2^(bits-1) to 2^bits - 1. */
static bool
parse_int(const char *text, unsigned bits, uint64_t *out)
{
    const char *p = text;
    bool is_negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    /* strtoull would also take spaces and a second sign here. */
    if (!(base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
        return false;
    char *end;
    errno = 0;
    unsigned long long magnitude = strtoull(p, &end, base);
    if (errno || *end)
        return false;
    uint64_t max = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    if (is_negative ? magnitude > (uint64_t)1 << (bits - 1) : magnitude > max)
        return false;
    *out = is_negative ? (uint64_t)0 - magnitude : magnitude;
    return true;
}

static bool
parse_value(const char *text, uint8_t type, sl_value_t *out)
{
    uint64_t bits;
    char *end;
    out->type = type;
    switch (type) {
    case SL_I32:
        if (!parse_int(text, 32, &bits))
            return false;
        out->of.i32 = (int32_t)(uint32_t)bits;
        return true;
    case SL_I64:
        if (!parse_int(text, 64, &bits))
            return false;
        out->of.i64 = (int64_t)bits;
        return true;
    case SL_F32:
        if (value_text_float_name(text, type, &bits)) {
            out->of.f32 = (uint32_t)bits;
            return true;
        } else {
            errno = 0;
            float f = strtof(text, &end);
            if (end == text || *end || (errno && !isinf(f) && f != 0))
                return false;
            memcpy(&out->of.f32, &f, 4);
            return true;
        }
    case SL_F64:
        if (value_text_float_name(text, type, &bits)) {
            out->of.f64 = bits;
            return true;
        } else {
            errno = 0;
            double d = strtod(text, &end);
            if (end == text || *end || (errno && !isinf(d) && d != 0))
                return false;
            memcpy(&out->of.f64, &d, 8);
            return true;
        }
    default:
        return false; /* v128 and references have no command-line form */
    }
}

/* ---- results --------------------------------------------------------------------------------- */

static void
print_value(const sl_value_t *v)
{
    switch (v->type) {
    case SL_I32:
        printf("%" PRId32 "\n", v->of.i32);
        break;
    case SL_I64:
        printf("%" PRId64 "\n", v->of.i64);
        break;
    case SL_F32:
    case SL_F64: {
        char text[VALUE_TEXT_FLOAT_MAX];
        value_text_format_float(v->type, v->type == SL_F32 ? v->of.f32 : v->of.f64,
                                VALUE_TEXT_SHORTEST, text, sizeof text);
        puts(text);
        break;
    }
    case SL_V128:
        fputs("0x", stdout);
        for (int i = 15; i >= 0; i--)
            printf("%02x", v->of.v128[i]);
        putchar('\n');
        break;
    default:
        puts(v->of.externref ? "ref" : "null");
        break;
    }
}

/* ---- the call -------------------------------------------------------------------------------- */

typedef struct invocation {
    const char *path;
    const char *export_name;
    char **args;
    int n_args;
    bool is_lazy;
    sl_tier_t tier;
} invocation_t;

/* The function export called `name`, as its index and signature. */
static bool
find_export(const sl_module_t *module, const char *name, uint32_t *func_index, sl_func_sig_t *sig)
{
    uint32_t n = sl_module_n_exports(module);
    size_t len = strlen(name);
    for (uint32_t i = 0; i < n; i++) {
        sl_export_info_t exp;
        if (sl_module_export(module, i, &exp) != 0 || exp.kind != SL_EXTERN_FUNC ||
            exp.name_len != len || memcmp(exp.name, name, len) != 0)
            continue;
        *func_index = exp.index;
        return sl_module_func_sig(module, exp.index, sig) == 0;
    }
    return false;
}

/* Parses the command-line arguments by the signature into `values`; CMD_USAGE on a mismatch. */
static int
parse_args(const invocation_t *inv, const sl_func_sig_t *sig, sl_value_t *values)
{
    if ((uint32_t)inv->n_args != sig->n_params) {
        fprintf(stderr, "slipstream invoke: %s takes %u argument%s (", inv->export_name,
                sig->n_params, sig->n_params == 1 ? "" : "s");
        for (uint32_t i = 0; i < sig->n_params; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", sl_valtype_name(sig->params[i]));
        fprintf(stderr, "), %d given\n", inv->n_args);
        return CMD_USAGE;
    }
    for (uint32_t i = 0; i < sig->n_params; i++) {
        if (!parse_value(inv->args[i], sig->params[i], &values[i])) {
            fprintf(stderr, "slipstream invoke: argument %u: '%s' is not a valid %s\n", i + 1,
                    inv->args[i], sl_valtype_name(sig->params[i]));
            return CMD_USAGE;
        }
    }
    return CMD_OK;
}

static int
invoke(const invocation_t *inv)
{
    sl_value_t *values = NULL;
    int status = CMD_FAILED;
    tool_module_t loaded;
    sl_engine_options_t options = {.tier = inv->tier, .lazy = inv->is_lazy};
    if (tool_module_load("slipstream invoke", inv->path, &options, &loaded) != 0)
        return CMD_FAILED;
    sl_module_t *module = loaded.module;
    sl_store_t *store = loaded.store;
    int rc;
    uint32_t func_index;
    sl_func_sig_t sig;
    if (!find_export(module, inv->export_name, &func_index, &sig)) {
        fprintf(stderr, "%s: no exported function '%s'\n", inv->path, inv->export_name);
        goto out;
    }
    /* One array: the arguments, then the results. */
    values = calloc((size_t)sig.n_params + sig.n_results + 1, sizeof *values);
    if (!values)
        goto out;
    status = parse_args(inv, &sig, values);
    if (status != CMD_OK)
        goto out;
    status = CMD_FAILED;

    wasi_t wasi;
    char *wasi_argv[] = {(char *)inv->path, NULL};
    wasi_init(&wasi, 1, wasi_argv, NULL);
    sl_instance_t *instance = NULL;
    sl_trap_t trap;
    char why[256];
    rc = wasi_instantiate(&wasi, store, module, &instance, &trap, why, sizeof why);
    if (rc != 0 && rc != SL_ETRAP) {
        fprintf(stderr, "%s: cannot instantiate: %s\n", inv->path, why);
        goto out;
    }
    sl_value_t *results = values + sig.n_params;
    if (rc == 0) {
        sl_extern_t ext;
        rc = sl_instance_export(instance, inv->export_name, strlen(inv->export_name), &ext);
        if (rc == 0)
            rc = sl_func_call(ext.of.func, values, sig.n_params, results, sig.n_results, &trap);
    }
    if (rc == 0) {
        for (uint32_t i = 0; i < sig.n_results; i++)
            print_value(&results[i]);
        status = CMD_OK;
    } else if (rc == SL_ETRAP && wasi.has_exited) {
        status = (int)(wasi.exit_code & 0xff);
    } else if (rc == SL_ETRAP) {
        fprintf(stderr, "%s: trap: %s\n", inv->path,
                trap.message[0] ? trap.message : sl_trap_message(trap.code));
        status = CMD_TRAPPED;
    } else {
        fprintf(stderr, "%s: cannot call %s: %s\n", inv->path, inv->export_name,
                sl_strerror(rc));
    }
out:
    free(values);
    tool_module_free(&loaded);
    return status;
}

int
cmd_invoke(int argc, char **argv)
{
    enum { OPT_LAZY = 256, OPT_TIER };
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"lazy", no_argument, NULL, OPT_LAZY},
        {"tier", required_argument, NULL, OPT_TIER},
        {NULL, 0, NULL, 0},
    };
    invocation_t inv = {.tier = SL_TIER_BASELINE};
    int opt;
    /* "+": options end at FILE, so that negative numbers among ARGS are not taken for options. */
    while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if (opt == 'h') {
            print_help();
            return CMD_OK;
        }
        if (opt == OPT_LAZY) {
            inv.is_lazy = true;
            continue;
        }
        if (opt == OPT_TIER) {
            if (tool_tier_parse("slipstream invoke", optarg, &inv.tier) != 0)
                return CMD_USAGE;
            continue;
        }
        fputs(usage, stderr); /* getopt has already named the bad option */
        return CMD_USAGE;
    }
    if (argc - optind < 2) {
        fputs(usage, stderr);
        return CMD_USAGE;
    }
    inv.path = argv[optind];
    inv.export_name = argv[optind + 1];
    inv.args = argv + optind + 2;
    inv.n_args = argc - optind - 2;
    signal(SIGPIPE, SIG_IGN); /* a WASI guest gets EPIPE, as under `run` */
    return invoke(&inv);
}
