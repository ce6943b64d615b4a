/* WASI preview1 ("wasi_snapshot_preview1") for the command-line tools: enough of the host side for
 * command modules that use stdio, arguments, the environment, clocks and randomness. There are no
 * preopened directories, so the guest can reach no file beyond fds 0-2.
 *
 * Every pointer and length the guest passes is checked against the current size of its memory
 * before anything is read or written; a bad one makes the call return WASI_EFAULT and touch
 * nothing. The memory is looked up again in every call because the guest may grow it.
 *
 * Ownership: the context borrows argv and envp, which must outlive it. Threading: one thread, the
 * one running the guest. Host callbacks return WASI errno values to the guest as their i32 result;
 * only proc_exit traps (SL_TRAP_HOST), so that the guest unwinds, with `has_exited` set.
 */
#ifndef SL_TOOLS_WASI_H
#define SL_TOOLS_WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

#define WASI_MODULE "wasi_snapshot_preview1"

/* The preview1 errno values the host side returns (witx `errno`). */
enum {
    WASI_ESUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ENOSYS = 52,
    WASI_ESPIPE = 70,
};

/* witx `filetype` */
enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

#define WASI_N_STDIO 3

typedef struct wasi {
    /* set by wasi_init, may be changed before the guest runs */
    int argc;
    char *const *argv;
    char *const *envp;          /* NULL-terminated "NAME=value" strings; NULL for none */
    int host_fds[WASI_N_STDIO]; /* guest fd i is host_fds[i]; -1 once the guest closed it */
    sl_memory_t *memory;        /* the guest's exported "memory", NULL until linked or if none */

    /* read-only: set by proc_exit */
    bool has_exited;
    uint32_t exit_code;
} wasi_t;

/* Guest fds 0-2 are the host's 0-2; no memory yet. */
void wasi_init(wasi_t *wasi, int argc, char *const *argv, char *const *envp);

/* One preview1 function: its name, signature and host callback (env is the wasi_t). */
typedef struct wasi_func {
    const char *name;
    const uint8_t *params;
    uint32_t n_params;
    const uint8_t *results;
    uint32_t n_results;
    sl_host_cb cb;
} wasi_func_t;

/* The implemented function called `name` (not NUL-terminated), or NULL. */
const wasi_func_t *wasi_func_find(const char *name, size_t name_len);

/* True when `module` imports anything from WASI_MODULE. */
bool wasi_is_wanted(const sl_module_t *module);

/* Builds the externs for every import of `module`, in import order, into a new array (*out, freed
 * by the caller with free(); NULL when there are no imports). WASI functions the host does not
 * implement get a stub that returns WASI_ENOSYS, so such modules still link. Returns 0; SL_ELINK
 * for an import that is not a WASI function or whose signature differs from the implemented one,
 * described in `why`; SL_ENOMEM. */
int wasi_link(wasi_t *wasi, sl_store_t *store, const sl_module_t *module, sl_extern_t **out,
              char *why, size_t why_size);

/* Sets the memory host calls use: the instance's "memory" export, or NULL if it has none. */
void wasi_attach(wasi_t *wasi, sl_instance_t *instance);

/* wasi_link, sl_instance_new and wasi_attach in one: instantiates `module` in `store` with its
 * imports served by `wasi`. Returns 0; SL_ETRAP with `trap` filled when the start function trapped
 * (or called proc_exit: see wasi->has_exited); another SL_E* code with the reason in `why`.
 * A start function's host calls see no memory: exports are reachable only once the instance
 * exists, which is after its start function ran. WASI commands start through _start instead. */
int wasi_instantiate(wasi_t *wasi, sl_store_t *store, sl_module_t *module, sl_instance_t **out,
                     sl_trap_t *trap, char *why, size_t why_size);

#endif
