/* POST /v1/modules/{name}/invoke/{export}: a JSON array of arguments in, {"results": [...]} out
 * (values.h for the encoding), the wasm code run on the executor pool, never on the loop.
 *
 *   start      module (404), export (404, 400 if not a function), imports (422: none can be
 *              given yet), [invoke] max_concurrent (429); the module reference is taken here,
 *              so a replacement or DELETE meanwhile does not affect this call
 *   on_end     arguments parsed and checked against the signature (400); queued for the
 *              executor, with a timer: still queued after [invoke] queue_timeout_ms, it is taken
 *              back and answered 503 (code queue_timeout) without running
 *   executor   a fresh store with the [invoke] timeout_ms deadline, an instance, the call;
 *              the store freed -> mailbox
 *   loop       200 with the results, 422 {"error":{"code":"trap","message":<spec message>}}
 *              (a deadline is the trap "interrupted"), or release after an abort
 *
 * Cancellation: a client that goes away takes its invocation off the queue (it never runs) or,
 * once running, interrupts its store (sl_store_interrupt from the loop thread; the executor
 * publishes the store under the invocation's lock), so its max_concurrent slot comes free as
 * soon as the wasm code notices. invoke_stop does the same for every invocation and answers
 * them 503 (code stopping); so do invocations whose body completes during the stop.
 *
 * Ownership: an invocation owns its module reference, argument body and values; it is freed in
 * its mailbox callback (or at once when it never ran), its memory in its timer's close callback.
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

/* The daemon is stopping: answers every queued invocation 503, interrupts every running one (it
 * is answered 503 when it comes back), and refuses new ones. Returns how many are still running;
 * call again until 0 (it is idempotent). */
size_t invoke_stop(modules_t *m);

#endif
