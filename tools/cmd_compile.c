/* `slipstream compile [--tier=T] [--threads=N] [--lazy] [--repeat=K] FILE.wasm...`: compiles each
 * module with the engine and prints one line of figures per file: wall-clock compile time,
 * throughput over the code section's function bodies, functions compiled and code generated.
 * `--tier=top --dump-ir=FUNC[,PASS...]` prints a function's top-tier IR instead. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "slipstream.h"
#include "tool_module.h"
#include "tool_file.h"

static const char usage[] = "usage: slipstream compile [--tier=baseline|top] [--threads=N] [--lazy] "
                            "[--repeat=K] FILE.wasm...\n"
                            "       slipstream compile --tier=top --dump-ir=FUNC[,PASS...] "
                            "FILE.wasm\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Compiles each module (decode, validate, generate code) and prints one line:\n"
          "  FILE: time_ms=T mb_per_s=R body_bytes=B funcs=C/D code_bytes=G tier=TIER\n"
          "        lazy=no threads=N repeat=K\n"
          "and with --tier=top a second one:\n"
          "  FILE: N of C functions compiled by the top tier\n"
          "time_ms is the wall-clock time of sl_module_compile (the median of K runs with\n"
          "--repeat; the file is read once, before timing). mb_per_s is B / time in 10^6 bytes\n"
          "per second, where B sums the code section's function bodies; funcs is the number of\n"
          "functions compiled out of those defined, and code_bytes the machine code generated\n"
          "(both from the last run). The top tier leaves a function it cannot compile yet to the\n"
          "baseline, and the second line counts the ones it compiled. Errors print the engine's\n"
          "error; the exit status is then 1.\n"
          "\n"
          "  --tier=TIER       the compiler to use: baseline (the default) or top\n"
          "  --dump-ir=FUNC[,PASS...]\n"
          "                    with --tier=top, print the top tier's IR of function FUNC (an\n"
          "                    index, imports first) after the listed passes, 'none' for the\n"
          "                    builder's output alone, or after the whole pipeline without a\n"
          "                    list; a last PASS of isel or regalloc prints the machine code\n"
          "                    after instruction selection or register allocation\n"
          "  --threads=N       compile threads (0 or 1: on the calling thread)\n"
          "  --lazy            compile each function on its first call instead\n"
          "  --repeat=K        compile K times with the same engine, report the median\n",
          stdout);
}

typedef struct compile_options {
    sl_engine_options_t engine;
    unsigned repeat;
} compile_options_t;

static double
now_ms(void)
{
    return (double)monotonic_ns() / 1e6;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *values, unsigned n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static int
add_body_size(void *user, sl_module_t *module, uint32_t func_index, const uint8_t *body,
              size_t size, sl_error_t *err)
{
    *(uint64_t *)user += size;
    return 0;
}

/* The bytes of every function body in the code section, whether or not a (lazy) compile has
 * reached them: the throughput's numerator. Decoding again is not timed. */
static uint64_t
code_body_bytes(const uint8_t *bytes, size_t size)
{
    uint64_t total = 0;
    sl_module_t *module = NULL;
    sl_stream_options_t options = {.on_body = add_body_size, .user = &total};
    if (sl_module_decode(bytes, size, &options, &module, NULL) != 0)
        total = 0;
    sl_module_unref(module);
    return total;
}

/* Compiles one file opts->repeat times and prints its line. Returns whether it compiled. */
static bool
compile_one(sl_engine_t *engine, const compile_options_t *opts, const char *path)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    double *times = NULL;
    bool is_ok = false;

    int rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-rc));
        goto out;
    }
    times = calloc(opts->repeat, sizeof *times);
    if (!times)
        goto out;
    sl_module_stats_t stats = {0};
    for (unsigned i = 0; i < opts->repeat; i++) {
        sl_module_t *module = NULL;
        sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
        double start = now_ms();
        rc = sl_module_compile(engine, bytes, size, &module, &err);
        times[i] = now_ms() - start;
        if (rc != 0) {
            char text[256];
            sl_error_format(&err, text, sizeof text);
            fprintf(stderr, "%s: %s\n", path, text);
            goto out;
        }
        sl_module_stats(module, &stats);
        sl_module_unref(module);
    }
    double ms = median(times, opts->repeat);
    uint64_t body_bytes = code_body_bytes(bytes, size);
    double mb_per_s = ms > 0 ? (double)body_bytes / 1e6 / (ms / 1e3) : 0;
    printf("%s: time_ms=%.3f mb_per_s=%.2f body_bytes=%" PRIu64 " funcs=%" PRIu32 "/%" PRIu32
           " code_bytes=%" PRIu64 " tier=%s lazy=%s threads=%" PRIu32 " repeat=%u\n",
           path, ms, mb_per_s, body_bytes, stats.funcs_compiled, stats.funcs_defined,
           stats.code_bytes, opts->engine.tier == SL_TIER_TOP ? "top" : "baseline",
           opts->engine.lazy ? "yes" : "no",
           opts->engine.compile_threads ? opts->engine.compile_threads : 1, opts->repeat);
    if (opts->engine.tier == SL_TIER_TOP)
        printf("%s: %" PRIu32 " of %" PRIu32 " functions compiled by the top tier\n", path,
               stats.funcs_top, stats.funcs_compiled);
    is_ok = true;
out:
    free(times);
    free(bytes);
    return is_ok;
}

/* Prints the top tier's IR of one function: `spec` is FUNC[,PASS...] of --dump-ir. Returns the
 * command's status. */
static int
dump_ir(const char *spec, const char *path)
{
    char *end;
    errno = 0;
    unsigned long func = strtoul(spec, &end, 10);
    if (errno || end == spec || (*end && *end != ',') || spec[0] == '-' || func > UINT32_MAX) {
        fprintf(stderr, "slipstream compile: --dump-ir wants FUNC[,PASS...], not '%s'\n", spec);
        return CMD_USAGE;
    }
    const char *passes = *end ? end + 1 : NULL;
    if (passes && strcmp(passes, "none") == 0)
        passes = "";
    uint8_t *bytes = NULL;
    size_t size = 0;
    int rc = tool_file_read(path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-rc));
        return CMD_FAILED;
    }
    sl_module_t *module = NULL;
    char *text = NULL;
    sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    rc = sl_module_decode(bytes, size, NULL, &module, &err);
    if (rc == 0)
        rc = sl_module_ir_text(module, (uint32_t)func, passes, &text, &err);
    if (rc == 0) {
        fputs(text, stdout);
    } else {
        char message[256];
        sl_error_format(&err, message, sizeof message);
        fprintf(stderr, "%s: %s\n", path, message);
    }
    free(text);
    sl_module_unref(module);
    free(bytes);
    return rc == 0 ? CMD_OK : CMD_FAILED;
}

/* A decimal count from `min` to `max` for option `name`. */
static bool
parse_count(const char *name, const char *text, unsigned long min, unsigned long max,
            unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v < min || v > max) {
        fprintf(stderr, "slipstream compile: --%s wants a number from %lu to %lu, not '%s'\n",
                name, min, max, text);
        return false;
    }
    *out = v;
    return true;
}

int
cmd_compile(int argc, char **argv)
{
    enum { OPT_TIER = 256, OPT_THREADS, OPT_LAZY, OPT_REPEAT, OPT_DUMP_IR };
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"tier", required_argument, NULL, OPT_TIER},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"lazy", no_argument, NULL, OPT_LAZY},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"dump-ir", required_argument, NULL, OPT_DUMP_IR},
        {NULL, 0, NULL, 0},
    };
    compile_options_t opts = {.engine = {.tier = SL_TIER_BASELINE}, .repeat = 1};
    unsigned long n;
    int opt;
    bool is_top = false;
    const char *dump = NULL;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            return CMD_OK;
        case OPT_TIER:
            if (tool_tier_parse("slipstream compile", optarg, &opts.engine.tier) != 0)
                return CMD_USAGE;
            is_top = opts.engine.tier == SL_TIER_TOP;
            break;
        case OPT_DUMP_IR:
            dump = optarg;
            break;
        case OPT_THREADS:
            if (!parse_count("threads", optarg, 0, 1024, &n))
                return CMD_USAGE;
            opts.engine.compile_threads = (uint32_t)n;
            break;
        case OPT_LAZY:
            opts.engine.lazy = true;
            break;
        case OPT_REPEAT:
            if (!parse_count("repeat", optarg, 1, 100000, &n))
                return CMD_USAGE;
            opts.repeat = (unsigned)n;
            break;
        default:
            fputs(usage, stderr); /* getopt has already named the bad option */
            return CMD_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return CMD_USAGE;
    }
    if (dump && !is_top) {
        fputs("slipstream compile: --dump-ir needs --tier=top\n", stderr);
        return CMD_USAGE;
    }
    if (dump) {
        if (optind + 1 != argc) {
            fputs("slipstream compile: --dump-ir takes one FILE.wasm\n", stderr);
            return CMD_USAGE;
        }
        return dump_ir(dump, argv[optind]);
    }
    sl_engine_t *engine = NULL;
    if (tool_engine_new("slipstream compile", &opts.engine, &engine) != 0)
        return CMD_FAILED;
    int status = CMD_OK;
    for (int i = optind; i < argc; i++)
        if (!compile_one(engine, &opts, argv[i]))
            status = CMD_FAILED;
    sl_engine_free(engine);
    return status;
}
