/* LZ77-style compression: generated text (words drawn from a small vocabulary) compressed with a
 * hash of the next four bytes and a short chain of earlier positions, then decompressed and
 * compared (byte loads and stores, hashing, unpredictable branches, memcpy-like loops).
 * Prints the sizes and a checksum of the compressed stream. Usage: lz [MEGABYTES] [ROUNDS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 15
#define WINDOW (1 << 16)
#define MIN_MATCH 4
#define MAX_MATCH 255
#define CHAIN 8

static const char *const words[] = {
    "stream", "module", "function", "compile", "baseline", "the", "of", "and", "a", "to",
    "register", "spill", "memory", "trap", "table", "value", "stack", "branch", "loop", "call",
    "engine", "daemon", "byte", "section", "code", "jump", "slot", "tier", "cache", "wasm",
};

static uint32_t rng = 2463534242u;

static uint32_t
rng_next(void)
{
    rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
    return rng;
}

static size_t
make_text(uint8_t *out, size_t size)
{
    size_t n = 0;
    while (n + 16 < size) {
        const char *w = words[rng_next() % (sizeof words / sizeof words[0])];
        size_t len = strlen(w);
        memcpy(out + n, w, len);
        n += len;
        uint32_t r = rng_next() % 16;
        out[n++] = r == 0 ? '\n' : r == 1 ? ',' : ' ';
        if (r == 2) /* a little noise that does not compress */
            out[n++] = (uint8_t)('A' + rng_next() % 26);
    }
    return n;
}

static uint32_t
hash4(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Output: tokens of [literal count byte][literals][match length byte][offset lo][offset hi]; a
 * literal run is at most 255 bytes and a zero match length means "literals only". */
static size_t
compress(const uint8_t *in, size_t size, uint8_t *out, int32_t *head, int32_t *prev)
{
    for (int i = 0; i < (1 << HASH_BITS); i++)
        head[i] = -1;
    size_t o = 0, lit_start = 0, i = 0;
    while (i + MIN_MATCH <= size) {
        uint32_t h = hash4(in + i);
        size_t best_len = 0, best_off = 0;
        int32_t cand = head[h];
        for (int c = 0; c < CHAIN && cand >= 0 && i - (size_t)cand < WINDOW; c++) {
            size_t len = 0;
            while (len < MAX_MATCH && i + len < size && in[cand + len] == in[i + len])
                len++;
            if (len > best_len) {
                best_len = len;
                best_off = i - (size_t)cand;
            }
            cand = prev[cand & (WINDOW - 1)];
        }
        prev[i & (WINDOW - 1)] = head[h];
        head[h] = (int32_t)i;
        if (best_len >= MIN_MATCH || i - lit_start == 255) {
            size_t n_lit = i - lit_start;
            out[o++] = (uint8_t)n_lit;
            memcpy(out + o, in + lit_start, n_lit);
            o += n_lit;
            if (best_len < MIN_MATCH)
                best_len = 0;
            out[o++] = (uint8_t)best_len;
            out[o++] = (uint8_t)best_off;
            out[o++] = (uint8_t)(best_off >> 8);
            for (size_t k = 1; k < best_len; k++) { /* keep the chains current inside matches */
                size_t p = i + k;
                if (p + MIN_MATCH <= size) {
                    uint32_t hk = hash4(in + p);
                    prev[p & (WINDOW - 1)] = head[hk];
                    head[hk] = (int32_t)p;
                }
            }
            i += best_len ? best_len : 1;
            lit_start = i;
        } else {
            i++;
        }
    }
    while (lit_start < size) {
        size_t n_lit = size - lit_start < 255 ? size - lit_start : 255;
        out[o++] = (uint8_t)n_lit;
        memcpy(out + o, in + lit_start, n_lit);
        o += n_lit;
        lit_start += n_lit;
        out[o++] = 0, out[o++] = 0, out[o++] = 0;
    }
    return o;
}

static size_t
decompress(const uint8_t *in, size_t size, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < size) {
        size_t n_lit = in[i++];
        for (size_t k = 0; k < n_lit; k++)
            out[o++] = in[i++];
        size_t len = in[i];
        size_t off = (size_t)in[i + 1] | (size_t)in[i + 2] << 8;
        i += 3;
        for (size_t k = 0; k < len; k++, o++) /* byte by byte: matches may overlap */
            out[o] = out[o - off];
    }
    return o;
}

int
main(int argc, char **argv)
{
    size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 8) << 20;
    int rounds = argc > 2 ? atoi(argv[2]) : 4;
    uint8_t *text = malloc(size);
    uint8_t *packed = malloc(size + size / 64 + 1024);
    uint8_t *back = malloc(size);
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
    if (!text || !packed || !back || !head || !prev)
        return 1;
    uint32_t checksum = 0;
    size_t n_text = 0, n_packed = 0;
    for (int r = 0; r < rounds; r++) {
        n_text = make_text(text, size);
        n_packed = compress(text, n_text, packed, head, prev);
        if (decompress(packed, n_packed, back) != n_text || memcmp(back, text, n_text) != 0) {
            printf("round trip failed in round %d\n", r);
            return 1;
        }
        for (size_t i = 0; i < n_packed; i++)
            checksum = (checksum ^ packed[i]) * 16777619u;
    }
    printf("%zu -> %zu bytes, checksum %08x\n", n_text, n_packed, checksum);
    return 0;
}
