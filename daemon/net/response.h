/* HTTP responses: a status, a JSON body and a few headers, rendered into one buffer so that a
 * response is one write.
 *
 * Bodies are JSON unless set otherwise (metrics are text). Errors have the one shape
 * {"error":{"kind":..., "code":..., "message":..., ...}} (response_error_json), with the kind
 * named after the status (404 "not_found", 405 "method_not_allowed", ...), the code naming the
 * error more closely ("unknown_module"; left out by errors of HTTP itself). Rendering adds
 * Date, Server, Content-Type and Content-Length, and Connection when the connection's fate needs
 * saying. For HEAD the headers are those of GET, the body is left out.
 *
 * Ownership: response_t owns its body; response_fini frees it. The rendered buffer belongs to the
 * caller (free()).
 * Threading: any thread; no shared state.
 * Errors: 0, or SL_ENOMEM (or SL_EARG for a body jansson cannot encode).
 */
#ifndef SL_RESPONSE_H
#define SL_RESPONSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct response {
    int status;
    char allow[64];         /* the Allow header (405), or "" for none */
    const char *connection; /* the Connection header ("close", "keep-alive"), or NULL */
    const char *authenticate; /* the WWW-Authenticate header (401), or NULL */
    const char *content_type; /* NULL: application/json */
    bool is_head;           /* render the headers only */
    /* private */
    char *body; /* compact JSON, or NULL for no body */
    size_t body_size;
} response_t;

void response_init(response_t *res);
void response_fini(response_t *res);

/* Sets the status and the body, `json` rendered compact (reals with 15 digits: 12.345, not
 * 12.345000000000001); the caller keeps its reference. */
int response_json(response_t *res, int status, const json_t *json);

/* Sets the status and a body of any type, taking ownership of `body` (malloc'd). */
void response_body(response_t *res, int status, const char *content_type, char *body, size_t size);

/* The JSON error body: {"error":{"kind","code","message",...extra}}, the kind from the status,
 * no "code" when `code` is NULL, the members of `extra` (an object, or NULL; its reference taken)
 * after the message. The message is made ASCII ('?' for other bytes: it may quote client input,
 * and jansson takes UTF-8 only). NULL when out of memory. */
json_t *response_error_json(int status, const char *code, json_t *extra, const char *message);

/* Sets an error status with the JSON error body (no code). */
int response_error(response_t *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The status answering engine error `code` (SL_E*): the status column of errors.def, written for
 * a request that brings the module (an upload, a fetch). When `is_call`, the request runs a
 * module accepted before: a 4xx is then 422, since its content was fine and the module cannot do
 * what it asks (a memory limit met by instantiation is not the request's size). */
int response_error_status(int code, bool is_call);

/* Renders status line, headers and body into a new buffer, to be freed with free(). */
int response_render(const response_t *res, char **out, size_t *out_size);

/* "Not Found"; "Unknown" for a status not in the table. */
const char *response_reason(int status);

/* "not_found"; "internal" for a status not in the table. */
const char *response_kind(int status);

#endif
