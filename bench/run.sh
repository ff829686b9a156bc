#!/usr/bin/env bash
# make bench: seeds 100,000 recordings through the CLI, then drives wrk at a list page of 100,
# a single recording and the users list. Prints requests/s and p99 latency per scenario.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/screendesk
COUNT=${BENCH_RECORDINGS:-100000}
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18181}
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="sqlite:$WORK/bench.db"
json() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

ACCOUNT=$("$BIN" account create --db "$DB" --name Bench --owner-email owner@bench.test | json account_id)
for i in 1 2 3 4 5 6 7 8 9; do
    "$BIN" user create --db "$DB" --account "$ACCOUNT" --email "agent$i@bench.test" >/dev/null
done
/usr/bin/python3 "$ROOT/bench/gen_recordings.py" "$COUNT" \
    "owner@bench.test,agent1@bench.test,agent2@bench.test" > "$WORK/recordings.ndjson"
start=$(date +%s.%N)
"$BIN" recordings import --db "$DB" --account "$ACCOUNT" "$WORK/recordings.ndjson" >/dev/null
end=$(date +%s.%N)
echo "import: $COUNT recordings in $(echo "$end - $start" | bc) s"
TOKEN=$("$BIN" token create --db "$DB" --account "$ACCOUNT" --email owner@bench.test --name bench | json token)

CPUS=$(nproc)
SERVER_CPUS=0
WRK_CPUS=0
if [ "$CPUS" -ge 2 ]; then WRK_CPUS=$((CPUS - 1)); SERVER_CPUS="0-$((CPUS - 2))"; fi
taskset -c "$SERVER_CPUS" "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --rate-limit 0 \
    --threads "${BENCH_THREADS:-1}" 2>/dev/null &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
UUID=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v2/recordings?page=500&items=1" |
    /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['records'][0]['uuid'])")

printf "%-28s %12s %10s\n" scenario "requests/s" "p99"
run() {
    local name=$1 path=$2
    local out
    out=$(taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $TOKEN" "$BASE$path")
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    if echo "$out" | grep -q "Non-2xx"; then
        echo "$name: some answers were not 2xx; the figures are void" >&2
        echo "$out" >&2
        exit 1
    fi
    printf "%-28s %12s %10s\n" "$name" "$rps" "$p99"
}
run "list page 37 (100 records)" "/api/v2/recordings?page=37&items=100"
run "list page 1000" "/api/v2/recordings?page=1000&items=100"
run "one recording" "/api/v2/recordings/$UUID"
run "users list" "/api/v2/users"
