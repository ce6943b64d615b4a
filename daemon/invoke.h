/* POST /v1/modules/{name}/invoke/{export}: a JSON array of arguments in, {"results": [...]} out
 * (values.h for the encoding), the wasm code run on the executor pool, never on the loop.
 *
 *   start      module (404), export (404, 400 if not a function), imports (422: none can be
 *              given yet), [invoke] max_concurrent (429); the module reference is taken here,
 *              so a replacement or DELETE meanwhile does not affect this call
 *   on_end     arguments parsed and checked against the signature (400)
 *   executor   a fresh store with the [invoke] timeout_ms deadline, an instance, the call;
 *              the store freed -> mailbox
 *   loop       200 with the results, 422 {"error":{"code":"trap","message":<spec message>}}
 *              (a deadline is the trap "interrupted"), or release after an abort
 *
 * Ownership: an invocation owns its module reference, argument body and values; it is freed in
 * its mailbox callback (or at once when it never reached the executor).
 * Threading: loop thread, except the run on an executor thread, which touches only the
 * invocation's own fields and the engine.
 */
#ifndef SL_INVOKE_H
#define SL_INVOKE_H

#include "modules.h"
#include "request.h"

struct daemon;
struct route;

void invoke_start(struct daemon *daemon, const struct route *route, request_t *req);

#endif
