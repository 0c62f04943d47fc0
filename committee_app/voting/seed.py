"""Demo data (order 35).

中铁一期's election is NOT opened: its re-election is still before the meeting notice.
Instead 精城名典 gets its last committee election (the one that seated the committee the
committees feature seeds: same members, same date), completed and counted, with online
(code and account) and paper ballots (entered twice, one disagreement resolved, one
proxy), and the result notice on its board; and 中铁二期 a counted motion on using
maintenance funds ten days ago. The count pages and public ballot boxes of
both have content.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..registry.models import Voter
from . import integration, operations
from .models import Candidate, Vote

JCMD_CANDIDATES = [
    ("陈志宏", "继续推进二次供水改造，按季度公开维修资金收支。"),
    ("王秀英", "退休教师，愿意牵头组建业主议事会，畅通业主意见。"),
    ("李建军", "从事工程监理二十年，监督外墙维修质量。"),
    ("张丽华", "会计师，负责公共收益账目公开，每月公示。"),
    ("刘洋", "推动停车位规范管理和充电桩安装。"),
    ("赵敏", "关注老人和儿童活动场地，改善绿化。"),
    ("孙国平", "协调物业服务质量考核，组织满意度测评。"),
]


def _cast_plan(vote: Vote, voters: list[Voter], rng: random.Random, organiser, weights=None):
    """Cast online ballots for about 62% of voters and enter about 15% on paper, twice."""
    codes = operations.issue_codes(vote, actor=organiser)
    candidates = list(db.session.scalars(select(Candidate.id).where(Candidate.vote_id == vote.id).order_by(Candidate.id)))
    online = voters[: int(len(voters) * 0.62)]
    paper = voters[len(online): len(online) + int(len(voters) * 0.15)]

    def marks():
        if vote.kind == "election":
            marks = weights or [0.9, 0.85, 0.8, 0.75, 0.55, 0.5, 0.3]
            return operations.Selection(tuple(sorted(c for c, w in zip(candidates, marks) if rng.random() < w)[:vote.seats]))
        return operations.Selection(choice=rng.choices(["for", "against", "abstain"], [0.8, 0.12, 0.08])[0])

    for index, voter in enumerate(online):
        code = operations.find_code(vote, codes[voter.id]) if index % 5 else None
        operations.cast_online(vote, voter.id, marks(), code=code)
    for index, voter in enumerate(paper):
        selection, spoilt = marks(), index == 0
        proxy = "周红（受托人）" if index == 1 else None
        operations.enter_paper(vote, voter.id, slot=1, selection=selection, is_spoilt=spoilt, counter_name="计票人甲",
                               proxy_name=proxy, source="seed", actor=organiser)
        second = selection
        if index == 2 and vote.kind == "election" and selection.candidate_ids:
            second = operations.Selection(selection.candidate_ids[:-1])  # a slip of the second counter
        operations.enter_paper(vote, voter.id, slot=2, selection=second, is_spoilt=spoilt, counter_name="计票人乙",
                               proxy_name=proxy, source="seed", actor=organiser)
        if second != selection:
            operations.resolve_mismatch(vote, voter.id, accept_slot=1, note="核对原始选票，以第一次录入为准",
                                        actor=organiser)


def _complete(vote: Vote, compound, ctx, organiser, closed_on, rng: random.Random, weights=None) -> None:
    from ..notices.models import Notice
    from ..notices.operations import post_notice

    voters = list(db.session.scalars(select(Voter).where(Voter.compound_id == compound.id).order_by(Voter.id)))
    rng.shuffle(voters)
    operations.open_vote(vote, compound, actor=organiser, enforce_gate=False)
    _cast_plan(vote, voters, rng, organiser, weights)
    operations.close_vote(vote, compound, actor=organiser)
    operations.count_vote(vote, compound, actor=organiser)
    # the demo shows a vote that happened in the past: its dates are moved back (the
    # audit log keeps the real seeding time)
    closed = clock.local_to_utc(datetime.combine(closed_on, time(18, 0)))
    opened_on = closed_on - timedelta(days=7)
    vote.meeting_on = opened_on
    vote.opens_at = vote.opened_at = closed - timedelta(days=7)
    # the meeting notice that stood its full 15 days (PMR art 14) before the voting opened
    post_notice(compound, kind="meeting_notice", title=f"关于召开业主大会会议的通知（{vote.title}）",
                posted_on=opened_on - timedelta(days=16), publicity_ends_on=opened_on - timedelta(days=1),
                body=f"定于 {opened_on} 至 {closed_on} 以书面征求意见与网上投票相结合的方式召开业主大会会议，表决：{vote.title}。",
                citations=["PMR art 14"], posted_by=organiser)
    vote.closes_at = vote.closed_at = closed
    vote.counted_at = closed + timedelta(hours=2)
    db.session.flush()
    notice = operations.post_result_notice(vote, compound, actor=organiser)
    db.session.get(Notice, notice.id).posted_on = closed_on + timedelta(days=1)


def _jcmd_committee(jcmd):
    """The committee the committees feature seeded for 精城名典 (its members were this election's winners)."""
    util = integration._module("committees.util")
    return util.current_committee(jcmd) if util is not None and hasattr(util, "current_committee") else None


def seed(ctx) -> None:
    rng = random.Random(35)
    jcmd = ctx.compounds["精城名典"]
    organiser = ctx.users.get("organiser_jc")
    committee = _jcmd_committee(jcmd)
    if committee is not None:
        members = sorted(committee.members, key=lambda m: m.id)
        names = [(m.name, m.voter_id) for m in members]
        extra = db.session.scalars(select(Voter).where(Voter.compound_id == jcmd.id, Voter.kind == "owner",
                                                       Voter.id.not_in([v for _n, v in names if v]))
                                   .order_by(Voter.id.desc()).limit(2)).all()
        names += [(v.display_name.split("、")[0], v.id) for v in extra]
        seats, closed_on = len(members), committee.elected_on
        weights = [0.92, 0.9, 0.88, 0.85, 0.82, 0.8, 0.78, 0.78, 0.75][:len(members)] + [0.3, 0.25]
    else:
        names = [(name, None) for name, _statement in JCMD_CANDIDATES]
        seats, closed_on, weights = 5, ctx.today - timedelta(days=21), None
    statements = dict(JCMD_CANDIDATES)
    election = operations.create_election(
        jcmd, title="精城名典业主委员会选举", seats=seats,
        description="业主大会以书面征求意见与网上投票相结合的方式选举业主委员会委员。", actor=organiser)
    for index, (name, voter_id) in enumerate(names):
        statement = statements.get(name) or JCMD_CANDIDATES[index % len(JCMD_CANDIDATES)][1]
        operations.add_candidate(election, name=name, statement=statement, voter_id=voter_id, actor=organiser)
    _complete(election, jcmd, ctx, organiser, closed_on, rng, weights)

    zt2 = ctx.compounds["中铁二期"]
    motion = operations.create_motion(
        zt2, title="使用专项维修资金更换2栋电梯", subject="maintenance_funds_use",
        description="拟使用专项维修资金约38万元更换2栋两部电梯，费用按2栋业主专有部分面积分摊。", actor="seed-demo")
    _complete(motion, zt2, ctx, None, ctx.today - timedelta(days=10), rng)
    ctx.notes.append("voting: 精城名典 has a counted committee election and 中铁二期 a counted maintenance-funds motion "
                     "(online, paper and proxy ballots; result notices on their boards); 中铁一期 has no vote yet.")
