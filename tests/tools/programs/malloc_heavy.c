/* Allocation churn: a hash table of linked nodes grown by realloc, many mallocs and frees of
 * varied sizes, then a checksum of what survived. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    struct node *next;
    uint32_t key;
    size_t size;
    unsigned char *data;
} node_t;

static uint32_t seed = 12345;

static uint32_t
next_random(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

int
main(void)
{
    size_t n_buckets = 16, n_nodes = 0;
    node_t **buckets = calloc(n_buckets, sizeof *buckets);
    for (int round = 0; round < 20000; round++) {
        uint32_t key = next_random() % 5000;
        node_t **link = &buckets[key % n_buckets];
        while (*link && (*link)->key != key)
            link = &(*link)->next;
        if (*link) { /* present: free it */
            node_t *dead = *link;
            *link = dead->next;
            free(dead->data);
            free(dead);
            n_nodes--;
            continue;
        }
        node_t *n = malloc(sizeof *n);
        n->key = key;
        n->size = 1 + next_random() % 700;
        n->data = malloc(n->size);
        memset(n->data, (int)(key & 0xff), n->size);
        n->next = NULL;
        *link = n;
        if (++n_nodes > 2 * n_buckets) { /* rehash into twice the buckets */
            size_t new_n = 2 * n_buckets;
            node_t **grown = calloc(new_n, sizeof *grown);
            for (size_t b = 0; b < n_buckets; b++)
                for (node_t *p = buckets[b], *next; p; p = next) {
                    next = p->next;
                    p->next = grown[p->key % new_n];
                    grown[p->key % new_n] = p;
                }
            free(buckets);
            buckets = grown;
            n_buckets = new_n;
        }
    }
    uint64_t sum = 0;
    size_t total = 0;
    for (size_t b = 0; b < n_buckets; b++)
        for (node_t *p = buckets[b], *next; p; p = next) {
            next = p->next;
            for (size_t i = 0; i < p->size; i++)
                sum += p->data[i] * (i + 1);
            total += p->size;
            free(p->data);
            free(p);
        }
    free(buckets);
    char *s = NULL;
    size_t len = 0;
    for (int i = 0; i < 300; i++) {
        s = realloc(s, len + 4);
        len += (size_t)sprintf(s + len, "%03d", i % 1000) - 1;
    }
    printf("nodes=%zu buckets=%zu bytes=%zu sum=%llu tail=%s\n", n_nodes, n_buckets, total,
           (unsigned long long)sum, s + len - 6);
    free(s);
    return 0;
}
