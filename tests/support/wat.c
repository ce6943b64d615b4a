/* Test support: runs wat2wasm on a temporary file. */
#define _GNU_SOURCE
#include "wat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec_files.h"

uint8_t *
wat_to_wasm(const char *wat, size_t *size, char *why, size_t why_size)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256], in[300], out[300];
    snprintf(dir, sizeof dir, "%s/sl-wat-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(why, why_size, "mkdtemp failed");
        return NULL;
    }
    snprintf(in, sizeof in, "%s/m.wat", dir);
    snprintf(out, sizeof out, "%s/m.wasm", dir);
    FILE *f = fopen(in, "w");
    if (f) {
        fputs(wat, f);
        fclose(f);
    }
    const char *tool = getenv("SL_WAT2WASM");
    if (!tool || !*tool)
        tool = "wat2wasm";
    pid_t pid = fork();
    if (pid == 0) {
        execlp(tool, tool, in, "-o", out, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    uint8_t *bytes = NULL;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0)
        bytes = spec_read_file(out, size);
    else
        snprintf(why, why_size, "%s failed (status %d) on:\n%s", tool, status, wat);
    unlink(in);
    unlink(out);
    rmdir(dir);
    return bytes;
}
