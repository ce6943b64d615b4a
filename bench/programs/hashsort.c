/* Hash table and sort: inserts pseudo-random 64-bit keys into an open-addressing table (counting
 * repeats), then sorts the distinct keys with a hand-written quicksort and folds them into a
 * checksum (i64 arithmetic, random memory access, data-dependent branches).
 * Usage: hashsort [KEYS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct slot {
    uint64_t key; /* 0 marks an empty slot; keys are never 0 */
    uint32_t count;
} slot_t;

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1du;
}

static uint64_t
mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdu;
    k ^= k >> 33;
    return k;
}

static void
sort_keys(uint64_t *a, long lo, long hi)
{
    while (hi - lo > 16) {
        uint64_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint64_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            sort_keys(a, lo, j);
            lo = i;
        } else {
            sort_keys(a, i, hi);
            hi = j;
        }
    }
    for (long i = lo + 1; i <= hi; i++) {
        uint64_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

int
main(int argc, char **argv)
{
    long n_keys = argc > 1 ? atol(argv[1]) : 4000000;
    size_t n_slots = 1;
    while (n_slots < (size_t)n_keys * 2)
        n_slots <<= 1;
    slot_t *table = calloc(n_slots, sizeof *table);
    uint64_t *distinct = malloc((size_t)n_keys * sizeof *distinct);
    if (!table || !distinct)
        return 1;
    long n_distinct = 0, n_repeats = 0;
    /* Keys drawn from a range about n_keys wide, so a good share repeat. */
    uint64_t range = (uint64_t)n_keys;
    for (int pass = 0; pass < 3; pass++) {
        for (long i = 0; i < n_keys / 3; i++) {
            uint64_t key = mix(rng_next() % range + 1) | 1;
            size_t at = (size_t)(mix(key) & (n_slots - 1));
            while (table[at].key && table[at].key != key)
                at = (at + 1) & (n_slots - 1);
            if (table[at].key) {
                table[at].count++;
                n_repeats++;
            } else {
                table[at].key = key;
                table[at].count = 1;
                distinct[n_distinct++] = key;
            }
        }
    }
    sort_keys(distinct, 0, n_distinct - 1);
    uint64_t sum = 0;
    for (long i = 0; i < n_distinct; i++) {
        if (i && distinct[i - 1] >= distinct[i]) {
            printf("not sorted at %ld\n", i);
            return 1;
        }
        size_t at = (size_t)(mix(distinct[i]) & (n_slots - 1));
        while (table[at].key != distinct[i])
            at = (at + 1) & (n_slots - 1);
        sum = sum * 31 + distinct[i] * table[at].count;
    }
    printf("%ld distinct %ld repeats %016llx\n", n_distinct, n_repeats, (unsigned long long)sum);
    free(distinct);
    free(table);
    return 0;
}
