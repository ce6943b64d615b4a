/* Admin token loading and constant-time checking (see admin.h). */
#include "admin.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "slipstream.h"

static void
digest_of(const char *text, size_t len, unsigned char out[32])
{
    SHA256((const unsigned char *)text, len, out);
}

int
admin_load(admin_t *admin, const char *path, char *why, size_t why_size)
{
    *admin = (admin_t){0};
    if (path[0] == '\0')
        return 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, why_size, "admin_token_file %s: %s", path, strerror(errno));
        return SL_EARG;
    }
    char token[ADMIN_TOKEN_MAX + 2];
    size_t len = fread(token, 1, sizeof token, f);
    bool is_error = ferror(f);
    fclose(f);
    while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r' ||
                       token[len - 1] == ' ' || token[len - 1] == '\t'))
        len--;
    const char *problem = is_error             ? "cannot be read"
                          : len == 0           ? "holds no token"
                          : len > ADMIN_TOKEN_MAX ? "holds a token over 4096 bytes"
                                               : NULL;
    /* A token is sent in a header: visible ASCII only (RFC 6750 b64token is narrower still). */
    for (size_t i = 0; problem == NULL && i < len; i++)
        if ((unsigned char)token[i] <= 0x20 || (unsigned char)token[i] >= 0x7f)
            problem = "holds a character that cannot travel in a header";
    if (problem != NULL) {
        snprintf(why, why_size, "admin_token_file %s %s", path, problem);
        return SL_EARG;
    }
    digest_of(token, len, admin->digest);
    OPENSSL_cleanse(token, sizeof token);
    admin->is_enabled = true;
    return 0;
}

int
admin_check(const admin_t *admin, const char *authorization, size_t len)
{
    static const char scheme[] = "Bearer ";
    if (!admin->is_enabled)
        return 0;
    if (authorization == NULL || len <= sizeof scheme - 1 ||
        strncasecmp(authorization, scheme, sizeof scheme - 1) != 0)
        return 401;
    unsigned char presented[32];
    digest_of(authorization + sizeof scheme - 1, len - (sizeof scheme - 1), presented);
    return CRYPTO_memcmp(presented, admin->digest, sizeof presented) == 0 ? 0 : 403;
}
