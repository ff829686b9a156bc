#!/bin/sh
# Installs the Debian packages that building, running and testing need, only when missing.
set -eu
PKGS="build-essential pkg-config clang clang-format clang-tidy cppcheck libclang-rt-14-dev
libmicrohttpd-dev libcjson-dev libsqlite3-dev libsodium-dev libpq-dev libgnutls28-dev
libcmocka-dev python3 python3-pytest python3-requests python3-jsonschema python3-yaml
sqlite3 postgresql curl wrk openssl nginx-light bc"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
