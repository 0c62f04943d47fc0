"""Every waiver is a finding on the street office's board, with who, when, why and the approval."""
from __future__ import annotations

from committee_app.extensions import db
from committee_app.oversight.checks import get_checks
from committee_app.oversight.util import compound_results, findings_of
from committee_app.procedures.models import Procedure, ProcedureStep
from committee_app.registry.models import Compound


def _findings(app, world, key):
    with app.app_context():
        _facts, results = compound_results(db.session.get(Compound, world.a))
        return [(r.outcome.message, dict(r.evidence(get_checks(), "zh")))
                for r in findings_of(results) if r.check.key == key]


def test_an_organisers_waiver_shows_on_the_board_until_and_after_the_street_office_approves_it(
        app, world, login_as, today):
    organiser = login_as("organiser")
    organiser.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": "2027-05-31"})
    with app.app_context():
        procedure = db.session.scalar(db.select(Procedure))
        procedure_id = procedure.id
        step_id = next(s.id for s in procedure.steps if s.key == "R3_working_group")
        roll_id = next(s.id for s in procedure.steps if s.key == "R4_roll_notice")
    page = organiser.get(f"/compounds/A/procedures/{procedure_id}").get_data(as_text=True)
    assert "申请豁免此步骤（须街道办事处批准）" in page  # R3: only with the street office's approval
    # the roll notice is statutory: no waiver offered, and a forged request is refused
    # the step's part of the stepper: from its element to the next step's
    roll_card = page.split(f'id="step-{roll_id}"', 1)[1].split('class="step-item', 1)[0]
    assert "豁免" not in roll_card
    organiser.post(f"/compounds/A/steps/{roll_id}/waive", data={"reason": "来不及公示"})
    with app.app_context():
        assert db.session.get(ProcedureStep, roll_id).state == "pending"

    organiser.post(f"/compounds/A/steps/{step_id}/waive", data={"reason": "由居委会在街道指导下组织"})
    [(message, evidence)] = _findings(app, world, "step_waived_without_approval")
    assert message == "awaiting"
    assert evidence["豁免人"] == "organiser" and evidence["豁免日期"] == "2026-12-01"
    assert evidence["理由"] == "由居委会在街道指导下组织" and evidence["批准情况"] == "未经街道办事处批准"

    officer = login_as("officer")
    page = officer.get(f"/compounds/A/procedures/{procedure_id}").get_data(as_text=True)
    assert "批准豁免" in page and "待街道办事处批准" in page
    officer.post(f"/compounds/A/steps/{step_id}/waiver/approve")
    assert _findings(app, world, "step_waived_without_approval") == []
    [(message, evidence)] = _findings(app, world, "step_waived")
    assert message == "approved" and "officer" in evidence["批准情况"] and "SC art 7" in evidence["豁免依据"]
    board = officer.get("/oversight/compounds/A").get_data(as_text=True)
    assert "程序步骤已豁免" in board and "由居委会在街道指导下组织" in board


def test_the_compliance_report_prints_each_waiver_with_who_when_and_the_approval(app, world, login_as, today):
    import subprocess

    organiser = login_as("organiser")
    organiser.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": "2027-05-31"})
    with app.app_context():
        procedure = db.session.scalar(db.select(Procedure))
        procedure_id = procedure.id
        step_id = next(s.id for s in procedure.steps if s.key == "R3_working_group")
    organiser.post(f"/compounds/A/steps/{step_id}/waive", data={"reason": "由居委会组织"})
    officer = login_as("officer")
    pdf = officer.get(f"/oversight/compounds/A/procedures/{procedure_id}/compliance.pdf").data
    text = "".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                   .stdout.decode().split())
    assert "豁免理由：由居委会组织（organiser2026-12-01；未经街道办事处批准，不视为完成）" in text
    assert "程序步骤被豁免但未获批准" in text
