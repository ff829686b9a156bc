"""SPEC section 5, version 1: records inside pagination, flat customer_email and user_email."""
import pytest

import rest_world
from conftest import Api, assert_rest_error


@pytest.fixture(scope="module")
def w(cli, server):
    world = rest_world.build(cli)
    world["api"] = {role: Api(server.url, tok) for role, tok in world["tokens"].items()}
    return world


def test_v1_list_puts_records_inside_pagination(w):
    body = w["api"]["owner"].get("/api/v1/recordings?items=5").json()
    assert set(body) == {"pagination"}
    p = body["pagination"]
    assert set(p) == {"next_page", "prev_page", "last_page", "page", "items", "pages", "from",
                      "to", "count", "records"}
    assert len(p["records"]) == 5
    assert p["page"] == 1 and p["last_page"] == 3


def test_v1_records_are_v2_plus_flat_emails(w):
    v2 = w["api"]["owner"].get("/api/v2/recordings").json()["records"]
    v1 = w["api"]["owner"].get("/api/v1/recordings").json()["pagination"]["records"]
    assert len(v1) == len(v2)
    for a, b in zip(v1, v2):
        assert a["customer_email"] == b["customer"]["email"]
        assert a["user_email"] == b["user"]["email"]
        flat = dict(a)
        del flat["customer_email"], flat["user_email"]
        assert flat == b


def test_v1_client_walks_pages_until_last(w):
    """What existing v1 clients do: read pagination.records until page == last_page."""
    seen, page = [], 1
    while True:
        p = w["api"]["owner"].get(f"/api/v1/recordings?page={page}&items=4").json()["pagination"]
        seen += [r["uuid"] for r in p["records"]]
        if p["page"] == p["last_page"]:
            break
        page += 1
    assert seen == w["all_a"]


def test_v1_single_recording(w):
    uuid = w["all_a"][0]
    r = w["api"]["owner"].get(f"/api/v1/recordings/{uuid}").json()
    assert r["uuid"] == uuid
    assert r["user_email"] == r["user"]["email"]
    assert "customer_email" in r
    assert_rest_error(w["api"]["owner"].get("/api/v1/recordings/" + "0" * 36), 404)


def test_v1_follows_visibility(w):
    p = w["api"]["member"].get("/api/v1/recordings").json()["pagination"]
    assert {r["uuid"] for r in p["records"]} == set(w["by_role"]["member"])
