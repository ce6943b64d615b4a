/* The spec-script model: wast2json JSON read into commands, and commands planned, judged and
 * counted. Uses hand-written JSON and made-up engine results, so it needs neither wast2json nor
 * a working decoder. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "slipstream.h"
#include "spec_judge.h"
#include "spec_json.h"

/* A little of everything wast2json writes, plus what it never should. One command per line. */
static const char script_json[] =
    "{\"source_filename\": \"tiny.wast\",\n"
    " \"commands\": [\n"
    "  {\"type\": \"module\", \"line\": 1, \"filename\": \"tiny.0.wasm\"},\n"
    "  {\"type\": \"module\", \"line\": 2, \"name\": \"$M\", \"filename\": \"tiny.1.wasm\"},\n"
    "  {\"type\": \"assert_malformed\", \"line\": 3, \"filename\": \"tiny.2.wasm\","
    " \"text\": \"unexpected end\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_malformed\", \"line\": 4, \"filename\": \"tiny.3.wasm\","
    " \"text\": \"magic header not detected\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_malformed\", \"line\": 5, \"filename\": \"tiny.4.wat\","
    " \"text\": \"unknown operator\", \"module_type\": \"text\"},\n"
    "  {\"type\": \"assert_invalid\", \"line\": 6, \"filename\": \"tiny.5.wasm\","
    " \"text\": \"type mismatch\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_invalid\", \"line\": 7, \"filename\": \"tiny.6.wasm\","
    " \"text\": \"type mismatch\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_unlinkable\", \"line\": 8, \"filename\": \"tiny.7.wasm\","
    " \"text\": \"unknown import\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_uninstantiable\", \"line\": 9, \"filename\": \"tiny.8.wasm\","
    " \"text\": \"unreachable\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_trap\", \"line\": 10, \"filename\": \"tiny.9.wasm\","
    " \"text\": \"unreachable\", \"module_type\": \"binary\"},\n"
    "  {\"type\": \"assert_return\", \"line\": 11, \"action\": {\"type\": \"invoke\","
    " \"field\": \"f\", \"args\": []}, \"expected\": [{\"type\": \"i32\", \"value\": \"1\"}]},\n"
    "  {\"type\": \"assert_trap\", \"line\": 12, \"action\": {\"type\": \"invoke\","
    " \"field\": \"f\", \"args\": []}, \"text\": \"unreachable\", \"expected\": []},\n"
    "  {\"type\": \"assert_exhaustion\", \"line\": 13, \"action\": {\"type\": \"invoke\","
    " \"field\": \"f\", \"args\": []}, \"text\": \"call stack exhausted\", \"expected\": []},\n"
    "  {\"type\": \"action\", \"line\": 14, \"action\": {\"type\": \"invoke\", \"field\": \"f\","
    " \"args\": []}, \"expected\": []},\n"
    "  {\"type\": \"register\", \"line\": 15, \"name\": \"$M\", \"as\": \"M\"},\n"
    "  {\"type\": \"assert_frobnicated\", \"line\": 16},\n"
    "  {\"type\": \"assert_invalid\", \"line\": 17, \"text\": \"type mismatch\","
    " \"module_type\": \"binary\"},\n"
    "  {\"line\": 18}\n"
    " ]}\n";

/* Per command of script_json: the engine result to pretend, and what must come of it. */
static const struct judged {
    spec_cmd_kind_t kind;
    int code;
    spec_result_t result;
    spec_skip_t skip;
} judged[] = {
    {SPEC_CMD_MODULE, 0, SPEC_PASSED, SPEC_SKIP_NONE},
    {SPEC_CMD_MODULE, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE},
    {SPEC_CMD_ASSERT_MALFORMED, SL_EMALFORMED, SPEC_PASSED, SPEC_SKIP_NONE},
    {SPEC_CMD_ASSERT_MALFORMED, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE}, /* wrong kind */
    {SPEC_CMD_ASSERT_MALFORMED, 0, SPEC_SKIPPED, SPEC_SKIP_TEXT},
    {SPEC_CMD_ASSERT_INVALID, SL_EINVALID, SPEC_PASSED, SPEC_SKIP_NONE},
    {SPEC_CMD_ASSERT_INVALID, 0, SPEC_FAILED, SPEC_SKIP_NONE}, /* accepted */
    {SPEC_CMD_ASSERT_UNLINKABLE, 0, SPEC_SKIPPED, SPEC_SKIP_INSTANTIATION},
    {SPEC_CMD_ASSERT_UNINSTANTIABLE, SL_EMALFORMED, SPEC_FAILED, SPEC_SKIP_NONE},
    {SPEC_CMD_ASSERT_TRAP, 0, SPEC_SKIPPED, SPEC_SKIP_INSTANTIATION}, /* carries a module */
    {SPEC_CMD_ASSERT_RETURN, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION},
    {SPEC_CMD_ASSERT_TRAP, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION},
    {SPEC_CMD_ASSERT_EXHAUSTION, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION},
    {SPEC_CMD_ACTION, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION},
    {SPEC_CMD_REGISTER, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION},
    {SPEC_CMD_UNKNOWN, 0, SPEC_FAILED, SPEC_SKIP_NONE},
    {SPEC_CMD_ASSERT_INVALID, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE}, /* no filename */
    {SPEC_CMD_UNKNOWN, 0, SPEC_FAILED, SPEC_SKIP_NONE},                 /* no type */
};

#define N_JUDGED (sizeof judged / sizeof judged[0])

static spec_script_t script;

static void
load_script(void)
{
    char why[200] = "";
    int rc = spec_script_parse(script_json, strlen(script_json), &script, why, sizeof why);
    ck_assert_msg(rc == 0, "parse failed: %s", why);
}

static void
free_script(void)
{
    spec_script_fini(&script);
}

START_TEST(test_spec_json_reads_fields)
{
    ck_assert_uint_eq(script.n_cmds, N_JUDGED);
    const spec_cmd_t *c = &script.cmds[2];
    ck_assert_int_eq(c->kind, SPEC_CMD_ASSERT_MALFORMED);
    ck_assert_str_eq(c->type, "assert_malformed");
    ck_assert_uint_eq(c->line, 3);
    ck_assert_str_eq(c->filename, "tiny.2.wasm");
    ck_assert_str_eq(c->module_type, "binary");
    ck_assert_str_eq(c->text, "unexpected end");

    c = &script.cmds[0];
    ck_assert_ptr_null(c->module_type);
    ck_assert_ptr_null(c->text);

    c = &script.cmds[10];
    ck_assert_int_eq(c->kind, SPEC_CMD_ASSERT_RETURN);
    ck_assert_ptr_null(c->filename);
}
END_TEST

START_TEST(test_spec_json_keeps_unknown_types)
{
    const spec_cmd_t *c = &script.cmds[15];
    ck_assert_int_eq(c->kind, SPEC_CMD_UNKNOWN);
    ck_assert_str_eq(c->type, "assert_frobnicated");
    ck_assert_uint_eq(c->line, 16);

    c = &script.cmds[17];
    ck_assert_int_eq(c->kind, SPEC_CMD_UNKNOWN);
    ck_assert_str_eq(c->type, "(none)");
}
END_TEST

/* One loop iteration per command of script_json. */
START_TEST(test_spec_judge_classifies_command)
{
    const struct judged *want = &judged[_i];
    const spec_cmd_t *cmd = &script.cmds[_i];
    ck_assert_int_eq(cmd->kind, want->kind);
    spec_plan_t plan = spec_cmd_plan(cmd);
    spec_verdict_t verdict = spec_plan_judge(&plan, want->code);
    ck_assert_msg(verdict.result == want->result, "line %u: result %d, want %d", cmd->line,
                  verdict.result, want->result);
    ck_assert_int_eq(verdict.skip, want->skip);
}
END_TEST

START_TEST(test_spec_judge_counts_script)
{
    spec_tally_t tally = {0};
    for (size_t i = 0; i < script.n_cmds; i++) {
        spec_plan_t plan = spec_cmd_plan(&script.cmds[i]);
        spec_verdict_t verdict = spec_plan_judge(&plan, judged[i].code);
        spec_tally_add(&tally, &verdict);
    }
    ck_assert_uint_eq(tally.n_passed, 3);
    ck_assert_uint_eq(tally.n_failed, 7);
    ck_assert_uint_eq(tally.n_skipped, 8);
    ck_assert_uint_eq(tally.n_by_skip[SPEC_SKIP_TEXT], 1);
    ck_assert_uint_eq(tally.n_by_skip[SPEC_SKIP_INSTANTIATION], 2);
    ck_assert_uint_eq(tally.n_by_skip[SPEC_SKIP_EXECUTION], 5);

    spec_tally_t sum = {0};
    spec_tally_merge(&sum, &tally);
    spec_tally_merge(&sum, &tally);
    ck_assert_uint_eq(sum.n_failed, 14);
    ck_assert_uint_eq(sum.n_by_skip[SPEC_SKIP_EXECUTION], 10);
}
END_TEST

START_TEST(test_spec_judge_gives_reasons)
{
    spec_plan_t plan = spec_cmd_plan(&script.cmds[15]);
    ck_assert_int_eq(plan.check, SPEC_CHECK_NONE);
    ck_assert_int_eq(plan.verdict.result, SPEC_FAILED);
    ck_assert_str_eq(plan.verdict.reason, "unknown command type");

    plan = spec_cmd_plan(&script.cmds[16]);
    ck_assert_int_eq(plan.check, SPEC_CHECK_NONE);
    ck_assert_str_eq(plan.verdict.reason, "command has no module filename");

    plan = spec_cmd_plan(&script.cmds[5]);
    ck_assert_int_eq(plan.check, SPEC_CHECK_INVALID);
    ck_assert_str_eq(spec_check_expectation(plan.check), "invalid");
    ck_assert_str_eq(spec_skip_name(SPEC_SKIP_EXECUTION), "needs execution");
}
END_TEST

START_TEST(test_spec_json_rejects_non_scripts)
{
    static const char *const bad[] = {
        "{\"commands\": ",         /* truncated */
        "{\"source_filename\": 1}", /* no commands */
        "{\"commands\": {}}",       /* commands is not an array */
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        spec_script_t s;
        char why[200] = "";
        int rc = spec_script_parse(bad[i], strlen(bad[i]), &s, why, sizeof why);
        ck_assert_int_eq(rc, -EINVAL);
        ck_assert_msg(why[0] != '\0', "no reason for case %zu", i);
        ck_assert_ptr_null(s.cmds);
        spec_script_fini(&s); /* harmless after a failure */
    }
}
END_TEST

START_TEST(test_spec_json_accepts_empty_script)
{
    spec_script_t s;
    static const char empty[] = "{\"source_filename\": \"e.wast\", \"commands\": []}";
    ck_assert_int_eq(spec_script_parse(empty, strlen(empty), &s, NULL, 0), 0);
    ck_assert_uint_eq(s.n_cmds, 0);
    spec_script_fini(&s);
}
END_TEST

/* names.wast exports names with NUL in them; wast2json writes them as \u0000. */
START_TEST(test_spec_json_accepts_nul_in_names)
{
    spec_script_t s;
    static const char nul[] =
        "{\"commands\": [{\"type\": \"assert_return\", \"line\": 7, \"action\":"
        " {\"type\": \"invoke\", \"field\": \"a\\u0000b\", \"args\": []}, \"expected\": []}]}";
    char why[200] = "";
    int rc = spec_script_parse(nul, strlen(nul), &s, why, sizeof why);
    ck_assert_msg(rc == 0, "parse failed: %s", why);
    ck_assert_uint_eq(s.n_cmds, 1);
    ck_assert_int_eq(s.cmds[0].kind, SPEC_CMD_ASSERT_RETURN);
    spec_script_fini(&s);
}
END_TEST

START_TEST(test_spec_json_load_reports_missing_file)
{
    spec_script_t s;
    char why[300] = "";
    int rc = spec_script_load("/nonexistent/slipstream/test.json", &s, why, sizeof why);
    ck_assert_int_eq(rc, -ENOENT);
    ck_assert_ptr_nonnull(strstr(why, "test.json"));
}
END_TEST

Suite *spec_json_suite(void);

Suite *
spec_json_suite(void)
{
    Suite *s = suite_create("spec_json");

    TCase *tc = tcase_create("script");
    tcase_add_checked_fixture(tc, load_script, free_script);
    tcase_add_test(tc, test_spec_json_reads_fields);
    tcase_add_test(tc, test_spec_json_keeps_unknown_types);
    tcase_add_loop_test(tc, test_spec_judge_classifies_command, 0, (int)N_JUDGED);
    tcase_add_test(tc, test_spec_judge_counts_script);
    tcase_add_test(tc, test_spec_judge_gives_reasons);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_spec_json_rejects_non_scripts);
    tcase_add_test(tc, test_spec_json_accepts_empty_script);
    tcase_add_test(tc, test_spec_json_accepts_nul_in_names);
    tcase_add_test(tc, test_spec_json_load_reports_missing_file);
    suite_add_tcase(s, tc);
    return s;
}
