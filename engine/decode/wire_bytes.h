/* The module's byte buffer (see module.c for why it never moves). Feeding thread only. */
#ifndef SL_WIRE_BYTES_H
#define SL_WIRE_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "module.h"

/* Appends bytes; SL_ELIMIT past the reservation, SL_ENOMEM if pages cannot be committed. */
int wire_append(sl_module_t *m, const uint8_t *data, size_t size);
/* Makes the bytes read-only and releases the unused reservation: after the last append. */
void wire_seal(sl_module_t *m);

#endif
