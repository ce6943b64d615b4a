/* WASI preview1 host functions over the host's stdio, clocks and random source, and the linking of
 * a module's WASI imports to them. Signatures and errno values follow the preview1 witx
 * (wasi_snapshot_preview1); see wasi.h for the contract. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ---- guest memory ---------------------------------------------------------------------------- */

/* The guest bytes [ptr, ptr + len), or NULL when any of them lies outside the memory as it is
 * now. The size is read on every call: the guest may have grown its memory since the last one. */
static uint8_t *
guest(const wasi_t *w, uint32_t ptr, uint64_t len)
{
    if (!w->memory)
        return NULL;
    uint64_t size = 0;
    uint8_t *base = sl_memory_data(w->memory, &size);
    if (!base || ptr > size || len > size - ptr)
        return NULL;
    return base + ptr;
}

/* Guest memory is little-endian whatever the host is, and guest pointers need not be aligned. */
static void
put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void
put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- values and errors ----------------------------------------------------------------------- */

static uint32_t
arg_u32(const sl_value_t *args, int i)
{
    return (uint32_t)args[i].of.i32;
}

/* Every preview1 function but proc_exit returns its errno as the one i32 result. */
static int
ret(sl_value_t *results, uint32_t wasi_errno)
{
    results[0].type = SL_I32;
    results[0].of.i32 = (int32_t)wasi_errno;
    return 0;
}

/* Host errno → witx `errno`; anything unlisted becomes EIO. */
static const struct {
    int host;
    uint16_t wasi;
} errno_map[] = {
    {E2BIG, 1},       {EACCES, 2},      {EAGAIN, 6},   {EBADF, 8},      {EBUSY, 10},
    {ECONNRESET, 15}, {EDQUOT, 19},     {EEXIST, 20},  {EFAULT, 21},    {EFBIG, 22},
    {EINTR, 27},      {EINVAL, 28},     {EIO, 29},     {EISDIR, 31},    {EMFILE, 33},
    {ENOBUFS, 42},    {ENODEV, 43},     {ENOENT, 44},  {ENOMEM, 48},    {ENOSPC, 51},
    {ENOSYS, 52},     {ENOTCONN, 53},   {ENOTDIR, 54}, {ENOTSUP, 58},   {ENOTTY, 59},
    {ENXIO, 60},      {EOVERFLOW, 61},  {EPERM, 63},   {EPIPE, 64},     {ERANGE, 68},
    {EROFS, 69},      {ESPIPE, 70},     {ETIMEDOUT, 73},
};

static uint32_t
from_errno(int host)
{
    for (size_t i = 0; i < sizeof errno_map / sizeof errno_map[0]; i++)
        if (errno_map[i].host == host)
            return errno_map[i].wasi;
    return WASI_EIO;
}

/* The host descriptor behind guest fd `fd`, or -1 when the guest has no such open fd. */
static int
host_fd(const wasi_t *w, uint32_t fd)
{
    return fd < WASI_N_STDIO ? w->host_fds[fd] : -1;
}

/* ---- arguments and environment --------------------------------------------------------------- */

/* A NULL-terminated or counted string list, as args and environ both are. */
typedef struct strings {
    char *const *list;
    size_t n;
} strings_t;

static strings_t
args_of(const wasi_t *w)
{
    return (strings_t){w->argv, w->argv ? (size_t)w->argc : 0};
}

static strings_t
environ_of(const wasi_t *w)
{
    size_t n = 0;
    while (w->envp && w->envp[n])
        n++;
    return (strings_t){w->envp, n};
}

/* The bytes all strings take with their terminating NULs; UINT64_MAX beyond what a guest can
 * address. */
static uint64_t
strings_size(strings_t s)
{
    uint64_t size = 0;
    for (size_t i = 0; i < s.n; i++)
        size += strlen(s.list[i]) + 1;
    return size;
}

static uint32_t
sizes_get(const wasi_t *w, strings_t s, uint32_t count_ptr, uint32_t size_ptr)
{
    uint64_t size = strings_size(s);
    if (s.n > UINT32_MAX || size > UINT32_MAX)
        return 1; /* E2BIG: the guest could not hold them */
    uint8_t *count_p = guest(w, count_ptr, 4);
    uint8_t *size_p = guest(w, size_ptr, 4);
    if (!count_p || !size_p)
        return WASI_EFAULT;
    put_u32(count_p, (uint32_t)s.n);
    put_u32(size_p, (uint32_t)size);
    return 0;
}

/* Writes the pointer array at ptrs_ptr and the strings, packed, at buf_ptr (spec: args_get). */
static uint32_t
strings_get(const wasi_t *w, strings_t s, uint32_t ptrs_ptr, uint32_t buf_ptr)
{
    uint64_t size = strings_size(s);
    uint8_t *ptrs = guest(w, ptrs_ptr, (uint64_t)s.n * 4);
    uint8_t *buf = guest(w, buf_ptr, size);
    if (!ptrs || !buf)
        return WASI_EFAULT;
    uint32_t at = buf_ptr;
    for (size_t i = 0; i < s.n; i++) {
        size_t len = strlen(s.list[i]) + 1;
        put_u32(ptrs + 4 * i, at);
        memcpy(buf + (at - buf_ptr), s.list[i], len);
        at += (uint32_t)len;
    }
    return 0;
}

static int
args_sizes_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    return ret(results, sizes_get(w, args_of(w), arg_u32(args, 0), arg_u32(args, 1)));
}

static int
args_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    return ret(results, strings_get(w, args_of(w), arg_u32(args, 0), arg_u32(args, 1)));
}

static int
environ_sizes_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    return ret(results, sizes_get(w, environ_of(w), arg_u32(args, 0), arg_u32(args, 1)));
}

static int
environ_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    return ret(results, strings_get(w, environ_of(w), arg_u32(args, 0), arg_u32(args, 1)));
}

/* ---- reading and writing --------------------------------------------------------------------- */

enum { IOV_BATCH = 64 }; /* host iovecs per readv/writev: well under IOV_MAX */

/* fd_read and fd_write: `iovs` is an array of n_iovs witx `iovec`s {u32 buf, u32 buf_len}.
 * Every buffer is checked before any byte moves, so EFAULT means nothing was transferred. A read
 * may overwrite the guest's own iovec array, so each entry is checked again as it is used: only
 * a guest that reads over its own iovecs can make that second check fail, and it then gets a
 * short read. A short transfer from the host ends the call, as one readv/writev would. */
static uint32_t
transfer(wasi_t *w, uint32_t fd, uint32_t iovs, uint32_t n_iovs, uint32_t done_ptr, bool is_write)
{
    int host = host_fd(w, fd);
    if (host < 0 || (fd == 0) == is_write)
        return WASI_EBADF; /* stdin is for reading, stdout and stderr for writing */
    const uint8_t *vec = guest(w, iovs, (uint64_t)n_iovs * 8);
    if (!vec || !guest(w, done_ptr, 4))
        return WASI_EFAULT;
    for (uint32_t i = 0; i < n_iovs; i++)
        if (!guest(w, get_u32(vec + 8 * i), get_u32(vec + 8 * i + 4)))
            return WASI_EFAULT;

    uint64_t done = 0;
    uint32_t i = 0;
    bool is_short = false;
    while (i < n_iovs && !is_short) {
        struct iovec hv[IOV_BATCH];
        int k = 0;
        uint64_t batch = 0;
        for (; i < n_iovs && k < IOV_BATCH; i++) {
            uint32_t len = get_u32(vec + 8 * i + 4);
            uint8_t *p = guest(w, get_u32(vec + 8 * i), len);
            /* The count written back is a u32: stop before the total could pass it. */
            if (!p || done + batch + len > UINT32_MAX) {
                is_short = true;
                break;
            }
            hv[k++] = (struct iovec){p, len};
            batch += len;
        }
        if (k == 0)
            break;
        ssize_t n;
        do
            n = is_write ? writev(host, hv, k) : readv(host, hv, k);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (done == 0)
                return from_errno(errno);
            break; /* report what did move; the error repeats on the next call */
        }
        done += (uint64_t)n;
        if ((uint64_t)n < batch)
            is_short = true;
    }
    put_u32(guest(w, done_ptr, 4), (uint32_t)done);
    return 0;
}

static int
fd_read(void *env, const sl_value_t *args, sl_value_t *results)
{
    return ret(results, transfer(env, arg_u32(args, 0), arg_u32(args, 1), arg_u32(args, 2),
                                 arg_u32(args, 3), false));
}

static int
fd_write(void *env, const sl_value_t *args, sl_value_t *results)
{
    return ret(results, transfer(env, arg_u32(args, 0), arg_u32(args, 1), arg_u32(args, 2),
                                 arg_u32(args, 3), true));
}

/* Closing a stdio fd ends the guest's use of it; the host keeps its descriptor for the tool's own
 * messages. */
static int
fd_close(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    uint32_t fd = arg_u32(args, 0);
    if (host_fd(w, fd) < 0)
        return ret(results, WASI_EBADF);
    w->host_fds[fd] = -1;
    return ret(results, 0);
}

static int
fd_seek(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    int host = host_fd(w, arg_u32(args, 0));
    int64_t offset = args[1].of.i64;
    uint32_t whence = arg_u32(args, 2) & 0xff; /* witx `whence` is a u8 */
    if (host < 0)
        return ret(results, WASI_EBADF);
    static const int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END}; /* witx order: set, cur, end */
    if (whence > 2)
        return ret(results, WASI_EINVAL);
    uint8_t *out = guest(w, arg_u32(args, 3), 8);
    if (!out)
        return ret(results, WASI_EFAULT);
    off_t at = lseek(host, (off_t)offset, whences[whence]);
    if (at < 0)
        return ret(results, from_errno(errno));
    put_u64(out, (uint64_t)at);
    return ret(results, 0);
}

/* witx `rights` bits the stdio descriptors can have. */
enum {
    RIGHT_FD_READ = 1 << 1,
    RIGHT_FD_SEEK = 1 << 2,
    RIGHT_FD_FDSTAT_SET_FLAGS = 1 << 3,
    RIGHT_FD_TELL = 1 << 5,
    RIGHT_FD_WRITE = 1 << 6,
    RIGHT_FD_FILESTAT_GET = 1 << 21,
    RIGHT_POLL_FD_READWRITE = 1 << 27,
};

static uint8_t
filetype_of(mode_t mode)
{
    if (S_ISREG(mode))
        return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISCHR(mode))
        return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISDIR(mode))
        return WASI_FILETYPE_DIRECTORY;
    if (S_ISBLK(mode))
        return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISSOCK(mode))
        return WASI_FILETYPE_SOCKET_STREAM;
    if (S_ISLNK(mode))
        return WASI_FILETYPE_SYMBOLIC_LINK;
    return WASI_FILETYPE_UNKNOWN; /* pipes: preview1 has no filetype for them */
}

/* witx `fdstat`: filetype u8 at 0, fdflags u16 at 2, rights_base u64 at 8, rights_inheriting u64
 * at 16; 24 bytes. wasi-libc's isatty() is "a character device without seek and tell rights",
 * so those rights follow what lseek can really do. */
static int
fd_fdstat_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    uint32_t fd = arg_u32(args, 0);
    int host = host_fd(w, fd);
    if (host < 0)
        return ret(results, WASI_EBADF);
    uint8_t *out = guest(w, arg_u32(args, 1), 24);
    if (!out)
        return ret(results, WASI_EFAULT);
    struct stat st;
    int flags = fcntl(host, F_GETFL);
    if (fstat(host, &st) < 0 || flags < 0)
        return ret(results, from_errno(errno));

    uint16_t fdflags = 0;
    if (flags & O_APPEND)
        fdflags |= 1; /* witx fdflags.append */
    if (flags & O_NONBLOCK)
        fdflags |= 4; /* witx fdflags.nonblock */
    uint64_t rights = RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE;
    rights |= fd == 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE;
    if (!isatty(host) && lseek(host, 0, SEEK_CUR) >= 0)
        rights |= RIGHT_FD_SEEK | RIGHT_FD_TELL;

    memset(out, 0, 24);
    out[0] = filetype_of(st.st_mode);
    put_u16(out + 2, fdflags);
    put_u64(out + 8, rights);
    return ret(results, 0);
}

/* There are no preopened directories: every fd answers "not a preopen", which is how wasi-libc's
 * start-up scan learns where the preopens end. */
static int
fd_prestat_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    return ret(results, WASI_EBADF);
}

static int
fd_prestat_dir_name(void *env, const sl_value_t *args, sl_value_t *results)
{
    return ret(results, WASI_EBADF);
}

/* ---- clocks, randomness, scheduling, exit ---------------------------------------------------- */

/* witx `clockid`: realtime, monotonic, process_cputime_id, thread_cputime_id. */
static bool
clock_of(uint32_t id, clockid_t *out)
{
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                       CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof clocks / sizeof clocks[0])
        return false;
    *out = clocks[id];
    return true;
}

static uint64_t
nanoseconds(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

/* clock_time_get(id, precision, time_ptr): the precision is a hint the host may ignore. */
static int
clock_time_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    clockid_t clock;
    if (!clock_of(arg_u32(args, 0), &clock))
        return ret(results, WASI_EINVAL);
    uint8_t *out = guest(env, arg_u32(args, 2), 8);
    if (!out)
        return ret(results, WASI_EFAULT);
    struct timespec ts;
    if (clock_gettime(clock, &ts) < 0)
        return ret(results, from_errno(errno));
    put_u64(out, nanoseconds(&ts));
    return ret(results, 0);
}

static int
clock_res_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    clockid_t clock;
    if (!clock_of(arg_u32(args, 0), &clock))
        return ret(results, WASI_EINVAL);
    uint8_t *out = guest(env, arg_u32(args, 1), 8);
    if (!out)
        return ret(results, WASI_EFAULT);
    struct timespec ts;
    if (clock_getres(clock, &ts) < 0)
        return ret(results, from_errno(errno));
    put_u64(out, nanoseconds(&ts));
    return ret(results, 0);
}

static int
random_get(void *env, const sl_value_t *args, sl_value_t *results)
{
    uint32_t len = arg_u32(args, 1);
    uint8_t *buf = guest(env, arg_u32(args, 0), len);
    if (!buf)
        return ret(results, WASI_EFAULT);
    for (uint32_t done = 0; done < len;) {
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ret(results, from_errno(errno));
        }
        done += (uint32_t)n;
    }
    return ret(results, 0);
}

static int
sched_yield_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    sched_yield();
    return ret(results, 0);
}

/* proc_exit does not return to the guest: the trap unwinds it, and the tool reads the code. */
static int
proc_exit(void *env, const sl_value_t *args, sl_value_t *results)
{
    wasi_t *w = env;
    w->has_exited = true;
    w->exit_code = arg_u32(args, 0);
    return SL_TRAP_HOST;
}

/* Any preview1 function the host does not implement, with the (…) -> errno shape they all have. */
static int
nosys(void *env, const sl_value_t *args, sl_value_t *results)
{
    return ret(results, WASI_ENOSYS);
}

/* ---- the function table ---------------------------------------------------------------------- */

static const uint8_t errno_result[] = {SL_I32};
static const uint8_t p1[] = {SL_I32};
static const uint8_t p2[] = {SL_I32, SL_I32};
static const uint8_t p3[] = {SL_I32, SL_I32, SL_I32};
static const uint8_t p4[] = {SL_I32, SL_I32, SL_I32, SL_I32};
static const uint8_t p_seek[] = {SL_I32, SL_I64, SL_I32, SL_I32};
static const uint8_t p_clock[] = {SL_I32, SL_I64, SL_I32};

#define SIG(a) (a), (uint32_t)sizeof(a)
#define ERRNO SIG(errno_result)

/* name, params, results, callback (witx wasi_snapshot_preview1) */
static const wasi_func_t funcs[] = {
    {"args_get", SIG(p2), ERRNO, args_get},
    {"args_sizes_get", SIG(p2), ERRNO, args_sizes_get},
    {"environ_get", SIG(p2), ERRNO, environ_get},
    {"environ_sizes_get", SIG(p2), ERRNO, environ_sizes_get},
    {"clock_res_get", SIG(p2), ERRNO, clock_res_get},
    {"clock_time_get", SIG(p_clock), ERRNO, clock_time_get},
    {"fd_close", SIG(p1), ERRNO, fd_close},
    {"fd_fdstat_get", SIG(p2), ERRNO, fd_fdstat_get},
    {"fd_prestat_get", SIG(p2), ERRNO, fd_prestat_get},
    {"fd_prestat_dir_name", SIG(p3), ERRNO, fd_prestat_dir_name},
    {"fd_read", SIG(p4), ERRNO, fd_read},
    {"fd_seek", SIG(p_seek), ERRNO, fd_seek},
    {"fd_write", SIG(p4), ERRNO, fd_write},
    {"proc_exit", SIG(p1), NULL, 0, proc_exit},
    {"random_get", SIG(p2), ERRNO, random_get},
    {"sched_yield", NULL, 0, ERRNO, sched_yield_cb},
};

const wasi_func_t *
wasi_func_find(const char *name, size_t name_len)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (strlen(funcs[i].name) == name_len && memcmp(funcs[i].name, name, name_len) == 0)
            return &funcs[i];
    return NULL;
}

/* ---- context and linking --------------------------------------------------------------------- */

void
wasi_init(wasi_t *w, int argc, char *const *argv, char *const *envp)
{
    *w = (wasi_t){.argc = argc, .argv = argv, .envp = envp, .host_fds = {0, 1, 2}};
}

static bool
is_wasi(const sl_import_info_t *imp)
{
    return imp->module_len == strlen(WASI_MODULE) &&
           memcmp(imp->module, WASI_MODULE, imp->module_len) == 0;
}

bool
wasi_is_wanted(const sl_module_t *m)
{
    uint32_t n = sl_module_n_imports(m);
    for (uint32_t i = 0; i < n; i++) {
        sl_import_info_t imp;
        if (sl_module_import(m, i, &imp) == 0 && is_wasi(&imp))
            return true;
    }
    return false;
}

static bool
same_types(const uint8_t *a, uint32_t n_a, const uint8_t *b, uint32_t n_b)
{
    return n_a == n_b && (n_a == 0 || memcmp(a, b, n_a) == 0);
}

/* The host function for one import, or SL_ELINK with the reason in `why`. */
static int
link_one(wasi_t *w, sl_store_t *store, const sl_module_t *m, const sl_import_info_t *imp,
         sl_func_t **out, char *why, size_t why_size)
{
    int name_len = (int)imp->name_len;
    if (!is_wasi(imp) || imp->kind != SL_EXTERN_FUNC) {
        snprintf(why, why_size, "unknown import %.*s::%.*s (only %s functions are provided)",
                 (int)imp->module_len, imp->module, name_len, imp->name, WASI_MODULE);
        return SL_ELINK;
    }
    sl_func_sig_t sig;
    int rc = sl_module_func_sig(m, imp->index, &sig);
    if (rc != 0)
        return rc;
    const wasi_func_t *f = wasi_func_find(imp->name, imp->name_len);
    if (f) {
        if (!same_types(sig.params, sig.n_params, f->params, f->n_params) ||
            !same_types(sig.results, sig.n_results, f->results, f->n_results)) {
            snprintf(why, why_size, "incompatible import type for %s::%.*s", WASI_MODULE,
                     name_len, imp->name);
            return SL_ELINK;
        }
        return sl_func_new_host(store, f->params, f->n_params, f->results, f->n_results, f->cb, w,
                                out);
    }
    if (!same_types(sig.results, sig.n_results, errno_result, 1)) {
        snprintf(why, why_size, "%s::%.*s is not provided and does not return an errno",
                 WASI_MODULE, name_len, imp->name);
        return SL_ELINK;
    }
    return sl_func_new_host(store, sig.params, sig.n_params, sig.results, sig.n_results, nosys, w,
                            out);
}

int
wasi_link(wasi_t *w, sl_store_t *store, const sl_module_t *m, sl_extern_t **out, char *why,
          size_t why_size)
{
    *out = NULL;
    uint32_t n = sl_module_n_imports(m);
    if (n == 0)
        return 0;
    sl_extern_t *externs = calloc(n, sizeof *externs);
    if (!externs)
        return SL_ENOMEM;
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        sl_import_info_t imp;
        rc = sl_module_import(m, i, &imp);
        if (rc == 0)
            rc = link_one(w, store, m, &imp, &externs[i].of.func, why, why_size);
        externs[i].kind = SL_EXTERN_FUNC;
    }
    if (rc != 0) {
        if (rc != SL_ELINK)
            snprintf(why, why_size, "%s", sl_strerror(rc));
        free(externs);
        return rc;
    }
    *out = externs;
    return 0;
}

void
wasi_attach(wasi_t *w, sl_instance_t *instance)
{
    sl_extern_t ext;
    w->memory = NULL;
    if (sl_instance_export(instance, "memory", 6, &ext) == 0 && ext.kind == SL_EXTERN_MEMORY)
        w->memory = ext.of.memory;
}

int
wasi_instantiate(wasi_t *w, sl_store_t *store, sl_module_t *m, sl_instance_t **out,
                 sl_trap_t *trap, char *why, size_t why_size)
{
    *out = NULL;
    sl_extern_t *imports = NULL;
    int rc = wasi_link(w, store, m, &imports, why, why_size);
    if (rc != 0)
        return rc;
    sl_error_t err = {.section = SL_NO_SECTION, .func_index = SL_NO_INDEX};
    *trap = (sl_trap_t){.func_index = SL_NO_INDEX};
    rc = sl_instance_new(store, m, imports, sl_module_n_imports(m), out, &err, trap);
    free(imports);
    if (rc == 0)
        wasi_attach(w, *out);
    else if (rc != SL_ETRAP && err.code != 0)
        sl_error_format(&err, why, why_size);
    else if (rc != SL_ETRAP)
        snprintf(why, why_size, "%s", sl_strerror(rc));
    return rc;
}
