/* Entering and leaving wasm code: the host-to-wasm trampoline, the wasm-to-host thunk,
 * sl_func_call and traps.
 *
 * A call from C saves a sigjmp_buf in a thread-local activation record and enters the trampoline;
 * a trap anywhere below (a stub in generated code, a builtin, a host function) long-jumps back to
 * it, discarding the wasm frames, which hold nothing that needs cleaning up. Activations nest:
 * wasm calling a host function calling wasm pushes another.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_state.h"
#include "entry.h"
#include "instance.h"
#include "store.h"
#include "trap_handler.h"
#include "x64_encode.h"

typedef struct activation {
    sigjmp_buf jump;
    int trap;
    struct activation *prev;
} activation_t;

static _Thread_local activation_t *current_activation;
static _Thread_local uintptr_t thread_stack_limit;

/* Generated code may use the stack down to this much above its end; the rest is for C code
 * (builtins, host functions, the trap path) and sanitizer frames. */
enum { STACK_RESERVE = 256 * 1024 };

typedef void (*entry_fn)(vmctx_t *vm, const void *const *code, uint64_t *area, size_t size);

/* ---- wasm to host ----
 *
 * Wasm code calls a host function as it calls any function reference (vmctx.h): r14 = f->vmctx,
 * which for a host function is f itself, and `call [f->code]`, which holds the thunk's address,
 * with the arguments in the caller's call area at [rsp]. The thunk hands the area to host_call
 * in C and returns the first result slot in both rax and xmm0, so one thunk serves every type:
 * the caller reads the register its result type uses, and several results stay in the area. */

/* Values of up to this many parameters plus results convert on the stack; more go to the heap. */
enum { HOST_VALUES_ON_STACK = 16 };

static void host_call(sl_func_t *f, uint8_t *area);

/* thunk(r14 = f, [rsp + 8] = area): generated code calls with rsp 16-byte aligned, so the push
 * of rbp aligns it again for the C call. Wasm code preserves only r14, r15 and rbp and restores
 * its own r14/r15 after a call that may cross instances, so nothing else needs saving here. */
static int
host_thunk_generate(sl_engine_t *e)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_push_r(&b, X64_RBP);
    x64_mov_rr(&b, 8, X64_RBP, X64_RSP);
    x64_mov_rr(&b, 8, X64_RDI, X64_R14);
    x64_lea_rm(&b, 8, X64_RSI, x64_mem(X64_RBP, 16));
    x64_mov_ri(&b, 8, X64_RAX, (int64_t)(uintptr_t)host_call);
    x64_call_r(&b, X64_RAX);
    x64_mov_rm(&b, 8, X64_RAX, x64_mem(X64_RBP, 16));
    /* 16 bytes for a v128 result; with a smaller area this reads the caller's frame above it,
     * which is mapped stack, and the caller ignores those bytes */
    x64_movdqu_xm(&b, X64_XMM0, x64_mem(X64_RBP, 16));
    x64_pop_r(&b, X64_RBP);
    x64_ret(&b);
    int rc = b.oom ? SL_ENOMEM : codespace_alloc(e->code, b.len, &e->host_thunk);
    if (rc == 0)
        memcpy(e->host_thunk.rw, b.data, b.len);
    x64_buf_fini(&b);
    return rc;
}

/* entry(rdi = vmctx, rsi = code slot, rdx = area buffer, rcx = area size, a multiple of 16):
 * saves the SysV callee-saved registers, copies the area to the stack, calls through the slot,
 * copies the area back (several results) and stores rax and xmm0 after it (one result). Wasm code
 * preserves only r14, r15 and rbp (vmctx.h), so the buffer and size wait in this frame. */
int
entry_generate(sl_engine_t *e)
{
    const x64_mem_t saved_buf = x64_mem(X64_RBP, -48), saved_size = x64_mem(X64_RBP, -56);
    x64_buf_t b;
    x64_buf_init(&b);
    x64_push_r(&b, X64_RBP);
    x64_mov_rr(&b, 8, X64_RBP, X64_RSP);
    x64_push_r(&b, X64_RBX);
    x64_push_r(&b, X64_R12);
    x64_push_r(&b, X64_R13);
    x64_push_r(&b, X64_R14);
    x64_push_r(&b, X64_R15);
    x64_sub_ri(&b, 8, X64_RSP, 24); /* two saved values; rsp 16-byte aligned again */
    x64_mov_mr(&b, 8, saved_buf, X64_RDX);
    x64_mov_mr(&b, 8, saved_size, X64_RCX);
    x64_mov_rr(&b, 8, X64_R14, X64_RDI);
    x64_mov_rm(&b, 8, X64_R15, x64_mem(X64_R14, VMCTX_MEM_BASE));
    x64_mov_rr(&b, 8, X64_RBX, X64_RSI);
    x64_sub_rr(&b, 8, X64_RSP, X64_RCX);
    x64_mov_rr(&b, 8, X64_RDI, X64_RSP);
    x64_mov_rr(&b, 8, X64_RSI, X64_RDX);
    x64_rep_movsb(&b);
    x64_call_m(&b, x64_mem(X64_RBX, 0));
    x64_mov_rm(&b, 8, X64_RDI, saved_buf);
    x64_mov_rr(&b, 8, X64_RSI, X64_RSP);
    x64_mov_rm(&b, 8, X64_RCX, saved_size);
    x64_rep_movsb(&b); /* rdi ends just past the area */
    x64_mov_mr(&b, 8, x64_mem(X64_RDI, 0), X64_RAX);
    x64_movdqu_mx(&b, x64_mem(X64_RDI, 8), X64_XMM0); /* all of a v128 */
    x64_lea_rm(&b, 8, X64_RSP, x64_mem(X64_RBP, -40));
    x64_pop_r(&b, X64_R15);
    x64_pop_r(&b, X64_R14);
    x64_pop_r(&b, X64_R13);
    x64_pop_r(&b, X64_R12);
    x64_pop_r(&b, X64_RBX);
    x64_pop_r(&b, X64_RBP);
    x64_ret(&b);
    int rc = b.oom ? SL_ENOMEM : codespace_alloc(e->code, b.len, &e->entry);
    if (rc == 0)
        memcpy(e->entry.rw, b.data, b.len);
    x64_buf_fini(&b);
    return rc == 0 ? host_thunk_generate(e) : rc;
}

_Noreturn void
vm_trap_raise(int trap_code)
{
    activation_t *a = current_activation;
    if (!a)
        abort(); /* a trap with no wasm activation on this thread is an engine bug */
    a->trap = trap_code;
    siglongjmp(a->jump, 1);
}

/* Converts the call area to values, runs the callback, writes the results back (the first at
 * offset 0, where the thunk picks it up for rax and xmm0). A non-zero callback result traps in
 * the calling wasm code's activation. */
static void
host_call(sl_func_t *f, uint8_t *area)
{
    const sl_functype_t *t = f->type;
    sl_value_t on_stack[HOST_VALUES_ON_STACK];
    size_t n = (size_t)t->n_params + t->n_results;
    sl_value_t *args = n <= HOST_VALUES_ON_STACK ? on_stack : calloc(n, sizeof *args);
    if (!args)
        vm_trap_raise(SL_TRAP_HOST); /* no memory to run the host function: it cannot succeed */
    sl_value_t *results = args + t->n_params;
    for (uint32_t i = 0; i < t->n_params; i++) {
        args[i].type = t->params[i];
        memset(&args[i].of, 0, sizeof args[i].of);
        memcpy(&args[i].of, area + abi_area_offset(t->params, i), abi_slot_size(t->params[i]));
    }
    for (uint32_t i = 0; i < t->n_results; i++)
        results[i] = (sl_value_t){.type = t->results[i]};
    int code = f->host_cb(f->host_env, args, results);
    if (code == 0)
        for (uint32_t i = 0; i < t->n_results; i++)
            memcpy(area + abi_area_offset(t->results, i), &results[i].of,
                   abi_slot_size(t->results[i]));
    if (args != on_stack)
        free(args);
    if (code != 0)
        vm_trap_raise(code);
}

void
sl_store_interrupt(sl_store_t *store)
{
    atomic_store(&store->limits.interrupt, 1);
    atomic_store(&store->limits.stack_limit, UINTPTR_MAX);
}

static uintptr_t
stack_limit_of_this_thread(void)
{
    if (thread_stack_limit)
        return thread_stack_limit;
    pthread_attr_t attr;
    void *low = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &low, &size);
        pthread_attr_destroy(&attr);
    }
    thread_stack_limit = (uintptr_t)low + (size > 2 * STACK_RESERVE ? STACK_RESERVE : size / 2);
    return thread_stack_limit;
}

static bool
types_match(const uint8_t *want, uint32_t n, const sl_value_t *values, size_t n_values)
{
    if (n != n_values)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (values[i].type != want[i])
            return false;
    return true;
}

int
sl_func_call(sl_func_t *func, const sl_value_t *args, size_t n_args, sl_value_t *results,
             size_t n_results, sl_trap_t *trap)
{
    const sl_functype_t *t = func->type;
    if (trap)
        *trap = (sl_trap_t){.code = 0, .func_index = SL_NO_INDEX};
    if (!types_match(t->params, t->n_params, args, n_args) || t->n_results != n_results)
        return SL_EARG;
    if (func->host_cb) {
        for (uint32_t i = 0; i < t->n_results; i++)
            results[i] = (sl_value_t){.type = t->results[i]};
        int code = func->host_cb(func->host_env, args, results);
        if (code == 0)
            return 0;
        if (trap) {
            trap->code = code;
            snprintf(trap->message, sizeof trap->message, "%s", sl_trap_message(code));
        }
        return SL_ETRAP;
    }

    /* Idempotent and cheap after the first call on a thread: a stack overflow in wasm code
     * needs an alternate stack for the trap handler to run on. */
    int rc = traps_thread_init();
    if (rc != 0)
        return rc;

    size_t in = abi_area_size(t->params, t->n_params);
    size_t out = abi_area_size(t->results, t->n_results);
    size_t area = in > out ? in : out;
    uint64_t *buf = calloc(area / 8 + 4, 8); /* + rax and xmm0 */
    if (!buf)
        return SL_ENOMEM;
    for (uint32_t i = 0; i < t->n_params; i++)
        memcpy((uint8_t *)buf + abi_area_offset(t->params, i), &args[i].of,
               abi_slot_size(t->params[i]));

    vm_limits_t *limits = func->vmctx->limits;
    bool is_outermost = current_activation == NULL;
    if (is_outermost) {
        limits->saved_stack_limit = stack_limit_of_this_thread();
        uintptr_t expected = atomic_load(&limits->stack_limit);
        if (expected != UINTPTR_MAX) /* leave a pending interrupt in place */
            atomic_store(&limits->stack_limit, limits->saved_stack_limit);
    }
    activation_t a = {.prev = current_activation};
    current_activation = &a;
    if (sigsetjmp(a.jump, 0) == 0) {
        sl_store_t *store = ((sl_instance_t *)func->vmctx)->store; /* vmctx opens the instance */
        entry_fn entry = (entry_fn)(uintptr_t)store->engine->entry.rx;
        entry(func->vmctx, func->code, buf, area);
    } else {
        rc = SL_ETRAP;
        if (trap) {
            trap->code = a.trap;
            snprintf(trap->message, sizeof trap->message, "%s", sl_trap_message(a.trap));
        }
    }
    current_activation = a.prev;
    if (rc == 0) {
        if (n_results == 1) { /* rax and xmm0 follow the area */
            results[0].type = t->results[0];
            bool in_xmm = t->results[0] == SL_F32 || t->results[0] == SL_F64 ||
                          t->results[0] == SL_V128;
            memcpy(&results[0].of, (uint8_t *)buf + area + (in_xmm ? 8 : 0),
                   abi_slot_size(t->results[0]));
        } else {
            for (uint32_t i = 0; i < t->n_results; i++) {
                results[i].type = t->results[i];
                memcpy(&results[i].of, (uint8_t *)buf + abi_area_offset(t->results, i),
                       abi_slot_size(t->results[i]));
            }
        }
    }
    free(buf);
    return rc;
}
