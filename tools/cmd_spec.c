/* `slipstream spec [--tier=none|baseline|top] [-v] PATH...`: runs WebAssembly spec-test scripts. This
 * file reads the command line, turns PATHs into the list of .wast files and holds the one engine
 * of an execution tier; spec_run.c runs each file and spec_report.c prints the summary. */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "slipstream.h"
#include "spec_convert.h"
#include "spec_report.h"
#include "spec_run.h"
#include "vec.h"

/* Enough to see what kind of failure a file has without drowning the summary. */
#define SPEC_MAX_FAILURES_SHOWN 10
/* The most frequent "not supported" messages in the summary; -v shows them all. */
#define SPEC_MAX_MESSAGES_SHOWN 25

static const char usage[] =
    "usage: slipstream spec [--tier=none|baseline|top] [--lazy] [--threads=N] [--no-avx] [-v]\n"
    "       PATH...\n";

static void
print_help(void)
{
    fputs(usage, stdout);
    fputs("\n"
          "Runs WebAssembly spec-test scripts. A PATH is a .wast file or a folder, whose *.wast\n"
          "files run in name order (subfolders are not searched). Each file is converted with\n"
          "wast2json ($SL_WAST2JSON if set, else from PATH) in a temporary folder.\n"
          "\n"
          "  --tier=none      decode and validate modules only (the default); commands that\n"
          "                   need instantiation or execution are skipped\n"
          "  --tier=baseline  compile with the baseline tier and run every command: one store\n"
          "                   per file, the spectest host module, register and imports;\n"
          "                   what the engine does not support is skipped with its reason\n"
          "  --tier=top       the same on the top tier; functions it cannot compile yet get\n"
          "                   baseline code, and the last line before the summary says how\n"
          "                   many of the functions compiled the top tier compiled\n"
          "  --lazy           with a tier: compile each function on its first call\n"
          "  --threads=N      with a tier: compile eagerly on N threads\n"
          "  --no-avx         with a tier: generate SSE code only, as for a CPU without AVX\n"
          "  -v, --verbose    print every failure, a note where the engine's message differs\n"
          "                   from the one the test expects, each unsupported skip, and the\n"
          "                   spectest print calls\n"
          "\n"
          "Prints a table per file, the skip reasons, and last \"N passed, N failed, N skipped\".\n"
          "Exits 0 only when nothing failed.\n",
          stdout);
}

typedef enum tier {
    TIER_NONE,
    TIER_BASELINE,
    TIER_TOP,
} tier_t;

typedef struct file_list {
    spec_file_row_t *rows;
    size_t n_rows;
    size_t cap;
} file_list_t;

/* Takes ownership of `name`. */
static int
list_add(file_list_t *list, char *name)
{
    if (!name)
        return -ENOMEM;
    if (vec_grow((void **)&list->rows, &list->cap, list->n_rows + 1, sizeof *list->rows,
                 VEC_NO_LIMIT) < 0) {
        free(name);
        return -ENOMEM;
    }
    list->rows[list->n_rows++] = (spec_file_row_t){.name = name};
    return 0;
}

static void
list_free(file_list_t *list)
{
    for (size_t i = 0; i < list->n_rows; i++) {
        free(list->rows[i].name);
        spec_tally_fini(&list->rows[i].tally);
    }
    free(list->rows);
}

/* A PATH that yields no test files is a failure, not an empty pass: a wrong spec folder must
 * not look like a green run. */
static int
add_broken_path(file_list_t *list, const char *path, const char *why)
{
    printf("%s: %s\n", path, why);
    int rc = list_add(list, strdup(path));
    if (rc == 0)
        list->rows[list->n_rows - 1].tally.n_failed = 1;
    return rc;
}

static int
is_wast_name(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return entry->d_name[0] != '.' && len > 5 && strcmp(entry->d_name + len - 5, ".wast") == 0;
}

/* Byte order, not the locale's collation, so every machine runs files in the same order. */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static char *
join_path(const char *dir, const char *name)
{
    size_t dir_len = strlen(dir);
    bool has_slash = dir_len > 0 && dir[dir_len - 1] == '/';
    size_t size = dir_len + 1 + strlen(name) + 1;
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%s%s%s", dir, has_slash ? "" : "/", name);
    return path;
}

static int
add_folder(file_list_t *list, const char *dir)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, is_wast_name, by_name);
    if (n < 0)
        return add_broken_path(list, dir, strerror(errno));
    int rc = 0;
    size_t n_added = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char *path = join_path(dir, entries[i]->d_name);
        struct stat st;
        if (path && (stat(path, &st) < 0 || !S_ISREG(st.st_mode))) {
            free(path); /* a folder or dangling link that happens to end in .wast */
            continue;
        }
        rc = list_add(list, path);
        n_added += rc == 0;
    }
    for (int i = 0; i < n; i++)
        free(entries[i]);
    free(entries);
    if (rc == 0 && n_added == 0)
        rc = add_broken_path(list, dir, "no .wast files in this folder");
    return rc;
}

static int
add_path(file_list_t *list, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return add_broken_path(list, path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_folder(list, path);
    return list_add(list, strdup(path));
}

/* The run's one engine. A machine or build without the tier is one clear failure, not a pass. */
static int
start_engine(tier_t tier, sl_engine_options_t options, sl_engine_t **engine, file_list_t *list)
{
    *engine = NULL;
    if (tier == TIER_NONE)
        return 0;
    options.tier = tier == TIER_TOP ? SL_TIER_TOP : SL_TIER_BASELINE;
    int rc = sl_engine_new(&options, engine);
    if (rc == 0)
        return 0;
    char why[200], cpu[160];
    if (rc == SL_ENOTSUP && sl_cpu_check(cpu, sizeof cpu) != 0)
        snprintf(why, sizeof why, "the engine does not run here: %s", cpu);
    else
        snprintf(why, sizeof why, "cannot create the engine: %s (%s)", sl_strerror(rc),
                 sl_err_name(rc));
    return add_broken_path(list, tier == TIER_TOP ? "--tier=top" : "--tier=baseline", why) < 0
               ? -ENOMEM
               : 1;
}

int
cmd_spec(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"verbose", no_argument, NULL, 'v'},
        {"tier", required_argument, NULL, 't'},
        {"lazy", no_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'j'},
        {"no-avx", no_argument, NULL, 'x'},
        {NULL, 0, NULL, 0},
    };
    spec_options_t run_options = {
        .wast2json = spec_convert_program(),
        .max_failures = SPEC_MAX_FAILURES_SHOWN,
    };
    file_list_t list = {0};
    tier_t tier = TIER_NONE;
    sl_engine_options_t engine_options = {0};
    sl_engine_t *engine = NULL;
    int status = CMD_USAGE;
    int opt;
    while ((opt = getopt_long(argc, argv, "hv", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            status = CMD_OK;
            goto out;
        case 'v':
            run_options.is_verbose = true;
            break;
        case 't':
            if (strcmp(optarg, "none") == 0) {
                tier = TIER_NONE;
            } else if (strcmp(optarg, "baseline") == 0) {
                tier = TIER_BASELINE;
            } else if (strcmp(optarg, "top") == 0) {
                tier = TIER_TOP;
            } else {
                fprintf(stderr, "slipstream spec: unknown tier '%s' (none, baseline, top)\n",
                        optarg);
                goto out;
            }
            break;
        case 'l':
            engine_options.lazy = true;
            break;
        case 'x':
            engine_options.no_avx = true;
            break;
        case 'j': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "slipstream spec: --threads wants 1 to 256, not '%s'\n", optarg);
                goto out;
            }
            engine_options.compile_threads = (uint32_t)n;
            break;
        }
        default:
            fputs(usage, stderr); /* getopt has already named the bad option */
            goto out;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        goto out;
    }

    status = CMD_FAILED;
    int rc = start_engine(tier, engine_options, &engine, &list);
    if (rc < 0) {
        fprintf(stderr, "slipstream spec: out of memory\n");
        goto out;
    }
    run_options.engine = engine;
    uint64_t funcs_compiled = 0, funcs_top = 0;
    run_options.funcs_compiled = &funcs_compiled;
    run_options.funcs_top = &funcs_top;
    for (int i = optind; i < argc && rc == 0; i++) {
        if (add_path(&list, argv[i]) < 0) {
            fprintf(stderr, "slipstream spec: out of memory\n");
            goto out;
        }
    }
    for (size_t i = 0; i < list.n_rows; i++) {
        spec_file_row_t *row = &list.rows[i];
        if (row->tally.n_failed == 0) /* broken PATHs are already counted and reported */
            spec_run_file(row->name, &run_options, stdout, &row->tally);
        fflush(stdout); /* progress shows while long files run */
    }
    if (tier == TIER_TOP)
        printf("%" PRIu64 " of %" PRIu64 " functions compiled by the top tier\n", funcs_top,
               funcs_compiled);
    spec_report_print(stdout, list.rows, list.n_rows,
                      run_options.is_verbose ? 0 : SPEC_MAX_MESSAGES_SHOWN);

    status = CMD_OK;
    for (size_t i = 0; i < list.n_rows; i++)
        if (list.rows[i].tally.n_failed > 0)
            status = CMD_FAILED;
out:
    list_free(&list);
    if (engine)
        sl_engine_free(engine); /* after every store and module: each file freed its own */
    return status;
}
