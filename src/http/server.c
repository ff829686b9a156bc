/* libmicrohttpd glue: the daemon and its epoll thread pool, bounded request bodies, the access
 * log, and a graceful stop. Knows no route. */
#include "http.h"

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One TCP connection, watched by the deadline thread: libmicrohttpd's own timeout measures
 * only silence, so a client that sends a byte every few seconds would never be cut off. */
struct watched {
    int fd;
    double since_ms; /* when the current wait for headers (or the current request) began */
    bool is_in_request;
    bool is_cut;
    struct watched *prev, *next;
};

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_config cfg;
    atomic_int in_flight;
    unsigned short port;
    pthread_mutex_t lock; /* guards the watched list */
    struct watched *watched;
    pthread_t deadline_thread;
    bool has_deadline_thread;
    atomic_bool is_stopping;
    /* Group commit: answers parked until a sync covers their writes. */
    pthread_mutex_t park_lock;
    pthread_cond_t park_wake;
    struct parked *parked;
    pthread_t sync_thread;
    bool has_sync_thread, is_sync_stopping;
};

struct parked {
    struct http_request *req;
    struct parked *next;
};

static bool is_request_id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

/* Echoes a client's X-Request-Id when it is short and plain, else makes one. */
static void set_request_id(struct http_request *req)
{
    const char *given = http_request_header(req, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    bool ok = n > 0 && n < sizeof(req->request_id);
    for (size_t i = 0; ok && i < n; i++)
        ok = is_request_id_char(given[i]);
    if (ok)
        memcpy(req->request_id, given, n + 1);
    else
        uuid_v7_new(req->request_id);
}

static struct watched *watched_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Marks the connection's request as started (headers complete) or finished. */
static void watch_request(struct http_server *s, struct MHD_Connection *conn, bool is_started)
{
    struct watched *w = watched_of(conn);
    if (!w)
        return;
    pthread_mutex_lock(&s->lock);
    w->is_in_request = is_started;
    w->since_ms = time_mono_ms();
    pthread_mutex_unlock(&s->lock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct watched *w = xcalloc(1, sizeof(*w));
        w->fd = info ? (int)info->connect_fd : -1;
        w->since_ms = time_mono_ms();
        pthread_mutex_lock(&s->lock);
        w->next = s->watched;
        if (s->watched)
            s->watched->prev = w;
        s->watched = w;
        pthread_mutex_unlock(&s->lock);
        *socket_context = w;
        return;
    }
    struct watched *w = *socket_context;
    if (!w)
        return;
    pthread_mutex_lock(&s->lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        s->watched = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&s->lock);
    free(w);
    *socket_context = NULL;
}

/* Once a second, shuts down connections whose headers, or whose whole request, take too
 * long; libmicrohttpd then sees the socket closed and cleans up as usual. */
static void *deadline_loop(void *arg)
{
    struct http_server *s = arg;
    while (!atomic_load(&s->is_stopping)) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        log_flush_due();
        double now = time_mono_ms();
        pthread_mutex_lock(&s->lock);
        for (struct watched *w = s->watched; w; w = w->next) {
            double limit = 1000.0 * (w->is_in_request ? s->cfg.request_timeout_seconds
                                                      : s->cfg.header_timeout_seconds);
            if (!w->is_cut && w->fd >= 0 && limit > 0 && now - w->since_ms > limit) {
                shutdown(w->fd, SHUT_RDWR);
                w->is_cut = true;
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

static struct http_request *request_new(struct http_server *s, struct MHD_Connection *conn,
                                        const char *url, const char *method)
{
    struct arena *ar = arena_new();
    struct http_request *req = arena_calloc(ar, 1, sizeof(*req));
    req->arena = ar;
    req->conn = conn;
    req->method = arena_strdup(ar, method);
    req->path = arena_strdup(ar, url);
    req->started_ms = time_mono_ms();
    req->is_tls = s->cfg.tls_cert_pem != NULL;
    req->route = -1;
    buf_init(&req->body, s->cfg.body_limit);
    set_request_id(req);
    return req;
}

static void free_body(void *data)
{
    buf_fini(data);
}

static enum MHD_Result send_response(struct http_request *req, struct http_response *res)
{
    struct MHD_Response *r;
    size_t len = res->body.len;
    if (len > 0) {
        /* The buffer was malloc'ed by buf; libmicrohttpd frees it after sending. */
        r = MHD_create_response_from_buffer(len, res->body.data, MHD_RESPMEM_MUST_FREE);
        res->body.data = NULL;
    } else {
        buf_fini(&res->body);
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    MHD_add_response_header(r, "X-Request-Id", req->request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    bool has_cache_control = false;
    for (struct http_header *h = res->headers; h; h = h->next) {
        MHD_add_response_header(r, h->name, h->value);
        has_cache_control = has_cache_control || strcasecmp(h->name, "Cache-Control") == 0;
    }
    if (!has_cache_control)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    if (req->is_tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    req->status = res->status;
    enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Keeps an answer until the sync thread has made its writes durable: the connection is
 * suspended, and resumed (on_access sends the answer) once a sync covers the ticket. */
static bool park(struct http_server *s, struct http_request *req, struct http_response *res)
{
    pthread_mutex_lock(&s->park_lock);
    bool is_open = s->has_sync_thread && !s->is_sync_stopping;
    if (is_open) {
        req->parked = arena_alloc(req->arena, sizeof(*res));
        *req->parked = *res;
        struct parked *p = arena_alloc(req->arena, sizeof(*p));
        p->req = req;
        MHD_suspend_connection(req->conn);
        p->next = s->parked;
        s->parked = p;
        pthread_cond_signal(&s->park_wake);
    }
    pthread_mutex_unlock(&s->park_lock);
    return is_open;
}

/* Replaces an answer whose writes could not be made durable. */
static void not_durable(struct http_server *s, struct http_request *req, struct http_response *res)
{
    res->status = 503;
    res->headers = NULL;
    buf_reset(&res->body);
    if (s->cfg.not_durable)
        s->cfg.not_durable(req, res, s->cfg.app);
}

/* Syncs for every parked answer at once, then lets the covered ones go. */
static void *sync_loop(void *arg)
{
    struct http_server *s = arg;
    pthread_mutex_lock(&s->park_lock);
    for (;;) {
        while (!s->parked && !s->is_sync_stopping)
            pthread_cond_wait(&s->park_wake, &s->park_lock);
        if (!s->parked && s->is_sync_stopping)
            break;
        pthread_mutex_unlock(&s->park_lock);
        uint64_t covered = s->cfg.sync(s->cfg.app);
        pthread_mutex_lock(&s->park_lock);
        for (struct parked **pp = &s->parked; *pp;) {
            struct parked *p = *pp;
            if (covered != 0 && p->req->durable_ticket > covered) {
                pp = &p->next;
                continue;
            }
            *pp = p->next;
            if (covered == 0)
                not_durable(s, p->req, p->req->parked);
            MHD_resume_connection(p->req->conn);
        }
    }
    pthread_mutex_unlock(&s->park_lock);
    return NULL;
}

/* Lets the sync thread finish the answers parked so far, then stop. */
static void stop_sync_thread(struct http_server *s)
{
    if (!s->has_sync_thread)
        return;
    pthread_mutex_lock(&s->park_lock);
    s->is_sync_stopping = true;
    pthread_cond_signal(&s->park_wake);
    pthread_mutex_unlock(&s->park_lock);
    pthread_join(s->sync_thread, NULL);
    s->has_sync_thread = false;
}

static void respond(struct http_server *s, struct http_request *req)
{
    struct http_response res = {.status = 500};
    buf_init(&res.body, SIZE_MAX / 2);
    s->cfg.handler(req, &res, s->cfg.app);
    if (req->durable_ticket && s->cfg.sync) {
        if (park(s, req, &res))
            return;
        /* Stopping: no more group commits, this one syncs alone. */
        if (s->cfg.sync(s->cfg.app) < req->durable_ticket)
            not_durable(s, req, &res);
    }
    if (send_response(req, &res) != MHD_YES)
        buf_fini(&res.body);
}

static bool content_length_too_large(struct http_server *s, struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (!cl)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    return errno != 0 || *end != '\0' || n > s->cfg.body_limit;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct http_request *req = *con_cls;
    if (!req) {
        req = request_new(s, conn, url, method);
        arena_cleanup_add(req->arena, free_body, &req->body);
        *con_cls = req;
        atomic_fetch_add(&s->in_flight, 1);
        watch_request(s, conn, true);
        if (s->cfg.url_limit && strlen(url) > s->cfg.url_limit) {
            req->is_url_too_long = true;
            respond(s, req);
            return MHD_YES;
        }
        if (content_length_too_large(s, conn)) {
            /* Answer before reading a body we would refuse anyway. */
            req->is_body_too_large = true;
            respond(s, req);
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!req->is_body_too_large && !buf_append(&req->body, upload_data, *upload_size)) {
            req->is_body_too_large = true;
            buf_fini(&req->body);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->parked) {
        /* Resumed: the writes behind this answer are durable now. */
        struct http_response *res = req->parked;
        req->parked = NULL;
        if (send_response(req, res) != MHD_YES)
            buf_fini(&res->body);
        return MHD_YES;
    }
    if (req->status != 0)
        return MHD_YES; /* already answered (early 413) */
    respond(s, req);
    return MHD_YES;
}

static void access_log(const struct http_request *req)
{
    char when[TIME_ISO_LEN];
    time_format_iso(time_now_ms(), when);
    long long us = (long long)((time_mono_ms() - req->started_ms) * 1000.0);
    char fraction[4] = {(char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10),
                        (char)('0' + us % 10), '\0'};
    struct buf b;
    buf_init(&b, 64 * 1024);
    buf_puts(&b, "{\"time\":\"");
    buf_puts(&b, when);
    buf_puts(&b, "\",\"method\":");
    jsonw_string(&b, req->method);
    buf_puts(&b, ",\"path\":");
    jsonw_string(&b, req->path);
    buf_puts(&b, ",\"status\":");
    buf_put_int(&b, req->status);
    buf_puts(&b, ",\"duration_ms\":");
    buf_put_int(&b, us / 1000);
    buf_append(&b, ".", 1);
    buf_puts(&b, fraction);
    buf_puts(&b, ",\"account_id\":");
    jsonw_string(&b, req->account_id);
    buf_puts(&b, ",\"request_id\":");
    jsonw_string(&b, req->request_id);
    buf_puts(&b, "}");
    log_access(b.data, b.len);
    buf_fini(&b);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    struct http_server *s = cls;
    struct http_request *req = *con_cls;
    if (!req)
        return;
    if (s->cfg.on_complete)
        s->cfg.on_complete(req, time_mono_ms() - req->started_ms);
    if (!s->cfg.is_quiet)
        access_log(req);
    watch_request(s, conn, false);
    arena_free(req->arena);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_msg("warn", "http: %s", msg);
}

static bool resolve(const char *host, unsigned short port, struct sockaddr_storage *out,
                    bool *is_v6, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char port_text[8];
    snprintf(port_text, sizeof(port_text), "%u", port);
    int rc = getaddrinfo(host && *host ? host : NULL, port_text, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve '%s': %s", host ? host : "", gai_strerror(rc));
        return false;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *is_v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return true;
}

struct http_server *http_server_start(const struct http_server_config *cfg, char *err,
                                      size_t errlen)
{
    struct sockaddr_storage addr;
    bool is_v6 = false;
    if (!resolve(cfg->host, cfg->port, &addr, &is_v6, err, errlen))
        return NULL;
    struct http_server *s = xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->park_lock, NULL);
    pthread_cond_init(&s->park_wake, NULL);
    if (cfg->sync) {
        /* Before any request: with no sync thread a write would be answered before it is
         * durable. */
        s->has_sync_thread = pthread_create(&s->sync_thread, NULL, sync_loop, s) == 0;
        if (!s->has_sync_thread) {
            snprintf(err, errlen, "cannot start the sync thread");
            pthread_cond_destroy(&s->park_wake);
            pthread_mutex_destroy(&s->park_lock);
            pthread_mutex_destroy(&s->lock);
            free(s);
            return NULL;
        }
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | (is_v6 ? MHD_USE_IPv6 : 0);
    if (cfg->tls_cert_pem)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {cfg->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
         (void *)cfg->tls_cert_pem},
        {cfg->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0,
         (void *)cfg->tls_key_pem},
        {MHD_OPTION_END, 0, NULL}};
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(cfg->threads ? cfg->threads : 1), MHD_OPTION_CONNECTION_LIMIT,
        cfg->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(cfg->header_limit ? cfg->header_limit : 32768),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%u (address in use, or bad TLS files?)",
                 cfg->host && *cfg->host ? cfg->host : "*", cfg->port);
        stop_sync_thread(s);
        pthread_cond_destroy(&s->park_wake);
        pthread_mutex_destroy(&s->park_lock);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    if (cfg->header_timeout_seconds || cfg->request_timeout_seconds)
        s->has_deadline_thread = pthread_create(&s->deadline_thread, NULL, deadline_loop, s) == 0;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return s;
}

unsigned short http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s, unsigned grace_ms)
{
    if (!s)
        return;
    /* Shutting the listening socket down at once makes new clients fail fast instead of
     * waiting in the backlog of a server that will never accept them. It is closed only after
     * MHD_stop_daemon: a worker thread may still hold it in its epoll set, and closing it
     * under one makes libmicrohttpd abort. */
    MHD_socket listen = MHD_quiesce_daemon(s->daemon);
    if (listen != MHD_INVALID_SOCKET)
        shutdown(listen, SHUT_RDWR);
    double deadline = time_mono_ms() + grace_ms;
    while (atomic_load(&s->in_flight) > 0 && time_mono_ms() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&s->is_stopping, true);
    if (s->has_deadline_thread)
        pthread_join(s->deadline_thread, NULL);
    stop_sync_thread(s);
    MHD_stop_daemon(s->daemon);
    if (listen != MHD_INVALID_SOCKET)
        close(listen);
    log_flush();
    pthread_cond_destroy(&s->park_wake);
    pthread_mutex_destroy(&s->park_lock);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
