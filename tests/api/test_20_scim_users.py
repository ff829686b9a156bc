"""SPEC section 6: SCIM Users, discovery, errors, ETags and deprovisioning."""
import pytest

from conftest import Api, assert_rest_error
from scim_client import CORE, LIST, PATCH_OP, Scim, assert_scim_error


@pytest.fixture(scope="module")
def env(cli, server):
    acc = cli.account("Scim Co", "owner@scim.test")
    other = cli.account("Other Co", "owner@other.test")
    e = {
        "account": acc["account_id"],
        "owner_id": acc["owner_id"],
        "scim": Scim(server.url, cli.json("scim-token", "create",
                                          "--account", acc["account_id"])["token"]),
        "other": Scim(server.url, cli.json("scim-token", "create",
                                           "--account", other["account_id"])["token"]),
        "rest": Api(server.url, cli.token(acc["account_id"], "owner@scim.test")["token"]),
        "server": server,
    }
    return e


def user_body(user_name, **extra):
    body = {"schemas": [CORE], "userName": user_name,
            "name": {"givenName": "Given", "familyName": "Family"},
            "emails": [{"value": user_name, "primary": True, "type": "work"}], "active": True}
    body.update(extra)
    return body


def create(env, user_name, **extra):
    r = env["scim"].send("POST", "/Users", user_body(user_name, **extra))
    assert r.status_code == 201, r.text
    return r


def test_create_answers_201_with_location_and_etag(env):
    r = create(env, "new1@scim.test", externalId="ext-new1")
    u = r.json()
    assert r.headers["Location"].endswith("/scim/v2/Users/" + u["id"])
    assert r.headers["ETag"] == u["meta"]["version"]
    assert r.headers["Content-Type"].startswith("application/scim+json")
    assert u["schemas"] == [CORE]
    assert u["userName"] == "new1@scim.test"
    assert u["externalId"] == "ext-new1"
    assert u["name"]["givenName"] == "Given" and u["name"]["familyName"] == "Family"
    assert u["emails"] == [{"value": "new1@scim.test", "primary": True, "type": "work"}]
    assert u["active"] is True
    assert u["roles"] == ["member"]
    assert u["meta"]["resourceType"] == "User"
    assert u["meta"]["location"] == r.headers["Location"]
    assert "password" not in u


def test_created_user_appears_in_rest(env):
    create(env, "Rest.Visible@scim.test", name={"formatted": "Rest Visible"})
    r = env["rest"].get("/api/v2/users/rest.visible@scim.test")
    assert r.status_code == 200
    assert r.json()["name"] == "Rest Visible"
    assert r.json()["role"] == "member"


@pytest.mark.parametrize("roles,expected", [
    (None, ["member"]),
    ([], ["member"]),
    ({"admin": True, "member": True, "editor": False}, ["admin", "member"]),
    ({"admin": True}, ["admin"]),
    ({"editor": "True", "member": "False"}, ["editor"]),
    (["admin", "editor"], ["admin", "editor"]),
    ([{"value": "editor", "primary": True}], ["editor"]),
])
def test_roles_in_every_documented_form(env, roles, expected):
    extra = {} if roles is None else {"roles": roles}
    name = f"roles{abs(hash(repr(roles))) % 10**8}@scim.test"
    u = create(env, name, **extra).json()
    assert u["roles"] == expected


def test_put_roles_left_out_become_false_and_absent_is_default(env):
    u = create(env, "putroles@scim.test", roles={"admin": True, "member": True}).json()
    r = env["scim"].send("PUT", f"/Users/{u['id']}",
                         user_body("putroles@scim.test", roles={"editor": True}))
    assert r.json()["roles"] == ["editor"]
    r = env["scim"].send("PUT", f"/Users/{u['id']}", user_body("putroles@scim.test"))
    assert r.json()["roles"] == ["member"]


def test_missing_username_or_wrong_type_is_422(env):
    for body in [{"schemas": [CORE]}, {"schemas": [CORE], "userName": 5},
                 {"schemas": [CORE], "userName": ""},
                 {"schemas": [CORE], "userName": "x@y", "active": "maybe"},
                 {"schemas": [CORE], "userName": "x@y", "roles": 7},
                 {"schemas": [CORE], "userName": "x@y", "name": "flat"}]:
        assert_scim_error(env["scim"].send("POST", "/Users", body), 422)


def test_duplicate_username_is_409_uniqueness_case_insensitive(env):
    create(env, "dup@scim.test")
    r = env["scim"].send("POST", "/Users", user_body("DUP@Scim.Test"))
    assert_scim_error(r, 409, "uniqueness")


def test_email_syntax_is_not_validated_and_password_ignored(env):
    u = create(env, "not-an-email", password="hunter2", locale="en-US", groups=[],
               **{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                  {"employeeNumber": "7", "manager": {"value": "x"}}}).json()
    assert u["userName"] == "not-an-email"
    assert "hunter2" not in str(u)


def test_manager_as_bare_string_is_ignored(env):
    u = create(env, "mgr@scim.test", manager="boss@scim.test").json()
    assert "manager" not in u


def test_get_by_id_and_by_external_id(env):
    u = create(env, "byext@scim.test", externalId="00uExt42").json()
    for key in [u["id"], "00uExt42"]:
        r = env["scim"].send("GET", f"/Users/{key}")
        assert r.status_code == 200
        assert r.json()["id"] == u["id"]
        assert r.headers["ETag"] == u["meta"]["version"]


def test_unknown_and_other_accounts_ids_are_404(env):
    u = create(env, "mine@scim.test", externalId="mine-ext").json()
    assert_scim_error(env["scim"].send("GET", "/Users/00000000-0000-7000-8000-000000000000"), 404)
    assert_scim_error(env["scim"].send("GET", "/Users/nope"), 404)
    for method, body in [("GET", None), ("PUT", user_body("mine@scim.test")),
                         ("PATCH", {"schemas": [PATCH_OP], "Operations": [
                             {"op": "replace", "value": {"active": False}}]}),
                         ("DELETE", None)]:
        for key in [u["id"], "mine-ext"]:
            assert_scim_error(env["other"].send(method, f"/Users/{key}", body), 404)
    assert env["scim"].send("GET", f"/Users/{u['id']}").json()["active"] is True
    lst = env["other"].find('userName eq "mine@scim.test"').json()
    assert lst["totalResults"] == 0


def test_list_paging(env):
    r = env["scim"].send("GET", "/Users?startIndex=2&count=3").json()
    assert r["schemas"] == [LIST]
    assert r["startIndex"] == 2
    assert r["itemsPerPage"] == len(r["Resources"]) == 3
    total = r["totalResults"]
    assert total >= 5
    everything = env["scim"].send("GET", "/Users?count=100").json()["Resources"]
    assert [u["id"] for u in r["Resources"]] == [u["id"] for u in everything[1:4]]
    assert everything[0]["userName"] == "owner@scim.test"
    r = env["scim"].send("GET", "/Users?count=0").json()
    assert r["Resources"] == [] and r["totalResults"] == total
    r = env["scim"].send("GET", f"/Users?startIndex={total + 5}").json()
    assert r["Resources"] == [] and r["totalResults"] == total
    assert_scim_error(env["scim"].send("GET", "/Users?count=abc"), 400)


def test_filter_username_is_case_insensitive(env):
    create(env, "Filter.Me@scim.test")
    r = env["scim"].find('userName eq "filter.me@SCIM.test"').json()
    assert r["totalResults"] == 1
    assert r["Resources"][0]["userName"] == "Filter.Me@scim.test"
    assert env["scim"].find('userName eq "nobody@scim.test"').json()["totalResults"] == 0


@pytest.mark.parametrize("filter_text,count", [
    ('userName sw "filt"', 1),
    ('userName co "ILTER"', 1),
    ('userName ew "@scim.test" and name.givenName eq "Given"', None),
    ('emails[type eq "work" and value eq "filter.me@scim.test"]', 1),
    ('emails[type eq "work"].value eq "FILTER.ME@scim.test"', 1),
    ('emails.value eq "filter.me@scim.test"', 1),
    ('not (userName pr)', 0),
    ('userName eq "filter.me@scim.test" or userName eq "dup@scim.test"', 2),
    ('(userName eq "filter.me@scim.test") and active eq true', 1),
    ('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "filter.me@scim.test"', 1),
])
def test_filter_grammar(env, filter_text, count):
    r = env["scim"].find(filter_text)
    assert r.status_code == 200, r.text
    if count is not None:
        assert r.json()["totalResults"] == count


@pytest.mark.parametrize("bad", ['userName eq', 'userName eq "x', 'userName xx "y"',
                                 '(userName pr', 'emails[type eq "work"', 'userName eq "a" junk'])
def test_bad_filter_is_400_invalid_filter_with_position(env, bad):
    body = assert_scim_error(env["scim"].find(bad), 400, "invalidFilter")
    assert "offset" in body["detail"]


def test_attributes_and_excluded_attributes(env):
    r = env["scim"].send("GET", "/Users?filter=userName%20eq%20%22filter.me@scim.test%22"
                                "&attributes=userName,name.givenName").json()
    u = r["Resources"][0]
    assert set(u) == {"schemas", "id", "userName", "name"}
    assert u["name"] == {"givenName": "Given"}
    r = env["scim"].send("GET", "/Users?filter=userName%20eq%20%22filter.me@scim.test%22"
                                "&excludedAttributes=emails,meta").json()
    assert "emails" not in r["Resources"][0] and "meta" not in r["Resources"][0]
    assert "userName" in r["Resources"][0]


def test_etag_if_match_and_if_none_match(env):
    u = create(env, "etag@scim.test").json()
    tag = u["meta"]["version"]
    r = env["scim"].send("GET", f"/Users/{u['id']}", headers={"If-None-Match": tag})
    assert r.status_code == 304
    assert r.content == b""
    r = env["scim"].send("PUT", f"/Users/{u['id']}", user_body("etag@scim.test", active=True),
                         headers={"If-Match": tag})
    assert r.status_code == 200
    new_tag = r.json()["meta"]["version"]
    assert new_tag != tag
    r = env["scim"].send("PUT", f"/Users/{u['id']}", user_body("etag@scim.test"),
                         headers={"If-Match": tag})
    assert_scim_error(r, 412)
    r = env["scim"].send("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "path": "active", "value": False}]}, headers={"If-Match": tag})
    assert_scim_error(r, 412)
    assert env["scim"].send("GET", f"/Users/{u['id']}",
                            headers={"If-None-Match": tag}).status_code == 200


def test_owner_cannot_be_deleted_or_deactivated(env):
    oid = env["owner_id"]
    assert_scim_error(env["scim"].send("DELETE", f"/Users/{oid}"), 403)
    assert_scim_error(env["scim"].send("PATCH", f"/Users/{oid}", {
        "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]}),
        403)
    assert_scim_error(env["scim"].send("PUT", f"/Users/{oid}",
                                       user_body("owner@scim.test", active=False)), 403)
    assert env["scim"].send("GET", f"/Users/{oid}").json()["active"] is True


def test_deprovisioning_is_real(cli, env):
    u = create(env, "leaver@scim.test", roles=["admin"]).json()
    token = cli.token(env["account"], "leaver@scim.test")["token"]
    cli.import_recordings(env["account"], [{
        "uuid": "0190c3c4-5b6a-7c8d-9e0f-00000000abcd", "title": "Made by leaver",
        "user_email": "leaver@scim.test", "user": {"name": "Leaver Name"}}])
    rest = Api(env["server"].url, token)
    assert rest.get("/api/v2/recordings").status_code == 200
    env["scim"].send("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "value": {"active": False}}]})
    assert_rest_error(rest.get("/api/v2/recordings"), 401)
    env["scim"].send("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "value": {"active": True}}]})
    assert rest.get("/api/v2/recordings").status_code == 200
    assert env["scim"].send("DELETE", f"/Users/{u['id']}").status_code == 204
    assert_rest_error(rest.get("/api/v2/recordings"), 401)
    assert_scim_error(env["scim"].send("GET", f"/Users/{u['id']}"), 404)
    rec = env["rest"].get("/api/v2/recordings/0190c3c4-5b6a-7c8d-9e0f-00000000abcd").json()
    assert rec["user"] == {"email": "leaver@scim.test", "name": "Leaver Name"}
    emails = [x["email"] for x in env["rest"].get("/api/v2/users").json()["users"]]
    assert "leaver@scim.test" not in emails


def test_inactive_users_still_listed_in_rest(env):
    u = create(env, "sleeper@scim.test", active=False).json()
    assert u["active"] is False
    emails = [x["email"] for x in env["rest"].get("/api/v2/users").json()["users"]]
    assert "sleeper@scim.test" in emails


def test_patch_errors(env):
    u = create(env, "patcherr@scim.test").json()
    path = f"/Users/{u['id']}"
    assert_scim_error(env["scim"].send("PATCH", path, {"Operations": [{"op": "remove"}]}), 400,
                      "noTarget")
    assert_scim_error(env["scim"].send("PATCH", path, {"Operations": [
        {"op": "jump", "path": "active"}]}), 400, "invalidSyntax")
    assert_scim_error(env["scim"].send("PATCH", path, {"Operations": [
        {"op": "replace", "path": "emails[type eq]", "value": "x"}]}), 400, "invalidPath")
    assert_scim_error(env["scim"].send("PATCH", path, {"Operations": [
        {"op": "replace", "path": "id", "value": "x"}]}), 400, "mutability")
    assert_scim_error(env["scim"].send("PATCH", path, {"no": "ops"}), 400, "invalidSyntax")
    r = env["scim"].request("PATCH", "/scim/v2" + path, data="{bad json",
                            headers={"Content-Type": "application/scim+json"})
    assert_scim_error(r, 400, "invalidSyntax")


def test_patch_is_atomic(env):
    u = create(env, "atomic@scim.test").json()
    r = env["scim"].send("PATCH", f"/Users/{u['id']}", {"Operations": [
        {"op": "replace", "path": "name.givenName", "value": "Changed"},
        {"op": "remove"}]})
    assert r.status_code == 400
    after = env["scim"].send("GET", f"/Users/{u['id']}").json()
    assert after["name"]["givenName"] == "Given"
    assert after["meta"]["version"] == u["meta"]["version"]


def test_patch_to_taken_username_is_409(env):
    u = create(env, "taken-a@scim.test").json()
    create(env, "taken-b@scim.test")
    r = env["scim"].send("PATCH", f"/Users/{u['id']}", {"Operations": [
        {"op": "replace", "path": "userName", "value": "TAKEN-B@scim.test"}]})
    assert_scim_error(r, 409, "uniqueness")


def test_discovery_endpoints(env):
    spc = env["scim"].send("GET", "/ServiceProviderConfig").json()
    assert spc["patch"]["supported"] is True
    assert spc["filter"]["supported"] is True
    assert spc["etag"]["supported"] is True
    assert spc["bulk"]["supported"] is False
    assert spc["sort"]["supported"] is False
    rt = env["scim"].send("GET", "/ResourceTypes").json()
    assert rt["Resources"][0]["endpoint"] == "/Users"
    assert env["scim"].send("GET", "/ResourceTypes/User").json()["schema"] == CORE
    schemas = env["scim"].send("GET", "/Schemas").json()
    names = {a["name"] for a in schemas["Resources"][0]["attributes"]}
    assert {"userName", "name", "emails", "active", "roles", "externalId"} <= names
    assert env["scim"].send("GET", f"/Schemas/{CORE}").json()["id"] == CORE
    assert_scim_error(env["scim"].send("GET", "/Schemas/urn:nope"), 404)


def test_scim_auth_rules(cli, env):
    base = env["server"].url
    assert_scim_error(Scim(base).send("GET", "/Users"), 401)
    assert_scim_error(Scim(base, "sds_" + "Z" * 43).send("GET", "/Users"), 401)
    personal = cli.token(env["account"], "owner@scim.test")["token"]
    assert_scim_error(Scim(base, personal).send("GET", "/Users"), 401)
    biz = cli.account("Biz Scim", "o@bizscim.test", plan="business")
    t = cli.json("scim-token", "create", "--account", biz["account_id"])
    assert_scim_error(Scim(base, t["token"]).send("GET", "/Users"), 403)
    off = cli.account("Off Scim", "o@offscim.test", api_access="off")
    t2 = cli.json("scim-token", "create", "--account", off["account_id"])
    assert Scim(base, t2["token"]).send("GET", "/Users").status_code == 200
    cli.run("scim-token", "revoke", "--id", t2["id"])
    assert_scim_error(Scim(base, t2["token"]).send("GET", "/Users"), 401)


def test_scim_errors_for_paths_and_methods(env):
    assert_scim_error(env["scim"].send("GET", "/Groups"), 404)
    r = env["scim"].send("DELETE", "/Users")
    assert_scim_error(r, 405)
    assert set(x.strip() for x in r.headers["Allow"].split(",")) == {"GET", "POST"}
