/* URL -> ETag and Last-Modified of the module fetched from it (see validators.h). */
#include "validators.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

void
validators_init(validators_t *v)
{
    memset(v, 0, sizeof *v);
}

static void
entry_fini(validator_t *e)
{
    free(e->url);
    free(e->etag);
    free(e->last_modified);
}

void
validators_fini(validators_t *v)
{
    for (size_t i = 0; i < v->n_entries; i++)
        entry_fini(&v->entries[i]);
    free(v->entries);
    memset(v, 0, sizeof *v);
}

static void
remove_at(validators_t *v, size_t i)
{
    entry_fini(&v->entries[i]);
    memmove(&v->entries[i], &v->entries[i + 1], (v->n_entries - i - 1) * sizeof v->entries[0]);
    v->n_entries--;
}

const validator_t *
validators_match(const validators_t *v, const char *url, const char *sha256)
{
    for (size_t i = 0; i < v->n_entries; i++)
        if (strcmp(v->entries[i].url, url) == 0)
            return strcmp(v->entries[i].sha256, sha256) == 0 ? &v->entries[i] : NULL;
    return NULL;
}

int
validators_put(validators_t *v, const char *url, const char *sha256, const char *etag,
               const char *last_modified)
{
    validator_t e = {0};
    bool is_empty = etag[0] == '\0' && last_modified[0] == '\0';
    if (!is_empty) {
        e.url = strdup(url);
        e.etag = strdup(etag);
        e.last_modified = strdup(last_modified);
        if (e.url == NULL || e.etag == NULL || e.last_modified == NULL) {
            entry_fini(&e);
            return SL_ENOMEM;
        }
        snprintf(e.sha256, sizeof e.sha256, "%s", sha256);
        if (v->entries == NULL) {
            v->entries = calloc(VALIDATORS_MAX, sizeof v->entries[0]);
            if (v->entries == NULL) {
                entry_fini(&e);
                return SL_ENOMEM;
            }
        }
    }
    for (size_t i = 0; i < v->n_entries; i++)
        if (strcmp(v->entries[i].url, url) == 0) {
            remove_at(v, i);
            break;
        }
    if (is_empty)
        return 0;
    if (v->n_entries == VALIDATORS_MAX)
        remove_at(v, 0);
    v->entries[v->n_entries++] = e;
    return 0;
}
