/* Configuration of slipstreamd: the typed config_t generated from options.def, its built-in
 * defaults, the INI file loader (inih), the command-line flags, validation and --help.
 *
 * Precedence: built-in defaults < the --config file < flags. Every option has a default, so the
 * daemon runs with no file at all.
 *
 * Ownership: config_t is a plain value (no pointers); copy it freely.
 * Threading: no shared state; any thread, one config_t per thread at a time.
 * Errors: fallible calls return 0 or SL_EARG (from engine/include/slipstream.h) and fill a
 * config_error_t with one line such as "slipstream.ini:7: unknown key 'bogus' in [server]". Nothing
 * is printed.
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Log levels, least to most verbose; daemon/log.h uses the same numbers. */
enum config_level {
    CONFIG_LEVEL_ERROR = 0,
    CONFIG_LEVEL_WARN = 1,
    CONFIG_LEVEL_INFO = 2,
    CONFIG_LEVEL_DEBUG = 3,
};

/* A listening address. `host` is a numeric IPv4 or IPv6 address without brackets. */
typedef struct config_addr {
    char host[48]; /* INET6_ADDRSTRLEN fits, NUL-terminated */
    uint16_t port; /* 0: the system picks a free port */
    bool is_ipv6;
} config_addr_t;

/* A text value (a path), NUL-terminated; "" when unset. A fixed array keeps config_t a plain value. */
typedef struct config_string {
    char text[1024];
} config_string_t;

/* C type of each options.def type. */
#define CONFIG_CTYPE_UINT uint64_t
#define CONFIG_CTYPE_ADDR config_addr_t
#define CONFIG_CTYPE_LEVEL int /* enum config_level */
#define CONFIG_CTYPE_STRING config_string_t

typedef struct config {
#define OPTION(section, name, key, type, def, min, max, help) CONFIG_CTYPE_##type name;
#include "options.def"
#undef OPTION
} config_t;

typedef struct config_error {
    char message[320]; /* "FILE:LINE: what is wrong", or "--flag: what is wrong" */
} config_error_t;

/* What the command line asked for. */
typedef enum config_action {
    CONFIG_ACTION_RUN = 0,
    CONFIG_ACTION_HELP,
    CONFIG_ACTION_VERSION,
} config_action_t;

/* Fills `cfg` with the built-in defaults from options.def. */
void config_defaults(config_t *cfg);

/* Applies the INI file at `path` over `cfg`. Stops at the first error: a syntax error, an unknown
 * section or key, a value of the wrong shape or out of range, a line longer than the parser takes.
 * On error `cfg` may hold the keys set before the failing line. */
int config_load(config_t *cfg, const char *path, config_error_t *err);

/* The same for INI text held in memory; `name` stands for the file name in messages. */
int config_load_string(config_t *cfg, const char *text, const char *name, config_error_t *err);

/* Sets one option by section and key from its text form, as a line of the INI file would. */
int config_set(config_t *cfg, const char *section, const char *name, const char *value,
               config_error_t *err);

/* Parses "HOST:PORT" or "[IPv6]:PORT" with a numeric host and a decimal port 0..65535. */
int config_addr_parse(const char *text, config_addr_t *out);

/* Writes "127.0.0.1:8470" or "[::1]:8470"; returns what snprintf returns. */
int config_addr_format(const config_addr_t *addr, char *buf, size_t size);

/* Builds the configuration from argv: defaults, then the file named by --config (wherever it
 * appears), then every option flag in order (--name value or --name=value; names from options.def
 * with '_' written '-'). --help and --version win over everything else that parses. */
int config_from_args(int argc, char *const argv[], config_t *cfg, config_action_t *action,
                     config_error_t *err);

/* Prints the flags, their meaning and their defaults, generated from options.def. */
void config_print_help(FILE *out);

/* True when every option of `a` equals the same option of `b`. */
bool config_equal(const config_t *a, const config_t *b);

/* "error", "warn", "info", "debug"; "?" for anything else. */
const char *config_level_name(int level);

#endif
