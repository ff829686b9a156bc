"""Fault injection: with every Nth store call failing, each endpoint answers a clean 500 or
503 in its own error shape, never a half-written body, and the server goes on serving."""
import pytest

import rest_world
from conftest import IS_POSTGRES, Api, Server, assert_rest_error
from scim_client import CORE, PATCH_OP, Scim, assert_scim_error


@pytest.fixture(scope="module")
def w(cli):
    world = rest_world.build(cli)
    world["scim"] = cli.json("scim-token", "create", "--account", world["a"])["token"]
    return world


def calls(w):
    uuid = w["all_a"][0]
    return [
        ("rest", "GET", "/api/v2/recordings?items=5", None),
        ("rest", "GET", "/api/v2/recordings?page=2&items=5&provider=zendesk", None),
        ("rest", "GET", f"/api/v2/recordings/{uuid}", None),
        ("rest", "PATCH", f"/api/v2/recordings/{uuid}", {"recording": {"title": "Fault"}}),
        ("rest", "GET", "/api/v2/users", None),
        ("rest", "GET", "/api/v2/users/admin@a.test", None),
        ("rest", "GET", "/api/v2/users/search?email=member@a.test", None),
        ("rest", "GET", "/api/v1/recordings?items=3", None),
        ("rest", "GET", f"/api/v1/recordings/{uuid}", None),
        ("scim", "GET", "/Users?count=3", None),
        ("scim", "GET", '/Users?filter=userName%20eq%20%22admin@a.test%22', None),
        ("scim", "GET", '/Users?filter=userName%20co%20%22a.test%22', None),
        ("scim", "POST", "/Users", {"schemas": [CORE], "userName": "faulty@a.test"}),
        ("scim", "PATCH", "/Users/missing", {"schemas": [PATCH_OP], "Operations": [
            {"op": "replace", "value": {"active": True}}]}),
        ("scim", "GET", "/ServiceProviderConfig", None),
    ]


def send(server, w, kind, method, path, body):
    if kind == "rest":
        return Api(server.url, w["tokens"]["owner"]).request(method, path, json=body)
    return Scim(server.url, w["scim"]).send(method, "" + path, body)


def test_every_call_failing_answers_503_everywhere(cli, w):
    server = Server(cli, env={"SCREENDESK_TEST_FAIL_STORE_EVERY": "1"})
    try:
        for kind, method, path, body in calls(w):
            r = send(server, w, kind, method, path, body)
            if kind == "rest":
                assert_rest_error(r, 503)
            else:
                assert_scim_error(r, 503)
        assert_rest_error(Api(server.url).get("/readyz", token=None), 503)
        assert Api(server.url).get("/healthz", token=None).status_code == 200
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("every", ["2", "3", "5"])
def test_some_calls_failing_answer_cleanly(cli, w, every):
    server = Server(cli, env={"SCREENDESK_TEST_FAIL_STORE_EVERY": every})
    failures = 0
    try:
        for _ in range(6):
            for kind, method, path, body in calls(w):
                r = send(server, w, kind, method, path, body)
                assert r.status_code < 600
                if r.status_code >= 500:
                    failures += 1
                    assert r.status_code in (500, 503)
                    if kind == "rest":
                        body_json = assert_rest_error(r, r.status_code)
                        assert "sqlite" not in body_json["error"]["message"].lower()
                    else:
                        assert_scim_error(r, r.status_code)
                else:
                    r.json()  # a whole, valid body
        assert failures > 0
        assert Api(server.url).get("/healthz", token=None).status_code == 200
    finally:
        assert server.stop() == 0


@pytest.mark.skipif(IS_POSTGRES, reason="PostgreSQL's COMMIT is durable by itself: no group commit")
def test_no_write_is_answered_before_it_is_on_disk(cli, w):
    """Group commit: a write's answer waits for the log flush that covers it. With a disk that
    cannot flush (test switch), every write answers 503 in its API's shape; reads, and the
    token's "last used" write that rides along with them, still answer."""
    server = Server(cli, env={"SCREENDESK_TEST_FAIL_SYNC": "1"})
    try:
        uuid = w["all_a"][0]
        api = Api(server.url, w["tokens"]["owner"])
        assert api.get(f"/api/v2/recordings/{uuid}").status_code == 200
        r = api.patch(f"/api/v2/recordings/{uuid}", json={"recording": {"title": "Not flushed"}})
        assert_rest_error(r, 503)
        r = Scim(server.url, w["scim"]).send("POST", "/Users",
                                             {"schemas": [CORE], "userName": "unflushed@a.test"})
        assert_scim_error(r, 503)
        assert api.get("/api/v2/users").status_code == 200
    finally:
        assert server.stop() == 0
