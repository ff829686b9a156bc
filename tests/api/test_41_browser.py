"""The API Tokens page in a real browser: Debian's chromium driven by playwright-core
(tests/browser/tokens.mjs). Screenshots of every step land in build/screenshots/."""
import os
import shutil
import subprocess

from conftest import IS_POSTGRES, ROOT, Server

SCRIPT = os.path.join(ROOT, "tests", "browser", "tokens.mjs")
PASSWORD = "browser test passphrase"


def test_tokens_page_in_chromium(cli):
    assert shutil.which("node"), "node is missing: run scripts/install-deps.sh"
    assert os.path.exists("/usr/bin/chromium"), "chromium is missing: run scripts/install-deps.sh"
    assert os.path.isdir(os.path.join(ROOT, "tests", "browser", "node_modules", "playwright-core")), \
        "playwright-core is missing: run scripts/install-deps.sh"
    acc = cli.account("Browser Co", "owner@browser.test")["account_id"]
    cli.import_recordings(acc, [{"title": "Seen through a browser-made token",
                                 "user_email": "owner@browser.test"}])
    cli.run("user", "set-password", "--account", acc, "--email", "owner@browser.test",
            "--password-stdin", stdin=PASSWORD + "\n")
    server = Server(cli)
    try:
        shots = os.path.join(ROOT, "build", "screenshots",
                             "postgresql" if IS_POSTGRES else "sqlite")
        env = dict(os.environ, BASE_URL=server.url, EMAIL="owner@browser.test",
                   PASSWORD=PASSWORD, SHOT_DIR=shots)
        proc = subprocess.run(["node", SCRIPT], env=env, capture_output=True, text=True,
                              timeout=300, cwd=ROOT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "browser test passed" in proc.stdout
        assert len([f for f in os.listdir(shots) if f.endswith(".png")]) >= 12
    finally:
        assert server.stop() == 0, server.log_text()[-4000:]
