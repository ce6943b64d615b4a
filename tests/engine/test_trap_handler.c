/* The trap handler and code map (engine/runtime/trap_handler.h, engine/code/code_map.h): a fault at
 * a registered access site resumes at its landing stub (SIGSEGV, SIGBUS, and on the alternate stack
 * after a stack overflow); every other fault goes to the previous action and still kills the
 * process; the map stays consistent while threads register and unregister ranges during traps.
 *
 * The generated code is a tiny hand-assembled blob in the code space:
 *   0: 8b 07            mov eax, [rdi]   <- trap site, pc 0
 *   2: c3               ret
 *   3: b8 ff ff ff ff   mov eax, -1      <- landing 3
 *   8: c3               ret
 */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "code_map.h"
#include "code_space.h"
#include "suite.h"
#include "trap_handler.h"

static const uint8_t load_code[] = {
    0x8b, 0x07,                   /* mov eax, [rdi] */
    0xc3,                         /* ret */
    0xb8, 0xff, 0xff, 0xff, 0xff, /* mov eax, -1 */
    0xc3,                         /* ret */
};
static const trap_site_t load_sites[] = {{.pc = 0, .landing = 3}};

typedef int (*load_fn)(const volatile int *p);

/* Per-test state, made in the forked child by the checked fixture. */
static codespace_t *space;
static code_block_t load_block;
static load_fn load;
static const int *guard; /* a PROT_NONE page */

static void
setup(void)
{
    ck_assert_int_eq(codespace_new(1 << 20, &space), 0);
    ck_assert_int_eq(codespace_alloc(space, sizeof load_code, &load_block), 0);
    memcpy(load_block.rw, load_code, sizeof load_code);
    load = (load_fn)(uintptr_t)load_block.rx;
    void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    guard = p;
}

static void
teardown(void)
{
    munmap((void *)(uintptr_t)guard, (size_t)sysconf(_SC_PAGESIZE));
    codespace_release(space, &load_block);
    codespace_free(space);
}

static int
register_load(void)
{
    return codemap_register((uintptr_t)load_block.rx, load_block.size, load_sites, 1);
}

/* A page of a memfd truncated to nothing: any access raises SIGBUS. */
static const int *
sigbus_page(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    int fd = memfd_create("sigbus", MFD_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)page), 0);
    void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    close(fd);
    return p;
}

/* For tests that must die by a signal: the default actions become the "previous" ones, so a fault
 * that is not a trap ends in the kernel's SIGSEGV/SIGBUS in every build. Under ASan the previous
 * action would otherwise be ASan's handler, which reports and exits with 1; chaining to a previous
 * handler has its own test (test_trap_chains_to_previous_handler), and under ASan every recovery
 * test runs with ASan's handler underneath ours. No core files. */
static void
install_over_default(void)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    ck_assert_int_eq(traps_install(), 0);
}

/* A NULL write in plain C code: the fault outside wasm that must never be swallowed. UBSan's null
 * check is off in here because it would report the store before it executes (and with
 * halt_on_error exit before any fault); these tests are about the hardware fault. Volatile twice:
 * neither the pointer's value nor the store may be optimised away. */
__attribute__((noinline, no_sanitize("null"))) static void
write_null(void)
{
    volatile int *volatile null = NULL;
    *null = 1;
}

/* ---- recovery ---- */

START_TEST(test_trap_recovers_registered_load)
{
    ck_assert_int_eq(traps_install(), 0);
    ck_assert_int_eq(traps_thread_init(), 0);
    ck_assert_int_eq(register_load(), 0);
    int value = 1234;
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(load(guard), -1);
        ck_assert_int_eq(load(&value), 1234);
    }
    /* Also through a NULL pointer (the first page is never mapped). */
    ck_assert_int_eq(load(NULL), -1);
    codemap_unregister((uintptr_t)load_block.rx);
    ck_assert_ptr_null(atomic_load(&codemap_shared.current)); /* nothing left allocated */
    traps_thread_fini();
}
END_TEST

START_TEST(test_trap_recovers_sigbus)
{
    ck_assert_int_eq(traps_install(), 0);
    ck_assert_int_eq(register_load(), 0);
    const int *bus = sigbus_page();
    ck_assert_int_eq(load(bus), -1);
    ck_assert_int_eq(load(bus), -1);
    codemap_unregister((uintptr_t)load_block.rx);
    munmap((void *)(uintptr_t)bus, (size_t)sysconf(_SC_PAGESIZE));
}
END_TEST

/* Pushes until the thread's stack runs out; the fault has no stack left but the alternate one.
 *   0: 48 89 e0   mov rax, rsp
 *   3: 57         push rdi          <- trap site, pc 3
 *   4: eb fd      jmp 3
 *   6: 48 89 c4   mov rsp, rax      <- landing 6
 *   9: b8 ff ff ff ff  mov eax, -1
 *  14: c3         ret
 */
static const uint8_t overflow_code[] = {0x48, 0x89, 0xe0, 0x57, 0xeb, 0xfd, 0x48, 0x89,
                                        0xc4, 0xb8, 0xff, 0xff, 0xff, 0xff, 0xc3};
static const trap_site_t overflow_sites[] = {{.pc = 3, .landing = 6}};

typedef struct overflow_run {
    int (*fn)(void);
    int init_rc, result, after;
} overflow_run_t;

static void *
overflow_thread(void *arg)
{
    overflow_run_t *run = arg;
    run->init_rc = traps_thread_init();
    run->result = run->fn();
    int value = 77;
    run->after = load(&value); /* the thread carries on normally */
    traps_thread_fini();
    return NULL;
}

START_TEST(test_trap_recovers_stack_overflow_on_alt_stack)
{
    ck_assert_int_eq(traps_install(), 0);
    code_block_t b;
    ck_assert_int_eq(codespace_alloc(space, sizeof overflow_code, &b), 0);
    memcpy(b.rw, overflow_code, sizeof overflow_code);
    ck_assert_int_eq(codemap_register((uintptr_t)b.rx, b.size, overflow_sites, 1), 0);

    overflow_run_t run = {.fn = (int (*)(void))(uintptr_t)b.rx};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, &attr, overflow_thread, &run), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);
    ck_assert_int_eq(run.init_rc, 0);
    ck_assert_int_eq(run.result, -1);
    ck_assert_int_eq(run.after, 77);

    codemap_unregister((uintptr_t)b.rx);
    codespace_release(space, &b);
}
END_TEST

static sigjmp_buf chain_env;
static volatile sig_atomic_t chain_calls;
static void *volatile chain_addr;
static volatile int chain_code;

/* Stands in for a handler installed before ours (ASan's, a crash reporter's). */
static void
stand_in(int sig, siginfo_t *info, void *context)
{
    chain_calls++;
    chain_addr = info->si_addr;
    chain_code = info->si_code;
    if (info->si_code > 0)
        siglongjmp(chain_env, 1); /* a real fault: returning would re-execute it */
}

START_TEST(test_trap_chains_to_previous_handler)
{
    struct sigaction sa = {.sa_sigaction = stand_in, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    ck_assert_int_eq(traps_install(), 0);
    ck_assert_int_eq(traps_install(), 0); /* idempotent: the previous action stays the stand-in */
    ck_assert(traps_previous[TRAPS_SEGV].sa_sigaction == stand_in);
    struct sigaction now;
    ck_assert_int_eq(sigaction(SIGSEGV, NULL, &now), 0);
    ck_assert(now.sa_sigaction == traps_on_signal);
    ck_assert_int_eq(now.sa_flags & (SA_SIGINFO | SA_ONSTACK), SA_SIGINFO | SA_ONSTACK);
    ck_assert_int_eq(sigaction(SIGBUS, NULL, &now), 0);
    ck_assert(now.sa_sigaction == traps_on_signal);

    /* A trap never reaches the previous handler. */
    ck_assert_int_eq(register_load(), 0);
    ck_assert_int_eq(load(guard), -1);
    ck_assert_int_eq(chain_calls, 0);

    /* A fault in C code does, with its own siginfo. */
    if (sigsetjmp(chain_env, 1) == 0) {
        write_null();
        ck_abort_msg("the NULL write did not fault");
    }
    ck_assert_int_eq(chain_calls, 1);
    ck_assert_ptr_null(chain_addr);
    ck_assert_int_gt(chain_code, 0);

    /* So does a fault in code that is no longer registered. */
    codemap_unregister((uintptr_t)load_block.rx);
    if (sigsetjmp(chain_env, 1) == 0) {
        load(guard);
        ck_abort_msg("the unregistered load did not fault");
    }
    ck_assert_int_eq(chain_calls, 2);
    ck_assert_ptr_eq(chain_addr, guard);

    /* And a SIGSEGV sent by raise, which is never a trap. */
    ck_assert_int_eq(register_load(), 0);
    raise(SIGSEGV);
    ck_assert_int_eq(chain_calls, 3);
    ck_assert_int_le(chain_code, 0);
    codemap_unregister((uintptr_t)load_block.rx);
}
END_TEST

typedef struct altstack_probe {
    stack_t before, during, after;
    int rc1, rc2;
} altstack_probe_t;

static void *
altstack_thread(void *arg)
{
    altstack_probe_t *p = arg;
    sigaltstack(NULL, &p->before);
    p->rc1 = traps_thread_init();
    p->rc2 = traps_thread_init();
    sigaltstack(NULL, &p->during);
    traps_thread_fini();
    traps_thread_fini();
    sigaltstack(NULL, &p->after);
    return NULL;
}

/* Idempotent per thread; keeps a large enough stack it finds (ASan gives every thread one), and
 * puts back what was there before. */
START_TEST(test_trap_thread_init_is_idempotent)
{
    altstack_probe_t p;
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, altstack_thread, &p), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(p.rc1, 0);
    ck_assert_int_eq(p.rc2, 0);
    ck_assert_int_eq(p.during.ss_flags & SS_DISABLE, 0);
    ck_assert_uint_ge(p.during.ss_size, (size_t)sysconf(_SC_SIGSTKSZ));
    ck_assert_int_eq(p.after.ss_flags & SS_DISABLE, p.before.ss_flags & SS_DISABLE);
    if (!(p.before.ss_flags & SS_DISABLE))
        ck_assert_ptr_eq(p.after.ss_sp, p.before.ss_sp);
}
END_TEST

/* ---- faults that must not be swallowed ---- */

START_TEST(test_trap_unregistered_fault_crashes)
{
    install_over_default();
    ck_assert_int_eq(register_load(), 0);
    ck_assert_int_eq(load(guard), -1);
    codemap_unregister((uintptr_t)load_block.rx);
    load(guard); /* SIGSEGV */
    ck_abort_msg("a fault after unregistering was swallowed");
}
END_TEST

START_TEST(test_trap_fault_in_c_code_crashes)
{
    install_over_default();
    ck_assert_int_eq(traps_thread_init(), 0);
    ck_assert_int_eq(register_load(), 0);
    write_null(); /* SIGSEGV */
    ck_abort_msg("a fault in C code was swallowed");
}
END_TEST

/* Only the exact pc of a site counts, not any pc in a registered range. */
START_TEST(test_trap_fault_off_site_crashes)
{
    install_over_default();
    static const trap_site_t wrong[] = {{.pc = 1, .landing = 3}};
    ck_assert_int_eq(codemap_register((uintptr_t)load_block.rx, load_block.size, wrong, 1), 0);
    load(guard); /* SIGSEGV */
    ck_abort_msg("a fault at a pc that is not a site was swallowed");
}
END_TEST

START_TEST(test_trap_sent_sigsegv_kills)
{
    install_over_default();
    ck_assert_int_eq(register_load(), 0);
    raise(SIGSEGV);
    ck_abort_msg("a sent SIGSEGV was swallowed");
}
END_TEST

START_TEST(test_trap_sigbus_in_c_code_crashes)
{
    install_over_default();
    ck_assert_int_eq(register_load(), 0);
    const volatile int *bus = sigbus_page();
    (void)*bus; /* SIGBUS */
    ck_abort_msg("a SIGBUS in C code was swallowed");
}
END_TEST

#ifdef __SANITIZE_ADDRESS__
/* Under ASan the sanitizer's SEGV handler was installed before ours: a fault in C code must reach
 * it through the chain, and ASan reports it and exits with its exit code (1 by default). */
START_TEST(test_trap_fault_in_c_code_reaches_asan)
{
    struct sigaction before;
    ck_assert_int_eq(sigaction(SIGSEGV, NULL, &before), 0);
    ck_assert(before.sa_handler != SIG_DFL); /* ASan's (handle_segv=1, the default) */
    ck_assert_int_eq(traps_install(), 0);
    ck_assert_int_eq(register_load(), 0);
    ck_assert_int_eq(load(guard), -1); /* a trap still recovers with ASan underneath */
    write_null(); /* ASan: "SEGV on unknown address", exit 1 */
    ck_abort_msg("a fault in C code was swallowed");
}
END_TEST
#endif

/* ---- the code map itself ---- */

START_TEST(test_codemap_lookup_finds_exact_sites)
{
    const uintptr_t a = 0x10000;
    trap_site_t sites[] = {{4, 90}, {10, 95}, {50, 96}};
    ck_assert_int_eq(codemap_register(a, 100, sites, 3), 0);
    memset(sites, 0, sizeof sites); /* the map holds its own copy */
    uintptr_t landing = 0;
    ck_assert(codemap_lookup(a + 4, &landing));
    ck_assert_uint_eq(landing, a + 90);
    ck_assert(codemap_lookup(a + 10, &landing));
    ck_assert_uint_eq(landing, a + 95);
    ck_assert(codemap_lookup(a + 50, &landing));
    ck_assert_uint_eq(landing, a + 96);
    landing = 1;
    ck_assert(!codemap_lookup(a + 5, &landing));
    ck_assert(!codemap_lookup(a, &landing));
    ck_assert(!codemap_lookup(a + 99, &landing));
    ck_assert_uint_eq(landing, 1); /* untouched on a miss */

    ck_assert(codemap_contains(a));
    ck_assert(codemap_contains(a + 99));
    ck_assert(!codemap_contains(a + 100));
    ck_assert(!codemap_contains(a - 1));

    /* An adjacent range, and one with no sites. */
    static const trap_site_t next_sites[] = {{0, 8}};
    ck_assert_int_eq(codemap_register(a + 100, 16, next_sites, 1), 0);
    ck_assert_int_eq(codemap_register(a - 16, 16, NULL, 0), 0);
    ck_assert(codemap_lookup(a + 100, &landing));
    ck_assert_uint_eq(landing, a + 108);
    ck_assert(codemap_contains(a - 16));
    ck_assert(!codemap_lookup(a - 16, &landing));
    ck_assert(codemap_lookup(a + 4, &landing));
    ck_assert_uint_eq(landing, a + 90);

    codemap_unregister(a);
    ck_assert(!codemap_contains(a + 4));
    ck_assert(!codemap_lookup(a + 4, &landing));
    ck_assert(codemap_lookup(a + 100, &landing));
    codemap_unregister(a + 100);
    codemap_unregister(a - 16);
    ck_assert(!codemap_contains(a - 16));
    ck_assert_ptr_null(atomic_load(&codemap_shared.current));
}
END_TEST

START_TEST(test_codemap_rejects_bad_tables)
{
    const uintptr_t a = 0x20000;
    static const trap_site_t unsorted[] = {{8, 0}, {4, 0}};
    static const trap_site_t duplicate[] = {{4, 0}, {4, 1}};
    static const trap_site_t pc_outside[] = {{64, 0}};
    static const trap_site_t landing_outside[] = {{0, 64}};
    static const trap_site_t ok[] = {{0, 1}, {63, 62}};
    ck_assert_int_eq(codemap_register(a, 64, unsorted, 2), SL_EARG);
    ck_assert_int_eq(codemap_register(a, 64, duplicate, 2), SL_EARG);
    ck_assert_int_eq(codemap_register(a, 64, pc_outside, 1), SL_EARG);
    ck_assert_int_eq(codemap_register(a, 64, landing_outside, 1), SL_EARG);
    ck_assert_int_eq(codemap_register(a, 64, NULL, 1), SL_EARG);
    ck_assert_int_eq(codemap_register(a, 0, NULL, 0), SL_EARG);
    ck_assert_int_eq(codemap_register(UINTPTR_MAX - 8, 64, NULL, 0), SL_EARG);
    ck_assert_ptr_null(atomic_load(&codemap_shared.current));

    ck_assert_int_eq(codemap_register(a, 64, ok, 2), 0);
    ck_assert_int_eq(codemap_register(a, 64, NULL, 0), SL_EARG);       /* the same */
    ck_assert_int_eq(codemap_register(a - 8, 16, NULL, 0), SL_EARG);   /* over the start */
    ck_assert_int_eq(codemap_register(a + 60, 16, NULL, 0), SL_EARG);  /* over the end */
    ck_assert_int_eq(codemap_register(a + 8, 8, NULL, 0), SL_EARG);    /* inside */
    ck_assert_int_eq(codemap_register(a - 8, 100, NULL, 0), SL_EARG);  /* around */
    uintptr_t landing;
    ck_assert(codemap_lookup(a + 63, &landing));
    ck_assert_uint_eq(landing, a + 62);

    codemap_unregister(a + 8); /* not a registered start: ignored */
    codemap_unregister(0x999999);
    ck_assert(codemap_contains(a + 8));
    codemap_unregister(a);
    ck_assert_ptr_null(atomic_load(&codemap_shared.current));
}
END_TEST

enum { N_MANY = 1000 };

/* Many ranges registered and unregistered in a scrambled order, each found exactly. */
START_TEST(test_codemap_many_ranges)
{
    static uintptr_t order[N_MANY];
    for (size_t i = 0; i < N_MANY; i++)
        order[i] = 0x100000 + 0x100 * ((i * 389) % N_MANY); /* 389 is prime to 1000 */
    for (size_t i = 0; i < N_MANY; i++) {
        trap_site_t site = {.pc = (uint32_t)(i % 200), .landing = 255};
        ck_assert_int_eq(codemap_register(order[i], 256, &site, 1), 0);
    }
    for (size_t i = 0; i < N_MANY; i++) {
        uintptr_t landing;
        ck_assert(codemap_lookup(order[i] + i % 200, &landing));
        ck_assert_uint_eq(landing, order[i] + 255);
        ck_assert(!codemap_lookup(order[i] + i % 200 + 1, &landing));
    }
    for (size_t i = 0; i < N_MANY; i++) {
        size_t k = (i * 7) % N_MANY; /* 7 is prime to 1000 */
        codemap_unregister(order[k]);
        ck_assert(!codemap_contains(order[k]));
    }
    ck_assert_ptr_null(atomic_load(&codemap_shared.current));
}
END_TEST

/* ---- concurrency ---- */

enum { N_TRAPPERS = 3, N_TRAPS = 3000, N_CHURNERS = 3, N_CHURN = 2000 };

typedef struct trapper {
    int value;
    unsigned n_recovered, n_loaded;
} trapper_t;

static void *
trapper_run(void *arg)
{
    trapper_t *t = arg;
    if (traps_thread_init() != 0)
        return NULL;
    for (int i = 0; i < N_TRAPS; i++) {
        t->n_recovered += load(guard) == -1;
        t->n_loaded += load(&t->value) == t->value;
    }
    traps_thread_fini();
    return NULL;
}

typedef struct churner {
    uintptr_t base;
    unsigned n_ok;
} churner_t;

/* Keeps up to four of its own ranges registered at a time, checking each lookup. */
static void *
churner_run(void *arg)
{
    churner_t *c = arg;
    for (unsigned i = 0; i < N_CHURN; i++) {
        uintptr_t start = c->base + 0x1000 * (i % 4);
        trap_site_t sites[] = {{.pc = i % 100, .landing = 200}, {.pc = 300, .landing = 201}};
        if (i >= 4)
            codemap_unregister(start);
        if (codemap_register(start, 0x1000, sites, 2) != 0)
            continue;
        uintptr_t landing = 0;
        if (codemap_lookup(start + i % 100, &landing) && landing == start + 200 &&
            !codemap_lookup(start + 100, &landing) && codemap_contains(start + 0xfff))
            c->n_ok++;
    }
    for (unsigned k = 0; k < 4; k++)
        codemap_unregister(c->base + 0x1000 * k);
    return NULL;
}

START_TEST(test_trap_recovers_while_ranges_change)
{
    ck_assert_int_eq(traps_install(), 0);
    ck_assert_int_eq(register_load(), 0);
    static trapper_t trappers[N_TRAPPERS];
    static churner_t churners[N_CHURNERS];
    pthread_t tt[N_TRAPPERS], ct[N_CHURNERS];
    for (int i = 0; i < N_CHURNERS; i++) {
        churners[i] = (churner_t){.base = 0x40000000u + 0x100000u * (uintptr_t)i};
        ck_assert_int_eq(pthread_create(&ct[i], NULL, churner_run, &churners[i]), 0);
    }
    for (int i = 0; i < N_TRAPPERS; i++) {
        trappers[i] = (trapper_t){.value = 1000 + i};
        ck_assert_int_eq(pthread_create(&tt[i], NULL, trapper_run, &trappers[i]), 0);
    }
    for (int i = 0; i < N_TRAPPERS; i++) {
        ck_assert_int_eq(pthread_join(tt[i], NULL), 0);
        ck_assert_uint_eq(trappers[i].n_recovered, N_TRAPS);
        ck_assert_uint_eq(trappers[i].n_loaded, N_TRAPS);
    }
    for (int i = 0; i < N_CHURNERS; i++) {
        ck_assert_int_eq(pthread_join(ct[i], NULL), 0);
        ck_assert_uint_eq(churners[i].n_ok, N_CHURN);
    }
    codemap_unregister((uintptr_t)load_block.rx);
    ck_assert_uint_eq(atomic_load(&codemap_shared.readers[0]), 0);
    ck_assert_uint_eq(atomic_load(&codemap_shared.readers[1]), 0);
    ck_assert_ptr_null(atomic_load(&codemap_shared.current));
}
END_TEST

Suite *
trap_handler_suite(void)
{
    Suite *s = suite_create("trap_handler");
    TCase *tc = tcase_create("recovery");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_trap_recovers_registered_load);
    tcase_add_test(tc, test_trap_recovers_sigbus);
    tcase_add_test(tc, test_trap_recovers_stack_overflow_on_alt_stack);
    tcase_add_test(tc, test_trap_chains_to_previous_handler);
    tcase_add_test(tc, test_trap_thread_init_is_idempotent);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("crash");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test_raise_signal(tc, test_trap_unregistered_fault_crashes, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_trap_fault_in_c_code_crashes, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_trap_fault_off_site_crashes, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_trap_sent_sigsegv_kills, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_trap_sigbus_in_c_code_crashes, SIGBUS);
#ifdef __SANITIZE_ADDRESS__
    tcase_add_exit_test(tc, test_trap_fault_in_c_code_reaches_asan, 1);
#endif
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("code_map");
    tcase_add_test(tc, test_codemap_lookup_finds_exact_sites);
    tcase_add_test(tc, test_codemap_rejects_bad_tables);
    tcase_add_test(tc, test_codemap_many_ranges);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("concurrency");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_trap_recovers_while_ranges_change);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
