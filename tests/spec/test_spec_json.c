/* The spec-script model: wast2json JSON read into commands (with their actions and expected
 * values), and commands planned, judged and counted, at tier none and for an execution tier. Uses
 * hand-written JSON and made-up engine results, so it needs neither wast2json nor an engine. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "spec_judge.h"
#include "spec_json.h"
#include "spec_report.h"

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

/* Per command of script_json: the engine result to pretend, what must come of it at tier none,
 * and what an execution tier does next. */
static const struct judged {
    spec_cmd_kind_t kind;
    int code;
    spec_result_t result;
    spec_skip_t skip;
    spec_exec_kind_t exec;
} judged[] = {
    {SPEC_CMD_MODULE, 0, SPEC_PASSED, SPEC_SKIP_NONE, SPEC_EXEC_INSTANTIATE},
    {SPEC_CMD_MODULE, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_INSTANTIATE},
    {SPEC_CMD_ASSERT_MALFORMED, SL_EMALFORMED, SPEC_PASSED, SPEC_SKIP_NONE, SPEC_EXEC_REJECT},
    /* wrong kind */
    {SPEC_CMD_ASSERT_MALFORMED, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_REJECT},
    {SPEC_CMD_ASSERT_MALFORMED, 0, SPEC_SKIPPED, SPEC_SKIP_TEXT, SPEC_EXEC_NONE},
    {SPEC_CMD_ASSERT_INVALID, SL_EINVALID, SPEC_PASSED, SPEC_SKIP_NONE, SPEC_EXEC_REJECT},
    {SPEC_CMD_ASSERT_INVALID, 0, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_REJECT}, /* accepted */
    {SPEC_CMD_ASSERT_UNLINKABLE, 0, SPEC_SKIPPED, SPEC_SKIP_INSTANTIATION, SPEC_EXEC_UNLINKABLE},
    {SPEC_CMD_ASSERT_UNINSTANTIABLE, SL_EMALFORMED, SPEC_FAILED, SPEC_SKIP_NONE,
     SPEC_EXEC_UNINSTANTIABLE},
    /* carries a module */
    {SPEC_CMD_ASSERT_TRAP, 0, SPEC_SKIPPED, SPEC_SKIP_INSTANTIATION, SPEC_EXEC_UNINSTANTIABLE},
    {SPEC_CMD_ASSERT_RETURN, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION, SPEC_EXEC_RETURN},
    {SPEC_CMD_ASSERT_TRAP, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION, SPEC_EXEC_TRAP},
    {SPEC_CMD_ASSERT_EXHAUSTION, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION, SPEC_EXEC_EXHAUSTION},
    {SPEC_CMD_ACTION, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION, SPEC_EXEC_ACTION},
    {SPEC_CMD_REGISTER, 0, SPEC_SKIPPED, SPEC_SKIP_EXECUTION, SPEC_EXEC_REGISTER},
    {SPEC_CMD_UNKNOWN, 0, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_NONE},
    /* no filename */
    {SPEC_CMD_ASSERT_INVALID, SL_EINVALID, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_NONE},
    {SPEC_CMD_UNKNOWN, 0, SPEC_FAILED, SPEC_SKIP_NONE, SPEC_EXEC_NONE}, /* no type */
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
    ck_assert_msg(plan.exec == want->exec, "line %u: exec %d, want %d", cmd->line, plan.exec,
                  want->exec);
}
END_TEST

START_TEST(test_spec_json_reads_actions_and_names)
{
    const spec_cmd_t *c = &script.cmds[1];
    ck_assert_str_eq(c->name, "$M");
    ck_assert_int_eq(c->action.kind, SPEC_ACTION_NONE);
    ck_assert_ptr_null(c->expected);

    c = &script.cmds[10];
    ck_assert_int_eq(c->action.kind, SPEC_ACTION_INVOKE);
    ck_assert_ptr_null(c->action.module);
    ck_assert_str_eq(c->action.field, "f");
    ck_assert_uint_eq(c->action.field_len, 1);
    ck_assert_ptr_nonnull(c->action.args);
    ck_assert_uint_eq(json_array_size(c->action.args), 0);
    ck_assert_ptr_nonnull(c->expected);
    ck_assert_uint_eq(json_array_size(c->expected), 1);
    ck_assert_ptr_null(c->either);

    c = &script.cmds[14];
    ck_assert_int_eq(c->kind, SPEC_CMD_REGISTER);
    ck_assert_str_eq(c->name, "$M");
    ck_assert_str_eq(c->as, "M");
}
END_TEST

/* The action shapes wast2json writes, and the ones it should not. */
static const char actions_json[] =
    "{\"commands\": [\n"
    "  {\"type\": \"assert_return\", \"line\": 1, \"action\": {\"type\": \"get\","
    " \"module\": \"$Mg\", \"field\": \"glob\"}, \"expected\": [{\"type\": \"i32\","
    " \"value\": \"42\"}]},\n"
    "  {\"type\": \"action\", \"line\": 2, \"action\": {\"type\": \"invoke\","
    " \"field\": \"a\\u0000b\", \"args\": [{\"type\": \"i64\", \"value\": \"1\"}]},"
    " \"expected\": []},\n"
    "  {\"type\": \"assert_return\", \"line\": 3, \"action\": {\"type\": \"invoke\","
    " \"field\": \"f\", \"args\": []}, \"either\": [{\"type\": \"i32\", \"value\": \"1\"},"
    " {\"type\": \"i32\", \"value\": \"2\"}]},\n"
    "  {\"type\": \"assert_return\", \"line\": 4, \"action\": {\"type\": \"call\","
    " \"field\": \"f\"}, \"expected\": []},\n"
    "  {\"type\": \"assert_return\", \"line\": 5, \"action\": {\"type\": \"invoke\"},"
    " \"expected\": []},\n"
    "  {\"type\": \"register\", \"line\": 6, \"as\": \"a\\u0000b\"},\n"
    "  {\"type\": \"assert_exception\", \"line\": 7, \"action\": {\"type\": \"invoke\","
    " \"field\": \"throw\", \"args\": []}, \"expected\": []}\n"
    "]}\n";

START_TEST(test_spec_json_reads_action_shapes)
{
    spec_script_t s;
    char why[200] = "";
    int rc = spec_script_parse(actions_json, strlen(actions_json), &s, why, sizeof why);
    ck_assert_msg(rc == 0, "parse failed: %s", why);
    ck_assert_uint_eq(s.n_cmds, 7);

    const spec_action_t *a = &s.cmds[0].action;
    ck_assert_int_eq(a->kind, SPEC_ACTION_GET);
    ck_assert_str_eq(a->module, "$Mg");
    ck_assert_str_eq(a->field, "glob");
    ck_assert_ptr_null(a->args);

    a = &s.cmds[1].action;
    ck_assert_int_eq(a->kind, SPEC_ACTION_INVOKE);
    ck_assert_uint_eq(a->field_len, 3);
    ck_assert_mem_eq(a->field, "a\0b", 3);
    ck_assert_uint_eq(json_array_size(a->args), 1);
    ck_assert_uint_eq(json_array_size(s.cmds[1].expected), 0);

    ck_assert_ptr_null(s.cmds[2].expected);
    ck_assert_uint_eq(json_array_size(s.cmds[2].either), 2);

    ck_assert_int_eq(s.cmds[3].action.kind, SPEC_ACTION_UNKNOWN); /* not invoke or get */
    ck_assert_int_eq(s.cmds[4].action.kind, SPEC_ACTION_UNKNOWN); /* no field */
    ck_assert_ptr_null(s.cmds[5].as); /* a NUL could not match an import's module name */

    spec_plan_t plan = spec_cmd_plan(&s.cmds[6]);
    ck_assert_int_eq(plan.exec, SPEC_EXEC_EXCEPTION);
    ck_assert_int_eq(plan.verdict.skip, SPEC_SKIP_EXECUTION);
    spec_script_fini(&s);
}
END_TEST

START_TEST(test_spec_judge_counts_unsupported_by_message)
{
    spec_tally_t tally = {0};
    spec_verdict_t simd = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, "SIMD"};
    spec_verdict_t tables = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, "imported tables"};
    spec_tally_add(&tally, &simd);
    spec_tally_add(&tally, &tables);
    spec_tally_add(&tally, &simd);
    ck_assert_uint_eq(tally.n_skipped, 3);
    ck_assert_uint_eq(tally.n_by_skip[SPEC_SKIP_UNSUPPORTED], 3);
    ck_assert_uint_eq(tally.n_unsupported, 2);
    ck_assert_str_eq(tally.unsupported[0].text, "SIMD");
    ck_assert_uint_eq(tally.unsupported[0].n, 2);
    ck_assert_uint_eq(tally.unsupported[1].n, 1);

    /* Any number of distinct messages, each counted on its own. */
    spec_tally_t many = {0};
    for (int i = 0; i < 40; i++) {
        char text[32];
        snprintf(text, sizeof text, "feature %d", i % 20);
        spec_verdict_t v = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, text};
        spec_tally_add(&many, &v);
    }
    ck_assert_uint_eq(many.n_unsupported, 20);
    ck_assert_str_eq(many.unsupported[19].text, "feature 19");
    ck_assert_uint_eq(many.unsupported[19].n, 2);

    spec_tally_merge(&tally, &many);
    spec_tally_merge(&tally, &tally); /* merging into itself doubles everything */
    ck_assert_uint_eq(tally.n_by_skip[SPEC_SKIP_UNSUPPORTED], 86);
    ck_assert_uint_eq(tally.n_unsupported, 22);
    unsigned sum = 0;
    for (unsigned i = 0; i < tally.n_unsupported; i++)
        sum += tally.unsupported[i].n;
    ck_assert_uint_eq(sum, 86);
    ck_assert_uint_eq(tally.unsupported[0].n, 4); /* "SIMD" */

    /* A message longer than a detail holds is truncated and still counted as one. */
    char long_text[SPEC_DETAIL_SIZE * 2];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    spec_verdict_t v = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, long_text};
    spec_tally_add(&many, &v);
    spec_tally_add(&many, &v);
    ck_assert_uint_eq(many.n_unsupported, 21);
    ck_assert_uint_eq(many.unsupported[20].n, 2);
    ck_assert_uint_eq(strlen(many.unsupported[20].text), SPEC_DETAIL_SIZE - 1);
    spec_tally_fini(&many);
    spec_tally_fini(&tally);
    ck_assert_ptr_null(tally.unsupported);
    ck_assert_str_eq(spec_skip_name(SPEC_SKIP_UNSUPPORTED), "not supported");
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

/* The summary: the table, the skip reasons with "not supported" split by message (most frequent
 * first, the tail on one line), and the last line the scripts read. */
START_TEST(test_spec_report_lists_unsupported_messages)
{
    spec_file_row_t rows[2] = {{.name = "a.wast"}, {.name = "longer/b.wast"}};
    spec_verdict_t passed = {SPEC_PASSED, SPEC_SKIP_NONE, NULL};
    spec_verdict_t text = {SPEC_SKIPPED, SPEC_SKIP_TEXT, NULL};
    spec_verdict_t simd = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, "SIMD"};
    spec_verdict_t tables = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, "tables"};
    spec_verdict_t globals = {SPEC_SKIPPED, SPEC_SKIP_UNSUPPORTED, "globals"};
    spec_tally_add(&rows[0].tally, &passed);
    spec_tally_add(&rows[0].tally, &text);
    spec_tally_add(&rows[0].tally, &tables);
    for (int i = 0; i < 3; i++)
        spec_tally_add(&rows[1].tally, &simd);
    spec_tally_add(&rows[1].tally, &tables);
    spec_tally_add(&rows[1].tally, &globals);

    char *text_out = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text_out, &size);
    ck_assert_ptr_nonnull(out);
    spec_report_print(out, rows, 2, 2);
    fclose(out);
    ck_assert_str_eq(text_out, "\n"
                               "file            passed   failed  skipped\n"
                               "a.wast               1        0        2\n"
                               "longer/b.wast        0        0        5\n"
                               "\n"
                               "skipped, by reason:\n"
                               "  text format                             1\n"
                               "  not supported: SIMD                     3\n"
                               "  not supported: tables                   2\n"
                               "  not supported: (1 other message)        1\n"
                               "\n"
                               "1 passed, 0 failed, 7 skipped\n");
    free(text_out);
    spec_tally_fini(&rows[0].tally);
    spec_tally_fini(&rows[1].tally);
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
    tcase_add_test(tc, test_spec_json_reads_actions_and_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("execution");
    tcase_add_test(tc, test_spec_json_reads_action_shapes);
    tcase_add_test(tc, test_spec_judge_counts_unsupported_by_message);
    tcase_add_test(tc, test_spec_report_lists_unsupported_messages);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_spec_json_rejects_non_scripts);
    tcase_add_test(tc, test_spec_json_accepts_empty_script);
    tcase_add_test(tc, test_spec_json_accepts_nul_in_names);
    tcase_add_test(tc, test_spec_json_load_reports_missing_file);
    suite_add_tcase(s, tc);
    return s;
}
