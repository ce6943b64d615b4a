/* Trap handler: turns a SIGSEGV or SIGBUS raised by a registered wasm memory-access instruction
 * (see code_map.h) into a jump to that site's landing stub, and hands every other fault to whatever
 * handled the signal before, so a crash outside wasm code stays a crash. It does not build the trap
 * result or unwind wasm frames: the landing stub and the entry trampoline do.
 *
 * Process-wide by nature: signal dispositions belong to the process. The engine installs the
 * handlers once at start-up (traps_install) and gives each thread that runs wasm an alternate
 * signal stack (traps_thread_init), because a wasm stack overflow faults with no stack left to run
 * a handler on.
 *
 * Chaining: traps_install remembers the SIGSEGV and SIGBUS actions in place before it (ASan's, a
 * crash reporter's, or SIG_DFL). A fault that is not a trap goes to that action: a handler is
 * called with the same arguments (its sa_mask blocked meanwhile); SIG_DFL (or SIG_IGN, which the
 * kernel does not honour for faults) is restored and the faulting instruction re-executes and kills
 * the process with the original signal. Signals sent with kill/raise are never treated as traps.
 *
 * Threading: traps_install from any thread, once or many times; traps_thread_init/fini act on the
 * calling thread. Dispositions of SIGSEGV/SIGBUS changed by others after traps_install are their
 * business: this component does not re-check them.
 * Errors: SL_ENOTSUP when sigaction or sigaltstack refuse, SL_ENOMEM when the alternate stack
 * cannot be mapped.
 */
#ifndef SL_TRAP_HANDLER_H
#define SL_TRAP_HANDLER_H

#include <signal.h>

#include "slipstream.h"

/* Installs the SIGSEGV and SIGBUS handlers (SA_SIGINFO | SA_ONSTACK), saving the previous actions.
 * Idempotent and process-wide; there is no uninstall (a process keeps its trap handler). Install
 * before other threads start faulting deliberately: it must not race other code changing the same
 * dispositions. */
int traps_install(void);

/* Gives the calling thread an alternate signal stack (with a guard page below it) unless it already
 * has one of at least sysconf(_SC_SIGSTKSZ) bytes (ASan gives its threads one), which is then kept
 * and used. Idempotent per thread. */
int traps_thread_init(void);
/* Removes and unmaps the alternate stack traps_thread_init mapped for this thread, restoring the
 * one it had before; a borrowed stack is left alone. Also runs by itself when the thread exits.
 * Must not be called from a signal handler running on that stack. */
void traps_thread_fini(void);

/* ---- private: shared by trap_outside.c (installs) and trap_inside.c (signal context) ------- */

enum { TRAPS_SEGV, TRAPS_BUS, TRAPS_N_SIGNALS };
/* The actions in place before traps_install, indexed by TRAPS_SEGV/TRAPS_BUS; written once, before
 * the handler is installed, and only read afterwards. */
extern struct sigaction traps_previous[TRAPS_N_SIGNALS];
/* The SA_SIGINFO handler itself. */
void traps_on_signal(int sig, siginfo_t *info, void *context);

#endif
