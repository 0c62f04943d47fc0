"""Demo: 中铁一期 is a few steps into its re-election; 绿地三期 has just started its formation."""
from __future__ import annotations

from datetime import timedelta

from . import operations
from .util import committee_term_end


def seed_procedures(ctx) -> None:
    today = ctx.today
    organiser, officer = ctx.users["organiser"], ctx.users["street"]

    zt = ctx.compounds["中铁一期"]
    # the sitting committee's term (committees seeder: about 4 months left) or 100 days; the meeting is
    # 30 days out, so the meeting notice can still lawfully be posted 15+ days before it
    term_ends_on = committee_term_end(zt) or today + timedelta(days=100)
    reelection = operations.start_procedure(zt, "reelection", actor=organiser, on=today - timedelta(days=21),
                                            term_ends_on=term_ends_on, meeting_on=today + timedelta(days=30))
    steps = {step.key: step for step in reelection.steps}
    operations.complete_step(steps["R2_start"], on=today - timedelta(days=20), actor=organiser,
                             note="已书面报告区住建局和郫筒街道办事处")
    operations.sign_off_step(steps["R2_start"], officer)
    operations.complete_step(steps["R3_working_group"], on=today - timedelta(days=12), actor=organiser,
                             note="换届小组7人，组长由社区书记担任，名单已张贴")
    operations.sign_off_step(steps["R3_working_group"], officer)
    operations.post_roll_notice(reelection, on=today - timedelta(days=5), actor=organiser, in_background=False)
    ctx.notes.append("中铁一期: re-election at the nominations step; roll notice on the board")

    ld = ctx.compounds["绿地三期"]
    formation = operations.start_procedure(ld, "formation", actor=ctx.users["organiser_ld"],
                                           on=today - timedelta(days=3), application_on=today - timedelta(days=10))
    operations.complete_step(formation.steps[0], on=today - timedelta(days=2), actor=ctx.users["organiser_ld"],
                             note="建设单位已移交业主名册、房屋清册和规划图")
    ctx.notes.append("绿地三期: formation started; developer handover waits for the street office's sign-off")
