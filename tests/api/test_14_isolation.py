"""SPEC section 2: one account never sees another's data, and members see only their own
recordings; anything else answers exactly as a missing record. Table-driven over every
endpoint that takes an id."""
import json

import pytest

import rest_world
from conftest import Api

MISSING_UUID = "0190c3c4-5b6a-7c8d-9e0f-ffffffffffff"


@pytest.fixture(scope="module")
def w(cli, server):
    world = rest_world.build(cli)
    world["api"] = {role: Api(server.url, tok) for role, tok in world["tokens"].items()}
    return world


def endpoints(uuid, email):
    return [
        ("GET", f"/api/v2/recordings/{uuid}", None),
        ("GET", f"/api/v1/recordings/{uuid}", None),
        ("PATCH", f"/api/v2/recordings/{uuid}", {"recording": {"title": "stolen"}}),
        ("GET", f"/api/v2/users/{email}", None),
        ("GET", f"/api/v2/users/search?email={email}", None),
    ]


def answer(api, method, path, body):
    r = api.request(method, path, json=body) if body else api.request(method, path)
    return r.status_code, r.json()


def cases():
    # (caller, whose data, which item)
    return [("b_owner", "a", "owner"), ("b_member", "a", "member"), ("owner", "b", "b"),
            ("admin", "b", "b")]


@pytest.mark.parametrize("caller,owner,item", cases())
def test_other_accounts_ids_answer_as_missing(w, caller, owner, item):
    api = w["api"][caller]
    if owner == "a":
        uuid, email = w["by_role"][item][0], f"{item}@a.test"
    else:
        uuid, email = w["b_recordings"][0], "member@b.test"
    missing_email = "nobody@nowhere.test"
    for (m, path, body), (_, missing_path, mbody) in zip(endpoints(uuid, email),
                                                          endpoints(MISSING_UUID, missing_email)):
        if caller in ("b_member",) and m == "PATCH":
            continue  # a member's PATCH is 403 before any look-up, for any id
        got = answer(api, m, path, body)
        expected = answer(api, m, missing_path, mbody)
        assert got[0] == 404, (m, path, got)
        assert got == expected, (m, path)
        assert "stolen" not in json.dumps(got[1])


@pytest.mark.parametrize("role,other", [("member", "owner"), ("member", "admin"),
                                        ("member", "editor"), ("editor", "member"),
                                        ("editor", "owner")])
def test_members_see_others_recordings_as_missing(w, role, other):
    api = w["api"][role]
    uuid = w["by_role"][other][0]
    for path in [f"/api/v2/recordings/{uuid}", f"/api/v1/recordings/{uuid}"]:
        got = api.get(path)
        missing = api.get(path.replace(uuid, MISSING_UUID))
        assert (got.status_code, got.json()) == (missing.status_code, missing.json()) == (
            404, missing.json())


def test_lists_never_include_another_account(w):
    a_ids = set(w["all_a"])
    b_ids = set(w["b_recordings"])
    for caller in ["b_owner", "b_member"]:
        for path, key in [("/api/v2/recordings", "records"), ("/api/v2/users", "users")]:
            body = w["api"][caller].get(path).json()
            text = json.dumps(body)
            assert not any(u in text for u in a_ids)
            assert "@a.test" not in text
    body = w["api"]["owner"].get("/api/v2/recordings").json()
    assert not b_ids & {r["uuid"] for r in body["records"]}
    assert "@b.test" not in json.dumps(w["api"]["owner"].get("/api/v2/users").json())


def test_filters_cannot_reach_another_account(w):
    body = w["api"]["owner"].get("/api/v2/recordings?user_email=member@b.test").json()
    assert body["pagination"]["count"] == 0


def test_patch_on_another_accounts_recording_changes_nothing(w):
    uuid = w["b_recordings"][1]
    before = w["api"]["b_owner"].get(f"/api/v2/recordings/{uuid}").json()
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{uuid}", json={"recording": {"title": "x"}})
    assert r.status_code == 404
    assert w["api"]["b_owner"].get(f"/api/v2/recordings/{uuid}").json() == before
