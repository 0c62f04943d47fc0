"""Demo data: the Shuangbai workshop led by the 精城名典 committee director (C3)."""
from __future__ import annotations

from datetime import timedelta

from . import operations
from .operations import NewItem


def seed_workshop(ctx) -> None:
    mentor = ctx.users["mentor"]
    mentor.display_name = "何文斌（精城名典业委会主任 · 工作室导师）"
    today = ctx.today
    day = lambda n: today + timedelta(days=n)  # noqa: E731
    ld3q, zt1q, zt2q = ctx.compounds["绿地三期"], ctx.compounds["中铁一期"], ctx.compounds["中铁二期"]
    organiser, organiser_ld = ctx.users["organiser"], ctx.users["organiser_ld"]

    # 中铁一期: re-election, coached twice; one item done, one overdue, one open.
    first = operations.log_session(
        zt1q, held_on=day(-45), place="中铁一期物业服务中心会议室", topics=["reelection"], mentor=mentor,
        step_key="R3_working_group", attendee_user_ids=[organiser.id], guest_names=["社区网格员 罗敏"],
        advice="本届业委会任期将于明年届满，应提前三个月启动换届。建议先向街道办、社区书面报告，"
               "由街道指导成立换届小组，成员为单数、业主代表不少于一半；同步清点业委会印章、档案。",
        items=[NewItem("向街道办、社区书面报告启动换届", "周建国", day(-30)),
               NewItem("整理上届业委会会议记录、财务资料清单", "周建国", day(-10))])
    operations.complete_item(first.items[0], day(-32), "已向郫筒街道办书面报告，街道回复同意指导成立换届小组。",
                             actor=organiser)
    operations.log_session(
        zt1q, held_on=day(-8), place="社区党群服务中心", topics=["reelection", "disputes"], mentor=mentor,
        step_key="R4_roll_notice", attendee_user_ids=[organiser.id], guest_names=["换届小组成员 李淑芬"],
        advice="业主名册公示前须与物业、不动产登记资料逐户核对面积；同一买受人多套房按一人计，开发商未售房合计按一人计。"
               "有业主对车位面积是否计入有疑问，按本小区议事规则答复并留存记录。",
        items=[NewItem("核对业主名册面积并准备名册公示", "换届小组 李淑芬", day(5)),
               NewItem("书面答复业主关于车位面积的疑问", "周建国", day(12))])

    # 绿地三期: forming its first committee; an overdue item and a dropped one.
    ld_session = operations.log_session(
        ld3q, held_on=day(-30), place="绿地三期业主活动室", topics=["formation"], mentor=mentor,
        step_key="F2_preparatory_group_decision", attendee_user_ids=[organiser_ld.id],
        guest_names=["楼栋长 王德明", "楼栋长 赵秀英"],
        advice="专有部分交付已过半，可由业主书面申请成立业主大会。建议先征集联名申请，"
               "并请建设单位报送业主名册、房屋清册等资料；筹备组成员名单须公示。",
        items=[NewItem("征集业主联名申请书（不少于20户）", "孙丽", day(-9)),
               NewItem("联系建设单位报送房屋清册", "孙丽", day(-3)),
               NewItem("组织业主议事会试运行", "楼栋长 王德明", day(20))])
    operations.drop_item(ld_session.items[2], "社区建议先成立筹备组，议事会待业委会成立后再议。", actor=mentor)
    operations.log_session(
        ld3q, held_on=day(-2), place="电话沟通", topics=["formation", "other"], mentor=mentor,
        attendee_user_ids=[organiser_ld.id],
        advice="联名申请进度偏慢，建议按楼栋分工，由楼栋长逐户上门说明；申请书格式可参考精城名典模板。",
        items=[NewItem("按楼栋分工上门征集联名", "楼栋长 赵秀英", day(7))])

    # 中铁二期: after its re-election, handover and the property contract.
    zt2 = operations.log_session(
        zt2q, held_on=day(-20), place="中铁二期业委会办公室", topics=["handover", "property_contract"], mentor=mentor,
        guest_names=["中铁二期业委会主任 吴国强", "中铁二期业委会委员 郑雪"],
        advice="新一届业委会应在选举后及时办理备案，并与上届业委会办理印章、档案、账目交接，形成交接清单双方签字。"
               "物业服务合同续签前应由业主大会决定，业委会不得自行续签。",
        items=[NewItem("完成新旧业委会资料交接并签署交接清单", "吴国强", day(-6)),
               NewItem("拟定物业服务合同续签的业主大会表决方案", "郑雪", day(25))])
    operations.complete_item(zt2.items[0], day(-7), "印章、档案、账目已交接，清单双方签字并报社区留存。", actor=mentor)

    # Events: a salon on committee law and a micro-classroom training, both with attendance.
    community = ctx.community
    salon = operations.create_event(
        community, kind="salon", title="业委会履职的法律边界", speakers="四川某律师事务所 律师（主讲）",
        held_on=day(-40), place="双柏社区党群服务中心", actor=mentor,
        description="律师主讲：业委会能做什么、不能做什么；物业合同、维修资金使用须业主共同决定；个人信息保护。")
    operations.invite(salon, user_ids=[organiser.id, organiser_ld.id, ctx.users["organiser_jc"].id],
                      guests=[("中铁二期业委会主任 吴国强", zt2q.id), ("楼栋长 王德明", ld3q.id),
                              ("社区网格员 罗敏", None)], actor=mentor)
    operations.take_attendance(salon, {i.id for i in salon.invitees if i.guest_name != "楼栋长 王德明"}, actor=mentor)
    micro = operations.create_event(
        community, kind="microclass", title="双柏微学堂：换届选举程序与名册公示", speakers="何文斌（精城名典业委会主任）",
        held_on=day(-12), place="双柏社区微学堂教室", actor=mentor,
        description="结合精城名典换届经验，讲解换届小组组成、名册公示、候选人资格审查和计票规则。")
    operations.invite(micro, user_ids=[organiser.id, organiser_ld.id],
                      guests=[("换届小组成员 李淑芬", zt1q.id), ("中铁二期业委会委员 郑雪", zt2q.id),
                              ("楼栋长 王德明", ld3q.id)], actor=mentor)
    operations.take_attendance(micro, {i.id for i in micro.invitees if i.guest_name != "中铁二期业委会委员 郑雪"},
                               actor=mentor)
    operations.create_event(
        community, kind="microclass", title="双柏微学堂：物业服务合同怎么谈", speakers="何文斌（精城名典业委会主任）",
        held_on=day(9), place="双柏社区微学堂教室", actor=mentor)
    ctx.notes.append("workshop: 3 coached compounds, 2 events with attendance")
