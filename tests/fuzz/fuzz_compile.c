/* libFuzzer target for the compilers: every input is compiled; inputs the validator accepts
 * must also be accepted by the plain decoder, and the other way round except for what the
 * baseline tier refuses (SL_ENOTSUP) or a limit. Compiled modules are freed again, so code
 * installation and release run too. Every function of a module that decodes also goes through
 * the top tier's builder and whole pass pipeline with the verifier after each pass; anything
 * but success or a size limit there is a bug. Each input is also compiled for real by an engine
 * with the top tier (SL_TIER_TOP): it must agree with the baseline engine on whether the module
 * compiles and, when neither compiles it, on the error, except where one of them declines
 * (SL_ENOTSUP) or meets a limit. (Nothing is instantiated: a start function may loop.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "slipstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sl_engine_t *engine, *top_engine;

static bool
may_decline(int rc)
{
    return rc == SL_ENOTSUP || rc == SL_ELIMIT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        sl_engine_options_t top = {.tier = SL_TIER_TOP};
        if (sl_engine_new(NULL, &engine) != 0 || sl_engine_new(&top, &top_engine) != 0)
            abort();
    }
    sl_module_t *compiled = NULL, *decoded = NULL, *top_compiled = NULL;
    sl_error_t err = {0}, top_err = {0};
    int rc_compile = sl_module_compile(engine, data, size, &compiled, &err);
    int rc_decode = sl_module_decode(data, size, NULL, &decoded, NULL);
    int rc_top = sl_module_compile(top_engine, data, size, &top_compiled, &top_err);
    bool compile_may_decline = may_decline(rc_compile);
    if (rc_top != rc_compile && !may_decline(rc_top) && !compile_may_decline) {
        fprintf(stderr, "baseline engine says %d (%s), top-tier engine says %d (%s)\n",
                rc_compile, rc_compile ? err.message : "", rc_top,
                rc_top ? top_err.message : "");
        abort();
    }
    if ((rc_compile == 0) != (rc_decode == 0) && !(rc_decode == 0 && compile_may_decline)) {
        fprintf(stderr, "compile says %d (%s), decode says %d\n", rc_compile, err.message,
                rc_decode);
        abort();
    }
    for (uint32_t i = decoded ? sl_module_n_imported_functions(decoded) : 0;
         decoded && i < sl_module_n_functions(decoded); i++) {
        char *text = NULL;
        int rc = sl_module_ir_text(decoded, i, NULL, &text, &err);
        free(text);
        if (rc != 0 && rc != SL_ELIMIT) {
            fprintf(stderr, "top tier, function %u: %d (%s)\n", i, rc, err.message);
            abort();
        }
    }
    sl_module_unref(compiled);
    sl_module_unref(top_compiled);
    sl_module_unref(decoded);
    return 0;
}
