"""Starts the server and times its first /healthz answer.

usage: first_healthz.py CPUS WORKDIR PORT BINARY ARG...

Launches BINARY ARG... pinned to CPUS (a taskset-style list such as "0" or "0-2"), in
WORKDIR, and polls http://127.0.0.1:PORT/healthz every millisecond from an already running
process (starting a client per try would time the client's own start-up). Prints the
milliseconds from the launch until the first 200 answer, and the server's pid; the server
keeps running. Exits 1, the server stopped, when no answer comes within 10 s.
"""
import os
import socket
import subprocess
import sys
import time


def cpu_list(text):
    cpus = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


def healthy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def main():
    cpus, workdir, port, argv = cpu_list(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    # The server inherits this process's CPUs: a preexec_fn would pin it too, but makes
    # Popen fork Python instead of spawning, 8-10 ms more than the launch itself.
    everywhere = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    start = time.monotonic()
    server = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.sched_setaffinity(0, everywhere)
    while not healthy(port):
        if server.poll() is not None or time.monotonic() - start > 10:
            server.kill()
            sys.exit("the server did not start")
        time.sleep(0.001)
    print(round((time.monotonic() - start) * 1000), server.pid)


main()
