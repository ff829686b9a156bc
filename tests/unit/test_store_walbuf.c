/* store_walbuf: a transaction's log frames reach the file in one write, readers on other
 * connections see every commit at once, a failed write fails its commit, and the files as
 * they are at any moment (a crash) open to the committed transactions and nothing else.
 *
 * Under the VFS sits a counting one, registered as the default first, that counts the log's
 * writes and can fail one of them. A binary of its own: the default VFS is the process's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sqlite_files.h"
#include "store/walbuf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The counting VFS: SQLite's own, with the log's xWrite counted. */
static sqlite3_vfs *unix_vfs;
static sqlite3_vfs count_vfs;
static const sqlite3_io_methods *unix_methods;
static sqlite3_io_methods counted_methods;
static int log_writes;
static int fail_write_at; /* the log write that fails, counting from 1; 0: none */

static int counted_write(sqlite3_file *f, const void *data, int amount, sqlite3_int64 off)
{
    log_writes++;
    if (fail_write_at && log_writes == fail_write_at)
        return SQLITE_IOERR_WRITE;
    return unix_methods->xWrite(f, data, amount, off);
}

static int count_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    int rc = unix_vfs->xOpen(unix_vfs, name, f, flags, out);
    if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL)) {
        if (!unix_methods) {
            unix_methods = f->pMethods;
            counted_methods = *f->pMethods;
            counted_methods.xWrite = counted_write;
        }
        assert_ptr_equal(f->pMethods, unix_methods);
        f->pMethods = &counted_methods;
    }
    return rc;
}

static int setup_vfs(void **state)
{
    (void)state;
    unix_vfs = sqlite3_vfs_find(NULL);
    assert_non_null(unix_vfs);
    count_vfs = *unix_vfs;
    count_vfs.zName = "count";
    count_vfs.xOpen = count_open;
    count_vfs.pNext = NULL;
    assert_int_equal(sqlite3_vfs_register(&count_vfs, 1), SQLITE_OK);
    assert_true(walbuf_register());
    assert_string_equal(sqlite3_vfs_find(NULL)->zName, "screendesk-walbuf");
    return 0;
}

/* The test's database, and the copy a crash is simulated on. */
static char db_path[64], copy_path[72];

static int fresh_db(void **state)
{
    (void)state;
    snprintf(db_path, sizeof(db_path), "/tmp/sd-walbuf-%d.db", (int)getpid());
    snprintf(copy_path, sizeof(copy_path), "%s.copy", db_path);
    remove_sqlite_files(db_path);
    fail_write_at = 0;
    return 0;
}

static int drop_db(void **state)
{
    (void)state;
    remove_sqlite_files(db_path);
    remove_sqlite_files(copy_path);
    return 0;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : sqlite3_errstr(rc));
}

static sqlite3 *open_db(const char *path, const char *vfs, const char *sync)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
                     SQLITE_OK);
    char sql[160];
    snprintf(sql, sizeof(sql), "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s", sync);
    exec(db, sql);
    exec(db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT); "
             "CREATE INDEX IF NOT EXISTS t_a ON t (a); CREATE INDEX IF NOT EXISTS t_b ON t (b); "
             "CREATE INDEX IF NOT EXISTS t_c ON t (c)");
    return db;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void integrity_ok(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* A new connection to the database counts `rows` rows and finds it whole. */
static void another_connection_sees(long long rows)
{
    sqlite3 *other = open_db(db_path, NULL, "FULL");
    assert_int_equal(scalar(other, "SELECT count(*) FROM t"), rows);
    integrity_ok(other);
    sqlite3_close(other);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    assert_non_null(out);
    if (in) {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
            assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
    }
    fclose(out);
}

/* The database and its log as they are now, as a crash would leave them (no shared-memory
 * index: the copy's is rebuilt from the log). Returns the copy's row count, checked whole. */
static long long rows_after_crash(void)
{
    char from[80], to[88];
    remove_sqlite_files(copy_path);
    copy_file(db_path, copy_path);
    snprintf(from, sizeof(from), "%s-wal", db_path);
    snprintf(to, sizeof(to), "%s-wal", copy_path);
    copy_file(from, to);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(copy_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    integrity_ok(db);
    long long n = scalar(db, "SELECT count(*) FROM t");
    sqlite3_close(db);
    remove_sqlite_files(copy_path);
    return n;
}

/* One row in each of the table's four b-trees, scattered: a few pages each commit. */
static int insert_row(sqlite3 *db, int i)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO t (a, b, c) VALUES (printf('%%08x', %d * 2654435761 %% 4294967296), "
             "hex(randomblob(16)), printf('%%0100d', %d))",
             i, i);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Rows first .. first + count - 1, each its own statement. */
static void insert_rows(sqlite3 *db, int first, int count)
{
    for (int i = first; i < first + count; i++)
        assert_int_equal(insert_row(db, i), SQLITE_OK);
}

/* Without the VFS each frame is two writes; with it, each commit is one. */
static void a_commit_is_one_write(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        const char *sync = pass == 0 ? "FULL" : "NORMAL";
        sqlite3 *plain = open_db(db_path, "count", sync);
        exec(plain, "PRAGMA wal_autocheckpoint=0"); /* a log that restarts writes its header */
        insert_rows(plain, 0, 200);
        log_writes = 0;
        assert_int_equal(insert_row(plain, 1000), SQLITE_OK);
        assert_true(log_writes >= 8); /* 4 b-trees at least: header and page for each */
        assert_int_equal(log_writes % 2, 0);

        /* Following another connection's frames, the first frame goes out as it comes. */
        sqlite3 *db = open_db(db_path, NULL, sync);
        exec(db, "PRAGMA wal_autocheckpoint=0");
        assert_int_equal(insert_row(plain, 1001), SQLITE_OK);
        log_writes = 0;
        assert_int_equal(insert_row(db, 1002), SQLITE_OK);
        assert_true(log_writes >= 2 && log_writes <= 3);
        sqlite3_close(plain);
        for (int i = 0; i < 50; i++) {
            log_writes = 0;
            assert_int_equal(insert_row(db, 2000 + i), SQLITE_OK);
            assert_int_equal(log_writes, 1);
        }
        /* Several statements in one transaction: still one write. */
        log_writes = 0;
        exec(db, "BEGIN");
        insert_rows(db, 3000, 20);
        exec(db, "COMMIT");
        assert_int_equal(log_writes, 1);
        assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 273);
        integrity_ok(db);
        sqlite3_close(db);
        remove_sqlite_files(db_path);
    }
}

/* A transaction of more pages than one write of SQLite's can take (128 KiB) goes out in
 * several, each whole. */
static void a_long_transaction_goes_out_in_parts(void **state)
{
    (void)state;
    sqlite3 *db = open_db(db_path, NULL, "FULL");
    exec(db, "PRAGMA wal_autocheckpoint=0");
    for (int round = 1; round <= 3; round++) {
        log_writes = 0;
        exec(db, "BEGIN");
        insert_rows(db, round * 10000, 2000);
        exec(db, "COMMIT");
        assert_true(log_writes > 1);
        assert_int_equal(rows_after_crash(), round * 2000);
    }
    another_connection_sees(6000);
    sqlite3_close(db);
}

/* Two connections writing in turn, each reading what the other just committed. */
static void other_connections_see_each_commit(void **state)
{
    (void)state;
    sqlite3 *a = open_db(db_path, NULL, "FULL");
    sqlite3 *b = open_db(db_path, NULL, "FULL");
    exec(a, "PRAGMA wal_autocheckpoint=50"); /* the log restarts while they write */
    exec(b, "PRAGMA wal_autocheckpoint=50");
    for (int i = 0; i < 600; i++) {
        sqlite3 *w = (i % 3 == 0) ? b : a, *r = (w == a) ? b : a;
        assert_int_equal(insert_row(w, i), SQLITE_OK);
        assert_int_equal(scalar(r, "SELECT count(*) FROM t"), i + 1);
        char sql[96];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM t WHERE c = printf('%%0100d', %d)", i);
        assert_int_equal(scalar(r, sql), 1);
    }
    integrity_ok(a);
    integrity_ok(b);
    sqlite3_close(a);
    sqlite3_close(b);
}

/* A transaction larger than the page cache writes pages to the log before it commits, and
 * writes some again; SQLite then rewrites the checksums of the frames it wrote before. */
static void crash_keeps_the_committed_and_nothing_else(void **state)
{
    (void)state;
    sqlite3 *db = open_db(db_path, NULL, "FULL");
    exec(db, "PRAGMA cache_size=10");
    long long committed = 0;
    for (int round = 0; round < 6; round++) {
        exec(db, "BEGIN");
        insert_rows(db, round * 1000, 300);
        exec(db, "UPDATE t SET b = hex(randomblob(16)) WHERE id % 7 = 0");
        /* Mid-transaction: the spilled frames are in the log, but no commit covers them. */
        assert_int_equal(rows_after_crash(), committed);
        exec(db, "COMMIT");
        committed += 300;
        assert_int_equal(rows_after_crash(), committed);
        assert_int_equal(insert_row(db, 90000 + round), SQLITE_OK);
        committed++;
        assert_int_equal(rows_after_crash(), committed);
    }
    /* A rolled-back transaction leaves nothing, and the next commit is whole. */
    exec(db, "BEGIN");
    insert_rows(db, 50000, 300);
    exec(db, "ROLLBACK");
    assert_int_equal(rows_after_crash(), committed);
    assert_int_equal(insert_row(db, 99999), SQLITE_OK);
    assert_int_equal(rows_after_crash(), committed + 1);
    integrity_ok(db);
    sqlite3_close(db);
}

/* The single write failing fails the commit; the database stays whole and takes the next. */
static void a_failed_write_fails_the_commit(void **state)
{
    (void)state;
    sqlite3 *db = open_db(db_path, NULL, "FULL");
    insert_rows(db, 0, 20);
    log_writes = 0;
    fail_write_at = 1;
    int rc = insert_row(db, 100);
    fail_write_at = 0;
    assert_int_equal(rc & 0xff, SQLITE_IOERR);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 20);
    assert_int_equal(rows_after_crash(), 20);
    assert_int_equal(insert_row(db, 101), SQLITE_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 21);
    another_connection_sees(21);
    sqlite3_close(db);
    assert_int_equal(rows_after_crash(), 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_commit_is_one_write, fresh_db, drop_db),
        cmocka_unit_test_setup_teardown(a_long_transaction_goes_out_in_parts, fresh_db, drop_db),
        cmocka_unit_test_setup_teardown(other_connections_see_each_commit, fresh_db, drop_db),
        cmocka_unit_test_setup_teardown(crash_keeps_the_committed_and_nothing_else, fresh_db,
                                        drop_db),
        cmocka_unit_test_setup_teardown(a_failed_write_fails_the_commit, fresh_db, drop_db),
    };
    return cmocka_run_group_tests(tests, setup_vfs, NULL);
}
