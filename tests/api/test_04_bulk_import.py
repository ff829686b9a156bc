"""Large imports. On SQLite, an import that adds about half as many recordings as the table
holds drops the recordings' secondary indexes inside its transaction and builds them again
before it commits. Whatever path it takes, the data, the indexes and the answers of a server
running meanwhile must be those of a row-by-row import."""
import json
import sqlite3

import pytest

from conftest import IS_POSTGRES, Api, Server, psql

USERS = ["ann@bulk.test", "bob@bulk.test", "cat@bulk.test"]


def make_records(n, start=0):
    out = []
    for i in range(start, start + n):
        out.append({
            "title": f"Recording {i}",
            "summary": "s",
            "metadata": {
                "created_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:"
                              f"{(i // 24) % 60:02d}:{(i // 1440) % 60:02d}.{i % 1000:03d}Z",
                "duration": i % 300,
                "helpdesk_info": {"provider": ["zendesk", "intercom"][i % 2],
                                  "ticket_id": str(i % 37)},
            },
            "customer": {"email": f"Customer{i % 11}@Example.com"},
            "user_email": USERS[i % 3],
        })
    return out


def ndjson(records):
    return "".join(json.dumps(r) + "\n" for r in records)


def index_state(cli):
    """The recordings table's indexes: {name: (definition, root page)}; the root page moves
    when an index is built again. PostgreSQL: definitions only."""
    if IS_POSTGRES:
        rows = psql(cli.db, "SELECT indexname, indexdef FROM pg_indexes "
                            "WHERE tablename = 'recordings'").splitlines()
        return {r.split("|")[0]: (r.split("|")[1], None) for r in rows}
    db = sqlite3.connect(cli.db[len("sqlite:"):])
    rows = db.execute("SELECT name, sql, rootpage FROM sqlite_schema "
                      "WHERE type = 'index' AND tbl_name = 'recordings'").fetchall()
    db.close()
    return {name: (sql, root) for name, sql, root in rows}


def definitions(state):
    return {name: sql for name, (sql, _) in state.items()}


@pytest.fixture(scope="module")
def account(cli):
    acc = cli.account("Bulk Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        cli.user(acc, email)
    return acc


@pytest.fixture(scope="module")
def server(cli):
    s = Server(cli)
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="module")
def api(cli, account, server):
    return Api(server.url, cli.token(account, USERS[0])["token"])


def check_answers(api, expected):
    """The list, its filters and its order answer as the expected records say."""
    r = api.get("/api/v2/recordings?items=100")
    assert r.status_code == 200
    body = r.json()
    assert body["pagination"]["count"] == len(expected)
    newest = sorted(expected, key=lambda x: x["metadata"]["created_at"], reverse=True)[:100]
    assert [x["title"] for x in body["records"]] == [x["title"] for x in newest]
    for query, keep in [
        ("ticket_id=5", lambda x: x["metadata"]["helpdesk_info"]["ticket_id"] == "5"),
        ("provider=intercom", lambda x: x["metadata"]["helpdesk_info"]["provider"] == "intercom"),
        ("customer_email=customer3@example.com",
         lambda x: x["customer"]["email"].lower() == "customer3@example.com"),
        ("user_email=bob@bulk.test", lambda x: x["user_email"] == "bob@bulk.test"),
    ]:
        r = api.get(f"/api/v2/recordings?items=100&{query}")
        assert r.status_code == 200, query
        want = sorted((x for x in expected if keep(x)),
                      key=lambda x: x["metadata"]["created_at"], reverse=True)
        assert r.json()["pagination"]["count"] == len(want), query
        assert [x["title"] for x in r.json()["records"]] == [x["title"] for x in want[:100]]


def test_large_import_from_a_file_builds_the_indexes_again(cli, account, api, tmp_path):
    before = index_state(cli)
    assert api.get("/api/v2/recordings").json()["pagination"]["count"] == 0
    records = make_records(3000)
    f = tmp_path / "big.ndjson"
    f.write_text(ndjson(records))
    assert cli.json("recordings", "import", "--account", account, str(f)) == {"imported": 3000}
    after = index_state(cli)
    assert definitions(after) == definitions(before)
    if not IS_POSTGRES:
        assert {n: r for n, (_, r) in after.items() if not n.startswith("sqlite_autoindex")} != \
            {n: r for n, (_, r) in before.items() if not n.startswith("sqlite_autoindex")}
    check_answers(api, records)


def test_small_import_keeps_the_indexes(cli, account, api):
    before = index_state(cli)
    records = make_records(3000) + make_records(200, start=3000)
    assert cli.import_recordings(account, records[3000:]) == {"imported": 200}
    assert index_state(cli) == before
    check_answers(api, records)


def test_large_import_from_a_pipe_switches_midway(cli, account, api):
    before = index_state(cli)
    records = make_records(5000)
    assert cli.json("recordings", "import", "--account", account,
                    stdin=ndjson(records[3200:])) == {"imported": 1800}
    assert definitions(index_state(cli)) == definitions(before)
    check_answers(api, records)


def test_failed_large_import_leaves_data_and_indexes_as_they_were(cli, account, api, tmp_path):
    before = index_state(cli)
    records = make_records(5000)
    f = tmp_path / "bad.ndjson"
    f.write_text(ndjson(make_records(6000, start=5000)) + "{broken\n")
    proc = cli.run("recordings", "import", "--account", account, str(f), check=False)
    assert proc.returncode == 1 and "line 6001" in proc.stderr
    dup = make_records(6000, start=5000)
    dup[4000]["uuid"] = dup[10]["uuid"] = "0190c3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f6"
    f.write_text(ndjson(dup))
    proc = cli.run("recordings", "import", "--account", account, str(f), check=False)
    assert proc.returncode == 1 and "line 4001" in proc.stderr
    assert index_state(cli) == before
    check_answers(api, records)


def test_the_first_problem_is_named_whichever_side_finds_it(cli, account, api, tmp_path):
    """Lines are read and checked ahead of the inserts: a duplicate uuid (found by the insert)
    before a malformed line (found by the reader) is still the one reported, and the reverse."""
    records = make_records(5000)
    rows = make_records(1500, start=7000)
    rows[600]["uuid"] = rows[100]["uuid"] = "0190c3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f7"
    text = ndjson(rows[:900]) + "{broken\n" + ndjson(rows[900:])
    proc = cli.run("recordings", "import", "--account", account, stdin=text, check=False)
    assert proc.returncode == 1 and "line 601" in proc.stderr and "already exists" in proc.stderr
    rows[600]["uuid"] = None
    del rows[600]["uuid"]
    rows[1200]["user_email"] = "ghost@bulk.test"
    text = ndjson(rows[:900]) + "{broken\n" + ndjson(rows[900:])
    proc = cli.run("recordings", "import", "--account", account, stdin=text, check=False)
    assert proc.returncode == 1 and "line 901" in proc.stderr and "not valid JSON" in proc.stderr
    # An early problem in a long input ends the import without reading the rest.
    text = "{broken\n" + ndjson(make_records(20000, start=9000))
    proc = cli.run("recordings", "import", "--account", account, stdin=text, check=False)
    assert proc.returncode == 1 and "line 1" in proc.stderr
    check_answers(api, records)


def test_standard_input_from_a_file_starts_where_it_stands(cli, account, api, tmp_path):
    """A file given as standard input is counted ahead for the index decision, then read from
    where its offset stood (a script may have read its first lines itself)."""
    import os
    import subprocess

    from conftest import BIN

    before = api.get("/api/v2/recordings").json()["pagination"]["count"]
    f = tmp_path / "offset.ndjson"
    head = "this line is not JSON, and was read by someone else\n"
    f.write_text(head + ndjson(make_records(3000, start=20000)))
    with open(f, "rb") as src:
        os.lseek(src.fileno(), len(head), os.SEEK_SET)
        proc = subprocess.run([BIN, "recordings", "import", "--db", cli.db, "--account", account],
                              stdin=src, capture_output=True, text=True, cwd=cli.workdir,
                              timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"imported": 3000}
    assert api.get("/api/v2/recordings").json()["pagination"]["count"] == before + 3000


def test_a_huge_line_is_refused_without_being_read_whole(cli, account, tmp_path):
    """The import's 4 MiB line limit bounds its memory: a 160 MiB line is refused after its
    first 4 MiB, by an import allowed 128 MiB of data (reading the line whole would fail
    with another message, or not at all)."""
    import resource
    import subprocess

    from conftest import BIN

    f = tmp_path / "huge.ndjson"
    with open(f, "w") as out:
        out.write(ndjson(make_records(3, start=30000)))
        out.write('{"title": "')
        chunk = "x" * (1 << 20)
        for _ in range(160):
            out.write(chunk)
        out.write('"}\n')

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_DATA, (128 << 20, 128 << 20))

    with open(BIN, "rb") as b:
        sanitized = b"__asan_init" in b.read()  # ASan reserves far more than any limit

    with open(f, "rb") as src:
        proc = subprocess.run([BIN, "recordings", "import", "--db", cli.db, "--account", account],
                              stdin=src, capture_output=True, text=True, cwd=cli.workdir,
                              preexec_fn=None if sanitized else limit_memory, timeout=60)
    f.unlink()
    assert proc.returncode == 1, proc.stderr
    assert "line 4: longer than 4194304 bytes" in proc.stderr


def test_carriage_returns_and_a_last_line_without_newline(cli, account, api):
    before = api.get("/api/v2/recordings").json()["pagination"]["count"]
    rows = [json.dumps(r) for r in make_records(3, start=40000)]
    text = rows[0] + "\r\n\r\n" + rows[1] + "\r\n" + rows[2]
    assert cli.json("recordings", "import", "--account", account, stdin=text) == {"imported": 3}
    assert api.get("/api/v2/recordings").json()["pagination"]["count"] == before + 3


def start_import(cli, account):
    import subprocess

    from conftest import BIN
    return subprocess.Popen([BIN, "recordings", "import", "--db", cli.db, "--account", account],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cli.workdir)


def write_lock_is_held(path):
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


def wait_for(predicate, seconds=20):
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's journal modes")
def test_beside_a_running_server_the_import_goes_through_the_log(cli, account, api):
    """A server has the database open: the import must not take it for itself (the server
    goes on answering during the import), so no rollback journal appears."""
    import os
    path = cli.db[len("sqlite:"):]
    before = api.get("/api/v2/recordings").json()["pagination"]["count"]
    proc = start_import(cli, account)
    proc.stdin.write(ndjson(make_records(2000, start=50000)))
    proc.stdin.flush()
    # The import's transaction has written its first batches once it holds the write lock.
    assert wait_for(lambda: write_lock_is_held(path))
    assert not os.path.exists(path + "-journal")
    r = api.get("/api/v2/recordings?items=1")
    assert r.status_code == 200 and r.json()["pagination"]["count"] == before
    out, err = proc.communicate(ndjson(make_records(2000, start=52000)), timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out) == {"imported": 4000}
    assert api.get("/api/v2/recordings").json()["pagination"]["count"] == before + 4000


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's journal modes")
def test_with_the_database_to_itself_the_import_writes_pages_once(tmp_path):
    """Nothing else has the database open: the import leaves WAL mode for its duration (a
    rollback journal keeps the few pages that existed; new pages go once, straight into the
    database file), then sets WAL mode again; the data and its indexes are whole."""
    import os

    from conftest import Cli
    alone = Cli(str(tmp_path))
    alone.run("init")
    acc = alone.account("Alone Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        alone.user(acc, email)
    path = alone.db[len("sqlite:"):]
    records = make_records(4000)
    proc = start_import(alone, acc)
    proc.stdin.write(ndjson(records[:2000]))
    proc.stdin.flush()
    assert wait_for(lambda: os.path.exists(path + "-journal"))
    assert not os.path.exists(path + "-wal")
    # Meanwhile other programs wait for it (5 s), then say why they cannot open the database.
    other = alone.run("user", "create", "--account", acc, "--email", "late@bulk.test",
                      check=False)
    assert other.returncode != 0 and "locked by another program" in other.stderr
    out, err = proc.communicate(ndjson(records[2000:]), timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out) == {"imported": 4000}
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    server = Server(alone)
    try:
        check_answers(Api(server.url, alone.token(acc, USERS[0])["token"]), records)
    finally:
        assert server.stop() == 0


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's journal modes")
def test_an_import_killed_with_the_database_to_itself_leaves_it_as_it_was(tmp_path):
    """Killed while its rollback journal is hot: the next program to open the database rolls
    the import back and sets WAL mode again."""
    import os
    import signal

    from conftest import Cli
    alone = Cli(str(tmp_path))
    alone.run("init")
    acc = alone.account("Killed Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        alone.user(acc, email)
    assert alone.import_recordings(acc, make_records(10)) == {"imported": 10}
    path = alone.db[len("sqlite:"):]
    before = index_state(alone)
    proc = start_import(alone, acc)
    proc.stdin.write(ndjson(make_records(3000, start=10)))
    proc.stdin.flush()
    assert wait_for(lambda: os.path.exists(path + "-journal") and
                    os.path.getsize(path + "-journal") > 0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdin.close()
    assert os.path.exists(path + "-journal")
    server = Server(alone)
    try:
        check_answers(Api(server.url, alone.token(acc, USERS[0])["token"]), make_records(10))
    finally:
        assert server.stop() == 0
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert index_state(alone) == before


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's journal modes")
def test_a_failed_import_with_the_database_to_itself_gives_it_back(tmp_path):
    """A bad line rolls the import back; the database is in WAL mode again, as it was, and
    open to others at once."""
    import os

    from conftest import Cli
    alone = Cli(str(tmp_path))
    alone.run("init")
    acc = alone.account("Failed Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        alone.user(acc, email)
    assert alone.import_recordings(acc, make_records(10)) == {"imported": 10}
    path = alone.db[len("sqlite:"):]
    before = index_state(alone)
    f = tmp_path / "bad.ndjson"
    f.write_text(ndjson(make_records(3000, start=10)) + "{broken\n")
    proc = alone.run("recordings", "import", "--account", acc, str(f), check=False)
    assert proc.returncode == 1 and "line 3001" in proc.stderr
    assert not os.path.exists(path + "-journal")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM recordings").fetchone()[0] == 10
    db.close()
    assert index_state(alone) == before
    alone.user(acc, "after@bulk.test")  # nothing holds the database


def postgres_index_ids(cli):
    return psql(cli.db, "SELECT string_agg(c.relname || ' ' || c.oid, ';' ORDER BY c.relname) "
                        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "WHERE i.indrelid = 'recordings'::regclass")


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's sessions")
def test_postgres_alone_builds_the_indexes_again(tmp_path):
    """No other session on the database: a large import drops the recordings' secondary
    indexes and builds them again before it commits (the primary key stays); a failed one
    leaves them as they were. Beside a server (the module's tests) they stay in place."""
    from conftest import Cli
    alone = Cli(str(tmp_path))
    alone.run("init")
    acc = alone.account("Alone Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        alone.user(acc, email)
    defs, ids = definitions(index_state(alone)), postgres_index_ids(alone)
    f = tmp_path / "bad.ndjson"
    f.write_text(ndjson(make_records(3000)) + "{broken\n")
    proc = alone.run("recordings", "import", "--account", acc, str(f), check=False)
    assert proc.returncode == 1 and "line 3001" in proc.stderr
    assert postgres_index_ids(alone) == ids
    records = make_records(3000)
    f.write_text(ndjson(records))
    assert alone.json("recordings", "import", "--account", acc, str(f)) == {"imported": 3000}
    assert definitions(index_state(alone)) == defs
    after = {x.rsplit(" ", 1)[0]: x for x in postgres_index_ids(alone).split(";")}
    before = {x.rsplit(" ", 1)[0]: x for x in ids.split(";")}
    assert after["recordings_pkey"] == before["recordings_pkey"]
    assert all(after[name] != before[name] for name in before if name != "recordings_pkey")
    server = Server(alone)
    try:
        check_answers(Api(server.url, alone.token(acc, USERS[0])["token"]), records)
    finally:
        assert server.stop() == 0


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's sessions")
def test_postgres_beside_a_server_keeps_the_indexes(cli, account, api):
    """Dropping an index would lock the table against the server's reads until the commit."""
    ids = postgres_index_ids(cli)
    before = api.get("/api/v2/recordings").json()["pagination"]["count"]
    records = make_records(9000, start=60000)  # more than the table holds: worth dropping
    assert cli.json("recordings", "import", "--account", account,
                    stdin=ndjson(records)) == {"imported": 9000}
    assert postgres_index_ids(cli) == ids
    assert api.get("/api/v2/recordings").json()["pagination"]["count"] == before + 9000


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's locks")
def test_postgres_requests_do_not_hang_behind_an_import_alone(tmp_path):
    """An import alone on the database holds the recordings table from its index drop to its
    commit; a server that connects meanwhile answers 503 after its 5 s lock timeout instead
    of hanging, and the whole import after the commit."""
    import time

    from conftest import Cli
    alone = Cli(str(tmp_path))
    alone.run("init")
    acc = alone.account("Locked Co", USERS[0])["account_id"]
    for email in USERS[1:]:
        alone.user(acc, email)
    token = alone.token(acc, USERS[0])["token"]
    proc = start_import(alone, acc)
    proc.stdin.write(ndjson(make_records(2000)))
    proc.stdin.flush()
    assert wait_for(lambda: psql(alone.db, "SELECT count(*) FROM pg_locks l JOIN pg_class c "
                                           "ON c.oid = l.relation WHERE c.relname = "
                                           "'recordings' AND l.mode = 'AccessExclusiveLock' "
                                           "AND l.granted").strip() == "1")
    server = Server(alone)
    try:
        api = Api(server.url, token)
        start = time.monotonic()
        r = api.get("/api/v2/recordings/0190c3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f8")
        assert r.status_code == 503
        assert time.monotonic() - start < 15
        out, err = proc.communicate(ndjson(make_records(1000, start=2000)), timeout=60)
        assert proc.returncode == 0, err
        assert json.loads(out) == {"imported": 3000}
        assert api.get("/api/v2/recordings?items=1").json()["pagination"]["count"] == 3000
    finally:
        if proc.poll() is None:
            proc.kill()
        assert server.stop() == 0
