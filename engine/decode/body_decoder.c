/* Function-body validation on its own: the decode loop (body_decode_loop.h) instantiated with a
 * visitor that does nothing, which the compiler removes entirely. Compilers instantiate the same
 * loop with their emitters, so validation has one implementation. */
#include "body_decoder_impl.h"

typedef struct no_visitor {
    char unused;
} no_visitor_t;

static inline bool visit_start(no_visitor_t *c, body_validator_t *v) { return true; }
static inline bool visit_simple(no_visitor_t *c, body_validator_t *v, unsigned op,
                                const body_imm_t *imm) { return true; }
static inline bool visit_unreachable(no_visitor_t *c, body_validator_t *v) { return true; }
static inline bool visit_drop(no_visitor_t *c, body_validator_t *v, sl_valtype_t t) { return true; }
static inline bool visit_select(no_visitor_t *c, body_validator_t *v, sl_valtype_t t) { return true; }
static inline bool visit_block(no_visitor_t *c, body_validator_t *v, const ctrl_frame_t *f) { return true; }
static inline bool visit_loop(no_visitor_t *c, body_validator_t *v, const ctrl_frame_t *f) { return true; }
static inline bool visit_if(no_visitor_t *c, body_validator_t *v, const ctrl_frame_t *f) { return true; }
static inline bool visit_else(no_visitor_t *c, body_validator_t *v, const ctrl_frame_t *f) { return true; }
static inline bool visit_end(no_visitor_t *c, body_validator_t *v, const ctrl_frame_t *f) { return true; }
static inline bool visit_br(no_visitor_t *c, body_validator_t *v, uint32_t depth) { return true; }
static inline bool visit_br_if(no_visitor_t *c, body_validator_t *v, uint32_t depth) { return true; }
static inline bool visit_br_table(no_visitor_t *c, body_validator_t *v, uint32_t n,
                                  const uint8_t *targets) { return true; }
static inline bool visit_return(no_visitor_t *c, body_validator_t *v) { return true; }
static inline bool visit_call(no_visitor_t *c, body_validator_t *v, uint32_t f) { return true; }
static inline bool visit_call_indirect(no_visitor_t *c, body_validator_t *v, uint32_t type,
                                       uint32_t table) { return true; }
static inline bool visit_local(no_visitor_t *c, body_validator_t *v, unsigned op,
                               uint32_t i) { return true; }
static inline bool visit_global(no_visitor_t *c, body_validator_t *v, unsigned op,
                                uint32_t i) { return true; }
static inline bool visit_table(no_visitor_t *c, body_validator_t *v, unsigned op, uint32_t a,
                               uint32_t b) { return true; }
static inline bool visit_ref(no_visitor_t *c, body_validator_t *v, unsigned op,
                             uint32_t arg) { return true; }

#define BODY_VISITOR_T no_visitor_t
#define BODY_DECODE_FN validate_body
#define BODY_DECODE_SIMPLE validate_simple
#define BODY_DECODE_OP validate_op
#include "body_decode_loop.h"

int
body_validate(body_validator_t *v, const sl_module_t *m, uint32_t func_index, uint32_t offset,
              uint32_t size, sl_error_t *err)
{
    no_visitor_t none;
    return validate_body(v, &none, m, func_index, offset, size, err);
}

int
body_validator_new(const sl_limits_t *limits, body_validator_t **out)
{
    body_validator_t *v = calloc(1, sizeof *v);
    if (!v)
        return SL_ENOMEM;
    v->limits = *limits;
    *out = v;
    return 0;
}

void
body_validator_free(body_validator_t *v)
{
    if (!v)
        return;
    free(v->vals);
    free(v->ctrls);
    free(v->locals);
    free(v->popped);
    free(v);
}

