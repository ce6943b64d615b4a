/* Integer work printed with printf: primes, Fibonacci numbers, a GCD table and 64-bit
 * arithmetic, so results come from computation rather than constants. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static int
count_primes(int limit)
{
    int count = 0;
    for (int n = 2; n < limit; n++) {
        int is_prime = 1;
        for (int d = 2; d * d <= n; d++)
            if (n % d == 0) {
                is_prime = 0;
                break;
            }
        count += is_prime;
    }
    return count;
}

static uint64_t
fib(int n)
{
    uint64_t a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

static unsigned
gcd(unsigned a, unsigned b)
{
    while (b) {
        unsigned t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int
main(void)
{
    printf("primes below 10000: %d\n", count_primes(10000));
    printf("fib(90) = %" PRIu64 "\n", fib(90));
    unsigned sum = 0;
    for (unsigned a = 1; a <= 60; a++)
        for (unsigned b = 1; b <= 60; b++)
            sum += gcd(a, b);
    printf("gcd sum: %u\n", sum);
    int64_t x = -1234567890123LL;
    printf("div %" PRId64 " mod %" PRId64 " shr %" PRId64 " hex %" PRIx64 "\n", x / 97, x % 97,
           x >> 7, (uint64_t)x);
    return 0;
}
