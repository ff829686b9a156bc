"""SPEC section 7: every command and flag, JSON on stdout, errors on stderr, exit 1 or 2."""
import json
import os
import re
import stat
import subprocess
import time

import pytest
import requests

from conftest import BIN, IS_POSTGRES, Cli, Server, psql

HELP = [
    ["init"], ["serve"], ["account", "create"], ["account", "update"], ["user", "create"],
    ["user", "set-password"], ["token", "create"], ["token", "list"], ["token", "show"],
    ["token", "rename"], ["token", "revoke"], ["scim-token", "create"], ["scim-token", "revoke"],
    ["recordings", "import"],
]


@pytest.mark.parametrize("words", HELP)
def test_every_subcommand_has_help(words):
    proc = subprocess.run([BIN, *words, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "usage: screendesk " + " ".join(words) in proc.stdout


def test_top_level_help_and_unknown_command():
    assert subprocess.run([BIN, "--help"], capture_output=True).returncode == 0
    proc = subprocess.run([BIN, "frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert subprocess.run([BIN], capture_output=True).returncode == 2


def test_init_creates_private_key_file(cli):
    out = cli.json("init")
    assert out["status"] == "ok"
    key = os.path.join(cli.workdir, "screendesk.key" if IS_POSTGRES else "test.db.key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_db_from_environment(tmp_path):
    env = dict(os.environ, SCREENDESK_DB="sqlite:" + str(tmp_path / "env.db"))
    proc = subprocess.run([BIN, "init"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "env.db").exists()
    assert (tmp_path / "env.db.key").exists()


def test_account_create_prints_ids_and_validates(cli):
    out = cli.account("Cli Co", "owner@cli.test")
    assert set(out) >= {"account_id", "owner_id"}
    for bad in (["--plan", "gold"], ["--api-access", "maybe"]):
        proc = cli.run("account", "create", "--name", "X", "--owner-email", "a@b.c", *bad,
                       check=False)
        assert proc.returncode == 2
        assert proc.stdout == ""
    proc = cli.run("account", "create", "--owner-email", "a@b.c", check=False)
    assert proc.returncode == 2


def test_account_update_unknown_is_exit_1(cli):
    proc = cli.run("account", "update", "--account", "nope", "--plan", "starter", check=False)
    assert proc.returncode == 1
    assert "nope" in proc.stderr


def test_user_create_roles_and_duplicates(cli):
    acc = cli.account("Users Co", "owner@users.test")["account_id"]
    u = cli.user(acc, "ed@users.test", "--editor", "--no-member", name="Ed")
    assert u["role"] == "editor"
    assert u["roles"] == {"admin": False, "member": False, "editor": True}
    a = cli.user(acc, "ad@users.test", "--admin")
    assert a["role"] == "admin"
    proc = cli.run("user", "create", "--account", acc, "--email", "ED@users.test", check=False)
    assert proc.returncode == 1
    proc = cli.run("user", "create", "--account", "missing", "--email", "x@y.z", check=False)
    assert proc.returncode == 1


def test_set_password_reads_stdin_and_never_echoes(cli):
    acc = cli.account("Pw Co", "owner@pw.test")["account_id"]
    proc = cli.run("user", "set-password", "--account", acc, "--email", "owner@pw.test",
                   "--password-stdin", stdin="s3cret-passphrase\n")
    assert "s3cret" not in proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["password_set"] is True
    proc = cli.run("user", "set-password", "--account", acc, "--email", "owner@pw.test",
                   check=False)
    assert proc.returncode == 2


def test_token_lifecycle(cli):
    acc = cli.account("Tok Co", "owner@tok.test")["account_id"]
    t = cli.token(acc, "owner@tok.test", name="first")
    assert t["token"].startswith("sdp_") and len(t["token"]) >= 47
    shown = cli.json("token", "show", "--id", t["id"])
    assert shown["token"] == t["token"]
    listed = cli.json("token", "list", "--account", acc, "--email", "owner@tok.test")
    assert [x["id"] for x in listed] == [t["id"]]
    assert "token" not in listed[0]
    renamed = cli.json("token", "rename", "--id", t["id"], "--name", "second")
    assert renamed["name"] == "second"
    revoked = cli.json("token", "revoke", "--id", t["id"])
    assert revoked["revoked"] is True
    assert cli.run("token", "show", "--id", "nope", check=False).returncode == 1
    assert cli.run("token", "create", "--account", acc, "--email", "nobody@tok.test",
                   "--name", "x", check=False).returncode == 1


def test_raw_tokens_are_not_stored_in_plain_text(cli):
    acc = cli.account("Plain Co", "owner@plain.test")["account_id"]
    raw = cli.token(acc, "owner@plain.test")["token"]
    scim = cli.json("scim-token", "create", "--account", acc)["token"]
    assert scim.startswith("sds_")
    data = b""
    if IS_POSTGRES:
        for table in ["personal_tokens", "scim_tokens"]:
            data += psql(cli.db, f"SELECT t::text FROM {table} t").encode()
    for suffix in ("", "-wal"):
        path = os.path.join(cli.workdir, "test.db" + suffix)
        if os.path.exists(path):
            data += open(path, "rb").read()
    assert data
    assert raw.encode() not in data
    assert raw[4:].encode() not in data
    assert scim.encode() not in data


def test_scim_token_revoke(cli):
    acc = cli.account("Scim Co", "owner@scimcli.test")["account_id"]
    t = cli.json("scim-token", "create", "--account", acc)
    out = cli.json("scim-token", "revoke", "--id", t["id"])
    assert out["revoked"] is True
    assert cli.run("scim-token", "create", "--account", "missing", check=False).returncode == 1


RECORDING = {
    "title": "Checkout broken",
    "summary": "s",
    "description": None,
    "metadata": {"created_at": "2026-01-07T15:29:37.821Z", "duration": 42,
                 "impressions_count": 3, "recording_type": "video",
                 "helpdesk_info": {"ticket_id": "77", "provider": "zendesk"}},
    "technical_details": {"vendor": "Chrome", "timezone": "UTC"},
    "customer": {"email": "c@example.com"},
}


def test_import_is_all_or_nothing_and_names_the_line(cli):
    acc = cli.account("Import Co", "owner@imp.test")["account_id"]
    good = dict(RECORDING, user_email="owner@imp.test")
    assert cli.import_recordings(acc, [good, good]) == {"imported": 2}
    bad_lines = [
        json.dumps(good) + "\n" + "{not json\n",
        json.dumps(good) + "\n" + json.dumps(dict(good, user_email="ghost@imp.test")) + "\n",
        json.dumps(good) + "\n" + json.dumps(dict(good, title=5)) + "\n",
        json.dumps(good) + "\n" + json.dumps(
            dict(good, metadata={"created_at": "yesterday"})) + "\n",
        # Two recordings run together are one bad line, not the first of them.
        json.dumps(good) + "\n" + json.dumps(good) + " " + json.dumps(good) + "\n",
    ]
    for text in bad_lines:
        proc = cli.run("recordings", "import", "--account", acc, stdin=text, check=False)
        assert proc.returncode == 1
        assert "line 2" in proc.stderr
        assert proc.stdout == ""
    uuid = "0190c3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f6"
    first = dict(good, uuid=uuid)
    assert cli.import_recordings(acc, [first]) == {"imported": 1}
    proc = cli.run("recordings", "import", "--account", acc,
                   stdin=json.dumps(good) + "\n" + json.dumps(first) + "\n", check=False)
    assert proc.returncode == 1 and "line 2" in proc.stderr


def test_import_from_file_and_unknown_account(cli, tmp_path):
    acc = cli.account("File Co", "owner@file.test")["account_id"]
    f = tmp_path / "in.ndjson"
    f.write_text("\n".join(json.dumps(dict(RECORDING, user_email="owner@file.test"))
                           for _ in range(5)) + "\n\n")
    assert cli.json("recordings", "import", "--account", acc, str(f)) == {"imported": 5}
    proc = cli.run("recordings", "import", "--account", "missing", str(f), check=False)
    assert proc.returncode == 1


def test_bad_database_url_is_an_error(tmp_path):
    proc = subprocess.run([BIN, "init", "--db", "mysql://x"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr


def test_fresh_cli_against_new_database_creates_schema(tmp_path):
    c = Cli(str(tmp_path))
    out = c.account("Fresh", "o@fresh.test")
    assert out["account_id"]


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    """A schema newer than the program's (written by a later version) is neither migrated
    nor written to: every command, serve included, says so and exits 1."""
    c = Cli(str(tmp_path))
    c.run("init")
    c.sql("INSERT INTO schema_migrations VALUES (999, 0)")
    for args in (["init"], ["account", "create", "--name", "X", "--owner-email", "o@x.test"],
                 ["serve", "--listen", "127.0.0.1:0"]):
        proc = c.run(*args, check=False)
        assert proc.returncode == 1, args
        assert "newer screendesk" in proc.stderr, args
    c.sql("DELETE FROM schema_migrations WHERE version = 999")
    assert c.account("Now", "o@now.test")["account_id"]


def test_serve_demo_prints_a_working_token_and_a_sign_in(tmp_path):
    c = Cli(str(tmp_path))
    s = Server(c, "--demo")
    try:
        out = ""
        deadline = time.monotonic() + 20
        while "password" not in out and time.monotonic() < deadline:
            out += s.proc.stdout.readline()
        token = re.search(r"(sdp_[A-Za-z0-9_-]{43})", out).group(1)
        email, password = re.search(r"email (\S+), password (\S+)", out).groups()
        r = requests.get(s.url + "/api/v2/recordings?items=2",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 200 and r.json()["pagination"]["count"] == 50
        b = requests.Session()
        page = b.get(s.url + "/signin", timeout=10).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = b.post(s.url + "/signin", data={"email": email, "password": password, "csrf": csrf},
                   allow_redirects=False, timeout=30)
        assert r.status_code == 303
        assert "Demo token" in b.get(s.url + "/settings/tokens", timeout=10).text
    finally:
        assert s.stop() == 0
