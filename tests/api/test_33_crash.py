"""Crash safety: SIGKILL in the middle of a stream of PATCHes and of an import; after a
restart every acknowledged write is there, and the import is all or nothing."""
import json
import signal
import subprocess
import threading
import time

import rest_world
from conftest import BIN, Api, Server


def test_acknowledged_patches_survive_sigkill(cli):
    w = rest_world.build(cli)
    server = Server(cli)
    api = Api(server.url, w["tokens"]["owner"])
    uuids = w["all_a"][:4]
    acked = {}
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            uuid = uuids[n % len(uuids)]
            title = f"write {n}"
            try:
                r = api.patch(f"/api/v2/recordings/{uuid}", json={"recording": {"title": title}})
            except Exception:
                return
            if r.status_code == 200:
                acked[uuid] = n
            n += 1

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(1.0)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    stop.set()
    t.join()
    server.stop()
    assert len(acked) == len(uuids)
    again = Server(cli)
    try:
        api = Api(again.url, w["tokens"]["owner"])
        for uuid, n in acked.items():
            title = api.get(f"/api/v2/recordings/{uuid}").json()["title"]
            got = int(title.split()[1])
            # The last acknowledged write is there; at most the one in flight after it too.
            assert got in (n, n + len(uuids)), (uuid, got, n)
    finally:
        assert again.stop() == 0


def test_import_killed_midway_is_all_or_nothing(cli, tmp_path):
    acc = cli.account("Crash Co", "owner@crash.test")["account_id"]
    path = tmp_path / "big.ndjson"
    with open(path, "w") as f:
        for i in range(60000):
            f.write(json.dumps({"title": f"r{i}", "user_email": "owner@crash.test",
                                "metadata": {"helpdesk_info": {"ticket_id": str(i)}}}) + "\n")
    proc = subprocess.Popen([BIN, "recordings", "import", "--db", cli.db, "--account", acc,
                             str(path)], cwd=cli.workdir, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    time.sleep(0.4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    server = Server(cli)
    try:
        token = cli.token(acc, "owner@crash.test")["token"]
        count = Api(server.url, token).get("/api/v2/recordings?items=1").json()[
            "pagination"]["count"]
        assert count in (0, 60000)
        # And a second import goes through on the same database.
        assert cli.import_recordings(acc, [{"title": "after", "user_email": "owner@crash.test"}])
        count2 = Api(server.url, token).get("/api/v2/recordings?items=1").json()[
            "pagination"]["count"]
        assert count2 == count + 1
    finally:
        assert server.stop() == 0
