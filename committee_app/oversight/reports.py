"""Plain-value contexts for the compliance report and the filing package PDFs.

The PDF templates get dicts, strings and numbers only. Parts of the filing package that no
feature has recorded say "未记录" instead of inventing content.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..extensions import db
from .checks import get_checks
from .model import SEVERITY_LABELS
from .util import compound_results, findings_of

NOT_RECORDED = "未记录"


def _d(value) -> str:
    return value.isoformat() if value is not None else ""


def _local_d(moment) -> str:
    """A stored naive-UTC datetime as its date in Asia/Shanghai (a sign-off at 23:30 UTC on the 1st
    happened on the 2nd in the compound)."""
    return clock.to_local(moment).date().isoformat() if moment is not None else ""


def _result_dict(result, checks) -> dict:
    return {"key": result.check.key, "title": result.check.title_zh, "severity": result.severity,
            "severity_label": SEVERITY_LABELS[result.severity][0], "text": result.text("zh"),
            "citations": list(result.check.citations), "unconfirmed": result.check.unconfirmed,
            "evidence": result.evidence(checks, "zh"), "ok": result.ok}


def _belongs(result, procedure) -> bool:
    """Findings about this procedure, and compound-level ones (settings, terms, meetings, votes)."""
    return result.outcome.procedure_id in (None, procedure.id)


def compliance_report_context(compound, procedure) -> dict:
    from ..procedures import util as putil

    settings = putil.effective_settings(compound)
    checks = get_checks()
    facts, results = compound_results(compound)
    mine = [r for r in results if _belongs(r, procedure)]
    user_names = _user_names([s.signed_off_by_id for s in procedure.steps] + [s.returned_by_id for s in procedure.steps]
                             + [s.waived_by_id for s in procedure.steps]
                             + [s.waiver_approved_by_id for s in procedure.steps])
    steps = []
    for number, view in enumerate(putil.timeline(procedure, settings), start=1):
        step, rule = view.step, view.rule
        steps.append({
            "number": number, "title": rule.title_zh if rule else step.key,
            "state": putil.STATE_LABELS.get(step.state, step.state),
            "due_on": _d(view.due_on), "done_on": _d(step.done_on), "is_overdue": view.is_overdue,
            "due_counted": view.due_counted.explanation_zh if view.due_counted is not None else "",
            "late_note": view.late_note, "citations": list(rule.citations) if rule else [],
            "needs_signoff": bool(rule and rule.street_signoff),
            "signed_off": ({"by": user_names.get(step.signed_off_by_id, ""), "on": _local_d(step.signed_off_at)}
                           if step.signed_off_at else None),
            "returned": ({"reason": step.returned_reason, "by": user_names.get(step.returned_by_id, ""),
                          "on": _local_d(step.returned_at)}
                         if step.returned_reason else None),
            "waived_reason": step.waived_reason if step.state == "waived" else None,
            "waiver": ({"by": user_names.get(step.waived_by_id, ""), "on": _local_d(step.waived_at),
                        "approval": ("街道办事处 {} {} 批准".format(user_names.get(step.waiver_approved_by_id, ""),
                                                            _local_d(step.waiver_approved_at))
                                     if step.waiver_approved_by_street else
                                     "规则允许组织方自行豁免" if step.waiver_approved_at else "未经街道办事处批准，不视为完成")}
                       if step.state == "waived" else None),
        })
    not_checked = [{"title": c.title_zh, "needs": list(c.needs)} for c in checks.checks if not c.applies_to(facts)]
    findings = [_result_dict(r, checks) for r in findings_of(mine)]
    return {
        "title": f"{putil.procedure_title(procedure)}合规报告",
        "compound_name": compound.name, "generated_on": clock.today().isoformat(),
        "issuer": "", "procedure": {
            "id": procedure.id, "title": putil.procedure_title(procedure), "status": procedure.status,
            "started_on": _d(procedure.started_on), "rule_set": _rule_set_title(procedure.rule_set),
            "anchors": [(putil.ANCHOR_LABELS[name], _d(getattr(procedure, name)))
                        for name in putil.anchors_used(procedure)],
        },
        "steps": steps, "findings": findings,
        "passed": [_result_dict(r, checks) for r in mine if r.ok],
        "not_checked": not_checked,
        "counts": {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITY_LABELS},
    }


def _rule_set_title(key: str) -> str:
    from ..rules import get_rule_set

    try:
        return get_rule_set(key).title_zh
    except (KeyError, ValueError):
        return key


def _user_names(ids) -> dict:
    from ..accounts.models import User

    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def filing_package_context(compound, procedure) -> dict:
    """Report on the election, covenant and rules adopted, members, count record (PMR art 16, GR art 33)."""
    from ..committees.models import Committee, ROLE_LABELS
    from ..procedures import util as putil
    from ..registry.operations import roll_summary

    settings = putil.effective_settings(compound)
    views = {v.step.key: v for v in putil.timeline(procedure, settings)}
    rules = putil.procedure_rules(procedure)

    def step_on(action: str):
        for key, rule in rules.items():
            if rule.action == action and key in views and views[key].step.done_on and views[key].step.state in ("submitted", "done"):
                return _d(views[key].step.done_on)
        return ""

    def step_by_key(*keys):
        for key in keys:
            if key in views and views[key].step.done_on and views[key].step.state in ("submitted", "done"):
                return _d(views[key].step.done_on)
        return ""

    summary = roll_summary(compound)
    report = [
        ("程序", putil.procedure_title(procedure)),
        ("开始日期", _d(procedure.started_on)),
        ("筹备组/换届小组成立", step_by_key("F3_preparatory_group_formed", "R3_working_group") or NOT_RECORDED),
        ("业主名册公示", step_on("roll_notice") or NOT_RECORDED),
        ("候选人名单公示", step_on("candidate_list") or NOT_RECORDED),
        ("会议通知张贴", step_on("meeting_notice") or NOT_RECORDED),
        ("业主大会会议（表决）日", _d(procedure.meeting_on) or NOT_RECORDED),
        ("选举日", _d(procedure.election_on) or NOT_RECORDED),
        ("结果公告", step_on("result_notice") or NOT_RECORDED),
        ("业委会首次会议", step_by_key("F8_first_committee_meeting", "R9b_first_committee_meeting") or NOT_RECORDED),
        ("名册表决权人（人数）", str(summary.headcount)),
        ("名册专有部分总面积（㎡）", str(summary.area)),
    ]
    votes = _votes(compound, procedure)
    adopted = []
    for subject, label in (("covenant", "管理规约"), ("rules_of_procedure", "业主大会议事规则")):
        vote = next((v for v in votes if v["subject"] == subject), None)
        if vote is None:
            adopted.append({"title": label, "status": NOT_RECORDED, "detail": ""})
        else:
            adopted.append({"title": label, "status": vote["outcome"], "detail": vote["title"]})
    committee = None
    if procedure.election_on is not None:
        committee = db.session.scalar(select(Committee).where(Committee.compound_id == compound.id,
                                                              Committee.elected_on == procedure.election_on))
    members = None
    if committee is not None:
        members = {"elected_on": _d(committee.elected_on), "term": f"{_d(committee.term_starts_on)} 至 {_d(committee.term_ends_on)}",
                   "rows": [{"name": m.name, "role": ROLE_LABELS.get(m.role, m.role), "joined_on": _d(m.joined_on)}
                            for m in committee.members_on(committee.elected_on) or committee.active_members]}
    filing = views.get("F9_filing") or views.get("R10_filing")
    return {
        "title": "业主委员会备案材料", "compound_name": compound.name, "generated_on": clock.today().isoformat(),
        "issuer": f"{compound.name}业主委员会", "not_recorded": NOT_RECORDED,
        "report": report, "adopted": adopted, "members": members, "votes": votes,
        "voting_installed": _voting_installed(),
        "filing": {"due_on": _d(filing.due_on) if filing else "", "done_on": _d(filing.step.done_on) if filing else "",
                   "state": putil.STATE_LABELS.get(filing.step.state, "") if filing else ""},
        "days": int(settings.get("filing_days", 30)),
    }


def _voting_installed() -> bool:
    try:
        from ..voting.models import Vote  # noqa: F401  # type: ignore[import-not-found]
    except ImportError:
        return False
    return True


OUTCOMES = {"decided": "已决定", "quorum_not_met": "参与表决未达法定比例", "tie": "末位票数相同", "seats_unfilled": "当选人数不足"}


def _votes(compound, procedure) -> list[dict]:
    """Counted votes of the procedure's general meeting (from the voting feature, if installed)."""
    try:
        from ..voting.models import Vote  # type: ignore[import-not-found]
    except ImportError:
        return []
    query = select(Vote).where(Vote.compound_id == compound.id, Vote.result.is_not(None)).order_by(Vote.id)
    result = []
    for vote in db.session.scalars(query):
        if vote.opened_at is not None and clock.to_local(vote.opened_at).date() < procedure.started_on:
            continue
        tally = vote.result or {}
        if vote.kind == "motion":
            outcome = "通过" if tally.get("passed") else "未通过"
        else:
            outcome = OUTCOMES.get(tally.get("status"), tally.get("status") or "")
        votes = tally.get("votes") or {}
        result.append({
            "id": vote.id, "title": vote.title, "kind": vote.kind, "subject": vote.subject, "matter": vote.matter,
            "outcome": outcome, "status": OUTCOMES.get(tally.get("status"), tally.get("status") or ""),
            "roll": tally.get("roll") or {}, "participation": tally.get("participation") or {},
            "candidates": tally.get("candidates") or [],
            "motion_votes": [(label, votes.get(key) or {}) for key, label in
                             (("for", "同意"), ("against", "反对"), ("abstain", "弃权"))] if votes else [],
            "basis": tally.get("basis") or [],
        })
    return result
