/* config_suite: the config loader (config/config.h) through its header: defaults, the example
 * file, INI parsing and its errors with FILE:LINE, bounds, listen addresses, flags and --help.
 * SL_CONFIG_EXAMPLE and SL_CONFIG_DOC name config/slipstream.ini and docs/CONFIGURATION.md. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "slipstream.h"

/* The rows of options.def, as the tests see them. */
static const struct {
    const char *section;
    const char *name;
    const char *key;
    const char *def;
} rows[] = {
#define OPTION(section, name, key, type, def, min, max, help) {#section, #name, #key, def},
#include "options.def"
#undef OPTION
};

#define N_ROWS (sizeof rows / sizeof rows[0])

static char *
read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *text = calloc(1, 1 << 20);
    ck_assert_ptr_nonnull(text);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

/* Writes `text` to a new temporary file; returns its path (static buffer). */
static const char *
write_temp(const char *text)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/sl-config-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

/* A configuration that differs from the defaults in every option. */
static void
perturbed(config_t *cfg)
{
    config_defaults(cfg);
    strcpy(cfg->listen.host, "10.1.2.3");
    cfg->listen.port = 1;
    cfg->max_connections = 7;
    cfg->max_header_size = 999;
    cfg->max_body_size = 5;
    cfg->max_pipelined_requests = 2;
    cfg->idle_timeout_ms = 11;
    cfg->header_timeout_ms = 12;
    cfg->body_timeout_ms = 13;
    cfg->min_body_rate = 0;
    strcpy(cfg->admin_token_file.text, "/run/token");
    cfg->log_level = CONFIG_LEVEL_DEBUG;
}

/* ---- defaults -------------------------------------------------------------------------------- */

START_TEST(test_config_defaults_are_documented_values)
{
    config_t cfg;
    config_defaults(&cfg);
    ck_assert_str_eq(cfg.listen.host, "127.0.0.1");
    ck_assert_uint_eq(cfg.listen.port, 8470);
    ck_assert(!cfg.listen.is_ipv6);
    ck_assert_uint_eq(cfg.max_connections, 1024);
    ck_assert_uint_eq(cfg.max_header_size, 16384);
    ck_assert_uint_eq(cfg.idle_timeout_ms, 60000);
    ck_assert_uint_eq(cfg.header_timeout_ms, 10000);
    ck_assert_uint_eq(cfg.max_body_size, 67108864);
    ck_assert_uint_eq(cfg.max_pipelined_requests, 16);
    ck_assert_uint_eq(cfg.body_timeout_ms, 30000);
    ck_assert_uint_eq(cfg.min_body_rate, 1024);
    ck_assert_str_eq(cfg.admin_token_file.text, "");
    ck_assert_int_eq(cfg.log_level, CONFIG_LEVEL_INFO);
}
END_TEST

START_TEST(test_config_perturbed_differs_in_every_option)
{
    /* Guards the next test: loading the example over this must change every field back. */
    config_t a, b;
    config_defaults(&a);
    perturbed(&b);
    ck_assert(!config_equal(&a, &b));
    ck_assert(config_equal(&a, &a));
}
END_TEST

START_TEST(test_config_example_file_equals_defaults)
{
    const char *path = getenv("SL_CONFIG_EXAMPLE");
    ck_assert_ptr_nonnull(path);
    config_t loaded, defaults;
    config_error_t err = {{0}};
    perturbed(&loaded);
    ck_assert_msg(config_load(&loaded, path, &err) == 0, "%s", err.message);
    config_defaults(&defaults);
    ck_assert(config_equal(&loaded, &defaults));
}
END_TEST

/* The example sets each option, in its section, to the default written in options.def. */
START_TEST(test_config_example_file_names_every_option)
{
    const char *path = getenv("SL_CONFIG_EXAMPLE");
    ck_assert_ptr_nonnull(path);
    char *text = read_text(path);
    char section[64], line[160];
    snprintf(section, sizeof section, "\n[%s]\n", rows[_i].section);
    /* An empty default is written "key =", without the trailing blank. */
    snprintf(line, sizeof line, "\n%s =%s%s\n", rows[_i].key, rows[_i].def[0] ? " " : "",
             rows[_i].def);
    const char *in_section = strstr(text, section);
    ck_assert_msg(in_section != NULL, "no [%s] in %s", rows[_i].section, path);
    const char *at = strstr(in_section, line);
    const char *next_section = strstr(in_section + 1, "\n[");
    ck_assert_msg(at != NULL && (next_section == NULL || at < next_section),
                  "no '%s = %s' in [%s] of %s", rows[_i].key, rows[_i].def, rows[_i].section,
                  path);
    free(text);
}
END_TEST

START_TEST(test_config_doc_names_every_option)
{
    const char *path = getenv("SL_CONFIG_DOC");
    ck_assert_ptr_nonnull(path);
    char *text = read_text(path);
    char key[80], def[80];
    snprintf(key, sizeof key, "`%s`", rows[_i].key);
    snprintf(def, sizeof def, "`%s`", rows[_i].def);
    ck_assert_msg(strstr(text, key) != NULL, "%s does not document %s", path, key);
    ck_assert_msg(strstr(text, def) != NULL, "%s does not give the default %s", path, def);
    free(text);
}
END_TEST

/* ---- INI ------------------------------------------------------------------------------------- */

START_TEST(test_config_ini_overrides_every_option)
{
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    int rc = config_load_string(&cfg,
                                "; a comment\n"
                                "# another\n"
                                "[server]\n"
                                "listen = [::1]:9000\n"
                                "  max_connections   =   12   ; inline comment\n"
                                "max_header_size = 4096\n"
                                "idle_timeout_ms = 1500\n"
                                "header_timeout_ms = 700\n"
                                "max_body_size = 4294967296\n"
                                "max_pipelined_requests = 1\n"
                                "body_timeout_ms = 800\n"
                                "min_body_rate = 0\n"
                                "admin_token_file = tokens/admin token.txt\n"
                                "\n"
                                "[log]\n"
                                "log_level = debug\n",
                                "t.ini", &err);
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_str_eq(cfg.listen.host, "::1");
    ck_assert_uint_eq(cfg.listen.port, 9000);
    ck_assert(cfg.listen.is_ipv6);
    ck_assert_uint_eq(cfg.max_connections, 12);
    ck_assert_uint_eq(cfg.max_header_size, 4096);
    ck_assert_uint_eq(cfg.idle_timeout_ms, 1500);
    ck_assert_uint_eq(cfg.header_timeout_ms, 700);
    ck_assert_uint_eq(cfg.max_body_size, 4294967296u);
    ck_assert_uint_eq(cfg.max_pipelined_requests, 1);
    ck_assert_uint_eq(cfg.body_timeout_ms, 800);
    ck_assert_uint_eq(cfg.min_body_rate, 0);
    ck_assert_str_eq(cfg.admin_token_file.text, "tokens/admin token.txt");
    ck_assert_int_eq(cfg.log_level, CONFIG_LEVEL_DEBUG);
}
END_TEST

START_TEST(test_config_ini_keeps_unset_options)
{
    config_t cfg, defaults;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    config_defaults(&defaults);
    ck_assert_int_eq(config_load_string(&cfg, "[server]\nmax_connections = 3\n", "t.ini", &err), 0);
    ck_assert_uint_eq(cfg.max_connections, 3);
    cfg.max_connections = defaults.max_connections;
    ck_assert(config_equal(&cfg, &defaults));
    ck_assert_int_eq(config_load_string(&cfg, "", "empty.ini", &err), 0);
    ck_assert(config_equal(&cfg, &defaults));
}
END_TEST

START_TEST(test_config_file_on_disk_is_loaded)
{
    const char *path = write_temp("[log]\nlog_level = warn\n[server]\nlisten = 0.0.0.0:0\n");
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    int rc = config_load(&cfg, path, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_int_eq(cfg.log_level, CONFIG_LEVEL_WARN);
    ck_assert_str_eq(cfg.listen.host, "0.0.0.0");
    ck_assert_uint_eq(cfg.listen.port, 0);
}
END_TEST

/* Bad INI text, the error it must give: the start of the message and a part of it. */
static const struct {
    const char *text;
    const char *prefix;
    const char *detail;
} bad_ini[] = {
    {"[server]\nlisten = 127.0.0.1:1\nbogus = 1\n", "t.ini:3: ", "unknown key 'bogus' in [server]"},
    {"\n[nope]\n", "t.ini:2: ", "unknown section [nope]"},
    {"[server]\n[nope]\nlisten = 127.0.0.1:1\n", "t.ini:2: ", "unknown section [nope]"},
    {"[log]\nlisten = 127.0.0.1:1\n", "t.ini:2: ", "unknown key 'listen' in [log]"},
    {"listen = 127.0.0.1:1\n", "t.ini:1: ", "outside any [section]"},
    {"[server]\nmax_connections = 0\n", "t.ini:2: ", "0 is out of range (1..1048576)"},
    {"[server]\nmax_connections = 1048577\n", "t.ini:2: ", "out of range"},
    {"[server]\nmax_header_size = 255\n", "t.ini:2: ", "255 is out of range (256..1048576)"},
    {"[server]\nidle_timeout_ms = 99999999999999999999999\n", "t.ini:2: ", "out of range"},
    {"[server]\nheader_timeout_ms = 86400001\n", "t.ini:2: ", "out of range"},
    {"[server]\nmax_connections = -1\n", "t.ini:2: ", "'-1' is not a decimal number"},
    {"[server]\nmax_connections = 0x10\n", "t.ini:2: ", "not a decimal number"},
    {"[server]\nmax_connections = 12abc\n", "t.ini:2: ", "not a decimal number"},
    {"[server]\nmax_connections =\n", "t.ini:2: ", "not a decimal number"},
    {"[server]\nlisten = localhost:80\n", "t.ini:2: ", "not a numeric IPv4 address"},
    {"[server]\nlisten = 127.0.0.1:70000\n", "t.ini:2: ", "bad port"},
    {"[log]\nlog_level = verbose\n", "t.ini:2: ", "not a level (error, warn, info or debug)"},
    {"[server]\nthis line has no equals sign\n", "t.ini:2: ", "syntax error"},
    {"[server]\n[broken\n", "t.ini:2: ", "syntax error"},
    /* the first error is the one reported */
    {"[server]\nmax_connections = 0\nbogus = 1\n", "t.ini:2: ", "out of range"},
    {"[server]\nnot ini\nbogus = 1\n", "t.ini:2: ", "syntax error"},
};

START_TEST(test_config_ini_error_names_file_and_line)
{
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    int rc = config_load_string(&cfg, bad_ini[_i].text, "t.ini", &err);
    ck_assert_int_eq(rc, SL_EARG);
    ck_assert_msg(strncmp(err.message, bad_ini[_i].prefix, strlen(bad_ini[_i].prefix)) == 0,
                  "'%s' does not start with '%s'", err.message, bad_ini[_i].prefix);
    ck_assert_msg(strstr(err.message, bad_ini[_i].detail) != NULL, "'%s' does not say '%s'",
                  err.message, bad_ini[_i].detail);
}
END_TEST

START_TEST(test_config_ini_rejects_overlong_line)
{
    char text[600];
    int n = snprintf(text, sizeof text, "[server]\n; ");
    memset(text + n, 'x', 400);
    strcpy(text + n + 400, "\nmax_connections = 3\n");
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    ck_assert_int_eq(config_load_string(&cfg, text, "t.ini", &err), SL_EARG);
    ck_assert_msg(strstr(err.message, "t.ini:2: line longer than") != NULL, "%s", err.message);
    ck_assert_uint_eq(cfg.max_connections, 1024);
}
END_TEST

START_TEST(test_config_error_in_file_on_disk_names_path_and_line)
{
    const char *path = write_temp("[server]\n\n\nmax_header_size = 1\n");
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    int rc = config_load(&cfg, path, &err);
    unlink(path);
    ck_assert_int_eq(rc, SL_EARG);
    char expected[320];
    snprintf(expected, sizeof expected, "%s:4: [server] max_header_size: 1 is out of range", path);
    ck_assert_msg(strncmp(err.message, expected, strlen(expected)) == 0, "%s", err.message);
}
END_TEST

START_TEST(test_config_missing_file_is_an_error)
{
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    ck_assert_int_eq(config_load(&cfg, "/nonexistent/slipstream.ini", &err), SL_EARG);
    ck_assert_str_eq(err.message, "/nonexistent/slipstream.ini: No such file or directory");
}
END_TEST

START_TEST(test_config_set_by_key)
{
    config_t cfg;
    config_error_t err = {{0}};
    config_defaults(&cfg);
    ck_assert_int_eq(config_set(&cfg, "server", "max_connections", "77", &err), 0);
    ck_assert_uint_eq(cfg.max_connections, 77);
    ck_assert_int_eq(config_set(&cfg, "server", "max_connections", "0", &err), SL_EARG);
    ck_assert_str_eq(err.message, "[server] max_connections: 0 is out of range (1..1048576)");
    ck_assert_uint_eq(cfg.max_connections, 77);
    ck_assert_int_eq(config_set(&cfg, "server", "nope", "1", &err), SL_EARG);
    ck_assert_str_eq(err.message, "unknown key 'nope' in [server]");
}
END_TEST

/* ---- listen addresses ------------------------------------------------------------------------ */

static const struct {
    const char *text;
    bool is_ok;
    const char *host; /* canonical */
    unsigned port;
    bool is_ipv6;
} addrs[] = {
    {"127.0.0.1:8470", true, "127.0.0.1", 8470, false},
    {"0.0.0.0:0", true, "0.0.0.0", 0, false},
    {"10.0.0.1:65535", true, "10.0.0.1", 65535, false},
    {"[::1]:9000", true, "::1", 9000, true},
    {"[::]:80", true, "::", 80, true},
    {"[0:0:0:0:0:0:0:1]:1", true, "::1", 1, true},
    {"127.0.0.1:65536", false, NULL, 0, false},
    {"127.0.0.1:123456", false, NULL, 0, false},
    {"127.0.0.1:", false, NULL, 0, false},
    {"127.0.0.1", false, NULL, 0, false},
    {":80", false, NULL, 0, false},
    {"127.0.0.1:8x", false, NULL, 0, false},
    {"127.0.0.1:-1", false, NULL, 0, false},
    {"127.0.0.1:+80", false, NULL, 0, false},
    {"localhost:80", false, NULL, 0, false},
    {"256.0.0.1:80", false, NULL, 0, false},
    {"[::1]", false, NULL, 0, false},
    {"[::1]80", false, NULL, 0, false},
    {"[::1:80", false, NULL, 0, false},
    {"::1:80", false, NULL, 0, false},
    {"[127.0.0.1]:80", false, NULL, 0, false},
    {"", false, NULL, 0, false},
};

START_TEST(test_config_addr_parse_table)
{
    config_addr_t addr = {.host = "unchanged", .port = 4242};
    int rc = config_addr_parse(addrs[_i].text, &addr);
    if (!addrs[_i].is_ok) {
        ck_assert_msg(rc == SL_EARG, "'%s' was accepted", addrs[_i].text);
        ck_assert_str_eq(addr.host, "unchanged");
        ck_assert_uint_eq(addr.port, 4242);
        return;
    }
    ck_assert_msg(rc == 0, "'%s' was refused", addrs[_i].text);
    ck_assert_str_eq(addr.host, addrs[_i].host);
    ck_assert_uint_eq(addr.port, addrs[_i].port);
    ck_assert_int_eq(addr.is_ipv6, addrs[_i].is_ipv6);

    char text[80], again[80];
    config_addr_format(&addr, text, sizeof text);
    snprintf(again, sizeof again, addrs[_i].is_ipv6 ? "[%s]:%u" : "%s:%u", addrs[_i].host,
             addrs[_i].port);
    ck_assert_str_eq(text, again);
}
END_TEST

/* ---- flags ----------------------------------------------------------------------------------- */

static int
from_args(config_t *cfg, config_action_t *action, config_error_t *err, const char *const *args)
{
    char *argv[32] = {"slipstreamd"};
    int argc = 1;
    while (args[argc - 1] != NULL)
        argv[argc] = (char *)args[argc - 1], argc++;
    return config_from_args(argc, argv, cfg, action, err);
}

START_TEST(test_config_args_none_gives_defaults)
{
    config_t cfg, defaults;
    config_action_t action = CONFIG_ACTION_HELP;
    config_error_t err = {{0}};
    const char *args[] = {NULL};
    ck_assert_int_eq(from_args(&cfg, &action, &err, args), 0);
    ck_assert_int_eq(action, CONFIG_ACTION_RUN);
    config_defaults(&defaults);
    ck_assert(config_equal(&cfg, &defaults));
}
END_TEST

START_TEST(test_config_args_set_options)
{
    config_t cfg;
    config_action_t action;
    config_error_t err = {{0}};
    const char *args[] = {"--listen", "[::1]:0", "--max-connections=5", "--log-level", "error",
                          "--header-timeout-ms", "250", NULL};
    ck_assert_msg(from_args(&cfg, &action, &err, args) == 0, "%s", err.message);
    ck_assert_int_eq(action, CONFIG_ACTION_RUN);
    ck_assert_str_eq(cfg.listen.host, "::1");
    ck_assert_uint_eq(cfg.listen.port, 0);
    ck_assert(cfg.listen.is_ipv6);
    ck_assert_uint_eq(cfg.max_connections, 5);
    ck_assert_int_eq(cfg.log_level, CONFIG_LEVEL_ERROR);
    ck_assert_uint_eq(cfg.header_timeout_ms, 250);
    ck_assert_uint_eq(cfg.idle_timeout_ms, 60000);
}
END_TEST

START_TEST(test_config_args_flags_override_file_wherever_they_stand)
{
    const char *path = write_temp("[server]\nmax_connections = 7\nidle_timeout_ms = 1234\n"
                                  "[log]\nlog_level = debug\n");
    config_t cfg;
    config_action_t action;
    config_error_t err = {{0}};
    const char *args[] = {"--max-connections", "9", "--config", path, NULL};
    int rc = from_args(&cfg, &action, &err, args);
    unlink(path);
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_uint_eq(cfg.max_connections, 9);
    ck_assert_uint_eq(cfg.idle_timeout_ms, 1234);
    ck_assert_int_eq(cfg.log_level, CONFIG_LEVEL_DEBUG);
}
END_TEST

START_TEST(test_config_args_help_and_version)
{
    config_t cfg;
    config_action_t action;
    config_error_t err = {{0}};
    const char *help[] = {"--listen", "127.0.0.1:1", "--help", NULL};
    const char *short_help[] = {"-h", NULL};
    const char *version[] = {"--version", "--bogus", NULL};
    const char *short_version[] = {"-V", NULL};
    ck_assert_int_eq(from_args(&cfg, &action, &err, help), 0);
    ck_assert_int_eq(action, CONFIG_ACTION_HELP);
    ck_assert_int_eq(from_args(&cfg, &action, &err, short_help), 0);
    ck_assert_int_eq(action, CONFIG_ACTION_HELP);
    ck_assert_int_eq(from_args(&cfg, &action, &err, version), 0);
    ck_assert_int_eq(action, CONFIG_ACTION_VERSION);
    ck_assert_int_eq(from_args(&cfg, &action, &err, short_version), 0);
    ck_assert_int_eq(action, CONFIG_ACTION_VERSION);
}
END_TEST

static const struct {
    const char *args[4];
    const char *message;
} bad_args[] = {
    {{"--listen", NULL}, "--listen needs a value"},
    {{"--listen", "127.0.0.1:99999", NULL}, "--listen: '127.0.0.1:99999' has a bad port"},
    {{"--listen=localhost:1", NULL}, "--listen: 'localhost' is not a numeric IPv4 address"},
    {{"--max-connections", "0", NULL}, "--max-connections: 0 is out of range (1..1048576)"},
    {{"--max_connections", "5", NULL}, "unknown flag '--max_connections'"},
    {{"--bogus", NULL}, "unknown flag '--bogus'"},
    {{"listen", NULL}, "unexpected argument 'listen'"},
    {{"--", NULL}, "unexpected argument '--'"},
    {{"--help=yes", NULL}, "--help takes no value"},
    {{"--config", "/nonexistent.ini", NULL}, "/nonexistent.ini: No such file or directory"},
    {{"--log-level", "loud", NULL}, "--log-level: 'loud' is not a level"},
    {{"--admin-token-file", "a\tb", NULL}, "--admin-token-file: control character at position 2"},
    {{"--max-pipelined-requests", "0", NULL}, "--max-pipelined-requests: 0 is out of range"},
    {{"--max-body-size", "4294967297", NULL}, "--max-body-size: 4294967297 is out of range"},
};

START_TEST(test_config_args_errors)
{
    config_t cfg;
    config_action_t action;
    config_error_t err = {{0}};
    ck_assert_int_eq(from_args(&cfg, &action, &err, bad_args[_i].args), SL_EARG);
    ck_assert_msg(strncmp(err.message, bad_args[_i].message, strlen(bad_args[_i].message)) == 0,
                  "'%s' does not start with '%s'", err.message, bad_args[_i].message);
}
END_TEST

START_TEST(test_config_help_lists_every_option)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    config_print_help(out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "--config FILE"));
    ck_assert_ptr_nonnull(strstr(text, "--listen HOST:PORT"));
    ck_assert_ptr_nonnull(strstr(text, "--max-header-size N"));
    ck_assert_ptr_nonnull(strstr(text, "--log-level LEVEL"));
    ck_assert_ptr_nonnull(strstr(text, "--admin-token-file TEXT"));
    for (size_t i = 0; i < N_ROWS; i++) {
        char line[160];
        snprintf(line, sizeof line, "[%s] %s, default %s\n", rows[i].section, rows[i].key,
                 rows[i].def[0] ? rows[i].def : "none");
        ck_assert_msg(strstr(text, line) != NULL, "help lacks '%s'", line);
    }
    free(text);
}
END_TEST

START_TEST(test_config_level_names)
{
    ck_assert_str_eq(config_level_name(CONFIG_LEVEL_ERROR), "error");
    ck_assert_str_eq(config_level_name(CONFIG_LEVEL_WARN), "warn");
    ck_assert_str_eq(config_level_name(CONFIG_LEVEL_INFO), "info");
    ck_assert_str_eq(config_level_name(CONFIG_LEVEL_DEBUG), "debug");
    ck_assert_str_eq(config_level_name(4), "?");
    ck_assert_str_eq(config_level_name(-1), "?");
}
END_TEST

Suite *config_suite(void);

Suite *
config_suite(void)
{
    Suite *s = suite_create("config");

    TCase *tc = tcase_create("defaults");
    tcase_add_test(tc, test_config_defaults_are_documented_values);
    tcase_add_test(tc, test_config_perturbed_differs_in_every_option);
    tcase_add_test(tc, test_config_example_file_equals_defaults);
    tcase_add_loop_test(tc, test_config_example_file_names_every_option, 0, (int)N_ROWS);
    tcase_add_loop_test(tc, test_config_doc_names_every_option, 0, (int)N_ROWS);
    suite_add_tcase(s, tc);

    tc = tcase_create("ini");
    tcase_add_test(tc, test_config_ini_overrides_every_option);
    tcase_add_test(tc, test_config_ini_keeps_unset_options);
    tcase_add_test(tc, test_config_file_on_disk_is_loaded);
    tcase_add_loop_test(tc, test_config_ini_error_names_file_and_line, 0,
                        (int)(sizeof bad_ini / sizeof bad_ini[0]));
    tcase_add_test(tc, test_config_ini_rejects_overlong_line);
    tcase_add_test(tc, test_config_error_in_file_on_disk_names_path_and_line);
    tcase_add_test(tc, test_config_missing_file_is_an_error);
    tcase_add_test(tc, test_config_set_by_key);
    suite_add_tcase(s, tc);

    tc = tcase_create("listen");
    tcase_add_loop_test(tc, test_config_addr_parse_table, 0, (int)(sizeof addrs / sizeof addrs[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("flags");
    tcase_add_test(tc, test_config_args_none_gives_defaults);
    tcase_add_test(tc, test_config_args_set_options);
    tcase_add_test(tc, test_config_args_flags_override_file_wherever_they_stand);
    tcase_add_test(tc, test_config_args_help_and_version);
    tcase_add_loop_test(tc, test_config_args_errors, 0,
                        (int)(sizeof bad_args / sizeof bad_args[0]));
    tcase_add_test(tc, test_config_help_lists_every_option);
    tcase_add_test(tc, test_config_level_names);
    suite_add_tcase(s, tc);
    return s;
}
