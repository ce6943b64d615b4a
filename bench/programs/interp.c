/* Bytecode interpreter: a small stack machine (switch dispatch, an operand stack and locals in
 * memory) running a Collatz program that counts the steps of every start value up to N.
 * Prints the total and the largest value reached. Usage: interp [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { PUSH, LOAD, STORE, ADD, MUL, AND, SHR, EQ, GT, MAX, JNZ, JMP, HALT };

typedef struct insn {
    uint8_t op;
    int32_t arg; /* constant, local index or jump target */
} insn_t;

#define N_LOCALS 8

/* Runs `code` with `locals`; returns when HALT is reached. */
static void
run(const insn_t *code, int64_t *locals)
{
    int64_t stack[64];
    int sp = 0;
    for (int pc = 0;;) {
        const insn_t *in = &code[pc++];
        switch (in->op) {
        case PUSH: stack[sp++] = in->arg; break;
        case LOAD: stack[sp++] = locals[in->arg]; break;
        case STORE: locals[in->arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case GT: sp--; stack[sp - 1] = stack[sp - 1] > stack[sp]; break;
        case MAX: sp--; if (stack[sp] > stack[sp - 1]) stack[sp - 1] = stack[sp]; break;
        case JNZ: if (stack[--sp]) pc = in->arg; break;
        case JMP: pc = in->arg; break;
        case HALT: return;
        }
    }
}

/* locals: 0 = i, 1 = x, 2 = total steps, 3 = N, 4 = largest x seen */
static const insn_t collatz[] = {
    /* 0 */ {PUSH, 1}, {STORE, 0},
    /* 2: outer */ {LOAD, 0}, {LOAD, 3}, {GT, 0}, {JNZ, 38},
    /* 6 */ {LOAD, 0}, {STORE, 1},
    /* 8: inner */ {LOAD, 1}, {PUSH, 1}, {EQ, 0}, {JNZ, 32},
    /* 12 */ {LOAD, 1}, {PUSH, 1}, {AND, 0}, {JNZ, 21},
    /* 16: even */ {LOAD, 1}, {PUSH, 1}, {SHR, 0}, {STORE, 1}, {JMP, 27},
    /* 21: odd */ {LOAD, 1}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
    /* 27: step */ {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2}, {JMP, 33},
    /* 32: next (JNZ lands here) */ {JMP, 40},
    /* 33: track the largest */ {LOAD, 4}, {LOAD, 1}, {MAX, 0}, {STORE, 4}, {JMP, 8},
    /* 38: done */ {HALT, 0}, {HALT, 0},
    /* 40: i += 1 */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 2},
};

int
main(int argc, char **argv)
{
    int64_t locals[N_LOCALS] = {0};
    locals[3] = argc > 1 ? atol(argv[1]) : 200000;
    run(collatz, locals);
    printf("%lld steps, largest %lld\n", (long long)locals[2], (long long)locals[4]);
    return 0;
}
