"""Two gunicorn app servers behind nginx, one PostgreSQL, one Redis, one job worker: a user
logs in through one, asks for and downloads the letters through the other, and votes.

Runs only when nginx is installed and COMMITTEE_DEPLOY_CHECK=1 (CI sets it: `.ci/run`); it
starts servers on ports 8100-8102 and creates (then drops) the PostgreSQL database
``committee_deploy_check``."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or os.environ.get("COMMITTEE_DEPLOY_CHECK") != "1",
    reason="needs nginx and COMMITTEE_DEPLOY_CHECK=1 (see deploy/check_two_servers.py)")


def test_two_app_servers_behind_nginx_serve_one_user_without_a_difference():
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "check_two_servers.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "served one user without a difference" in result.stdout
