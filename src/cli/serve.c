/* `screendesk serve`: opens the store, starts the HTTP server with the route table, and stops
 * cleanly on SIGINT or SIGTERM. Long-lived objects are made here and freed in reverse order. */
#include "cli.h"

#include "api/api.h"
#include "api/metrics.h"
#include "api/ratelimit.h"
#include "core/limits.h"
#include "core/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const char usage[] =
    "usage: screendesk serve [--listen HOST:PORT] [--threads N] [--tls-cert PEM --tls-key PEM]\n"
    "                        [--demo] [--rate-limit N] [--metrics-listen HOST:PORT] "
    "[--https-only]\n"
    "                        [--no-answer-cache]\n"
    "                        [--db URL] [--key-file PATH]\n"
    "Answers the REST API (/api/v2, /api/v1), SCIM (/scim/v2) and /healthz.\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --threads N          worker threads (default: the number of CPUs)\n"
    "  --tls-cert, --tls-key  PEM files: serve HTTPS\n"
    "  --demo               seed a demo account when the database has none\n"
    "  --rate-limit N       requests per second per token (burst 2N; default 100); 0 = off\n"
    "  --metrics-listen HOST:PORT  Prometheus /metrics on its own address\n"
    "  --https-only         refuse plain HTTP (403) except /healthz and /readyz; behind a\n"
    "                       TLS-terminating proxy, X-Forwarded-Proto: https counts as HTTPS\n"
    "  --no-answer-cache    query the database for every read, even when an identical read\n"
    "                       was answered from the same unchanged data (for measurements)\n";

/* Splits "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT"; false when malformed. */
static bool parse_listen(const char *text, char *host, size_t hostlen, unsigned short *port)
{
    const char *colon = strrchr(text, ':');
    const char *port_text = colon ? colon + 1 : text;
    size_t host_len = colon ? (size_t)(colon - text) : 0;
    const char *h = text;
    if (host_len >= 2 && text[0] == '[' && text[host_len - 1] == ']') {
        h++;
        host_len -= 2;
    }
    if (host_len >= hostlen)
        return false;
    memcpy(host, h, host_len);
    host[host_len] = '\0';
    char *end;
    errno = 0;
    long p = strtol(port_text, &end, 10);
    if (*port_text == '\0' || *end != '\0' || errno || p < 0 || p > 65535)
        return false;
    *port = (unsigned short)p;
    return true;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ok = buf_append(&b, chunk, n);
    fclose(f);
    if (!ok || b.len == 0) {
        snprintf(err, errlen, "%s is empty or larger than 1 MiB", path);
        buf_fini(&b);
        return NULL;
    }
    return b.data;
}

/* Raises the open-file limit to its hard maximum and returns a connection limit that fits. */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1000;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
    return room < LIMIT_CONNECTIONS ? (unsigned)room : LIMIT_CONNECTIONS;
}

static bool parse_count(const char *text, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

/* The header deadline; the test switch SCREENDESK_TEST_HEADER_SECONDS shortens it. */
static unsigned header_seconds(void)
{
    const char *v = getenv("SCREENDESK_TEST_HEADER_SECONDS");
    long n = v ? strtol(v, NULL, 10) : 0;
    return n > 0 ? (unsigned)n : LIMIT_HEADER_SECONDS;
}

int cli_serve(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *listen = "127.0.0.1:8080", *threads_text = NULL, *cert = NULL, *key = NULL;
    const char *rate_text = NULL, *metrics = NULL;
    bool demo = false, https_only = false, no_answer_cache = false;
    const struct cli_opt opts[] = {{"listen", &listen, NULL},
                                   {"threads", &threads_text, NULL},
                                   {"tls-cert", &cert, NULL},
                                   {"tls-key", &key, NULL},
                                   {"demo", NULL, &demo},
                                   {"rate-limit", &rate_text, NULL},
                                   {"metrics-listen", &metrics, NULL},
                                   {"https-only", NULL, &https_only},
                                   {"no-answer-cache", NULL, &no_answer_cache}};
    int rc = cli_args_parse(argc, argv, opts, 9, &env, NULL, 0, usage);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    char host[256];
    unsigned short port;
    if (!parse_listen(listen, host, sizeof(host), &port))
        return cli_usage_error(usage, "--listen needs HOST:PORT, got '%s'", listen);
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 2;
    if (threads_text && (!parse_count(threads_text, 256, &threads) || threads == 0))
        return cli_usage_error(usage, "--threads needs a number from 1 to 256");
    long rate = LIMIT_RATE_PER_SECOND;
    if (rate_text && !parse_count(rate_text, 1000000, &rate))
        return cli_usage_error(usage, "--rate-limit needs a number of requests per second");
    char metrics_host[256];
    unsigned short metrics_port = 0;
    if (metrics && !parse_listen(metrics, metrics_host, sizeof(metrics_host), &metrics_port))
        return cli_usage_error(usage, "--metrics-listen needs HOST:PORT, got '%s'", metrics);
    if ((cert == NULL) != (key == NULL))
        return cli_usage_error(usage, "--tls-cert and --tls-key go together");

    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    char err[512];
    char *cert_pem = NULL, *key_pem = NULL;
    struct http_server *server = NULL, *metrics_server = NULL;
    struct app app = {0};
    if (cert && (!(cert_pem = read_file(cert, err, sizeof(err))) ||
                 !(key_pem = read_file(key, err, sizeof(err))))) {
        rc = cli_fail("%s", err);
        goto out;
    }
    /* Worker threads inherit this mask, so only the main thread's sigwait sees the signals. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    app.store = env.store;
    app.keys = &env.keys;
    app.ratelimit = rate > 0 ? ratelimit_new((unsigned)rate) : NULL;
    app.is_https_only = https_only;
    app.is_answer_cache_off = no_answer_cache;
    struct http_server_config cfg = {.host = host,
                                     .port = port,
                                     .threads = (unsigned)threads,
                                     .tls_cert_pem = cert_pem,
                                     .tls_key_pem = key_pem,
                                     .connection_limit = connection_limit(),
                                     .per_ip_limit = LIMIT_CONNECTIONS_PER_IP,
                                     .idle_timeout_seconds = LIMIT_IDLE_SECONDS,
                                     .request_timeout_seconds = LIMIT_REQUEST_SECONDS,
                                     .header_timeout_seconds = header_seconds(),
                                     .header_limit = LIMIT_HEADER_BYTES,
                                     .url_limit = LIMIT_URL_BYTES,
                                     .body_limit = LIMIT_BODY_BYTES,
                                     .handler = api_dispatch,
                                     .app = &app,
                                     .on_complete = api_metrics_observe,
                                     .sync = api_sync,
                                     .not_durable = api_not_durable};
    /* Worker threads' connections commit without a disk flush each; the server's sync thread
     * flushes once for every write answered since (group commit). */
    store_set_group_commit(env.store, true);
    server = http_server_start(&cfg, err, sizeof(err));
    if (!server) {
        rc = cli_fail("%s", err);
        goto out;
    }
    if (metrics) {
        struct http_server_config mcfg = {.host = metrics_host,
                                          .port = metrics_port,
                                          .threads = 1,
                                          .connection_limit = 64,
                                          .per_ip_limit = 16,
                                          .idle_timeout_seconds = LIMIT_IDLE_SECONDS,
                                          .body_limit = 0,
                                          .handler = api_metrics_handler,
                                          .is_quiet = true};
        metrics_server = http_server_start(&mcfg, err, sizeof(err));
        if (!metrics_server) {
            rc = cli_fail("metrics: %s", err);
            goto out;
        }
        log_info("metrics on http://%s:%u/metrics", *metrics_host ? metrics_host : "127.0.0.1",
                 http_server_port(metrics_server));
    }
    char base_url[300];
    snprintf(base_url, sizeof(base_url), "%s://%s%s%s:%u", cert ? "https" : "http",
             strchr(host, ':') ? "[" : "", *host ? host : "127.0.0.1", strchr(host, ':') ? "]" : "",
             http_server_port(server));
    log_info("listening on %s with %ld threads", base_url, threads);
    if (demo && cli_demo_seed(&env, base_url) != CLI_OK) {
        rc = CLI_FAIL;
        goto out;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("received %s: finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    rc = CLI_OK;
out:
    http_server_stop(server, 10000);
    http_server_stop(metrics_server, 1000);
    ratelimit_free(app.ratelimit);
    free(cert_pem);
    free(key_pem);
    cli_env_close(&env);
    if (rc == CLI_OK)
        log_info("stopped");
    return rc;
}
