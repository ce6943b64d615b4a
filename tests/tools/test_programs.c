/* Real C programs (the .c files in tests/tools/programs) built for wasm32-wasi with clang at test
 * time and run with `slipstream run`, comparing stdout, stderr and exit status with the expected values.
 *
 * Built twice. Without SL_COMPARE_NODE the tool is checked against the table below; with it,
 * Node's WASI (node_wasi.mjs) runs the same module and the tool must agree with Node, and Node
 * with the table. When clang cannot build wasm32-wasi programs, or (for the Node comparison) no
 * node was found, the executable exits 77 after printing why, which meson reports as skipped. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "slipstream.h"
#include "suite.h"

typedef struct program {
    const char *name;       /* tests/tools/programs/NAME.c */
    const char *args[4];    /* the guest's arguments after its file name */
    const char *env[3];     /* NAME=VALUE: the guest's whole environment */
    const char *stdin_text; /* NULL: empty */
    int status;
    const char *out;
    const char *err_part; /* stderr must contain it; NULL: stderr must be empty */
    bool is_trap;         /* the run ends in a trap (Node then exits 1 with a RuntimeError) */
} program_t;

static const program_t programs[] = {
    {.name = "compute",
     .out = "primes below 10000: 1229\n"
            "fib(90) = 2880067194370816120\n"
            "gcd sum: 10160\n"
            "div -12727504021 mod -86 shr -9645061642 hex fffffee08e04fb35\n"},
    {.name = "args_env",
     .args = {"one", "two three", ""},
     .env = {"SL_GREETING=hello world", "A=1"},
     .out = "argc=4\n"
            "argv[1]=[one]\n"
            "argv[2]=[two three]\n"
            "argv[3]=[]\n"
            "env[0]=[SL_GREETING=hello world]\n"
            "env[1]=[A=1]\n"
            "SL_GREETING=hello world\n"},
    {.name = "stdin_stats",
     .stdin_text = "hello world\nthe quick brown fox\n  jumps\n",
     .out = "3 lines, 7 words, 40 bytes, checksum 3722810898\n"
            "longest: the quick brown fox\n"},
    {.name = "exit_code",
     .args = {"7"},
     .status = 7,
     .out = "exiting with 7\natexit handler ran\n",
     .err_part = "to stderr\n"},
    {.name = "exit_code",
     .args = {"300"}, /* a POSIX parent sees the low 8 bits */
     .status = 300 & 0xff,
     .out = "exiting with 300\natexit handler ran\n",
     .err_part = "to stderr\n"},
    {.name = "malloc_heavy",
     .out = "nodes=2514 buckets=2048 bytes=893380 sum=25814246814 tail=2929299\n"},
    {.name = "sort", .out = "first=865/0 last=4005/15 check=1391766844 sorted=1 found=1\n"},
    {.name = "floats",
     .out = "basel 1.643934566682 pi^2/6 1.644934066848\n"
            "f32 sum 10.0000019 as double 10.000001907348633\n"
            "sqrt2 1.4142135623730951 exp1 2.7182818284590451 log10 2.302585e+00\n"
            "sin 0.841471 cos 0.540302 atan2 2.356194 pow 1.414\n"
            "inf -inf 0 -0 0x1.999999999999ap-4\n"
            "floor -3.0 ceil -2.0 trunc -2 round 3.0\n"
            "strtod 3.1415926535897931 9.9999999999999694e-311\n"
            "   3.142|1.23e+04|+42|002.2\n"},
    {.name = "trap",
     .status = 134,
     .out = "before the trap\n",
     .err_part = ": trap: unreachable",
     .is_trap = true},
};

#define N_PROGRAMS (sizeof programs / sizeof programs[0])

static const char *
clang_path(void)
{
    return proc_env("SL_CLANG") ? proc_env("SL_CLANG") : "clang";
}

/* Every program runs in each of these builds: -O0 code keeps every local in memory, -O2 code
 * keeps values in locals and uses more of the instruction set; `run --lazy` compiles each
 * function on its first call; `run --tier=top` with the optimizing tier. */
static const struct build_mode {
    const char *opt;
    bool is_lazy, is_top;
} modes[] = {
    {"-O0", false, false},
    {"-O2", false, false},
    {"-O2", true, false},
    {"-O0", false, true},
    {"-O2", false, true},
};
#define N_MODES (sizeof modes / sizeof modes[0])

/* Builds `source` into `wasm` with clang; on failure the compiler's messages are in `r`. */
static bool
build(const char *source, const char *opt, const char *wasm, proc_result_t *r)
{
    char *argv[] = {(char *)clang_path(), "--target=wasm32-wasi", (char *)opt, "-o", (char *)wasm,
                    (char *)source, "-lm", NULL};
    return proc_run(argv, NULL, NULL, 120, r) && r->status == 0;
}

/* The reason this machine cannot run the suite, or NULL. */
static const char *
why_not_applicable(void)
{
    static char why[1024];
    if (!proc_env("SLIPSTREAM") || !proc_env("SL_TOOLS_DIR"))
        return "SLIPSTREAM or SL_TOOLS_DIR is not set (run through meson test)";
#ifdef SL_COMPARE_NODE
    if (!proc_env("SL_NODE"))
        return "node was not found when the build was set up (Debian package nodejs)";
#endif
    char *dir = proc_tempdir();
    char src[600], wasm[600];
    snprintf(src, sizeof src, "%s/probe.c", dir);
    snprintf(wasm, sizeof wasm, "%s/probe.wasm", dir);
    FILE *f = fopen(src, "w");
    if (f) {
        fputs("#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n", f);
        fclose(f);
    }
    proc_result_t r;
    const char *reason = NULL;
    if (!build(src, "-O2", wasm, &r)) {
        snprintf(why, sizeof why,
                 "%s cannot build wasm32-wasi programs (Debian packages clang, lld, wasi-libc, "
                 "libclang-rt-14-dev-wasm32): exit status %d %.600s",
                 clang_path(), r.status, r.err ? r.err : "(not started)");
        reason = why;
    }
    proc_result_free(&r);
    proc_tempdir_remove(dir);
    return reason;
}

static char *dir;

static void
setup(void)
{
    dir = proc_tempdir();
    ck_assert_ptr_nonnull(dir);
}

static void
teardown(void)
{
    proc_tempdir_remove(dir);
    dir = NULL;
}

/* `slipstream run` (or Node's WASI) on the program's module, with its arguments, environment and
 * stdin. */
static proc_result_t
run_program(const program_t *p, const char *wasm, bool is_lazy, bool is_top, bool is_node)
{
    char *argv[16];
    int n = 0;
    char env_lines[512] = "", node_env[600];
    char *env[] = {node_env, NULL};
    char env_flags[3][300];
    if (is_node) {
        argv[n++] = (char *)proc_env("SL_NODE");
        argv[n++] = "--no-warnings";
        static char script[600];
        snprintf(script, sizeof script, "%s/node_wasi.mjs", proc_env("SL_TOOLS_DIR"));
        argv[n++] = script;
        for (int i = 0; i < 3 && p->env[i]; i++)
            snprintf(env_lines + strlen(env_lines), sizeof env_lines - strlen(env_lines), "%s\n",
                     p->env[i]);
        snprintf(node_env, sizeof node_env, "SL_NODE_ENV=%s", env_lines);
    } else {
        argv[n++] = (char *)proc_env("SLIPSTREAM");
        argv[n++] = "run";
        if (is_lazy)
            argv[n++] = "--lazy";
        if (is_top)
            argv[n++] = "--tier=top";
        for (int i = 0; i < 3 && p->env[i]; i++) {
            snprintf(env_flags[i], sizeof env_flags[i], "--env=%s", p->env[i]);
            argv[n++] = env_flags[i];
        }
    }
    argv[n++] = (char *)wasm;
    for (int i = 0; i < 4 && p->args[i]; i++)
        argv[n++] = (char *)p->args[i];
    argv[n] = NULL;
    proc_result_t r;
    ck_assert_msg(proc_run(argv, is_node ? env : NULL, p->stdin_text, 120, &r),
                  "cannot start %s", argv[0]);
    return r;
}

/* `label` names the program and its build in failure messages. */
static void
check_against_table(const program_t *p, const proc_result_t *r, const char *who,
                    const char *label)
{
    ck_assert_msg(r->status == p->status && strcmp(r->out, p->out) == 0,
                  "%s %s: exit status %d (wanted %d)\nstdout:\n%s\nwanted:\n%s\nstderr:\n%s", who,
                  label, r->status, p->status, r->out, p->out, r->err);
    if (p->err_part)
        ck_assert_msg(strstr(r->err, p->err_part) != NULL, "%s %s: stderr lacks '%s':\n%s", who,
                      label, p->err_part, r->err);
    else
        ck_assert_msg(r->err[0] == 0, "%s %s: unexpected stderr:\n%s", who, label, r->err);
}

#ifndef SL_COMPARE_NODE
/* The top tier's builder, verifier and pipeline (with the verifier after each pass) on every
 * function of a real module, through the public entry the tool uses. */
static void
check_top_tier_ir(const char *wasm, const char *label)
{
    FILE *f = fopen(wasm, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    uint8_t *bytes = malloc(size > 0 ? (size_t)size : 1);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_eq(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    sl_module_t *m = NULL;
    sl_error_t err;
    ck_assert_int_eq(sl_module_decode(bytes, (size_t)size, NULL, &m, &err), 0);
    uint32_t built = 0;
    for (uint32_t i = sl_module_n_imported_functions(m); i < sl_module_n_functions(m); i++) {
        char *text = NULL;
        ck_assert_msg(sl_module_ir_text(m, i, NULL, &text, &err) == 0, "%s: function %u: %s",
                      label, i, err.message);
        ck_assert_ptr_nonnull(strstr(text, "stack_check"));
        free(text);
        built++;
    }
    ck_assert_uint_gt(built, 10);
    sl_module_unref(m);
    free(bytes);
}

/* Every function of the module compiled by the top tier, none left to the baseline: what
 * `compile --tier=top` reports. */
static void
check_all_top_tier(const char *wasm, const char *label)
{
    char *argv[] = {(char *)proc_env("SLIPSTREAM"), "compile", "--tier=top", (char *)wasm, NULL};
    proc_result_t r;
    ck_assert(proc_run(argv, NULL, NULL, 120, &r));
    const char *line = strstr(r.out, ": ");
    unsigned top = 0, all = 1;
    line = line ? strstr(line + 2, ": ") : NULL;
    ck_assert_msg(r.status == 0 && line && sscanf(line, ": %u of %u functions", &top, &all) == 2,
                  "%s: compile --tier=top: status %d\n%s%s", label, r.status, r.out, r.err);
    ck_assert_msg(top == all, "%s: the top tier compiled %u of %u functions", label, top, all);
    proc_result_free(&r);
}
#endif

START_TEST(test_program)
{
    const program_t *p = &programs[_i / N_MODES];
    const char *opt = modes[_i % N_MODES].opt;
    bool is_lazy = modes[_i % N_MODES].is_lazy, is_top = modes[_i % N_MODES].is_top;
    char source[600], wasm[600];
    snprintf(source, sizeof source, "%s/programs/%s.c", proc_env("SL_TOOLS_DIR"), p->name);
    snprintf(wasm, sizeof wasm, "%s/%s%s.wasm", dir, p->name, opt);
    proc_result_t built;
    ck_assert_msg(build(source, opt, wasm, &built), "clang %s failed on %s:\n%s", opt, source,
                  built.err);
    proc_result_free(&built);

    char label[64];
    snprintf(label, sizeof label, "%s %s%s%s", p->name, opt, is_lazy ? " --lazy" : "",
             is_top ? " --tier=top" : "");
#ifndef SL_COMPARE_NODE
    if (!is_lazy && !is_top)
        check_top_tier_ir(wasm, label);
    if (is_top)
        check_all_top_tier(wasm, label);
#endif
    proc_result_t ours = run_program(p, wasm, is_lazy, is_top, false);
#ifdef SL_COMPARE_NODE
    proc_result_t node = run_program(p, wasm, false, false, true);
    if (p->is_trap) {
        ck_assert_msg(node.status == 1 && strstr(node.err, "RuntimeError: unreachable"),
                      "node %s: status %d, stderr:\n%s", label, node.status, node.err);
        ck_assert_str_eq(node.out, p->out);
    } else {
        check_against_table(p, &node, "node", label);
    }
    ck_assert_msg(strcmp(ours.out, node.out) == 0, "%s: stdout differs from node's\nslipstream:\n"
                  "%s\nnode:\n%s\nslipstream stderr:\n%s",
                  label, ours.out, node.out, ours.err);
    if (!p->is_trap)
        ck_assert_msg(ours.status == node.status, "%s: exit status %d, node's %d; stderr:\n%s",
                      label, ours.status, node.status, ours.err);
    proc_result_free(&node);
#endif
    check_against_table(p, &ours, "slipstream run", label);
    proc_result_free(&ours);
}
END_TEST

Suite *
SL_TEST_SUITE(void)
{
    const char *why = why_not_applicable();
    if (why) {
        printf("skipped: %s\n", why);
        exit(77);
    }
    Suite *s = suite_create("programs");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 240);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_program, 0, N_PROGRAMS * N_MODES);
    suite_add_tcase(s, tc);
    return s;
}
