"""Demo: locked minutes with two revisions at 精城名典, an urgent meeting at 中铁二期,
and owners' proposals with support at 绿地三期 (one of them past the 20% EGM line)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import RoleGrant
from ..extensions import db
from ..registry.models import Voter
from . import operations


def _owner_voter(user, compound) -> Voter:
    key = db.session.scalar(select(RoleGrant.voter_key).where(RoleGrant.user_id == user.id,
                                                              RoleGrant.compound_id == compound.id))
    return db.session.scalar(select(Voter).where(Voter.compound_id == compound.id, Voter.key == key))


def _seed_minutes(ctx) -> None:
    compound, actor, today = ctx.compounds["精城名典"], ctx.users["organiser_jc"], ctx.today
    meeting = operations.create_meeting(
        compound, title="2026年第四次业委会会议", meeting_on=today - timedelta(days=20),
        agenda_posted_on=today - timedelta(days=28), location="精城名典业委会办公室（3栋架空层）",
        agenda=["电梯大修方案（提请业主大会决定使用维修资金）", "公共收益年度收支公示", "增设非机动车充电桩"],
        actor=actor)
    members = operations.members_of(meeting)
    present = [m.id for m in members[:6]]  # one member absent
    operations.record_attendance(meeting, present, actor=actor)
    items = meeting.agenda_items
    votes_by_motion = [
        ("同意将2号、3号楼电梯大修方案及维修资金使用申请提请业主大会表决", items[0].id,
         ["for", "for", "for", "for", "for", "abstain"]),
        ("同意在公示栏和业主群公布2026年度公共收益收支明细", items[1].id, ["for"] * 6),
        ("同意委托物业服务企业在地面停车场增设充电桩", items[2].id,
         ["for", "for", "for", "against", "against", "abstain"]),
    ]
    for text, item_id, choices in votes_by_motion:
        motion = operations.add_motion(meeting, text=text, agenda_item_id=item_id, actor=actor)
        operations.record_votes(motion, meeting, dict(zip(present, choices)), actor=actor)
    discussions = {
        items[0].id: "物业报告2号、3号楼电梯多次困人，检测报告建议大修。委员认为维修资金使用须由业主共同决定，委员会不能自行决定。",
        items[1].id: "财务委员报告公共收益（广告、场地租赁）收支情况。",
        items[2].id: "部分委员担心占用消防通道，建议先征求业主意见。",
    }
    opening = "主持人：主任；记录人：副主任。会议于下午7时开始。"
    operations.save_minutes(meeting, opening=opening, discussions=discussions, other="", actor=actor)
    discussions[items[2].id] += "表决未获全体委员过半数同意，下次会议前征求业主意见后再议。"
    operations.save_minutes(meeting, opening=opening, discussions=discussions,
                            other="下次会议定于下月第二周召开。", actor=actor)
    operations.sign_minutes(meeting, present, signed_on=meeting.meeting_on + timedelta(days=1), actor=actor)
    operations.lock_minutes(meeting, actor=actor)
    operations.post_decisions(meeting, compound, posted_on=meeting.meeting_on + timedelta(days=2), actor=actor)


def _seed_urgent_meeting(ctx) -> None:
    compound, today = ctx.compounds["中铁二期"], ctx.today
    operations.create_meeting(
        compound, title="换届工作临时会议", meeting_on=today + timedelta(days=3), agenda_posted_on=today,
        agenda=["启动换届，报告街道办事处并组建换届小组"],
        urgent_reason="本届任期将于两个月内届满，换届启动已到期，须尽快报告街道办事处。", actor="seed-demo")


def _seed_proposals(ctx) -> None:
    compound, user = ctx.compounds["绿地三期"], ctx.users["owner_ld"]
    proposer = _owner_voter(user, compound)
    others = db.session.scalars(select(Voter).where(Voter.compound_id == compound.id, Voter.kind != "developer",
                                                    Voter.id != proposer.id).order_by(Voter.id)).all()
    lighting = operations.submit_proposal(
        compound, proposer, title="地下车库照明改造及增设监控",
        body="地下车库B区照明不足，夜间多次发生剐蹭。建议更换LED照明并在出入口增设监控，费用从公共收益中列支。",
        actor=user)
    for voter in others[:6]:
        operations.support_proposal(lighting, voter, actor="seed-demo")
    operations.comment_on(lighting, body="赞成，B区出口的转角尤其暗。", actor=others[0].display_name)
    meeting = operations.submit_proposal(
        compound, others[10], title="提议召开业主大会临时会议，讨论物业服务质量",
        body="物业服务企业长期未按合同保洁、维修。提议召开业主大会临时会议，讨论是否重新选聘物业服务企业。",
        actor="seed-demo")
    # supporters until they hold 20% of the area AND of the headcount (GR art 21)
    for voter in [v for v in others if v.id != others[10].id]:
        if operations.support_of(meeting, compound).egm_duty:
            break
        operations.support_proposal(meeting, voter, actor="seed-demo")


def seed_meetings(ctx) -> None:
    _seed_minutes(ctx)
    _seed_urgent_meeting(ctx)
    _seed_proposals(ctx)
