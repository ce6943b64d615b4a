/* slipstreamd: flags and config, logging, signals, sd_notify, and the loop's life from start-up to
 * an orderly stop. Exit status: 0 after a signal-driven stop, 1 if start-up fails, 2 for a bad
 * command line or config file. */
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "config.h"
#include "daemon.h"
#include "daemon_build.h"
#include "log.h"
#include "slipstream.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

/* slipstreamd-test: the same daemon with the test-only routes of tests/daemon/routes. */
#ifdef SL_TEST_ROUTES
#include "extra_routes.h"
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
#ifdef SL_TEST_ROUTES
    extra_routes_t extra_routes;
#endif
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
main(int argc, char **argv)
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
#ifdef SL_TEST_ROUTES
    extra_routes_add(&app.extra_routes, &app.daemon);
#endif

    /* Signals before the socket: a stop request must never find the default action in place
     * once clients can connect. */
    rc = start_signals(&app, &loop);
    if (rc < 0)
        LOG(LOG_LEVEL_ERROR, "cannot watch signals: %s", uv_strerror(rc));
    else
        rc = daemon_start(&app.daemon);
#ifdef SL_TEST_ROUTES
    if (rc == 0)
        rc = extra_routes_start(&app.extra_routes, &app.daemon);
#endif

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
