"""SPEC section 2: the ordered 401/403 checks, on every authenticated route."""
import pytest

from conftest import Api, assert_rest_error

ROUTES = [
    ("GET", "/api/v2/recordings"),
    ("GET", "/api/v2/recordings/00000000-0000-7000-8000-000000000000"),
    ("PATCH", "/api/v2/recordings/00000000-0000-7000-8000-000000000000"),
    ("GET", "/api/v2/users"),
    ("GET", "/api/v2/users/search?email=a@b.c"),
    ("GET", "/api/v2/users/a@b.c"),
    ("GET", "/api/v1/recordings"),
    ("GET", "/api/v1/recordings/00000000-0000-7000-8000-000000000000"),
]


@pytest.fixture(scope="module")
def world(cli, server):
    w = {}
    ent = cli.account("Enterprise Co", "owner@ent.test")
    cli.user(ent["account_id"], "member@ent.test", name="Member")
    cli.user(ent["account_id"], "gone@ent.test", name="Gone")
    w["good"] = cli.token(ent["account_id"], "owner@ent.test")["token"]
    w["member"] = cli.token(ent["account_id"], "member@ent.test")["token"]
    revoked = cli.token(ent["account_id"], "member@ent.test", name="old")
    cli.run("token", "revoke", "--id", revoked["id"])
    w["revoked"] = revoked["token"]
    biz = cli.account("Business Co", "owner@biz.test", plan="business")
    w["business"] = cli.token(biz["account_id"], "owner@biz.test")["token"]
    off = cli.account("Off Co", "owner@off.test", api_access="off")
    w["api_off"] = cli.token(off["account_id"], "owner@off.test")["token"]
    w["scim"] = cli.json("scim-token", "create", "--account", ent["account_id"])["token"]
    w["ent"] = ent
    w["api"] = Api(server.url)
    return w


def call(w, method, path, headers=None, token=None):
    return w["api"].request(method, path, token=token, headers=headers or {},
                            json={"recording": {"title": "x"}} if method == "PATCH" else None)


def assert_401(resp):
    assert_rest_error(resp, 401)
    assert resp.headers["WWW-Authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_authorization_header_is_401(world, method, path):
    assert_401(call(world, method, path))


@pytest.mark.parametrize("method,path", ROUTES)
def test_other_schemes_are_401(world, method, path):
    for header in ["Basic b3duZXI6cGFzcw==", "Token " + world["good"], world["good"],
                   "Bearer", "Bearer " + world["good"] + " extra"]:
        assert_401(call(world, method, path, headers={"Authorization": header}))


@pytest.mark.parametrize("method,path", ROUTES)
def test_unknown_token_is_401(world, method, path):
    fake = "sdp_" + "A" * 43
    assert_401(call(world, method, path, token=fake))


@pytest.mark.parametrize("method,path", ROUTES)
def test_revoked_token_is_401(world, method, path):
    assert_401(call(world, method, path, token=world["revoked"]))


@pytest.mark.parametrize("method,path", ROUTES)
def test_scim_token_on_rest_is_401(world, method, path):
    assert_401(call(world, method, path, token=world["scim"]))


@pytest.mark.parametrize("method,path", ROUTES)
def test_plan_not_enterprise_is_403(world, method, path):
    body = assert_rest_error(call(world, method, path, token=world["business"]), 403)
    assert "Enterprise plan" in body["error"]["message"]


@pytest.mark.parametrize("method,path", ROUTES)
def test_api_access_off_is_403(world, method, path):
    assert_rest_error(call(world, method, path, token=world["api_off"]), 403)


def test_scheme_name_is_case_insensitive(world):
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"]:
        r = world["api"].get("/api/v2/users", token=None,
                             headers={"Authorization": f"{scheme} {world['good']}"})
        assert r.status_code == 200, r.text


def test_valid_token_is_200(world):
    assert world["api"].get("/api/v2/recordings", token=world["good"]).status_code == 200


def test_revocation_takes_effect_at_once(cli, world):
    t = cli.token(world["ent"]["account_id"], "member@ent.test", name="short-lived")
    assert world["api"].get("/api/v2/users", token=t["token"]).status_code == 200
    cli.run("token", "revoke", "--id", t["id"])
    assert_401(world["api"].get("/api/v2/users", token=t["token"]))


def test_plan_change_takes_effect_at_once(cli, world):
    acc = cli.account("Switch Co", "owner@switch.test")
    tok = cli.token(acc["account_id"], "owner@switch.test")["token"]
    assert world["api"].get("/api/v2/users", token=tok).status_code == 200
    cli.run("account", "update", "--account", acc["account_id"], "--plan", "starter")
    assert_rest_error(world["api"].get("/api/v2/users", token=tok), 403)
    cli.run("account", "update", "--account", acc["account_id"], "--plan", "enterprise",
            "--api-access", "off")
    assert_rest_error(world["api"].get("/api/v2/users", token=tok), 403)
    cli.run("account", "update", "--account", acc["account_id"], "--api-access", "on")
    assert world["api"].get("/api/v2/users", token=tok).status_code == 200


def test_unauthenticated_answer_names_no_account(world, server):
    r = call(world, "GET", "/api/v2/users", token="sdp_" + "B" * 43)
    assert "Enterprise Co" not in r.text
    assert world["ent"]["account_id"] not in r.text


def test_health_needs_no_token(world):
    r = world["api"].get("/healthz", token=None)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def _set_user(cli, sql, *params):
    """Changes a user row directly: a state no command makes on its own."""
    cli.sql(sql, *params)


def test_token_of_inactive_user_is_401(cli, world):
    acc = world["ent"]["account_id"]
    u = cli.user(acc, "paused@ent.test")
    tok = cli.token(acc, "paused@ent.test")["token"]
    assert world["api"].get("/api/v2/users", token=tok).status_code == 200
    _set_user(cli, "UPDATE users SET is_active = 0 WHERE account_id = ? AND id = ?", acc, u["id"])
    assert_401(world["api"].get("/api/v2/users", token=tok))
    _set_user(cli, "UPDATE users SET is_active = 1 WHERE account_id = ? AND id = ?", acc, u["id"])
    assert world["api"].get("/api/v2/users", token=tok).status_code == 200


def test_token_of_deleted_user_is_401(cli, world):
    acc = world["ent"]["account_id"]
    u = cli.user(acc, "leaver@ent.test")
    tok = cli.token(acc, "leaver@ent.test")["token"]
    assert world["api"].get("/api/v2/users", token=tok).status_code == 200
    _set_user(cli, "DELETE FROM users WHERE account_id = ? AND id = ?", acc, u["id"])
    assert_401(world["api"].get("/api/v2/users", token=tok))
