/* Matrix multiply: C = A x B for N x N f32 matrices in i-k-j order, repeated, then a checksum of
 * C in f64 (f32 loads, multiplies and adds; an inner loop clang vectorizes with -msimd128, in which
 * case the results stay bit-identical: each element still sums in the same order).
 * Usage: matmul [N] [REPEAT] */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 512;
    int repeat = argc > 2 ? atoi(argv[2]) : 8;
    float *a = malloc(sizeof(float) * n * n);
    float *b = malloc(sizeof(float) * n * n);
    float *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c)
        return 1;
    unsigned x = 12345;
    for (int i = 0; i < n * n; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (float)((x >> 16) & 0xff) / 64.0f - 2.0f;
        x = x * 1103515245u + 12345u;
        b[i] = (float)((x >> 16) & 0xff) / 128.0f - 1.0f;
    }
    double checksum = 0;
    for (int r = 0; r < repeat; r++) {
        for (int i = 0; i < n * n; i++)
            c[i] = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) {
                float aik = a[i * n + k];
                for (int j = 0; j < n; j++)
                    c[i * n + j] += aik * b[k * n + j];
            }
        for (int i = 0; i < n * n; i++)
            checksum += c[i];
        a[r % (n * n)] += 0.5f; /* each round differs, so none can be skipped */
    }
    printf("%.6f\n", checksum);
    free(a);
    free(b);
    free(c);
    return 0;
}
