/* The admin token: when configured ([server] admin_token_file), requests that change state (PUT,
 * DELETE, and routes that say so) need "Authorization: Bearer <token>".
 *
 * The token is read once at start-up from its file (trailing line ends and blanks dropped), and
 * only its SHA-256 is kept. A presented token is hashed too and the two digests compared with
 * CRYPTO_memcmp, so the time taken says nothing about the token, not even its length.
 *
 * Ownership: admin_t is a plain value embedded in the daemon.
 * Threading: admin_load at start-up; admin_check from any thread (it reads only).
 * Errors: admin_load returns 0 or SL_EARG with a one-line reason in `why`.
 */
#ifndef SL_ADMIN_H
#define SL_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

enum {
    ADMIN_TOKEN_MAX = 4096,
};

typedef struct admin {
    bool is_enabled; /* a token is configured */
    unsigned char digest[32];
} admin_t;

/* Reads the token from `path`; an empty path disables the check. */
int admin_load(admin_t *admin, const char *path, char *why, size_t why_size);

/* Judges an Authorization header value (NULL when absent): 0 to let the request through, 401
 * when there is no bearer token, 403 when it is the wrong one. Always 0 when disabled. */
int admin_check(const admin_t *admin, const char *authorization, size_t len);

#endif
