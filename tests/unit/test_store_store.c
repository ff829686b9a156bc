/* store/store.c and both backends through store.h: migrations and every operation, on a
 * temporary SQLite file, or on PostgreSQL when SCREENDESK_TEST_DB names one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sqlite_files.h"
#include "store/page_cache.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char path[64];
    struct store *store;
    struct store_conn *conn;
    struct arena *ar;
    struct store_account acc;
    struct store_user owner, member;
};

/* SCREENDESK_TEST_DB=postgresql://... runs these tests on PostgreSQL, each in a fresh schema. */
static const char *postgres_url(void)
{
    const char *url = getenv("SCREENDESK_TEST_DB");
    return url && strncmp(url, "postgres", 8) == 0 ? url : NULL;
}

static void reset_postgres(const char *url)
{
    PGconn *db = PQconnectdb(url);
    assert_int_equal(PQstatus(db), CONNECTION_OK);
    PGresult *r = PQexec(db, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; "
                             "CREATE SCHEMA public");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    PQfinish(db);
}

/* The first value `sql` answers on the test database, or "?" when it fails. */
static const char *postgres_value(const char *sql, char *out, size_t len)
{
    PGconn *db = PQconnectdb(postgres_url());
    PGresult *r = PQexec(db, sql);
    snprintf(out, len, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    PQfinish(db);
    return out;
}

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    snprintf(f.path, sizeof(f.path), "/tmp/sd-store-test-%d.db", (int)getpid());
    remove_sqlite_files(f.path);
    char err[256], url[512];
    snprintf(url, sizeof(url), "sqlite:%s", f.path);
    if (postgres_url()) {
        snprintf(url, sizeof(url), "%s", postgres_url());
        reset_postgres(url);
    }
    f.store = store_open(url, err, sizeof(err));
    assert_non_null(f.store);
    f.conn = store_conn_get(f.store);
    assert_non_null(f.conn);
    assert_false(store_is_initialized(f.conn));
    assert_int_equal(store_migrate(f.conn), STORE_OK);
    assert_int_equal(store_migrate(f.conn), STORE_OK); /* idempotent */
    assert_true(store_is_initialized(f.conn));
    f.ar = arena_new();
    f.acc = (struct store_account){.name = "Acme",
                                   .plan = "enterprise",
                                   .has_api_access = true,
                                   .created_at = 1000,
                                   .updated_at = 1000};
    uuid_v7_new(f.acc.id);
    store_user_init(&f.owner, f.acc.id, "Owner@Acme.test", "Olive", 1000);
    f.owner.is_admin = true;
    snprintf(f.acc.owner_id, sizeof(f.acc.owner_id), "%s", f.owner.id);
    store_user_init(&f.member, f.acc.id, "member@acme.test", "Max", 2000);
    assert_int_equal(store_account_insert(f.conn, &f.acc), STORE_OK);
    assert_int_equal(store_user_insert(f.conn, &f.owner), STORE_OK);
    assert_int_equal(store_user_insert(f.conn, &f.member), STORE_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(f->ar);
    store_free(f->store);
    remove_sqlite_files(f->path);
    return 0;
}

static void users_are_unique_and_found_case_insensitively(void **state)
{
    struct fixture *f = *state;
    struct store_user dup, u;
    store_user_init(&dup, f->acc.id, "OWNER@acme.TEST", "Copy", 3000);
    assert_int_equal(store_user_insert(f->conn, &dup), STORE_CONFLICT);
    assert_int_equal(store_user_find_by_email(f->conn, f->ar, f->acc.id, "owner@ACME.test", &u),
                     STORE_OK);
    assert_string_equal(u.id, f->owner.id);
    assert_string_equal(u.email, "Owner@Acme.test");
    assert_true(u.is_owner);
    assert_string_equal(store_user_role(&u), "owner");
    char other[UUID_LEN];
    uuid_v7_new(other);
    assert_int_equal(store_user_find_by_email(f->conn, f->ar, other, "owner@acme.test", &u),
                     STORE_NOT_FOUND);
}

static void user_list_is_oldest_first_with_total(void **state)
{
    struct fixture *f = *state;
    struct store_user *rows;
    size_t n;
    int64_t total;
    assert_int_equal(store_user_list(f->conn, f->ar, f->acc.id, 0, 100, &rows, &n, &total),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].id, f->owner.id);
    assert_string_equal(rows[1].id, f->member.id);
    assert_string_equal(store_user_role(&rows[1]), "member");
    assert_int_equal(store_user_list(f->conn, f->ar, f->acc.id, 1, 100, &rows, &n, &total),
                     STORE_OK);
    assert_int_equal(n, 1);
}

static bool collect_id(const struct store_user *u, void *ctx)
{
    char(**ids)[UUID_LEN] = ctx;
    memcpy(**ids, u->id, UUID_LEN);
    (*ids)++;
    return true;
}

/* Every page of users is the matching slice of the whole list in order, ties in created_at
 * included, shallow pages (first key sought in the index) and deep ones (from cached
 * boundaries), before and after a delete moves the boundaries. */
static void user_pages_are_slices_of_the_whole_list(void **state)
{
    struct fixture *f = *state;
    enum { USERS = 1300, ALL = USERS + 2 };
    assert_int_equal(store_begin(f->conn), STORE_OK);
    char victim[UUID_LEN] = "";
    for (int i = 0; i < USERS; i++) {
        char email[64];
        snprintf(email, sizeof(email), "user%d@acme.test", i);
        struct store_user u;
        store_user_init(&u, f->acc.id, email, "U", 5000 + i / 7); /* 7 users per instant */
        assert_int_equal(store_user_insert(f->conn, &u), STORE_OK);
        if (i == 500)
            memcpy(victim, u.id, UUID_LEN);
    }
    assert_int_equal(store_commit(f->conn), STORE_OK);
    static char all[ALL][UUID_LEN];
    for (int round = 0; round < 2; round++) {
        int64_t count = ALL - round; /* the second round after a delete: boundaries move */
        char(*end)[UUID_LEN] = all;
        assert_int_equal(store_user_scan(f->conn, f->acc.id, collect_id, &end), STORE_OK);
        assert_int_equal(end - all, count);
        for (int64_t offset = 0; offset <= count + 3; offset += offset < 950 ? 97 : 7) {
            struct store_user *rows;
            size_t n;
            int64_t total;
            assert_int_equal(
                store_user_list(f->conn, f->ar, f->acc.id, offset, 10, &rows, &n, &total),
                STORE_OK);
            assert_int_equal(total, count);
            size_t want = offset >= count ? 0 : (size_t)(count - offset < 10 ? count - offset : 10);
            assert_int_equal(n, want);
            for (size_t i = 0; i < n; i++)
                assert_string_equal(rows[i].id, all[offset + (int64_t)i]);
        }
        if (round == 0)
            assert_int_equal(store_user_delete(f->conn, f->acc.id, victim), STORE_OK);
    }
}

static void tokens_resolve_by_hash_until_revoked(void **state)
{
    struct fixture *f = *state;
    unsigned char hash[32] = {1, 2, 3}, secret[40] = {9};
    struct store_token t = {.name = "ci",
                            .hash = hash,
                            .hash_len = 32,
                            .secret = secret,
                            .secret_len = 40,
                            .created_at = 5000};
    uuid_v7_new(t.id);
    snprintf(t.account_id, sizeof(t.account_id), "%s", f->acc.id);
    snprintf(t.user_id, sizeof(t.user_id), "%s", f->member.id);
    assert_int_equal(store_token_insert(f->conn, STORE_TOKEN_PERSONAL, &t), STORE_OK);
    struct store_principal p;
    assert_int_equal(store_auth_lookup(f->conn, f->ar, STORE_TOKEN_PERSONAL, hash, 32, &p),
                     STORE_OK);
    assert_string_equal(p.user_id, f->member.id);
    assert_string_equal(p.plan, "enterprise");
    assert_false(p.is_revoked);
    assert_true(p.is_user_active);
    assert_false(p.is_admin);
    assert_int_equal(store_auth_lookup(f->conn, f->ar, STORE_TOKEN_SCIM, hash, 32, &p),
                     STORE_NOT_FOUND);
    assert_int_equal(store_token_rename(f->conn, NULL, t.id, "renamed"), STORE_OK);
    struct store_token got;
    assert_int_equal(store_token_get(f->conn, f->ar, STORE_TOKEN_PERSONAL, t.id, &got), STORE_OK);
    assert_string_equal(got.name, "renamed");
    assert_int_equal(got.secret_len, 40);
    assert_int_equal(store_token_revoke(f->conn, STORE_TOKEN_PERSONAL, NULL, t.id, 6000), STORE_OK);
    assert_int_equal(store_auth_lookup(f->conn, f->ar, STORE_TOKEN_PERSONAL, hash, 32, &p),
                     STORE_OK);
    assert_true(p.is_revoked);
    assert_int_equal(store_token_revoke(f->conn, STORE_TOKEN_PERSONAL, NULL, "nope", 6000),
                     STORE_NOT_FOUND);
    struct store_token *rows;
    size_t n;
    assert_int_equal(store_token_list(f->conn, f->ar, f->acc.id, f->member.id, &rows, &n),
                     STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].revoked_at, 6000);
}

static void token_touch_writes_at_most_once_a_minute(void **state)
{
    struct fixture *f = *state;
    unsigned char hash[32] = {7}, secret[40] = {9};
    struct store_token t = {.name = "touch",
                            .hash = hash,
                            .hash_len = 32,
                            .secret = secret,
                            .secret_len = 40,
                            .created_at = 5000};
    uuid_v7_new(t.id);
    snprintf(t.account_id, sizeof(t.account_id), "%s", f->acc.id);
    snprintf(t.user_id, sizeof(t.user_id), "%s", f->owner.id);
    assert_int_equal(store_token_insert(f->conn, STORE_TOKEN_PERSONAL, &t), STORE_OK);
    struct store_principal p;
    assert_int_equal(store_auth_lookup(f->conn, f->ar, STORE_TOKEN_PERSONAL, hash, 32, &p),
                     STORE_OK);
    assert_int_equal(p.last_used_at, 0);
    assert_int_equal(store_token_touch(f->conn, f->acc.id, t.id, 100000), STORE_OK);
    assert_int_equal(store_token_touch(f->conn, f->acc.id, t.id, 159999), STORE_NOT_FOUND);
    assert_int_equal(store_token_touch(f->conn, f->acc.id, t.id, 160000), STORE_OK);
    char other[UUID_LEN];
    uuid_v7_new(other);
    assert_int_equal(store_token_touch(f->conn, other, t.id, 999999), STORE_NOT_FOUND);
    assert_int_equal(store_auth_lookup(f->conn, f->ar, STORE_TOKEN_PERSONAL, hash, 32, &p),
                     STORE_OK);
    assert_int_equal(p.last_used_at, 160000);
}

static void sessions_resolve_by_hash_and_go_with_their_user(void **state)
{
    struct fixture *f = *state;
    unsigned char hash[32] = {4, 2};
    struct store_session se = {
        .hash = hash, .hash_len = 32, .created_at = 1000, .expires_at = 50000};
    uuid_v7_new(se.id);
    snprintf(se.account_id, sizeof(se.account_id), "%s", f->acc.id);
    snprintf(se.user_id, sizeof(se.user_id), "%s", f->member.id);
    assert_int_equal(store_session_insert(f->conn, &se), STORE_OK);
    struct store_session_view v;
    assert_int_equal(store_session_lookup(f->conn, f->ar, hash, 32, &v), STORE_OK);
    assert_string_equal(v.id, se.id);
    assert_int_equal(v.expires_at, 50000);
    assert_string_equal(v.user.id, f->member.id);
    assert_string_equal(v.user.email, "member@acme.test");
    assert_string_equal(v.account_name, "Acme");
    assert_string_equal(v.plan, "enterprise");
    assert_true(v.has_api_access);
    unsigned char other_hash[32] = {4, 3};
    assert_int_equal(store_session_lookup(f->conn, f->ar, other_hash, 32, &v), STORE_NOT_FOUND);
    /* Pruning keeps live sessions, drops expired ones. */
    assert_int_equal(store_session_prune(f->conn, f->acc.id, f->member.id, 40000), STORE_OK);
    assert_int_equal(store_session_lookup(f->conn, f->ar, hash, 32, &v), STORE_OK);
    assert_int_equal(store_session_prune(f->conn, f->acc.id, f->member.id, 60000), STORE_OK);
    assert_int_equal(store_session_lookup(f->conn, f->ar, hash, 32, &v), STORE_NOT_FOUND);
    /* Deleting the user deletes their sessions. */
    uuid_v7_new(se.id);
    assert_int_equal(store_session_insert(f->conn, &se), STORE_OK);
    assert_int_equal(store_user_delete(f->conn, f->acc.id, f->member.id), STORE_OK);
    assert_int_equal(store_session_lookup(f->conn, f->ar, hash, 32, &v), STORE_NOT_FOUND);
    assert_int_equal(store_session_delete(f->conn, f->acc.id, se.id), STORE_NOT_FOUND);
}

static void credentials_span_accounts_and_record_failures(void **state)
{
    struct fixture *f = *state;
    struct store_account acc2 = {.name = "Beta",
                                 .plan = "starter",
                                 .has_api_access = true,
                                 .created_at = 3000,
                                 .updated_at = 3000};
    uuid_v7_new(acc2.id);
    struct store_user u2;
    store_user_init(&u2, acc2.id, "MEMBER@acme.test", "Max elsewhere", 3000);
    assert_int_equal(store_account_insert(f->conn, &acc2), STORE_OK);
    assert_int_equal(store_user_insert(f->conn, &u2), STORE_OK);
    assert_int_equal(store_user_set_password(f->conn, f->acc.id, f->member.id, "$argon2id$x", 4000),
                     STORE_OK);
    struct store_credential *rows;
    size_t n;
    assert_int_equal(store_credentials_find(f->conn, f->ar, "Member@Acme.Test", 8, &rows, &n),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].user_id, f->member.id); /* oldest first */
    assert_string_equal(rows[0].password_hash, "$argon2id$x");
    assert_true(rows[0].is_active);
    assert_null(rows[1].password_hash);
    assert_string_equal(rows[1].account_id, acc2.id);
    assert_int_equal(store_credentials_find(f->conn, f->ar, "member@acme.test", 1, &rows, &n),
                     STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_sign_in_record(f->conn, f->acc.id, f->member.id, 6, 90000), STORE_OK);
    assert_int_equal(store_credentials_find(f->conn, f->ar, "member@acme.test", 8, &rows, &n),
                     STORE_OK);
    assert_int_equal(rows[0].failed_sign_ins, 6);
    assert_int_equal(rows[0].sign_in_blocked_until, 90000);
    assert_int_equal(store_credentials_find(f->conn, f->ar, "nobody@acme.test", 8, &rows, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
}

static void insert_recording(struct fixture *f, const struct store_user *u, int64_t created,
                             const char *ticket, char id_out[UUID_LEN])
{
    struct store_recording r = {.title = "t",
                                .created_at = created,
                                .updated_at = created,
                                .helpdesk_info = "{}",
                                .ticket_id = (char *)ticket,
                                .provider = "zendesk",
                                .user_email = u->email,
                                .user_name = u->name,
                                .customer_email = "C@x.test",
                                .rendered = "{\"title\":\"t\"}"};
    uuid_v7_new(r.id);
    snprintf(r.account_id, sizeof(r.account_id), "%s", f->acc.id);
    snprintf(r.user_id, sizeof(r.user_id), "%s", u->id);
    assert_int_equal(store_recording_insert(f->conn, &r), STORE_OK);
    if (id_out)
        memcpy(id_out, r.id, UUID_LEN);
}

static void recordings_list_filter_and_visibility(void **state)
{
    struct fixture *f = *state;
    char first[UUID_LEN], mine[UUID_LEN];
    insert_recording(f, &f->owner, 10000, "1", first);
    struct store_recording again = {.title = "t", .created_at = 1, .updated_at = 1};
    memcpy(again.id, first, UUID_LEN);
    snprintf(again.account_id, sizeof(again.account_id), "%s", f->acc.id);
    /* The rendered JSON is the recording: a row without it is refused. */
    assert_int_equal(store_recording_insert(f->conn, &again), STORE_INVALID);
    again.rendered = "{}";
    assert_int_equal(store_recording_insert(f->conn, &again), STORE_CONFLICT);
    insert_recording(f, &f->member, 20000, "2", mine);
    insert_recording(f, &f->owner, 30000, "1", NULL);
    struct store_recording_query q = {.account_id = f->acc.id, .limit = 100};
    struct store_recording *rows;
    size_t n;
    int64_t total;
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 3);
    assert_int_equal(rows[0].created_at, 30000); /* newest first */
    assert_int_equal(rows[2].created_at, 10000);
    q.ticket_id = "1";
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 2);
    q.ticket_id = NULL;
    q.user_id = f->member.id;
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].id, mine);
    q.user_id = NULL;
    q.customer_email = "c@X.TEST";
    q.has_created_after = true;
    q.created_after = 15000;
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 2);
    struct store_recording r;
    assert_int_equal(store_recording_get(f->conn, f->ar, f->acc.id, f->member.id, first, &r),
                     STORE_NOT_FOUND);
    assert_int_equal(store_recording_get(f->conn, f->ar, f->acc.id, NULL, first, &r), STORE_OK);
    struct store_recording_update u = {.has_title = true,
                                       .title = "new",
                                       .has_summary = true,
                                       .summary = NULL,
                                       .updated_at = 99999};
    assert_int_equal(store_recording_update(f->conn, f->acc.id, first, &u), STORE_INVALID);
    u.rendered = "{\"title\":\"new\"}";
    assert_int_equal(store_recording_update(f->conn, f->acc.id, first, &u), STORE_OK);
    assert_int_equal(store_recording_get(f->conn, f->ar, f->acc.id, NULL, first, &r), STORE_OK);
    assert_string_equal(r.rendered, "{\"title\":\"new\"}");
    assert_int_equal(r.updated_at, 99999);
    char other[UUID_LEN];
    uuid_v7_new(other);
    assert_int_equal(store_recording_get(f->conn, f->ar, other, NULL, first, &r), STORE_NOT_FOUND);
    assert_int_equal(store_recording_update(f->conn, other, first, &u), STORE_NOT_FOUND);
}

/* The integer `sql` answers first. */
static int sqlite_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The value of an integer PRAGMA of an open SQLite database. */
static int pragma_value(sqlite3 *db, const char *name)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA %s", name);
    return sqlite_int(db, sql);
}

/* The recording indexes, as sqlite_schema lists them: "name sql;" each, or the schema's
 * version and "name rootpage;" (the version moves with every index dropped or built; a root
 * page may not, when the index built again takes the pages the dropped one left). */
static char *sqlite_indexes(const char *path, bool roots, char *out, size_t len)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name, sql, rootpage FROM sqlite_schema WHERE "
                                        "type = 'index' AND tbl_name = 'recordings' ORDER BY name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    size_t used = 0;
    out[0] = '\0';
    if (roots) {
        used += (size_t)snprintf(out, len, "schema %d;", pragma_value(db, "schema_version"));
    }
    while (sqlite3_step(st) == SQLITE_ROW && used < len)
        used += (size_t)snprintf(out + used, len - used, "%s %s;", sqlite3_column_text(st, 0),
                                 roots ? sqlite3_column_text(st, 2) : sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* Every list query must be served by an index, never by scanning the table. */
static void assert_list_queries_use_indexes(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
#define ACCOUNT "account_num = (SELECT num FROM accounts WHERE id = 'a')"
    const char *queries[] = {
        "SELECT id FROM recordings WHERE " ACCOUNT " ORDER BY created_at DESC, id DESC "
        "LIMIT 100 OFFSET 100",
        "SELECT id FROM recordings WHERE " ACCOUNT " AND user_id = 'u' ORDER BY created_at "
        "DESC, id DESC LIMIT 100",
        "SELECT id FROM recordings WHERE " ACCOUNT " AND ticket_id = '1' ORDER BY "
        "created_at DESC, id DESC LIMIT 100",
        "SELECT id FROM recordings WHERE " ACCOUNT " AND id = 'x'",
        "SELECT id FROM users WHERE account_id = 'a' AND email_lower = 'x'",
        "SELECT email FROM users u WHERE u.account_id = 'a' AND (u.created_at, u.id) >= (SELECT "
        "created_at, id FROM users WHERE account_id = 'a' ORDER BY created_at, id LIMIT 1 "
        "OFFSET 500) ORDER BY u.created_at, u.id LIMIT 100",
        "SELECT id FROM personal_tokens WHERE token_hash = x'00'",
        "SELECT title FROM recordings WHERE " ACCOUNT " AND NULL IS NULL AND "
        "(created_at, id) < (5, 'x') ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET 5",
    };
#undef ACCOUNT
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        char sql[512];
        snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", queries[i]);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(st, 3);
            if (strstr(detail, "SCAN") && !strstr(detail, "INDEX"))
                fail_msg("query %zu scans: %s", i, detail);
            if (strstr(detail, "TEMP B-TREE"))
                fail_msg("query %zu sorts: %s", i, detail);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

static void list_queries_use_indexes(void **state)
{
    struct fixture *f = *state;
    if (postgres_url())
        skip();
    assert_list_queries_use_indexes(f->path);
}

/* The query plan of `sql`, its steps' details joined by "; ". */
static char *query_plan(sqlite3 *db, const char *sql, char *out, size_t len)
{
    char explain[256];
    snprintf(explain, sizeof(explain), "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &st, NULL), SQLITE_OK);
    size_t used = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && used < len)
        used += (size_t)snprintf(out + used, len - used, "%s; ", sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return out;
}

/* One index finds a user by email, within an account and across accounts (sign-in): every
 * index on users is one more page a new user writes to the log. */
static void users_have_one_email_index(void **state)
{
    struct fixture *f = *state;
    if (postgres_url()) {
        char n[32];
        assert_string_equal(postgres_value("SELECT count(*) FROM pg_indexes WHERE schemaname = "
                                           "current_schema() AND tablename = 'users' AND "
                                           "indexdef LIKE '%email_lower%'",
                                           n, sizeof(n)),
                            "1");
        return;
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite_int(db, "SELECT count(*) FROM sqlite_schema s, "
                                    "pragma_index_info(s.name) i WHERE s.type = 'index' AND "
                                    "s.tbl_name = 'users' AND i.name = 'email_lower'"),
                     1);
    char plan[512];
    assert_non_null(strstr(query_plan(db,
                                      "SELECT id FROM users WHERE account_id = 'a' AND "
                                      "email_lower = 'x'",
                                      plan, sizeof(plan)),
                           "USING INDEX users_email (email_lower=? AND account_id=?)"));
    assert_non_null(strstr(query_plan(db,
                                      "SELECT account_id, id FROM users WHERE email_lower = 'x' "
                                      "ORDER BY created_at, account_id LIMIT 5",
                                      plan, sizeof(plan)),
                           "USING INDEX users_email (email_lower=?)"));
    sqlite3_close(db);
}

/* A new SQLite database has 4 KiB pages: every commit writes each page it changed to the log,
 * so a larger page multiplies the bytes of every write. */
static void new_databases_have_small_pages(void **state)
{
    struct fixture *f = *state;
    if (postgres_url())
        skip();
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(pragma_value(db, "page_size"), 4096);
    sqlite3_close(db);
}

/* The recording indexes' identities, which change when an index is built again: SQLite's
 * root pages, PostgreSQL's index oids. */
static const char *index_ids(struct fixture *f, char *out, size_t len)
{
    if (!postgres_url())
        return sqlite_indexes(f->path, true, out, len);
    return postgres_value("SELECT string_agg(c.relname || ' ' || c.oid, ';' ORDER BY "
                          "c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                          "WHERE i.indrelid = 'recordings'::regclass",
                          out, len);
}

/* A bulk load drops the secondary indexes in its transaction and builds the same again; a
 * rolled back one leaves them as they were. A no-op on PostgreSQL. */
static void deferred_indexes_come_back(void **state)
{
    struct fixture *f = *state;
    char before[4096], roots[4096], now[4096];
    /* Alone on the database, as an import without a server is: both backends drop them. */
    assert_int_equal(store_bulk_exclusive(f->conn), STORE_OK);
    if (!postgres_url())
        sqlite_indexes(f->path, false, before, sizeof(before));
    index_ids(f, roots, sizeof(roots));
    int64_t total;
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recording_indexes_defer(f->conn), STORE_OK);
    insert_recording(f, &f->owner, 1, "1", NULL);
    store_rollback(f->conn);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 0);
    assert_string_equal(index_ids(f, now, sizeof(now)), roots);
    /* Committing without building them again is refused and rolls back. */
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recording_indexes_defer(f->conn), STORE_OK);
    insert_recording(f, &f->owner, 1, "1", NULL);
    assert_int_equal(store_commit(f->conn), STORE_ERROR);
    store_rollback(f->conn);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 0);
    assert_string_equal(index_ids(f, now, sizeof(now)), roots);

    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recording_indexes_defer(f->conn), STORE_OK);
    for (int i = 0; i < 50; i++)
        insert_recording(f, i % 2 ? &f->owner : &f->member, 1000 + i, i % 5 ? "a" : "b", NULL);
    /* A load may reach several accounts: each is counted again. */
    struct store_account other = {
        .name = "Other", .plan = "starter", .created_at = 5, .updated_at = 5};
    uuid_v7_new(other.id);
    struct store_user stranger;
    store_user_init(&stranger, other.id, "stranger@other.test", "S", 5);
    assert_int_equal(store_account_insert(f->conn, &other), STORE_OK);
    assert_int_equal(store_user_insert(f->conn, &stranger), STORE_OK);
    for (int i = 0; i < 3; i++) {
        struct store_recording r = {
            .created_at = 2000 + i, .updated_at = 2000 + i, .rendered = "{}"};
        uuid_v7_new(r.id);
        snprintf(r.account_id, sizeof(r.account_id), "%s", other.id);
        snprintf(r.user_id, sizeof(r.user_id), "%s", stranger.id);
        assert_int_equal(store_recording_insert(f->conn, &r), STORE_OK);
    }
    assert_int_equal(store_recording_indexes_build(f->conn), STORE_OK);
    assert_int_equal(store_commit(f->conn), STORE_OK);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 53);
    struct store_recording_query theirs = {
        .account_id = other.id, .limit = 10, .user_id = stranger.id};
    struct store_recording *their_rows;
    size_t their_n;
    assert_int_equal(store_recording_list(f->conn, f->ar, &theirs, &their_rows, &their_n, &total),
                     STORE_OK);
    assert_int_equal(total, 3);
    assert_int_equal(their_n, 3);
    struct store_recording_query q = {.account_id = f->acc.id, .limit = 100, .ticket_id = "b"};
    struct store_recording *rows;
    size_t n;
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 10);
    assert_int_equal(rows[0].created_at, 1045);
    /* The counts of the account and of each user (which unfiltered lists read) are right
     * after the load, and kept again by the trigger after it. */
    struct store_recording_query mine = {
        .account_id = f->acc.id, .limit = 100, .user_id = f->member.id};
    assert_int_equal(store_recording_list(f->conn, f->ar, &mine, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 25);
    insert_recording(f, &f->member, 5000, "c", NULL);
    assert_int_equal(store_recording_list(f->conn, f->ar, &mine, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 26);
    assert_int_equal(rows[0].created_at, 5000);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 54);
    assert_string_not_equal(index_ids(f, now, sizeof(now)), roots);
    assert_int_equal(store_bulk_shared(f->conn), STORE_OK);
    if (postgres_url())
        return;
    assert_string_equal(sqlite_indexes(f->path, false, now, sizeof(now)), before);
    assert_list_queries_use_indexes(f->path);
}

/* A batch goes in whole, or names the recording that failed (PostgreSQL: one pipeline). */
static void batch_insert_names_the_failed_recording(void **state)
{
    struct fixture *f = *state;
    struct store_recording recs[40];
    for (size_t i = 0; i < 40; i++) {
        recs[i] = (struct store_recording){.title = "t",
                                           .created_at = 1000 + (int64_t)i,
                                           .updated_at = 1000 + (int64_t)i,
                                           .helpdesk_info = "{}",
                                           .user_email = f->owner.email,
                                           .customer_email = "c@x.test",
                                           .rendered = "{}"};
        uuid_v7_new(recs[i].id);
        snprintf(recs[i].account_id, sizeof(recs[i].account_id), "%s", f->acc.id);
        snprintf(recs[i].user_id, sizeof(recs[i].user_id), "%s", f->owner.id);
    }
    size_t failed;
    int64_t total;
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recordings_insert(f->conn, recs, 20, &failed), STORE_OK);
    assert_int_equal(store_commit(f->conn), STORE_OK);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 20);
    memcpy(recs[33].id, recs[5].id, UUID_LEN); /* already stored */
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recordings_insert(f->conn, recs + 20, 20, &failed), STORE_CONFLICT);
    assert_int_equal(failed, 13);
    store_rollback(f->conn);
    assert_int_equal(store_recording_total(f->conn, &total), STORE_OK);
    assert_int_equal(total, 20);
    memcpy(recs[33].id, recs[34].id, UUID_LEN); /* twice in one batch */
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recordings_insert(f->conn, recs + 20, 20, &failed), STORE_CONFLICT);
    assert_int_equal(failed, 14);
    store_rollback(f->conn);
    uuid_v7_new(recs[33].id);
    assert_int_equal(store_begin(f->conn), STORE_OK);
    assert_int_equal(store_recordings_insert(f->conn, recs + 20, 20, &failed), STORE_OK);
    assert_int_equal(store_commit(f->conn), STORE_OK);
    struct store_recording_query q = {.account_id = f->acc.id, .limit = 100};
    struct store_recording *rows;
    size_t n;
    assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
    assert_int_equal(total, 40); /* the account's counter moved with the batches */
    assert_int_equal(rows[0].created_at, 1039);
}

/* The whole list in order, read through a filtered query (which never uses the page cache). */
static char (*reference_order(struct fixture *f, const char *user_id, size_t *count))[UUID_LEN]
{
    struct store_recording_query q = {.account_id = f->acc.id,
                                      .user_id = user_id,
                                      .limit = 100,
                                      .has_created_after = true,
                                      .created_after = INT64_MIN};
    size_t cap = 4096, n = 0;
    char(*ids)[UUID_LEN] = arena_alloc(f->ar, cap * UUID_LEN);
    for (;; q.offset += 100) {
        struct store_recording *rows;
        size_t got;
        int64_t total;
        assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &got, &total), STORE_OK);
        for (size_t i = 0; i < got; i++) {
            assert_true(n < cap);
            memcpy(ids[n++], rows[i].id, UUID_LEN);
        }
        if (got < 100)
            break;
    }
    *count = n;
    return ids;
}

/* Lists page by page through the store (deep pages seek through the page cache) and compares
 * every page with the reference order. */
static void check_pages(struct fixture *f, const char *user_id, int64_t per)
{
    size_t count;
    char(*ids)[UUID_LEN] = reference_order(f, user_id, &count);
    struct store_recording_query q = {.account_id = f->acc.id, .user_id = user_id, .limit = per};
    for (q.offset = 0;; q.offset += per) {
        struct store_recording *rows;
        size_t n;
        int64_t total;
        assert_int_equal(store_recording_list(f->conn, f->ar, &q, &rows, &n, &total), STORE_OK);
        assert_int_equal(total, count);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(rows[i].id, ids[q.offset + (int64_t)i]);
        if (q.offset >= total) {
            assert_int_equal(n, 0);
            break;
        }
        assert_int_equal(n, (size_t)(total - q.offset < per ? total - q.offset : per));
    }
}

static void deep_pages_equal_offset_pages(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_begin(f->conn), STORE_OK);
    for (int i = 0; i < 2600; i++) {
        /* Many equal created_at values, so the id breaks ties. */
        insert_recording(f, i % 3 ? &f->owner : &f->member, 1000 + i / 7, "t", NULL);
    }
    assert_int_equal(store_commit(f->conn), STORE_OK);
    check_pages(f, NULL, 100);
    check_pages(f, NULL, 37);
    check_pages(f, f->member.id, 100);
    /* New recordings change the order: the cached boundaries must not be used. */
    for (int i = 0; i < 150; i++)
        insert_recording(f, &f->owner, 1500 + i, "t", NULL);
    check_pages(f, NULL, 100);
    check_pages(f, f->owner.id, 100);
    page_cache_clear();
}

static void account_update_and_any(void **state)
{
    struct fixture *f = *state;
    bool any = false;
    assert_int_equal(store_account_any(f->conn, &any), STORE_OK);
    assert_true(any);
    assert_int_equal(store_account_update(f->conn, f->acc.id, "starter", 0, 7), STORE_OK);
    struct store_account a;
    assert_int_equal(store_account_get(f->conn, f->ar, f->acc.id, &a), STORE_OK);
    assert_string_equal(a.plan, "starter");
    assert_false(a.has_api_access);
    assert_int_equal(store_account_update(f->conn, f->acc.id, NULL, -1, 8), STORE_OK);
    assert_int_equal(store_account_get(f->conn, f->ar, f->acc.id, &a), STORE_OK);
    assert_string_equal(a.plan, "starter");
    assert_int_equal(store_account_update(f->conn, "missing", NULL, 1, 8), STORE_NOT_FOUND);
}

extern const char *const store_sqlite_migrations[];

/* A database of schema version 7 (recordings keyed by the account's id) comes through
 * migration 008 with every recording, its counts, its isolation and its order. */
static void recordings_survive_the_account_number_migration(void **state)
{
    (void)state;
    if (postgres_url())
        skip();
    char path[64];
    snprintf(path, sizeof(path), "/tmp/sd-store-mig-%d.db", (int)getpid());
    remove_sqlite_files(path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations "
                                  "(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    for (int v = 0; v < 7; v++) {
        assert_int_equal(sqlite3_exec(db, store_sqlite_migrations[v], NULL, NULL, NULL), SQLITE_OK);
        char sql[96];
        snprintf(sql, sizeof(sql), "INSERT INTO schema_migrations VALUES (%d, 0)", v + 1);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    /* Two accounts; b's row has no rendered JSON (written before migration 004). */
    const char *rows =
        "INSERT INTO accounts (id, name, plan, owner_id, created_at, updated_at) VALUES "
        "('acc-b', 'B', 'starter', NULL, 1, 1), ('acc-a', 'A', 'enterprise', NULL, 2, 2);"
        "INSERT INTO users (account_id, id, email, email_lower, created_at, updated_at) VALUES "
        "('acc-a', 'u1', 'u1@a.test', 'u1@a.test', 1, 1), "
        "('acc-b', 'u1', 'u1@b.test', 'u1@b.test', 1, 1);"
        "INSERT INTO recordings (account_id, id, user_id, user_email, title, created_at, "
        "updated_at, ticket_id, rendered) VALUES "
        "('acc-a', 'r1', 'u1', 'u1@a.test', 'one', 10, 10, 't', '{\"uuid\":\"r1\"}'), "
        "('acc-a', 'r3', 'u1', 'u1@a.test', 'three', 30, 30, 't', '{\"uuid\":\"r3\"}'), "
        "('acc-a', 'r2', NULL, 'gone@a.test', 'two', 20, 20, 'x', '{\"uuid\":\"r2\"}'), "
        "('acc-b', 'r1', 'u1', 'u1@b.test', 'old', 15, 15, 't', NULL);";
    assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    char url[96], err[256];
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct store *st = store_open(url, err, sizeof(err));
    assert_non_null(st);
    struct store_conn *conn = store_conn_get(st);
    assert_int_equal(store_migrate(conn), STORE_OK);
    struct arena *ar = arena_new();
    struct store_recording_query q = {.account_id = "acc-a", .limit = 10};
    struct store_recording *r;
    size_t n;
    int64_t total;
    assert_int_equal(store_recording_list(conn, ar, &q, &r, &n, &total), STORE_OK);
    assert_int_equal(total, 3);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].id, "r3");
    assert_string_equal(r[1].id, "r2");
    assert_string_equal(r[2].rendered, "{\"uuid\":\"r1\"}");
    assert_string_equal(r[2].account_id, "acc-a");
    q.user_id = "u1";
    assert_int_equal(store_recording_list(conn, ar, &q, &r, &n, &total), STORE_OK);
    assert_int_equal(total, 2);
    q.user_id = NULL;
    q.ticket_id = "t";
    assert_int_equal(store_recording_list(conn, ar, &q, &r, &n, &total), STORE_OK);
    assert_int_equal(total, 2);
    struct store_recording one;
    assert_int_equal(store_recording_get(conn, ar, "acc-b", NULL, "r1", &one), STORE_OK);
    assert_null(one.rendered); /* read whole, from its columns */
    assert_string_equal(one.title, "old");
    assert_string_equal(one.account_id, "acc-b");
    assert_int_equal(store_recording_get(conn, ar, "acc-b", NULL, "r3", &one), STORE_NOT_FOUND);
    /* Accounts made later get numbers of their own; their recordings count and stay apart. */
    struct store_account c = {.name = "C", .plan = "business", .created_at = 3, .updated_at = 3};
    uuid_v7_new(c.id);
    assert_int_equal(store_account_insert(conn, &c), STORE_OK);
    struct store_recording fresh = {.id = "r1", .created_at = 5, .updated_at = 5, .rendered = "{}"};
    snprintf(fresh.account_id, sizeof(fresh.account_id), "%s", c.id);
    assert_int_equal(store_recording_insert(conn, &fresh), STORE_OK);
    assert_int_equal(store_recording_insert(conn, &fresh), STORE_CONFLICT);
    q = (struct store_recording_query){.account_id = c.id, .limit = 10};
    assert_int_equal(store_recording_list(conn, ar, &q, &r, &n, &total), STORE_OK);
    assert_int_equal(total, 1);
    assert_int_equal(store_recording_total(conn, &total), STORE_OK);
    assert_int_equal(total, 5);
    arena_free(ar);
    store_free(st);
    remove_sqlite_files(path);
}

static void rejects_unknown_urls(void **state)
{
    (void)state;
    char err[256];
    assert_null(store_open("mysql://localhost/x", err, sizeof(err)));
    assert_null(store_open("sqlite:", err, sizeof(err)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(users_are_unique_and_found_case_insensitively, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(user_list_is_oldest_first_with_total, setup, teardown),
        cmocka_unit_test_setup_teardown(user_pages_are_slices_of_the_whole_list, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens_resolve_by_hash_until_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(token_touch_writes_at_most_once_a_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_resolve_by_hash_and_go_with_their_user, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(credentials_span_accounts_and_record_failures, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(recordings_list_filter_and_visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(list_queries_use_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(users_have_one_email_index, setup, teardown),
        cmocka_unit_test_setup_teardown(new_databases_have_small_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(deferred_indexes_come_back, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_insert_names_the_failed_recording, setup, teardown),
        cmocka_unit_test_setup_teardown(account_update_and_any, setup, teardown),
        cmocka_unit_test_setup_teardown(deep_pages_equal_offset_pages, setup, teardown),
        cmocka_unit_test(recordings_survive_the_account_number_migration),
        cmocka_unit_test(rejects_unknown_urls),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
