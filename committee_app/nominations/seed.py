"""Demo data: 中铁一期's re-election with nominations coming in through every channel."""
from __future__ import annotations

from datetime import timedelta



from ..extensions import db
from ..registry.models import Voter
from . import operations, util


def seed_demo(ctx) -> None:
    compound = ctx.compounds["中铁一期"]
    organiser = ctx.users["organiser"]
    owner_user = ctx.users["owner"]
    state = util.candidate_list_state(compound)
    if state != "none":
        return
    _rule_set, settings = util.rules_of(compound)
    opened_on = ctx.today - timedelta(days=4)  # after the roll notice (procedures seeds it 5 days ago)
    operations.open_list(compound, seats=settings["committee_seats_default"], on=opened_on, actor=organiser)

    owner_voter_key = next((g.voter_key for g in owner_user.grants if g.compound_id == compound.id), None)
    people = [p for p in util.roll_people(compound)
              if db.session.get(Voter, p["voter_id"]).key != owner_voter_key]
    by_voter: dict[int, dict] = {}
    for person in people:
        by_voter.setdefault(person["voter_id"], person)
    distinct = list(by_voter.values())
    nominees, signers = distinct[:4], distinct[10:10 + settings["joint_nomination_min_cosigners"] + 1]

    party = operations.nominate(
        compound, channel="party", owner_id=nominees[0]["id"], is_party_member=True,
        recommended_by="双柏社区党委", entered_by=organiser,
        statement="在小区居住十余年，熟悉小区设施和业主诉求，愿意为业主做实事，兼任微网格员。",
        biography="中共党员，退休工程师，曾任楼栋长。")
    operations.nominate(
        compound, channel="joint", owner_id=nominees[1]["id"], entered_by=organiser,
        cosigner_owner_ids=[p["id"] for p in signers],
        statement="推动公共收益公开、电梯维保监督，定期向业主报告工作。",
        biography="会计师，熟悉财务审核。")
    operations.nominate(
        compound, channel="community", owner_id=nominees[2]["id"], recommended_by="双柏社区居民委员会",
        entered_by=organiser, statement="长期参与社区志愿服务，协调物业与业主关系。",
        biography="社区志愿者，从事教育工作。")
    operations.nominate(
        compound, channel="self", owner_id=nominees[3]["id"], is_paper_form=True, entered_by=organiser,
        statement="希望改善停车管理和绿化养护，时间充裕。", biography="个体经营者。")

    # The Party organisation's nominee has been vetted item by item in a first review round.
    marks = {condition.key: ("met", "") for condition in util.conditions(compound)}
    marks["no_criminal_record"] = ("met", "派出所出具无犯罪记录证明")
    marks["no_unpaid_fees"] = ("met", "物业服务中心核实无欠费")
    operations.record_checks(party, {k: v for k, v in marks.items() if k in {c.key for c in util.conditions(compound)}},
                             reviewer=organiser)
    operations.record_round(compound, vetted_on=ctx.today - timedelta(days=1),
                            reviewers="换届小组、双柏社区", note="初审：审核推荐材料与名册信息。", actor=organiser)
    ctx.notes.append("nominations: 中铁一期 collecting nominations (4 nominations through every channel, 1 vetted)")


__all__ = ["seed_demo"]
