#!/usr/bin/env bash
# make bench-scaling: how the cost of a read grows with the data and the page number, and how
# throughput follows the number of worker threads. SQLite, wrk -c32 for BENCH_SECONDS (3) per
# cell; prints Markdown tables (for docs/performance.md). The answer cache is off: these are
# the costs of the database work, which is what grows with size (a repeated read served from
# the cache costs the same at every size).
#   sizes:   1,000 / 10,000 / 100,000 / 1,000,000 recordings: R2, page 1, the middle page
#   pages:   at the largest size, pages 1, 10, 100, 1,000 and the last
#   threads: at 100,000 recordings, --threads 1, 2 and 4 (server unpinned: this machine has
#            BENCH_CPUS cores, so past that threads only share them)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/screendesk
SIZES=${BENCH_SIZES:-"1000 10000 100000 1000000"}
DURATION=${BENCH_SECONDS:-3}
PORT=${BENCH_PORT:-18191}
WORK=$(mktemp -d /tmp/sdscale.XXXXXX)
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
json() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
CPUS=$(nproc)
LAST=$((CPUS - 1))

# requests/s and p99 (ms) of one wrk run at $1
measure() {
    local out
    out=$(taskset -c "$LAST" wrk -t1 -c32 -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$1")
    if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers at $1" >&2; exit 1; fi
    echo "$out" | awk '/Requests\/sec/ {r=$2} $1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v);
        v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else {sub(/s$/,"",v); v=v*1000}
        p=v} END {printf "%.0f/s, p99 %.2f ms", r, p}'
}

start() { # db, threads, cpus
    (cd "$WORK" && exec taskset -c "$3" "$BIN" serve --db "$1" --listen "127.0.0.1:$PORT" \
        --rate-limit 0 --no-answer-cache --threads "$2" 2>/dev/null) &
    SERVER=$!
    until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.01; done
    # warm the page cache and the statements
    taskset -c "$LAST" wrk -t1 -c8 -d1s -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT/api/v2/recordings?page=1" >/dev/null
}

stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

seed() { # count -> db
    local n=$1 db="sqlite:$WORK/s$1.db"
    "$BIN" init --db "$db" >/dev/null
    ACCOUNT=$("$BIN" account create --db "$db" --name Scale --owner-email owner@scale.test |
        json account_id)
    /usr/bin/python3 "$ROOT/bench/gen_recordings.py" "$n" owner@scale.test > "$WORK/r.ndjson"
    local t0 t1
    t0=$(date +%s.%N)
    "$BIN" recordings import --db "$db" --account "$ACCOUNT" "$WORK/r.ndjson" >/dev/null
    t1=$(date +%s.%N)
    IMPORT=$(echo "$n / ($t1 - $t0)" | bc)
    TOKEN=$("$BIN" token create --db "$db" --account "$ACCOUNT" --email owner@scale.test \
        --name scale | json token)
    DB=$db
}

uuid_at() { # page -> the uuid of that page's first record
    curl -sf -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT/api/v2/recordings?page=$1&items=1" |
        /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['records'][0]['uuid'])"
}

echo "Measured $(date -u +%Y-%m-%d), $CPUS CPUs, wrk -c32 -d${DURATION}s on CPU $LAST."
echo
echo "| recordings | import | R2 one recording | page 1 of 100 | middle page of 100 | RSS after |"
echo "|---:|---:|---|---|---|---:|"
for n in $SIZES; do
    seed "$n"
    start "$DB" 1 0
    uuid=$(uuid_at $((n / 2)))
    mid=$((n / 200 > 0 ? n / 200 : 1))
    r2=$(measure "/api/v2/recordings/$uuid")
    p1=$(measure "/api/v2/recordings?page=1")
    pm=$(measure "/api/v2/recordings?page=$mid")
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$(pgrep -f "listen 127.0.0.1:$PORT" | head -1)/status")
    echo "| $n | ${IMPORT}/s | $r2 | $p1 | $pm (page $mid) | $rss KiB |"
    if [ "$n" = "$(echo "$SIZES" | awk '{print $NF}')" ]; then
        BIG_N=$n
        PAGES="1 10 100 1000 $((n / 100))"
        PAGE_ROWS=""
        for p in $PAGES; do PAGE_ROWS="$PAGE_ROWS| $p | $(measure "/api/v2/recordings?page=$p") |
"; done
    fi
    stop
    [ "$n" = 100000 ] && cp "$WORK/s$n.db" "$WORK/threads.db" && cp "$WORK/s$n.db.key" "$WORK/threads.db.key" &&
        THREADS_TOKEN=$TOKEN
    rm -f "$WORK/s$n.db"*
done
echo
echo "Pages of 100 among $BIG_N recordings (one worker thread):"
echo
echo "| page | requests/s, p99 |"
echo "|---:|---|"
printf "%s" "$PAGE_ROWS"
if [ -n "${THREADS_TOKEN:-}" ]; then
    TOKEN=$THREADS_TOKEN
    echo
    echo "Worker threads, 100,000 recordings (server on CPUs 0-$((CPUS > 1 ? CPUS - 2 : 0)) and wrk on CPU $LAST):"
    echo
    echo "| threads | R2 one recording | page 37 of 100 |"
    echo "|---:|---|---|"
    for t in 1 2 4; do
        start "sqlite:$WORK/threads.db" "$t" "0-$((CPUS > 1 ? CPUS - 2 : 0))"
        uuid=$(uuid_at 500)
        echo "| $t | $(measure "/api/v2/recordings/$uuid") | $(measure "/api/v2/recordings?page=37") |"
        stop
    done
fi
