"""The provisioning sequence Okta documents for SCIM 2.0 apps, request by request: existence
check by filter, create, get, profile update (PUT and PATCH), deactivate, reactivate, and
the connection test. Bodies follow Okta's published examples."""
import urllib.parse

import pytest

from conftest import Api
from scim_client import CORE, LIST, PATCH_OP, Scim, assert_scim_error

USER = "dade.murphy@example.com"


@pytest.fixture(scope="module")
def okta(cli, server):
    acc = cli.account("Okta Co", "owner@okta.test")
    token = cli.json("scim-token", "create", "--account", acc["account_id"])["token"]
    return {"scim": Scim(server.url, token), "cli": cli, "account": acc["account_id"],
            "server": server, "state": {}}


def test_1_connection_test_lists_users(okta):
    r = okta["scim"].send("GET", "/Users?startIndex=1&count=1")
    assert r.status_code == 200
    assert r.json()["schemas"] == [LIST]


def test_2_existence_check_finds_nobody(okta):
    q = urllib.parse.quote(f'userName eq "{USER}"')
    r = okta["scim"].send("GET", f"/Users?filter={q}&startIndex=1&count=100")
    assert r.status_code == 200
    body = r.json()
    assert body == {"schemas": [LIST], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0,
                    "Resources": []}


def test_3_create(okta):
    r = okta["scim"].send("POST", "/Users", {
        "schemas": [CORE],
        "userName": USER,
        "name": {"givenName": "Dade", "familyName": "Murphy"},
        "emails": [{"primary": True, "value": USER, "type": "work"}],
        "displayName": "Dade Murphy",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    })
    assert r.status_code == 201, r.text
    u = r.json()
    assert u["userName"] == USER and u["active"] is True
    assert u["externalId"] == "00ujl29u0le5T6Aj10h7"
    assert u["name"]["formatted"] == "Dade Murphy"
    okta["state"]["id"] = u["id"]


def test_4_existence_check_finds_the_user(okta):
    q = urllib.parse.quote(f'userName eq "{USER}"')
    body = okta["scim"].send("GET", f"/Users?filter={q}&startIndex=1&count=100").json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == okta["state"]["id"]


def test_5_get_by_id(okta):
    r = okta["scim"].send("GET", f"/Users/{okta['state']['id']}")
    assert r.status_code == 200
    assert r.json()["userName"] == USER


def test_6_profile_update_with_put(okta):
    uid = okta["state"]["id"]
    r = okta["scim"].send("PUT", f"/Users/{uid}", {
        "schemas": [CORE], "id": uid, "userName": USER,
        "name": {"givenName": "Dade", "familyName": "Murphy-Zero"},
        "emails": [{"primary": True, "value": USER, "type": "work"}],
        "active": True, "externalId": "00ujl29u0le5T6Aj10h7",
        "meta": {"resourceType": "User"},
    })
    assert r.status_code == 200, r.text
    assert r.json()["name"]["familyName"] == "Murphy-Zero"
    assert r.json()["name"]["formatted"] == "Dade Murphy-Zero"


def test_7_profile_update_with_patch(okta):
    uid = okta["state"]["id"]
    r = okta["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"name": {"givenName": "Crash",
                                                            "familyName": "Override"}}}]})
    assert r.status_code == 200, r.text
    assert r.json()["name"]["givenName"] == "Crash"
    assert r.json()["name"]["formatted"] == "Crash Override"


def test_8_deactivate(okta):
    uid = okta["state"]["id"]
    token = okta["cli"].token(okta["account"], USER)["token"]
    okta["state"]["token"] = token
    api = Api(okta["server"].url, token)
    assert api.get("/api/v2/users").status_code == 200
    r = okta["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]})
    assert r.status_code == 200
    assert r.json()["active"] is False
    assert api.get("/api/v2/users").status_code == 401


def test_9_reactivate(okta):
    uid = okta["state"]["id"]
    r = okta["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": True}}]})
    assert r.json()["active"] is True
    api = Api(okta["server"].url, okta["state"]["token"])
    assert api.get("/api/v2/users").status_code == 200


def test_10_import_pages_through_users(okta):
    for i in range(5):
        okta["scim"].send("POST", "/Users", {"schemas": [CORE], "userName": f"imp{i}@okta.test"})
    seen, start = [], 1
    while True:
        body = okta["scim"].send("GET", f"/Users?startIndex={start}&count=2").json()
        seen += [u["userName"] for u in body["Resources"]]
        start += body["itemsPerPage"]
        if start > body["totalResults"]:
            break
    assert len(seen) == len(set(seen)) == body["totalResults"] == 7


def test_11_delete(okta):
    uid = okta["state"]["id"]
    assert okta["scim"].send("DELETE", f"/Users/{uid}").status_code == 204
    assert_scim_error(okta["scim"].send("GET", f"/Users/{uid}"), 404)
    assert_scim_error(okta["scim"].send("DELETE", f"/Users/{uid}"), 404)
