/* libcurl's multi interface on the daemon's libuv loop, with the fetch policy: protocols,
 * allowlist, redirects, size and time limits, validators (see fetch.h). */
#include "fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slipstream.h"

/* One socket libcurl asked us to watch; freed in its close callback. */
struct fetch_socket {
    uv_poll_t poll;
    curl_socket_t fd;
    fetcher_t *fetcher;
    fetch_socket_t *next;
};

static const struct {
    int status;
    const char *code;
    const char *message;
} results[] = {
#define FETCH_RESULT(name, status, code, message) {status, code, message},
#include "fetch_results.def"
#undef FETCH_RESULT
};

int
fetch_result_status(fetch_result_t r)
{
    return r >= 0 && (size_t)r < sizeof results / sizeof results[0] ? results[r].status : 500;
}

const char *
fetch_result_code(fetch_result_t r)
{
    return r >= 0 && (size_t)r < sizeof results / sizeof results[0] ? results[r].code : "internal";
}

const char *
fetch_result_message(fetch_result_t r)
{
    return r >= 0 && (size_t)r < sizeof results / sizeof results[0] ? results[r].message : "?";
}

/* ---- the loop side: sockets and the timer ---------------------------------------------------- */

static void finish(fetch_t *t, CURLcode code);

/* Ends what libcurl reports as done. Runs after curl_multi_socket_action has returned, so the
 * handlers may cancel, start or free fetches. */
static void
check_done(fetcher_t *f)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        fetch_t *t = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        finish(t, msg->data.result);
    }
}

static void
on_socket_closed(uv_handle_t *handle)
{
    free(handle->data);
}

static void
unwatch(fetch_socket_t *s)
{
    fetcher_t *f = s->fetcher;
    for (fetch_socket_t **p = &f->sockets; *p != NULL; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    curl_multi_assign(f->multi, s->fd, NULL);
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, on_socket_closed);
}

static void
on_poll(uv_poll_t *poll, int status, int events)
{
    fetch_socket_t *s = poll->data;
    fetcher_t *f = s->fetcher;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    int running;
    curl_multi_socket_action(f->multi, s->fd, flags, &running); /* may unwatch s */
    check_done(f);
}

/* CURLMOPT_SOCKETFUNCTION: libcurl says which events it wants on a socket. */
static int
on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *socketp)
{
    fetcher_t *f = user;
    fetch_socket_t *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s != NULL)
            unwatch(s);
        return 0;
    }
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL || uv_poll_init_socket(f->loop, &s->poll, fd) < 0) {
            free(s);
            return -1; /* libcurl fails the transfer */
        }
        s->fd = fd;
        s->fetcher = f;
        s->poll.data = s;
        s->next = f->sockets;
        f->sockets = s;
        curl_multi_assign(f->multi, fd, s);
    }
    int events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= UV_READABLE;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, on_poll);
    return 0;
}

static void
on_timer(uv_timer_t *timer)
{
    fetcher_t *f = timer->data;
    int running;
    curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(f);
}

/* CURLMOPT_TIMERFUNCTION: when libcurl wants to be called for its timeouts (-1: never). */
static int
on_curl_timer(CURLM *multi, long timeout_ms, void *user)
{
    fetcher_t *f = user;
    if (!f->is_open)
        return 0;
    if (timeout_ms < 0)
        uv_timer_stop(&f->timer);
    else
        uv_timer_start(&f->timer, on_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

int
fetcher_init(fetcher_t *f, uv_loop_t *loop)
{
    memset(f, 0, sizeof *f);
    f->loop = loop;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return SL_ENOMEM;
    f->multi = curl_multi_init();
    if (f->multi == NULL) {
        curl_global_cleanup();
        return SL_ENOMEM;
    }
    curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
    curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
    uv_timer_init(loop, &f->timer);
    f->timer.data = f;
    f->is_open = true;
    return 0;
}

void
fetcher_close(fetcher_t *f)
{
    if (!f->is_open)
        return;
    f->is_open = false;
    /* Stop watching first: libuv must not poll a descriptor libcurl is about to close. */
    while (f->sockets != NULL)
        unwatch(f->sockets);
    curl_multi_cleanup(f->multi); /* its cached connections; every transfer has ended */
    f->multi = NULL;
    curl_global_cleanup();
    uv_close((uv_handle_t *)&f->timer, NULL); /* embedded: the owner outlives uv_run */
}

/* ---- the policy: URLs and hosts ------------------------------------------------------------- */

/* "8080" -> 8080; 0 for anything but 1..65535 in decimal. */
static unsigned
parse_port(const char *at, size_t len)
{
    unsigned port = 0;
    for (size_t i = 0; i < len; i++) {
        if (at[i] < '0' || at[i] > '9' || port > 65535)
            return 0;
        port = port * 10 + (unsigned)(at[i] - '0');
    }
    return port <= 65535 ? port : 0;
}

/* Whether one allowlist entry names `host` (brackets removed) on `port`. */
static bool
entry_allows(const char *entry, size_t len, const char *host, size_t host_len, unsigned port)
{
    const char *name = entry, *colon = NULL;
    size_t name_len = len;
    if (len > 0 && entry[0] == '[') {
        const char *close = memchr(entry, ']', len);
        if (close == NULL)
            return false;
        name = entry + 1;
        name_len = (size_t)(close - name);
        if (close + 1 < entry + len) {
            if (close[1] != ':')
                return false;
            colon = close + 1;
        }
    } else {
        colon = memchr(entry, ':', len);
        if (colon != NULL && memchr(colon + 1, ':', len - (size_t)(colon + 1 - entry)) != NULL)
            colon = NULL; /* an IPv6 address without brackets: no port */
        else if (colon != NULL)
            name_len = (size_t)(colon - entry);
    }
    if (name_len == 0 || name_len != host_len || strncasecmp(name, host, host_len) != 0)
        return false;
    if (colon == NULL)
        return port == 80 || port == 443;
    unsigned listed = parse_port(colon + 1, (size_t)(entry + len - colon - 1));
    return listed != 0 && listed == port;
}

bool
fetch_host_allowed(const char *allow_hosts, const char *host, unsigned port)
{
    size_t host_len = strlen(host);
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
        host++;
        host_len -= 2;
    }
    if (allow_hosts == NULL || host_len == 0)
        return false;
    for (const char *p = allow_hosts; *p != '\0';) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, " \t,");
        if (len > 0 && entry_allows(p, len, host, host_len, port))
            return true;
        p += len;
    }
    return false;
}

/* Resolves `url` against `base` (NULL: none) into `out` and checks it: http or https, no user or
 * password, a host and port on the allowlist. Nothing here touches the network, so a refusal
 * cannot depend on what the origin would have answered. */
static fetch_result_t
check_url(const fetch_t *t, const char *base, const char *url, char out[FETCH_MAX_URL])
{
    fetch_result_t r = FETCH_BAD_URL;
    CURLU *h = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *password = NULL, *full = NULL;
    if (h == NULL)
        return FETCH_BAD_URL;
    if (base != NULL && curl_url_set(h, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto out;
    if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        goto out;
    /* Credentials in a URL would be sent to the origin (and to where it redirects). */
    if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK)
        goto out;
    if (strlen(full) >= FETCH_MAX_URL)
        goto out;
    strcpy(out, full);
    r = fetch_host_allowed(t->options.allow_hosts, host, parse_port(port, strlen(port)))
            ? FETCH_RUNNING
            : FETCH_HOST_NOT_ALLOWED;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(user);
    curl_free(password);
    curl_free(full);
    curl_url_cleanup(h);
    return r;
}

/* ---- one transfer --------------------------------------------------------------------------- */

/* Copies a header value without surrounding blanks and with nothing but visible ASCII, so it can
 * go back into a request header and into JSON. */
static void
keep_value(char *dst, size_t cap, const char *value, size_t len)
{
    while (len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (unsigned char)value[len - 1] <= ' ')
        len--;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        if ((unsigned char)value[i] >= 0x20 && (unsigned char)value[i] < 0x7f)
            dst[n++] = value[i];
    dst[n] = '\0';
}

static bool
header_is(const char *line, size_t len, const char *name, const char **value, size_t *value_len)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    *value = line + n + 1;
    *value_len = len - n - 1;
    return true;
}

/* Decides at the end of a response's headers what becomes of it. Returns false to stop the
 * transfer (the verdict says why). */
static bool
on_headers_done(fetch_t *t)
{
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
    if (t->status < 200)
        return true; /* 100 Continue and friends: the real answer follows */
    t->is_header_done = true;
    if (t->status >= 200 && t->status < 300) {
        curl_off_t length = -1;
        curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (length >= 0 && (uint64_t)length > t->options.max_size) {
            t->verdict = FETCH_TOO_LARGE;
            snprintf(t->error, sizeof t->error, "the origin announced %lld bytes",
                     (long long)length);
            return false;
        }
        t->is_body_wanted = true;
        return true;
    }
    if (t->status == 304)
        t->verdict = FETCH_NOT_MODIFIED;
    else if ((t->status == 301 || t->status == 302 || t->status == 303 || t->status == 307 ||
              t->status == 308) && t->location[0] != '\0')
        t->verdict = FETCH_RUNNING; /* a redirect: finish follows it */
    else
        t->verdict = FETCH_ORIGIN_STATUS;
    return false; /* the body of anything but a 2xx is of no use: do not read it */
}

static size_t
on_header(char *line, size_t size, size_t n, void *user)
{
    fetch_t *t = user;
    size_t len = size * n;
    const char *value;
    size_t value_len;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after 1xx): forget what the previous one said. */
        t->etag[0] = t->last_modified[0] = t->location[0] = '\0';
        t->is_header_done = false;
    } else if (len <= 2 && (line[0] == '\r' || line[0] == '\n')) {
        if (!on_headers_done(t))
            return 0;
    } else if (header_is(line, len, "etag", &value, &value_len)) {
        keep_value(t->etag, sizeof t->etag, value, value_len);
    } else if (header_is(line, len, "last-modified", &value, &value_len)) {
        keep_value(t->last_modified, sizeof t->last_modified, value, value_len);
    } else if (header_is(line, len, "location", &value, &value_len)) {
        keep_value(t->location, sizeof t->location, value, value_len);
    }
    return len;
}

static size_t
on_write(char *data, size_t size, size_t n, void *user)
{
    fetch_t *t = user;
    size_t len = size * n;
    if (!t->is_body_wanted)
        return len;
    switch (t->options.on_data(t, data, len)) {
    case FETCH_DATA_OK:
        t->received += len;
        return len;
    case FETCH_DATA_PAUSE:
        t->is_paused = true;
        return CURL_WRITEFUNC_PAUSE; /* libcurl keeps these bytes and delivers them again */
    default:
        t->verdict = FETCH_STOPPED;
        return 0;
    }
}

static void
release_easy(fetch_t *t)
{
    if (t->easy != NULL) {
        curl_multi_remove_handle(t->fetcher->multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    curl_slist_free_all(t->headers);
    t->headers = NULL;
}

/* Sets up the easy handle for t->url and adds it to the multi handle. */
static fetch_result_t
launch(fetch_t *t, uint64_t deadline_ms)
{
    t->status = 0;
    t->etag[0] = t->last_modified[0] = t->location[0] = '\0';
    t->is_header_done = t->is_body_wanted = t->is_paused = false;
    t->verdict = FETCH_RUNNING;
    t->error[0] = '\0';
    uint64_t now = uv_now(t->fetcher->loop);
    if (now >= deadline_ms) {
        snprintf(t->error, sizeof t->error, "no time left for the next redirect");
        return FETCH_TIMEOUT;
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->url);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(deadline_ms - now));
    if (curl_multi_add_handle(t->fetcher->multi, e) != CURLM_OK) {
        snprintf(t->error, sizeof t->error, "cannot start the transfer");
        return FETCH_NETWORK;
    }
    return FETCH_RUNNING;
}

static fetch_result_t
result_of(fetch_t *t, CURLcode code)
{
    if (t->verdict != FETCH_RUNNING)
        return t->verdict;
    switch (code) {
    case CURLE_OK:
        return t->is_body_wanted ? FETCH_DONE : FETCH_ORIGIN_STATUS;
    case CURLE_OPERATION_TIMEDOUT:
        return FETCH_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return FETCH_UNREACHABLE;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return t->is_body_wanted ? FETCH_INCOMPLETE : FETCH_NETWORK;
    case CURLE_FILESIZE_EXCEEDED:
        return FETCH_TOO_LARGE;
    case CURLE_UNSUPPORTED_PROTOCOL:
        return FETCH_BAD_URL;
    default:
        return FETCH_NETWORK;
    }
}

static void
finish(fetch_t *t, CURLcode code)
{
    bool is_redirect = t->verdict == FETCH_RUNNING && t->is_header_done && !t->is_body_wanted &&
                       t->location[0] != '\0';
    fetch_result_t r = FETCH_RUNNING;
    if (is_redirect) {
        char next[FETCH_MAX_URL];
        curl_multi_remove_handle(t->fetcher->multi, t->easy);
        if (++t->n_redirects > t->options.max_redirects) {
            r = FETCH_TOO_MANY_REDIRECTS;
            snprintf(t->error, sizeof t->error, "redirect %u, to %.200s", t->n_redirects,
                     t->location);
        } else if ((r = check_url(t, t->url, t->location, next)) != FETCH_RUNNING) {
            snprintf(t->error, sizeof t->error, "redirected to %.200s", t->location);
        } else {
            memcpy(t->url, next, sizeof next);
            r = launch(t, t->deadline_ms);
            if (r == FETCH_RUNNING)
                return; /* the next response ends in finish again */
        }
    } else {
        curl_off_t length = -1;
        if (code == CURLE_FILESIZE_EXCEEDED &&
            curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
            length >= 0)
            snprintf(t->error, sizeof t->error, "the origin announced %lld bytes",
                     (long long)length);
        else if (code != CURLE_OK && t->error[0] == '\0')
            snprintf(t->error, sizeof t->error, "%s", curl_easy_strerror(code));
        r = result_of(t, code);
    }
    t->result = r;
    release_easy(t);
    t->options.on_done(t);
}

fetch_result_t
fetch_start(fetcher_t *f, fetch_t *t, const fetch_options_t *options, const char *url)
{
    memset(t, 0, sizeof *t);
    t->fetcher = f;
    t->options = *options;
    t->result = FETCH_RUNNING;
    fetch_result_t r = check_url(t, NULL, url, t->url);
    if (r != FETCH_RUNNING) {
        snprintf(t->url, sizeof t->url, "%.*s", FETCH_MAX_URL - 1, url);
        return t->result = r;
    }
    if (!f->is_open || (t->easy = curl_easy_init()) == NULL) {
        snprintf(t->error, sizeof t->error, "cannot start a transfer");
        return t->result = FETCH_NETWORK;
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* followed in finish, after check_url */
    /* Nothing of the daemon's environment goes to the origin: no proxy from http_proxy (it would
     * also bypass the allowlist), no ~/.netrc, no cookies, no authentication. */
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "slipstreamd");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)options->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)options->max_size);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    char line[FETCH_MAX_VALIDATOR + 32];
    if (options->if_none_match != NULL && options->if_none_match[0] != '\0') {
        snprintf(line, sizeof line, "If-None-Match: %s", options->if_none_match);
        t->headers = curl_slist_append(t->headers, line);
    }
    if (options->if_modified_since != NULL && options->if_modified_since[0] != '\0') {
        snprintf(line, sizeof line, "If-Modified-Since: %s", options->if_modified_since);
        struct curl_slist *more = curl_slist_append(t->headers, line);
        if (more != NULL)
            t->headers = more;
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    t->deadline_ms = uv_now(f->loop) + options->timeout_ms;
    r = launch(t, t->deadline_ms);
    if (r != FETCH_RUNNING) {
        release_easy(t);
        t->result = r;
    }
    return r;
}

void
fetch_resume(fetch_t *t)
{
    if (t->easy == NULL || !t->is_paused)
        return;
    t->is_paused = false;
    curl_easy_pause(t->easy, CURLPAUSE_CONT); /* may call on_write, and so pause again */
}

void
fetch_cancel(fetch_t *t)
{
    release_easy(t);
}
