/* auth/token.c and auth/bearer.c: generation, hashing, sealing, header parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/bearer.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char key_path[64];

static int make_key(void **state)
{
    (void)state;
    snprintf(key_path, sizeof(key_path), "/tmp/sd-test-key-%d", (int)getpid());
    unlink(key_path);
    return 0;
}

static int remove_key(void **state)
{
    (void)state;
    unlink(key_path);
    return 0;
}

static void key_file_is_created_private_and_reloaded(void **state)
{
    (void)state;
    struct auth_keys a, b;
    char err[256];
    assert_false(auth_keys_load(&a, key_path, false, err, sizeof(err)));
    assert_true(auth_keys_load(&a, key_path, true, err, sizeof(err)));
    struct stat st;
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(auth_keys_load(&b, key_path, false, err, sizeof(err)));
    assert_memory_equal(&a, &b, sizeof(a));
}

static void tokens_have_prefix_length_and_randomness(void **state)
{
    (void)state;
    char a[AUTH_TOKEN_RAW_MAX], b[AUTH_TOKEN_RAW_MAX], s[AUTH_TOKEN_RAW_MAX];
    auth_token_generate(STORE_TOKEN_PERSONAL, a);
    auth_token_generate(STORE_TOKEN_PERSONAL, b);
    auth_token_generate(STORE_TOKEN_SCIM, s);
    assert_int_equal(strncmp(a, "sdp_", 4), 0);
    assert_int_equal(strncmp(s, "sds_", 4), 0);
    assert_int_equal(strlen(a), 47); /* 4 + 43 characters of base64url = 256 bits */
    assert_string_not_equal(a, b);
    assert_true(auth_token_is_well_formed(STORE_TOKEN_PERSONAL, a));
    assert_false(auth_token_is_well_formed(STORE_TOKEN_SCIM, a));
    assert_true(auth_token_is_well_formed(STORE_TOKEN_SCIM, s));
    assert_false(auth_token_is_well_formed(STORE_TOKEN_PERSONAL, "sdp_short"));
}

static void hash_is_keyed_and_stable(void **state)
{
    (void)state;
    struct auth_keys k;
    char err[256];
    assert_true(auth_keys_load(&k, key_path, true, err, sizeof(err)));
    unsigned char h1[AUTH_TOKEN_HASH_LEN], h2[AUTH_TOKEN_HASH_LEN], h3[AUTH_TOKEN_HASH_LEN];
    auth_token_hash(&k, "sdp_abc", h1);
    auth_token_hash(&k, "sdp_abc", h2);
    assert_memory_equal(h1, h2, sizeof(h1));
    struct auth_keys other = k;
    other.hash_key[0] ^= 1;
    auth_token_hash(&other, "sdp_abc", h3);
    assert_memory_not_equal(h1, h3, sizeof(h1));
}

static void seal_round_trips_and_detects_wrong_key(void **state)
{
    (void)state;
    struct auth_keys k;
    char err[256];
    assert_true(auth_keys_load(&k, key_path, true, err, sizeof(err)));
    struct arena *ar = arena_new();
    size_t len;
    unsigned char *blob = auth_token_seal(&k, ar, "sdp_secret-value", &len);
    for (size_t i = 0; i + 6 <= len; i++)
        assert_memory_not_equal(blob + i, "secret", 6);
    char *raw = auth_token_open(&k, ar, blob, len);
    assert_non_null(raw);
    assert_string_equal(raw, "sdp_secret-value");
    struct auth_keys wrong = k;
    wrong.box_key[3] ^= 0x40;
    assert_null(auth_token_open(&wrong, ar, blob, len));
    blob[len - 1] ^= 1;
    assert_null(auth_token_open(&k, ar, blob, len));
    assert_null(auth_token_open(&k, ar, blob, 5));
    arena_free(ar);
}

static void bearer_header_parsing(void **state)
{
    (void)state;
    size_t len;
    const char *t = auth_bearer_parse("Bearer sdp_abc", &len);
    assert_non_null(t);
    assert_int_equal(len, 7);
    assert_memory_equal(t, "sdp_abc", 7);
    assert_non_null(auth_bearer_parse("bearer sdp_abc", &len));
    assert_non_null(auth_bearer_parse("BEARER   sdp_abc  ", &len));
    assert_int_equal(len, 7);
    assert_null(auth_bearer_parse(NULL, &len));
    assert_null(auth_bearer_parse("", &len));
    assert_null(auth_bearer_parse("Bearer", &len));
    assert_null(auth_bearer_parse("Bearer ", &len));
    assert_null(auth_bearer_parse("Basic dXNlcjpwYXNz", &len));
    assert_null(auth_bearer_parse("Bearersdp_abc", &len));
    assert_null(auth_bearer_parse("Bearer a b", &len));
    assert_null(auth_bearer_parse("Token sdp_abc", &len));
}

static void passwords_hash_and_verify(void **state)
{
    (void)state;
    char hash[AUTH_PASSWORD_HASH_MAX];
    assert_true(auth_password_hash("correct horse battery", hash));
    assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    assert_true(auth_password_verify(hash, "correct horse battery"));
    assert_false(auth_password_verify(hash, "wrong"));
}

static void sessions_and_csrf_tokens(void **state)
{
    (void)state;
    struct auth_keys keys, other;
    char err[128];
    assert_true(auth_keys_load(&keys, key_path, true, err, sizeof(err)));
    memcpy(&other, &keys, sizeof(other));
    other.hash_key[0] ^= 1;
    char a[AUTH_SESSION_RAW_LEN], b[AUTH_SESSION_RAW_LEN];
    auth_session_generate(a);
    auth_session_generate(b);
    assert_int_equal(strlen(a), 43);
    assert_true(auth_session_is_well_formed(a));
    assert_string_not_equal(a, b);
    assert_false(auth_session_is_well_formed(NULL));
    assert_false(auth_session_is_well_formed(""));
    assert_false(auth_session_is_well_formed("short"));
    char bad[AUTH_SESSION_RAW_LEN];
    memcpy(bad, a, sizeof(bad));
    bad[5] = '=';
    assert_false(auth_session_is_well_formed(bad));
    /* The session hash is keyed and is not the token hash of the same text. */
    unsigned char h1[AUTH_TOKEN_HASH_LEN], h2[AUTH_TOKEN_HASH_LEN], h3[AUTH_TOKEN_HASH_LEN];
    auth_session_hash(&keys, a, h1);
    auth_session_hash(&keys, a, h2);
    assert_memory_equal(h1, h2, sizeof(h1));
    auth_token_hash(&keys, a, h3);
    assert_memory_not_equal(h1, h3, sizeof(h1));
    auth_session_hash(&other, a, h3);
    assert_memory_not_equal(h1, h3, sizeof(h1));
    /* CSRF tokens belong to one session and one key. */
    char csrf[AUTH_CSRF_LEN];
    auth_csrf_token(&keys, a, csrf);
    assert_true(auth_csrf_check(&keys, a, csrf));
    assert_false(auth_csrf_check(&keys, b, csrf));
    assert_false(auth_csrf_check(&other, a, csrf));
    assert_false(auth_csrf_check(&keys, a, NULL));
    assert_false(auth_csrf_check(&keys, NULL, csrf));
    assert_false(auth_csrf_check(&keys, a, ""));
    csrf[3] ^= 1;
    assert_false(auth_csrf_check(&keys, a, csrf));
    auth_keys_fini(&keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(key_file_is_created_private_and_reloaded, make_key,
                                        remove_key),
        cmocka_unit_test(tokens_have_prefix_length_and_randomness),
        cmocka_unit_test_setup_teardown(hash_is_keyed_and_stable, make_key, remove_key),
        cmocka_unit_test_setup_teardown(seal_round_trips_and_detects_wrong_key, make_key,
                                        remove_key),
        cmocka_unit_test(bearer_header_parsing),
        cmocka_unit_test(passwords_hash_and_verify),
        cmocka_unit_test_setup_teardown(sessions_and_csrf_tokens, make_key, remove_key),
    };
    return cmocka_run_group_tests_name("auth_token", tests, NULL, NULL);
}
