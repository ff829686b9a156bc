"""SPEC sections 1 and 4 at the HTTP boundary: 404, 405 with Allow, 413, JSON everywhere,
request ids and the access log."""
import json
import socket
import time

import pytest

from conftest import IS_POSTGRES, Api, assert_rest_error


@pytest.fixture(scope="module")
def api(cli, server):
    acc = cli.account("Http Co", "owner@http.test")
    return Api(server.url, cli.token(acc["account_id"], "owner@http.test")["token"])


@pytest.mark.parametrize("path", ["/nope", "/api", "/api/v2", "/api/v3/recordings",
                                  "/api/v2/recordings/a/b", "/healthz/x"])
def test_unknown_path_is_404_in_rest_shape(api, path):
    assert_rest_error(api.get(path), 404)


def test_root_sends_a_browser_to_the_tokens_page(api):
    r = api.get("/", allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/settings/tokens"


@pytest.mark.parametrize("method,path,allow", [
    ("POST", "/healthz", {"GET"}),
    ("DELETE", "/api/v2/recordings", {"GET"}),
    ("PUT", "/api/v2/recordings/00000000-0000-7000-8000-000000000000", {"GET", "PATCH"}),
    ("POST", "/api/v2/users", {"GET"}),
    ("PATCH", "/api/v1/recordings/x", {"GET"}),
])
def test_wrong_method_is_405_with_allow(api, method, path, allow):
    r = api.request(method, path)
    assert_rest_error(r, 405)
    assert {m.strip() for m in r.headers["Allow"].split(",")} == allow


def test_body_over_one_mebibyte_is_413(api):
    big = "x" * (1024 * 1024 + 1)
    r = api.patch("/api/v2/recordings/00000000-0000-7000-8000-000000000000",
                  data=json.dumps({"recording": {"title": big}}),
                  headers={"Content-Type": "application/json"})
    assert_rest_error(r, 413)


def test_chunked_body_over_limit_is_413(api):
    def chunks():
        for _ in range(300):
            yield b"y" * 4096

    r = api.patch("/api/v2/recordings/00000000-0000-7000-8000-000000000000", data=chunks(),
                  headers={"Content-Type": "application/json"})
    assert_rest_error(r, 413)


def test_413_even_without_a_token(api):
    r = api.patch("/api/v2/recordings/x", token=None, data="z" * (2 * 1024 * 1024))
    assert_rest_error(r, 413)


def test_invalid_utf8_in_query_is_400(api):
    assert_rest_error(api.get("/api/v2/users/search?email=%ff%fe"), 400)


def test_responses_are_json(api):
    for path in ["/healthz", "/api/v2/users", "/api/v2/recordings", "/missing"]:
        r = api.get(path)
        assert r.headers["Content-Type"].startswith("application/json")
        r.json()


def test_request_id_is_echoed_or_made(api):
    r = api.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert r.headers["X-Request-Id"] == "abc-123"
    r = api.get("/healthz")
    assert len(r.headers["X-Request-Id"]) >= 16
    r = api.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert r.headers["X-Request-Id"] != "bad id with spaces"


def test_access_log_has_one_json_line_per_request_without_token(api, server):
    r = api.get("/api/v2/users?page=1", headers={"X-Request-Id": "log-check-1"})
    assert r.status_code == 200
    # The line is written once the answer has gone out, so it may land just after it.
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in server.log_text().splitlines()
                 if line.startswith("{")]
        mine = [entry for entry in lines if entry.get("request_id") == "log-check-1"]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(mine) == 1
    entry = mine[0]
    assert entry["method"] == "GET"
    assert entry["path"] == "/api/v2/users"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], (int, float))
    assert entry["account_id"]
    assert "time" in entry
    assert api.token not in server.log_text()


def test_malformed_request_line_does_not_crash(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        s.recv(4096)
    r = Api(server.url).get("/healthz")
    assert r.status_code == 200


def test_libpq_is_loaded_only_for_postgresql(api, server):
    # A server on SQLite does not map libpq and the libraries it brings (a third of the
    # start-up time); one on PostgreSQL has loaded it by the time it answers.
    assert api.get("/healthz").status_code == 200
    with open(f"/proc/{server.proc.pid}/maps") as f:
        maps = f.read()
    assert ("/libpq.so" in maps) == IS_POSTGRES
