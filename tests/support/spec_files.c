/* Test support: converting spec .wast files and reading the modules they hold. */
#define _GNU_SOURCE
#include "spec_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
list_dir(const char *dir, const char *suffix, int full_path, size_t *n_out)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 64;
    char **list = malloc(cap * sizeof *list);
    struct dirent *e;
    size_t suffix_len = strlen(suffix);
    while (list && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= suffix_len || strcmp(e->d_name + len - suffix_len, suffix) != 0)
            continue;
        if (n + 2 > cap) {
            char **grown = realloc(list, (cap *= 2) * sizeof *list);
            if (!grown)
                break;
            list = grown;
        }
        if (full_path) {
            if (asprintf(&list[n], "%s/%s", dir, e->d_name) < 0)
                break;
        } else {
            list[n] = strdup(e->d_name);
        }
        n++;
    }
    closedir(d);
    if (!list)
        return NULL;
    qsort(list, n, sizeof *list, compare_names);
    list[n] = NULL;
    *n_out = n;
    return list;
}

char **
spec_list_wast(size_t *n_files)
{
    const char *dir = getenv("SL_SPEC_DIR");
    *n_files = 0;
    return dir ? list_dir(dir, ".wast", 0, n_files) : NULL;
}

void
spec_free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

int
spec_convert(const char *name, spec_conversion_t *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    const char *spec_dir = getenv("SL_SPEC_DIR");
    const char *converter = getenv("SL_WAST2JSON");
    if (!spec_dir || !converter || !*converter) {
        snprintf(why, why_size, "SL_SPEC_DIR and SL_WAST2JSON must name the spec folder and "
                                "wast2json (install Debian's wabt)");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(out->dir, sizeof out->dir, "%s/sl-spec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(out->dir)) {
        snprintf(why, why_size, "mkdtemp failed");
        return -1;
    }
    char input[1024], output[1024];
    snprintf(input, sizeof input, "%s/%s", spec_dir, name);
    snprintf(output, sizeof output, "%s/module.json", out->dir);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDOUT_FILENO);
        execl(converter, converter, input, "-o", output, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        snprintf(why, why_size, "%s %s failed (status %d)", converter, input, status);
        return -1;
    }
    out->wasm = list_dir(out->dir, ".wasm", 1, &out->n_wasm);
    if (!out->wasm) {
        snprintf(why, why_size, "cannot list %s", out->dir);
        return -1;
    }
    return 0;
}

void
spec_conversion_free(spec_conversion_t *c)
{
    DIR *d = c->dir[0] ? opendir(c->dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
        unlink(path);
    }
    if (d) {
        closedir(d);
        rmdir(c->dir);
    }
    spec_free_list(c->wasm);
    memset(c, 0, sizeof *c);
}

uint8_t *
spec_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    uint8_t *data = NULL;
    if (fstat(fileno(f), &st) == 0 && (data = malloc((size_t)st.st_size + 1)) &&
        fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = data ? (size_t)st.st_size : 0;
    return data;
}
