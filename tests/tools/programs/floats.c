/* Floating-point arithmetic, libm calls and printf/strtod formatting of the results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int
main(void)
{
    double sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += 1.0 / ((double)i * i);
    printf("basel %.12f pi^2/6 %.12f\n", sum, M_PI * M_PI / 6);
    float f = 0;
    for (int i = 0; i < 100; i++)
        f += 0.1f;
    printf("f32 sum %.9g as double %.17g\n", f, (double)f);
    printf("sqrt2 %.17g exp1 %.17g log10 %.6e\n", sqrt(2.0), exp(1.0), log(10.0));
    printf("sin %.6f cos %.6f atan2 %.6f pow %.3f\n", sin(1.0), cos(1.0), atan2(1.0, -1.0),
           pow(2.0, 0.5));
    printf("%g %g %g %g %a\n", 1e300 * 1e10, -1e300 * 1e10, 0.0 / 0.0 == 0.0 / 0.0 ? 1.0 : 0.0,
           -0.0, 0.1);
    printf("floor %.1f ceil %.1f trunc %d round %.1f\n", floor(-2.5), ceil(-2.5), (int)-2.7,
           round(2.5));
    printf("strtod %.17g %.17g\n", strtod("3.14159265358979323846", NULL),
           strtod("1e-310", NULL));
    printf("%8.3f|%-8.2e|%+d|%05.1f\n", 3.14159, 12345.678, 42, 2.25);
    return 0;
}
