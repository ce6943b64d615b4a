/* One module upload (PUT /v1/modules/{name}): body chunks are fed to a streaming compilation on
 * the loop thread as they arrive, so function bodies compile on the pool while the rest is still
 * in flight; the module replaces the old version once the last byte is in and every body compiled.
 *
 *   start      name checked, Content-Length over [modules] max_module_size -> 413 at once
 *   on_chunk   SHA-256 update, sl_compilation_feed; queue over [compile] queue_depth -> pause
 *              (modules.h: the drain timer resumes it). A feed error ends the input (finish);
 *              too many bytes -> 413 now, the compilation aborted
 *   on_end     sl_compilation_finish
 *   on_abort   sl_compilation_abort (the client went away)
 *   done       (pool thread, or inside finish/abort) -> mailbox -> loop: result ->
 *              registry_put + 201/200, or 400/413 with the engine's error detail, or release
 *
 * Every session ends in its mailbox callback, the one place it is freed: the engine calls the
 * done callback exactly once per compilation (also an aborted one, possibly from a pool thread
 * after the abort returned), so waiting for it is what makes freeing safe.
 *
 * Ownership: a session owns its compilation, digest and name; it holds its request until it
 * replies or releases it.
 * Threading: loop thread, except the done callback (any thread: it only posts).
 */
#ifndef SL_SESSION_H
#define SL_SESSION_H

#include "modules.h"
#include "request.h"

/* The PUT handler (called by modules_one_start). */
void session_start(modules_t *m, request_t *req);

/* Resumes the paused uploads whose compile queue has drained (the drain timer). */
void session_drain(modules_t *m);

#endif
