/* store_bulk_memory: SQLite's page caches take their pages from the region it reserves, and
 * asking once SQLite is in use changes nothing. A binary of its own: the setting is the
 * process's, and only holds before SQLite's first use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sqlite_files.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

static int pages_from_region(void)
{
    int now = 0, high = 0;
    assert_int_equal(sqlite3_status(SQLITE_STATUS_PAGECACHE_USED, &now, &high, 0), SQLITE_OK);
    return high;
}

static void caches_take_their_pages_from_the_region(void **state)
{
    (void)state;
    char path[64], url[80], err[256];
    snprintf(path, sizeof(path), "/tmp/sd-bulk-memory-%d.db", (int)getpid());
    snprintf(url, sizeof(url), "sqlite:%s", path);
    assert_true(store_bulk_memory(url, 4));
    struct store *s = store_open(url, err, sizeof(err));
    assert_non_null(s);
    struct store_conn *c = store_conn_get(s);
    assert_non_null(c);
    assert_int_equal(store_migrate(c), STORE_OK);
    /* The schema alone is tens of pages, each cached in a slot of the region. */
    assert_true(pages_from_region() >= 10);
    /* SQLite is in use now: a second region is refused. */
    assert_false(store_bulk_memory(url, 4));
    store_free(s);
    remove_sqlite_files(path);
}

/* Nothing to reserve, or nothing to reserve it for (PostgreSQL has no page cache here). */
static void nothing_to_reserve(void **state)
{
    (void)state;
    assert_false(store_bulk_memory("sqlite:/tmp/x.db", 0));
    assert_false(store_bulk_memory("postgresql://localhost/screendesk", 64));
    assert_false(store_bulk_memory("postgres://localhost/screendesk", 64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_to_reserve),
        cmocka_unit_test(caches_take_their_pages_from_the_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
