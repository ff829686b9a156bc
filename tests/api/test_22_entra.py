"""The provisioning sequence Microsoft Entra ID documents for SCIM, request by request: the
connection test with a random filter, existence checks by userName and externalId, create
with the enterprise extension, get, PATCH updates written the way Entra writes them
("Replace", booleans as "True"/"False", value-path e-mails, manager), disable, delete."""
import urllib.parse
import uuid

import pytest

from conftest import Api
from scim_client import CORE, ENTERPRISE, PATCH_OP, Scim, assert_scim_error

UPN = "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081@contoso.test"
NICK = "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"


@pytest.fixture(scope="module")
def entra(cli, server):
    acc = cli.account("Entra Co", "owner@entra.test")
    token = cli.json("scim-token", "create", "--account", acc["account_id"])["token"]
    return {"scim": Scim(server.url, token), "cli": cli, "account": acc["account_id"],
            "server": server, "state": {}}


def find(entra, text):
    return entra["scim"].send("GET", "/Users?filter=" + urllib.parse.quote(text))


def test_1_test_connection_filter_with_random_guid(entra):
    r = find(entra, f'userName eq "{uuid.uuid4()}"')
    assert r.status_code == 200
    assert r.json()["totalResults"] == 0


def test_2_existence_checks(entra):
    assert find(entra, f'userName eq "{UPN}"').json()["totalResults"] == 0
    assert find(entra, f'externalId eq "{NICK}"').json()["totalResults"] == 0


def test_3_create_with_enterprise_extension(entra):
    r = entra["scim"].send("POST", "/Users", {
        "schemas": [CORE, ENTERPRISE],
        "externalId": NICK,
        "userName": UPN,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": UPN}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName",
                 "givenName": "givenName"},
        "roles": [],
        ENTERPRISE: {"employeeNumber": "1234", "department": "Support",
                     "manager": {"value": "Manager-Id"}},
    })
    assert r.status_code == 201, r.text
    u = r.json()
    assert u["userName"] == UPN
    assert u["roles"] == ["member"]  # "roles": [] is no roles: the defaults
    entra["state"]["id"] = u["id"]


def test_4_get_by_filter_on_external_id_and_username(entra):
    for text in [f'externalId eq "{NICK}"', f'userName eq "{UPN.lower()}"']:
        body = find(entra, text).json()
        assert body["totalResults"] == 1
        assert body["Resources"][0]["id"] == entra["state"]["id"]


def test_5_get_by_id(entra):
    r = entra["scim"].send("GET", f"/Users/{entra['state']['id']}")
    assert r.status_code == 200 and r.json()["externalId"] == NICK


def test_6_patch_attributes_the_way_entra_writes_them(entra):
    uid = entra["state"]["id"]
    r = entra["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "Replace", "path": "displayName", "value": "Ryan Leenay"},
            {"op": "Add", "path": "emails[type eq \"work\"].value", "value": UPN},
            {"op": "Replace", "path": "name.givenName", "value": "Ryan"},
            {"op": "Replace", "path": "name.familyName", "value": "Leenay"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "Manager-2"},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Sales"},
            {"op": "Add", "path": "roles", "value": [{"primary": False, "value": "admin"}]},
        ]})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["name"]["givenName"] == "Ryan" and u["name"]["familyName"] == "Leenay"
    assert u["displayName"] == "Ryan Leenay"
    assert u["roles"] == ["admin", "member"]
    assert u["emails"][0]["value"] == UPN


def test_7_pathless_replace_with_keys_as_paths(entra):
    uid = entra["state"]["id"]
    r = entra["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "Replace", "value": {"name.givenName": "Ry",
                                                   "displayName": "Ry Leenay"}}]})
    assert r.status_code == 200, r.text
    assert r.json()["name"]["givenName"] == "Ry"
    assert r.json()["name"]["formatted"] == "Ry Leenay"


def test_8_disable_with_string_boolean(entra):
    uid = entra["state"]["id"]
    token = entra["cli"].token(entra["account"], UPN)["token"]
    entra["state"]["token"] = token
    api = Api(entra["server"].url, token)
    assert api.get("/api/v2/users").status_code == 200
    r = entra["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "Replace", "path": "active",
                                               "value": "False"}]})
    assert r.status_code == 200
    assert r.json()["active"] is False
    assert api.get("/api/v2/users").status_code == 401


def test_9_enable_again(entra):
    uid = entra["state"]["id"]
    r = entra["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "Replace", "path": "active",
                                               "value": "True"}]})
    assert r.json()["active"] is True
    assert Api(entra["server"].url, entra["state"]["token"]).get("/api/v2/users").status_code == 200


def test_10_remove_manager_and_roles(entra):
    uid = entra["state"]["id"]
    r = entra["scim"].send("PATCH", f"/Users/{uid}", {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"},
                       {"op": "Remove", "path": "roles[value eq \"admin\"]"}]})
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["member"]


def test_11_delete(entra):
    uid = entra["state"]["id"]
    assert entra["scim"].send("DELETE", f"/Users/{uid}").status_code == 204
    assert find(entra, f'userName eq "{UPN}"').json()["totalResults"] == 0
    assert_scim_error(entra["scim"].send("GET", f"/Users/{uid}"), 404)
    assert Api(entra["server"].url, entra["state"]["token"]).get(
        "/api/v2/users").status_code == 401
