/* qsort over records with a two-key comparison, then a binary search, printing checksums. */
#include <stdio.h>
#include <stdlib.h>

typedef struct record {
    int group;
    double weight;
    unsigned id;
} record_t;

static int
by_group_then_weight(const void *a, const void *b)
{
    const record_t *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return (x->weight > y->weight) - (x->weight < y->weight);
}

static int
by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int
main(void)
{
    enum { N = 5000 };
    static record_t r[N];
    static int v[N];
    unsigned s = 7;
    for (unsigned i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        r[i] = (record_t){(int)(s >> 28), (double)(s % 100000) / 7.0, i};
        v[i] = (int)(s >> 1) - (1 << 30);
    }
    qsort(r, N, sizeof r[0], by_group_then_weight);
    qsort(v, N, sizeof v[0], by_int);
    unsigned long check = 0;
    for (unsigned i = 0; i < N; i++)
        check = check * 33 + r[i].id;
    int sorted = 1;
    for (unsigned i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    int key = v[N / 3];
    int *hit = bsearch(&key, v, N, sizeof v[0], by_int);
    printf("first=%u/%d last=%u/%d check=%lu sorted=%d found=%d\n", r[0].id, r[0].group,
           r[N - 1].id, r[N - 1].group, check, sorted, hit && *hit == key);
    return 0;
}
