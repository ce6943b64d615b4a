/* The IR of the top tier (engine/topTier): the op table read through every row, the builders,
 * the text form's round trip, CFG analyses on text IR (loops, irreducible regions), and reading
 * under every arena budget. Pass and verifier cases are text files (test_ir_files.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "ir.h"
#include "suite.h"

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

static ir_func_t *
parse_ok(arena_t *arena, const char *text)
{
    ir_func_t *f = NULL;
    sl_error_t err = {0};
    int rc = ir_parse(arena, text, strlen(text), &f, &err);
    ck_assert_msg(rc == 0, "%s", err.message);
    rc = ir_verify(f, &err);
    ck_assert_msg(rc == 0, "%s", err.message);
    return f;
}

/* The entry's parameters, one of each value type, in this order. */
static const uint8_t param_types[] = {IR_T_I32,  IR_T_I64,     IR_T_F32,      IR_T_F64,
                                      IR_T_V128, IR_T_FUNCREF, IR_T_EXTERNREF};

static ir_ref_t
param_of(const ir_func_t *f, unsigned type)
{
    const ir_block_t *entry = ir_block(f, 0);
    for (uint32_t i = 0; i < entry->n_params; i++)
        if (ir_insn(f, entry->params[i])->type == type)
            return entry->params[i];
    return entry->params[0];
}

/* One instance of op with operands, result and immediates its row asks for. */
static void
check_op(unsigned op)
{
    arena_t arena;
    arena_init(&arena, 0);
    const uint8_t result = IR_T_I32;
    ir_func_t *f;
    ck_assert_int_eq(ir_func_new(&arena, "op", sizeof param_types, param_types, 1, &result, &f),
                     0);
    uint32_t b0 = ir_block_new(f), b1 = ir_block_new(f);
    for (unsigned i = 0; i < sizeof param_types; i++)
        ir_block_add_param(f, b0, param_types[i]);
    ir_ref_t tuple = IR_NOREF;
    if (op == IR_PROJ) {
        tuple = ir_append(f, b0, IR_CALL, IR_T_TUPLE, 0, NULL);
    }

    unsigned res = ir_op_result(op);
    unsigned type = res == IR_RES_OWN || res == IR_RES_SAME ? IR_T_I32 : res;
    if (op == IR_REF_NULL || op == IR_TABLE_GET)
        type = IR_T_FUNCREF;
    if (ir_op_flags(op) & IRF_TERM)
        type = IR_T_NONE;
    int n = ir_op_n_operands(op);
    if (n == IR_VARIADIC)
        n = op == IR_RETURN ? 1 : 2;
    ir_ref_t args[4];
    for (int i = 0; i < n; i++) {
        unsigned rule = ir_op_operand(op, (uint32_t)i);
        args[i] = rule == IR_T_TUPLE        ? tuple
                  : rule == IR_OPND_REF     ? param_of(f, IR_T_FUNCREF)
                  : rule == IR_OPND_RESULT  ? param_of(f, type)
                  : rule == IR_OPND_ANY     ? param_of(f, IR_T_I32)
                                            : param_of(f, rule);
    }
    ir_ref_t r;
    if (ir_op_flags(op) & IRF_TERM) {
        int n_succs = ir_op_n_succs(op);
        ir_succ_t succs[3] = {{b1, 0, NULL}, {b1, 0, NULL}, {b1, 0, NULL}};
        r = ir_set_terminator(f, b0, op, (uint32_t)n, args,
                              n_succs == IR_VARIADIC ? 3 : (uint32_t)n_succs, succs);
    } else {
        r = ir_append(f, b0, op, type, (uint32_t)n, args);
        ir_ref_t ret = param_of(f, IR_T_I32);
        ir_set_terminator(f, b0, IR_RETURN, 1, &ret, 0, NULL);
    }
    ir_insn_t *insn = ir_insn(f, r);
    switch (ir_op_imm(op)) {
    case IR_IMM_CONST: insn->imm = 5; break;
    case IR_IMM_INDEX: insn->imm = 3; break;
    case IR_IMM_INDEX2: insn->imm = 3; insn->imm2 = 1; break;
    case IR_IMM_MEM: insn->imm = 8; break;
    case IR_IMM_MEM_LANE: insn->imm = 8; insn->imm2 = 1; break;
    case IR_IMM_LANE: insn->imm = 1; break;
    case IR_IMM_SHUFFLE: memset(ir_insn_bytes(f, r), 7, 16); break;
    case IR_IMM_TRAP: insn->imm = 2; break;
    case IR_IMM_NONE: break;
    }
    ir_set_terminator(f, b1, IR_TRAP, 0, NULL, 0, NULL);
    ir_insn(f, ir_block_terminator(f, b1))->imm = 1;
    ck_assert_int_eq(ir_func_status(f), 0);

    sl_error_t err = {0};
    ck_assert_msg(ir_verify(f, &err) == 0, "%s: %s", ir_op_name(op), err.message);
    char *text = print_func(f);
    ir_func_t *g = parse_ok(&arena, text);
    char *again = print_func(g);
    ck_assert_str_eq(again, text);
    /* Insns without a result have no name in the text: find it by its place. */
    ir_ref_t last = ir_block(g, 0)->last;
    ir_ref_t same = ir_op_flags(op) & IRF_TERM ? last : ir_insn(g, last)->prev;
    ck_assert_uint_eq(ir_insn(g, same)->op, op);
    free(text);
    free(again);
    arena_fini(&arena);
}

/* All rows in one test: a fork per row costs minutes under ASan; failures name the op. */
START_TEST(test_ir_every_op_verifies_prints_and_reads_back)
{
    for (unsigned op = 0; op < IR_N_OPS; op++)
        if (op != IR_PARAM)
            check_op(op);
}
END_TEST

/* Names are unique, so the reader's lookup by mnemonic is exact; wasm rows carry their wasm
 * opcode's text. */
START_TEST(test_ir_op_names_are_unique)
{
    for (unsigned a = 0; a < IR_N_OPS; a++)
        for (unsigned b = a + 1; b < IR_N_OPS; b++)
            ck_assert_msg(strcmp(ir_op_name(a), ir_op_name(b)) != 0, "%s twice", ir_op_name(a));
    ck_assert_str_eq(ir_op_name(IR_I32_ADD), "i32.add");
    ck_assert_int_eq(ir_op_flags(IR_I32_ADD), IRF_PURE | IRF_COMM);
    ck_assert_int_eq(ir_op_flags(IR_I32_DIV_S) & IRF_TRAP, IRF_TRAP);
    ck_assert_int_eq(ir_op_imm(IR_F64_LOAD), IR_IMM_MEM);
}
END_TEST

START_TEST(test_ir_replace_uses_follows_chains)
{
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = parse_ok(&arena, "func f(i32) -> (i32) {\n"
                                    "block0(v1:i32):\n"
                                    "    v2:i32 = copy v1\n"
                                    "    v3:i32 = copy v2\n"
                                    "    v4:i32 = i32.add v3, v2\n"
                                    "    jump block1(v4, v3)\n"
                                    "block1(v5:i32, v6:i32):\n"
                                    "    return v6\n"
                                    "}\n");
    ir_ref_t *map = calloc(f->n_insns, sizeof *map);
    map[3] = 2;
    map[2] = 1;
    ir_replace_uses(f, map);
    char *text = print_func(f);
    ck_assert_str_eq(text, "func f(i32) -> (i32) {\n"
                           "block0(v1:i32):\n"
                           "    v2:i32 = copy v1\n"
                           "    v3:i32 = copy v1\n"
                           "    v4:i32 = i32.add v1, v1\n"
                           "    jump block1(v4, v1)\n"
                           "block1(v5:i32, v6:i32):\n"
                           "    return v6\n"
                           "}\n");
    free(text);
    free(map);
    arena_fini(&arena);
}
END_TEST

/* block0 -> block1 (outer header) -> block2 (inner header) -> block3 -> block2 | block4;
 * block4 -> block1 | block5. */
static const char nested_loops[] = "func loops(i32) -> () {\n"
                                   "block0(v1:i32):\n"
                                   "    jump block1()\n"
                                   "block1:\n"
                                   "    jump block2()\n"
                                   "block2:\n"
                                   "    jump block3()\n"
                                   "block3:\n"
                                   "    br_if v1, block2(), block4()\n"
                                   "block4:\n"
                                   "    br_if v1, block1(), block5()\n"
                                   "block5:\n"
                                   "    return\n"
                                   "}\n";

START_TEST(test_cfg_finds_nested_loops)
{
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = parse_ok(&arena, nested_loops);
    cfg_t cfg;
    ck_assert_int_eq(cfg_build(f, &arena, &cfg), 0);
    ck_assert_uint_eq(cfg.n_rpo, 6);
    ck_assert_uint_eq(cfg.rpo[0], 0);
    static const uint32_t idom[] = {0, 0, 1, 2, 3, 4};
    static const uint32_t header[] = {IR_NO_BLOCK, 1, 2, 2, 1, IR_NO_BLOCK};
    static const uint32_t depth[] = {0, 1, 2, 2, 1, 0};
    for (uint32_t b = 0; b < 6; b++) {
        ck_assert_uint_eq(cfg.idom[b], idom[b]);
        ck_assert_uint_eq(cfg.loop_header[b], header[b]);
        ck_assert_uint_eq(cfg.loop_depth[b], depth[b]);
    }
    ck_assert_uint_eq(cfg.loop_parent[2], 1);
    ck_assert_uint_eq(cfg.loop_parent[1], IR_NO_BLOCK);
    ck_assert(cfg_dominates(&cfg, 1, 4));
    ck_assert(!cfg_dominates(&cfg, 4, 1));
    ck_assert_uint_eq(cfg.pred_start[2] + 2, cfg.pred_start[3]); /* block1 and block3 */
    arena_fini(&arena);
}
END_TEST

/* Two blocks that jump to each other, each entered from block0: a cycle with no header that
 * dominates it, so no natural loop, and nothing crashes. Plus a block nobody reaches. */
START_TEST(test_cfg_survives_irreducible_cycle)
{
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = parse_ok(&arena, "func irr(i32) -> () {\n"
                                    "block0(v1:i32):\n"
                                    "    br_if v1, block1(), block2()\n"
                                    "block1:\n"
                                    "    br_if v1, block2(), block3()\n"
                                    "block2:\n"
                                    "    br_if v1, block1(), block3()\n"
                                    "block3:\n"
                                    "    return\n"
                                    "block4:\n"
                                    "    jump block1()\n"
                                    "}\n");
    cfg_t cfg;
    ck_assert_int_eq(cfg_build(f, &arena, &cfg), 0);
    ck_assert_uint_eq(cfg.n_rpo, 4);
    ck_assert(!cfg_is_reachable(&cfg, 4));
    for (uint32_t b = 1; b < 4; b++) {
        ck_assert_uint_eq(cfg.idom[b], 0);
        ck_assert_uint_eq(cfg.loop_header[b], IR_NO_BLOCK);
        ck_assert_uint_eq(cfg.loop_depth[b], 0);
    }
    ck_assert_uint_eq(cfg.idom[4], IR_NO_BLOCK);
    arena_fini(&arena);
}
END_TEST

/* A chain of 100000 blocks: the walks are iterative, so depth costs no stack. */
START_TEST(test_cfg_handles_a_deep_chain)
{
    arena_t arena;
    arena_init(&arena, 0);
    const uint8_t none = 0;
    ir_func_t *f;
    ck_assert_int_eq(ir_func_new(&arena, "chain", 0, &none, 0, &none, &f), 0);
    enum { N = 100000 };
    uint32_t prev = ir_block_new(f);
    for (uint32_t i = 1; i < N; i++) {
        uint32_t b = ir_block_new(f);
        ir_succ_t succ = {b, 0, NULL};
        ir_set_terminator(f, prev, IR_JUMP, 0, NULL, 1, &succ);
        prev = b;
    }
    ir_set_terminator(f, prev, IR_RETURN, 0, NULL, 0, NULL);
    sl_error_t err = {0};
    ck_assert_msg(ir_verify(f, &err) == 0, "%s", err.message);
    cfg_t cfg;
    ck_assert_int_eq(cfg_build(f, &arena, &cfg), 0);
    ck_assert_uint_eq(cfg.n_rpo, N);
    ck_assert_uint_eq(cfg.idom[N - 1], N - 2);
    arena_fini(&arena);
}
END_TEST

/* Every budget below what reading needs fails cleanly with SL_ELIMIT; ASan sees no leak. */
START_TEST(test_ir_parse_fails_cleanly_under_every_budget)
{
    bool done = false;
    for (size_t budget = 16; !done; budget += 16) {
        arena_t arena;
        arena_init(&arena, budget);
        ir_func_t *f;
        sl_error_t err = {0};
        int rc = ir_parse(&arena, nested_loops, strlen(nested_loops), &f, &err);
        if (rc == 0)
            done = true;
        else
            ck_assert_int_eq(rc, SL_ELIMIT);
        arena_fini(&arena);
        ck_assert_uint_lt(budget, 1u << 20);
    }
}
END_TEST

Suite *
ir_suite(void)
{
    Suite *s = suite_create("ir");
    TCase *tc = tcase_create("ops");
    tcase_add_test(tc, test_ir_every_op_verifies_prints_and_reads_back);
    tcase_add_test(tc, test_ir_op_names_are_unique);
    suite_add_tcase(s, tc);
    tc = tcase_create("build");
    tcase_add_test(tc, test_ir_replace_uses_follows_chains);
    tcase_add_test(tc, test_ir_parse_fails_cleanly_under_every_budget);
    suite_add_tcase(s, tc);
    tc = tcase_create("cfg");
    tcase_add_test(tc, test_cfg_finds_nested_loops);
    tcase_add_test(tc, test_cfg_survives_irreducible_cycle);
    tcase_add_test(tc, test_cfg_handles_a_deep_chain);
    suite_add_tcase(s, tc);
    return s;
}
