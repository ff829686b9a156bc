"""serve --tls-cert --tls-key: HTTPS through GnuTLS, Strict-Transport-Security on TLS answers;
--https-only refuses plain HTTP except /healthz and /readyz."""
import subprocess
import warnings

import pytest
import requests

from conftest import Api, Server, assert_rest_error


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
                   check=True, capture_output=True)
    return str(d / "cert.pem"), str(d / "key.pem")


def test_https_with_a_self_signed_certificate(cli, cert):
    acc = cli.account("Tls Co", "owner@tls.test")["account_id"]
    token = cli.token(acc, "owner@tls.test")["token"]
    server = Server(cli, "--tls-cert", cert[0], "--tls-key", cert[1])
    try:
        url = server.url.replace("http://", "https://")
        r = requests.get(url + "/api/v2/users", headers={"Authorization": f"Bearer {token}"},
                         verify=cert[0], timeout=10)
        assert r.status_code == 200
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(server.url + "/healthz", timeout=5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert requests.get(url + "/healthz", verify=False, timeout=10).status_code == 200
    finally:
        assert server.stop() == 0, server.log_text()[-4000:]


def test_plain_http_has_no_hsts(cli):
    server = Server(cli)
    try:
        assert "Strict-Transport-Security" not in requests.get(server.url + "/healthz").headers
    finally:
        assert server.stop() == 0, server.log_text()[-4000:]


def test_https_only_refuses_plain_http_except_health(cli):
    acc = cli.account("Https Only", "owner@httpsonly.test")["account_id"]
    token = cli.token(acc, "owner@httpsonly.test")["token"]
    server = Server(cli, "--https-only")
    try:
        api = Api(server.url, token)
        assert_rest_error(api.get("/api/v2/users"), 403)
        assert api.get("/healthz", token=None).status_code == 200
        assert api.get("/readyz", token=None).status_code == 200
        r = api.get("/api/v2/users", headers={"X-Forwarded-Proto": "https"})
        assert r.status_code == 200
    finally:
        assert server.stop() == 0, server.log_text()[-4000:]


def test_tls_files_must_go_together_and_exist(cli, cert):
    assert cli.run("serve", "--tls-cert", cert[0], check=False).returncode == 2
    assert cli.run("serve", "--tls-cert", "/nonexistent", "--tls-key", cert[1],
                   check=False).returncode == 1
