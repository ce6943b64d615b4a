/* POST /v1/modules/{name}/fetch with {"url": "..."}: the daemon downloads the module (net/fetch.h)
 * and the response body is the source of a session (session.h), so functions compile while the
 * transfer goes on, exactly as for an upload.
 *
 *   start        name checked; the JSON body collected (at most 8 KiB)
 *   end          url checked (http/https, [fetch] allow_hosts: 400/403 before any connection);
 *                the validators of the URL sent when the name still serves what they describe
 *                (validators.h); the fetch and the session started
 *   on_data      session_feed; backpressure pauses the transfer (the bytes come again later);
 *                over max_module_size: the transfer stops, 413
 *   fetch done   2xx complete: session_finish; anything else: session_abort
 *   session done the transfer cancelled if it still runs; the answer:
 *                  201/200  the upload's answer plus "origin": {status, etag, last_modified, url}
 *                  200      304 from the origin: the module serving, "not_modified": true
 *                  4xx/5xx  fetch_results.def (502 origin status or network, 504 timeout, 403
 *                           host not allowed, 413 too large) or the compile error (400)
 *                The old version keeps serving after any failure.
 *
 * Ownership: the handler's record holds its request until it replies or releases it, and is freed
 * in the session's done callback (or at once when no session was started).
 * Threading: loop thread only.
 */
#ifndef SL_FETCH_MODULE_H
#define SL_FETCH_MODULE_H

#include "daemon.h"
#include "request.h"

struct route;

void fetch_module_start(daemon_t *daemon, const struct route *route, request_t *req);

#endif
