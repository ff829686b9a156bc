/* `screendesk recordings import`: NDJSON in, one transaction, all or nothing. */
#include "cli.h"

#include "api/render.h"
#include "core/limits.h"
#include "core/lines.h"
#include "core/time.h"
#include "core/utf8.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: screendesk recordings import --account ID [FILE]\n"
    "Imports recordings from NDJSON (standard input when no FILE): one recording a line, in the\n"
    "API's own shape plus \"user_email\" naming a user of the account. uuid and times are\n"
    "optional. All or nothing: a bad line imports nothing and the error names the line.\n"
    "With SQLite and nothing else using the database, the import has it to itself until it\n"
    "ends (faster; others wait); beside a running server it shares it.\n"
    "Prints {\"imported\": N}.\n";

/* Reading, checking and rendering the lines takes longer than inserting them; a thread of its
 * own does it ahead of the inserts, and hands over batches of recordings ready to store, in
 * order. It looks users up through the inserting connection, between two batches:
 * a connection of its own would keep the database from being the import's alone
 * (store_bulk_exclusive), and would not see the transaction's own writes. */
enum { BATCH = 256, QUEUE = 4 };

struct batch {
    struct arena *ar;
    struct store_recording recs[BATCH];
    size_t line_no[BATCH];
    size_t n;
    bool is_last;  /* nothing follows: the input ended, or err */
    char err[600]; /* the input's first problem, which comes after recs */
};

struct pipeline {
    struct store_conn *conn; /* the import's, shared under conn_mu */
    pthread_mutex_t conn_mu;
    const char *account;
    FILE *in;
    int64_t now;
    struct arena *users; /* the users looked up, which recordings point into, to the end */
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct batch slots[QUEUE];
    size_t filled, taken; /* batches handed over and taken back so far */
    bool is_stopped;      /* the inserting side gave up */
};

/* The users an import has already looked up: imports name few users many times. */
enum { KNOWN_USERS = 64 };
struct known_users {
    struct arena *ar;
    struct store_user users[KNOWN_USERS];
    size_t n, next;
};

static enum store_status find_user(struct pipeline *p, struct known_users *known, const char *email,
                                   struct store_user *out)
{
    for (size_t i = 0; i < known->n; i++) {
        if (strcasecmp(known->users[i].email, email) == 0) {
            *out = known->users[i];
            return STORE_OK;
        }
    }
    pthread_mutex_lock(&p->conn_mu);
    enum store_status s = store_user_find_by_email(p->conn, known->ar, p->account, email, out);
    pthread_mutex_unlock(&p->conn_mu);
    if (s == STORE_OK) {
        known->users[known->next] = *out;
        known->next = (known->next + 1) % KNOWN_USERS;
        if (known->n < KNOWN_USERS)
            known->n++;
    }
    return s;
}

/* Turns one line into a recording ready to store, rendered JSON included; false with a
 * message in err. */
static bool parse_line(struct pipeline *p, struct known_users *known, struct arena *ar,
                       const char *line, size_t len, struct store_recording *r, char *err,
                       size_t errlen)
{
    if (!utf8_is_valid(line, len)) {
        snprintf(err, errlen, "not valid UTF-8");
        return false;
    }
    if (api_recording_read(line, len, ar, r, err, errlen) != API_READ_OK)
        return false;
    struct store_user u;
    enum store_status s = find_user(p, known, r->user_email, &u);
    if (s != STORE_OK) {
        snprintf(err, errlen, s == STORE_NOT_FOUND ? "unknown user_email %s" : "cannot read %s",
                 r->user_email);
        return false;
    }
    snprintf(r->account_id, sizeof(r->account_id), "%s", p->account);
    snprintf(r->user_id, sizeof(r->user_id), "%s", u.id);
    r->user_email = u.email;
    if (!r->user_name)
        r->user_name = u.name;
    if (!r->id[0])
        uuid_v7_new(r->id);
    if (!r->created_at)
        r->created_at = p->now;
    if (!r->updated_at)
        r->updated_at = r->created_at;
    r->rendered = api_recording_rendered(ar, r);
    return true;
}

/* The next batch to fill, emptied; NULL once the inserting side has stopped. */
static struct batch *slot_to_fill(struct pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->is_stopped && p->filled - p->taken == QUEUE)
        pthread_cond_wait(&p->changed, &p->mu);
    struct batch *b = p->is_stopped ? NULL : &p->slots[p->filled % QUEUE];
    pthread_mutex_unlock(&p->mu);
    if (b) {
        if (b->ar)
            arena_reset(b->ar); /* its memory again: freeing it gave it back to the kernel */
        else
            b->ar = arena_new();
        b->n = 0;
        b->is_last = false;
        b->err[0] = '\0';
    }
    return b;
}

static void hand_over(struct pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->filled++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

/* Fills b with the next lines; false when nothing follows. */
static bool fill(struct pipeline *p, struct known_users *known, struct batch *b,
                 struct line_reader *reader, size_t *line_no)
{
    char err[512];
    while (b->n < BATCH) {
        size_t len;
        const char *line = line_next(reader, &len);
        if (!line) {
            if (ferror(p->in))
                snprintf(b->err, sizeof(b->err), "cannot read the input: %s", strerror(errno));
            return false;
        }
        ++*line_no;
        if (len > LIMIT_IMPORT_LINE_BYTES) {
            snprintf(b->err, sizeof(b->err), "line %zu: longer than %d bytes", *line_no,
                     LIMIT_IMPORT_LINE_BYTES);
            return false;
        }
        while (len > 0 && line[len - 1] == '\r')
            len--;
        if (len == 0)
            continue;
        if (!parse_line(p, known, b->ar, line, len, &b->recs[b->n], err, sizeof(err))) {
            snprintf(b->err, sizeof(b->err), "line %zu: %s", *line_no, err);
            return false;
        }
        b->line_no[b->n++] = *line_no;
    }
    return true;
}

static void *parse_lines(void *arg)
{
    struct pipeline *p = arg;
    struct known_users known = {.ar = p->users};
    struct line_reader reader = {.in = p->in, .limit = LIMIT_IMPORT_LINE_BYTES};
    size_t line_no = 0;
    struct batch *b;
    bool more = true;
    while (more && (b = slot_to_fill(p))) {
        more = fill(p, &known, b, &reader, &line_no);
        b->is_last = !more;
        hand_over(p);
    }
    line_reader_fini(&reader);
    return NULL;
}

/* The next filled batch, in order. */
static struct batch *slot_to_take(struct pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->filled == p->taken)
        pthread_cond_wait(&p->changed, &p->mu);
    struct batch *b = &p->slots[p->taken % QUEUE];
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void take_back(struct pipeline *p, bool stop)
{
    pthread_mutex_lock(&p->mu);
    p->taken++;
    p->is_stopped = stop;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

/* Building an index sorts the table once: for 100,000 recordings, all 8 took 1.1 s against
 * 3.5 s for inserting the same rows into them one by one, and row by row gets slower as they
 * grow. Dropping them for the load and building them again at its end wins when it adds
 * about half as many recordings as the table holds (35 µs N > 11 µs (E + N)). */
enum { DEFER_MIN_ROWS = 1000 };

static bool worth_deferring(int64_t adding, int64_t existing)
{
    return adding >= DEFER_MIN_ROWS && adding * 2 >= existing;
}

/* The number of lines left in a regular file, read ahead of the import (which then finds them
 * in the page cache); -1 for a pipe or a terminal, whose size is only known at its end. */
static int64_t count_lines(FILE *in)
{
    struct stat st;
    off_t start;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) || (start = ftello(in)) < 0)
        return -1;
    static char block[1 << 16];
    int64_t n = 0;
    size_t got;
    while ((got = fread(block, 1, sizeof(block), in)) > 0)
        for (const char *p = block; (p = memchr(p, '\n', got - (size_t)(p - block))); p++)
            n++;
    if (ferror(in) || fseeko(in, start, SEEK_SET) != 0)
        return -1;
    return n + 1; /* a last line without its newline */
}

/* Stores the batches as they come; CLI_OK when the input ended without a problem. */
static int insert_all(struct cli_env *env, struct pipeline *p, int64_t expected, int64_t existing,
                      bool *deferred, int64_t *imported)
{
    bool progress = isatty(STDERR_FILENO);
    int rc = CLI_OK;
    bool is_last = false;
    while (rc == CLI_OK && !is_last) {
        struct batch *b = slot_to_take(p);
        int64_t adding = *imported + (int64_t)b->n; /* at least; a file's lines: known */
        pthread_mutex_lock(&p->conn_mu);
        if (b->n && !*deferred &&
            worth_deferring(expected > adding ? expected : adding, existing)) {
            if (store_recording_indexes_defer(env->conn) != STORE_OK)
                rc = cli_fail("cannot prepare the indexes for the import; nothing imported");
            *deferred = true;
        }
        size_t failed = 0;
        enum store_status s = rc == CLI_OK && b->n
                                  ? store_recordings_insert(env->conn, b->recs, b->n, &failed)
                                  : STORE_OK;
        pthread_mutex_unlock(&p->conn_mu);
        if (s != STORE_OK) {
            size_t at = failed < b->n ? failed : b->n - 1;
            rc = cli_fail(s == STORE_CONFLICT
                              ? "line %zu: a recording with uuid %s already exists; nothing "
                                "imported"
                              : "line %zu: cannot store recording %s; nothing imported",
                          b->line_no[at], b->recs[at].id);
        } else if (rc == CLI_OK) {
            if (progress && adding / 10000 > *imported / 10000)
                fprintf(stderr, "\rimported %lld recordings...", (long long)adding);
            *imported = adding;
        }
        if (rc == CLI_OK && b->err[0])
            rc = cli_fail("%s; nothing imported", b->err);
        is_last = b->is_last;
        take_back(p, rc != CLI_OK);
    }
    if (progress && *imported >= 10000)
        fputc('\n', stderr);
    return rc;
}

/* Past this, a larger cache barely helps (100,000 recordings: 2 MiB 6.4 s, 64 MiB 4.3 s,
 * 256 MiB 4.2 s). */
enum { IMPORT_CACHE_MIB = 64 };

/* The import's transaction, once the database is ready for it. */
static int import_all(struct cli_env *env, const char *account, FILE *in, int64_t *imported)
{
    if (store_begin(env->conn) != STORE_OK)
        return cli_fail("cannot start a transaction");
    int64_t existing = 0, expected = count_lines(in);
    if (store_recording_total(env->conn, &existing) != STORE_OK) {
        store_rollback(env->conn);
        return cli_fail("cannot count the recordings");
    }
    struct pipeline p = {.conn = env->conn,
                         .account = account,
                         .in = in,
                         .now = time_now_ms(),
                         .users = arena_new()};
    pthread_mutex_init(&p.conn_mu, NULL);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.changed, NULL);
    pthread_t parser;
    int rc = CLI_OK;
    if (pthread_create(&parser, NULL, parse_lines, &p) != 0) {
        rc = cli_fail("cannot start a thread");
    } else {
        bool deferred = false;
        rc = insert_all(env, &p, expected, existing, &deferred, imported);
        pthread_join(parser, NULL);
        if (rc == CLI_OK && deferred && store_recording_indexes_build(env->conn) != STORE_OK)
            rc = cli_fail("cannot build the indexes; nothing imported");
    }
    for (size_t i = 0; i < QUEUE; i++)
        arena_free(p.slots[i].ar);
    arena_free(p.users);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.mu);
    pthread_mutex_destroy(&p.conn_mu);
    if (rc != CLI_OK) {
        store_rollback(env->conn);
        return rc;
    }
    if (store_commit(env->conn) != STORE_OK) {
        store_rollback(env->conn);
        return cli_fail("cannot commit the import; nothing imported");
    }
    return CLI_OK;
}

static int import(struct cli_env *env, const char *account, FILE *in)
{
    struct arena *ar = arena_new();
    struct store_account acc;
    enum store_status s = store_account_get(env->conn, ar, account, &acc);
    arena_free(ar);
    if (s != STORE_OK)
        return s == STORE_NOT_FOUND ? cli_fail("no account %s", account)
                                    : cli_fail("cannot read the account: %s", store_status_name(s));
    if (store_bulk_mode(env->conn, IMPORT_CACHE_MIB) != STORE_OK)
        return cli_fail("cannot prepare the database for the import");
    /* With no server or other command on the database, the import takes it for itself and
     * writes its pages once; otherwise it goes on beside them. */
    bool is_exclusive = store_bulk_exclusive(env->conn) == STORE_OK;
    int64_t imported = 0;
    int rc = import_all(env, account, in, &imported);
    if (is_exclusive && store_bulk_shared(env->conn) != STORE_OK)
        fprintf(stderr, "screendesk: warning: the database stays in rollback-journal mode until "
                        "the next server or command opens it\n");
    if (rc == CLI_OK)
        printf("{\"imported\":%lld}\n", (long long)imported);
    return rc;
}

static int run_import(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL, *file = NULL;
    const struct cli_opt opts[] = {{"account", &account, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 1, &env, &file, 1, usage);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account)
        return cli_usage_error(usage, "--account is required");
    FILE *in = stdin;
    if (file && strcmp(file, "-") != 0 && !(in = fopen(file, "r")))
        return cli_fail("cannot open %s: %s", file, strerror(errno));
    /* The import's page cache (store_bulk_mode), reserved before the database is opened. */
    (void)store_bulk_memory(env.db_url, IMPORT_CACHE_MIB);
    rc = cli_env_open(&env);
    if (rc == CLI_OK) {
        rc = import(&env, account, in);
        cli_env_close(&env);
    }
    if (in != stdin)
        fclose(in);
    return rc;
}

int cli_recordings(int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"import", run_import, usage}};
    return cli_subcommand(argc, argv, "recordings", subs, 1);
}
