/* The module registry (see registry.h). */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
registry_init(registry_t *reg)
{
    memset(reg, 0, sizeof *reg);
}

void
registry_fini(registry_t *reg)
{
    for (size_t i = 0; i < reg->entries.len; i++)
        registry_entry_free(reg->entries.items[i]);
    registry_entries_fini(&reg->entries);
    memset(reg, 0, sizeof *reg);
}

static const char *
kind_name(sl_extern_kind_t kind)
{
    switch (kind) {
    case SL_EXTERN_FUNC:
        return "func";
    case SL_EXTERN_TABLE:
        return "table";
    case SL_EXTERN_MEMORY:
        return "memory";
    case SL_EXTERN_GLOBAL:
        return "global";
    }
    return "unknown";
}

/* Export names are valid UTF-8 (the decoder checks), so json_stringn takes them. */
static json_t *
describe_exports(const sl_module_t *module)
{
    json_t *list = json_array();
    uint32_t n = sl_module_n_exports(module);
    for (uint32_t i = 0; list != NULL && i < n; i++) {
        sl_export_info_t info;
        if (sl_module_export(module, i, &info) < 0)
            continue;
        json_t *type = json_null();
        if (info.kind == SL_EXTERN_FUNC) {
            char text[512];
            if (sl_module_func_type_text(module, info.index, text, sizeof text) >= 0)
                type = json_string(text);
        }
        json_t *row = json_pack("{s:s%,s:s,s:o}", "name", info.name, info.name_len, "kind",
                                kind_name(info.kind), "type", type);
        if (row == NULL || json_array_append_new(list, row) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

registry_entry_t *
registry_entry_new(const char *name, sl_module_t *module, const char *sha256, uint64_t size,
                   const timeline_t *timeline)
{
    registry_entry_t *e = calloc(1, sizeof *e);
    if (e == NULL) {
        sl_module_unref(module);
        return NULL;
    }
    e->module = module;
    e->name = strdup(name);
    e->exports = describe_exports(module);
    if (e->name == NULL || e->exports == NULL) {
        registry_entry_free(e);
        return NULL;
    }
    snprintf(e->sha256, sizeof e->sha256, "%s", sha256);
    e->size = size;
    e->timeline = *timeline;
    return e;
}

void
registry_entry_free(registry_entry_t *entry)
{
    if (entry == NULL)
        return;
    sl_module_unref(entry->module);
    json_decref(entry->exports);
    free(entry->name);
    free(entry);
}

static size_t
index_of(const registry_t *reg, const char *name, size_t len)
{
    for (size_t i = 0; i < reg->entries.len; i++)
        if (strlen(reg->entries.items[i]->name) == len &&
            memcmp(reg->entries.items[i]->name, name, len) == 0)
            return i;
    return SIZE_MAX;
}

int
registry_put(registry_t *reg, registry_entry_t *entry, bool *is_replaced)
{
    size_t i = index_of(reg, entry->name, strlen(entry->name));
    *is_replaced = i != SIZE_MAX;
    if (i != SIZE_MAX) {
        registry_entry_free(reg->entries.items[i]);
        reg->entries.items[i] = entry;
        return 0;
    }
    return registry_entries_push(&reg->entries, entry, VEC_NO_LIMIT);
}

registry_entry_t *
registry_find(const registry_t *reg, const char *name, size_t len)
{
    size_t i = index_of(reg, name, len);
    return i != SIZE_MAX ? reg->entries.items[i] : NULL;
}

bool
registry_remove(registry_t *reg, const char *name, size_t len)
{
    size_t i = index_of(reg, name, len);
    if (i == SIZE_MAX)
        return false;
    registry_entry_free(reg->entries.items[i]);
    memmove(&reg->entries.items[i], &reg->entries.items[i + 1],
            (reg->entries.len - i - 1) * sizeof reg->entries.items[0]);
    reg->entries.len--;
    return true;
}

size_t
registry_count(const registry_t *reg)
{
    return reg->entries.len;
}

registry_entry_t *
registry_at(const registry_t *reg, size_t i)
{
    return i < reg->entries.len ? reg->entries.items[i] : NULL;
}

json_t *
registry_entry_json(const registry_entry_t *e)
{
    return json_pack("{s:s,s:s,s:I,s:O,s:o}", "name", e->name, "sha256", e->sha256, "size",
                     (json_int_t)e->size, "exports", e->exports, "timeline",
                     timeline_json(&e->timeline));
}
