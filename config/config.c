/* The config loader: everything here is driven by the rows of options.def. The INI syntax is
 * inih's; this file adds line tracking, section and key checks, typed parsing, bounds and the
 * flags. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

enum option_type {
    TYPE_UINT,
    TYPE_ADDR,
    TYPE_LEVEL,
    TYPE_STRING,
};

typedef struct option_row {
    const char *section;
    const char *name; /* field and flag */
    const char *key;  /* INI key in the section */
    enum option_type type;
    const char *def;
    uint64_t min;
    uint64_t max;
    const char *help;
    size_t offset; /* of the field in config_t */
} option_row_t;

static const option_row_t rows[] = {
#define OPTION(section, name, key, type, def, min, max, help)                                           \
    {#section, #name, #key, TYPE_##type, def, min, max, help, offsetof(config_t, name)},
#include "options.def"
#undef OPTION
};

#define N_ROWS (sizeof rows / sizeof rows[0])

/* A type parses text into its field, or explains in `why` what is wrong with the text. */
typedef int (*parse_cb)(const option_row_t *row, const char *text, void *field, char *why,
                        size_t why_size);
typedef bool (*equal_cb)(const void *a, const void *b);

static int parse_uint(const option_row_t *row, const char *text, void *field, char *why,
                      size_t why_size);
static int parse_addr(const option_row_t *row, const char *text, void *field, char *why,
                      size_t why_size);
static int parse_level(const option_row_t *row, const char *text, void *field, char *why,
                       size_t why_size);
static int parse_string(const option_row_t *row, const char *text, void *field, char *why,
                        size_t why_size);
static bool equal_uint(const void *a, const void *b);
static bool equal_addr(const void *a, const void *b);
static bool equal_level(const void *a, const void *b);
static bool equal_string(const void *a, const void *b);

static const struct {
    const char *metavar; /* placeholder in --help */
    parse_cb parse;
    equal_cb equal;
} types[] = {
    [TYPE_UINT] = {"N", parse_uint, equal_uint},
    [TYPE_ADDR] = {"HOST:PORT", parse_addr, equal_addr},
    [TYPE_LEVEL] = {"LEVEL", parse_level, equal_level},
    [TYPE_STRING] = {"TEXT", parse_string, equal_string},
};

static const char *const level_names[] = {
    [CONFIG_LEVEL_ERROR] = "error",
    [CONFIG_LEVEL_WARN] = "warn",
    [CONFIG_LEVEL_INFO] = "info",
    [CONFIG_LEVEL_DEBUG] = "debug",
};

#define N_LEVELS (sizeof level_names / sizeof level_names[0])

static int fail(config_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(config_error_t *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return SL_EARG;
}

static void *
field_of(config_t *cfg, const option_row_t *row)
{
    return (char *)cfg + row->offset;
}

static const void *
const_field_of(const config_t *cfg, const option_row_t *row)
{
    return (const char *)cfg + row->offset;
}

static const option_row_t *
find_row(const char *section, const char *name)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(rows[i].section, section) == 0 && strcmp(rows[i].key, name) == 0)
            return &rows[i];
    return NULL;
}

static bool
is_section(const char *section, size_t len)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strlen(rows[i].section) == len && memcmp(rows[i].section, section, len) == 0)
            return true;
    return false;
}

/* "server, log": the sections in table order, each once, for error messages. */
static void
list_sections(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_ROWS; i++) {
        bool is_seen = false;
        for (size_t j = 0; j < i; j++)
            is_seen = is_seen || strcmp(rows[j].section, rows[i].section) == 0;
        if (is_seen)
            continue;
        int n = snprintf(buf + used, size - used, "%s[%s]", used ? ", " : "", rows[i].section);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* ---- types ----------------------------------------------------------------------------------- */

static int
parse_uint(const option_row_t *row, const char *text, void *field, char *why, size_t why_size)
{
    /* strtoull alone would take signs, spaces and hex; a setting is plain decimal. */
    if (text[0] == '\0' || strspn(text, "0123456789") != strlen(text)) {
        snprintf(why, why_size, "'%s' is not a decimal number", text);
        return SL_EARG;
    }
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno == ERANGE || v < row->min || v > row->max) {
        snprintf(why, why_size, "%s is out of range (%llu..%llu)", text,
                 (unsigned long long)row->min, (unsigned long long)row->max);
        return SL_EARG;
    }
    *(uint64_t *)field = v;
    return 0;
}

static bool
equal_uint(const void *a, const void *b)
{
    return *(const uint64_t *)a == *(const uint64_t *)b;
}

/* Like config_addr_parse, with the reason for a refusal. */
static int
addr_parse(const char *text, config_addr_t *out, char *why, size_t why_size)
{
    char host[sizeof out->host];
    const char *host_start = text;
    const char *host_end;
    const char *port;
    bool is_ipv6 = text[0] == '[';

    if (is_ipv6) {
        host_start = text + 1;
        host_end = strchr(host_start, ']');
        if (host_end == NULL || host_end[1] != ':') {
            snprintf(why, why_size, "'%s' is not [IPv6]:PORT", text);
            return SL_EARG;
        }
        port = host_end + 2;
    } else {
        host_end = strrchr(text, ':');
        if (host_end == NULL) {
            snprintf(why, why_size, "'%s' has no port (expected HOST:PORT)", text);
            return SL_EARG;
        }
        if (memchr(text, ':', (size_t)(host_end - text)) != NULL) {
            snprintf(why, why_size, "'%s': write an IPv6 address in brackets, [::1]:PORT", text);
            return SL_EARG;
        }
        port = host_end + 1;
    }

    size_t host_len = (size_t)(host_end - host_start);
    if (host_len == 0 || host_len >= sizeof host) {
        snprintf(why, why_size, "'%s' has no usable host", text);
        return SL_EARG;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';

    /* Numeric hosts only: resolving a name would block, and a daemon binds what it is told. */
    unsigned char bin[sizeof(struct in6_addr)];
    int family = is_ipv6 ? AF_INET6 : AF_INET;
    if (inet_pton(family, host, bin) != 1) {
        snprintf(why, why_size, "'%s' is not a numeric %s address", host,
                 is_ipv6 ? "IPv6" : "IPv4");
        return SL_EARG;
    }

    size_t port_len = strlen(port);
    if (port_len == 0 || port_len > 5 || strspn(port, "0123456789") != port_len ||
        strtoul(port, NULL, 10) > 65535) {
        snprintf(why, why_size, "'%s' has a bad port (expected 0..65535)", text);
        return SL_EARG;
    }

    /* Keep the canonical spelling, so equal addresses compare equal as text. */
    if (inet_ntop(family, bin, out->host, sizeof out->host) == NULL) {
        snprintf(why, why_size, "'%s' cannot be formatted", host);
        return SL_EARG;
    }
    out->port = (uint16_t)strtoul(port, NULL, 10);
    out->is_ipv6 = is_ipv6;
    return 0;
}

static int
parse_addr(const option_row_t *row, const char *text, void *field, char *why, size_t why_size)
{
    config_addr_t addr;
    int rc = addr_parse(text, &addr, why, why_size);
    if (rc == 0)
        *(config_addr_t *)field = addr;
    return rc;
}

static bool
equal_addr(const void *a, const void *b)
{
    const config_addr_t *x = a, *y = b;
    return strcmp(x->host, y->host) == 0 && x->port == y->port && x->is_ipv6 == y->is_ipv6;
}

static int
parse_level(const option_row_t *row, const char *text, void *field, char *why, size_t why_size)
{
    for (size_t i = 0; i < N_LEVELS; i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *(int *)field = (int)i;
            return 0;
        }
    }
    snprintf(why, why_size, "'%s' is not a level (error, warn, info or debug)", text);
    return SL_EARG;
}

static bool
equal_level(const void *a, const void *b)
{
    return *(const int *)a == *(const int *)b;
}

/* Text such as a path: anything but control characters, within the field's size; min/max unused. */
static int
parse_string(const option_row_t *row, const char *text, void *field, char *why, size_t why_size)
{
    config_string_t *out = field;
    size_t len = strlen(text);
    if (len >= sizeof out->text) {
        snprintf(why, why_size, "longer than %zu characters", sizeof out->text - 1);
        return SL_EARG;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
            snprintf(why, why_size, "control character at position %zu", i + 1);
            return SL_EARG;
        }
    }
    memcpy(out->text, text, len + 1);
    return 0;
}

static bool
equal_string(const void *a, const void *b)
{
    return strcmp(((const config_string_t *)a)->text, ((const config_string_t *)b)->text) == 0;
}

/* ---- setting one option ---------------------------------------------------------------------- */

/* `where` starts the message: "FILE:LINE: [server] listen" or "--listen". */
static int
set_row(config_t *cfg, const option_row_t *row, const char *value, const char *where,
        config_error_t *err)
{
    char why[200];
    if (types[row->type].parse(row, value, field_of(cfg, row), why, sizeof why) < 0)
        return fail(err, "%s: %s", where, why);
    return 0;
}

void
config_defaults(config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_ROWS; i++) {
        config_error_t err;
        /* A default the parser refuses is a bug in options.def, caught by the config tests. */
        if (set_row(cfg, &rows[i], rows[i].def, rows[i].name, &err) < 0)
            abort();
    }
}

int
config_set(config_t *cfg, const char *section, const char *name, const char *value,
           config_error_t *err)
{
    const option_row_t *row = find_row(section, name);
    if (row == NULL)
        return fail(err, "unknown key '%s' in [%s]", name, section);
    char where[160];
    snprintf(where, sizeof where, "[%s] %s", section, name);
    return set_row(cfg, row, value, where, err);
}

/* ---- INI files ------------------------------------------------------------------------------- */

/* inih reads through read_line, so this state always knows the line the handler is called for,
 * sees section headers that have no keys, and can end the parse at the first error. */
typedef struct load_state {
    config_t *cfg;
    const char *name; /* the file name in messages */
    FILE *file;       /* the source: a file, */
    const char *text; /* or the rest of a string */
    unsigned line;
    bool has_error;
    config_error_t *err;
} load_state_t;

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void
check_section_header(load_state_t *st, const char *line)
{
    if (*line != '[')
        return;
    const char *end = strchr(line, ']');
    if (end == NULL)
        return; /* inih reports it as a syntax error */
    if (!is_section(line + 1, (size_t)(end - line - 1))) {
        char known[120];
        list_sections(known, sizeof known);
        fail(st->err, "%s:%u: unknown section [%.*s] (known: %s)", st->name, st->line,
             (int)(end - line - 1), line + 1, known);
        st->has_error = true;
    }
}

static char *
read_line(char *buf, int size, void *stream)
{
    load_state_t *st = stream;
    bool is_more = false;
    if (st->has_error)
        return NULL; /* ends the parse at the first error */

    if (st->file != NULL) {
        if (fgets(buf, size, st->file) == NULL)
            return NULL;
        int c = getc(st->file);
        if (c != EOF) {
            ungetc(c, st->file);
            is_more = true;
        }
    } else {
        if (*st->text == '\0')
            return NULL;
        size_t n = strcspn(st->text, "\n");
        if (st->text[n] == '\n')
            n++;
        if (n > (size_t)size - 1)
            n = (size_t)size - 1;
        memcpy(buf, st->text, n);
        buf[n] = '\0';
        st->text += n;
        is_more = *st->text != '\0';
    }
    st->line++;

    size_t len = strlen(buf);
    if (len == (size_t)size - 1 && buf[len - 1] != '\n' && is_more) {
        fail(st->err, "%s:%u: line longer than %d characters", st->name, st->line, size - 2);
        st->has_error = true;
        return NULL;
    }
    /* inih would take an indented line for the continuation of the previous value; here every
     * line stands alone, so indenting a key is harmless. */
    size_t indent = 0;
    while (is_blank(buf[indent]))
        indent++;
    memmove(buf, buf + indent, len - indent + 1);

    check_section_header(st, buf);
    return st->has_error ? NULL : buf;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
    load_state_t *st = user;
    if (st->has_error)
        return 0;
    if (section[0] == '\0') {
        fail(st->err, "%s:%u: key '%s' is outside any [section]", st->name, st->line, name);
        st->has_error = true;
        return 0;
    }
    const option_row_t *row = find_row(section, name);
    if (row == NULL) {
        fail(st->err, "%s:%u: unknown key '%s' in [%s]", st->name, st->line, name, section);
        st->has_error = true;
        return 0;
    }
    char where[400];
    snprintf(where, sizeof where, "%s:%u: [%s] %s", st->name, st->line, section, name);
    if (set_row(st->cfg, row, value, where, st->err) < 0) {
        st->has_error = true;
        return 0;
    }
    return 1;
}

static int
load_stream(load_state_t *st)
{
    int rc = ini_parse_stream(read_line, st, on_key, st);
    /* A syntax error on an earlier line than ours (or with none of ours) is inih's to report. */
    if (rc > 0 && (!st->has_error || (unsigned)rc < st->line))
        return fail(st->err, "%s:%d: syntax error (expected [section] or key = value)", st->name,
                    rc);
    if (st->has_error)
        return SL_EARG;
    if (rc < 0)
        return fail(st->err, "%s: out of memory while parsing", st->name);
    return 0;
}

int
config_load(config_t *cfg, const char *path, config_error_t *err)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return fail(err, "%s: %s", path, strerror(errno));
    load_state_t st = {.cfg = cfg, .name = path, .file = file, .err = err};
    int rc = load_stream(&st);
    if (rc == 0 && ferror(file))
        rc = fail(err, "%s: read error", path);
    fclose(file);
    return rc;
}

int
config_load_string(config_t *cfg, const char *text, const char *name, config_error_t *err)
{
    load_state_t st = {.cfg = cfg, .name = name, .text = text, .err = err};
    return load_stream(&st);
}

/* ---- addresses ------------------------------------------------------------------------------- */

int
config_addr_parse(const char *text, config_addr_t *out)
{
    char why[200];
    return addr_parse(text, out, why, sizeof why);
}

int
config_addr_format(const config_addr_t *addr, char *buf, size_t size)
{
    return snprintf(buf, size, addr->is_ipv6 ? "[%s]:%u" : "%s:%u", addr->host,
                    (unsigned)addr->port);
}

/* ---- flags ----------------------------------------------------------------------------------- */

/* True when the flag name (after "--", `len` bytes) is the row's name with '-' for '_'. */
static bool
flag_is(const char *row_name, const char *flag, size_t len)
{
    if (strlen(row_name) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((row_name[i] == '_' ? '-' : row_name[i]) != flag[i])
            return false;
    return true;
}

enum flag_kind {
    FLAG_OPTION,
    FLAG_CONFIG,
    FLAG_HELP,
    FLAG_VERSION,
};

typedef struct flag {
    enum flag_kind kind;
    const option_row_t *row; /* FLAG_OPTION */
    const char *value;       /* NULL for HELP and VERSION */
    int n_args;              /* argv entries taken: 1, or 2 for "--name value" */
} flag_t;

static int
parse_flag(int argc, char *const argv[], int i, flag_t *out, config_error_t *err)
{
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0)
        arg = "--help";
    else if (strcmp(arg, "-V") == 0)
        arg = "--version";
    if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
        return fail(err, "unexpected argument '%s'", argv[i]);

    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    *out = (flag_t){.n_args = 1, .value = eq ? eq + 1 : NULL};

    if (len == 4 && memcmp(name, "help", 4) == 0) {
        out->kind = FLAG_HELP;
    } else if (len == 7 && memcmp(name, "version", 7) == 0) {
        out->kind = FLAG_VERSION;
    } else if (len == 6 && memcmp(name, "config", 6) == 0) {
        out->kind = FLAG_CONFIG;
    } else {
        out->kind = FLAG_OPTION;
        for (size_t r = 0; r < N_ROWS && out->row == NULL; r++)
            if (flag_is(rows[r].name, name, len))
                out->row = &rows[r];
        if (out->row == NULL)
            return fail(err, "unknown flag '--%.*s'", (int)len, name);
    }

    if (out->kind == FLAG_HELP || out->kind == FLAG_VERSION) {
        if (eq != NULL)
            return fail(err, "--%.*s takes no value", (int)len, name);
    } else if (eq == NULL) {
        if (i + 1 >= argc)
            return fail(err, "--%.*s needs a value", (int)len, name);
        out->value = argv[i + 1];
        out->n_args = 2;
    }
    return 0;
}

int
config_from_args(int argc, char *const argv[], config_t *cfg, config_action_t *action,
                 config_error_t *err)
{
    const char *config_path = NULL;
    flag_t flag;
    int rc;

    config_defaults(cfg);
    *action = CONFIG_ACTION_RUN;

    /* First the shape of the whole command line and the file, so flags win wherever they are. */
    for (int i = 1; i < argc; i += flag.n_args) {
        rc = parse_flag(argc, argv, i, &flag, err);
        if (rc < 0)
            return rc;
        if (flag.kind == FLAG_HELP || flag.kind == FLAG_VERSION) {
            *action = flag.kind == FLAG_HELP ? CONFIG_ACTION_HELP : CONFIG_ACTION_VERSION;
            return 0;
        }
        if (flag.kind == FLAG_CONFIG)
            config_path = flag.value;
    }

    if (config_path != NULL) {
        rc = config_load(cfg, config_path, err);
        if (rc < 0)
            return rc;
    }

    for (int i = 1; i < argc; i += flag.n_args) {
        rc = parse_flag(argc, argv, i, &flag, err);
        if (rc < 0)
            return rc;
        if (flag.kind != FLAG_OPTION)
            continue;
        char where[80];
        snprintf(where, sizeof where, "--%.*s", (int)strcspn(argv[i] + 2, "="), argv[i] + 2);
        rc = set_row(cfg, flag.row, flag.value, where, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

void
config_print_help(FILE *out)
{
    fprintf(out, "  %-28s %s\n", "-h, --help", "print this help and exit");
    fprintf(out, "  %-28s %s\n", "-V, --version", "print the version and exit");
    fprintf(out, "      %-24s %s\n", "--config FILE", "read settings from an INI file");
    fputs("\nSettings (each is also an INI key; flags override the file):\n", out);
    for (size_t i = 0; i < N_ROWS; i++) {
        char flag[64];
        int n = snprintf(flag, sizeof flag, "--%s %s", rows[i].name, types[rows[i].type].metavar);
        for (int j = 2; j < n; j++)
            if (flag[j] == '_')
                flag[j] = '-';
        fprintf(out, "      %-24s %s\n", flag, rows[i].help);
        fprintf(out, "      %-24s [%s] %s, default %s\n", "", rows[i].section, rows[i].key,
                rows[i].def[0] != '\0' ? rows[i].def : "none");
    }
}

bool
config_equal(const config_t *a, const config_t *b)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (!types[rows[i].type].equal(const_field_of(a, &rows[i]), const_field_of(b, &rows[i])))
            return false;
    return true;
}

const char *
config_level_name(int level)
{
    return level >= 0 && (size_t)level < N_LEVELS ? level_names[level] : "?";
}
