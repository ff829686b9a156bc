#!/bin/sh
# Installs the Debian packages that building, running and testing need, only when missing.
set -eu
PKGS="build-essential pkg-config clang clang-format clang-tidy cppcheck libclang-rt-14-dev
libmicrohttpd-dev libcjson-dev libsqlite3-dev libsodium-dev libpq-dev libgnutls28-dev
libcmocka-dev python3 python3-pytest python3-requests python3-jsonschema python3-yaml
sqlite3 postgresql curl wrk openssl nginx-light bc chromium"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# Node.js and npm run the browser test; a machine may have them from elsewhere already.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi
# playwright-core (from the npm registry, version pinned by the lock file) drives chromium.
browser_dir="$(dirname "$0")/../tests/browser"
want=$(cd "$browser_dir" && node -p 'require("./package.json").dependencies["playwright-core"]')
have=$(cd "$browser_dir" && node -p 'try { require("./node_modules/playwright-core/package.json").version } catch (e) { "" }')
if [ "$want" != "$have" ]; then
    echo "installing playwright-core with npm" >&2
    (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
