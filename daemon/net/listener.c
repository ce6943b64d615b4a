/* The listening socket (see listener.h). */
#include "listener.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

enum {
    /* The kernel caps it at net.core.somaxconn; ask for a deep queue so bursts wait, not fail. */
    LISTEN_BACKLOG = 4096,
};

static void
on_connection(uv_stream_t *server, int status)
{
    listener_t *listener = server->data;
    if (status < 0) {
        LOG(LOG_LEVEL_WARN, "accept: %s", uv_strerror(status));
        return;
    }
    listener->on_connection(listener);
}

static int
format_bound(listener_t *listener)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    char host[64];
    int rc = uv_tcp_getsockname(&listener->tcp, (struct sockaddr *)&ss, &len);
    if (rc < 0)
        return rc;
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
        rc = uv_ip6_name(sin6, host, sizeof host);
        listener->port = ntohs(sin6->sin6_port);
        snprintf(listener->url, sizeof listener->url, "http://[%s]:%u", host,
                 (unsigned)listener->port);
    } else {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        rc = uv_ip4_name(sin, host, sizeof host);
        listener->port = ntohs(sin->sin_port);
        snprintf(listener->url, sizeof listener->url, "http://%s:%u", host,
                 (unsigned)listener->port);
    }
    return rc;
}

int
listener_start(listener_t *listener, uv_loop_t *loop, const config_addr_t *addr,
               listener_connection_cb on_connection_cb, void *user)
{
    struct sockaddr_storage ss;
    int rc;

    *listener = (listener_t){.user = user, .on_connection = on_connection_cb};
    if (addr->is_ipv6)
        rc = uv_ip6_addr(addr->host, addr->port, (struct sockaddr_in6 *)&ss);
    else
        rc = uv_ip4_addr(addr->host, addr->port, (struct sockaddr_in *)&ss);
    if (rc < 0)
        return rc;

    rc = uv_tcp_init(loop, &listener->tcp);
    if (rc < 0)
        return rc;
    listener->tcp.data = listener;
    listener->is_open = true;

    /* [::] means IPv6 only: an IPv4 client should not land on an address nobody configured. */
    rc = uv_tcp_bind(&listener->tcp, (const struct sockaddr *)&ss,
                     addr->is_ipv6 ? UV_TCP_IPV6ONLY : 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&listener->tcp, LISTEN_BACKLOG, on_connection);
    if (rc == 0)
        rc = format_bound(listener);
    if (rc < 0)
        listener_close(listener);
    return rc;
}

int
listener_accept(listener_t *listener, uv_tcp_t *client)
{
    return uv_accept((uv_stream_t *)&listener->tcp, (uv_stream_t *)client);
}

void
listener_close(listener_t *listener)
{
    if (!listener->is_open)
        return;
    listener->is_open = false;
    uv_close((uv_handle_t *)&listener->tcp, NULL);
}
