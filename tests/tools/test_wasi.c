/* The WASI layer of `slipstream run` (tools/wasi.c), called directly against a real linear memory
 * of one page: stdio through pipes and files, iovecs, bounds checks, arguments, environment,
 * clocks, randomness, exit, and linking a module's imports. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "slipstream.h"
#include "suite.h"
#include "wasi.h"
#include "wat.h"

enum { PAGE = 65536 };

static sl_engine_t *engine;
static sl_store_t *store;
static sl_memory_t *memory;
static uint8_t *mem; /* the memory's bytes */
static wasi_t w;
static int pipe_fds[2]; /* [0] read end, [1] write end */

static char *test_argv[] = {"prog.wasm", "a b", "", NULL};
static char *test_env[] = {"X=1", "EMPTY=", NULL};

static void
setup(void)
{
    ck_assert_int_eq(sl_engine_new(NULL, &engine), 0);
    ck_assert_int_eq(sl_store_new(engine, &store), 0);
    ck_assert_int_eq(sl_memory_new(store, 1, 1, &memory), 0);
    uint64_t size;
    mem = sl_memory_data(memory, &size);
    ck_assert_uint_eq(size, PAGE);
    wasi_init(&w, 3, test_argv, test_env);
    w.memory = memory;
    ck_assert_int_eq(pipe2(pipe_fds, O_NONBLOCK), 0);
}

static void
teardown(void)
{
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    sl_store_free(store);
    sl_engine_free(engine);
}

/* Calls the WASI function `name` with integer arguments converted to its parameter types and
 * returns its i32 result (the errno), or the callback's trap code for proc_exit. */
static int32_t
call_args(const char *name, const uint64_t *in, size_t n_in)
{
    const wasi_func_t *f = wasi_func_find(name, strlen(name));
    ck_assert_msg(f != NULL, "no WASI function %s", name);
    ck_assert_uint_eq(n_in, f->n_params);
    sl_value_t args[8] = {0}, results[1] = {0};
    for (uint32_t i = 0; i < f->n_params; i++) {
        args[i].type = f->params[i];
        if (f->params[i] == SL_I64)
            args[i].of.i64 = (int64_t)in[i];
        else
            args[i].of.i32 = (int32_t)(uint32_t)in[i];
    }
    int trap = f->cb(&w, args, results);
    if (f->n_results == 0)
        return trap;
    ck_assert_int_eq(trap, 0);
    ck_assert_int_eq(results[0].type, SL_I32);
    return results[0].of.i32;
}

#define CALL(name, ...)                                                                           \
    call_args(name, (const uint64_t[]){__VA_ARGS__},                                              \
              sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))

static uint32_t
load32(uint32_t at)
{
    return (uint32_t)mem[at] | (uint32_t)mem[at + 1] << 8 | (uint32_t)mem[at + 2] << 16 |
           (uint32_t)mem[at + 3] << 24;
}

static uint64_t
load64(uint32_t at)
{
    return load32(at) | (uint64_t)load32(at + 4) << 32;
}

static void
store32(uint32_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        mem[at + i] = (uint8_t)(v >> (8 * i));
}

/* An iovec {buf, len} at index i of the array at `at`. */
static void
iovec_at(uint32_t at, int i, uint32_t buf, uint32_t len)
{
    store32(at + 8 * (uint32_t)i, buf);
    store32(at + 8 * (uint32_t)i + 4, len);
}

/* Whatever is in the pipe now (it is non-blocking). */
static size_t
drain(char *buf, size_t size)
{
    ssize_t n = read(pipe_fds[0], buf, size);
    return n > 0 ? (size_t)n : 0;
}

/* ---- fd_write / fd_read ---------------------------------------------------------------------- */

START_TEST(test_wasi_fd_write_gathers_iovecs)
{
    memcpy(mem + 0x1000, "hel", 3);
    memcpy(mem + 0x2000, "lo ", 3);
    memcpy(mem + PAGE - 5, "world", 5); /* the last byte of memory is the last byte written */
    iovec_at(0x100, 0, 0x1000, 3);
    iovec_at(0x100, 1, 0x3000, 0); /* empty */
    iovec_at(0x100, 2, 0x2000, 3);
    iovec_at(0x100, 3, PAGE - 5, 5);
    w.host_fds[1] = pipe_fds[1];
    ck_assert_int_eq(CALL("fd_write", 1, 0x100, 4, 0x200), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x200), 11);
    char got[64];
    size_t n = drain(got, sizeof got);
    ck_assert_uint_eq(n, 11);
    ck_assert_mem_eq(got, "hello world", 11);
}
END_TEST

START_TEST(test_wasi_fd_write_zero_iovecs)
{
    w.host_fds[2] = pipe_fds[1];
    store32(0x200, 99);
    ck_assert_int_eq(CALL("fd_write", 2, PAGE, 0, 0x200), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x200), 0);
}
END_TEST

/* Every way a guest pointer can be out of bounds is EFAULT, and nothing is written. */
static const struct {
    uint32_t iovs, n_iovs, buf, len, nwritten;
} bad_writes[] = {
    {0x100, 1, PAGE - 5, 6, 0x200},          /* the buffer runs one byte past the end */
    {0x100, 1, PAGE, 1, 0x200},              /* the buffer starts at the end */
    {0x100, 1, 0xffffffffu, 2, 0x200},       /* pointer + length wraps around 2^32 */
    {0x100, 1, 0x1000, 0xffffffffu, 0x200},  /* a huge length */
    {PAGE - 4, 1, 0, 0, 0x200},              /* the iovec array itself is cut off */
    {0x100, 0x20000000u, 0x1000, 1, 0x200},  /* n_iovs * 8 is past the memory */
    {0x100, 1, 0x1000, 1, PAGE - 3},         /* nwritten does not fit */
};

START_TEST(test_wasi_fd_write_efault)
{
    w.host_fds[1] = pipe_fds[1];
    memset(mem + 0x1000, 'x', 16);
    iovec_at(0x100, 0, bad_writes[_i].buf, bad_writes[_i].len);
    uint32_t iovs = bad_writes[_i].iovs;
    store32(0x200, 1234);
    ck_assert_int_eq(CALL("fd_write", 1, iovs, bad_writes[_i].n_iovs, bad_writes[_i].nwritten),
                     WASI_EFAULT);
    ck_assert_uint_eq(load32(0x200), 1234);
    char got[16];
    ck_assert_uint_eq(drain(got, sizeof got), 0);
}
END_TEST

START_TEST(test_wasi_fd_write_second_iovec_efault_writes_nothing)
{
    w.host_fds[1] = pipe_fds[1];
    memcpy(mem + 0x1000, "ok", 2);
    iovec_at(0x100, 0, 0x1000, 2);
    iovec_at(0x100, 1, PAGE - 1, 2);
    ck_assert_int_eq(CALL("fd_write", 1, 0x100, 2, 0x200), WASI_EFAULT);
    char got[16];
    ck_assert_uint_eq(drain(got, sizeof got), 0);
}
END_TEST

START_TEST(test_wasi_fd_read_scatters)
{
    w.host_fds[0] = pipe_fds[0];
    ck_assert_int_eq(write(pipe_fds[1], "abcdefgh", 8), 8);
    iovec_at(0x100, 0, 0x1000, 3);
    iovec_at(0x100, 1, 0x2000, 10);
    ck_assert_int_eq(CALL("fd_read", 0, 0x100, 2, 0x200), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x200), 8);
    ck_assert_mem_eq(mem + 0x1000, "abc", 3);
    ck_assert_mem_eq(mem + 0x2000, "defgh", 5);
}
END_TEST

START_TEST(test_wasi_fd_read_at_eof_reads_zero)
{
    w.host_fds[0] = pipe_fds[0];
    close(pipe_fds[1]);
    pipe_fds[1] = open("/dev/null", O_WRONLY); /* keep teardown's close harmless */
    iovec_at(0x100, 0, 0x1000, 16);
    store32(0x200, 77);
    ck_assert_int_eq(CALL("fd_read", 0, 0x100, 1, 0x200), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x200), 0);
}
END_TEST

START_TEST(test_wasi_fd_read_host_error_is_mapped)
{
    w.host_fds[0] = pipe_fds[0]; /* non-blocking and empty: EAGAIN, witx errno 6 */
    iovec_at(0x100, 0, 0x1000, 16);
    ck_assert_int_eq(CALL("fd_read", 0, 0x100, 1, 0x200), 6);
}
END_TEST

START_TEST(test_wasi_fd_direction_and_bad_fds)
{
    iovec_at(0x100, 0, 0x1000, 1);
    ck_assert_int_eq(CALL("fd_write", 0, 0x100, 1, 0x200), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_read", 1, 0x100, 1, 0x200), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_write", 3, 0x100, 1, 0x200), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_write", 0xffffffffu, 0x100, 1, 0x200), WASI_EBADF);
}
END_TEST

START_TEST(test_wasi_fd_close_ends_the_guest_fd)
{
    w.host_fds[1] = pipe_fds[1];
    iovec_at(0x100, 0, 0x1000, 1);
    ck_assert_int_eq(CALL("fd_close", 1), WASI_ESUCCESS);
    ck_assert_int_eq(CALL("fd_write", 1, 0x100, 1, 0x200), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_close", 1), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_close", 7), WASI_EBADF);
    /* the host's descriptor stays open */
    ck_assert_int_eq(fcntl(pipe_fds[1], F_GETFD), 0);
}
END_TEST

START_TEST(test_wasi_without_memory_is_efault)
{
    w.memory = NULL;
    w.host_fds[1] = pipe_fds[1];
    ck_assert_int_eq(CALL("fd_write", 1, 0, 0, 0), WASI_EFAULT);
    ck_assert_int_eq(CALL("args_sizes_get", 0, 4), WASI_EFAULT);
}
END_TEST

/* ---- seek and fdstat ------------------------------------------------------------------------- */

START_TEST(test_wasi_fd_seek_on_a_pipe_is_espipe)
{
    w.host_fds[1] = pipe_fds[1];
    ck_assert_int_eq(CALL("fd_seek", 1, 0, 1, 0x200), WASI_ESPIPE);
    ck_assert_int_eq(CALL("fd_seek", 1, 0, 3, 0x200), WASI_EINVAL); /* no such whence */
    ck_assert_int_eq(CALL("fd_seek", 1, 0, 0, PAGE - 7), WASI_EFAULT);
    ck_assert_int_eq(CALL("fd_seek", 5, 0, 0, 0x200), WASI_EBADF);
}
END_TEST

START_TEST(test_wasi_fd_seek_on_a_file)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs("0123456789", f) >= 0, 1);
    fflush(f);
    w.host_fds[1] = fileno(f);
    ck_assert_int_eq(CALL("fd_seek", 1, 4, 0, 0x200), WASI_ESUCCESS); /* set */
    ck_assert_uint_eq(load64(0x200), 4);
    ck_assert_int_eq(CALL("fd_seek", 1, (uint64_t)-1, 1, 0x200), WASI_ESUCCESS); /* cur */
    ck_assert_uint_eq(load64(0x200), 3);
    ck_assert_int_eq(CALL("fd_seek", 1, (uint64_t)-2, 2, 0x200), WASI_ESUCCESS); /* end */
    ck_assert_uint_eq(load64(0x200), 8);
    ck_assert_int_eq(CALL("fd_seek", 1, (uint64_t)-100, 0, 0x200), WASI_EINVAL);
    fclose(f);
}
END_TEST

/* The fdstat of a host descriptor: filetype byte, fdflags, rights_base. */
static void
fdstat_of(int host_fd, uint32_t fd, uint8_t *filetype, uint16_t *flags, uint64_t *rights)
{
    w.host_fds[fd] = host_fd;
    memset(mem + 0x300, 0xee, 24);
    ck_assert_int_eq(CALL("fd_fdstat_get", fd, 0x300), WASI_ESUCCESS);
    *filetype = mem[0x300];
    *flags = (uint16_t)(mem[0x302] | mem[0x303] << 8);
    *rights = load64(0x308);
    ck_assert_uint_eq(mem[0x301], 0); /* padding is cleared */
    ck_assert_uint_eq(load64(0x310), 0); /* nothing to inherit */
}

START_TEST(test_wasi_fd_fdstat_get_filetypes)
{
    uint8_t type;
    uint16_t flags;
    uint64_t rights;
    const uint64_t read = 1 << 1, seek = 1 << 2, tell = 1 << 5, write_ = 1 << 6;

    fdstat_of(pipe_fds[1], 1, &type, &flags, &rights);
    ck_assert_uint_eq(type, WASI_FILETYPE_UNKNOWN); /* preview1 has no pipe type */
    ck_assert_uint_eq(flags & 4, 4);                /* nonblock */
    ck_assert_uint_eq(rights & (write_ | read | seek), write_);

    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    fdstat_of(fileno(f), 2, &type, &flags, &rights);
    ck_assert_uint_eq(type, WASI_FILETYPE_REGULAR_FILE);
    ck_assert_uint_eq(rights & (seek | tell), seek | tell);
    fclose(f);

    int null_fd = open("/dev/null", O_RDONLY);
    fdstat_of(null_fd, 0, &type, &flags, &rights);
    ck_assert_uint_eq(type, WASI_FILETYPE_CHARACTER_DEVICE);
    ck_assert_uint_eq(rights & (read | write_), read);
    close(null_fd);
}
END_TEST

START_TEST(test_wasi_fd_fdstat_get_errors)
{
    ck_assert_int_eq(CALL("fd_fdstat_get", 3, 0x300), WASI_EBADF);
    ck_assert_int_eq(CALL("fd_fdstat_get", 1, PAGE - 23), WASI_EFAULT);
}
END_TEST

START_TEST(test_wasi_no_preopens)
{
    for (uint64_t fd = 0; fd < 5; fd++) {
        ck_assert_int_eq(CALL("fd_prestat_get", fd, 0x100), WASI_EBADF);
        ck_assert_int_eq(CALL("fd_prestat_dir_name", fd, 0x100, 16), WASI_EBADF);
    }
}
END_TEST

/* ---- arguments and environment --------------------------------------------------------------- */

START_TEST(test_wasi_args)
{
    ck_assert_int_eq(CALL("args_sizes_get", 0x10, 0x14), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x10), 3);
    ck_assert_uint_eq(load32(0x14), 10 + 4 + 1); /* "prog.wasm\0" "a b\0" "\0" */
    ck_assert_int_eq(CALL("args_get", 0x100, 0x200), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x100), 0x200);
    ck_assert_uint_eq(load32(0x104), 0x20a);
    ck_assert_uint_eq(load32(0x108), 0x20e);
    ck_assert_str_eq((char *)mem + 0x200, "prog.wasm");
    ck_assert_str_eq((char *)mem + 0x20a, "a b");
    ck_assert_str_eq((char *)mem + 0x20e, "");
}
END_TEST

START_TEST(test_wasi_environ)
{
    ck_assert_int_eq(CALL("environ_sizes_get", 0x10, 0x14), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x10), 2);
    ck_assert_uint_eq(load32(0x14), 4 + 7);
    /* the strings fill the memory up to its very last byte */
    ck_assert_int_eq(CALL("environ_get", 0x100, PAGE - 11), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x100), PAGE - 11);
    ck_assert_uint_eq(load32(0x104), PAGE - 7);
    ck_assert_str_eq((char *)mem + PAGE - 11, "X=1");
    ck_assert_str_eq((char *)mem + PAGE - 7, "EMPTY=");
}
END_TEST

START_TEST(test_wasi_args_efault)
{
    ck_assert_int_eq(CALL("args_sizes_get", PAGE - 2, 0x14), WASI_EFAULT);
    ck_assert_int_eq(CALL("args_sizes_get", 0x10, PAGE), WASI_EFAULT);
    memset(mem + PAGE - 16, 0x5a, 16);
    ck_assert_int_eq(CALL("args_get", 0x100, PAGE - 14), WASI_EFAULT); /* needs 15 bytes */
    ck_assert_int_eq(CALL("args_get", PAGE - 8, 0x200), WASI_EFAULT);  /* needs 12 bytes */
    ck_assert_int_eq(CALL("environ_get", 0xfffffffcu, 0x200), WASI_EFAULT);
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(mem[PAGE - 16 + i], 0x5a); /* nothing was written */
}
END_TEST

START_TEST(test_wasi_empty_args_and_environ)
{
    wasi_init(&w, 0, NULL, NULL);
    w.memory = memory;
    ck_assert_int_eq(CALL("environ_sizes_get", 0x10, 0x14), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x10), 0);
    ck_assert_uint_eq(load32(0x14), 0);
    ck_assert_int_eq(CALL("args_sizes_get", 0x10, 0x14), WASI_ESUCCESS);
    ck_assert_uint_eq(load32(0x10), 0);
    ck_assert_int_eq(CALL("args_get", PAGE, PAGE), WASI_ESUCCESS); /* nothing to write */
}
END_TEST

/* ---- clocks, random, exit -------------------------------------------------------------------- */

START_TEST(test_wasi_clock_time_get)
{
    ck_assert_int_eq(CALL("clock_time_get", 1, 1, 0x10), WASI_ESUCCESS); /* monotonic */
    ck_assert_int_eq(CALL("clock_time_get", 1, 1, 0x18), WASI_ESUCCESS);
    ck_assert_uint_gt(load64(0x10), 0);
    ck_assert_uint_ge(load64(0x18), load64(0x10));

    ck_assert_int_eq(CALL("clock_time_get", 0, 1000, 0x20), WASI_ESUCCESS); /* realtime */
    uint64_t now_s = (uint64_t)time(NULL);
    uint64_t got_s = load64(0x20) / 1000000000u;
    ck_assert_uint_le(got_s, now_s + 1);
    ck_assert_uint_ge(got_s + 5, now_s);

    ck_assert_int_eq(CALL("clock_time_get", 2, 0, 0x28), WASI_ESUCCESS); /* process cputime */
    ck_assert_int_eq(CALL("clock_time_get", 4, 0, 0x10), WASI_EINVAL);
    ck_assert_int_eq(CALL("clock_time_get", 1, 0, PAGE - 4), WASI_EFAULT);
    ck_assert_int_eq(CALL("clock_res_get", 1, 0x30), WASI_ESUCCESS);
    ck_assert_uint_gt(load64(0x30), 0);
}
END_TEST

START_TEST(test_wasi_random_get)
{
    ck_assert_int_eq(CALL("random_get", 0x1000, 256), WASI_ESUCCESS);
    int n_zero = 0;
    for (int i = 0; i < 256; i++)
        n_zero += mem[0x1000 + i] == 0;
    ck_assert_int_lt(n_zero, 32); /* 256 random bytes with 32 zeros: about 1 in 10^17 */
    ck_assert_int_eq(CALL("random_get", PAGE - 8, 8), WASI_ESUCCESS);
    ck_assert_int_eq(CALL("random_get", PAGE, 0), WASI_ESUCCESS);
    ck_assert_int_eq(CALL("random_get", PAGE - 8, 9), WASI_EFAULT);
}
END_TEST

START_TEST(test_wasi_proc_exit_traps_with_the_code)
{
    ck_assert_int_eq(CALL("proc_exit", 7), SL_TRAP_HOST);
    ck_assert(w.has_exited);
    ck_assert_uint_eq(w.exit_code, 7);
}
END_TEST

START_TEST(test_wasi_table_signatures)
{
    const wasi_func_t *f = wasi_func_find("fd_seek", 7);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_params, 4);
    ck_assert_uint_eq(f->params[1], SL_I64);
    ck_assert_uint_eq(f->n_results, 1);
    f = wasi_func_find("proc_exit", 9);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_results, 0);
    ck_assert_ptr_null(wasi_func_find("path_open", 9));
    ck_assert_ptr_null(wasi_func_find("fd_writeX", 9));
    ck_assert_ptr_null(wasi_func_find("fd_writ", 7));
}
END_TEST

/* ---- linking --------------------------------------------------------------------------------- */

static sl_module_t *
decode_wat(const char *wat)
{
    char why[512];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    sl_module_t *m = NULL;
    ck_assert_int_eq(sl_module_decode(bytes, size, NULL, &m, NULL), 0);
    free(bytes);
    return m;
}

START_TEST(test_wasi_link_provides_stubs_for_the_rest)
{
    sl_module_t *m = decode_wat(
        "(module\n"
        "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32 i32 i32 i32) (result i32)))\n"
        "  (import \"wasi_snapshot_preview1\" \"path_open\"\n"
        "    (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32))))");
    ck_assert(wasi_is_wanted(m));
    sl_extern_t *externs = NULL;
    char why[256] = "";
    ck_assert_int_eq(wasi_link(&w, store, m, &externs, why, sizeof why), 0);
    ck_assert_ptr_nonnull(externs);
    ck_assert_int_eq(externs[1].kind, SL_EXTERN_FUNC);
    sl_value_t args[9] = {0}, result = {0};
    for (int i = 0; i < 9; i++)
        args[i].type = i == 5 || i == 6 ? SL_I64 : SL_I32;
    ck_assert_int_eq(sl_func_call(externs[1].of.func, args, 9, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i32, WASI_ENOSYS);
    free(externs);
    sl_module_unref(m);
}
END_TEST

static const struct {
    const char *imports;
    const char *why;
} bad_links[] = {
    {"(import \"env\" \"foo\" (func))", "unknown import env::foo"},
    {"(import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32 i32 i32) (result i32)))",
     "incompatible import type for wasi_snapshot_preview1::fd_write"},
    {"(import \"wasi_snapshot_preview1\" \"memory\" (memory 1))",
     "unknown import wasi_snapshot_preview1::memory"},
    {"(import \"wasi_snapshot_preview1\" \"odd\" (func (param i32)))",
     "wasi_snapshot_preview1::odd is not provided and does not return an errno"},
};

START_TEST(test_wasi_link_refuses)
{
    char wat[512];
    snprintf(wat, sizeof wat, "(module %s)", bad_links[_i].imports);
    sl_module_t *m = decode_wat(wat);
    sl_extern_t *externs = NULL;
    char why[256] = "";
    ck_assert_int_eq(wasi_link(&w, store, m, &externs, why, sizeof why), SL_ELINK);
    ck_assert_ptr_null(externs);
    ck_assert_msg(strstr(why, bad_links[_i].why) != NULL, "got '%s'", why);
    sl_module_unref(m);
}
END_TEST

START_TEST(test_wasi_link_without_imports)
{
    sl_module_t *m = decode_wat("(module (func (export \"f\")))");
    ck_assert(!wasi_is_wanted(m));
    sl_extern_t *externs = (sl_extern_t *)&w; /* must be reset */
    char why[64];
    ck_assert_int_eq(wasi_link(&w, store, m, &externs, why, sizeof why), 0);
    ck_assert_ptr_null(externs);
    sl_module_unref(m);
}
END_TEST

Suite *
wasi_suite(void)
{
    Suite *s = suite_create("wasi");
    TCase *tc = tcase_create("fd");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_wasi_fd_write_gathers_iovecs);
    tcase_add_test(tc, test_wasi_fd_write_zero_iovecs);
    tcase_add_loop_test(tc, test_wasi_fd_write_efault, 0,
                        sizeof bad_writes / sizeof bad_writes[0]);
    tcase_add_test(tc, test_wasi_fd_write_second_iovec_efault_writes_nothing);
    tcase_add_test(tc, test_wasi_fd_read_scatters);
    tcase_add_test(tc, test_wasi_fd_read_at_eof_reads_zero);
    tcase_add_test(tc, test_wasi_fd_read_host_error_is_mapped);
    tcase_add_test(tc, test_wasi_fd_direction_and_bad_fds);
    tcase_add_test(tc, test_wasi_fd_close_ends_the_guest_fd);
    tcase_add_test(tc, test_wasi_without_memory_is_efault);
    tcase_add_test(tc, test_wasi_fd_seek_on_a_pipe_is_espipe);
    tcase_add_test(tc, test_wasi_fd_seek_on_a_file);
    tcase_add_test(tc, test_wasi_fd_fdstat_get_filetypes);
    tcase_add_test(tc, test_wasi_fd_fdstat_get_errors);
    tcase_add_test(tc, test_wasi_no_preopens);
    suite_add_tcase(s, tc);

    tc = tcase_create("args");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_wasi_args);
    tcase_add_test(tc, test_wasi_environ);
    tcase_add_test(tc, test_wasi_args_efault);
    tcase_add_test(tc, test_wasi_empty_args_and_environ);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_wasi_clock_time_get);
    tcase_add_test(tc, test_wasi_random_get);
    tcase_add_test(tc, test_wasi_proc_exit_traps_with_the_code);
    tcase_add_test(tc, test_wasi_table_signatures);
    suite_add_tcase(s, tc);

    tc = tcase_create("link");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_wasi_link_provides_stubs_for_the_rest);
    tcase_add_loop_test(tc, test_wasi_link_refuses, 0, sizeof bad_links / sizeof bad_links[0]);
    tcase_add_test(tc, test_wasi_link_without_imports);
    suite_add_tcase(s, tc);
    return s;
}
