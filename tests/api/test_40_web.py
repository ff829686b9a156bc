"""The web pages over plain HTTP: sign-in, sessions, CSRF, the slow-down after failed sign-ins,
the API Tokens tab and its checks, "last used". The browser test (test_41) drives the same
pages in chromium."""
import html
import re
import time
import uuid

import pytest
import requests

from conftest import IS_POSTGRES, Api, Server

PASSWORD = "a long enough passphrase"


def csrf_of(page):
    m = re.search(r'name="csrf" value="([A-Za-z0-9_-]+)"', page)
    assert m, page
    return m.group(1)


class Browser:
    """A requests session that behaves like a form-posting browser on one server."""

    def __init__(self, server):
        self.base = server.url
        self.s = requests.Session()

    def get(self, path, **kw):
        return self.s.get(self.base + path, allow_redirects=False, timeout=30, **kw)

    def post(self, path, data, csrf=..., **kw):
        data = dict(data)
        if csrf is ...:
            csrf = self.csrf_for(path)
        if csrf is not None:
            data["csrf"] = csrf
        return self.s.post(self.base + path, data=data, allow_redirects=False, timeout=30, **kw)

    def csrf_for(self, path):
        page = "/signin" if path == "/signin" else "/settings/tokens/new"
        return csrf_of(self.get(page).text)

    def sign_in(self, email, password=PASSWORD):
        return self.post("/signin", {"email": email, "password": password})


def set_password(cli, account, email, password=PASSWORD):
    cli.run("user", "set-password", "--account", account, "--email", email, "--password-stdin",
            stdin=password + "\n")


@pytest.fixture(scope="module")
def world(cli):
    acc = cli.account("Web Co", "owner@web.test")["account_id"]
    cli.user(acc, "member@web.test", name="Mia Member")
    set_password(cli, acc, "owner@web.test")
    set_password(cli, acc, "member@web.test")
    other = cli.account("Other Co", "owner@other.test")["account_id"]
    set_password(cli, other, "owner@other.test")
    return {"acc": acc, "other": other}


def signed_in(server, email):
    b = Browser(server)
    r = b.sign_in(email)
    assert r.status_code == 303, r.text
    return b


def create_token(b, name):
    r = b.post("/settings/tokens", {"name": name})
    assert r.status_code == 303, r.text
    m = re.match(r"/settings/tokens\?created=([0-9a-f-]{36})", r.headers["Location"])
    assert m, r.headers["Location"]
    token_id = m.group(1)
    page = b.get(f"/settings/tokens/{token_id}").text
    raw = re.search(r'id="token-value"[^>]*value="(sdp_[A-Za-z0-9_-]{43})"', page).group(1)
    return token_id, raw


def test_sign_in_page_sets_a_strict_http_only_form_cookie(server):
    r = requests.get(server.url + "/signin", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("screendesk_signin=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert '<label for="email">Email</label>' in r.text
    assert '<label for="password">Password</label>' in r.text


def test_sign_in_starts_a_session_stored_only_as_a_hash(server, cli, world):
    b = Browser(server)
    r = b.sign_in("OWNER@web.test")  # emails compare case-insensitively
    assert r.status_code == 303 and r.headers["Location"] == "/settings/tokens"
    cookie = [c for c in r.headers["Set-Cookie"].split(", ") if "screendesk_session=" in c]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Strict" in cookie[0]
    assert "Max-Age=43200" in cookie[0]
    value = b.s.cookies["screendesk_session"]
    page = b.get("/settings/tokens")
    assert page.status_code == 200
    assert "<h1>Personal Settings</h1>" in page.text and "Create an API Token" in page.text
    assert 'aria-current="page">API Tokens</a>' in page.text
    if not IS_POSTGRES:
        with open(cli.db[len("sqlite:"):], "rb") as f:
            assert value.encode() not in f.read()


def test_pages_need_a_session(server):
    for path in ["/settings", "/settings/tokens", "/settings/profile", "/settings/tokens/new"]:
        r = requests.get(server.url + path, allow_redirects=False, timeout=10)
        assert r.status_code == 303 and r.headers["Location"] == "/signin", path
    r = requests.get(server.url + "/settings/tokens", allow_redirects=False, timeout=10,
                     cookies={"screendesk_session": "A" * 43})
    assert r.status_code == 303 and "screendesk_session=;" in r.headers["Set-Cookie"]
    r = requests.post(server.url + "/settings/tokens", data={"name": "x"},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"


def test_wrong_password_unknown_email_and_no_password_all_fail_alike(server, cli, world):
    cli.user(world["acc"], "nopassword@web.test")
    for email, password in [("owner@web.test", "wrong password!"),
                            ("nobody@web.test", PASSWORD),
                            ("nopassword@web.test", PASSWORD)]:
        r = Browser(server).sign_in(email, password)
        assert r.status_code == 403
        assert "Incorrect email or password." in r.text
        assert "screendesk_session" not in r.headers.get("Set-Cookie", "")
    cli.sql("UPDATE users SET failed_sign_ins = 0 WHERE email_lower = 'owner@web.test'")


def test_sign_in_form_needs_its_csrf_token_and_cookie(server, world):
    b = Browser(server)
    r = b.post("/signin", {"email": "owner@web.test", "password": PASSWORD}, csrf=None)
    assert r.status_code == 403 and "expired" in r.text
    fresh = requests.Session()
    csrf = csrf_of(fresh.get(server.url + "/signin", timeout=10).text)
    r = requests.post(server.url + "/signin", timeout=10, allow_redirects=False,
                      data={"email": "owner@web.test", "password": PASSWORD, "csrf": csrf})
    assert r.status_code == 403  # the token without its cookie
    r = b.post("/signin", {"email": "owner@web.test", "password": PASSWORD},
               headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_repeated_failures_slow_sign_in_down(server, cli, world):
    email = f"slow-{uuid.uuid4().hex[:8]}@web.test"
    cli.user(world["acc"], email)
    set_password(cli, world["acc"], email)
    b = Browser(server)
    for _ in range(5):
        assert b.sign_in(email, "not the password").status_code == 403
    r = b.sign_in(email)  # even the right password waits now
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "Too many failed sign-ins" in r.text
    cli.sql("UPDATE users SET sign_in_blocked_until = 0 WHERE email_lower = ?", email)
    assert b.sign_in(email).status_code == 303
    # A success starts the count again.
    assert b.sign_in(email, "not the password").status_code == 403
    assert b.sign_in(email).status_code == 303


def test_sign_out_ends_the_session_on_the_server(server, world):
    b = signed_in(server, "owner@web.test")
    value = b.s.cookies["screendesk_session"]
    r = b.post("/signout", {}, csrf=csrf_of(b.get("/settings/tokens").text))
    assert r.status_code == 303 and r.headers["Location"] == "/signin?signed_out=1"
    r = requests.get(server.url + "/settings/tokens", cookies={"screendesk_session": value},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"


def test_expired_sessions_end(server, cli, world):
    b = signed_in(server, "member@web.test")
    cli.sql("UPDATE sessions SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE "
            "email_lower = 'member@web.test')")
    assert b.get("/settings/tokens").status_code == 303


def test_deactivated_and_deleted_users_lose_their_sessions(server, cli, world):
    email = f"leaver-{uuid.uuid4().hex[:8]}@web.test"
    uid = cli.user(world["acc"], email)["user_id"]
    set_password(cli, world["acc"], email)
    b = signed_in(server, email)
    assert b.get("/settings/tokens").status_code == 200
    cli.sql("UPDATE users SET is_active = 0 WHERE id = ?", uid)
    assert b.get("/settings/tokens").status_code == 303
    assert Browser(server).sign_in(email).status_code == 403
    cli.sql("UPDATE users SET is_active = 1 WHERE id = ?", uid)
    b = signed_in(server, email)
    cli.sql("DELETE FROM users WHERE id = ?", uid)
    assert b.get("/settings/tokens").status_code == 303


def test_create_view_rename_revoke(server, world):
    b = signed_in(server, "owner@web.test")
    token_id, raw = create_token(b, "Zendesk export")
    api = Api(server.url, raw)
    assert api.get("/api/v2/users").status_code == 200
    page = b.get("/settings/tokens").text
    assert "Zendesk export" in page and f'href="/settings/tokens/{token_id}"' in page
    r = b.post(f"/settings/tokens/{token_id}/edit", {"name": "  CRM sync  "})
    assert r.status_code == 303 and r.headers["Location"] == "/settings/tokens?notice=renamed"
    assert "CRM sync" in b.get("/settings/tokens?notice=renamed").text
    confirm = b.get(f"/settings/tokens/{token_id}/revoke")
    assert "Revoke token “CRM sync”?" in confirm.text
    r = b.post(f"/settings/tokens/{token_id}/revoke", {}, csrf=csrf_of(confirm.text))
    assert r.status_code == 303
    assert api.get("/api/v2/users").status_code == 401
    view = b.get(f"/settings/tokens/{token_id}").text
    assert "Revoked" in view and raw not in view
    assert b.post(f"/settings/tokens/{token_id}/edit", {"name": "again"}).status_code == 409


def test_names_are_checked_and_escaped(server, world):
    b = signed_in(server, "owner@web.test")
    for bad, message in [("", "Enter a token name."), ("   ", "Enter a token name."),
                         ("x" * 256, "too long"), ("a\u0007b", "control characters")]:
        r = b.post("/settings/tokens", {"name": bad})
        assert r.status_code == 422 and message in r.text, bad
        assert 'aria-invalid="true"' in r.text
    assert b.post("/settings/tokens", {"name": "é" * 255}).status_code == 303
    name = '<script>alert("x")</script> & co'
    create_token(b, name)
    page = b.get("/settings/tokens").text
    assert name not in page and html.escape(name, quote=True).replace("&#x27;", "&#39;") \
        .replace("&quot;", "&#34;") in page


def test_forms_need_the_sessions_csrf_token(server, world):
    a = signed_in(server, "owner@web.test")
    m = signed_in(server, "member@web.test")
    r = a.post("/settings/tokens", {"name": "no csrf"}, csrf=None)
    assert r.status_code == 403
    r = a.post("/settings/tokens", {"name": "csrf of another session"}, csrf=m.csrf_for("/"))
    assert r.status_code == 403
    r = a.post("/settings/tokens", {"name": "as json"}, csrf=a.csrf_for("/"))
    assert r.status_code == 303
    r = a.s.post(server.url + "/settings/tokens", json={"name": "x"}, allow_redirects=False,
                 timeout=10)
    assert r.status_code == 415


def test_nobody_else_reaches_a_users_tokens(server, cli, world):
    owner = signed_in(server, "owner@web.test")
    token_id, raw = create_token(owner, "mine")
    member = signed_in(server, "member@web.test")
    outsider = signed_in(server, "owner@other.test")
    for b in (member, outsider):
        assert b.get(f"/settings/tokens/{token_id}").status_code == 404
        assert b.get(f"/settings/tokens/{token_id}/edit").status_code == 404
        assert b.post(f"/settings/tokens/{token_id}/edit", {"name": "taken"}).status_code == 404
        assert b.post(f"/settings/tokens/{token_id}/revoke", {}).status_code == 404
        assert "mine" not in b.get("/settings/tokens").text
    assert Api(server.url, raw).get("/api/v2/users").status_code == 200


def test_profile_tab(server, world):
    b = signed_in(server, "member@web.test")
    page = b.get("/settings/profile").text
    assert "Mia Member" in page and "member@web.test" in page and "<dd>member</dd>" in page


def test_accounts_without_api_access_are_told(server, cli):
    acc = cli.account("Starter Co", "owner@starter.test", plan="starter")["account_id"]
    set_password(cli, acc, "owner@starter.test")
    b = signed_in(server, "owner@starter.test")
    assert "API access requires the Enterprise plan" in b.get("/settings/tokens").text


def test_last_used_is_written_at_most_once_a_minute(server, cli, world):
    b = signed_in(server, "owner@web.test")
    token_id, raw = create_token(b, "last used")
    assert re.search(r"<dt>Last used</dt><dd>Never</dd>", b.get(f"/settings/tokens/{token_id}").text)
    api = Api(server.url, raw)
    assert api.get("/api/v2/users").status_code == 200

    def last_used():
        return cli.json("token", "show", "--id", token_id)["last_used_at"]

    first = last_used()
    assert first is not None
    recent = int(time.time() * 1000) - 30_000
    cli.sql("UPDATE personal_tokens SET last_used_at = ? WHERE id = ?", recent, token_id)
    stamp = last_used()
    assert api.get("/api/v2/users").status_code == 200
    assert last_used() == stamp  # used 30 s ago: no write
    cli.sql("UPDATE personal_tokens SET last_used_at = ? WHERE id = ?", recent - 31_000, token_id)
    stamp = last_used()
    assert api.get("/api/v2/users").status_code == 200
    assert last_used() != stamp  # over a minute ago: written
    assert "<dt>Last used</dt><dd>Never</dd>" not in b.get(f"/settings/tokens/{token_id}").text


def test_assets_are_served_and_cached(server):
    for path, kind in [("/assets/app.css", "text/css"), ("/assets/app.js", "text/javascript"),
                       ("/assets/icon.svg", "image/svg+xml")]:
        r = requests.get(server.url + path, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(kind)
        assert r.headers["Cache-Control"] == "public, max-age=86400"


def test_secure_cookies_under_tls(cli, tmp_path):
    import subprocess
    import warnings
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(tmp_path / "k.pem"),
                    "-out", str(tmp_path / "c.pem")], check=True, capture_output=True)
    s = Server(cli, "--tls-cert", str(tmp_path / "c.pem"), "--tls-key", str(tmp_path / "k.pem"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = requests.get(s.url.replace("http://", "https://") + "/signin", verify=False,
                             timeout=10)
        assert "; Secure" in r.headers["Set-Cookie"]
    finally:
        assert s.stop() == 0
