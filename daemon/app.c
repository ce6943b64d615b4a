/* The daemon process: flags and config, logging, signals, sd_notify, and the loop's life from
 * start-up to an orderly stop (see app.h). */
#include "app.h"

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "config.h"
#include "daemon_build.h"
#include "log.h"
#include "slipstream.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

enum {
    EXIT_USAGE = 2,
};

/* Everything that lives on the loop; signals are here, not in daemon_t, because stopping is
 * main's decision. */
typedef struct app {
    daemon_t daemon;
    uv_signal_t sigint;
    uv_signal_t sigterm;
    bool has_signals;
} app_t;

/* Tells systemd (Type=notify) about the state; nothing without systemd or outside a unit. */
static void
notify(const char *state)
{
#ifdef HAVE_SYSTEMD
    int rc = sd_notify(0, state);
    if (rc < 0)
        LOG(LOG_LEVEL_WARN, "sd_notify %s: %s", state, strerror(-rc));
#else
    (void)state;
#endif
}

static void
close_signals(app_t *app)
{
    if (!app->has_signals)
        return;
    app->has_signals = false;
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
}

static void
on_signal(uv_signal_t *handle, int signum)
{
    app_t *app = handle->data;
    LOG(LOG_LEVEL_INFO, "%s received, stopping", signum == SIGINT ? "SIGINT" : "SIGTERM");
    notify("STOPPING=1");
    /* Closed first, which restores the default action at once: a second signal then ends the
     * process even while the stop blocks the loop (joining a worker, an in-flight compile). */
    close_signals(app);
    daemon_stop(&app->daemon);
}

static int
start_signals(app_t *app, uv_loop_t *loop)
{
    uv_signal_init(loop, &app->sigint);
    uv_signal_init(loop, &app->sigterm);
    app->sigint.data = app;
    app->sigterm.data = app;
    app->has_signals = true;
    int rc = uv_signal_start(&app->sigint, on_signal, SIGINT);
    if (rc == 0)
        rc = uv_signal_start(&app->sigterm, on_signal, SIGTERM);
    return rc;
}

static void
print_help(void)
{
    printf("Usage: slipstreamd [OPTION]...\n"
           "Slipstream WebAssembly compilation daemon: serves its HTTP API until SIGINT or "
           "SIGTERM.\n"
           "\n");
    config_print_help(stdout);
}

int
app_run(int argc, char **argv, const app_hooks_t *hooks)
{
    config_t config;
    config_action_t action;
    config_error_t err;
    uv_loop_t loop;
    app_t app = {0};
    int status = EXIT_FAILURE;

    log_init(LOG_LEVEL_INFO);
    if (config_from_args(argc, argv, &config, &action, &err) < 0) {
        LOG(LOG_LEVEL_ERROR, "%s (see --help)", err.message);
        return EXIT_USAGE;
    }
    if (action == CONFIG_ACTION_HELP) {
        print_help();
        return EXIT_SUCCESS;
    }
    if (action == CONFIG_ACTION_VERSION) {
        printf("slipstreamd %s\n", SL_VERSION);
        return EXIT_SUCCESS;
    }
    log_init(config.log_level);

    /* A client that goes away mid-write must cost an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);
    /* Both read a file the first time they are needed (/etc/localtime for the Date header,
     * /dev/urandom for jansson's hash seed): do it now, not on the loop thread. */
    tzset();
    json_object_seed(0);

    int rc = uv_loop_init(&loop);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot create the event loop: %s", uv_strerror(rc));
        return EXIT_FAILURE;
    }
    daemon_init(&app.daemon, &loop, &config);
    if (hooks != NULL && hooks->before_start != NULL)
        hooks->before_start(hooks->user, &app.daemon);

    /* Signals before the socket: a stop request must never find the default action in place
     * once clients can connect. */
    rc = start_signals(&app, &loop);
    if (rc < 0)
        LOG(LOG_LEVEL_ERROR, "cannot watch signals: %s", uv_strerror(rc));
    else
        rc = daemon_start(&app.daemon);
    if (rc == 0 && hooks != NULL && hooks->after_start != NULL)
        rc = hooks->after_start(hooks->user, &app.daemon);

    if (rc == 0) {
        notify("READY=1");
        uv_run(&loop, UV_RUN_DEFAULT);
        status = EXIT_SUCCESS;
    } else {
        if (rc == SL_EARG)
            status = EXIT_USAGE; /* the configuration named a bad token file */
        daemon_stop(&app.daemon);
        close_signals(&app);
        uv_run(&loop, UV_RUN_DEFAULT); /* runs the close callbacks */
    }

    daemon_fini(&app.daemon);
    rc = uv_loop_close(&loop);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "event loop still busy at exit: %s", uv_strerror(rc));
        return EXIT_FAILURE;
    }
    if (status == EXIT_SUCCESS)
        LOG(LOG_LEVEL_INFO, "stopped");
    return status;
}
