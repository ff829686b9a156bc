#!/usr/bin/env bash
# make bench: one run, on the same data, of every scenario on SQLite and on a throwaway
# PostgreSQL, beside the same answers served as static files by nginx (the ceiling).
#   R1 a page of 100 recordings (page 37)     R2 one recording
#   P1 page 1 and P1000 page 1,000 (cost by page number)
#   U  the users list
#   S1 SCIM filter userName eq "..."          S3 SCIM page startIndex=501&count=100
#   S2 SCIM user creation (no static ceiling: nginx cannot answer a POST)
# Prints requests/s and p99 per scenario (medians of BENCH_RUNS runs) and ours/nginx; the
# SQLite import rate is the median of BENCH_RUNS imports, each into a new database.
# The server runs on the first CPUs, wrk on the last one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/screendesk
COUNT=${BENCH_RECORDINGS:-100000}
USERS=${BENCH_USERS:-2000}
DURATION=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18181}
NGINX_PORT=$((PORT + 1))
WORK=$(mktemp -d /tmp/sdbench.XXXXXX)
PGDIR=$(mktemp -d /tmp/sdbpg.XXXXXX) # its own folder: the postgres user must reach it
SERVER=""
NGINX_PID=""
cleanup() {
    [ -n "$SERVER" ] && stop_server
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    sh "$ROOT/scripts/pg-test-server.sh" stop "$PGDIR" 2>/dev/null || true
    rm -rf "$WORK" "$PGDIR"
}
trap cleanup EXIT
json() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

load=$(cut -d' ' -f1 /proc/loadavg)
if [ "$(echo "$load > 0.5" | bc)" = 1 ]; then
    echo "warning: the machine is busy (load average $load); figures will be low" >&2
fi
CPUS=$(nproc)
SERVER_CPUS=0
WRK_CPUS=0
if [ "$CPUS" -ge 2 ]; then WRK_CPUS=$((CPUS - 1)); SERVER_CPUS="0-$((CPUS - 2))"; fi
THREADS=${BENCH_THREADS:-$(( CPUS > 1 ? CPUS - 1 : 1 ))}

/usr/bin/python3 "$ROOT/bench/gen_recordings.py" "$COUNT" \
    "owner@bench.test,agent1@bench.test,agent2@bench.test" > "$WORK/recordings.ndjson"

# One wrk run: prints "requests/s p99-in-ms".
wrk_once() {
    local url=$1 out
    shift
    out=$(taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url")
    if echo "$out" | grep -q "Non-2xx"; then
        # This runs in a subshell: leave a mark that makes the whole run fail at the end.
        echo "$url: some answers were not 2xx; the figures are void" >&2
        echo "$out" >&2
        touch "$WORK/failed"
    fi
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000}
        else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}
        print v}')
    echo "$rps $p99"
}

# Median of RUNS runs: prints "requests/s p99-in-ms".
wrk_median() {
    local i results=()
    for i in $(seq "$RUNS"); do
        export BENCH_RUN="$BACKEND-$i-$RANDOM" # S2: new user names every run
        results+=("$(wrk_once "$@")")
    done
    printf "%s\n" "${results[@]}" | sort -n -k1 | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'
}

declare -A CEILING
report() {
    local name=$1 result=$2 ratio="-"
    local rps=${result% *} p99=${result#* }
    if [ -n "${CEILING[$name]:-}" ]; then
        ratio=$(echo "scale=2; $rps / ${CEILING[$name]}" | bc)
    fi
    printf "%-9s %-34s %12.0f %9.2f ms %8s\n" "$BACKEND" "$name" "$rps" "$p99" "$ratio"
}

# A database with the bench account and its users; the recordings imported into it, timed:
# sets ACCOUNT and prints the import's recordings/s.
seed_account() {
    local db=$1
    (cd "$WORK" && "$BIN" init --db "$db" >/dev/null)
    ACCOUNT=$(cd "$WORK" && "$BIN" account create --db "$db" --name Bench \
        --owner-email owner@bench.test | json account_id)
    for i in 1 2; do
        (cd "$WORK" && "$BIN" user create --db "$db" --account "$ACCOUNT" \
            --email "agent$i@bench.test" >/dev/null)
    done
}

timed_import() {
    local db=$1 start end
    start=$(date +%s.%N)
    (cd "$WORK" && "$BIN" recordings import --db "$db" --account "$ACCOUNT" \
        "$WORK/recordings.ndjson" >/dev/null)
    end=$(date +%s.%N)
    echo "$COUNT / ($end - $start)" | bc
}

seed() {
    local db=$1 rates=() i
    # SQLite: the median of RUNS imports, each into a new database (the last one is kept).
    if [ "${db#sqlite:}" != "$db" ]; then
        for i in $(seq 2 "$RUNS"); do
            seed_account "sqlite:$WORK/scratch.db"
            rates+=("$(timed_import "sqlite:$WORK/scratch.db")")
            rm -f "$WORK"/scratch.db*
        done
    fi
    seed_account "$db"
    rates+=("$(timed_import "$db")")
    IMPORT_RATE=$(printf "%s\n" "${rates[@]}" | sort -n | awk -v n="${#rates[@]}" \
        'NR == int((n + 1) / 2)')
    TOKEN=$(cd "$WORK" && "$BIN" token create --db "$db" --account "$ACCOUNT" \
        --email owner@bench.test --name bench | json token)
    SCIM_TOKEN=$(cd "$WORK" && "$BIN" scim-token create --db "$db" --account "$ACCOUNT" | json token)
}

# Starts the server (not a child of this shell: bench/first_healthz.py launches it) and sets
# SERVER and FIRST_HEALTHZ_MS, the milliseconds from its launch until its first /healthz.
start_server() {
    local db=$1
    SERVER=""
    read -r FIRST_HEALTHZ_MS SERVER < <(/usr/bin/python3 "$ROOT/bench/first_healthz.py" \
        "$SERVER_CPUS" "$WORK" "$PORT" "$BIN" serve --db "$db" --listen "127.0.0.1:$PORT" \
        --rate-limit 0 --threads "$THREADS") || true
    [ -n "$SERVER" ] || exit 1 # first_healthz.py said why
    BASE="http://127.0.0.1:$PORT"
}

stop_server() {
    kill "$SERVER"
    while kill -0 "$SERVER" 2>/dev/null; do sleep 0.01; done
    SERVER=""
}

# The first /healthz of RUNS fresh processes, the median (one start alone is at the mercy of
# whatever else the machine does in that instant); leaves the last one running.
time_first_healthz() {
    local db=$1 i times=()
    for i in $(seq "$RUNS"); do
        [ -n "$SERVER" ] && stop_server
        start_server "$db"
        times+=("$FIRST_HEALTHZ_MS")
    done
    FIRST_HEALTHZ_MS=$(printf "%s\n" "${times[@]}" | sort -n | awk -v n="$RUNS" \
        'NR == int((n + 1) / 2)')
}

# Users for the SCIM scenarios, through SCIM itself (S2 is measured separately).
add_users() {
    /usr/bin/python3 - "$BASE" "$SCIM_TOKEN" "$USERS" <<'PY'
import json, sys, urllib.request
base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    body = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                       "userName": f"user{i:05d}@bench.test", "externalId": f"ext-{i}",
                       "name": {"givenName": "Bench", "familyName": f"User {i}"}}).encode()
    req = urllib.request.Request(base + "/scim/v2/Users", data=body, method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/scim+json"})
    urllib.request.urlopen(req).read()
PY
}

scenario_paths() {
    UUID=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v2/recordings?page=500&items=1" |
        /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['records'][0]['uuid'])")
    declare -gA PATHS=(
        ["R1 page 37 of 100 recordings"]="/api/v2/recordings?page=37&items=100"
        ["P1 page 1 of 100 recordings"]="/api/v2/recordings?page=1&items=100"
        ["P1000 page 1000 of 100"]="/api/v2/recordings?page=1000&items=100"
        ["R2 one recording"]="/api/v2/recordings/$UUID"
        ["U  users list"]="/api/v2/users"
        ["S1 SCIM userName eq"]="/scim/v2/Users?filter=userName%20eq%20%22user01234%40bench.test%22"
        ["S3 SCIM page startIndex=501"]="/scim/v2/Users?startIndex=501&count=100"
    )
}

ORDER=("R1 page 37 of 100 recordings" "P1 page 1 of 100 recordings" "P1000 page 1000 of 100"
       "R2 one recording" "U  users list" "S1 SCIM userName eq" "S3 SCIM page startIndex=501")

auth_for() {
    case $1 in S*) echo "$SCIM_TOKEN" ;; *) echo "$TOKEN" ;; esac
}

# The ceiling: the same answers as static files, one nginx worker with keep-alive.
start_nginx() {
    mkdir -p "$WORK/static"
    local i=0 name
    for name in "${ORDER[@]}"; do
        i=$((i + 1))
        curl -sf -H "Authorization: Bearer $(auth_for "$name")" "$BASE${PATHS[$name]}" \
            > "$WORK/static/$i.json"
    done
    cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    default_type application/json;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/static;
    }
}
CONF
    # nginx's worker runs as an unprivileged user: it must be able to read the files.
    chmod 755 "$WORK" "$WORK/static"
    chmod 644 "$WORK"/static/*.json
    taskset -c "$SERVER_CPUS" nginx -c "$WORK/nginx.conf" -p "$WORK" 2>/dev/null &
    NGINX_PID=$!
    local tries=0
    until curl -sf "http://127.0.0.1:$NGINX_PORT/1.json" >/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 500 ] || { echo "nginx did not start" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }
        sleep 0.01
    done
}

bench_backend() {
    BACKEND=$1
    local db=$2
    seed "$db"
    start_server "$db"
    add_users
    scenario_paths
    time_first_healthz "$db"
    if [ "$BACKEND" = sqlite ]; then
        start_nginx
        local i=0 name
        for name in "${ORDER[@]}"; do
            i=$((i + 1))
            local r
            r=$(wrk_median "http://127.0.0.1:$NGINX_PORT/$i.json")
            CEILING[$name]=${r% *}
            printf "%-9s %-34s %12.0f %9.2f ms\n" nginx "$name" "${r% *}" "${r#* }"
        done
        kill "$NGINX_PID"
        NGINX_PID=""
    fi
    printf "%-9s %-34s %12s /s\n" "$BACKEND" "import $COUNT recordings" "$IMPORT_RATE"
    printf "%-9s %-34s %12s ms\n" "$BACKEND" "first /healthz after start" "$FIRST_HEALTHZ_MS"
    for name in "${ORDER[@]}"; do
        report "$name" "$(wrk_median "$BASE${PATHS[$name]}" \
            -H "Authorization: Bearer $(auth_for "$name")")"
    done
    export BENCH_SCIM_TOKEN=$SCIM_TOKEN
    report "S2 SCIM user creation" "$(wrk_median "$BASE" -s "$ROOT/bench/create_user.lua")"
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo 0)
    printf "%-9s %-34s %12s KiB\n" "$BACKEND" "peak RSS of the server" "$rss"
    stop_server
}

printf "%-9s %-34s %12s %12s %8s\n" backend scenario "requests/s" "p99" "ours/nginx"
bench_backend sqlite "sqlite:$WORK/bench.db"
if [ "${BENCH_POSTGRES:-1}" = 1 ]; then
    bench_backend postgres "$(sh "$ROOT/scripts/pg-test-server.sh" start "$PGDIR")"
fi
if [ -e "$WORK/failed" ]; then
    echo "some scenarios answered errors: see above" >&2
    exit 1
fi
