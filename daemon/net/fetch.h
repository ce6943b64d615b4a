/* HTTP(S) downloads with libcurl's multi interface, driven by the daemon's libuv loop: one CURLM
 * for the daemon, a uv_poll_t per socket libcurl asks to watch (CURLMOPT_SOCKETFUNCTION) and one
 * uv_timer_t for its timeouts (CURLMOPT_TIMERFUNCTION); both call curl_multi_socket_action. No
 * thread of ours and no blocking call (name resolution is libcurl's own asynchronous resolver).
 *
 *   fetch_start(fetcher, t, options, url)
 *     url checked: http/https, no credentials, host in options->allow_hosts   -> else at once
 *     GET with If-None-Match / If-Modified-Since from options; no auth, cookies, netrc, proxy
 *     headers of the final response:
 *       2xx: Content-Length over max_size -> TOO_LARGE; else t->etag, t->last_modified kept
 *       304: NOT_MODIFIED       other 3xx with Location: the target checked like the URL, then
 *       fetched (at most max_redirects times)      4xx/5xx: ORIGIN_STATUS, body not read
 *     on_data(t, bytes)*   the 2xx body as it arrives: FETCH_DATA_OK, FETCH_DATA_PAUSE (the
 *                          bytes are not taken: they come again after fetch_resume) or
 *                          FETCH_DATA_STOP (the connection is closed; the result is STOPPED)
 *     on_done(t)           once, with t->result; not called after fetch_cancel
 *
 * Redirects are followed here rather than by libcurl (CURLOPT_FOLLOWLOCATION is off), so every
 * target is checked against the allowlist before anything connects to it.
 *
 * Ownership: fetcher_t is embedded in its owner (the module service); fetch_t in the caller's
 * record, which must stay alive until on_done or fetch_cancel. fetcher_close needs every fetch
 * ended (done or cancelled) and closes its handles on the loop.
 * Threading: loop thread only. Callbacks run on the loop thread: on_data inside libcurl (so it
 * must not call fetch_cancel: return FETCH_DATA_STOP), on_done outside it (anything goes).
 * Errors: fetcher_init returns 0 or a negative libuv/SL_E* code; fetch_start a fetch_result_t
 * (FETCH_RUNNING when the transfer started).
 */
#ifndef SL_FETCH_H
#define SL_FETCH_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

typedef enum fetch_result {
    FETCH_RUNNING = -1,
#define FETCH_RESULT(name, status, code, message) FETCH_##name,
#include "fetch_results.def"
#undef FETCH_RESULT
} fetch_result_t;

/* The daemon's status and the JSON error code for a result. */
int fetch_result_status(fetch_result_t r);
const char *fetch_result_code(fetch_result_t r);
const char *fetch_result_message(fetch_result_t r);

typedef struct fetch_socket fetch_socket_t;

typedef struct fetcher {
    /* private */
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    fetch_socket_t *sockets; /* being watched: closed at fetcher_close */
    bool is_open;
} fetcher_t;

enum { FETCH_DATA_OK, FETCH_DATA_PAUSE, FETCH_DATA_STOP };

typedef struct fetch fetch_t;

typedef struct fetch_options {
    const char *allow_hosts;      /* "a.example, 127.0.0.1"; empty or NULL: nothing is allowed */
    uint64_t max_size;            /* bytes of the body; a larger Content-Length -> TOO_LARGE */
    unsigned connect_timeout_ms;
    unsigned timeout_ms;          /* the whole fetch, redirects included */
    unsigned max_redirects;
    const char *if_none_match;    /* NULL: not sent */
    const char *if_modified_since;
    int (*on_data)(fetch_t *t, const char *data, size_t size);
    void (*on_done)(fetch_t *t);
    void *user;
} fetch_options_t;

enum { FETCH_MAX_URL = 4096, FETCH_MAX_VALIDATOR = 256 };

struct fetch {
    /* read-only: what the origin said (the final response) */
    fetch_result_t result;
    long status;                        /* HTTP status of the last response, 0 for none */
    char url[FETCH_MAX_URL];            /* the URL fetched last (after redirects) */
    char etag[FETCH_MAX_VALIDATOR];     /* "" when not sent */
    char last_modified[FETCH_MAX_VALIDATOR];
    unsigned n_redirects;
    uint64_t received;                  /* body bytes taken by on_data */
    char error[CURL_ERROR_SIZE];        /* detail for a failed result */
    /* private */
    fetcher_t *fetcher;
    fetch_options_t options;
    CURL *easy;
    struct curl_slist *headers;
    char location[FETCH_MAX_URL];       /* of a 3xx response */
    bool is_header_done;                /* of the current response */
    bool is_body_wanted;                /* a 2xx response: its body goes to on_data */
    bool is_paused;                     /* on_data said FETCH_DATA_PAUSE */
    fetch_result_t verdict;             /* decided in a callback, applied when the transfer ends */
    uint64_t deadline_ms;               /* uv_now of the end of [fetch] timeout_ms */
};

int fetcher_init(fetcher_t *f, uv_loop_t *loop);
void fetcher_close(fetcher_t *f);

/* True when `host` (as in a URL, without port; IPv6 with or without brackets) on `port` is listed
 * in `allow_hosts`: comma- or blank-separated entries "host:port" or "[v6]:port" (that port only)
 * or "host", "[v6]", "v6" (ports 80 and 443 only). An entry with a bad port allows nothing. */
bool fetch_host_allowed(const char *allow_hosts, const char *host, unsigned port);

fetch_result_t fetch_start(fetcher_t *f, fetch_t *t, const fetch_options_t *options,
                           const char *url);

/* Delivers again after FETCH_DATA_PAUSE (possibly at once, calling on_data). */
void fetch_resume(fetch_t *t);

/* Ends the transfer now, without on_done. Not from inside on_data. Safe after on_done. */
void fetch_cancel(fetch_t *t);

#endif
