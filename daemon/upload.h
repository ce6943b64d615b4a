/* PUT /v1/modules/{name}: the request body is the source of a session (session.h).
 *
 *   start      name checked, Content-Length over [modules] max_module_size -> 413 at once
 *   on_chunk   session_feed; over the size limit -> 413 now (the rest is read and dropped);
 *              backpressure pauses the request (the connection stops reading)
 *   on_end     session_finish
 *   on_abort   session_abort (the client went away)
 *   done       201/200 with the entry, or 400/413 with the engine's error detail; or, after an
 *              abort, the request released
 *
 * Ownership: an upload owns its session's source side and holds its request until it replies
 * or releases it; it is freed in the session's done callback.
 * Threading: loop thread only.
 */
#ifndef SL_UPLOAD_H
#define SL_UPLOAD_H

#include "daemon.h"
#include "request.h"

struct route;

/* The PUT route's handler. */
void upload_start(daemon_t *daemon, const struct route *route, request_t *req);

#endif
