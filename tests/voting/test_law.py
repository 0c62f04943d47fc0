"""Issue 11: no step of a vote can bend the law unnoticed.

The matter follows the subject (each of the nine items of CC art 278 ¶1), the meeting notice
period holds for every general meeting vote (PMR art 14), paper ballots wait for the vote to
open, closing early needs a reason, and every lawful departure shows on the street office's
board. Each rule through the functions and through the CLI, at its boundary.
"""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest

from committee_app.extensions import db
from committee_app.jobs.models import Job
from committee_app.registry.models import Compound
from committee_app.rules import get_rule_set, load_rule_sets
from committee_app.rules.loader import RuleDataError
from committee_app.voting import law, operations
from committee_app.voting.models import Candidate, Vote
from tests.jobs.helpers import document

from .conftest import cast, close, voter_id

# (subject, item of CC art 278 ¶1, matter)
SUBJECTS = [
    ("rules_of_procedure", 1, "ordinary"),
    ("covenant", 2, "ordinary"),
    ("committee", 3, "ordinary"),
    ("property_company", 4, "ordinary"),
    ("maintenance_funds_use", 5, "ordinary"),
    ("maintenance_funds_raise", 6, "special"),
    ("rebuilding", 7, "special"),
    ("common_parts", 8, "special"),
    ("other", 9, "ordinary"),
]
MOTION_SUBJECTS = [row for row in SUBJECTS if row[0] != "committee"]


def compound_a(world) -> Compound:
    return db.session.get(Compound, world.a)


def post_meeting_notice(world, on: date) -> None:
    from committee_app.notices.operations import post_notice

    post_notice(compound_a(world), kind="meeting_notice", title="业主大会会议通知", posted_on=on)


def set_setting(world, key: str, value) -> None:
    from committee_app.procedures.operations import update_settings

    update_settings(compound_a(world), {key: value}, actor=None)


def findings(world) -> dict[str, list]:
    from committee_app.oversight.util import compound_results, findings_of

    _facts, results = compound_results(compound_a(world))
    found: dict[str, list] = {}
    for result in findings_of(results):
        found.setdefault(result.check.key, []).append(result.outcome)
    return found


def shanghai(text: str) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the database stores."""
    from committee_app import clock

    return clock.local_to_utc(datetime.fromisoformat(text))


# --------------------------------------------------------------------------- 1. matter follows the subject


@pytest.mark.parametrize("rule_set", ["national", "sichuan-chengdu"])
def test_the_rule_data_gives_each_of_the_nine_subjects_its_matter_and_citation(rule_set):
    rules = get_rule_set(rule_set)
    assert [(s.key, s.item, s.matter) for s in rules.subjects] == SUBJECTS
    assert all("CC art 278" in s.citations for s in rules.subjects)


def test_the_rule_data_cannot_make_items_6_to_8_ordinary(tmp_path):
    from committee_app.rules.loader import DATA_DIR

    text = (DATA_DIR / "national.yaml").read_text(encoding="utf-8")
    laxer = text.replace("  - key: rebuilding\n    item: 7\n    matter: special",
                         "  - key: rebuilding\n    item: 7\n    matter: ordinary")
    assert laxer != text
    (tmp_path / "national.yaml").write_text(laxer, encoding="utf-8")
    with pytest.raises(RuleDataError, match="item 7 is a special matter"):
        load_rule_sets(tmp_path)


@pytest.mark.parametrize("subject,item,matter", MOTION_SUBJECTS)
def test_a_motion_takes_its_matter_from_its_subject(app, world, subject, item, matter):
    with app.app_context():
        vote = operations.create_motion(compound_a(world), title=f"表决{item}", subject=subject)
        assert vote.matter == matter
        basis = operations.motion_matter(compound_a(world), subject)
        assert basis.item == item and f"第{item}项" in basis.reason()


@pytest.mark.parametrize("subject,item,matter", [row for row in MOTION_SUBJECTS if row[2] == "special"])
def test_a_special_subject_cannot_be_put_as_ordinary(app, world, subject, item, matter):
    with app.app_context():
        with pytest.raises(operations.VotingError, match=f"第278条第1款第{item}项"):
            operations.create_motion(compound_a(world), title="降低门槛", subject=subject, matter="ordinary")


def test_an_ordinary_subject_is_special_only_through_the_compounds_audited_rules(app, world):
    from committee_app.audit.models import AuditEntry

    with app.app_context():
        with pytest.raises(operations.VotingError, match="stricter_subjects"):
            operations.create_motion(compound_a(world), title="使用维修资金", subject="maintenance_funds_use",
                                     matter="special")
        set_setting(world, "stricter_subjects", "maintenance_funds_use")
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "compound.setting")) is not None
        vote = operations.create_motion(compound_a(world), title="使用维修资金", subject="maintenance_funds_use")
        assert vote.matter == "special"
        assert "议事规则" in operations.motion_matter(compound_a(world), "maintenance_funds_use").reason()
        # a special subject stays special whatever the setting says
        set_setting(world, "stricter_subjects", "maintenance_funds_use, rebuilding")
        assert operations.create_motion(compound_a(world), title="重建", subject="rebuilding").matter == "special"


@pytest.mark.parametrize("subject,item,matter", MOTION_SUBJECTS)
def test_the_cli_derives_the_matter_and_shows_it(app, runner, world, subject, item, matter):
    result = runner.invoke(args=["election", "create", "A", "--title", "表决", "--motion", "--subject", subject])
    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(args=["election", "show", result.output.strip(), "--json"]).output)
    assert shown["subject"] == subject and shown["matter"] == matter and shown["state"] == "draft"
    assert shown["matter_basis"]["item"] == item and "CC art 278" in shown["matter_basis"]["citations"]
    laxer_or_stricter = "ordinary" if matter == "special" else "special"
    refused = runner.invoke(args=["election", "create", "A", "--title", "表决", "--motion", "--subject", subject,
                                  "--matter", laxer_or_stricter])
    assert refused.exit_code != 0 and "第278条" in refused.output
    agreeing = runner.invoke(args=["election", "create", "A", "--title", "表决", "--motion", "--subject", subject,
                                   "--matter", matter])
    assert agreeing.exit_code == 0, agreeing.output


def test_an_election_is_item_3_and_cannot_be_special(app, runner, world):
    refused = runner.invoke(args=["election", "create", "A", "--title", "选举", "--seats", "5", "--matter", "special"])
    assert refused.exit_code != 0 and "item 3" in refused.output
    refused = runner.invoke(args=["election", "create", "A", "--title", "选举", "--motion", "--subject", "committee"])
    assert refused.exit_code != 0


def test_the_form_derives_the_matter_and_refuses_a_contradiction(app, client, world):
    from tests.conftest import login

    login(client, "organiser")
    page = client.post("/compounds/A/votes", data={"kind": "motion", "title": "改变会所用途", "subject": "common_parts",
                                                   "matter": "ordinary"})
    assert page.status_code == 400 and "第278条第1款第8项" in page.get_data(as_text=True)
    assert client.post("/compounds/A/votes", data={"kind": "motion", "title": "改变会所用途", "subject": "common_parts",
                                                   "matter": ""}).status_code == 302
    with app.app_context():
        vote = db.session.scalar(db.select(Vote))
        assert vote.matter == "special"
    detail = client.get(f"/compounds/A/votes/{vote.id}").get_data(as_text=True)
    assert "第8项" in detail and "四分之三以上" in detail


# --------------------------------------------------------------------------- 2. the notice period holds


def test_a_vote_may_not_start_on_the_last_day_of_the_notice_period(app, world, frozen_clock):
    """Notice posted on 1 October: 15 days (PMR art 14) run to the 15th; the vote may start on the 16th."""
    frozen_clock(datetime(2026, 10, 2, 2, 0))
    with app.app_context():
        post_meeting_notice(world, date(2026, 10, 1))
        with pytest.raises(operations.VotingError, match="最早可于 2026-10-16"):
            operations.create_motion(compound_a(world), title="早了一天", subject="other",
                                     opens_at=shanghai("2026-10-15T23:59"), closes_at=shanghai("2026-10-20T18:00"))
        vote = operations.create_motion(compound_a(world), title="按期", subject="other",
                                        opens_at=shanghai("2026-10-16T00:00"), closes_at=shanghai("2026-10-20T18:00"))
        assert vote.state == "draft"
        with pytest.raises(operations.VotingError, match="PMR art 14"):  # a meeting date inside the period
            operations.create_motion(compound_a(world), title="会议日期", subject="other", meeting_on=date(2026, 10, 15))


def test_the_notice_period_is_counted_in_one_swappable_place():
    settings = {"meeting_notice_days": 15}
    assert law.earliest_vote_on(date(2026, 10, 1), settings) == date(2026, 10, 16)
    assert law.earliest_vote_on(date(2026, 10, 1), {"meeting_notice_days": 20}) == date(2026, 10, 21)


def test_times_are_checked_when_edited_and_frozen_once_the_vote_opens(app, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 2, 2, 0))
    with app.app_context():
        post_meeting_notice(world, date(2026, 10, 1))
        vote = operations.create_motion(compound_a(world), title="时间", subject="other")
        with pytest.raises(operations.VotingError, match="落在通知期内"):
            operations.set_times(vote, opens_at=shanghai("2026-10-15T08:00"), closes_at=shanghai("2026-10-20T18:00"))
        operations.set_times(vote, opens_at=shanghai("2026-10-16T08:00"), closes_at=shanghai("2026-10-20T18:00"))
        db.session.commit()
        frozen_clock(datetime(2026, 10, 16, 1, 0))
        operations.open_vote(vote, compound_a(world))
        with pytest.raises(operations.VotingError, match="不能再更改"):
            operations.set_times(vote, opens_at=shanghai("2026-10-16T08:00"), closes_at=shanghai("2026-10-30T18:00"))


def test_without_a_notice_the_earliest_start_is_counted_from_today(app, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 1, 2, 0))
    with app.app_context():
        with pytest.raises(operations.VotingError, match="即使今天张贴"):
            operations.create_election(compound_a(world), title="选举", seats=5, opens_at=shanghai("2026-10-10T08:00"))
        vote = operations.create_election(compound_a(world), title="选举", seats=5, candidates=["甲"],
                                          opens_at=shanghai("2026-10-16T08:00"))
        with pytest.raises(operations.VotingError, match="尚未张贴业主大会会议通知"):
            operations.open_vote(vote, compound_a(world))


def test_the_cli_opens_a_vote_only_after_its_notice_period(app, runner, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 1, 2, 0))
    vote_id = runner.invoke(args=["election", "create", "A", "--title", "筹集维修资金", "--motion",
                                  "--subject", "maintenance_funds_raise"]).output.strip()
    assert runner.invoke(args=["election", "notice", vote_id]).exit_code == 0
    early = runner.invoke(args=["election", "open", vote_id, "--at", "2026-10-15T08:00"])
    assert early.exit_code != 0 and "PMR art 14" in early.output and "2026-10-16" in early.output
    ok = runner.invoke(args=["election", "open", vote_id, "--at", "2026-10-16T08:00"])
    assert ok.exit_code == 0, ok.output
    shown = json.loads(runner.invoke(args=["election", "show", vote_id, "--json"]).output)
    assert shown["state"] == "open" and shown["opens_at"].startswith("2026-10-16T08:00")


def test_a_notice_cannot_be_dated_in_the_future(app, runner, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 1, 2, 0))
    vote_id = runner.invoke(args=["election", "create", "A", "--title", "x", "--motion", "--subject", "other"]).output
    result = runner.invoke(args=["election", "notice", vote_id.strip(), "--posted-on", "2026-10-02"])
    assert result.exit_code != 0 and "不能晚于今天" in result.output


def test_paper_entries_wait_for_the_announced_start(app, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 2, 2, 0))
    with app.app_context():
        post_meeting_notice(world, date(2026, 10, 1))
        vote = operations.create_motion(compound_a(world), title="纸质", subject="other",
                                        opens_at=shanghai("2026-10-16T08:00"), closes_at=shanghai("2026-10-20T18:00"))
        operations.open_vote(vote, compound_a(world))  # opened ahead; ballots from 08:00 on the 16th
        db.session.commit()
        frozen_clock(shanghai("2026-10-16T07:59"))
        with pytest.raises(operations.VotingError, match="此前不能录入纸质选票"):
            operations.enter_paper(vote, voter_id(world.a, "张三"), slot=1, selection=operations.Selection(choice="for"))
        frozen_clock(shanghai("2026-10-16T08:00"))
        assert operations.enter_paper(vote, voter_id(world.a, "张三"), slot=1,
                                      selection=operations.Selection(choice="for")) == "waiting"


def test_in_a_procedure_the_ballot_names_only_the_finalised_list(app, world):
    from committee_app.procedures.operations import start_procedure

    with app.app_context():
        vote = operations.create_election(compound_a(world), title="换届选举", seats=5, candidates=["甲"])
        start_procedure(compound_a(world), "reelection", on=date(2026, 11, 1))
        with pytest.raises(operations.VotingError, match="确定的候选人名单"):
            operations.add_candidate(vote, name="乙")
        with pytest.raises(operations.VotingError, match="候选人名单尚未确定"):
            operations.add_finalised_candidates(vote, compound_a(world))


# --------------------------------------------------------------------------- closing early, reopening, findings


def _open_motion_until(world, closes: str):
    vote = operations.create_motion(compound_a(world), title="增设充电桩", subject="common_parts")
    vote.closes_at = shanghai(closes)
    operations.open_vote(vote, compound_a(world), enforce_gate=False)
    return vote


def test_closing_before_the_announced_end_needs_a_reason_and_is_a_finding(app, world, frozen_clock):
    frozen_clock(shanghai("2026-10-20T17:59"))
    with app.app_context():
        vote = _open_motion_until(world, "2026-10-20T18:00")
        with pytest.raises(operations.VotingError, match="提前截止须写明理由"):
            operations.close_vote(vote, compound_a(world))
        operations.close_vote(vote, compound_a(world), reason="全部业主均已投票")
        db.session.commit()
        assert vote.close_reason == "全部业主均已投票"
        found = findings(world)
        (early,) = found["vote_closed_early"]
        assert early.message == "early" and early.values["reason"] == "全部业主均已投票"
        assert early.values["closes_at"] == "2026-10-20 18:00" and early.values["closed_at"] == "2026-10-20 17:59"
        assert found["vote_outside_procedure"][0].values["subject"] == "改变共有部分用途或利用共有部分从事经营活动"


def test_closing_at_the_announced_end_needs_no_reason_and_is_no_finding(app, world, frozen_clock):
    frozen_clock(shanghai("2026-10-20T18:00"))
    with app.app_context():
        vote = _open_motion_until(world, "2026-10-20T18:00")
        operations.close_vote(vote, compound_a(world))
        db.session.commit()
        assert vote.close_reason is None and "vote_closed_early" not in findings(world)


def test_reopening_needs_a_reason_and_is_a_finding(app, runner, world, frozen_clock):
    frozen_clock(shanghai("2026-10-20T10:00"))
    with app.app_context():
        vote = _open_motion_until(world, "2026-10-20T18:00")
        operations.close_vote(vote, compound_a(world), reason="误操作")
        db.session.commit()
        vote_id = vote.id
    assert runner.invoke(args=["election", "reopen", str(vote_id), "--reason", ""]).exit_code != 0
    result = runner.invoke(args=["election", "reopen", str(vote_id), "--reason", "误点截止，恢复投票"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["election", "close", str(vote_id)])
    assert refused.exit_code != 0 and "理由" in refused.output
    with app.app_context():
        (reopened,) = findings(world)["vote_reopened"]
        assert reopened.values["reason"] == "误点截止，恢复投票"


def test_a_vote_in_a_procedure_is_no_outside_finding(app, world):
    from committee_app.procedures.operations import start_procedure

    with app.app_context():
        start_procedure(compound_a(world), "reelection", on=date(2026, 11, 1))
        vote = operations.create_motion(compound_a(world), title="管理规约", subject="covenant")
        operations.open_vote(vote, compound_a(world), enforce_gate=False)
        db.session.commit()
        assert vote.opened_in_procedure is True and "vote_outside_procedure" not in findings(world)


# --------------------------------------------------------------------------- 3. the count


def test_without_a_quorum_no_candidate_is_approved_and_no_motion_passes(app, runner, world, election, motion):
    vote_id, motion_id = election(seats=1, candidates=("甲", "乙")), motion()
    with app.app_context():
        for name in ("张三", "赵喆"):  # 2 of 5 heads
            cast(vote_id, name, candidates=["甲"])
            cast(motion_id, name, choice="for")
        db.session.commit()
    close(app, vote_id)
    close(app, motion_id)
    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    assert data["participation"]["quorum_met"] is False and data["status"] == "quorum_not_met"
    assert [row["approved"] for row in data["candidates"]] == [False, False]
    data = json.loads(runner.invoke(args=["tally", str(motion_id), "--json"]).output)
    assert data["passed"] is False and data["subject"] == "maintenance_funds_use"


def test_the_count_record_says_why_the_threshold_applies(app, client, world, motion, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    import subprocess

    from tests.conftest import login

    vote_id = motion(matter="special")
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        operations.close_vote(vote, db.session.get(Compound, vote.compound_id))
        db.session.commit()
    login(client, "organiser")
    pdf = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/count-record-job"))
    assert pdf.status_code == 200, pdf.status_code
    (tmp_path / "r.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    text = text.replace("\n", "").replace(" ", "")
    assert "适用理由" in text and "第6项" in text and "四分之三以上" in text


# --------------------------------------------------------------------------- 4. rules that are settings


@pytest.mark.parametrize("seats,ok", [(3, False), (4, False), (5, True), (6, False), (7, True), (11, True), (12, False),
                                      (13, False)])
def test_a_committee_election_fills_an_odd_number_of_seats_from_5_to_11(app, world, seats, ok):
    with app.app_context():
        if ok:
            assert operations.create_election(compound_a(world), title="选举", seats=seats).seats == seats
        else:
            with pytest.raises(operations.VotingError, match="单数"):
                operations.create_election(compound_a(world), title="选举", seats=seats)


def test_the_seat_range_is_a_setting_and_a_by_election_fills_vacancies(app, runner, world):
    with app.app_context():
        set_setting(world, "committee_size_max", 13)
        db.session.commit()
    assert runner.invoke(args=["election", "create", "A", "--title", "x", "--seats", "13"]).exit_code == 0
    assert runner.invoke(args=["election", "create", "A", "--title", "x", "--seats", "2"]).exit_code != 0
    assert runner.invoke(args=["election", "create", "A", "--title", "补选", "--seats", "2", "--by-election"]).exit_code == 0
    assert runner.invoke(args=["election", "create", "A", "--title", "补选", "--seats", "15",
                               "--by-election"]).exit_code != 0


def _ballot_file(tmp_path, rows: list[str], name="ballots.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(["楼栋,房号,选择", *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_a_name_not_on_the_list_counts_only_where_the_rules_allow_it(app, runner, world, election, tmp_path):
    vote_id = election(seats=1, candidates=("甲", "乙"))
    rows = ["1栋,1-101,孙七", "1栋,1-201,孙七", "1栋,1-202,孙七", "2栋,2-101,甲"]
    refused = runner.invoke(args=["ballots", "import", str(vote_id), _ballot_file(tmp_path, rows), "--counter", "1"])
    assert refused.exit_code != 0 and "不允许另选他人" in refused.output
    with app.app_context():
        set_setting(world, "write_in_allowed", True)
        db.session.commit()
    for counter in ("1", "2"):
        result = runner.invoke(args=["ballots", "import", str(vote_id), _ballot_file(tmp_path, rows),
                                     "--counter", counter, "--counter-name", f"计票人{counter}"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        write_in = db.session.scalar(db.select(Candidate).where(Candidate.vote_id == vote_id, Candidate.name == "孙七"))
        assert write_in.is_write_in
    close(app, vote_id)
    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    rows = {row["name"]: row for row in data["candidates"]}
    assert rows["孙七"]["headcount"] == 3 and rows["孙七"]["elected"] is True  # 3 of 4 heads, 365.75 of 595.75 m²


def test_parking_only_owners_count_as_the_rules_say(app, runner, world, election):
    vote_id = election(seats=1, candidates=("甲", "乙"))
    with app.app_context():
        cast(vote_id, "钱堃", candidates=["甲"])  # owns a parking space only
        db.session.commit()
    close(app, vote_id)
    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    assert data["roll"] == {"headcount": 5, "area": "607.75"} and data["participation"]["headcount"] == 1
    with app.app_context():
        set_setting(world, "parking_only_owners_vote", False)
        db.session.commit()
    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    assert data["roll"] == {"headcount": 4, "area": "595.75"} and data["participation"]["headcount"] == 0


@pytest.mark.parametrize("key", ["write_in_allowed", "parking_only_owners_vote", "stricter_subjects",
                                 "committee_size_min", "committee_size_max"])
def test_each_voting_setting_is_overridable_per_compound_and_cites_its_basis(key):
    from committee_app.procedures.operations import overridable

    setting = get_rule_set("national").setting(key)
    assert overridable(setting)
    assert setting.citations or setting.unconfirmed


# --------------------------------------------------------------------------- 5. results hidden until the close


@pytest.mark.parametrize("role", ["organiser", "officer", "mentor", "admin"])
def test_while_owners_vote_every_role_sees_turnout_only(app, client, world, election, role):
    from tests.conftest import login

    vote_id = election(seats=1, candidates=("甲", "乙"))
    with app.app_context():
        cast(vote_id, "张三", candidates=["甲"])  # 1 of 5 heads, 180.50 of 607.75 m²
        cast(vote_id, "赵喆", candidates=["乙"])
        db.session.commit()
    login(client, role)
    page = client.get(f"/compounds/A/votes/{vote_id}/count").get_data(as_text=True)
    assert 'id="results-hidden"' in page and 'id="turnout-chart"' in page
    assert "2 / 5" in page and "275.75 / 607.75" in page and "40.00%" in page
    assert "还差 2 人" in page and "129.42" in page  # 2/3 of 5 heads = 3.33 → 2 more; 405.17 − 275.75 m²
    assert 'id="items"' not in page and "达到同意比例" not in page
    record = client.post(f"/compounds/A/votes/{vote_id}/count-record-job", follow_redirects=True)
    assert "投票截止后才能打印" in record.get_data(as_text=True) and 'id="results-hidden"' in record.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0  # no job while owners vote
    with app.app_context():
        operations.close_vote(db.session.get(Vote, vote_id), compound_a(world))
        db.session.commit()
    page = client.get(f"/compounds/A/votes/{vote_id}/count").get_data(as_text=True)
    assert 'id="items"' in page and 'id="results-hidden"' not in page
    assert document(app, client, client.post(f"/compounds/A/votes/{vote_id}/count-record-job")).status_code == 200
