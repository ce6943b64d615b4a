/* Trap handler, outside part: installs the SIGSEGV/SIGBUS actions once per process and manages the
 * per-thread alternate signal stacks. Nothing here runs in signal context (see trap_inside.c). */
#define _GNU_SOURCE
#include "trap_handler.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static const int trapped_signals[TRAPS_N_SIGNALS] = {[TRAPS_SEGV] = SIGSEGV, [TRAPS_BUS] = SIGBUS};

/* Guards `installed` and the one-time write of traps_previous. */
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static bool installed;

int
traps_install(void)
{
    int rc = 0;
    pthread_mutex_lock(&install_lock);
    if (installed)
        goto out;
    /* Save the previous actions before the handler can run: it reads them as soon as it is in
     * place, on any thread. The kernel takes the process's signal lock both when an action is set
     * and when a signal is delivered, which orders these writes before any read by the handler. */
    for (int i = 0; i < TRAPS_N_SIGNALS; i++) {
        if (sigaction(trapped_signals[i], NULL, &traps_previous[i]) != 0) {
            rc = SL_ENOTSUP;
            goto out;
        }
    }
    struct sigaction sa = {.sa_sigaction = traps_on_signal, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < TRAPS_N_SIGNALS; i++) {
        if (sigaction(trapped_signals[i], &sa, NULL) != 0) {
            for (int j = 0; j < i; j++)
                sigaction(trapped_signals[j], &traps_previous[j], NULL);
            rc = SL_ENOTSUP;
            goto out;
        }
    }
    installed = true;
out:
    pthread_mutex_unlock(&install_lock);
    return rc;
}

/* ---- alternate signal stacks --------------------------------------------------------------- */

/* The calling thread's stack, when traps_thread_init mapped one (mem != NULL) or found one to
 * borrow (is_ready without mem). Thread-local, so no lock. */
static _Thread_local struct {
    bool is_ready;
    void *mem;        /* mapping: guard page, then the stack */
    size_t mem_size;
    stack_t previous; /* what sigaltstack reported before ours */
} alt;

/* Runs traps_thread_fini when a thread that called traps_thread_init exits. */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static int exit_key_rc;

static void
on_thread_exit(void *unused)
{
    traps_thread_fini();
}

static void
create_exit_key(void)
{
    exit_key_rc = pthread_key_create(&exit_key, on_thread_exit);
}

static size_t
min_stack_size(void)
{
    long n = sysconf(_SC_SIGSTKSZ);
    return n > 0 ? (size_t)n : (size_t)MINSIGSTKSZ * 4;
}

int
traps_thread_init(void)
{
    if (alt.is_ready)
        return 0;
    pthread_once(&exit_key_once, create_exit_key);
    if (exit_key_rc != 0)
        return SL_ENOMEM;

    stack_t cur;
    if (sigaltstack(NULL, &cur) != 0)
        return SL_ENOTSUP;
    if (!(cur.ss_flags & SS_DISABLE) && cur.ss_size >= min_stack_size()) {
        alt.is_ready = true; /* borrowed: its owner keeps it alive for the thread's life */
        return 0;
    }

    /* Room for the kernel's signal frame (several KiB with AVX-512 state), our handler and a
     * chained handler such as a crash reporter's. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = 4 * min_stack_size();
    if (size < 64 * 1024)
        size = 64 * 1024;
    size = (size + page - 1) & ~(page - 1);
    void *mem = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mem == MAP_FAILED)
        return SL_ENOMEM;
    /* A guard page below the stack: overflowing it faults instead of corrupting memory. */
    if (mprotect(mem, page, PROT_NONE) != 0) {
        munmap(mem, size + page);
        return SL_ENOMEM;
    }
    stack_t ss = {.ss_sp = (uint8_t *)mem + page, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(mem, size + page);
        return SL_ENOTSUP;
    }
    if (pthread_setspecific(exit_key, &alt) != 0) {
        sigaltstack(&cur, NULL);
        munmap(mem, size + page);
        return SL_ENOMEM;
    }
    alt.mem = mem;
    alt.mem_size = size + page;
    alt.previous = cur;
    alt.is_ready = true;
    return 0;
}

void
traps_thread_fini(void)
{
    if (!alt.is_ready)
        return;
    if (alt.mem) {
        stack_t prev = alt.previous;
        if (prev.ss_flags & SS_DISABLE)
            prev = (stack_t){.ss_flags = SS_DISABLE};
        else
            prev.ss_flags &= ~SS_ONSTACK; /* a status bit, not accepted as an input flag */
        sigaltstack(&prev, NULL);
        munmap(alt.mem, alt.mem_size);
        pthread_setspecific(exit_key, NULL);
    }
    alt.is_ready = false;
    alt.mem = NULL;
    alt.mem_size = 0;
}
