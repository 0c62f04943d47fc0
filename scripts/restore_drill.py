"""The restore drill run by CI (.ci/run): seed the demo, cast ballots with voting codes,
back up, restore into fresh databases, then check that `audit verify` passes and that a
code issued but not used before the backup still casts (and a used one does not).

    .venv/bin/python scripts/restore_drill.py SOURCE_URL TARGET_URL [TARGET_URL ...]

Every database must exist and be empty; this script migrates them. It drives the real
commands (`flask db upgrade`, `seed-demo`, `backup create`, `backup restore`, `audit
verify`) in subprocesses and casts through the real ballot page with Flask's test client.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def flask(url: str, *args: str) -> str:
    env = os.environ | {"DATABASE_URL": url}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "committee_app", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"restore drill: `flask {' '.join(args)}` failed on {url}:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def app_on(url: str):
    os.environ["DATABASE_URL"] = url
    from committee_app import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # this process posts the ballot form as a phone would
    return app


def cast(app, vote_id: int, code: str) -> int:
    return app.test_client().post(f"/ballot/{vote_id}/cast",
                                  data={"code": code, "choice": "for", "confirmed": "1"}).status_code


def open_vote_with_codes(app) -> tuple[int, list[str]]:
    from sqlalchemy import select

    from committee_app.extensions import db
    from committee_app.registry.models import Compound
    from committee_app.voting import operations

    with app.app_context():
        compound = db.session.scalar(select(Compound).where(Compound.name == "中铁一期"))
        vote = operations.create_motion(compound, title="恢复演练：更换小区门禁", subject="other", actor="restore-drill")
        operations.open_vote(vote, compound, actor="restore-drill", enforce_gate=False)
        codes = list(operations.issue_codes(vote, actor="restore-drill").values())
        db.session.commit()
        return vote.id, codes


def main(source: str, targets: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = str(Path(folder) / "backup.zip")
        flask(source, "db", "upgrade")
        flask(source, "seed-demo")
        source_app = app_on(source)
        vote_id, codes = open_vote_with_codes(source_app)
        used, unused = codes[:3], codes[3:]
        for code in used:
            assert cast(source_app, vote_id, code) == 200, "a code did not cast before the backup"
        print(f"restore drill: vote {vote_id}, {len(used)} ballots cast with codes, {len(unused)} codes unused")
        print(flask(source, "backup", "create", archive))
        for target in targets:
            flask(target, "db", "upgrade")
            print(flask(target, "backup", "restore", archive))
            print(flask(target, "audit", "verify"))
            target_app = app_on(target)
            if cast(target_app, vote_id, unused[0]) != 200:
                sys.exit(f"restore drill: an issued, unused code does not cast after the restore into {target}")
            if cast(target_app, vote_id, used[0]) != 409:
                sys.exit(f"restore drill: a used code casts again after the restore into {target}")
            print(flask(target, "audit", "append-pending"))
            print(flask(target, "audit", "verify"))
            unused = unused[1:]
    print("restore drill passed")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
