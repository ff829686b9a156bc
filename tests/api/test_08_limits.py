"""Limits: long URLs, large headers, and 2,000 idle or trickling connections that must not
lock other clients out or make memory grow without bound."""
import resource
import socket
import threading
import time

import requests

from conftest import Api, Server, assert_rest_error


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_url_over_8_kib_is_414(cli, server):
    r = requests.get(server.url + "/api/v2/users/" + "a" * 9000, timeout=10)
    assert_rest_error(r, 414)


def test_headers_over_the_limit_are_refused_and_server_goes_on(cli, server):
    r = requests.get(server.url + "/healthz", headers={"X-Big": "b" * 40000}, timeout=10)
    assert r.status_code in (413, 431)
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200


def test_2000_idle_and_trickling_connections_do_not_lock_clients_out(cli):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4500:
        import pytest
        pytest.skip("the open-file limit is too low for this test")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4500), hard))
    acc = cli.account("Busy Co", "owner@busy.test")["account_id"]
    token = cli.token(acc, "owner@busy.test")["token"]
    server = Server(cli, "--rate-limit", "0")
    socks = []
    stop = threading.Event()
    try:
        # Four other loopback addresses, 500 connections each: under the per-address limit.
        for i in range(2000):
            s = socket.socket()
            s.bind((f"127.0.0.{2 + i % 4}", 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", server.port))
            if i % 2:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHo")  # headers that never end
            socks.append(s)

        def trickle():
            while not stop.is_set():
                for s in socks[1::2]:
                    try:
                        s.send(b"s")
                    except OSError:
                        pass
                stop.wait(1.0)

        t = threading.Thread(target=trickle)
        t.start()
        time.sleep(1.0)
        base_rss = rss_kib(server.proc.pid)
        api = Api(server.url, token)
        for _ in range(20):
            assert api.get("/healthz", token=None).status_code == 200
            assert api.get("/api/v2/users").status_code == 200
        held = rss_kib(server.proc.pid)
        print(f"server RSS with 2,000 connections held: {held} KiB")
        assert held < 256 * 1024, base_rss
        stop.set()
        t.join()
    finally:
        stop.set()
        for s in socks:
            s.close()
        assert server.stop() == 0


def test_headers_trickled_past_the_deadline_are_cut_off(cli):
    server = Server(cli, env={"SCREENDESK_TEST_HEADER_SECONDS": "2"})
    try:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        start = time.monotonic()
        closed = False
        while time.monotonic() - start < 8:
            try:
                s.sendall(b"X")
                s.settimeout(0.5)
                if s.recv(1024) == b"":
                    closed = True
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
        s.close()
        assert closed, "a trickling client was never cut off"
        assert 1.5 < time.monotonic() - start < 8
        # A client that sends its request promptly is served as usual.
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        assert server.stop() == 0
