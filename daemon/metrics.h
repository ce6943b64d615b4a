/* The metrics registry: counters and gauges declared in metrics.def, with optional labels, rendered
 * in the Prometheus text exposition format (version 0.0.4) for GET /metrics.
 *
 *   metrics_add(m, METRIC_http_received_bytes_total, NULL, n);
 *   metrics_add(m, METRIC_http_requests_total, (const char *[]){"/healthz", "200"}, 1);
 *
 * Label values are given in the order of the row's label names; each distinct combination is one
 * series, created on first use. Values are unsigned 64-bit integers. Keep label values to a closed
 * set (route patterns, statuses), never raw client input: every series lives until metrics_fini.
 *
 * Ownership: metrics_t is embedded in its owner (the daemon); metrics_fini frees the series. The
 * rendered text belongs to the caller (free()).
 * Threading: loop thread only. Work on other threads reports through the loop (daemon/mailbox.h)
 * and counts there.
 * Errors: metrics_add and metrics_set drop the update when a new series cannot be allocated (a
 * metric is not worth failing a request for); metrics_render returns 0 or SL_ENOMEM.
 */
#ifndef SL_METRICS_H
#define SL_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef enum metric_id {
#define METRIC(name, type, labels, help) METRIC_##name,
#include "metrics.def"
#undef METRIC
    METRIC_COUNT
} metric_id_t;

enum {
    METRICS_MAX_LABELS = 4,
};

typedef struct metric_series metric_series_t;

typedef struct metrics {
    /* private: one list of series per metric, in creation order */
    metric_series_t *series[METRIC_COUNT];
} metrics_t;

void metrics_init(metrics_t *m);
void metrics_fini(metrics_t *m);

/* Adds `delta` to the series of `id` with these label values (NULL for an unlabelled metric). */
void metrics_add(metrics_t *m, metric_id_t id, const char *const *labels, uint64_t delta);

/* Sets a gauge's series. */
void metrics_set(metrics_t *m, metric_id_t id, const char *const *labels, uint64_t value);

/* The value of a series, 0 if it does not exist yet (tests, readiness checks). */
uint64_t metrics_get(const metrics_t *m, metric_id_t id, const char *const *labels);

/* Renders every metric: HELP and TYPE lines, then one line per series ("0" for an unlabelled
 * metric never counted). */
int metrics_render(const metrics_t *m, char **out, size_t *out_size);

#endif
