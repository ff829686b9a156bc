"""SPEC section 7 and issue: Prometheus /metrics on --metrics-listen, its own address."""
import re
import time

import requests

from conftest import Api, Server, assert_rest_error


def metrics_url(server):
    m = re.search(r"metrics on (http://[^/\s]+/metrics)", server.log_text())
    assert m, server.log_text()
    return m.group(1)


def scrape(server):
    r = requests.get(metrics_url(server), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return r.text


def value(text, name, **labels):
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_latency_and_limits(cli):
    acc = cli.account("Metrics Co", "owner@metrics.test")["account_id"]
    token = cli.token(acc, "owner@metrics.test")["token"]
    server = Server(cli, "--metrics-listen", "127.0.0.1:0", "--rate-limit", "1")
    try:
        api = Api(server.url, token)
        statuses = [api.get("/api/v2/users").status_code for _ in range(4)]
        assert statuses[:2] == [200, 200] and 429 in statuses
        assert api.get("/nowhere").status_code == 404
        # Requests are counted once their answer has gone out: wait for the last one.
        deadline = time.monotonic() + 5
        text = scrape(server)
        while value(text, "screendesk_requests_total", route="unmatched",
                    status="404") != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
            text = scrape(server)
        assert value(text, "screendesk_requests_total", route="/api/v2/users",
                     status="200") == 2
        assert value(text, "screendesk_requests_total", route="/api/v2/users",
                     status="429") == statuses.count(429)
        assert value(text, "screendesk_requests_total", route="unmatched", status="404") == 1
        assert value(text, "screendesk_request_duration_seconds_count",
                     route="/api/v2/users") == 4
        assert value(text, "screendesk_request_duration_seconds_bucket",
                     route="/api/v2/users", le="+Inf") == 4
        assert value(text, "screendesk_rate_limited_total") == statuses.count(429)
        assert value(text, "screendesk_database_errors_total") == 0
        # /metrics lives only on its own address.
        assert_rest_error(api.get("/metrics", token=None), 404)
        assert requests.get(metrics_url(server).replace("/metrics", "/x"),
                            timeout=10).status_code == 404
    finally:
        assert server.stop() == 0


def test_database_errors_are_counted(cli):
    acc = cli.account("Metrics Err", "owner@metricserr.test")["account_id"]
    token = cli.token(acc, "owner@metricserr.test")["token"]
    server = Server(cli, "--metrics-listen", "127.0.0.1:0",
                    env={"SCREENDESK_TEST_FAIL_STORE_EVERY": "1"})
    try:
        assert_rest_error(Api(server.url, token).get("/api/v2/users"), 503)
        assert value(scrape(server), "screendesk_database_errors_total") >= 1
    finally:
        assert server.stop() == 0


def test_bad_metrics_address_is_usage_error(cli):
    assert cli.run("serve", "--metrics-listen", "nope", check=False).returncode == 2
