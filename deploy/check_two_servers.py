#!/usr/bin/env python3
"""Two app servers that share nothing but PostgreSQL and Redis serve one user without a difference.

Starts, on this machine: two gunicorn instances (ports 8101 and 8102), one job worker, and
Debian's nginx (port 8100) in front of both, all on one PostgreSQL database (created fresh,
dropped at the end) and one Redis database. Then, as a browser would:

1. the organiser logs in through server A;
2. through server B, with the session cookie A set, asks for the voter letters (a job);
3. watches the progress through nginx (both servers answer) and downloads the PDF through B;
4. an owner votes through A with a code printed in that PDF, and the ballot shows in the
   public ballot box read through B.

Usage (from the project root, with the virtual environment):
    .venv/bin/python deploy/check_two_servers.py
Settings (environment): CHECK_PG (default postgresql://postgres@127.0.0.1:5432), CHECK_DB
(default committee_deploy_check), CHECK_REDIS (default redis://127.0.0.1:6379/5).
Exit status 0 when every step worked.
"""
from __future__ import annotations

import http.cookiejar
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = os.environ.get("CHECK_PG", "postgresql://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("CHECK_DB", "committee_deploy_check")
REDIS = os.environ.get("CHECK_REDIS", "redis://127.0.0.1:6379/5")
PORT_A, PORT_B, PORT_NGINX = 8101, 8102, 8100
A, B, NGINX = (f"http://127.0.0.1:{port}" for port in (PORT_A, PORT_B, PORT_NGINX))
CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream committee_app {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://committee_app;
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def step(message: str) -> None:
    print(f"== {message}", flush=True)


class Browser:
    """One user's browser: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, url: str, data: dict | list | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, url: str) -> str:
        status, _headers, body = self.request(url)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        if status != 200 or not match:
            raise SystemExit(f"no CSRF token on {url} (status {status})")
        return match.group(1).decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout}s")


def run(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "committee_app", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env: dict) -> tuple[int, str]:
    """A fresh database with the demo and one open by-election in 精城名典 (no procedure running, so
    candidates may be named directly); (vote id, compound code)."""
    subprocess.run(["psql", PG + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}"',
                    "-c", f'CREATE DATABASE "{DB_NAME}"'], check=True)
    code = ("import sys\nfrom committee_app import create_app\nfrom committee_app.extensions import db\n"
            "app = create_app()\nwith app.app_context(): db.create_all()\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    run(env, "seed-demo")
    code = ("from committee_app import create_app\nfrom committee_app.extensions import db\n"
            "from committee_app.registry.models import Compound\nfrom committee_app.voting import operations\n"
            "app = create_app()\nwith app.app_context():\n"
            "    compound = db.session.scalar(db.select(Compound).where(Compound.name == '精城名典'))\n"
            "    vote = operations.create_election(compound, title='两台服务器检查', seats=2, candidates=['甲', '乙', '丙'], is_by_election=True)\n"
            "    operations.open_vote(vote, compound, enforce_gate=False)\n"
            "    db.session.commit()\n"
            "    print(vote.id, compound.code)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    vote_id, compound_code = out.stdout.split()[-2:]
    return int(vote_id), compound_code


def check(vote_id: int, compound: str) -> None:
    organiser = Browser()
    step("the organiser logs in through server A")
    token = organiser.csrf(f"{A}/login")
    status, headers, _ = organiser.request(f"{A}/login", {"csrf_token": token, "username": "organiser_jc",
                                                          "password": "demo1234"})
    assert status == 302, f"login through A: {status}"

    step("through server B (A's session cookie, a CSRF token from A) the organiser asks for the letters")
    token = organiser.csrf(f"{A}/compounds/{compound}/votes/{vote_id}")
    started = time.monotonic()
    status, headers, _ = organiser.request(f"{B}/compounds/{compound}/votes/{vote_id}/letters-job",
                                           {"csrf_token": token})
    latency = time.monotonic() - started
    assert status == 303, f"letters job through B: {status}"
    job_url = urllib.parse.urljoin(B, headers["Location"])
    job_path = urllib.parse.urlsplit(job_url).path
    print(f"   job {job_path} answered in {latency * 1000:.0f} ms")
    assert latency < 1.0

    step("the progress, through nginx (both servers) until done")
    upstreams, last = set(), None
    deadline = time.monotonic() + 600
    while True:
        status, headers, body = organiser.request(f"{NGINX}{job_path}/progress")
        assert status == 200, f"progress through nginx: {status}"
        upstreams.add(headers.get("X-Upstream"))
        import json

        progress = json.loads(body)
        if (progress["done"], progress["total"]) != last:
            last = (progress["done"], progress["total"])
            print(f"   {progress['state']} {progress['done']}/{progress['total']}", flush=True)
        if progress["state"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, "the letters took more than 10 minutes"
        time.sleep(0.5)
    assert progress["state"] == "done", progress["error"]
    print(f"   answered by {sorted(u for u in upstreams if u)}")
    assert len(upstreams) == 2, "nginx should have spread the polls over both servers"

    step("the organiser downloads the letters through server B")
    status, headers, pdf = organiser.request(f"{B}{job_path}/download")
    assert status == 200 and pdf.startswith(b"%PDF"), f"download through B: {status}"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    first_page = reader.pages[0].extract_text()
    code = CODE.search(first_page).group(0)
    print(f"   {len(reader.pages)} pages; the first letter's code works below")

    step("an owner votes through server A with that code")
    owner = Browser()
    status, _, page = owner.request(f"{A}/ballot/{vote_id}?code={code}")
    assert status == 200, f"ballot page through A: {status}"
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    candidate = re.search(rb'name="candidate" value="(\d+)"', page).group(1).decode()
    form = {"code": code, "candidate": [candidate]}
    if token:
        form["csrf_token"] = token.group(1).decode()
    status, _, page = owner.request(f"{A}/ballot/{vote_id}/confirm", form)
    assert status == 200, f"confirm through A: {status}"
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        form["csrf_token"] = token.group(1).decode()
    status, _, page = owner.request(f"{A}/ballot/{vote_id}/cast", {**form, "confirmed": "1"})
    assert status == 200, f"cast through A: {status}"
    receipt = re.search(rb'id="receipt">([^<]+)<', page).group(1).decode().strip()
    step("the organiser closes the vote through server A")
    token = organiser.csrf(f"{B}/compounds/{compound}/votes/{vote_id}")
    status, _, _ = organiser.request(f"{A}/compounds/{compound}/votes/{vote_id}/close", {"csrf_token": token})
    assert status == 302, f"close through A: {status}"
    step("the owner finds the ballot by its receipt in the public ballot box, read through server B")
    status, _, page = owner.request(f"{B}/board/{compound}/votes/{vote_id}?receipt={urllib.parse.quote(receipt)}")
    assert status == 200 and b'id="receipt-found"' in page, f"ballot box through B: {status}"


def main() -> int:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        print("nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return 2
    env = dict(os.environ, DATABASE_URL=f"{PG}/{DB_NAME}", REDIS_URL=REDIS, PYTHONUNBUFFERED="1",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{PORT_NGINX}")  # production refuses letters without it
    step(f"fresh database {DB_NAME}, demo seeded, queue on {REDIS}")
    vote_id, compound = prepare_database(env)
    subprocess.run([sys.executable, "-c", f"import redis; redis.Redis.from_url({REDIS!r}).flushdb()"], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="committee-two-servers-"))
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        for name, command in (
                ("server-a", [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT_A}", "committee_app:create_app()"]),
                ("server-b", [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT_B}", "committee_app:create_app()"]),
                ("worker", [sys.executable, "-m", "flask", "--app", "committee_app", "jobs", "worker", "--workers", "2",
                            "--no-periodic"])):
            log = open(tmp / f"{name}.log", "wb")
            logs.append(log)
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True))
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, a=PORT_A, b=PORT_B, port=PORT_NGINX))
        log = open(tmp / "nginx.log", "wb")
        logs.append(log)
        processes.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        for url in (f"{A}/healthz", f"{B}/healthz", f"{NGINX}/healthz"):
            wait_http(url)
        check(vote_id, compound)
        step("two app servers behind nginx served one user without a difference")
        return 0
    except (AssertionError, SystemExit, Exception):
        for path in sorted(tmp.glob("*.log")):
            print(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs:
            log.close()
        subprocess.run(["psql", PG + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}"'], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
