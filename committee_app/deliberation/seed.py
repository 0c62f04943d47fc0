"""Demo data: 绿地三期's 议事会 deliberates one motion with one amendment, chaired by the
workshop mentor; participation across the community becomes points."""
from __future__ import annotations

from datetime import timedelta

from .. import clock
from . import operations


def seed_deliberation(ctx) -> None:
    mentor = ctx.users["mentor"]
    ld3q = ctx.compounds["绿地三期"]
    day = lambda n: ctx.today + timedelta(days=n)  # noqa: E731
    present = ["楼栋长 王德明", "楼栋长 赵秀英", "孙丽", "业主代表 陈志华", "业主代表 刘晓燕", "业主代表 黄明", "业主代表 杨帆"]
    session = operations.create_session(
        ld3q, body="council", title="绿地三期议事会：电动自行车充电桩选址", held_on=day(-5), place="绿地三期业主活动室",
        chair_name="何文斌（工作室导师）", member_count=9, present="\n".join(present), actor=mentor)
    motion = operations.move_motion(session, text="在3栋与5栋之间的绿化带旁建设电动自行车集中充电棚（20个充电位）。",
                                    moved_by="楼栋长 王德明", actor=mentor)
    operations.second_motion(motion, seconded_by="业主代表 陈志华", actor=mentor)
    started = clock.utcnow() - timedelta(minutes=30)
    for minute, (speaker, side, seconds, summary) in enumerate([
            ("楼栋长 王德明", "for", 95, "楼道充电有火灾隐患，集中充电棚可以根治飞线充电。"),
            ("业主代表 刘晓燕", "against", 110, "绿化带旁离3栋低层住户太近，担心噪音和安全。"),
            ("孙丽", "for", 80, "可以选在远离住户的一侧，并加装烟感和喷淋。"),
            ("业主代表 黄明", "against", 130, "费用分摊方式不明确，应先测算。")]):
        operations.request_floor(motion, speaker=speaker, side=side, actor=mentor)
        floor = operations.give_floor(motion, actor=mentor)
        floor.started_at = started + timedelta(minutes=3 * minute)
        clock.freeze(floor.started_at + timedelta(seconds=seconds))
        try:
            operations.end_speech(motion, summary=summary, actor=mentor)
        finally:
            clock.freeze(None)
    amendment = operations.move_motion(
        session, text="在5栋北侧围墙边（距住户不少于15米）建设电动自行车集中充电棚（20个充电位），加装烟感报警和喷淋，"
                      "建设费用由物业公共收益列支，充电费按度计收。",
        moved_by="孙丽", parent=motion, actor=mentor)
    operations.second_motion(amendment, seconded_by="业主代表 刘晓燕", actor=mentor)
    operations.put_to_vote(amendment, votes_for=6, votes_against=1, votes_abstain=0, actor=mentor)
    operations.put_to_vote(motion, votes_for=6, votes_against=0, votes_abstain=1, actor=mentor)
    operations.close_session(session, actor=mentor)

    community = ctx.community
    operations.sync_participation(community, actor=mentor)
    operations.record_entry(community, person="楼栋长 王德明", kind="award", activity="volunteering", points=5,
                            reason="协助组织“小区共享日”活动", earned_on=day(-20), actor=mentor)
    operations.record_entry(community, person="社区网格员 罗敏", kind="exchange", points=3,
                            reason="积分超市兑换：洗衣液一瓶", actor=mentor)
    _seed_recognition(ctx)
    _seed_consultation(ctx)
    ctx.notes.append("deliberation: 绿地三期议事会 with one motion and one amendment; points from participation; "
                     "the year's recognition list")


# The seed's nine categories (four are named in the case; the rest follow the same practice).
CATEGORIES = ["社区优秀合伙人", "优秀志愿者", "社区好人", "优秀微网格长", "优秀楼栋长", "优秀业委会委员",
              "优秀党员志愿者", "优秀居民骨干", "优秀志愿服务团队"]


def _seed_recognition(ctx) -> None:
    mentor = ctx.users["mentor"]
    community, year = ctx.community, ctx.today.year
    categories = {name: operations.add_category(community, year=year, name=name, actor=mentor) for name in CATEGORIES}
    ld3q = ctx.compounds["绿地三期"]
    accepted = [
        ("优秀楼栋长", "楼栋长 王德明", "resident", "业主代表 陈志华",
         "参加双柏微学堂，带头推动绿地三期议事会就电动自行车充电棚议事，按楼栋上门征集成立业主大会联名。", ld3q.id),
        ("优秀微网格长", "社区网格员 罗敏", "organisation", "双柏社区党委",
         "全年参加业委会主题沙龙，协助中铁一期换届小组核对业主名册。", None),
        ("优秀业委会委员", "中铁二期业委会主任 吴国强", "self", "中铁二期业委会主任 吴国强",
         "带领新一届业委会完成备案和新旧业委会交接。", ctx.compounds["中铁二期"].id),
    ]
    for category, nominee, channel, by, reason, compound_id in accepted:
        nomination = operations.nominate(categories[category], nominee=nominee, channel=channel, nominated_by=by,
                                         reason=reason, compound_id=compound_id, actor=mentor)
        operations.review_nomination(nomination, accept=True, note="事迹属实，同意表彰。", actor=mentor)
    operations.publish_list(community, year=year, actor=mentor)


def _seed_consultation(ctx) -> None:
    from sqlalchemy import select

    from ..extensions import db
    from ..registry.models import Voter

    zt1q = ctx.compounds["中铁一期"]
    consultation = operations.create_consultation(
        zt1q, title="快递柜设在哪里", question="物业拟在小区内增设一组智能快递柜，请业主选择您认为合适的位置，并可留言说明理由。",
        options="南门岗亭旁\n2栋与3栋之间的空地\n地下车库电梯厅", closes_on=ctx.today + timedelta(days=10),
        actor=ctx.users["organiser"])
    owner_key = ctx.users["owner"].grants[0].voter_key if ctx.users["owner"].grants else None
    voters = db.session.scalars(select(Voter).where(Voter.compound_id == zt1q.id, Voter.kind != "developer",
                                                    Voter.key != (owner_key or "")).order_by(Voter.id).limit(3)).all()
    for voter, (option, comment) in zip(voters, [
            ("南门岗亭旁", "南门是大多数人进出的地方，取件方便。"),
            ("地下车库电梯厅", "下雨天不用淋雨。"),
            ("南门岗亭旁", "")]):
        operations.give_voice(consultation, voter, option=option, comment=comment, actor=voter.display_name)
