/* What origins said about the modules fetched from them: URL -> the SHA-256 of the module it
 * gave, and its ETag and Last-Modified, so a refetch can ask "only if changed" (If-None-Match,
 * If-Modified-Since) and a 304 can keep the module serving.
 *
 * The digest ties the validators to the bytes they describe: a refetch into a name sends them
 * only while that name still serves those very bytes (validators_match), so a 304 never stands
 * for a module the name does not have.
 *
 * Ownership: validators_t is embedded in the module service and owns its entries; at most
 * VALIDATORS_MAX URLs are kept, the least recently stored going first.
 * Threading: loop thread only.
 * Errors: validators_put returns 0 or SL_ENOMEM (the map is then unchanged).
 */
#ifndef SL_VALIDATORS_H
#define SL_VALIDATORS_H

#include <stddef.h>

enum { VALIDATORS_MAX = 256 };

typedef struct validator {
    char *url;
    char sha256[65];
    char *etag;          /* "" for none */
    char *last_modified; /* "" for none */
} validator_t;

typedef struct validators {
    /* private: oldest first; a linear search over a few hundred URLs costs nothing per fetch */
    validator_t *entries;
    size_t n_entries;
} validators_t;

void validators_init(validators_t *v);
void validators_fini(validators_t *v);

/* The entry for `url` whose module has digest `sha256`, or NULL. */
const validator_t *validators_match(const validators_t *v, const char *url, const char *sha256);

/* Remembers (replaces) the validators of `url`; both empty: forgets it. */
int validators_put(validators_t *v, const char *url, const char *sha256, const char *etag,
                   const char *last_modified);

#endif
