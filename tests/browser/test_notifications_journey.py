"""The organiser of 绿地三期 sees the bell's count on a phone and opens the step the street office returned."""
import pytest
from playwright.sync_api import expect

from committee_app.extensions import db

pytestmark = pytest.mark.browser


def test_the_organiser_sees_the_bell_count_and_opens_the_returned_step(app, live_server, phone, log_in):
    from committee_app.accounts.models import User
    from committee_app.notifications.runner import run_once
    from committee_app.procedures import operations
    from committee_app.procedures.models import SUBMITTED, Procedure, ProcedureStep
    from committee_app.registry.models import Compound

    with app.app_context():
        step = db.session.scalar(
            db.select(ProcedureStep).join(Procedure).join(Compound, Compound.id == Procedure.compound_id)
            .where(Compound.code == "LD3Q", ProcedureStep.state == SUBMITTED))
        street = db.session.scalar(db.select(User).where(User.username == "street"))
        operations.return_step(step, street, "移交资料缺少规划图，请补充后重新提交。")
        db.session.commit()
        step_id = step.id
    assert run_once(app).created >= 1

    log_in(phone, live_server, "organiser_ld")
    bell = phone.locator("#notification-bell")
    expect(bell).to_be_visible()
    expect(bell.locator("[data-unread]")).to_have_text("1条未读")
    bell.click()
    entry = phone.locator("#notifications .list-group-item", has_text="街道退回")
    expect(entry).to_contain_text("移交资料缺少规划图")
    entry.get_by_role("button", name="查看并处理").click()
    expect(phone).to_have_url(f"{live_server}/compounds/LD3Q/procedures/{_procedure_of(app, step_id)}#step-{step_id}")
    expect(phone.locator(f"#step-{step_id}")).to_contain_text("移交资料缺少规划图")
    expect(phone.locator("#notification-bell [data-unread]")).to_have_count(0)


def _procedure_of(app, step_id):
    from committee_app.procedures.models import ProcedureStep

    with app.app_context():
        return db.session.get(ProcedureStep, step_id).procedure_id
