/* slipstreamd: the daemon process as it is installed (app.h). */
#include "app.h"

int
main(int argc, char **argv)
{
    return app_run(argc, argv, NULL);
}
