"""deploy/nginx.conf is a valid nginx configuration (`nginx -t`), when nginx is installed.

Locally the test is skipped without nginx; with CI=true it fails instead (.ci/run installs
nginx-light). The configuration is checked as shipped, with only the paths of the pid and log
files moved into a temporary directory so the check needs no root and touches nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.e2e.conftest import REPO_ROOT
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


def test_the_deploy_config_has_what_socket_io_needs():
    text = CONFIG.read_text()
    assert "ip_hash;" in text  # sticky: long-polling handshakes reach the same worker
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_http_version 1.1;" in text
    # Longer than Socket.IO's ping interval + timeout (20 s + 20 s, workshop/realtime).
    assert "proxy_read_timeout 3600s;" in text
