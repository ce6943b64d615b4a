/* The code space (engine/code/code_space.h): code written through the rw view runs through the rx
 * view, neither view is both writable and executable, blocks are reused and coalesced, freed pages
 * are given back without touching live neighbours, exhaustion is SL_ENOSPACE, and concurrent
 * allocation hands out disjoint blocks. Through the engine: the code-space size and per-module code
 * limit (sl_engine_options_t) are quotas with errors that say what is full, and a module's code is
 * given back when its last reference goes. */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "code_space.h"
#include "suite.h"
#include "wat.h"

static size_t
page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* For tests that must die by SIGSEGV: the default action back (under ASan the sanitizer's handler
 * would report the fault and exit with 1 instead, and these tests are about page protection, not
 * about handlers) and no core file. */
static void
expect_crash(void)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
}

/* mov eax, 42 ; ret */
static const uint8_t return_42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};

typedef int (*int_fn)(void);

static int_fn
as_fn(const void *code)
{
    return (int_fn)(uintptr_t)code;
}

START_TEST(test_codespace_runs_code_written_through_rw)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(1 << 20, &cs), 0);
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(cs, sizeof return_42, &b), 0);
    memcpy(b.rw, return_42, sizeof return_42);
    ck_assert_mem_eq(b.rx, return_42, sizeof return_42); /* the same bytes through the rx view */
    ck_assert_int_eq(as_fn(b.rx)(), 42);

    /* Rewritten in place, the new bytes run at once. */
    b.rw[1] = 7;
    ck_assert_int_eq(as_fn(b.rx)(), 7);
    codespace_release(cs, &b);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_blocks_are_aligned_and_translate)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(100000, &cs), 0);
    ck_assert_uint_eq(cs->reserve % page_size(), 0); /* rounded up to pages */
    ck_assert_uint_ge(cs->reserve, 100000);

    static const size_t sizes[] = {1, 15, 16, 17, 33, 4095, 4096, 4097};
    code_block_t b[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ck_assert_int_eq(codespace_alloc(cs, sizes[i], &b[i]), 0);
        ck_assert_uint_eq((uintptr_t)b[i].rx % CODESPACE_ALIGN, 0);
        ck_assert_uint_eq((uintptr_t)b[i].rw % CODESPACE_ALIGN, 0);
        ck_assert_uint_eq(b[i].size, (sizes[i] + 15) / 16 * 16);
        ck_assert_ptr_eq(codespace_to_rw(cs, b[i].rx), b[i].rw);
        ck_assert_ptr_eq(codespace_to_rx(cs, b[i].rw), b[i].rx);
        ck_assert_ptr_eq(codespace_to_rw(cs, b[i].rx + b[i].size - 1), b[i].rw + b[i].size - 1);
        ck_assert(codespace_contains(cs, (uintptr_t)b[i].rx));
        ck_assert(!codespace_contains(cs, (uintptr_t)b[i].rw));
    }
    ck_assert(codespace_contains(cs, (uintptr_t)cs->rx));
    ck_assert(codespace_contains(cs, (uintptr_t)cs->rx + cs->reserve - 1));
    ck_assert(!codespace_contains(cs, (uintptr_t)cs->rx + cs->reserve));
    ck_assert(!codespace_contains(cs, (uintptr_t)cs->rx - 1));
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        codespace_release(cs, &b[i]);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_rejects_bad_sizes)
{
    codespace_t *cs = (codespace_t *)1;
    ck_assert_int_eq(codespace_new(0, &cs), SL_EARG);
    ck_assert_ptr_null(cs);
    ck_assert_int_eq(codespace_new(CODESPACE_MAX_RESERVE + 1, &cs), SL_EARG);
    ck_assert_int_eq(codespace_new(CODESPACE_MAX_RESERVE, &cs), 0); /* sparse: costs no memory */
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(cs, 0, &b), SL_EARG);
    ck_assert_ptr_null(b.rx);
    codespace_free(cs);
    codespace_free(NULL);
}
END_TEST

START_TEST(test_codespace_release_reuses_first_fit)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(1 << 20, &cs), 0);
    code_block_t a, b, c, d;
    ck_assert_int_eq(codespace_alloc(cs, 4096, &a), 0);
    ck_assert_int_eq(codespace_alloc(cs, 4096, &b), 0);
    ck_assert_int_eq(codespace_alloc(cs, 4096, &c), 0);
    ck_assert_ptr_eq(b.rx, a.rx + 4096);
    ck_assert_ptr_eq(c.rx, b.rx + 4096);
    codespace_release(cs, &b);
    /* A smaller block goes into the hole, then the rest of it, then past c. */
    ck_assert_int_eq(codespace_alloc(cs, 1000, &d), 0);
    ck_assert_ptr_eq(d.rx, b.rx);
    code_block_t e, f;
    ck_assert_int_eq(codespace_alloc(cs, 4096 - d.size, &e), 0);
    ck_assert_ptr_eq(e.rx, b.rx + d.size);
    ck_assert_int_eq(codespace_alloc(cs, 16, &f), 0);
    ck_assert_ptr_eq(f.rx, c.rx + 4096);
    codespace_release(cs, &a);
    codespace_release(cs, &c);
    codespace_release(cs, &d);
    codespace_release(cs, &e);
    codespace_release(cs, &f);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_release_coalesces)
{
    codespace_t *cs;
    size_t quarter = 4 * page_size();
    ck_assert_int_eq(codespace_new(4 * quarter, &cs), 0);
    code_block_t q[4], big;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(codespace_alloc(cs, quarter, &q[i]), 0);
    ck_assert_int_eq(codespace_alloc(cs, 16, &big), SL_ENOSPACE);

    /* q2 then q1: the second release merges with its free right neighbour. */
    codespace_release(cs, &q[2]);
    codespace_release(cs, &q[1]);
    ck_assert_int_eq(codespace_alloc(cs, 2 * quarter, &big), 0);
    ck_assert_ptr_eq(big.rx, q[1].rx);
    codespace_release(cs, &big);

    /* q0 merges right; q3 merges left; then everything is one range again. */
    codespace_release(cs, &q[0]);
    codespace_release(cs, &q[3]);
    ck_assert_int_eq(codespace_alloc(cs, 4 * quarter, &big), 0);
    ck_assert_ptr_eq(big.rx, q[0].rx);
    codespace_release(cs, &big);

    /* A hole between two free ranges merges with both. */
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(codespace_alloc(cs, quarter, &q[i]), 0);
    codespace_release(cs, &q[0]);
    codespace_release(cs, &q[2]);
    ck_assert_int_eq(codespace_alloc(cs, 2 * quarter, &big), SL_ENOSPACE); /* two separate holes */
    codespace_release(cs, &q[1]);
    ck_assert_int_eq(codespace_alloc(cs, 3 * quarter, &big), 0);
    ck_assert_ptr_eq(big.rx, q[0].rx);
    codespace_release(cs, &big);
    codespace_release(cs, &q[3]);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_exhaustion_is_enospace)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(page_size(), &cs), 0);
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(cs, page_size() + 1, &b), SL_ENOSPACE);
    ck_assert_int_eq(codespace_alloc(cs, SIZE_MAX, &b), SL_ENOSPACE);

    /* Exactly reserve / 16 blocks of 16 bytes fit, each one stays allocated. */
    size_t n = page_size() / CODESPACE_ALIGN;
    code_block_t *blocks = calloc(n, sizeof *blocks);
    ck_assert_ptr_nonnull(blocks);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(codespace_alloc(cs, 1, &blocks[i]), 0);
    ck_assert_uint_eq(codespace_used(cs), page_size());
    ck_assert_int_eq(codespace_alloc(cs, 1, &b), SL_ENOSPACE);
    ck_assert_ptr_null(b.rx);
    /* Releasing every other block leaves n / 2 separate holes (the free list's worst case). */
    for (size_t i = 0; i < n; i += 2)
        codespace_release(cs, &blocks[i]);
    ck_assert_uint_eq(codespace_used(cs), page_size() / 2);
    ck_assert_int_eq(codespace_alloc(cs, 32, &b), SL_ENOSPACE);
    ck_assert_int_eq(codespace_alloc(cs, 16, &b), 0);
    ck_assert_ptr_eq(b.rx, blocks[0].rx);
    codespace_release(cs, &b);
    for (size_t i = 1; i < n; i += 2)
        codespace_release(cs, &blocks[i]);
    ck_assert_uint_eq(codespace_used(cs), 0);
    ck_assert_int_eq(codespace_alloc(cs, page_size(), &b), 0);
    codespace_release(cs, &b);
    free(blocks);
    codespace_free(cs);
}
END_TEST

/* Releasing a block punches the pages that became wholly free (they read as zero afterwards) and
 * never a page shared with a live block. */
START_TEST(test_codespace_gives_freed_pages_back)
{
    size_t page = page_size();
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(16 * page, &cs), 0);
    code_block_t a, b, c;
    ck_assert_int_eq(codespace_alloc(cs, 100, &a), 0);
    ck_assert_int_eq(codespace_alloc(cs, 3 * page, &b), 0);
    ck_assert_int_eq(codespace_alloc(cs, 100, &c), 0);
    memset(a.rw, 0xaa, a.size);
    memset(b.rw, 0xbb, b.size);
    memset(c.rw, 0xcc, c.size);
    codespace_release(cs, &b);

    for (size_t i = 0; i < a.size; i++)
        ck_assert_uint_eq(a.rx[i], 0xaa);
    for (size_t i = 0; i < c.size; i++)
        ck_assert_uint_eq(c.rx[i], 0xcc);
    /* b started in page 0 (shared with a) and ended in page 3 (shared with c): pages 1 and 2 are
     * gone, the shared ones keep b's old bytes. */
    size_t b_off = (size_t)(b.rx - cs->rx);
    for (size_t off = b_off; off < b_off + b.size; off++) {
        bool is_punched = off >= page && off < 3 * page;
        ck_assert_uint_eq(cs->rx[off], is_punched ? 0 : 0xbb);
    }

    /* Releasing the neighbours frees the rest. */
    codespace_release(cs, &a);
    codespace_release(cs, &c);
    for (size_t off = 0; off < 4 * page; off++)
        ck_assert_uint_eq(cs->rx[off], 0);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_maps_nothing_rwx)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(1 << 20, &cs), 0);
    code_block_t b[8];
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(codespace_alloc(cs, 3000, &b[i]), 0);
        memcpy(b[i].rw, return_42, sizeof return_42);
        ck_assert_int_eq(as_fn(b[i].rx)(), 42);
    }

    FILE *maps = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(maps);
    char line[512];
    bool saw_rx = false, saw_rw = false;
    while (fgets(line, sizeof line, maps)) {
        uintptr_t start, end;
        char perms[8];
        ck_assert_int_eq(sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &start, &end, perms), 3);
        ck_assert_msg(strncmp(perms, "rwx", 3) != 0, "rwx mapping: %s", line);
        if (start == (uintptr_t)cs->rx) {
            ck_assert_str_eq(perms, "r-xs");
            saw_rx = true;
        }
        if (start == (uintptr_t)cs->rw) {
            ck_assert_str_eq(perms, "rw-s");
            saw_rw = true;
        }
    }
    fclose(maps);
    ck_assert(saw_rx && saw_rw);
    for (int i = 0; i < 8; i++)
        codespace_release(cs, &b[i]);
    codespace_free(cs);
}
END_TEST

START_TEST(test_codespace_rx_view_is_not_writable)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(1 << 20, &cs), 0);
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(cs, 16, &b), 0);
    expect_crash();
    volatile uint8_t *rx = (volatile uint8_t *)(uintptr_t)b.rx;
    rx[0] = 0xc3; /* SIGSEGV */
    ck_abort_msg("wrote through the rx view");
}
END_TEST

START_TEST(test_codespace_rw_view_is_not_executable)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(1 << 20, &cs), 0);
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(cs, sizeof return_42, &b), 0);
    memcpy(b.rw, return_42, sizeof return_42);
    expect_crash();
    int_fn volatile fn = as_fn(b.rw);
    fn(); /* SIGSEGV */
    ck_abort_msg("ran code through the rw view");
}
END_TEST

/* ---- threads ---- */

enum { N_THREADS = 8, N_ROUNDS = 600 };

typedef struct worker {
    codespace_t *cs;
    unsigned id;
    code_block_t blocks[N_ROUNDS];
    size_t n_blocks;
    bool ok;
} worker_t;

static uint8_t
pattern(unsigned id, size_t index)
{
    return (uint8_t)(id * 37 + index * 11 + 1);
}

static bool
holds_pattern(const code_block_t *b, uint8_t p)
{
    for (size_t i = 0; i < b->size; i++)
        if (b->rx[i] != p)
            return false;
    return true;
}

/* Allocates blocks of varying sizes, fills each with its own byte, and releases every third one
 * after checking it: a block handed out twice, or a neighbour's page punched, breaks a pattern. */
static void *
worker_run(void *arg)
{
    worker_t *w = arg;
    unsigned seed = w->id * 7919u + 1;
    w->ok = true;
    for (size_t i = 0; i < N_ROUNDS; i++) {
        size_t size = 1 + (size_t)(rand_r(&seed) % 700);
        code_block_t *b = &w->blocks[w->n_blocks];
        if (codespace_alloc(w->cs, size, b) != 0) {
            w->ok = false;
            return NULL;
        }
        memset(b->rw, pattern(w->id, i), b->size); /* a block is checked against its first byte */
        w->n_blocks++;
        if (i % 3 == 2) {
            code_block_t *old = &w->blocks[w->n_blocks - 2];
            if (!holds_pattern(old, old->rx[0]) || !holds_pattern(b, pattern(w->id, i))) {
                w->ok = false;
                return NULL;
            }
            codespace_release(w->cs, old);
            w->blocks[w->n_blocks - 2] = *b;
            w->n_blocks--;
        }
    }
    return NULL;
}

static int
compare_blocks(const void *a, const void *b)
{
    const code_block_t *x = a, *y = b;
    return (x->rx > y->rx) - (x->rx < y->rx);
}

START_TEST(test_codespace_threads_get_disjoint_blocks)
{
    codespace_t *cs;
    ck_assert_int_eq(codespace_new(16 << 20, &cs), 0);
    static worker_t workers[N_THREADS];
    pthread_t threads[N_THREADS];
    for (unsigned t = 0; t < N_THREADS; t++) {
        workers[t] = (worker_t){.cs = cs, .id = t};
        ck_assert_int_eq(pthread_create(&threads[t], NULL, worker_run, &workers[t]), 0);
    }
    size_t n_all = 0;
    for (unsigned t = 0; t < N_THREADS; t++) {
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
        ck_assert_msg(workers[t].ok, "worker %u saw a foreign byte or failed to allocate", t);
        n_all += workers[t].n_blocks;
    }

    code_block_t *all = calloc(n_all, sizeof *all);
    ck_assert_ptr_nonnull(all);
    size_t k = 0;
    for (unsigned t = 0; t < N_THREADS; t++) {
        for (size_t i = 0; i < workers[t].n_blocks; i++) {
            const code_block_t *b = &workers[t].blocks[i];
            ck_assert(holds_pattern(b, b->rx[0]));
            all[k++] = *b;
        }
    }
    qsort(all, n_all, sizeof *all, compare_blocks);
    for (size_t i = 1; i < n_all; i++)
        ck_assert_uint_le((uintptr_t)(all[i - 1].rx + all[i - 1].size), (uintptr_t)all[i].rx);
    for (size_t i = 0; i < n_all; i++)
        codespace_release(cs, &all[i]);
    free(all);

    /* Everything released and coalesced: the whole space is one block again. */
    code_block_t whole;
    ck_assert_int_eq(codespace_alloc(cs, cs->reserve, &whole), 0);
    codespace_release(cs, &whole);
    codespace_free(cs);
}
END_TEST

/* ---- quotas through the engine ---- */

/* A module of `n` functions that each compile to some tens of bytes. */
static uint8_t *
module_of(unsigned n, size_t *size)
{
    size_t cap = 64 + 120 * (size_t)n;
    char *wat = malloc(cap);
    ck_assert_ptr_nonnull(wat);
    size_t len = (size_t)snprintf(wat, cap, "(module");
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(wat + len, cap - len,
                                " (func (export \"f%u\") (param i32) (result i32)"
                                " (i32.add (i32.mul (local.get 0) (i32.const %u)) (i32.const 7)))",
                                i, i + 3);
    snprintf(wat + len, cap - len, ")");
    char why[512];
    uint8_t *bytes = wat_to_wasm(wat, size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    free(wat);
    return bytes;
}

/* _i: compile threads (1: on the caller, as the CLI does; 2: on a pool, as the daemon does). */
START_TEST(test_engine_full_code_space_is_enospace_with_figures)
{
    sl_engine_options_t options = {.tier = SL_TIER_BASELINE, .compile_threads = (uint32_t)_i,
                                   .code_space_size = 64 << 10};
    sl_engine_t *engine;
    ck_assert_int_eq(sl_engine_new(&options, &engine), 0);
    uint64_t used0, size;
    sl_engine_code_space(engine, &used0, &size);
    ck_assert_uint_eq(size, 64 << 10);
    size_t wasm_size;
    uint8_t *wasm = module_of(200, &wasm_size);

    sl_module_t *modules[64] = {0};
    sl_error_t err;
    int rc = 0;
    unsigned n = 0;
    while (n < 64 && (rc = sl_module_compile(engine, wasm, wasm_size, &modules[n], &err)) == 0)
        n++;
    ck_assert_int_eq(rc, SL_ENOSPACE);
    ck_assert_uint_ge(n, 1);
    ck_assert_int_eq(err.code, SL_ENOSPACE);
    ck_assert_msg(strstr(err.message, "code space full: ") != NULL &&
                      strstr(err.message, " of 65536 bytes in use, the module needs >= ") != NULL,
                  "%s", err.message);
    /* No function is at fault when the shared space is full. */
    ck_assert_uint_eq(err.func_index, SL_NO_INDEX);
    ck_assert_str_eq(sl_err_kind(rc), "exhausted");

    /* A failed compile keeps nothing; dropping one module makes room for the next. */
    uint64_t used;
    sl_engine_code_space(engine, &used, NULL);
    sl_module_unref(modules[--n]);
    modules[n] = NULL;
    ck_assert_int_eq(sl_module_compile(engine, wasm, wasm_size, &modules[n], &err), 0);
    uint64_t used_again;
    sl_engine_code_space(engine, &used_again, NULL);
    ck_assert_uint_eq(used_again, used);
    for (unsigned i = 0; i <= n; i++)
        sl_module_unref(modules[i]);
    sl_engine_code_space(engine, &used, NULL);
    ck_assert_uint_eq(used, used0);
    free(wasm);
    sl_engine_free(engine);
}
END_TEST

/* The code of a module stays while anything references it (an instance's store here) and goes
 * back to the space with the last reference: what replacing a module version relies on. */
START_TEST(test_engine_module_code_goes_with_its_last_reference)
{
    sl_engine_t *engine;
    ck_assert_int_eq(sl_engine_new(NULL, &engine), 0);
    uint64_t used0, used1, used2;
    sl_engine_code_space(engine, &used0, NULL);
    size_t wasm_size;
    uint8_t *wasm = module_of(20, &wasm_size);
    sl_module_t *m;
    ck_assert_int_eq(sl_module_compile(engine, wasm, wasm_size, &m, NULL), 0);
    sl_engine_code_space(engine, &used1, NULL);
    ck_assert_uint_gt(used1, used0);
    sl_module_stats_t stats;
    sl_module_stats(m, &stats);
    ck_assert_uint_ge(used1 - used0, stats.code_bytes);

    sl_store_t *store;
    sl_instance_t *instance;
    ck_assert_int_eq(sl_store_new(engine, &store), 0);
    ck_assert_int_eq(sl_instance_new(store, m, NULL, 0, &instance, NULL, NULL), 0);
    sl_module_unref(m); /* the registry's reference, say: the instance still runs the code */
    sl_engine_code_space(engine, &used2, NULL);
    ck_assert_uint_eq(used2, used1);
    sl_extern_t f;
    ck_assert_int_eq(sl_instance_export(instance, "f1", 2, &f), 0);
    sl_value_t arg = {.type = SL_I32, .of.i32 = 5}, result;
    ck_assert_int_eq(sl_func_call(f.of.func, &arg, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i32, 27);
    sl_store_free(store);
    sl_engine_code_space(engine, &used2, NULL);
    ck_assert_uint_eq(used2, used0);
    free(wasm);
    sl_engine_free(engine);
}
END_TEST

/* _i: lazy or eager. */
START_TEST(test_engine_module_code_limit_is_elimit)
{
    sl_engine_options_t options = {.tier = SL_TIER_BASELINE, .lazy = _i == 1,
                                   .module_code_limit = 2048};
    sl_engine_t *engine;
    ck_assert_int_eq(sl_engine_new(&options, &engine), 0);
    uint64_t used0, used;
    sl_engine_code_space(engine, &used0, NULL);
    size_t size;
    uint8_t *big = module_of(_i == 1 ? 200 : 100, &size);
    sl_module_t *m = NULL;
    sl_error_t err;
    ck_assert_int_eq(sl_module_compile(engine, big, size, &m, &err), SL_ELIMIT);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.message, "module code limit: ") != NULL &&
                      strstr(err.message, " of 2048 bytes in use, the module needs >= ") != NULL,
                  "%s", err.message);
    ck_assert_uint_eq(err.func_index, SL_NO_INDEX);
    sl_engine_code_space(engine, &used, NULL);
    ck_assert_uint_eq(used, used0);
    free(big);

    uint8_t *small = module_of(2, &size);
    ck_assert_int_eq(sl_module_compile(engine, small, size, &m, &err), 0);
    sl_module_unref(m);
    free(small);
    sl_engine_free(engine);
}
END_TEST

START_TEST(test_engine_code_space_size_is_bounded)
{
    sl_engine_options_t options = {.tier = SL_TIER_BASELINE,
                                   .code_space_size = CODESPACE_MAX_RESERVE + 1};
    sl_engine_t *engine = NULL;
    ck_assert_int_eq(sl_engine_new(&options, &engine), SL_EARG);
    ck_assert_ptr_null(engine);
}
END_TEST

Suite *
code_space_suite(void)
{
    Suite *s = suite_create("code_space");
    TCase *tc = tcase_create("alloc");
    tcase_add_test(tc, test_codespace_runs_code_written_through_rw);
    tcase_add_test(tc, test_codespace_blocks_are_aligned_and_translate);
    tcase_add_test(tc, test_codespace_rejects_bad_sizes);
    tcase_add_test(tc, test_codespace_release_reuses_first_fit);
    tcase_add_test(tc, test_codespace_release_coalesces);
    tcase_add_test(tc, test_codespace_exhaustion_is_enospace);
    tcase_add_test(tc, test_codespace_gives_freed_pages_back);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("protection");
    tcase_add_test(tc, test_codespace_maps_nothing_rwx);
    tcase_add_test_raise_signal(tc, test_codespace_rx_view_is_not_writable, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_codespace_rw_view_is_not_executable, SIGSEGV);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_test(tc, test_codespace_threads_get_disjoint_blocks);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("quotas");
    tcase_add_loop_test(tc, test_engine_full_code_space_is_enospace_with_figures, 1, 3);
    tcase_add_test(tc, test_engine_module_code_goes_with_its_last_reference);
    tcase_add_loop_test(tc, test_engine_module_code_limit_is_elimit, 0, 2);
    tcase_add_test(tc, test_engine_code_space_size_is_bounded);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
