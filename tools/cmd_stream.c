/* `slipstream stream DAEMON_URL NAME FILE.wasm --rate=BYTES_PER_S ...`: uploads a module to the
 * daemon's `PUT /v1/modules/NAME` at a throttled rate, as a slow network would deliver it, and
 * prints the overlap of download and compilation that the daemon measured (its JSON reply).
 * The pacing is done here, in libcurl's read callback; the figures printed are the daemon's. */
#include "cmd.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_file.h"
#include "vec.h"

#ifndef SL_VERSION
#define SL_VERSION "unknown"
#endif

#define PROGRAM "slipstream stream"
#define DEFAULT_CHUNK_SIZE ((size_t)16 << 10)
#define MAX_REPLY_SIZE ((size_t)1 << 20)

static const char usage[] =
    "usage: slipstream stream DAEMON_URL NAME FILE.wasm --rate=BYTES_PER_S [--latency=MS]\n"
    "                         [--chunk=BYTES] [--token=TOKEN] [--json]\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Uploads FILE.wasm with PUT DAEMON_URL/v1/modules/NAME (Content-Length, no\n"
          "Expect: 100-continue) in chunks of --chunk bytes (default 16384), paced so that the\n"
          "last chunk leaves S/RATE seconds after the first: the average rate, file size over\n"
          "first-to-last byte, is --rate bytes per second. --latency=MS holds back the first\n"
          "body byte (and so every later one) by MS milliseconds after the request head has\n"
          "been sent; the reply is not delayed. Then prints the daemon's figures:\n"
          "  module NAME: SIZE bytes sent in T ms (R MB/s), code section from C ms\n"
          "  functions: K of N (P%) compiled before the last byte\n"
          "  ready X ms after the last byte; compile CPU Y ms; baseline done at Z ms\n"
          "T is last_byte_ms - first_byte_ms as the daemon saw them, MB = 10^6 bytes, and the\n"
          "other times are the reply's timeline (n/a where it holds null).\n"
          "\n"
          "  --rate=BYTES_PER_S  average upload rate (required)\n"
          "  --latency=MS        delay before the first body byte (default 0)\n"
          "  --chunk=BYTES       bytes handed to the connection at a time (default 16384)\n"
          "  --token=TOKEN       sent as Authorization: Bearer TOKEN\n"
          "  --json              print the daemon's reply as received instead\n"
          "\n"
          "Exit status: 0 stored, 1 the daemon refused the module (its message is printed) or a\n"
          "network or file error, 2 a bad command line.\n",
          stdout);
}

typedef struct stream_options {
    const char *url, *name, *path, *token;
    double rate; /* bytes per second */
    unsigned long latency_ms;
    size_t chunk_size;
    bool is_json;
} stream_options_t;

/* The upload's state, owned by the read callback. Chunk boundaries are offsets that are multiples
 * of chunk_size; a chunk may reach libcurl in several calls when its buffer is smaller. */
typedef struct pacer {
    const uint8_t *bytes;
    size_t size, pos, chunk_size;
    size_t chunk_end;       /* end of the chunk being handed over */
    double span_s;          /* size / rate: the last chunk leaves this long after the first */
    double last_chunk_at;   /* offset of the last chunk, the divisor of the schedule */
    unsigned long latency_ms;
    struct timespec first;  /* when the first body byte may leave; zero until asked */
    struct timespec done;   /* when the last byte was handed to libcurl */
    bool has_started;
} pacer_t;

typedef struct reply {
    char *data; /* NUL-terminated */
    size_t len, cap;
    bool is_truncated;
} reply_t;

static struct timespec
timespec_add(struct timespec t, double seconds)
{
    long long ns = (long long)(seconds * 1e9);
    t.tv_sec += (time_t)(ns / 1000000000);
    t.tv_nsec += (long)(ns % 1000000000);
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    return t;
}

/* An absolute deadline, so the time spent in libcurl between chunks does not add up. */
static void
sleep_until(const struct timespec *when)
{
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, when, NULL) == EINTR)
        ;
}

/* Blocking inside the read callback is what paces the upload: the easy interface owns this
 * thread, and libcurl still sees an early answer (a refusal) between chunks, because it reads
 * the socket before asking for more data. */
static size_t
read_body(char *buffer, size_t size, size_t n_items, void *user)
{
    pacer_t *p = user;
    if (p->pos == p->size)
        return 0;
    if (p->pos == p->chunk_end) {
        if (!p->has_started) {
            clock_gettime(CLOCK_MONOTONIC, &p->first);
            p->first = timespec_add(p->first, (double)p->latency_ms / 1e3);
            p->has_started = true;
            sleep_until(&p->first);
        } else {
            /* Chunk starts are spread over [0, span] by offset, so the measured average
             * (size over first-to-last byte) is the rate asked for, however few chunks. */
            struct timespec at =
                timespec_add(p->first, p->span_s * (double)p->pos / p->last_chunk_at);
            sleep_until(&at);
        }
        p->chunk_end = p->size - p->pos > p->chunk_size ? p->pos + p->chunk_size : p->size;
    }
    size_t room = size * n_items;
    size_t n = p->chunk_end - p->pos < room ? p->chunk_end - p->pos : room;
    memcpy(buffer, p->bytes + p->pos, n);
    p->pos += n;
    if (p->pos == p->size)
        clock_gettime(CLOCK_MONOTONIC, &p->done);
    return n;
}

static size_t
write_reply(char *data, size_t size, size_t n_items, void *user)
{
    reply_t *r = user;
    size_t n = size * n_items;
    size_t keep = r->len + n > MAX_REPLY_SIZE ? MAX_REPLY_SIZE - r->len : n;
    if (keep < n)
        r->is_truncated = true;
    if (vec_grow((void **)&r->data, &r->cap, r->len + keep + 1, 1, VEC_NO_LIMIT) < 0)
        return 0; /* libcurl ends the transfer with CURLE_WRITE_ERROR */
    memcpy(r->data + r->len, data, keep);
    r->len += keep;
    r->data[r->len] = 0;
    return n;
}

/* The schedule is a floor: libcurl spends some time per chunk, so very small chunks at a high
 * rate fall behind it. Saying so beats printing a rate that was never offered. */
static void
warn_if_late(const pacer_t *p)
{
    if (p->pos != p->size || p->size <= p->chunk_size)
        return;
    double took = (double)(p->done.tv_sec - p->first.tv_sec) +
                  (double)(p->done.tv_nsec - p->first.tv_nsec) / 1e9;
    if (took - p->span_s > 0.1 * p->span_s && took - p->span_s > 0.005)
        fprintf(stderr,
                PROGRAM ": warning: sending took %.1f ms instead of %.1f ms; a larger --chunk "
                        "keeps up\n",
                took * 1e3, p->span_s * 1e3);
}

/* ---- the reply ------------------------------------------------------------------------------ */

/* Field `key` of the timeline as a number; false when it is missing or not a number or null. A
 * null is accepted (*is_null) because a figure may not apply, such as a module without code. */
static bool
timeline_number(json_t *timeline, const char *key, double *out, bool *is_null)
{
    json_t *v = json_object_get(timeline, key);
    *is_null = json_is_null(v);
    if (*is_null)
        return true;
    if (!json_is_number(v)) {
        fprintf(stderr, PROGRAM ": the daemon's reply lacks a number timeline.%s\n", key);
        return false;
    }
    *out = json_number_value(v);
    return true;
}

static void
format_ms(char *text, size_t size, double ms, bool is_null)
{
    if (is_null)
        snprintf(text, size, "n/a");
    else
        snprintf(text, size, "%.1f ms", ms);
}

enum {
    FIRST_BYTE,
    LAST_BYTE,
    CODE_START,
    BASELINE_DONE,
    FUNCS_TOTAL,
    FUNCS_BEFORE_LAST,
    READY_AFTER_LAST,
    COMPILE_CPU,
    N_FIGURES
};

static const char *const figure_keys[N_FIGURES] = {
    "first_byte_ms",     "last_byte_ms",
    "code_section_start_ms", "baseline_done_ms",
    "functions_total",   "functions_compiled_before_last_byte",
    "ready_after_last_byte_ms", "compile_cpu_ms",
};

/* Prints the three lines of figures from a 2xx reply; false when the reply is not the JSON the
 * module API promises, which is worth exit status 1 since nothing can be reported. */
static bool
print_figures(const stream_options_t *opts, const reply_t *reply, size_t file_size)
{
    json_error_t jerr;
    json_t *root = json_loadb(reply->data ? reply->data : "", reply->len, 0, &jerr);
    json_t *timeline = json_object_get(root, "timeline");
    json_t *size = json_object_get(root, "size");
    bool is_ok = false;
    if (!json_is_object(timeline) || !json_is_integer(size)) {
        fprintf(stderr, PROGRAM ": the daemon's reply is not a module with a timeline: %.200s\n",
                reply->data ? reply->data : "");
        goto out;
    }
    double v[N_FIGURES] = {0};
    bool is_null[N_FIGURES];
    for (int i = 0; i < N_FIGURES; i++)
        if (!timeline_number(timeline, figure_keys[i], &v[i], &is_null[i]))
            goto out;
    long long n_bytes = (long long)json_integer_value(size);
    if (n_bytes != (long long)file_size)
        fprintf(stderr, PROGRAM ": warning: the daemon counted %lld bytes, the file has %zu\n",
                n_bytes, file_size);

    const char *name = json_string_value(json_object_get(root, "name"));
    char sent[64], code[32];
    if (is_null[FIRST_BYTE] || is_null[LAST_BYTE]) {
        snprintf(sent, sizeof sent, "n/a");
    } else {
        double ms = v[LAST_BYTE] - v[FIRST_BYTE];
        if (ms > 0)
            snprintf(sent, sizeof sent, "%.1f ms (%.2f MB/s)", ms, (double)n_bytes / ms / 1e3);
        else
            snprintf(sent, sizeof sent, "%.1f ms", ms);
    }
    format_ms(code, sizeof code, v[CODE_START], is_null[CODE_START]);
    printf("module %s: %lld bytes sent in %s, code section from %s\n", name ? name : opts->name,
           n_bytes, sent, code);

    unsigned long long total = is_null[FUNCS_TOTAL] ? 0 : (unsigned long long)v[FUNCS_TOTAL];
    unsigned long long before =
        is_null[FUNCS_BEFORE_LAST] ? 0 : (unsigned long long)v[FUNCS_BEFORE_LAST];
    if (total > 0)
        printf("functions: %llu of %llu (%.1f%%) compiled before the last byte\n", before, total,
               100.0 * (double)before / (double)total);
    else
        printf("functions: %llu of %llu compiled before the last byte\n", before, total);

    char ready[32], cpu[32], done[32];
    format_ms(ready, sizeof ready, v[READY_AFTER_LAST], is_null[READY_AFTER_LAST]);
    format_ms(cpu, sizeof cpu, v[COMPILE_CPU], is_null[COMPILE_CPU]);
    format_ms(done, sizeof done, v[BASELINE_DONE], is_null[BASELINE_DONE]);
    printf("ready %s after the last byte; compile CPU %s; baseline done at %s\n", ready, cpu,
           done);
    is_ok = true;
out:
    json_decref(root);
    return is_ok;
}

/* A non-2xx answer: the daemon's own message when the body is its JSON error, else the body's
 * start, so a proxy's HTML page still says something. */
static void
print_refusal(const stream_options_t *opts, long status, const reply_t *reply)
{
    json_t *root = json_loadb(reply->data ? reply->data : "", reply->len, 0, NULL);
    json_t *error = json_object_get(root, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *message = json_string_value(json_object_get(error, "message"));
    if (message)
        fprintf(stderr, PROGRAM ": the daemon refused %s: HTTP %ld%s%s%s: %s\n", opts->name,
                status, code ? " (" : "", code ? code : "", code ? ")" : "", message);
    else
        fprintf(stderr, PROGRAM ": the daemon refused %s: HTTP %ld: %.200s\n", opts->name, status,
                reply->data ? reply->data : "(empty body)");
    json_decref(root);
}

/* ---- the upload ----------------------------------------------------------------------------- */

/* DAEMON_URL without its trailing slashes, then /v1/modules/ and NAME percent-encoded. */
static char *
module_url(CURL *curl, const char *base, const char *name)
{
    size_t base_len = strlen(base);
    while (base_len > 0 && base[base_len - 1] == '/')
        base_len--;
    char *escaped = curl_easy_escape(curl, name, 0);
    if (!escaped)
        return NULL;
    size_t size = base_len + strlen("/v1/modules/") + strlen(escaped) + 1;
    char *url = malloc(size);
    if (url)
        snprintf(url, size, "%.*s/v1/modules/%s", (int)base_len, base, escaped);
    curl_free(escaped);
    return url;
}

static bool
append_header(struct curl_slist **list, const char *header)
{
    struct curl_slist *grown = curl_slist_append(*list, header);
    if (!grown) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return false;
    }
    *list = grown;
    return true;
}

static int
upload(const stream_options_t *opts, const uint8_t *bytes, size_t size)
{
    int status = CMD_FAILED;
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = NULL;
    char *url = NULL, *auth = NULL;
    reply_t reply = {0};
    char why[CURL_ERROR_SIZE] = "";
    if (!curl || !(url = module_url(curl, opts->url, opts->name))) {
        fprintf(stderr, PROGRAM ": cannot set up libcurl\n");
        goto out;
    }
    size_t last_chunk_at = size ? (size - 1) / opts->chunk_size * opts->chunk_size : 0;
    pacer_t pacer = {
        .bytes = bytes,
        .size = size,
        .chunk_size = opts->chunk_size,
        .span_s = (double)size / opts->rate,
        .last_chunk_at = last_chunk_at ? (double)last_chunk_at : 1,
        .latency_ms = opts->latency_ms,
    };
    /* An empty Expect stops libcurl from waiting for 100 Continue (up to a second) before the
     * body: that wait would be latency nobody asked for, and skew the first-byte time. */
    const char *fixed[] = {"Content-Type: application/wasm", "Expect:"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!append_header(&headers, fixed[i]))
            goto out;
    if (opts->token) {
        size_t n = strlen("Authorization: Bearer ") + strlen(opts->token) + 1;
        if ((auth = malloc(n)))
            snprintf(auth, n, "Authorization: Bearer %s", opts->token);
        if (!auth || !append_header(&headers, auth))
            goto out;
    }
    long buffer_size = opts->chunk_size > ((size_t)2 << 20) ? 2L << 20 : (long)opts->chunk_size;
    curl_easy_setopt(curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L); /* PUT */
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
    curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, buffer_size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &pacer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_reply);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "slipstream/" SL_VERSION);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);

    CURLcode rc = curl_easy_perform(curl);
    long http_status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    if (opts->is_json && reply.len)
        fwrite(reply.data, 1, reply.len, stdout);
    if (rc == CURLE_OK && http_status < 300)
        warn_if_late(&pacer);
    /* A refusal counts even when libcurl then failed to send the rest of the body: the daemon
     * may close the connection after answering early. */
    if (http_status >= 300) {
        print_refusal(opts, http_status, &reply);
    } else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        fprintf(stderr, PROGRAM ": bad DAEMON_URL '%s': %s\n", opts->url,
                why[0] ? why : curl_easy_strerror(rc));
    } else if (rc != CURLE_OK) {
        fprintf(stderr, PROGRAM ": network error: %s (%s)\n", why[0] ? why : curl_easy_strerror(rc),
                url);
    } else if (opts->is_json) {
        status = CMD_OK;
    } else if (print_figures(opts, &reply, size)) {
        status = CMD_OK;
    }
out:
    free(reply.data);
    free(auth);
    free(url);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

/* ---- the command line ----------------------------------------------------------------------- */

/* A decimal number from `min` to `max` for option `name`. */
static bool
parse_count(const char *name, const char *text, unsigned long min, unsigned long max,
            unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || text[0] == ' ' || v < min || v > max) {
        fprintf(stderr, PROGRAM ": --%s wants a number from %lu to %lu, not '%s'\n", name, min,
                max, text);
        return false;
    }
    *out = v;
    return true;
}

int
cmd_stream(int argc, char **argv)
{
    enum { OPT_RATE = 256, OPT_LATENCY, OPT_CHUNK, OPT_TOKEN, OPT_JSON };
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"rate", required_argument, NULL, OPT_RATE},
        {"latency", required_argument, NULL, OPT_LATENCY},
        {"chunk", required_argument, NULL, OPT_CHUNK},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    stream_options_t opts = {.chunk_size = DEFAULT_CHUNK_SIZE};
    unsigned long n;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            return CMD_OK;
        case OPT_RATE:
            if (!parse_count("rate", optarg, 1, 1000000000000UL, &n))
                return CMD_USAGE;
            opts.rate = (double)n;
            break;
        case OPT_LATENCY:
            if (!parse_count("latency", optarg, 0, 600000, &n))
                return CMD_USAGE;
            opts.latency_ms = n;
            break;
        case OPT_CHUNK:
            if (!parse_count("chunk", optarg, 1, TOOL_MAX_WASM_SIZE, &n))
                return CMD_USAGE;
            opts.chunk_size = n;
            break;
        case OPT_TOKEN:
            opts.token = optarg;
            break;
        case OPT_JSON:
            opts.is_json = true;
            break;
        default:
            fputs(usage, stderr); /* getopt has already named the bad option */
            return CMD_USAGE;
        }
    }
    if (argc - optind != 3) {
        fprintf(stderr, PROGRAM ": wants DAEMON_URL, NAME and FILE.wasm, %d given\n%s",
                argc - optind, usage);
        return CMD_USAGE;
    }
    opts.url = argv[optind];
    opts.name = argv[optind + 1];
    opts.path = argv[optind + 2];
    if (opts.rate == 0) {
        fprintf(stderr, PROGRAM ": --rate is required\n%s", usage);
        return CMD_USAGE;
    }
    if (!*opts.name || !*opts.url) {
        fprintf(stderr, PROGRAM ": DAEMON_URL and NAME must not be empty\n%s", usage);
        return CMD_USAGE;
    }

    uint8_t *bytes = NULL;
    size_t size = 0;
    int rc = tool_file_read(opts.path, TOOL_MAX_WASM_SIZE, &bytes, &size);
    if (rc < 0) {
        fprintf(stderr, PROGRAM ": %s: cannot read: %s\n", opts.path, strerror(-rc));
        return CMD_FAILED;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, PROGRAM ": cannot initialise libcurl\n");
        free(bytes);
        return CMD_FAILED;
    }
    int status = upload(&opts, bytes, size);
    curl_global_cleanup();
    free(bytes);
    return status;
}
