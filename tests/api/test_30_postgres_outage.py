"""Issue: while the database is unreachable requests get 503 in the REST or SCIM error shape,
and the server recovers by itself when the database returns. GET /readyz says which."""
import time

import pytest

from conftest import IS_POSTGRES, Api, Cli, PrivatePostgres, Server, assert_rest_error
from scim_client import Scim, assert_scim_error

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="runs in the PostgreSQL pass")


@pytest.fixture(scope="module")
def pg():
    p = PrivatePostgres()
    yield p
    p.remove()


def test_outage_answers_503_and_recovers(pg, workdir):
    cli = Cli(workdir, db=pg.url)
    cli.run("init")
    acc = cli.account("Outage Co", "owner@outage.test")
    api = Api("", cli.token(acc["account_id"], "owner@outage.test")["token"])
    scim_token = cli.json("scim-token", "create", "--account", acc["account_id"])["token"]
    server = Server(cli)
    try:
        api.base = server.url
        scim = Scim(server.url, scim_token)
        assert api.get("/readyz", token=None).json() == {"status": "ok", "database": "ok"}
        assert api.get("/api/v2/users").status_code == 200
        pg.stop()
        for _ in range(3):  # every worker thread sees the outage
            assert_rest_error(api.get("/api/v2/users"), 503)
            assert_scim_error(scim.send("GET", "/Users"), 503)
        assert_rest_error(api.get("/readyz", token=None), 503)
        assert api.get("/healthz", token=None).status_code == 200
        pg.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if api.get("/readyz", token=None).status_code == 200:
                break
            time.sleep(0.2)
        for _ in range(6):
            assert api.get("/api/v2/users").status_code == 200
            assert scim.send("GET", "/Users").status_code == 200
        assert "503" not in api.get("/api/v2/recordings").text
    finally:
        assert server.stop() == 0
