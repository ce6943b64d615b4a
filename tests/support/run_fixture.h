/* Helpers for tests that compile text-format modules and call them through the public API:
 * values, compiling, exports. Each asserts (Check) what it needs to go right. */
#ifndef SL_RUN_FIXTURE_H
#define SL_RUN_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "wat.h"

static inline sl_value_t
i32(int32_t v)
{
    return (sl_value_t){.type = SL_I32, .of.i32 = v};
}

static inline sl_value_t
i64(int64_t v)
{
    return (sl_value_t){.type = SL_I64, .of.i64 = v};
}

/* Compiles `wat` (which wat2wasm must accept) with `engine`: the module, or NULL with *err
 * filled by the engine. */
static inline sl_module_t *
compile_wat(sl_engine_t *engine, const char *wat, sl_error_t *err)
{
    char why[1024];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    sl_module_t *m = NULL;
    sl_module_compile(engine, bytes, size, &m, err);
    free(bytes);
    return m;
}

/* The export `name`, which must exist and be of `kind`. */
static inline sl_extern_t
export_of(sl_instance_t *inst, const char *name, sl_extern_kind_t kind)
{
    sl_extern_t e;
    ck_assert_int_eq(sl_instance_export(inst, name, strlen(name), &e), 0);
    ck_assert_int_eq(e.kind, kind);
    return e;
}

#endif
