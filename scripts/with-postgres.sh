#!/bin/sh
# Runs a command with a throwaway PostgreSQL: SCREENDESK_TEST_DB names it while the command
# runs, and the server is stopped and removed afterwards, whatever the command's outcome.
# usage: with-postgres.sh COMMAND [ARG...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/sdpg.XXXXXX)
cleanup() {
    sh "$here/pg-test-server.sh" stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
SCREENDESK_TEST_DB=$(sh "$here/pg-test-server.sh" start "$dir")
export SCREENDESK_TEST_DB
echo "PostgreSQL for the tests: $SCREENDESK_TEST_DB" >&2
"$@"
