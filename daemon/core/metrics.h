/* The metrics registry: counters, gauges and histograms declared in metrics.def, with optional
 * labels, rendered
 * in the Prometheus text exposition format (version 0.0.4) for GET /metrics.
 *
 *   metrics_add(m, METRIC_http_received_bytes_total, NULL, n);
 *   metrics_add(m, METRIC_http_requests_total, (const char *[]){"/healthz", "200"}, 1);
 *
 * Label values are given in the order of the row's label names; each distinct combination is one
 * series, created on first use. Values are unsigned 64-bit integers. Keep label values to a closed
 * set (route patterns, statuses), never raw client input: every series lives until metrics_fini.
 * Histograms take observations in seconds (metrics_observe) into one fixed set of buckets,
 * METRICS_BUCKETS, 0.5 ms to 10 s: wide enough for compile times and ready-after-last-byte.
 *
 * Ownership: metrics_t is embedded in its owner (the daemon); metrics_fini frees the series. The
 * rendered text belongs to the caller (free()).
 * Threading: loop thread only. Work on other threads reports through the loop (core/mailbox.h)
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
    METRICS_N_BUCKETS = 14, /* upper bounds below; +Inf is implied */
};

/* Upper bounds of the histogram buckets, seconds, ascending. */
#define METRICS_BUCKETS                                                                            \
    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

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

/* Counts one observation of a histogram, in seconds. */
void metrics_observe(metrics_t *m, metric_id_t id, const char *const *labels, double seconds);

/* The value of a series (a histogram's observation count), 0 if it does not exist yet. */
uint64_t metrics_get(const metrics_t *m, metric_id_t id, const char *const *labels);

/* Renders every metric: HELP and TYPE lines, then one line per series ("0" for an unlabelled
 * metric never counted). */
int metrics_render(const metrics_t *m, char **out, size_t *out_size);

#endif
