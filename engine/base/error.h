/* Engine-internal error helpers. The codes and the public sl_error_t are in slipstream.h. */
#ifndef SL_ERROR_H
#define SL_ERROR_H

#include <stdarg.h>

#include "slipstream.h"

/* Records the first error only: later calls leave `err` as it is. */
void error_set(sl_error_t *err, int code, unsigned section, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void error_vset(sl_error_t *err, int code, unsigned section, uint64_t offset, const char *fmt,
                va_list ap);
void error_clear(sl_error_t *err);

#endif
