/* `screendesk recordings import`: NDJSON in, one transaction, all or nothing. */
#include "cli.h"

#include "api/render.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <errno.h>
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
    "Prints {\"imported\": N}.\n";

/* The users an import has already looked up: imports name few users many times. */
enum { KNOWN_USERS = 64 };
struct known_users {
    struct arena *ar;
    struct store_user users[KNOWN_USERS];
    size_t n, next;
};

static enum store_status find_user(struct cli_env *env, struct known_users *known,
                                   const char *account, const char *email, struct store_user *out)
{
    for (size_t i = 0; i < known->n; i++) {
        if (strcasecmp(known->users[i].email, email) == 0) {
            *out = known->users[i];
            return STORE_OK;
        }
    }
    enum store_status s = store_user_find_by_email(env->conn, known->ar, account, email, out);
    if (s == STORE_OK) {
        known->users[known->next] = *out;
        known->next = (known->next + 1) % KNOWN_USERS;
        if (known->n < KNOWN_USERS)
            known->n++;
    }
    return s;
}

/* Turns one line into a stored recording; false with a message in err. */
static bool import_line(struct cli_env *env, struct known_users *known, struct arena *ar,
                        const char *account, const char *line, size_t len, int64_t now, char *err,
                        size_t errlen)
{
    if (!utf8_is_valid(line, len)) {
        snprintf(err, errlen, "not valid UTF-8");
        return false;
    }
    cJSON *json = cJSON_ParseWithLength(line, len);
    if (!json) {
        snprintf(err, errlen, "not valid JSON");
        return false;
    }
    struct store_recording r;
    bool ok = api_recording_from_json(json, ar, &r, err, errlen);
    cJSON *user_obj = cJSON_GetObjectItemCaseSensitive(json, "user");
    cJSON *given_name = user_obj ? cJSON_GetObjectItemCaseSensitive(user_obj, "name") : NULL;
    char *name =
        given_name && cJSON_IsString(given_name) ? arena_strdup(ar, given_name->valuestring) : NULL;
    cJSON_Delete(json);
    if (!ok)
        return false;
    struct store_user u;
    enum store_status s = find_user(env, known, account, r.user_email, &u);
    if (s != STORE_OK) {
        snprintf(err, errlen, s == STORE_NOT_FOUND ? "unknown user_email %s" : "cannot read %s",
                 r.user_email);
        return false;
    }
    snprintf(r.account_id, sizeof(r.account_id), "%s", account);
    snprintf(r.user_id, sizeof(r.user_id), "%s", u.id);
    r.user_email = u.email;
    r.user_name = name ? name : u.name;
    if (!r.id[0])
        uuid_v7_new(r.id);
    if (!r.created_at)
        r.created_at = now;
    if (!r.updated_at)
        r.updated_at = r.created_at;
    r.rendered = api_recording_rendered(ar, &r);
    s = store_recording_insert(env->conn, &r);
    if (s != STORE_OK) {
        snprintf(err, errlen,
                 s == STORE_CONFLICT ? "a recording with uuid %s already exists"
                                     : "cannot store recording %s",
                 r.id);
        return false;
    }
    return true;
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

/* The number of lines of a regular file, read ahead of the import (which then finds it in the
 * page cache); -1 for a pipe or a terminal, whose size is only known at its end. */
static int64_t count_lines(FILE *in)
{
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    static char block[1 << 16];
    int64_t n = 0;
    size_t got;
    while ((got = fread(block, 1, sizeof(block), in)) > 0)
        for (const char *p = block; (p = memchr(p, '\n', got - (size_t)(p - block))); p++)
            n++;
    if (ferror(in) || fseek(in, 0, SEEK_SET) != 0)
        return -1;
    return n + 1; /* a last line without its newline */
}

/* Past this, a larger cache barely helps (100,000 recordings: 2 MiB 6.4 s, 64 MiB 4.3 s,
 * 256 MiB 4.2 s). */
enum { IMPORT_CACHE_MIB = 64 };

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
    if (store_begin(env->conn) != STORE_OK)
        return cli_fail("cannot start a transaction");
    int64_t existing = 0, expected = count_lines(in);
    if (store_recording_total(env->conn, &existing) != STORE_OK) {
        store_rollback(env->conn);
        return cli_fail("cannot count the recordings");
    }
    bool deferred = false;
    bool progress = isatty(STDERR_FILENO);
    char *line = NULL;
    size_t cap = 0, line_no = 0;
    int64_t imported = 0;
    ssize_t len;
    int64_t now = time_now_ms();
    char err[512];
    int rc = CLI_OK;
    struct known_users known = {.ar = arena_new()};
    while ((len = getline(&line, &cap, in)) >= 0) {
        line_no++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        if ((size_t)len > LIMIT_IMPORT_LINE_BYTES) {
            rc = cli_fail("line %zu: longer than %d bytes; nothing imported", line_no,
                          LIMIT_IMPORT_LINE_BYTES);
            break;
        }
        if (!deferred && worth_deferring(expected > imported ? expected : imported, existing)) {
            if (store_recording_indexes_defer(env->conn) != STORE_OK) {
                rc = cli_fail("cannot prepare the indexes for the import; nothing imported");
                break;
            }
            deferred = true;
        }
        ar = arena_new();
        bool ok = import_line(env, &known, ar, account, line, (size_t)len, now, err, sizeof(err));
        arena_free(ar);
        if (!ok) {
            rc = cli_fail("line %zu: %s; nothing imported", line_no, err);
            break;
        }
        imported++;
        if (progress && imported % 10000 == 0)
            fprintf(stderr, "\rimported %lld recordings...", (long long)imported);
    }
    if (rc == CLI_OK && ferror(in))
        rc = cli_fail("cannot read the input: %s; nothing imported", strerror(errno));
    free(line);
    arena_free(known.ar);
    if (progress && imported >= 10000)
        fputc('\n', stderr);
    if (rc == CLI_OK && deferred && store_recording_indexes_build(env->conn) != STORE_OK)
        rc = cli_fail("cannot build the indexes; nothing imported");
    if (rc != CLI_OK) {
        store_rollback(env->conn);
        return rc;
    }
    if (store_commit(env->conn) != STORE_OK) {
        store_rollback(env->conn);
        return cli_fail("cannot commit the import; nothing imported");
    }
    printf("{\"imported\":%lld}\n", (long long)imported);
    return CLI_OK;
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
