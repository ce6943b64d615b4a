/* Counters and gauges from metrics.def, and their Prometheus text (see metrics.h). */
#include "metrics.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

static const double buckets[METRICS_N_BUCKETS] = METRICS_BUCKETS;

struct metric_series {
    metric_series_t *next;
    uint64_t value;                       /* a histogram's count */
    uint64_t bucket[METRICS_N_BUCKETS];   /* histograms: observations <= each bound, not summed */
    double sum;                           /* histograms: of the observations */
    char labels[]; /* rendered: route="/healthz",status="200"; "" when unlabelled */
};

static const struct {
    const char *name;
    const char *type; /* "COUNTER", "GAUGE", "HISTOGRAM" */
    const char *labels;
    const char *help;
} rows[] = {
#define METRIC(name, type, labels, help) {#name, #type, labels, help},
#include "metrics.def"
#undef METRIC
};

/* Label values are escaped as the text format requires: backslash, double quote, newline. */
static bool
render_labels(metric_id_t id, const char *const *values, char *buf, size_t size)
{
    const char *names = rows[id].labels;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; *names != '\0' && i < METRICS_MAX_LABELS; i++) {
        size_t name_len = strcspn(names, ",");
        const char *value = values != NULL && values[i] != NULL ? values[i] : "";
        int n = snprintf(buf + used, size - used, "%s%.*s=\"", i > 0 ? "," : "", (int)name_len,
                         names);
        if (n < 0 || (size_t)n >= size - used)
            return false;
        used += (size_t)n;
        for (const char *p = value; *p != '\0'; p++) {
            const char *esc = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
            size_t len = esc != NULL ? 2 : 1;
            if (used + len + 2 >= size)
                return false;
            memcpy(buf + used, esc != NULL ? esc : p, len);
            used += len;
        }
        buf[used++] = '"';
        buf[used] = '\0';
        names += name_len;
        if (*names == ',')
            names++;
    }
    return true;
}

static metric_series_t *
find(const metrics_t *m, metric_id_t id, const char *labels)
{
    for (metric_series_t *s = m->series[id]; s != NULL; s = s->next)
        if (strcmp(s->labels, labels) == 0)
            return s;
    return NULL;
}

static metric_series_t *
find_or_add(metrics_t *m, metric_id_t id, const char *const *values)
{
    char labels[512];
    if ((unsigned)id >= METRIC_COUNT || !render_labels(id, values, labels, sizeof labels))
        return NULL;
    metric_series_t *s = find(m, id, labels);
    if (s != NULL)
        return s;
    size_t len = strlen(labels);
    s = calloc(1, sizeof *s + len + 1);
    if (s == NULL)
        return NULL;
    memcpy(s->labels, labels, len + 1);
    /* Appended, so the output keeps the order series first appeared in. */
    metric_series_t **tail = &m->series[id];
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = s;
    return s;
}

void
metrics_init(metrics_t *m)
{
    memset(m, 0, sizeof *m);
}

void
metrics_fini(metrics_t *m)
{
    for (size_t i = 0; i < METRIC_COUNT; i++) {
        metric_series_t *s = m->series[i];
        while (s != NULL) {
            metric_series_t *next = s->next;
            free(s);
            s = next;
        }
        m->series[i] = NULL;
    }
}

void
metrics_add(metrics_t *m, metric_id_t id, const char *const *labels, uint64_t delta)
{
    metric_series_t *s = find_or_add(m, id, labels);
    if (s != NULL)
        s->value += delta;
}

void
metrics_set(metrics_t *m, metric_id_t id, const char *const *labels, uint64_t value)
{
    metric_series_t *s = find_or_add(m, id, labels);
    if (s != NULL)
        s->value = value;
}

void
metrics_observe(metrics_t *m, metric_id_t id, const char *const *labels, double seconds)
{
    metric_series_t *s = find_or_add(m, id, labels);
    if (s == NULL)
        return;
    s->value++;
    s->sum += seconds;
    for (size_t i = 0; i < METRICS_N_BUCKETS; i++)
        if (seconds <= buckets[i]) {
            s->bucket[i]++;
            break;
        }
}

uint64_t
metrics_get(const metrics_t *m, metric_id_t id, const char *const *values)
{
    char labels[512];
    if ((unsigned)id >= METRIC_COUNT || !render_labels(id, values, labels, sizeof labels))
        return 0;
    const metric_series_t *s = find(m, id, labels);
    return s != NULL ? s->value : 0;
}

/* The _bucket lines are cumulative, as the format requires; le joins the series' own labels. */
static void
render_histogram(FILE *f, const char *name, const metric_series_t *s)
{
    static const uint64_t no_buckets[METRICS_N_BUCKETS];
    const char *labels = s != NULL ? s->labels : ""; /* NULL: never observed, unlabelled */
    const uint64_t *bucket = s != NULL ? s->bucket : no_buckets;
    uint64_t count = s != NULL ? s->value : 0;
    double sum = s != NULL ? s->sum : 0;
    const char *sep = labels[0] ? "," : "";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < METRICS_N_BUCKETS; i++) {
        cumulative += bucket[i];
        fprintf(f, "slipstream_%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, buckets[i],
                (unsigned long long)cumulative);
    }
    fprintf(f, "slipstream_%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
            (unsigned long long)count);
    fprintf(f, "slipstream_%s_sum%s%s%s %.9g\n", name, labels[0] ? "{" : "", labels,
            labels[0] ? "}" : "", sum);
    fprintf(f, "slipstream_%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
            labels[0] ? "}" : "", (unsigned long long)count);
}

int
metrics_render(const metrics_t *m, char **out, size_t *out_size)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (f == NULL)
        return SL_ENOMEM;
    for (size_t i = 0; i < METRIC_COUNT; i++) {
        bool is_histogram = rows[i].type[0] == 'H';
        fprintf(f, "# HELP slipstream_%s %s\n# TYPE slipstream_%s %s\n", rows[i].name,
                rows[i].help, rows[i].name,
                is_histogram ? "histogram" : rows[i].type[0] == 'C' ? "counter" : "gauge");
        if (m->series[i] == NULL && rows[i].labels[0] == '\0') {
            if (is_histogram)
                render_histogram(f, rows[i].name, NULL);
            else
                fprintf(f, "slipstream_%s 0\n", rows[i].name);
        }
        for (const metric_series_t *s = m->series[i]; s != NULL; s = s->next) {
            if (is_histogram)
                render_histogram(f, rows[i].name, s);
            else
                fprintf(f, "slipstream_%s%s%s%s %llu\n", rows[i].name, s->labels[0] ? "{" : "",
                        s->labels, s->labels[0] ? "}" : "", (unsigned long long)s->value);
        }
    }
    bool is_ok = !ferror(f);
    if (fclose(f) != 0 || !is_ok) {
        free(text);
        return SL_ENOMEM;
    }
    *out = text;
    *out_size = size;
    return 0;
}
