/* Default implementation limits. They follow V8's wasm-limits.h where it has one, so modules that
 * load in browsers load here, and bound the memory a hostile module can make the decoder use. */
#include "slipstream.h"

void
sl_limits_init(sl_limits_t *l)
{
    *l = (sl_limits_t){
        .max_module_size = 1024u * 1024 * 1024,
        .max_types = 1000000,
        .max_functions = 1000000,
        .max_imports = 100000,
        .max_exports = 100000,
        .max_globals = 1000000,
        .max_tables = 100000,
        .max_data_segments = 100000,
        .max_elem_segments = 10000000,
        .max_table_init = 10000000,
        .max_params = 1000,
        .max_results = 1000,
        .max_locals = 50000,
        .max_body_size = 7654321,
        .max_br_table = 65520,
        .max_control_depth = 100000,
        .max_operand_stack = 1000000,
    };
}
