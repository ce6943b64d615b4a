/* Function signatures for hosts: what a host needs to build a matching function for each import
 * (and to call an export with typed arguments) without the engine's internal type table. */
#include "module.h"

int
sl_module_func_sig(const sl_module_t *m, uint32_t func_index, sl_func_sig_t *out)
{
    if (func_index >= m->n_funcs)
        return SL_EARG;
    const sl_functype_t *type = module_func_type(m, func_index);
    /* The internal value types are the public codes (types.h), so the arrays are shared. */
    *out = (sl_func_sig_t){
        .params = type->params,
        .results = type->results,
        .n_params = type->n_params,
        .n_results = type->n_results,
    };
    return 0;
}
