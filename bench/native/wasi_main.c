/* The host side of a wasm2c-translated WASI command, for the native column of the benchmark: a
 * main() that instantiates the module generated as "prog" (wasm2c -n prog) and runs _start, and
 * the handful of wasi_snapshot_preview1 functions that wasi-libc's start-up and printf import.
 * Only stdout and stderr exist; anything else fails with a WASI errno. Not a general WASI. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prog.h"

/* WASI errno values (wasi_snapshot_preview1 "errno"). */
#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_EFAULT 21
#define WASI_ESPIPE 70

/* WASI filetype "character_device" and all rights, for fds 0-2. */
#define WASI_FILETYPE_CHARACTER_DEVICE 2

/* The runtime library's trap target (libwasm-rt-impl from Debian's wabt 1.0.32): wasm_rt_trap
 * longjmps here. */
extern WASM_RT_UNWIND_TARGET wasm_rt_jmp_buf;

struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory;
    int argc;
    char **argv;
};

/* A pointer to `size` bytes of guest memory at `addr`, or NULL when out of bounds. */
static uint8_t *
guest(struct Z_wasi_snapshot_preview1_instance_t *w, u32 addr, u64 size)
{
    if ((u64)addr + size > w->memory->size)
        return NULL;
    return w->memory->data + addr;
}

static int
put_u32(struct Z_wasi_snapshot_preview1_instance_t *w, u32 addr, u32 value)
{
    uint8_t *p = guest(w, addr, 4);
    if (!p)
        return 0;
    memcpy(p, &value, 4); /* wasm and x86-64 are both little-endian */
    return 1;
}

u32
Z_wasi_snapshot_preview1Z_args_sizes_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                          u32 argc_addr, u32 buf_size_addr)
{
    u32 size = 0;
    for (int i = 0; i < w->argc; i++)
        size += (u32)strlen(w->argv[i]) + 1;
    if (!put_u32(w, argc_addr, (u32)w->argc) || !put_u32(w, buf_size_addr, size))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_args_get(struct Z_wasi_snapshot_preview1_instance_t *w, u32 argv_addr,
                                    u32 buf_addr)
{
    for (int i = 0; i < w->argc; i++) {
        u32 len = (u32)strlen(w->argv[i]) + 1;
        uint8_t *dst = guest(w, buf_addr, len);
        if (!dst || !put_u32(w, argv_addr + 4 * (u32)i, buf_addr))
            return WASI_EFAULT;
        memcpy(dst, w->argv[i], len);
        buf_addr += len;
    }
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd)
{
    (void)w;
    return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

u32
Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                         u32 stat_addr)
{
    if (fd > 2)
        return WASI_EBADF;
    uint8_t *p = guest(w, stat_addr, 24);
    if (!p)
        return WASI_EFAULT;
    /* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16 */
    u64 all_rights = ~(u64)0;
    memset(p, 0, 24);
    p[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    memcpy(p + 8, &all_rights, 8);
    memcpy(p + 16, &all_rights, 8);
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                   u64 offset, u32 whence, u32 result_addr)
{
    (void)w, (void)offset, (void)whence, (void)result_addr;
    return fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

u32
Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                    u32 iovs_addr, u32 n_iovs, u32 written_addr)
{
    if (fd != 1 && fd != 2)
        return WASI_EBADF;
    FILE *out = fd == 1 ? stdout : stderr;
    u32 total = 0;
    for (u32 i = 0; i < n_iovs; i++) {
        uint8_t *iov = guest(w, iovs_addr + 8 * i, 8);
        if (!iov)
            return WASI_EFAULT;
        u32 buf, len;
        memcpy(&buf, iov, 4);
        memcpy(&len, iov + 4, 4);
        uint8_t *data = guest(w, buf, len);
        if (!data)
            return WASI_EFAULT;
        total += (u32)fwrite(data, 1, len, out);
    }
    return put_u32(w, written_addr, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

void
Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w, u32 code)
{
    (void)w;
    fflush(stdout);
    fflush(stderr);
    exit((int)code);
}

int
main(int argc, char **argv)
{
    static Z_prog_instance_t instance;
    struct Z_wasi_snapshot_preview1_instance_t wasi = {.argc = argc, .argv = argv};
    wasm_rt_init();
    Z_prog_init_module();
    Z_prog_instantiate(&instance, &wasi);
    wasi.memory = Z_progZ_memory(&instance);
    int trap = wasm_rt_try(wasm_rt_jmp_buf);
    if (trap) {
        fflush(stdout);
        fprintf(stderr, "%s: trap: %s\n", argv[0], wasm_rt_strerror((wasm_rt_trap_t)trap));
        return 134;
    }
    Z_progZ__start(&instance);
    Z_prog_free(&instance);
    wasm_rt_free();
    return 0;
}
