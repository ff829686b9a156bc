"""SPEC sections 1 and 2: /api/v2/users, /api/v2/users/{email}, /api/v2/users/search."""
import re
import urllib.parse

import pytest

import rest_world
from conftest import Api, assert_rest_error

USER_KEYS = {"email", "name", "has_avatar", "role", "notifications", "created_at", "updated_at"}


@pytest.fixture(scope="module")
def w(cli, server):
    world = rest_world.build(cli)
    world["api"] = {role: Api(server.url, tok) for role, tok in world["tokens"].items()}
    return world


def test_list_users_oldest_first_with_documented_shape(w):
    body = w["api"]["member"].get("/api/v2/users").json()
    assert set(body) == {"pagination", "users"}
    emails = [u["email"] for u in body["users"]]
    assert emails == ["owner@a.test", "admin@a.test", "member@a.test", "editor@a.test"]
    for u in body["users"]:
        assert set(u) == USER_KEYS
        assert set(u["notifications"]) == {"notify_first_view", "notify_new_account_recording",
                                           "notify_new_recording"}
        assert all(v in ("Enabled", "Disabled") for v in u["notifications"].values())
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", u["created_at"])
        assert isinstance(u["has_avatar"], bool)
    assert [u["role"] for u in body["users"]] == ["owner", "admin", "member", "editor"]
    assert body["pagination"]["count"] == 4


def test_users_pagination(w):
    body = w["api"]["owner"].get("/api/v2/users?items=3&page=2").json()
    assert [u["email"] for u in body["users"]] == ["editor@a.test"]
    p = body["pagination"]
    assert p == {"next_page": None, "prev_page": 1, "last_page": 2, "page": 2, "items": 1,
                 "pages": 2, "from": 4, "to": 4, "count": 4}
    assert_rest_error(w["api"]["owner"].get("/api/v2/users?page=0"), 400)


def test_get_user_by_email_in_path(w):
    r = w["api"]["owner"].get("/api/v2/users/" + urllib.parse.quote("admin@a.test"))
    assert r.status_code == 200
    assert r.json()["email"] == "admin@a.test"
    assert r.json()["role"] == "admin"
    assert set(r.json()) == USER_KEYS


def test_get_user_by_email_is_case_insensitive(w):
    r = w["api"]["owner"].get("/api/v2/users/ADMIN%40A.TEST")
    assert r.status_code == 200
    assert r.json()["email"] == "admin@a.test"


def test_search_by_email(w):
    r = w["api"]["member"].get("/api/v2/users/search?email=Member%40A.test")
    assert r.status_code == 200
    assert r.json()["email"] == "member@a.test"
    assert r.json()["name"] == "Member"


def test_search_without_email_is_400(w):
    assert_rest_error(w["api"]["owner"].get("/api/v2/users/search"), 400)
    assert_rest_error(w["api"]["owner"].get("/api/v2/users/search?email="), 400)


def test_unknown_email_is_404(w):
    assert_rest_error(w["api"]["owner"].get("/api/v2/users/nobody@a.test"), 404)
    assert_rest_error(w["api"]["owner"].get("/api/v2/users/search?email=nobody@a.test"), 404)


def test_inactive_users_are_listed_deleted_are_not(cli, w):
    acc = w["a"]
    cli.user(acc, "inactive@a.test")
    deleted = cli.user(acc, "deleted@a.test")
    cli.sql("UPDATE users SET is_active = 0 WHERE email_lower = 'inactive@a.test'")
    cli.sql("DELETE FROM users WHERE account_id = ? AND id = ?", acc, deleted["id"])
    emails = [u["email"] for u in w["api"]["owner"].get("/api/v2/users").json()["users"]]
    assert "inactive@a.test" in emails
    assert "deleted@a.test" not in emails
    assert w["api"]["owner"].get("/api/v2/users/inactive@a.test").status_code == 200
    assert_rest_error(w["api"]["owner"].get("/api/v2/users/deleted@a.test"), 404)
