/* Linear memory (engine/runtime/memory.h): sizes, zero fill, growth in place, the limits of
 * memory.grow (spec: execution, memory.grow), and the guard region: every byte past the committed
 * size up to the end of the widest 32-bit access faults. */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "memory.h"
#include "suite.h"

#define PAGE MEMORY_PAGE_SIZE

/* For tests that must die by SIGSEGV: the default action back (under ASan the sanitizer's handler
 * would report the fault and exit with 1 instead; these tests are about the mapping, not handlers)
 * and no core file. */
static void
expect_crash(void)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
}

static bool
is_zero(const uint8_t *p, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

START_TEST(test_memory_reports_sizes)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 10, &mem), 0);
    ck_assert_ptr_nonnull(mem->base);
    ck_assert_uint_eq(mem->pages, 1);
    ck_assert_uint_eq(mem->size, PAGE);
    ck_assert_uint_eq(mem->max_pages, 10);
    memory_free(mem);

    ck_assert_int_eq(memory_new(NULL, 3, MEMORY_MAX_PAGES, &mem), 0);
    ck_assert_uint_eq(mem->pages, 3);
    ck_assert_uint_eq(mem->size, 3 * PAGE);
    ck_assert_uint_eq(mem->max_pages, MEMORY_MAX_PAGES);
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_rejects_bad_limits)
{
    linear_memory_t *mem = (linear_memory_t *)1;
    ck_assert_int_eq(memory_new(NULL, 2, 1, &mem), SL_EARG);
    ck_assert_ptr_null(mem);
    ck_assert_int_eq(memory_new(NULL, 0, MEMORY_MAX_PAGES + 1, &mem), SL_EARG);
    ck_assert_int_eq(memory_new(NULL, MEMORY_MAX_PAGES + 1, MEMORY_MAX_PAGES + 1, &mem), SL_EARG);
    memory_free(NULL);
}
END_TEST

START_TEST(test_memory_is_zero_filled)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 4, 4, &mem), 0);
    ck_assert(is_zero(mem->base, mem->size));
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_grows_in_place)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 8, &mem), 0);
    uint8_t *base = mem->base;
    memset(base, 0x5a, PAGE);

    ck_assert_int_eq(memory_grow(mem, 2), 1);
    ck_assert_ptr_eq(mem->base, base);
    ck_assert_uint_eq(mem->pages, 3);
    ck_assert_uint_eq(mem->size, 3 * PAGE);
    ck_assert_uint_eq(base[0], 0x5a);
    ck_assert_uint_eq(base[PAGE - 1], 0x5a);
    ck_assert(is_zero(base + PAGE, 2 * PAGE)); /* spec: memory.grow: new pages are zero */
    base[3 * PAGE - 1] = 1;

    ck_assert_int_eq(memory_grow(mem, 0), 3); /* a zero delta reports the size */
    ck_assert_uint_eq(mem->pages, 3);
    ck_assert_int_eq(memory_grow(mem, 5), 3); /* up to max exactly */
    ck_assert_uint_eq(mem->pages, 8);
    ck_assert_ptr_eq(mem->base, base);
    base[8 * PAGE - 1] = 1;
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_grow_past_max_fails_unchanged)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 2, &mem), 0);
    uint8_t *base = mem->base;
    ck_assert_int_eq(memory_grow(mem, 2), -1);
    ck_assert_uint_eq(mem->pages, 1);
    ck_assert_uint_eq(mem->size, PAGE);
    ck_assert_ptr_eq(mem->base, base);
    ck_assert_int_eq(memory_grow(mem, UINT32_MAX), -1);
    ck_assert_uint_eq(mem->pages, 1);
    ck_assert_int_eq(memory_grow(mem, 1), 1);
    ck_assert_int_eq(memory_grow(mem, 1), -1);
    ck_assert_uint_eq(mem->pages, 2);
    memory_free(mem);

    /* Without a module maximum the limit is 65536 pages (4 GiB). */
    ck_assert_int_eq(memory_new(NULL, 0, MEMORY_MAX_PAGES, &mem), 0);
    ck_assert_int_eq(memory_grow(mem, MEMORY_MAX_PAGES + 1), -1);
    ck_assert_int_eq(memory_grow(mem, UINT32_MAX), -1);
    ck_assert_uint_eq(mem->pages, 0);
    ck_assert_int_eq(memory_grow(mem, MEMORY_MAX_PAGES), 0);
    ck_assert_uint_eq(mem->size, (uint64_t)MEMORY_MAX_PAGES * PAGE);
    ck_assert_int_eq(memory_grow(mem, 1), -1);
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_zero_pages)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 0, 0, &mem), 0);
    ck_assert_ptr_nonnull(mem->base); /* reserved all the same: every access faults */
    ck_assert_uint_eq(mem->pages, 0);
    ck_assert_uint_eq(mem->size, 0);
    ck_assert_int_eq(memory_grow(mem, 0), 0);
    ck_assert_int_eq(memory_grow(mem, 1), -1);
    memory_free(mem);

    ck_assert_int_eq(memory_new(NULL, 0, 1, &mem), 0);
    ck_assert_int_eq(memory_grow(mem, 1), 0);
    mem->base[PAGE - 1] = 9;
    ck_assert_uint_eq(mem->base[PAGE - 1], 9);
    memory_free(mem);
}
END_TEST

/* 4 GiB committed and several 8 GiB reservations at once cost address space, not memory. */
START_TEST(test_memory_full_size_is_lazy)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, MEMORY_MAX_PAGES, MEMORY_MAX_PAGES, &mem), 0);
    ck_assert_uint_eq(mem->size, (uint64_t)4 << 30);
    mem->base[0] = 1;
    mem->base[mem->size - 1] = 2;
    ck_assert_uint_eq(mem->base[0], 1);
    ck_assert_uint_eq(mem->base[mem->size - 1], 2);
    ck_assert_uint_eq(mem->base[mem->size / 2], 0);
    ck_assert_int_eq(memory_grow(mem, 1), -1);

    linear_memory_t *more[8];
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(memory_new(NULL, 1, MEMORY_MAX_PAGES, &more[i]), 0);
        ck_assert(more[i]->base + MEMORY_RESERVE <= mem->base ||
                  mem->base + MEMORY_RESERVE <= more[i]->base);
    }
    for (int i = 0; i < 8; i++)
        memory_free(more[i]);
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_last_byte_of_one_page_is_writable)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 1, &mem), 0);
    mem->base[65535] = 0xab; /* the last in-bounds byte */
    ck_assert_uint_eq(mem->base[65535], 0xab);
    memory_free(mem);
}
END_TEST

START_TEST(test_memory_access_past_size_faults)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 1, &mem), 0);
    expect_crash();
    volatile uint8_t *base = mem->base;
    base[65536] = 1; /* SIGSEGV: the first byte out of bounds */
    ck_abort_msg("wrote past the end of linear memory");
}
END_TEST

START_TEST(test_memory_failed_grow_keeps_guard)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, 1, &mem), 0);
    ck_assert_int_eq(memory_grow(mem, 1), -1);
    expect_crash();
    volatile uint8_t *base = mem->base;
    (void)base[PAGE]; /* SIGSEGV */
    ck_abort_msg("read past the end of linear memory after a failed grow");
}
END_TEST

/* The farthest a 32-bit access can reach: index and offset both UINT32_MAX, the last byte of a
 * 16-byte (v128) access. Still inside the reservation, still faulting. */
START_TEST(test_memory_widest_access_faults)
{
    linear_memory_t *mem;
    ck_assert_int_eq(memory_new(NULL, 1, MEMORY_MAX_PAGES, &mem), 0);
    uint64_t last = (uint64_t)UINT32_MAX + UINT32_MAX + 15;
    ck_assert_uint_lt(last, MEMORY_RESERVE);
    expect_crash();
    volatile uint8_t *base = mem->base;
    (void)base[last]; /* SIGSEGV */
    ck_abort_msg("read at the end of the guard region");
}
END_TEST

Suite *
memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("size");
    tcase_add_test(tc, test_memory_reports_sizes);
    tcase_add_test(tc, test_memory_rejects_bad_limits);
    tcase_add_test(tc, test_memory_is_zero_filled);
    tcase_add_test(tc, test_memory_zero_pages);
    tcase_add_test(tc, test_memory_full_size_is_lazy);
    tcase_add_test(tc, test_memory_last_byte_of_one_page_is_writable);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("grow");
    tcase_add_test(tc, test_memory_grows_in_place);
    tcase_add_test(tc, test_memory_grow_past_max_fails_unchanged);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("guard");
    tcase_add_test_raise_signal(tc, test_memory_access_past_size_faults, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_memory_failed_grow_keeps_guard, SIGSEGV);
    tcase_add_test_raise_signal(tc, test_memory_widest_access_faults, SIGSEGV);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
