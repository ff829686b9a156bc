#!/bin/sh
# Starts or stops a throwaway PostgreSQL for the tests: its own data directory, a Unix socket
# in that directory, no TCP listener, trust authentication, and no fsync (test data only).
# usage: pg-test-server.sh start DIR   (prints the libpq URL on stdout)
#        pg-test-server.sh stop DIR
set -eu
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }
# PostgreSQL refuses to run as root: run it as the postgres user then.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        # From /, which the postgres user can enter whatever the caller's directory is.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}
case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync \
            >"$dir/initdb.log" 2>&1
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=300" start >/dev/null
    echo "postgresql:///postgres?host=$dir&user=postgres"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
