"""SPEC §3 end to end on a fresh database, with no other tool: create the compound, import the
roll, create the election, post its meeting notice, open it, import the paper ballots twice
(two counters), close it and count it. The clock moves as the days of the law pass."""
from __future__ import annotations

import json
from datetime import datetime

from committee_app import clock

ROLL = "\n".join([
    "楼栋,房号,面积,业主,业主编号,状态,手机,车位",
    "1栋,1-101,100.00,张三,R1,已售,,",
    "1栋,1-102,80.50,张三,R1,已售,,",
    "1栋,1-201,90.00,李四、王芳,,已售,,",
    "1栋,1-202,95.25,赵喆,,已售,,",
    "2栋,2-101,120.00,,,未售,,",
    "2栋,2-102,110.00,,,未售,,",
    "车库,P-001,12.00,钱堃,,已售,,是",
]) + "\n"
BALLOTS = "\n".join([
    "楼栋,房号,选择",
    "1栋,1-102,甲、乙",  # 张三, by either of the buyer's units
    "1栋,1-201,甲",
    "1栋,1-202,甲、乙、丙",
    "2栋,2-101,甲",  # the developer's unsold stock: one head
]) + "\n"


def at(local: str) -> None:
    clock.freeze(clock.local_to_utc(datetime.fromisoformat(local)))


def run(runner, *args) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, (args, result.output)
    return result.output.strip()


def refused(runner, *args) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code != 0, (args, result.output)
    return result.output


def test_the_whole_pipeline_runs_from_the_command_line(app, runner, tmp_path):
    roll, ballots = tmp_path / "roll.csv", tmp_path / "ballots.csv"
    roll.write_text(ROLL, encoding="utf-8")
    ballots.write_text(BALLOTS, encoding="utf-8")

    at("2026-11-01T10:00")
    run(runner, "compound", "create", "PL", "--name", "流程小区")
    run(runner, "roll", "import", "PL", str(roll))
    vote_id = run(runner, "election", "create", "PL", "--title", "第一届业主委员会选举", "--seats", "5",
                  "--candidate", "甲", "--candidate", "乙", "--candidate", "丙", "--closes", "2026-11-20T18:00")
    assert "尚未张贴业主大会会议通知" in refused(runner, "election", "open", vote_id, "--at", "2026-11-17T08:00")
    assert "2026-11-16" in run(runner, "election", "notice", vote_id)  # posted today: 15 days (PMR art 14)
    assert "PMR art 14" in refused(runner, "election", "open", vote_id, "--at", "2026-11-15T08:00")
    run(runner, "election", "open", vote_id, "--at", "2026-11-17T08:00")
    shown = json.loads(run(runner, "election", "show", vote_id, "--json"))
    assert shown["state"] == "open" and shown["subject"] == "committee" and shown["matter"] == "ordinary"
    assert shown["matter_basis"]["item"] == 3 and shown["seats"] == 5
    assert shown["opens_at"].startswith("2026-11-17T08:00") and shown["closes_at"].startswith("2026-11-20T18:00")
    assert "此前不能录入纸质选票" in refused(runner, "ballots", "import", vote_id, str(ballots), "--counter", "1")

    at("2026-11-17T08:00")
    assert "4 wait for a second entry" in run(runner, "ballots", "import", vote_id, str(ballots), "--counter", "1",
                                              "--counter-name", "计票人甲")
    live = refused(runner, "tally", vote_id, "--json")  # while owners vote: turnout only, no counts
    assert "still open" in live and "Turnout so far: 0 of 5 voters" in live and "甲" not in live
    assert "提前截止须写明理由" in refused(runner, "election", "close", vote_id)

    at("2026-11-20T18:00")
    run(runner, "election", "close", vote_id)
    waiting = refused(runner, "tally", vote_id, "--json")
    assert "4 paper ballot(s) entered by one counter only" in waiting and "--counter 2" in waiting
    assert "4 matched" in run(runner, "ballots", "import", vote_id, str(ballots), "--counter", "2",
                              "--counter-name", "计票人乙")
    data = json.loads(run(runner, "tally", vote_id, "--json"))
    assert data["roll"] == {"headcount": 5, "area": "607.75"}
    assert data["participation"] == {"headcount": 4, "area": "595.75", "quorum_met": True}
    rows = {row["name"]: row for row in data["candidates"]}
    assert rows["甲"] == {"name": "甲", "headcount": 4, "area": "595.75", "approved": True, "elected": True}
    assert rows["乙"]["headcount"] == 2 and rows["乙"]["approved"] is False  # 2 of 4 is not more than half
    assert data["status"] == "seats_unfilled" and data["subject"] == "committee"
    assert data["matter_basis"]["item"] == 3
    shown = json.loads(run(runner, "election", "show", vote_id, "--json"))
    assert shown["state"] == "closed" and shown["close_reason"] is None
    run(runner, "audit", "verify")
