/* HTTP responses: a status, a JSON body and a few headers, rendered into one buffer so that a
 * response is one write.
 *
 * Bodies are JSON unless set otherwise (metrics are text); errors have the one shape {"error":{"kind":..., "message":...}}, with the
 * kind named after the status (404 "not_found", 405 "method_not_allowed", ...). Rendering adds
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

/* Sets the status and the body, `json` rendered compact; the caller keeps its reference. */
int response_json(response_t *res, int status, const json_t *json);

/* Sets the status and a body of any type, taking ownership of `body` (malloc'd). */
void response_body(response_t *res, int status, const char *content_type, char *body, size_t size);

/* Sets an error status with the JSON error body; the kind comes from the status. */
int response_error(response_t *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Renders status line, headers and body into a new buffer, to be freed with free(). */
int response_render(const response_t *res, char **out, size_t *out_size);

/* "Not Found"; "Unknown" for a status not in the table. */
const char *response_reason(int status);

/* "not_found"; "internal" for a status not in the table. */
const char *response_kind(int status);

#endif
