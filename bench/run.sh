#!/usr/bin/env bash
# make bench: seeds 100,000 recordings through the CLI into SQLite and into a throwaway
# PostgreSQL (the same data), then drives wrk at list pages, a single recording and the users
# list on each. Prints requests/s and p99 latency per scenario and backend.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/screendesk
COUNT=${BENCH_RECORDINGS:-100000}
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18181}
WORK=$(mktemp -d /tmp/sdbench.XXXXXX)
PGDIR=$(mktemp -d /tmp/sdbpg.XXXXXX) # its own folder: the postgres user must reach it
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    sh "$ROOT/scripts/pg-test-server.sh" stop "$PGDIR" 2>/dev/null || true
    rm -rf "$WORK" "$PGDIR"
}
trap cleanup EXIT
json() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

/usr/bin/python3 "$ROOT/bench/gen_recordings.py" "$COUNT" \
    "owner@bench.test,agent1@bench.test,agent2@bench.test" > "$WORK/recordings.ndjson"

CPUS=$(nproc)
SERVER_CPUS=0
WRK_CPUS=0
if [ "$CPUS" -ge 2 ]; then WRK_CPUS=$((CPUS - 1)); SERVER_CPUS="0-$((CPUS - 2))"; fi

scenario() {
    local name=$1 path=$2 out rps p99
    out=$(taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $TOKEN" "$BASE$path")
    if echo "$out" | grep -q "Non-2xx"; then
        echo "$name: some answers were not 2xx; the figures are void" >&2
        echo "$out" >&2
        exit 1
    fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf "%-10s %-28s %12s %10s\n" "$BACKEND" "$name" "$rps" "$p99"
}

bench_backend() {
    BACKEND=$1
    local db=$2 start end account
    (cd "$WORK" && "$BIN" init --db "$db" >/dev/null)
    account=$(cd "$WORK" && "$BIN" account create --db "$db" --name Bench \
        --owner-email owner@bench.test | json account_id)
    for i in 1 2 3 4 5 6 7 8 9; do
        (cd "$WORK" && "$BIN" user create --db "$db" --account "$account" \
            --email "agent$i@bench.test" >/dev/null)
    done
    start=$(date +%s.%N)
    (cd "$WORK" && "$BIN" recordings import --db "$db" --account "$account" \
        "$WORK/recordings.ndjson" >/dev/null)
    end=$(date +%s.%N)
    printf "%-10s %-28s %12s\n" "$BACKEND" "import $COUNT recordings" \
        "$(echo "$COUNT / ($end - $start)" | bc) /s"
    TOKEN=$(cd "$WORK" && "$BIN" token create --db "$db" --account "$account" \
        --email owner@bench.test --name bench | json token)
    (cd "$WORK" && exec taskset -c "$SERVER_CPUS" "$BIN" serve --db "$db" \
        --listen "127.0.0.1:$PORT" --rate-limit 0 --threads "${BENCH_THREADS:-2}" \
        2>/dev/null) &
    SERVER=$!
    BASE="http://127.0.0.1:$PORT"
    for _ in $(seq 200); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.05; done
    local uuid
    uuid=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v2/recordings?page=500&items=1" |
        /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['records'][0]['uuid'])")
    scenario "list page 1 (100 records)" "/api/v2/recordings?page=1&items=100"
    scenario "list page 37" "/api/v2/recordings?page=37&items=100"
    scenario "list page 1000" "/api/v2/recordings?page=1000&items=100"
    scenario "one recording" "/api/v2/recordings/$uuid"
    scenario "users list" "/api/v2/users"
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}

printf "%-10s %-28s %12s %10s\n" backend scenario "requests/s" "p99"
bench_backend sqlite "sqlite:$WORK/bench.db"
if [ "${BENCH_POSTGRES:-1}" = 1 ]; then
    PG=$(sh "$ROOT/scripts/pg-test-server.sh" start "$PGDIR")
    bench_backend postgres "$PG"
fi
