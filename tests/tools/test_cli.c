/* `slipstream run`, `invoke` and `compile` as a user runs them: the built tool (SLIPSTREAM) as a
 * subprocess on modules written in the text format, checking stdout, stderr and exit status. */
#define _GNU_SOURCE
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "suite.h"
#include "wat.h"

static char *dir; /* per test */

static void
setup(void)
{
    ck_assert_msg(proc_env("SLIPSTREAM") != NULL, "SLIPSTREAM (the built tool) is not set");
    dir = proc_tempdir();
    ck_assert_ptr_nonnull(dir);
}

static void
teardown(void)
{
    proc_tempdir_remove(dir);
    dir = NULL;
}

/* Writes `bytes` as NAME.wasm in the test's directory; returns the path (static). */
static const char *
binary_file(const char *name, const uint8_t *bytes, size_t size)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, size, f), size);
    fclose(f);
    return path;
}

/* The module `wat` as NAME.wasm. */
static const char *
module_file(const char *name, const char *wat)
{
    char why[1024];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    const char *path = binary_file(name, bytes, size);
    free(bytes);
    return path;
}

/* Runs `slipstream ARGS...` (NULL-terminated) with `stdin_text`. */
static proc_result_t
tool(const char *stdin_text, const char *first, ...)
{
    char *argv[32] = {(char *)proc_env("SLIPSTREAM")};
    int n = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
        argv[n++] = (char *)a;
    va_end(ap);
    proc_result_t r;
    ck_assert_msg(proc_run(argv, NULL, stdin_text, 60, &r), "cannot start %s", argv[0]);
    return r;
}

#define TOOL(...) tool(NULL, __VA_ARGS__, (const char *)NULL)

static void
expect(proc_result_t *r, int status, const char *out, const char *err_part)
{
    ck_assert_msg(r->status == status, "exit status %d, wanted %d; stdout:\n%s\nstderr:\n%s",
                  r->status, status, r->out, r->err);
    if (out)
        ck_assert_str_eq(r->out, out);
    if (err_part)
        ck_assert_msg(strstr(r->err, err_part) != NULL, "stderr lacks '%s':\n%s", err_part,
                      r->err);
    proc_result_free(r);
}

/* ---- invoke ---------------------------------------------------------------------------------- */

static const char int_module[] =
    "(module\n"
    "  (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)\n"
    "  (func (export \"mul64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)\n"
    "  (func (export \"div\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)\n"
    "  (func (export \"pair\") (param i32) (result i32 i64)\n"
    "    local.get 0 local.get 0 i64.extend_i32_u)\n"
    "  (func (export \"nothing\")))\n";

START_TEST(test_invoke_prints_results)
{
    const char *m = module_file("ints", int_module);
    proc_result_t r = TOOL("invoke", m, "add", "2", "3");
    expect(&r, 0, "5\n", NULL);
    r = TOOL("invoke", m, "add", "0x7fffffff", "1");
    expect(&r, 0, "-2147483648\n", NULL);
    r = TOOL("invoke", m, "add", "-1", "0xffffffff");
    expect(&r, 0, "-2\n", NULL);
    r = TOOL("invoke", m, "mul64", "-123", "0x2");
    expect(&r, 0, "-246\n", NULL);
    r = TOOL("invoke", m, "mul64", "18446744073709551615", "-9223372036854775808");
    expect(&r, 0, "-9223372036854775808\n", NULL);
    r = TOOL("invoke", m, "pair", "-1");
    expect(&r, 0, "-1\n4294967295\n", NULL);
    r = TOOL("invoke", m, "nothing");
    expect(&r, 0, "", NULL);
    /* the same on each tier */
    r = TOOL("invoke", "--tier=top", m, "pair", "-1");
    expect(&r, 0, "-1\n4294967295\n", NULL);
    r = TOOL("invoke", "--tier=baseline", m, "mul64", "-123", "0x2");
    expect(&r, 0, "-246\n", NULL);
    r = TOOL("invoke", "--tier=top", m, "div", "-2147483648", "-1");
    expect(&r, 134, "", "trap: integer overflow");
    r = TOOL("invoke", "--tier=fast", m, "add", "1", "2");
    expect(&r, 2, "", "unknown tier 'fast' (there are: baseline, top)");
}
END_TEST

START_TEST(test_invoke_trap_exits_134)
{
    const char *m = module_file("ints", int_module);
    proc_result_t r = TOOL("invoke", m, "div", "1", "0");
    expect(&r, 134, "", "trap: integer divide by zero");
    r = TOOL("invoke", m, "div", "-2147483648", "-1");
    expect(&r, 134, "", "trap: integer overflow");
}
END_TEST

static const struct {
    const char *args[4];
    int status;
    const char *err;
} bad_invokes[] = {
    {{"add", "1"}, 2, "add takes 2 arguments (i32, i32), 1 given"},
    {{"add", "1", "2", "3"}, 2, "3 given"},
    {{"add", "1", "4294967296"}, 2, "argument 2: '4294967296' is not a valid i32"},
    {{"add", "-2147483649", "0"}, 2, "is not a valid i32"},
    {{"add", "1x", "0"}, 2, "is not a valid i32"},
    {{"add", " 1", "0"}, 2, "is not a valid i32"},
    {{"add", "", "0"}, 2, "is not a valid i32"},
    {{"add", "--1", "0"}, 2, "is not a valid i32"},
    {{"mul64", "18446744073709551616", "0"}, 2, "is not a valid i64"},
    {{"missing"}, 1, "no exported function 'missing'"},
};

START_TEST(test_invoke_rejects_bad_calls)
{
    const char *m = module_file("ints", int_module);
    const char *const *a = bad_invokes[_i].args;
    proc_result_t r = TOOL("invoke", m, a[0], a[1], a[2], a[3]);
    expect(&r, bad_invokes[_i].status, "", bad_invokes[_i].err);
}
END_TEST

static const char float_module[] =
    "(module\n"
    "  (func (export \"id32\") (param f32) (result f32) local.get 0)\n"
    "  (func (export \"id64\") (param f64) (result f64) local.get 0)\n"
    "  (func (export \"add64\") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add))\n";

/* Floats print with the fewest digits that read back exactly, NaNs with their payload. */
static const struct {
    const char *func, *arg, *out;
} float_cases[] = {
    {"id64", "0.1", "0.1\n"},
    {"id64", "1e300", "1e+300\n"},
    {"id64", "-0", "-0\n"},
    {"id64", "inf", "inf\n"},
    {"id64", "-inf", "-inf\n"},
    {"id64", "nan", "nan\n"},
    {"id64", "-nan", "-nan\n"},
    {"id64", "nan:0x1", "nan:0x1\n"},
    {"id64", "0x1p-1074", "5e-324\n"},
    {"id64", "2.2250738585072014e-308", "2.2250738585072014e-308\n"},
    {"id32", "0.1", "0.1\n"},
    {"id32", "16777217", "16777216\n"},
    {"id32", "3.40282347e38", "3.4028235e+38\n"},
    {"id32", "nan:0x200000", "nan:0x200000\n"},
    {"id32", "-nan:0x400000", "-nan\n"},
};

START_TEST(test_invoke_floats_round_trip)
{
    const char *m = module_file("floats", float_module);
    proc_result_t r = TOOL("invoke", m, float_cases[_i].func, float_cases[_i].arg);
    expect(&r, 0, float_cases[_i].out, NULL);
}
END_TEST

START_TEST(test_invoke_float_arithmetic)
{
    const char *m = module_file("floats", float_module);
    proc_result_t r = TOOL("invoke", m, "add64", "0.1", "0.2");
    expect(&r, 0, "0.30000000000000004\n", NULL);
}
END_TEST

/* ---- run ------------------------------------------------------------------------------------- */

START_TEST(test_run_start_returning_exits_0)
{
    const char *m = module_file("empty", "(module (func (export \"_start\")))");
    proc_result_t r = TOOL("run", m, "--not-an-option", "x");
    expect(&r, 0, "", NULL);
}
END_TEST

START_TEST(test_run_trap_exits_134)
{
    const char *m = module_file("trap", "(module (func $boom (export \"_start\") unreachable))");
    proc_result_t r = TOOL("run", m);
    char want[700];
    snprintf(want, sizeof want, "%s: trap: unreachable", m);
    expect(&r, 134, "", want);
}
END_TEST

START_TEST(test_run_refuses_non_commands)
{
    const char *m = module_file("lib", "(module (func (export \"f\")))");
    proc_result_t r = TOOL("run", m);
    expect(&r, 1, "", "not a WASI command: no _start function");
    m = module_file("badstart", "(module (func (export \"_start\") (param i32)))");
    r = TOOL("run", m);
    expect(&r, 1, "", "not a WASI command");
    r = TOOL("run", "/nonexistent/x.wasm");
    expect(&r, 1, "", "/nonexistent/x.wasm: cannot read: No such file or directory");
    r = TOOL("run");
    expect(&r, 2, "", "usage: slipstream run");
}
END_TEST

START_TEST(test_run_unknown_import_is_a_link_error)
{
    const char *m = module_file("env", "(module (import \"env\" \"f\" (func))\n"
                                       "  (func (export \"_start\") call 0))");
    proc_result_t r = TOOL("run", m);
    expect(&r, 1, "", "unknown import env::f");
}
END_TEST

/* A hand-written WASI command: writes its data with fd_write, then exits with the argument
 * count plus 40 through proc_exit, so the status shows that args_sizes_get saw the arguments. */
static const char hello_module[] =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\"\n"
    "    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\"\n"
    "    (func $args_sizes_get (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 16) \"hello, \")\n"
    "  (data (i32.const 32) \"wasi\\n\")\n"
    "  (func (export \"_start\")\n"
    "    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 7))\n"
    "    (i32.store (i32.const 8) (i32.const 32)) (i32.store (i32.const 12) (i32.const 5))\n"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 48)))\n"
    "    (drop (call $args_sizes_get (i32.const 52) (i32.const 56)))\n"
    "    (call $proc_exit (i32.add (i32.load (i32.const 52)) (i32.const 40)))\n"
    "    unreachable))\n";

START_TEST(test_run_wasi_hello_and_exit_code)
{
    const char *m = module_file("hello", hello_module);
    proc_result_t r = TOOL("run", m, "a", "b");
    expect(&r, 43, "hello, wasi\n", NULL);
}
END_TEST

START_TEST(test_run_lazy)
{
    const char *m = module_file("hello", hello_module);
    proc_result_t r = TOOL("run", "--lazy", m, "a");
    expect(&r, 42, "hello, wasi\n", NULL);
    m = module_file("ints", int_module);
    r = TOOL("invoke", "--lazy", m, "add", "40", "2");
    expect(&r, 0, "42\n", NULL);
    r = TOOL("compile", "--lazy", m);
    ck_assert_msg(r.status == 0 && strstr(r.out, " lazy=yes "), "%d %s %s", r.status, r.out, r.err);
    proc_result_free(&r);
}
END_TEST

/* An unimplemented WASI function still links, and answers ENOSYS (52) when called. */
START_TEST(test_run_unimplemented_wasi_is_enosys)
{
    const char *m = module_file(
        "stub", "(module\n"
                "  (import \"wasi_snapshot_preview1\" \"sock_accept\"\n"
                "    (func $accept (param i32 i32 i32) (result i32)))\n"
                "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n"
                "  (memory (export \"memory\") 1)\n"
                "  (func (export \"_start\")\n"
                "    (call $exit (call $accept (i32.const 0) (i32.const 0) (i32.const 0)))))\n");
    proc_result_t r = TOOL("run", m);
    expect(&r, 52, "", NULL);
}
END_TEST

/* ---- compile and help ------------------------------------------------------------------------ */

START_TEST(test_compile_reports_figures)
{
    const char *m = module_file("ints", int_module);
    proc_result_t r = TOOL("compile", "--repeat=3", m);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "funcs=5/5 ") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, " repeat=3\n") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, " tier=baseline lazy=no threads=1 ") != NULL, "%s", r.out);
    ck_assert_msg(strncmp(r.out, m, strlen(m)) == 0 && strstr(r.out, ": time_ms="), "%s", r.out);
    unsigned long long body = 0, code = 0;
    const char *p = strstr(r.out, "body_bytes=");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "body_bytes=%llu", &body), 1);
    p = strstr(r.out, "code_bytes=");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "code_bytes=%llu", &code), 1);
    ck_assert_uint_gt(body, 10);
    ck_assert_uint_gt(code, body);
    proc_result_free(&r);
}
END_TEST

START_TEST(test_compile_errors)
{
    /* (module (func (result i32) i64.const 0)), which wat2wasm would refuse to write */
    static const uint8_t invalid[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* magic, version */
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,       /* type section: () -> (i32) */
        0x03, 0x02, 0x01, 0x00,                         /* function section: type 0 */
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b, /* code: i64.const 0, end */
    };
    const char *m = binary_file("bad", invalid, sizeof invalid);
    proc_result_t r = TOOL("compile", m);
    expect(&r, 1, "", "invalid module: type mismatch");
    r = TOOL("compile", m);
    expect(&r, 1, "", "(code section, function 0, body offset 3");
    r = TOOL("compile", "--tier=fast", m);
    expect(&r, 2, "", "unknown tier 'fast'");
    r = TOOL("compile", "--repeat=0", m);
    expect(&r, 2, "", "--repeat wants a number from 1");
    r = TOOL("compile");
    expect(&r, 2, "", "usage: slipstream compile");
}
END_TEST

START_TEST(test_compile_dump_ir)
{
    const char *m = module_file("ints", int_module);
    proc_result_t r = TOOL("compile", "--tier=top", "--dump-ir=0,none", m);
    expect(&r, 0,
           "func f0(i32, i32) -> (i32) {\n"
           "block0(v1:i32, v2:i32):\n"
           "    stack_check\n"
           "    poll\n"
           "    v5:i32 = i32.add v1, v2\n"
           "    return v5\n"
           "}\n",
           "");
    r = TOOL("compile", "--tier=top", "--dump-ir=3,fold,dce", m); /* the pair: a tuple-free return */
    expect(&r, 0, NULL, "");
    r = TOOL("compile", "--tier=top", "--dump-ir=4", m); /* the whole pipeline */
    expect(&r, 0, "func f4() -> () {\nblock0:\n    stack_check\n    poll\n    return\n}\n", "");
    r = TOOL("compile", "--tier=top", "--dump-ir=0,unroll", m);
    expect(&r, 1, "", "no pass called 'unroll'");
    r = TOOL("compile", "--tier=top", "--dump-ir=5", m);
    expect(&r, 1, "", "function 5 has no body");
    r = TOOL("compile", "--tier=top", "--dump-ir=x", m);
    expect(&r, 2, "", "--dump-ir wants FUNC[,PASS...]");
    r = TOOL("compile", "--dump-ir=0", m);
    expect(&r, 2, "", "--dump-ir needs --tier=top");
    /* the back end's stages: machine code before and after register allocation */
    r = TOOL("compile", "--tier=top", "--dump-ir=0,fold,isel", m);
    expect(&r, 0,
           "mfunc f0 {\n"
           "block0:\n"
           "    stack_check\n"
           "    poll #32\n"
           "    load.4 v32, [rbp + 16]\n"
           "    load.4 v33, [rbp + 24]\n"
           "    mov.4 v34, v32\n"
           "    add.4 v34, v33\n"
           "    mov.4 rax, v34\n"
           "    ret uses{rax}\n"
           "}\n",
           "");
    r = TOOL("compile", "--tier=top", "--dump-ir=0,regalloc", m);
    expect(&r, 0,
           "mfunc f0 {\n"
           "block0:\n"
           "    stack_check\n"
           "    poll #32\n"
           "    load.4 rax, [rbp + 16]\n"
           "    load.4 rcx, [rbp + 24]\n"
           "    add.4 rax, rcx\n"
           "    ret uses{rax}\n"
           "}\n",
           "");
    /* a compile on the top tier says how many functions are the top tier's */
    r = TOOL("compile", "--tier=top", m);
    ck_assert_msg(r.status == 0 && strstr(r.out, " tier=top ") &&
                      strstr(r.out, ".wasm: 5 of 5 functions compiled by the top tier\n"),
                  "status %d, stdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
    proc_result_free(&r);
    r = TOOL("compile", "--tier=baseline", m);
    ck_assert_msg(r.status == 0 && strstr(r.out, " tier=baseline ") &&
                      !strstr(r.out, "compiled by the top tier"),
                  "status %d, stdout:\n%s", r.status, r.out);
    proc_result_free(&r);
}
END_TEST

START_TEST(test_help_lists_the_commands)
{
    proc_result_t r = TOOL("--help");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "  run "));
    ck_assert_ptr_nonnull(strstr(r.out, "  invoke "));
    ck_assert_ptr_nonnull(strstr(r.out, "  compile "));
    proc_result_free(&r);
    static const char *const cmds[] = {"run", "invoke", "compile"};
    for (int i = 0; i < 3; i++) {
        r = TOOL("help", cmds[i]);
        ck_assert_int_eq(r.status, 0);
        ck_assert_msg(strstr(r.out, "usage: slipstream ") != NULL, "%s", r.out);
        proc_result_free(&r);
    }
}
END_TEST

Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("invoke");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_invoke_prints_results);
    tcase_add_test(tc, test_invoke_trap_exits_134);
    tcase_add_loop_test(tc, test_invoke_rejects_bad_calls, 0,
                        sizeof bad_invokes / sizeof bad_invokes[0]);
    tcase_add_loop_test(tc, test_invoke_floats_round_trip, 0,
                        sizeof float_cases / sizeof float_cases[0]);
    tcase_add_test(tc, test_invoke_float_arithmetic);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_run_start_returning_exits_0);
    tcase_add_test(tc, test_run_trap_exits_134);
    tcase_add_test(tc, test_run_refuses_non_commands);
    tcase_add_test(tc, test_run_unknown_import_is_a_link_error);
    tcase_add_test(tc, test_run_wasi_hello_and_exit_code);
    tcase_add_test(tc, test_run_lazy);
    tcase_add_test(tc, test_run_unimplemented_wasi_is_enosys);
    suite_add_tcase(s, tc);

    tc = tcase_create("compile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_compile_reports_figures);
    tcase_add_test(tc, test_compile_errors);
    tcase_add_test(tc, test_compile_dump_ir);
    tcase_add_test(tc, test_help_lists_the_commands);
    suite_add_tcase(s, tc);
    return s;
}
