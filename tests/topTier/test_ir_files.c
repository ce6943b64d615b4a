/* The text cases of the top tier (QBE style): each tests/topTier/NAME.ir has a header of comment
 * lines, the input function, and after "# expected:" the text the passes must print.
 *
 *   # pass: fold, dce        passes to run (none: a round trip)
 *   # stage: isel            then the back end: the expected text is the machine IR after
 *                            instruction selection (isel) or register allocation (regalloc)
 *   # error: <message>       the exact error the reader, the verifier (on the input), the
 *                            pipeline or the back end must give; then there is no expected part
 *
 * Every input is also printed, read back and printed again, which must give the same text. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "pipeline.h"
#include "suite.h"
#include "toptier.h"

enum { MAX_FILES = 256 };
static char *files[MAX_FILES];
static int n_files;

static const char *
ir_dir(void)
{
    const char *dir = getenv("SL_TOPTIER_IR_DIR");
    return dir ? dir : ".";
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_files(void)
{
    DIR *d = opendir(ir_dir());
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) && n_files < MAX_FILES;) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".ir") == 0)
            files[n_files++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(files, (size_t)n_files, sizeof *files, compare_names);
}

static char *
read_all(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    ck_assert_msg(in != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t n = fread(buf + *len, 1, cap - *len - 1, in);
        if (!n)
            break;
        *len += n;
    }
    fclose(in);
    buf[*len] = '\0';
    return buf;
}

/* The value of header line "# key: value" (trimmed), or NULL. */
static char *
header(const char *text, const char *key)
{
    char pattern[32];
    snprintf(pattern, sizeof pattern, "# %s:", key);
    const char *p = strstr(text, pattern);
    if (!p)
        return NULL;
    p += strlen(pattern);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\n");
    char *value = strndup(p, n);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\r'))
        value[--n] = '\0';
    return value;
}

static char *
print_func(const ir_func_t *f)
{
    char *out = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&out, &size);
    ck_assert_ptr_nonnull(mem);
    ck_assert_int_eq(ir_print(f, mem), 0);
    fclose(mem);
    return out;
}

static char *
print_mach(const mfunc_t *m)
{
    char *out = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&out, &size);
    ck_assert_ptr_nonnull(mem);
    ck_assert_int_eq(mach_print(m, mem), 0);
    fclose(mem);
    return out;
}

static void
check_round_trip(const char *path, const char *printed)
{
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f;
    sl_error_t err = {0};
    int rc = ir_parse(&arena, printed, strlen(printed), &f, &err);
    ck_assert_msg(rc == 0, "%s: reading the printed text: %s\n%s", path, err.message, printed);
    char *again = print_func(f);
    ck_assert_str_eq(again, printed);
    free(again);
    arena_fini(&arena);
}

START_TEST(test_ir_file_gives_expected_output)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ir_dir(), files[_i]);
    size_t len;
    char *text = read_all(path, &len);
    char *passes = header(text, "pass");
    char *stage = header(text, "stage");
    char *want_error = header(text, "error");
    char *expected = strstr(text, "# expected:\n");
    if (expected) {
        *expected = '\0';
        expected += strlen("# expected:\n");
    }
    ck_assert_msg(expected || want_error, "%s: neither '# expected:' nor '# error:'", path);

    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = NULL;
    sl_error_t err = {0};
    int rc = ir_parse(&arena, text, strlen(text), &f, &err);
    if (!rc) {
        char *printed = print_func(f);
        check_round_trip(path, printed);
        free(printed);
        rc = ir_verify(f, &err);
    }
    if (!rc && passes)
        rc = pipeline_run(f, passes, true, &err);
    mfunc_t *mach = NULL;
    if (!rc && stage) {
        ck_assert_msg(strcmp(stage, "isel") == 0 || strcmp(stage, "regalloc") == 0,
                      "%s: unknown stage %s", path, stage);
        isel_options_t opts = {0};
        rc = toptier_lower(f, &opts, strcmp(stage, "regalloc") == 0, &arena, &mach, &err);
    }
    if (want_error) {
        ck_assert_msg(rc != 0, "%s: no error, expected: %s", path, want_error);
        ck_assert_str_eq(err.message, want_error);
    } else {
        ck_assert_msg(rc == 0, "%s: %s", path, err.message);
        char *out = mach ? print_mach(mach) : print_func(f);
        ck_assert_msg(strcmp(out, expected) == 0, "%s:\n--- got\n%s--- expected\n%s", path, out,
                      expected);
        free(out);
    }
    arena_fini(&arena);
    free(passes);
    free(stage);
    free(want_error);
    free(text);
}
END_TEST

START_TEST(test_ir_files_exist)
{
    ck_assert_int_gt(n_files, 10);
}
END_TEST

Suite *
ir_files_suite(void)
{
    Suite *s = suite_create("ir_files");
    list_files();
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_ir_files_exist);
    tcase_add_loop_test(tc, test_ir_file_gives_expected_output, 0, n_files);
    suite_add_tcase(s, tc);
    return s;
}
