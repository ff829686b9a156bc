"""SPEC section 7: serve --rate-limit N, requests per second per token, burst 2N; 0 = off."""
import pytest

from conftest import Api, Server, assert_rest_error


@pytest.fixture(scope="module")
def tokens(cli):
    acc = cli.account("Rate Co", "owner@rate.test")["account_id"]
    return [cli.token(acc, "owner@rate.test", name=f"t{i}")["token"] for i in range(3)]


def test_burst_then_429_with_retry_after(cli, tokens):
    server = Server(cli, "--rate-limit", "2")
    try:
        api = Api(server.url, tokens[0])
        answers = [api.get("/api/v2/users") for _ in range(4)]
        assert [r.status_code for r in answers[:4]] == [200, 200, 200, 200]
        r = api.get("/api/v2/users")
        assert_rest_error(r, 429)
        assert int(r.headers["Retry-After"]) >= 1
        assert r.headers["RateLimit-Remaining"] == "0"
        # Another token has its own bucket.
        assert Api(server.url, tokens[1]).get("/api/v2/users").status_code == 200
    finally:
        assert server.stop() == 0


def test_ratelimit_headers_on_every_api_answer(cli, tokens):
    server = Server(cli, "--rate-limit", "50")
    try:
        api = Api(server.url, tokens[2])
        for path in ["/api/v2/users", "/api/v2/recordings", "/api/v2/users/nobody@x.test"]:
            r = api.get(path)
            assert r.headers["RateLimit-Limit"] == "100"
            assert 0 <= int(r.headers["RateLimit-Remaining"]) < 100
            assert int(r.headers["RateLimit-Reset"]) >= 0
    finally:
        assert server.stop() == 0


def test_zero_switches_it_off(cli, tokens):
    server = Server(cli, "--rate-limit", "0")
    try:
        api = Api(server.url, tokens[0])
        assert all(api.get("/healthz").status_code == 200 for _ in range(5))
        r = None
        for _ in range(300):
            r = api.get("/api/v2/users")
            assert r.status_code == 200
        assert "RateLimit-Limit" not in r.headers
    finally:
        assert server.stop() == 0


def test_bad_rate_limit_value_is_usage_error(cli):
    proc = cli.run("serve", "--rate-limit", "lots", check=False)
    assert proc.returncode == 2
