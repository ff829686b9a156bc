"""SPEC section 7: serve stops cleanly on SIGINT/SIGTERM, finishing requests in flight."""
import signal
import socket
import time

import pytest
import requests

from conftest import Server


def read_response(sock):
    data = b""
    sock.settimeout(10)
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_request_in_flight_finishes_then_exit_0(cli, sig):
    server = Server(cli)
    body = b'{"recording": {"title": "' + b"t" * 60 + b'"}}'
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"PATCH /api/v2/recordings/x HTTP/1.1\r\nHost: t\r\n"
                 b"Content-Type: application/json\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\n\r\n" + body[:20])
    time.sleep(0.3)
    server.proc.send_signal(sig)
    time.sleep(0.3)
    assert server.proc.poll() is None, "server quit with a request in flight"
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url + "/healthz", timeout=2)
    sock.sendall(body[20:])
    head, resp_body = read_response(sock)
    sock.close()
    assert head.startswith(b"HTTP/1.1 401"), head
    assert b'"code":401' in resp_body
    assert server.proc.wait(timeout=15) == 0
    assert server.stop() == 0
    assert '"stopped"' in server.log_text()


def test_idle_keepalive_connections_do_not_delay_exit(cli):
    server = Server(cli)
    session = requests.Session()
    assert session.get(server.url + "/healthz").status_code == 200
    start = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0
    assert time.monotonic() - start < 5
    server.stop()
