/* The spectest host module: one table of exports, built into a store once per script. The print
 * functions share one callback; each gets its own row as its environment. */
#include "spectest.h"

#include <stdlib.h>
#include <string.h>

#include "spec_values.h"

/* The print functions, as the spec interpreter's spectest module has them. */
static const struct print_row {
    const char *name;
    uint8_t params[2];
    uint32_t n_params;
} print_rows[] = {
    {"print", {0}, 0},
    {"print_i32", {SL_I32}, 1},
    {"print_i64", {SL_I64}, 1},
    {"print_f32", {SL_F32}, 1},
    {"print_f64", {SL_F64}, 1},
    {"print_i32_f32", {SL_I32, SL_F32}, 2},
    {"print_f64_f64", {SL_F64, SL_F64}, 2},
};

#define N_PRINTS (sizeof print_rows / sizeof print_rows[0])
#define N_GLOBALS 4
#define N_EXPORTS (N_PRINTS + N_GLOBALS + 2)

/* A print function's environment: the module (for the stream) and its row. */
typedef struct printer {
    const spectest_t *owner;
    const struct print_row *row;
} printer_t;

struct spectest {
    FILE *print_to;
    printer_t printers[N_PRINTS];
    struct {
        const char *name;
        sl_extern_t ext;
    } exports[N_EXPORTS];
    size_t n_exports;
};

static int
print_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    const printer_t *p = env;
    (void)results;
    FILE *out = p->owner->print_to;
    if (!out)
        return 0;
    fprintf(out, "spectest: %s(", p->row->name);
    for (uint32_t i = 0; i < p->row->n_params; i++) {
        char text[96];
        spec_result_format(&args[i], SPEC_LANE_I32, NULL, text, sizeof text);
        fprintf(out, "%s%s", i ? ", " : "", text);
    }
    fputs(")\n", out);
    return 0;
}

static void
add(spectest_t *t, const char *name, sl_extern_kind_t kind, void *object)
{
    sl_extern_t ext = {.kind = kind};
    switch (kind) {
    case SL_EXTERN_FUNC:
        ext.of.func = object;
        break;
    case SL_EXTERN_TABLE:
        ext.of.table = object;
        break;
    case SL_EXTERN_MEMORY:
        ext.of.memory = object;
        break;
    case SL_EXTERN_GLOBAL:
        ext.of.global = object;
        break;
    }
    t->exports[t->n_exports].name = name;
    t->exports[t->n_exports].ext = ext;
    t->n_exports++;
}

static int
add_global(spectest_t *t, sl_store_t *store, const char *name, sl_value_t value)
{
    sl_global_t *global = NULL;
    int rc = sl_global_new(store, value, false, &global);
    if (rc == 0)
        add(t, name, SL_EXTERN_GLOBAL, global);
    return rc;
}

int
spectest_new(sl_store_t *store, FILE *print_to, spectest_t **out)
{
    *out = NULL;
    spectest_t *t = calloc(1, sizeof *t);
    if (!t)
        return SL_ENOMEM;
    t->print_to = print_to;
    int rc = 0;
    for (size_t i = 0; i < N_PRINTS && rc == 0; i++) {
        sl_func_t *func = NULL;
        t->printers[i] = (printer_t){t, &print_rows[i]};
        rc = sl_func_new_host(store, print_rows[i].params, print_rows[i].n_params, NULL, 0,
                              print_cb, &t->printers[i], &func);
        if (rc == 0)
            add(t, print_rows[i].name, SL_EXTERN_FUNC, func);
    }

    /* 666.6 as the spec interpreter writes it: the nearest f32 and f64. */
    float f32 = 666.6f;
    double f64 = 666.6;
    sl_value_t v = {.type = SL_I32, .of.i32 = 666};
    if (rc == 0)
        rc = add_global(t, store, "global_i32", v);
    v = (sl_value_t){.type = SL_I64, .of.i64 = 666};
    if (rc == 0)
        rc = add_global(t, store, "global_i64", v);
    v = (sl_value_t){.type = SL_F32};
    memcpy(&v.of.f32, &f32, sizeof f32);
    if (rc == 0)
        rc = add_global(t, store, "global_f32", v);
    v = (sl_value_t){.type = SL_F64};
    memcpy(&v.of.f64, &f64, sizeof f64);
    if (rc == 0)
        rc = add_global(t, store, "global_f64", v);

    sl_table_t *table = NULL;
    if (rc == 0)
        rc = sl_table_new(store, SL_FUNCREF, 10, 20, &table);
    if (rc == 0)
        add(t, "table", SL_EXTERN_TABLE, table);
    sl_memory_t *memory = NULL;
    if (rc == 0)
        rc = sl_memory_new(store, 1, 2, &memory);
    if (rc == 0)
        add(t, "memory", SL_EXTERN_MEMORY, memory);

    if (rc < 0) {
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void
spectest_free(spectest_t *spectest)
{
    free(spectest);
}

int
spectest_export(const spectest_t *spectest, const char *name, size_t name_len, sl_extern_t *out)
{
    for (size_t i = 0; i < spectest->n_exports; i++) {
        const char *e = spectest->exports[i].name;
        if (strlen(e) == name_len && memcmp(e, name, name_len) == 0) {
            *out = spectest->exports[i].ext;
            return 0;
        }
    }
    return SL_ENOTFOUND;
}
