/* The engine: executable memory, trap handling, type ids and the trampolines (compiling is in
 * compile.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "entry.h"
#include "compile_impl.h"
#include "trap_handler.h"

/* address space only: pages are committed as code is written */
#define DEFAULT_CODE_SPACE_SIZE ((uint64_t)1 << 30)

/* What generated code may use, read once per engine: part of the code's identity. */
static unsigned
cpu_features_detect(void)
{
    unsigned features = CPU_POPCNT | CPU_SSE41;
    if (__builtin_cpu_supports("sse4.2"))
        features |= CPU_SSE42;
    if (__builtin_cpu_supports("avx"))
        features |= CPU_AVX;
    if (__builtin_cpu_supports("avx2"))
        features |= CPU_AVX2;
    return features;
}

int
sl_cpu_check(char *why, size_t size)
{
    /* popcnt: i32/i64.popcnt; SSE4.1: rounding, pmovsx/pmovzx, pinsr/pextr, ptest... */
    const char *missing = !__builtin_cpu_supports("popcnt")   ? "POPCNT"
                          : !__builtin_cpu_supports("sse4.1") ? "SSE4.1"
                                                              : NULL;
    if (!missing)
        return 0;
    if (why && size)
        snprintf(why, size, "this CPU lacks %s, which Slipstream's code generator requires",
                 missing);
    return SL_ENOTSUP;
}

size_t
sl_engine_code_identity(const sl_engine_t *e, char *buf, size_t size)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{CPU_POPCNT, "popcnt"}, {CPU_SSE41, "sse4.1"}, {CPU_SSE42, "sse4.2"},
                 {CPU_AVX, "avx"}, {CPU_AVX2, "avx2"}};
    int n = snprintf(buf, size, "slipstream-%s/%s x86-64", SL_VERSION_STRING,
                     e->options.tier == SL_TIER_TOP ? "top" : "baseline");
    size_t len = n > 0 ? (size_t)n : 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(e->cpu & names[i].bit))
            continue;
        n = snprintf(buf + (len < size ? len : size), len < size ? size - len : 0, " %s",
                     names[i].name);
        len += n > 0 ? (size_t)n : 0;
    }
    return len;
}

int
sl_engine_new(const sl_engine_options_t *options, sl_engine_t **out)
{
    *out = NULL;
    if (sl_cpu_check(NULL, 0) != 0)
        return SL_ENOTSUP;
    sl_engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return SL_ENOMEM;
    e->options = options ? *options : (sl_engine_options_t){.tier = SL_TIER_BASELINE};
    e->cpu = cpu_features_detect();
    /* the features the code is generated for, which the identity names: not what is unused */
    if (e->options.no_avx)
        e->cpu &= ~(unsigned)(CPU_AVX | CPU_AVX2);
    sl_limits_init(&e->limits);
    /* process-wide and idempotent: memory accesses rely on the handler from the first call on */
    int rc = traps_install();
    if (rc == 0)
        rc = typeregistry_new(&e->types);
    uint64_t code_size = e->options.code_space_size ? e->options.code_space_size
                                                    : DEFAULT_CODE_SPACE_SIZE;
    if (rc == 0)
        rc = code_size <= CODESPACE_MAX_RESERVE ? codespace_new((size_t)code_size, &e->code)
                                                : SL_EARG;
    if (rc == 0)
        rc = entry_generate(e);
    if (rc == 0)
        rc = lazy_init(e);
    if (rc == 0)
        rc = deadlines_new(&e->deadlines);
    if (rc != 0) {
        sl_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void
sl_engine_set_memory_budget(sl_engine_t *e, uint64_t size)
{
    atomic_store(&e->memory.budget, size);
}

uint64_t
sl_engine_memory_committed(const sl_engine_t *e)
{
    return atomic_load(&((sl_engine_t *)e)->memory.committed); /* C17 atomics take non-const */
}

void
sl_engine_code_space(sl_engine_t *e, uint64_t *used, uint64_t *size)
{
    if (used)
        *used = codespace_used(e->code);
    if (size)
        *size = e->code->reserve;
}

void
sl_engine_free(sl_engine_t *e)
{
    if (!e)
        return;
    if (e->entry.rx)
        codespace_release(e->code, &e->entry);
    if (e->host_thunk.rx)
        codespace_release(e->code, &e->host_thunk);
    lazy_fini(e);
    deadlines_free(e->deadlines);
    codespace_free(e->code);
    typeregistry_free(e->types);
    free(e);
}
