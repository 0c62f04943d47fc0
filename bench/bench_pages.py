"""The pages of issue 14 item 5 against a hello-world Flask app, under the same gunicorn settings.

    /work/main/.venv/bin/python bench/bench_pages.py [--seconds 10] [--clients 8] [--mixed-clients 50] [--street 50]

Starts two gunicorn servers (-w 3) on 127.0.0.1 only: ``hello_app`` below (port 8311) and the
app (port 8312) on a PostgreSQL database recreated and seeded with the demo
(BENCH_PG_DB, default committee_perf; dropped and recreated, so never a real database);
``--street N`` adds the bench street of N compounds × 2,000 households (bench/_street_fixture.py)
and gives the demo's street officer and mentor its street and communities, so the boards
list N more compounds.
Each page is driven for ``--seconds`` by wrk (Debian's package) with ``--clients``
connections, or by a Python thread pool when wrk is missing; then a mixed load of
``--mixed-clients`` Python clients over the same pages and ballot casts (a motion open in
the demo's compound ZT1Q, the compound of the pages: each cast moves the generations of the
ballot tables those pages may read; the casts stop when its voting codes run out; each cast uses a
fresh voting code through the real ballot page, as bench/bench_cast.py), one request type in
``len(PAGES) + 1`` being a cast; its table gives p50/p99 per request type. Prints the tables
with the machine's load average, stops the servers and exits by itself.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = os.environ.get("BENCH_PG_DB", "committee_perf")
HOST = "127.0.0.1"
HELLO_PORT, APP_PORT = 8311, 8312
GUNICORN = ["-w", "3"]  # the same settings for both servers

hello_app = Flask("hello")


@hello_app.get("/")
def hello():
    return "Hello, World!"


# page, role (demo account, None = anonymous), path (formatted with the timeline's id), bar (% of hello)
PAGES = [
    ("owner's compound page", "owner", "/compounds/ZT1Q", 10),
    ("organiser's compound page", "organiser", "/compounds/ZT1Q", None),
    ("timeline", "organiser", "/compounds/ZT1Q/procedures/{procedure_id}", None),
    ("oversight board", "street", "/oversight/", 10),
    ("mentor's board", "mentor", "/workshop/", 10),
    ("public notice board", None, "/board/ZT1Q", 20),
]


def flask_cli(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "committee_app", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout


STREET = """
import sys
sys.path.insert(0, "bench")
from _street_fixture import build_street
from committee_app import create_app
from committee_app.accounts import operations as accounts
from committee_app.accounts.models import Role, User
from committee_app.extensions import db
from committee_app.registry.models import Community
app = create_app()
with app.app_context():
    built = build_street({compounds}, 2000)
    users = {{u.username: u for u in db.session.scalars(db.select(User).where(User.username.in_(["street", "mentor"])))}}
    accounts.grant_role(users["street"], Role.STREET_OFFICER, street_id=built["street"])
    for community_id in db.session.scalars(db.select(Community.id).where(Community.street_id == built["street"])):
        accounts.grant_role(users["mentor"], Role.MENTOR, community_id=community_id)
    db.session.commit()
"""


CASTS = """
import json
from committee_app import create_app
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
app = create_app()
with app.app_context():
    compound = db.session.scalar(db.select(Compound).where(Compound.code == {code!r}))
    # a motion (the compound is in a re-election procedure, whose election takes its candidates
    # only from the finalised list); letters for the voters on the roll the vote is fixed to
    vote = operations.create_motion(compound, title="关于续聘物业服务企业的表决", subject="other", actor="bench")
    operations.open_vote(vote, compound, enforce_gate=False, actor="bench")
    codes = list(operations.issue_codes(vote, actor="bench").values())
    db.session.commit()
    print(json.dumps({{"vote": vote.id, "codes": codes}}))
"""


def prepare_casts(env: dict) -> dict:
    """An open motion with its voting codes: {"vote": id, "codes": [...]}."""
    import json

    out = subprocess.run([sys.executable, "-c", CASTS.format(code="ZT1Q")], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cast_session(vote_id: int) -> tuple[str, str]:
    """A ballot page session: (Cookie header value, CSRF token)."""
    connection = http.client.HTTPConnection(HOST, APP_PORT, timeout=30)
    connection.request("GET", f"/ballot/{vote_id}")
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    return cookie, re.search(r'csrf_token" value="([^"]+)"', body).group(1)


def prepare_database(env: dict, street: int = 0) -> int:
    subprocess.run(["psql", PG + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}"',
                    "-c", f'CREATE DATABASE "{DB_NAME}"'], check=True)
    code = ("from committee_app import create_app\nfrom committee_app.extensions import db\n"
            "app = create_app()\nwith app.app_context(): db.create_all()\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    flask_cli(env, "seed-demo")
    if street:
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", STREET.format(compounds=street)], cwd=ROOT, env=env, check=True)
        print(f"street of {street} compounds x 2,000 households built in {time.monotonic() - started:.0f} s", flush=True)
    code = ("from committee_app import create_app\nfrom committee_app.extensions import db\n"
            "from committee_app.registry.models import Compound\nfrom committee_app.procedures.models import Procedure\n"
            "app = create_app()\nwith app.app_context():\n"
            "    print(db.session.scalar(db.select(Procedure.id).join(Compound, Compound.id == Procedure.compound_id)"
            ".where(Compound.code == 'ZT1Q').order_by(Procedure.id.desc())))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def wait_http(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not answer")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(username: str) -> str:
    """Log in as a demo account; the Cookie header value of its session."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    base = f"http://{HOST}:{APP_PORT}"
    body = opener.open(base + "/login", timeout=30).read()
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": "demo1234"}).encode()
    try:
        opener.open(base + "/login", data=data, timeout=30)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise SystemExit(f"login as {username}: {error.code}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(port: int, path: str, cookie: str | None, seconds: int, clients: int) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, non-2xx/3xx responses) from wrk."""
    command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [f"http://{HOST}:{port}{path}"], check=True, capture_output=True, text=True,
                         timeout=seconds + 60).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50%"), ms("99%"), int(bad.group(1)) if bad else 0


def python_load(port: int, targets: list[tuple[str, str | None]], seconds: float, clients: int,
                casts: dict | None = None, by_type: dict | None = None):
    """``clients`` threads, each with its own keep-alive connection, requesting random targets.

    With ``casts`` ({"vote", "codes"}), one request type more: a ballot cast with
    the next unused voting code (each client its own ballot-page session). With ``by_type`` (a
    dict to fill), the latencies are also kept per target (its index; the casts come last)."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    codes = iter(casts["codes"]) if casts else None
    sessions = [cast_session(casts["vote"]) for _ in range(clients)] if casts else []
    choices = list(targets) + ([("cast", None)] if casts else [])
    stop = time.monotonic() + seconds

    def cast(connection, index: int) -> int:
        with lock:
            code = next(codes, None)
        if code is None:
            return 0
        cookie, token = sessions[index]
        body = urllib.parse.urlencode([("csrf_token", token), ("code", code), ("confirmed", "1"),
                                       ("choice", random.choice(("for", "against", "abstain")))])
        connection.request("POST", f"/ballot/{casts['vote']}/cast", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status

    def client(index: int):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, errors, typed = [], 0, []
        while time.monotonic() < stop:
            which = random.randrange(len(choices))
            path, cookie = choices[which]
            started = time.perf_counter()
            try:
                if path == "cast":
                    status = cast(connection, index)
                    if status == 0:
                        continue  # the codes ran out
                else:
                    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                if status >= 400:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            mine.append(elapsed)
            typed.append((which, elapsed))
        connection.close()
        with lock:
            latencies.extend(mine)
            bad[0] += errors
            if by_type is not None:
                for which, elapsed in typed:
                    by_type.setdefault(which, []).append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return 0.0, 0.0, 0.0, bad[0]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, percentile(latencies, 0.99), bad[0]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of sorted seconds, in ms."""
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def load_average() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--mixed-clients", type=int, default=50)
    parser.add_argument("--street", type=int, default=0, help="add a bench street of this many compounds")
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None
    env = dict(os.environ, DATABASE_URL=f"{PG}/{DB_NAME}", PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)
    print(f"seeding the demo into {DB_NAME} …", flush=True)
    procedure_id = prepare_database(env, args.street)
    casts = prepare_casts(env)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    processes, logs = [], []
    try:
        for name, port, app, cwd in (("hello", HELLO_PORT, "bench_pages:hello_app", ROOT / "bench"),
                                     ("app", APP_PORT, "committee_app:create_app()", ROOT)):
            log = open(tmp / f"{name}.log", "wb")
            logs.append(log)
            processes.append(subprocess.Popen([str(BIN / "gunicorn"), *GUNICORN, "-b", f"{HOST}:{port}", app],
                                              cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True))
        wait_http(HELLO_PORT)
        wait_http(APP_PORT)
        cookies = {role: session_cookie(role) for role in {p[1] for p in PAGES if p[1]}}
        drive = (lambda port, path, cookie: wrk(port, path, cookie, args.seconds, args.clients)) if use_wrk else \
            (lambda port, path, cookie: python_load(port, [(path, cookie)], args.seconds, args.clients))
        rows = []
        hello_rate, p50, p99, bad = drive(HELLO_PORT, "/", None)
        rows.append(("hello-world Flask", hello_rate, p50, p99, bad, None))
        targets = []
        for page, role, path, bar in PAGES:
            path = path.format(procedure_id=procedure_id)
            cookie = cookies.get(role)
            request = urllib.request.Request(f"http://{HOST}:{APP_PORT}{path}", headers={"Cookie": cookie} if cookie else {})
            with urllib.request.build_opener(_NoRedirect()).open(request, timeout=30) as response:
                if response.status != 200:  # a redirect to the login page would measure the wrong page
                    raise SystemExit(f"{page}: {path} answered {response.status}")
            rate, p50, p99, bad = drive(APP_PORT, path, cookie)
            rows.append((page, rate, p50, p99, bad, bar))
            targets.append((path, cookie))
        load_before_mixed = load_average()
        by_type: dict[str, list[float]] = {}
        mixed = python_load(APP_PORT, targets, args.seconds, args.mixed_clients, casts=casts, by_type=by_type)
        rows.append((f"mixed, {args.mixed_clients} clients (pages + casts)", *mixed, None))

        load_after = load_average()
        tool = f"wrk, {args.clients} connections" if use_wrk else f"{args.clients} Python clients"
        size = f" and a street of {args.street} x 2,000 households" if args.street else ""
        print(f"\ngunicorn {' '.join(GUNICORN)} on {HOST}, PostgreSQL {DB_NAME} with the demo{size}; "
              f"{args.seconds} s per row ({tool})")
        print(f"{'page':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'% hello':>8} {'bar':>5} {'ok':>4} {'errors':>6}")
        for page, rate, p50, p99, bad, bar in rows:
            share = rate / hello_rate * 100 if hello_rate else 0.0
            verdict = "" if bar is None else ("yes" if share >= bar else "NO")
            print(f"{page:<46} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {share:>7.1f}% "
                  f"{(str(bar) + '%') if bar else '':>5} {verdict:>4} {bad:>6}")
        print(f"\nthe mixed load by request type ({args.mixed_clients} clients, {args.seconds} s; "
              f"{len(by_type.get(len(targets), []))} ballots cast):")
        print(f"{'request':<46} {'count':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for which, page in enumerate([p[0] for p in PAGES] + ["ballot cast (POST)"]):
            values = sorted(by_type.get(which, []))
            if not values:
                continue
            print(f"{page:<46} {len(values):>8} {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f}")
        print(f"\nload average (1, 5, 15 min): before the mixed load {load_before_mixed}; at the end {load_after}")
        return 0
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
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
