"""Black-box harness: runs the real build/screendesk binary (CLI and server) on a fresh
database per test module, and talks to it over real HTTP."""
import json
import os
import re
import sqlite3
import urllib.parse
import uuid
import signal
import socket
import subprocess
import tempfile
import time

import jsonschema
import pytest
import requests
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCREENDESK_BIN", os.path.join(ROOT, "build", "screendesk"))
# SCREENDESK_TEST_DB=postgresql://... reruns the suite on PostgreSQL: every module gets a
# database of its own on that server.
TEST_DB = os.environ.get("SCREENDESK_TEST_DB", "")
IS_POSTGRES = TEST_DB.startswith("postgres")


def postgres_url(database):
    """The server's URL with another database name."""
    head, sep, query = TEST_DB.partition("?")
    scheme, _, rest = head.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{database}{sep}{query}"


def psql(url, sql):
    proc = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qAt", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"psql failed: {proc.stderr}")
    return proc.stdout


OPENAPI = yaml.safe_load(open(os.path.join(ROOT, "docs", "openapi.yaml")))
RESOLVER = jsonschema.RefResolver("", OPENAPI)
VALIDATED = {"count": 0}


def openapi_template(path):
    """Returns the OpenAPI path template that matches path, or None."""
    parts = path.split("?")[0].rstrip("/").split("/") if path != "/" else [""]
    best = None
    for template in OPENAPI["paths"]:
        tparts = template.split("/")
        if len(tparts) != len(parts):
            continue
        if all(t == p or (t.startswith("{") and p) for t, p in zip(tparts, parts)):
            literal = sum(1 for t in tparts if not t.startswith("{"))
            if best is None or literal > best[0]:
                best = (literal, template)
    return best[1] if best else None


def validate_against_openapi(method, path, resp):
    """Every JSON answer of the REST API must match docs/openapi.yaml."""
    if path.startswith("/scim/"):
        return
    body = resp.json()
    schema = {"$ref": "#/components/schemas/Error"}
    template = openapi_template(path)
    operation = OPENAPI["paths"].get(template, {}).get(method.lower()) if template else None
    if operation is None or method == "HEAD":
        assert resp.status_code >= 400, f"{method} {path} answered {resp.status_code} " \
                                        "but is not in docs/openapi.yaml"
    else:
        responses = operation["responses"]
        doc = responses.get(str(resp.status_code)) or responses.get("default")
        assert doc, f"{method} {template}: status {resp.status_code} is not documented"
        if "$ref" in doc:
            doc = RESOLVER.resolve(doc["$ref"])[1]
        schema = doc["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator(schema, resolver=RESOLVER).validate(body)
    VALIDATED["count"] += 1


class Cli:
    """Runs screendesk commands against one database."""

    def __init__(self, workdir, db=None):
        self.workdir = workdir
        if db:
            self.db = db
        elif IS_POSTGRES:
            name = "t_" + uuid.uuid4().hex[:16]
            psql(TEST_DB, f"CREATE DATABASE {name}")
            self.db = postgres_url(name)
        else:
            self.db = "sqlite:" + os.path.join(workdir, "test.db")

    def sql(self, statement, *params):
        """Runs one statement straight on the database, for states no command makes."""
        if IS_POSTGRES:
            def literal(v):
                return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"
            text = statement
            for v in params:
                text = text.replace("?", literal(v), 1)
            psql(self.db, text.replace("is_active = 0", "is_active = false")
                 .replace("is_active = 1", "is_active = true"))
            return
        db = sqlite3.connect(self.db[len("sqlite:"):], timeout=10)
        with db:
            db.execute(statement, params)
        db.close()

    def run(self, *args, stdin=None, check=True):
        proc = subprocess.run(
            [BIN, *args, "--db", self.db],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.workdir,
            timeout=60,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"screendesk {' '.join(args)} failed: {proc.stderr}")
        return proc

    def json(self, *args, stdin=None):
        return json.loads(self.run(*args, stdin=stdin).stdout)

    def account(self, name, owner_email, plan="enterprise", api_access="on"):
        return self.json("account", "create", "--name", name, "--owner-email", owner_email,
                         "--owner-name", name + " Owner", "--plan", plan,
                         "--api-access", api_access)

    def user(self, account_id, email, *flags, name=None):
        args = ["user", "create", "--account", account_id, "--email", email, *flags]
        if name:
            args += ["--name", name]
        return self.json(*args)

    def token(self, account_id, email, name="test"):
        return self.json("token", "create", "--account", account_id, "--email", email,
                         "--name", name)

    def import_recordings(self, account_id, records):
        lines = "".join(json.dumps(r) + "\n" for r in records)
        return self.json("recordings", "import", "--account", account_id, stdin=lines)


class Server:
    """One `screendesk serve` process on a free loopback port."""

    def __init__(self, cli, *extra, env=None):
        self.cli = cli
        self.log_path = os.path.join(cli.workdir, f"server-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", cli.db, "--listen", "127.0.0.1:0", "--threads", "2", *extra],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=cli.workdir,
            env=dict(os.environ, **(env or {})),
        )
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _wait_for_port(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                m = re.search(r"listening on https?://[^:]+:(\d+)", f.read())
            if m:
                return int(m.group(1))
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + open(self.log_path).read())
            time.sleep(0.02)
        raise AssertionError("server did not start")

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.returncode != 0:
            # Shown by pytest with the failure: how the server ended.
            print(f"server exited {self.proc.returncode}; the end of its log:\n"
                  + self.log_text()[-3000:])
        return self.proc.returncode


class Api:
    """requests with the server's base URL and an optional token."""

    def __init__(self, base, token=None):
        self.base = base
        self.session = requests.Session()
        self.token = token

    def request(self, method, path, token=..., **kw):
        headers = dict(kw.pop("headers", {}) or {})
        tok = self.token if token is ... else token
        if tok is not None and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {tok}"
        resp = self.session.request(method, self.base + path, headers=headers, timeout=30, **kw)
        if resp.headers.get("Content-Type", "").startswith("application/json") and resp.content:
            validate_against_openapi(method, path, resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="screendesk-api-") as d:
        yield d


@pytest.fixture(scope="module")
def cli(workdir):
    c = Cli(workdir)
    c.run("init")
    return c


@pytest.fixture(scope="module")
def server(cli):
    s = Server(cli)
    yield s
    code = s.stop()
    # A clean exit matters: under the sanitizers a leak or an error makes it non-zero.
    assert code == 0, s.log_text()[-4000:]


def assert_rest_error(resp, status):
    """The REST error shape of SPEC section 4."""
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "code"}
    assert body["error"]["code"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


class PrivatePostgres:
    """A PostgreSQL server of one test's own, which the test may stop and start."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sdpg", dir="/tmp")
        self.script = os.path.join(ROOT, "scripts", "pg-test-server.sh")
        self.url = self.start()

    def start(self):
        return subprocess.run(["sh", self.script, "start", self.dir], capture_output=True,
                              text=True, check=True).stdout.strip()

    def stop(self):
        subprocess.run(["sh", self.script, "stop", self.dir], capture_output=True, check=True)

    def remove(self):
        self.stop()
        subprocess.run(["rm", "-rf", self.dir], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
