"""Demo: the street office's board shows a mix (runs after every other seeder).

- 犀浦和园: clean — a sitting committee elected and filed in time, mid-term.
- 柏林花语: overdue re-election — the term ended 40 days ago, no re-election was started, and
  the committee still posted a decision after its term.
- 望丛春晓: notice period broken — its re-election, held 40 days ago and recorded afterwards,
  had its meeting notice posted 10 days before the meeting (15 are required, PMR art 14) and
  the vote held on the meeting day; the new committee is in office and filed.
- 锦华丽景: a formation just started; the developer's handover waits for the street office's
  sign-off (with 绿地三期's, two steps to sign off or return).
(中铁二期, from the committees seed, shows a re-election whose start date has passed.)
"""
from __future__ import annotations

from datetime import timedelta

from ..committees import operations as committees
from ..committees.seed import _members
from ..extensions import db
from ..notices.operations import post_notice
from ..procedures import operations as procedures
from ..procedures.models import DONE
from ..rules import add_months


def seed_oversight(ctx) -> None:
    today = ctx.today
    _clean(ctx, today)
    _overdue_reelection(ctx, today)
    _notice_period_broken(ctx, today)
    _waiting_for_signoff(ctx, today)
    ctx.notes.append("oversight: 犀浦和园 clean; 柏林花语 term ended without re-election and acted after it; "
                     "望丛春晓 meeting notice posted 10 days before the meeting")


def _committee(ctx, name: str, elected_on, filed_after_days: int | None, seed: int, term_ends_on=None):
    compound = ctx.compounds[name]
    return committees.record_committee(
        compound, members=_members(compound, 5, seed), elected_on=elected_on, term_ends_on=term_ends_on,
        filed_on=elected_on + timedelta(days=filed_after_days) if filed_after_days is not None else None,
        actor="seed-demo")


def _clean(ctx, today) -> None:
    elected_on = add_months(today, -30)
    _committee(ctx, "犀浦和园", elected_on, 18, 0)


def _overdue_reelection(ctx, today) -> None:
    compound = ctx.compounds["柏林花语"]
    term_ends_on = today - timedelta(days=40)
    elected_on = add_months(term_ends_on, -60) + timedelta(days=1)
    _committee(ctx, "柏林花语", elected_on, 25, 1, term_ends_on=term_ends_on)
    post_notice(compound, kind="committee_decision", title="关于续签物业服务合同的决定",
                posted_on=today - timedelta(days=12), publicity_days=7,
                body="业委会会议决定与现物业服务企业续签一年物业服务合同。", posted_by=None)


def _notice_period_broken(ctx, today) -> None:
    """A re-election held 40 days ago and recorded afterwards, complete and filed, whose meeting
    notice went up only 10 days before the meeting."""
    compound = ctx.compounds["望丛春晓"]
    officer = ctx.users["street"]
    meeting_on = today - timedelta(days=40)
    old_term_ends_on = meeting_on + timedelta(days=5)
    _committee(ctx, "望丛春晓", add_months(old_term_ends_on, -60) + timedelta(days=1), 20, 2,
               term_ends_on=old_term_ends_on)
    procedure = procedures.start_procedure(compound, "reelection", on=today - timedelta(days=140),
                                           term_ends_on=old_term_ends_on, meeting_on=meeting_on)
    steps = {step.key: step for step in procedure.steps}

    def settle(key: str, days_ago: int, note: str | None = None) -> None:
        procedures.complete_step(steps[key], on=today - timedelta(days=days_ago), note=note)
        if steps[key].state == "submitted":
            procedures.sign_off_step(steps[key], officer)

    for key, days_ago in (("R2_start", 135), ("R3_working_group", 130), ("R4_roll_notice", 70),
                          ("R5_nominations", 65), ("R6a_vetting", 60), ("R6b_candidate_list", 55)):
        settle(key, days_ago)
    # This compound ran its meeting before it used this system: the operations refuse a notice
    # posted fewer than 15 days before the meeting (PMR art 14), so the facts as they happened
    # are recorded through the models directly, for the compliance check to find.
    posted_on = meeting_on - timedelta(days=10)
    notice_step, vote_step = steps["R7_meeting_notice"], steps["R8a_vote"]
    notice_step.state, notice_step.started_on, notice_step.done_on = DONE, posted_on, posted_on
    notice_step.note = "纸质通知张贴于各楼栋大堂（系统启用前的记录）"
    vote_step.state, vote_step.started_on, vote_step.done_on = DONE, meeting_on, meeting_on
    vote_step.note = "现场投票（系统启用前的记录）"
    procedure.election_on = meeting_on
    post_notice(compound, kind="meeting_notice", title="关于召开望丛春晓业主大会会议（换届选举）的通知",
                posted_on=posted_on, publicity_ends_on=meeting_on, citations=["PMR art 14"],
                source=("procedure_step", notice_step.id), body="会议日期：" + meeting_on.isoformat())
    db.session.flush()
    settle("R8b_count", 40, "开箱唱票，监票小组3人在场")
    settle("R9a_result_notice", 39)
    settle("R9b_first_committee_meeting", 37, "选举主任、副主任")
    settle("R10_filing", 20, "已向区住建局和街道办事处备案")
    settle("R11_handover", 30, "原业委会移交档案、印章")
    committees.record_committee(compound, members=_members(compound, 5, 3), elected_on=meeting_on,
                                term_starts_on=old_term_ends_on + timedelta(days=1),
                                filed_on=today - timedelta(days=20), actor="seed-demo")


def _waiting_for_signoff(ctx, today) -> None:
    compound = ctx.compounds["锦华丽景"]
    formation = procedures.start_procedure(compound, "formation", on=today - timedelta(days=6),
                                           application_on=today - timedelta(days=20))
    procedures.complete_step(formation.steps[0], on=today - timedelta(days=4),
                             note="建设单位移交了业主名册和房屋清册，规划图尚缺物业服务用房部分")
