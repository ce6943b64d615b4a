/* Cross-thread hand-off to the loop thread (see mailbox.h). */
#include "mailbox.h"

#include <stddef.h>

/* Takes the whole list under the lock and runs it outside, so a callback may post again (or a
 * worker may post meanwhile) without waiting for the others. */
static void
deliver(mailbox_t *mb)
{
    pthread_mutex_lock(&mb->lock);
    mailbox_item_t *item = mb->head;
    mb->head = NULL;
    mb->tail = NULL;
    pthread_mutex_unlock(&mb->lock);

    while (item != NULL) {
        mailbox_item_t *next = item->next;
        item->next = NULL;
        item->cb(item); /* may free the item */
        item = next;
    }
}

static void
on_async(uv_async_t *async)
{
    deliver(async->data);
}

int
mailbox_init(mailbox_t *mb, uv_loop_t *loop)
{
    *mb = (mailbox_t){0};
    int rc = pthread_mutex_init(&mb->lock, NULL);
    if (rc != 0)
        return -rc;
    rc = uv_async_init(loop, &mb->async, on_async);
    if (rc < 0) {
        pthread_mutex_destroy(&mb->lock);
        return rc;
    }
    mb->async.data = mb;
    mb->is_open = true;
    return 0;
}

void
mailbox_post(mailbox_t *mb, mailbox_item_t *item)
{
    item->next = NULL;
    pthread_mutex_lock(&mb->lock);
    if (mb->tail != NULL)
        mb->tail->next = item;
    else
        mb->head = item;
    mb->tail = item;
    pthread_mutex_unlock(&mb->lock);
    uv_async_send(&mb->async);
}

static void
on_closed(uv_handle_t *handle)
{
    mailbox_t *mb = handle->data;
    pthread_mutex_destroy(&mb->lock);
}

void
mailbox_close(mailbox_t *mb)
{
    if (!mb->is_open)
        return;
    mb->is_open = false;
    deliver(mb);
    uv_close((uv_handle_t *)&mb->async, on_closed);
}
