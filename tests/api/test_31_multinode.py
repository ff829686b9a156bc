"""Two servers on one database: what one changes, the other sees at once. No cache may let a
revoked or deprovisioned token work again. Runs on SQLite and on PostgreSQL."""
import json

import pytest

import rest_world
from conftest import Api, Server, assert_rest_error
from scim_client import PATCH_OP, Scim


@pytest.fixture(scope="module")
def nodes(cli):
    a, b = Server(cli), Server(cli)
    yield a, b
    assert a.stop() == 0
    assert b.stop() == 0


@pytest.fixture(scope="module")
def w(cli, nodes):
    world = rest_world.build(cli)
    world["scim"] = cli.json("scim-token", "create", "--account", world["a"])["token"]
    return world


def test_revoked_token_fails_on_both_at_once(cli, nodes, w):
    t = cli.token(w["a"], "member@a.test", name="both")
    for node in nodes:
        assert Api(node.url, t["token"]).get("/api/v2/users").status_code == 200
    cli.run("token", "revoke", "--id", t["id"])
    for node in nodes:
        assert_rest_error(Api(node.url, t["token"]).get("/api/v2/users"), 401)


def test_scim_deactivation_on_one_is_seen_by_the_other(cli, nodes, w):
    one, other = nodes
    user = Scim(one.url, w["scim"]).find('userName eq "editor@a.test"').json()["Resources"][0]
    token = w["tokens"]["editor"]
    assert Api(other.url, token).get("/api/v2/recordings").status_code == 200
    r = Scim(one.url, w["scim"]).send("PATCH", f"/Users/{user['id']}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]})
    assert r.status_code == 200
    for _ in range(4):  # each worker thread of the other node
        assert_rest_error(Api(other.url, token).get("/api/v2/recordings"), 401)
    Scim(other.url, w["scim"]).send("PATCH", f"/Users/{user['id']}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": True}}]})
    assert Api(one.url, token).get("/api/v2/recordings").status_code == 200


def test_recording_changed_on_one_is_read_on_the_other(nodes, w):
    one, other = nodes
    uuid = w["all_a"][0]
    r = Api(one.url, w["tokens"]["admin"]).patch(f"/api/v2/recordings/{uuid}",
                                                 json={"recording": {"title": "Seen everywhere"}})
    assert r.status_code == 200
    for _ in range(4):
        got = Api(other.url, w["tokens"]["owner"]).get(f"/api/v2/recordings/{uuid}").json()
        assert got == r.json()


def test_deep_pages_follow_imports_made_elsewhere(cli, nodes, w):
    one, other = nodes
    records = [rest_world.recording(5000 + i, "owner@a.test",
                                    uuid=f"0190c3c4-5b6a-7c8d-9e0f-{5000 + i:012x}")
               for i in range(1100)]
    cli.import_recordings(w["a"], records)
    api = Api(other.url, w["tokens"]["owner"])
    first = api.get("/api/v2/recordings?page=11&items=100").json()
    # More recordings arrive through another process: the order changes, and the cached page
    # boundaries of `other` must not be used any more.
    newer = [rest_world.recording(7000 + i, "owner@a.test",
                                  uuid=f"0190c3c4-5b6a-7c8d-9e0f-{7000 + i:012x}")
             for i in range(50)]
    for r in newer:
        r["metadata"]["created_at"] = "2027-06-01T00:00:00.000Z"
    cli.import_recordings(w["a"], newer)
    second = api.get("/api/v2/recordings?page=11&items=100").json()
    expect = Api(one.url, w["tokens"]["owner"]).get(
        "/api/v2/recordings?page=11&items=100&created_after=1970-01-01").json()
    assert [r["uuid"] for r in second["records"]] == [r["uuid"] for r in expect["records"]]
    assert second["pagination"]["count"] == first["pagination"]["count"] + 50
    assert json.dumps(second) != json.dumps(first)
