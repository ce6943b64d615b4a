/* Prints the spec run's summary. Column widths follow the longest file name so long paths still
 * line up. */
#include "spec_report.h"

#include <string.h>

void
spec_report_print(FILE *out, const spec_file_row_t *rows, size_t n_rows)
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
        for (int s = 0; s < SPEC_N_SKIPS; s++)
            if (total.n_by_skip[s] > 0)
                fprintf(out, "  %-20s %8u\n", spec_skip_name((spec_skip_t)s), total.n_by_skip[s]);
    }

    fprintf(out, "\n%u passed, %u failed, %u skipped\n", total.n_passed, total.n_failed,
            total.n_skipped);
}
