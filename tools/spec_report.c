/* Prints the spec run's summary. Column widths follow the longest file name (and skip reason) so
 * long paths still line up. */
#include "spec_report.h"

#include <stdlib.h>
#include <string.h>

static int
by_count(const void *a, const void *b)
{
    const spec_detail_t *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* Sorts the total's messages in place (the total is the report's own). */
static void
print_skips(FILE *out, spec_tally_t *total, unsigned max_details)
{
    const char *unsupported = spec_skip_name(SPEC_SKIP_UNSUPPORTED);
    unsigned n_shown = total->n_unsupported;
    if (max_details > 0 && n_shown > max_details)
        n_shown = max_details;
    if (total->n_unsupported > 0)
        qsort(total->unsupported, total->n_unsupported, sizeof *total->unsupported, by_count);
    unsigned n_rest = total->n_unsupported - n_shown;
    char rest[64];
    snprintf(rest, sizeof rest, "%s: (%u other message%s)", unsupported, n_rest,
             n_rest == 1 ? "" : "s");
    int width = 20;
    for (unsigned i = 0; i < n_shown; i++) {
        int len = (int)(strlen(unsupported) + 2 + strlen(total->unsupported[i].text));
        width = len > width ? len : width;
    }
    if (n_rest > 0 && (int)strlen(rest) > width)
        width = (int)strlen(rest);
    for (int s = 0; s < SPEC_N_SKIPS; s++) {
        unsigned n = total->n_by_skip[s];
        if (s == SPEC_SKIP_UNSUPPORTED) {
            for (unsigned i = 0; i < n_shown; i++) {
                const spec_detail_t *d = &total->unsupported[i];
                fprintf(out, "  %s: %-*s %8u\n", unsupported,
                        width - (int)strlen(unsupported) - 2, d->text, d->n);
                n -= d->n < n ? d->n : n;
            }
            if (n_rest > 0) {
                fprintf(out, "  %-*s %8u\n", width, rest, n);
                n = 0;
            }
        }
        if (n > 0)
            fprintf(out, "  %-*s %8u\n", width, spec_skip_name((spec_skip_t)s), n);
    }
}

void
spec_report_print(FILE *out, const spec_file_row_t *rows, size_t n_rows, unsigned max_details)
{
    spec_tally_t total = {0};
    int name_width = (int)strlen("file");
    for (size_t i = 0; i < n_rows; i++) {
        size_t len = strlen(rows[i].name);
        if (len > (size_t)name_width)
            name_width = len > 200 ? 200 : (int)len;
        spec_tally_merge(&total, &rows[i].tally);
    }

    fprintf(out, "\n%-*s %8s %8s %8s\n", name_width, "file", "passed", "failed", "skipped");
    for (size_t i = 0; i < n_rows; i++) {
        const spec_tally_t *t = &rows[i].tally;
        fprintf(out, "%-*s %8u %8u %8u\n", name_width, rows[i].name, t->n_passed, t->n_failed,
                t->n_skipped);
    }

    if (total.n_skipped > 0) {
        fputs("\nskipped, by reason:\n", out);
        print_skips(out, &total, max_details);
    }

    fprintf(out, "\n%u passed, %u failed, %u skipped\n", total.n_passed, total.n_failed,
            total.n_skipped);
    spec_tally_fini(&total);
}
