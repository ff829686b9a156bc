/* api/ratelimit.c: token buckets per key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "api/ratelimit.h"

#include <stdio.h>

static void burst_then_refill(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(10); /* 10/s, burst 20 */
    struct ratelimit_result r;
    for (int i = 0; i < 20; i++) {
        ratelimit_take(rl, "tok", 1000.0, &r);
        assert_true(r.is_allowed);
        assert_int_equal(r.limit, 20);
        assert_int_equal(r.remaining, 19 - i);
    }
    ratelimit_take(rl, "tok", 1000.0, &r);
    assert_false(r.is_allowed);
    assert_int_equal(r.retry_after, 1);
    assert_int_equal(r.reset_s, 2);
    ratelimit_take(rl, "other", 1000.0, &r); /* keys are independent */
    assert_true(r.is_allowed);
    ratelimit_take(rl, "tok", 1100.0, &r); /* 100 ms later: one token back */
    assert_true(r.is_allowed);
    ratelimit_take(rl, "tok", 1100.0, &r);
    assert_false(r.is_allowed);
    ratelimit_take(rl, "tok", 60000.0, &r); /* refills to the burst, never past it */
    assert_true(r.is_allowed);
    assert_int_equal(r.remaining, 19);
    ratelimit_free(rl);
}

static void many_keys_stay_bounded(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1);
    struct ratelimit_result r;
    char key[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        ratelimit_take(rl, key, 1000.0 * i, &r);
        assert_true(r.is_allowed);
    }
    ratelimit_free(rl); /* LSan checks nothing leaked; sweeping kept the tables small */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_refill),
        cmocka_unit_test(many_keys_stay_bounded),
    };
    return cmocka_run_group_tests_name("api_ratelimit", tests, NULL, NULL);
}
