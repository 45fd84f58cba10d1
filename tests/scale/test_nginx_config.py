"""deploy/nginx.conf is a valid nginx configuration (`nginx -t`), when nginx is installed.

Locally the test is skipped without nginx; with CI=true it fails instead (.ci/run installs
nginx-light). The configuration is checked as shipped, with only the paths of the pid and log
files moved into a temporary directory so the check needs no root and touches nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import requests

from tests.e2e.conftest import REPO_ROOT, free_port
from tests.scale.conftest import unavailable

CONFIG = REPO_ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    """nginx on PATH, or Debian's /usr/sbin/nginx (sbin is not on every user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def test_the_deploy_config_passes_nginx_t(tmp_path):
    nginx = nginx_binary()
    if nginx is None:
        unavailable("nginx is not installed (apt-get install nginx-light)")
    text = CONFIG.read_text()
    for original in ("/run/nginx.pid", "/var/log/nginx/error.log", "/var/log/nginx/access.log"):
        assert original in text, f"{original} moved in deploy/nginx.conf; update this test"
        text = text.replace(original, str(tmp_path / Path(original).name))
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(config),
                           "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr, done.stderr


def test_the_proxys_own_429_is_json_with_retry_after(tmp_path):
    """Joins past nginx's per-address rate are refused by nginx itself, in the protocol's
    error shape, before any worker sees them (no worker runs here: those let through get
    502)."""
    nginx = nginx_binary()
    if nginx is None:
        unavailable("nginx is not installed (apt-get install nginx-light)")
    port, dead = free_port(), free_port()
    text = CONFIG.read_text().replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("127.0.0.1:5001", f"127.0.0.1:{dead}").replace(
        "server 127.0.0.1:5002 max_fails=3 fail_timeout=10s;\n", "")
    for original in ("/run/nginx.pid", "/var/log/nginx/error.log", "/var/log/nginx/access.log"):
        text = text.replace(original, str(tmp_path / Path(original).name))
    (tmp_path / "nginx.conf").write_text(text.replace("user www-data;", ""))
    proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log"), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.1)
        with requests.Session() as http:
            answers = [http.post(f"http://127.0.0.1:{port}/api/join", json={}, timeout=5)
                       for _ in range(60)]  # burst 40 at 5 a second
        refused = [a for a in answers if a.status_code == 429]
        assert refused, [a.status_code for a in answers]
        assert refused[0].headers["Content-Type"] == "application/json"
        assert refused[0].headers["Retry-After"] == "1"
        assert refused[0].json()["error"]["code"] == "rate_limited"
    finally:
        proxy.terminate()
        proxy.wait(10)


def test_the_deploy_config_has_what_socket_io_needs():
    text = CONFIG.read_text()
    assert "ip_hash;" in text  # sticky: long-polling handshakes reach the same worker
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_http_version 1.1;" in text
    # Longer than Socket.IO's ping interval + timeout (20 s + 20 s, workshop/realtime).
    assert "proxy_read_timeout 3600s;" in text
