"""Pure checker functions: ``checker(facts, params) -> list[Outcome]``.

Each reads only the plain facts of one compound (:class:`.model.CompoundFacts`) and the
check's ``params`` from ``checks.yaml``; periods are counted by CC arts 200-204 (see
:mod:`committee_app.rules.periods`: the event day is not counted, a time limit whose last day
is a statutory rest day moves past it), and each computed date goes into the evidence with how
it was counted (``counted``). A record the check does not apply to yields no outcome; a record
it applies to yields one outcome, ok or not, with the values used.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..rules import (committee_motion_passes, committee_quorum, counted_before, counted_due_date, counted_within,
                     earliest_after, quorum_met)
from ..rules.thresholds import approved
from .model import CompoundFacts, Outcome

#: steps that count as having happened (done, or done and waiting for the street office's sign-off)
HAPPENED = ("submitted", "done")

CHECKERS = (
    "step_before_meeting", "vote_after_notice", "quorum_before_result", "matter_threshold", "step_within_days",
    "first_meeting_within_days", "notice_publicity_length", "committee_decisions_posted", "member_request_met",
    "filing_within_days", "reelection_started_on_time", "committee_meeting_quorum", "committee_motion_majority",
    "committee_meeting_notice", "setting_enabled", "acting_after_term", "waived_steps",
    "vote_closed_early", "vote_reopened", "vote_outside_procedure",
)


def _live(facts: CompoundFacts):
    """Procedures that count: active or completed (an abandoned one is history, not practice)."""
    return [p for p in facts.procedures or () if p.status != "abandoned"]


# --------------------------------------------------------------------------- notice periods


def step_before_meeting(facts: CompoundFacts, params) -> list[Outcome]:
    """A notice step (meeting notice, roll, candidate list) done at least its period before the meeting,
    as its own deadline rule in the rule set says."""
    outcomes = []
    for procedure in _live(facts):
        step = procedure.step_by_action(params["action"])
        meeting_on = procedure.anchors.get("meeting_on")
        if (step is None or step.state not in HAPPENED or step.done_on is None or meeting_on is None
                or step.deadline is None or step.deadline.kind != "before"):
            continue
        required, _unit = step.deadline.amount(facts.settings)
        counted = counted_due_date(step.deadline, procedure.anchors, facts.settings)
        latest_on = counted.on
        ok = step.done_on <= latest_on
        outcomes.append(Outcome(
            ok, "ok" if ok else "short",
            {"posted_on": step.done_on, "meeting_on": meeting_on, "days_before": (meeting_on - step.done_on).days,
             "required_days": required, "latest_on": latest_on, "counted": counted},
            ("posted_on", "meeting_on", "days_before", "required_days", "latest_on", "counted"),
            procedure.id, f"procedure:{procedure.id}"))
    return outcomes


def notice_publicity_length(facts: CompoundFacts, params) -> list[Outcome]:
    """A notice kind with a publicity period (roll, candidate list) stays up at least the setting's
    number of days, counted from the day after it is posted (CC art 201: posted 10-01 for 7 days, it
    must stand until 10-08)."""
    outcomes = []
    for notice in facts.notices or ():
        setting = (params.get("kinds") or {}).get(notice.kind)
        if setting is None or not notice.is_current or notice.publicity_ends_on is None:
            continue
        required = int(facts.settings[setting])
        period = (notice.publicity_ends_on - notice.posted_on).days  # the posting day is not counted
        ok = period >= required
        outcomes.append(Outcome(ok, "ok" if ok else "short",
                                {"title": notice.title, "posted_on": notice.posted_on, "ends_on": notice.publicity_ends_on,
                                 "period_days": period, "required_days": required},
                                ("posted_on", "ends_on", "period_days", "required_days"), None, f"notice:{notice.id}"))
    return outcomes


def vote_after_notice(facts: CompoundFacts, params) -> list[Outcome]:
    """A vote opened no earlier than the meeting notice's full period (posted + N days, N =
    meeting_notice_days: the posting day is not counted, CC art 201; posted on the 1st, the vote may
    open on the 16th, or the 17th with ``notice_period_excludes_meeting_day``) and not before the
    announced meeting date."""
    days = int(facts.settings.get("meeting_notice_days", 15))
    excludes = facts.settings.get("notice_period_excludes_meeting_day") is True
    procedures = sorted(_live(facts), key=lambda p: p.started_on)
    opened: list[tuple[object, object, str]] = []  # (opened_on, procedure or None, subject)
    if facts.votes is not None:
        for vote in facts.votes:
            if vote.opened_on is None:
                continue
            owner = None
            for procedure in procedures:
                if procedure.started_on <= vote.opened_on:
                    owner = procedure
            opened.append((vote.opened_on, owner, f"vote:{vote.id}"))
    covered = {id(owner) for _on, owner, _s in opened if owner is not None}
    for procedure in procedures:
        step = procedure.step_by_action("vote")
        if id(procedure) not in covered and step is not None and step.state in HAPPENED and step.done_on:
            opened.append((step.done_on, procedure, f"procedure:{procedure.id}"))
    outcomes = []
    for opened_on, procedure, subject in opened:
        notice_on = None
        if procedure is not None:
            notice = procedure.step_by_action("meeting_notice")
            if notice is not None and notice.state in HAPPENED and notice.done_on and notice.done_on <= opened_on:
                notice_on = notice.done_on
            meeting_on = procedure.anchors.get("meeting_on")
        else:
            meeting_on = None
        if notice_on is None:
            posted = [n.posted_on for n in facts.notices or () if n.kind == "meeting_notice" and n.posted_on <= opened_on]
            notice_on = max(posted, default=None)
        procedure_id = procedure.id if procedure is not None else None
        if notice_on is None:
            outcomes.append(Outcome(False, "no_notice", {"opened_on": opened_on}, ("opened_on",),
                                    procedure_id, subject))
            continue
        counted = earliest_after(notice_on, days, excludes_anchor_day=excludes, citations=("CC art 201", "PMR art 14"))
        earliest = counted.on
        if meeting_on is not None and meeting_on > earliest:
            earliest = meeting_on
        ok = opened_on >= earliest
        outcomes.append(Outcome(
            ok, "ok" if ok else "early",
            {"opened_on": opened_on, "posted_on": notice_on, "required_days": days, "earliest_on": earliest,
             "meeting_on": meeting_on, "counted": counted},
            ("opened_on", "posted_on", "meeting_on", "required_days", "earliest_on", "counted"), procedure_id,
            subject))
    return outcomes


# --------------------------------------------------------------------------- counts


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return None


def _counts(part: dict | None) -> tuple[int, Decimal] | None:
    if not isinstance(part, dict):
        return None
    area = _decimal(part.get("area"))
    head = part.get("headcount")
    if area is None or not isinstance(head, int):
        return None
    return head, area


def _pair(counts) -> str:
    return f"{counts[0]} / {counts[1]}" if counts else "—"


def _declared(vote) -> bool:
    result = vote.result or {}
    return (result.get("status") not in (None, "quorum_not_met") or bool(result.get("passed"))
            or any(c.get("elected") for c in result.get("candidates") or []) or vote.committee_installed)


COUNT_STATUS = {"decided": "已作出决定", "quorum_not_met": "参与表决未达法定比例", "tie": "末位票数相同",
                "seats_unfilled": "当选人数不足"}


def quorum_before_result(facts: CompoundFacts, params) -> list[Outcome]:
    """A result (decided, elected, passed, committee installed) only where participation reached
    2/3 of the roll's headcount and 2/3 of its area (CC art 278), recomputed from the counts."""
    outcomes = []
    for vote in facts.votes or ():
        if not vote.result:
            continue
        roll, part = _counts(vote.result.get("roll")), _counts(vote.result.get("participation"))
        if roll is None or part is None:
            continue
        met = quorum_met(part[0], part[1], roll[0], roll[1])
        values = {"title": vote.title, "roll": _pair(roll), "participation": _pair(part),
                  "status": COUNT_STATUS.get(vote.result.get("status"), vote.result.get("status"))}
        evidence = ("roll", "participation", "status")
        if met:
            outcomes.append(Outcome(True, "ok", values, evidence, None, f"vote:{vote.id}"))
        elif _declared(vote):
            outcomes.append(Outcome(False, "no_quorum", values, evidence, None, f"vote:{vote.id}"))
    return outcomes


MATTER_WORDS = {"ordinary": "一般", "special": "特别"}


def matter_threshold(facts: CompoundFacts, params) -> list[Outcome]:
    """The matter type (ordinary > 1/2, special ≥ 3/4) fits the subject, and a motion declared
    passed meets the right threshold on both counts (recomputed)."""
    special = set(params.get("special_subjects") or ())
    # the compound's rules of procedure may make an ordinary subject special (setting stricter_subjects)
    raw = str((facts.settings or {}).get("stricter_subjects") or "")
    special |= {part.strip() for part in raw.replace("，", ",").replace("、", ",").split(",") if part.strip()}
    outcomes = []
    for vote in facts.votes or ():
        if vote.state == "draft":
            continue
        required = "special" if vote.subject in special else "ordinary"
        values = {"title": vote.title, "subject": vote.subject_label or vote.subject,
                  "matter": MATTER_WORDS.get(vote.matter, vote.matter),
                  "required_matter": MATTER_WORDS[required]}
        subject = f"vote:{vote.id}"
        if vote.matter != required:
            outcomes.append(Outcome(False, "wrong_matter", values, ("subject", "matter", "required_matter"),
                                    None, subject))
            continue
        result = vote.result or {}
        if vote.kind == "motion" and result.get("passed"):
            part = _counts(result.get("participation"))
            approving = _counts((result.get("votes") or {}).get("for"))
            if part and approving:
                values.update(participation=_pair(part), approving=_pair(approving))
                if not approved(approving[0], approving[1], part[0], part[1], required):
                    outcomes.append(Outcome(False, "wrong_result", values,
                                            ("subject", "required_matter", "participation", "approving"), None, subject))
                    continue
        outcomes.append(Outcome(True, "ok", values, ("subject", "matter"), None, subject))
    return outcomes


# --------------------------------------------------------------------------- departures an organiser may make


def vote_closed_early(facts: CompoundFacts, params) -> list[Outcome]:
    """A vote closed before its announced end: lawful only with a reason, always shown to the
    street office with the announced end, the actual close and the reason."""
    outcomes = []
    for vote in facts.votes or ():
        if not vote.is_closed_early:
            continue
        values = {"title": vote.title, "closes_at": vote.closes_at, "closed_at": vote.closed_at,
                  "reason": vote.close_reason}
        outcomes.append(Outcome(False, "early" if vote.close_reason else "early_no_reason", values,
                                ("closes_at", "closed_at", "reason"), None, f"vote:{vote.id}"))
    return outcomes


def vote_reopened(facts: CompoundFacts, params) -> list[Outcome]:
    """A vote reopened after it was closed, with the organiser's reason."""
    outcomes = []
    for vote in facts.votes or ():
        if not vote.reopened_at:
            continue
        values = {"title": vote.title, "reopened_at": vote.reopened_at, "reason": vote.reopen_reason,
                  "closes_at": vote.closes_at}
        outcomes.append(Outcome(False, "reopened", values, ("reopened_at", "reason", "closes_at"), None,
                                f"vote:{vote.id}"))
    return outcomes


def vote_outside_procedure(facts: CompoundFacts, params) -> list[Outcome]:
    """A general meeting vote opened while the compound had no formation or re-election procedure:
    lawful (an extraordinary meeting), but its notice and roll are not followed step by step, so the
    street office sees it with its subject and when it opened."""
    outcomes = []
    for vote in facts.votes or ():
        if vote.opened_in_procedure is not False:
            continue
        values = {"title": vote.title, "subject": vote.subject_label or vote.subject, "opened_on": vote.opened_on}
        outcomes.append(Outcome(False, "outside", values, ("subject", "opened_on"), None, f"vote:{vote.id}"))
    return outcomes


# --------------------------------------------------------------------------- time limits after an anchor


def _within(facts, procedure, step, anchor_name: str, days: int) -> Outcome | None:
    anchor_on = procedure.anchors.get(anchor_name)
    if anchor_on is None or step is None or step.state == "waived":
        return None
    counted = counted_within(anchor_on, days)
    due_on = counted.on
    values = {anchor_name: anchor_on, "due_on": due_on, "required_days": days, "done_on": step.done_on,
              "counted": counted}
    subject = f"procedure:{procedure.id}"
    if step.state in HAPPENED and step.done_on is not None:
        ok = step.done_on <= due_on
        return Outcome(ok, "ok" if ok else "late", values,
                       (anchor_name, "done_on", "required_days", "due_on", "counted"), procedure.id, subject)
    if facts.today > due_on:
        return Outcome(False, "overdue", values, (anchor_name, "due_on", "required_days", "counted"), procedure.id,
                       subject)
    return None


def step_within_days(facts: CompoundFacts, params) -> list[Outcome]:
    """A step (first committee meeting, handover) done within N days (a setting) of an anchor date;
    overdue once the period has passed without it."""
    days = int(facts.settings[params["setting"]])
    outcomes = []
    for procedure in _live(facts):
        for key in params["steps"]:
            outcome = _within(facts, procedure, procedure.step(key), params["anchor"], days)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def first_meeting_within_days(facts: CompoundFacts, params) -> list[Outcome]:
    """The new committee's first meeting within N days of the election: the procedure's step, or, for a
    committee elected outside a recorded procedure, its earliest recorded committee meeting — judged only
    for a committee the system held by the due date (one entered later may have met before it was used)."""
    days = int(facts.settings[params["setting"]])
    outcomes = step_within_days(facts, params)
    elections = {p.anchors.get("election_on") for p in _live(facts)}
    for committee in facts.committees or ():
        counted = counted_within(committee.elected_on, days)
        due_on = counted.on
        if committee.elected_on in elections or not committee.recorded_by(due_on):
            continue  # covered by the procedure, or entered later: its earliest recorded meeting proves nothing
        held = [m.meeting_on for m in facts.meetings or () if m.committee_id == committee.id]
        if not held:
            if facts.meetings is not None and facts.today > due_on:
                outcomes.append(Outcome(False, "overdue", {"election_on": committee.elected_on, "due_on": due_on,
                                                           "required_days": days, "counted": counted},
                                        ("election_on", "due_on", "required_days", "counted"), None,
                                        f"committee:{committee.id}"))
            continue
        first_on = min(held)
        ok = first_on <= due_on
        outcomes.append(Outcome(ok, "ok" if ok else "late",
                                {"election_on": committee.elected_on, "due_on": due_on, "required_days": days,
                                 "done_on": first_on, "counted": counted},
                                ("election_on", "done_on", "required_days", "due_on", "counted"), None,
                                f"committee:{committee.id}"))
    return outcomes


def filing_within_days(facts: CompoundFacts, params) -> list[Outcome]:
    """Filing within N days of the election: the procedure's filing step, or, for a sitting
    committee elected outside a recorded procedure, its recorded filing date (a missing date is a
    finding only for a committee the system held by the due date)."""
    days = int(facts.settings[params["setting"]])
    outcomes = step_within_days(facts, params)
    elections = {p.anchors.get("election_on") for p in _live(facts)}
    for committee in facts.committees or ():
        if not committee.is_current or committee.elected_on in elections:
            continue
        counted = counted_within(committee.elected_on, days)
        due_on = counted.on
        values = {"election_on": committee.elected_on, "due_on": due_on, "required_days": days,
                  "done_on": committee.filed_on, "counted": counted}
        subject = f"committee:{committee.id}"
        if committee.filed_on is not None:
            ok = committee.filed_on <= due_on
            outcomes.append(Outcome(ok, "ok" if ok else "late", values,
                                    ("election_on", "done_on", "required_days", "due_on", "counted"), None, subject))
        elif facts.today > due_on and committee.recorded_by(due_on):
            outcomes.append(Outcome(False, "overdue", values, ("election_on", "due_on", "required_days", "counted"),
                                    None, subject))
    return outcomes


def reelection_started_on_time(facts: CompoundFacts, params) -> list[Outcome]:
    """The sitting committee's re-election started no later than ``reelection_lead_months``
    before its term ends; not started once that day has passed is a finding."""
    lead = int(facts.settings.get("reelection_lead_months", 3))
    outcomes = []
    for committee in facts.committees or ():
        if not committee.is_current:
            continue
        counted = counted_before(committee.term_ends_on, lead, "months")
        due_on = counted.on
        started = [p for p in _live(facts) if p.kind == "reelection" and p.started_on >= committee.term_starts_on]
        values = {"term_ends_on": committee.term_ends_on, "due_on": due_on, "lead_months": lead, "counted": counted}
        subject = f"committee:{committee.id}"
        if started:
            procedure = min(started, key=lambda p: p.started_on)
            ok = procedure.started_on <= due_on
            values["started_on"] = procedure.started_on
            outcomes.append(Outcome(ok, "ok" if ok else "late", values,
                                    ("term_ends_on", "lead_months", "due_on", "started_on", "counted"), procedure.id,
                                    subject))
        elif facts.today > due_on:
            outcomes.append(Outcome(False, "not_started", values, ("term_ends_on", "lead_months", "due_on", "counted"),
                                    None, subject))
    return outcomes


# --------------------------------------------------------------------------- committee meetings


def committee_meeting_quorum(facts: CompoundFacts, params) -> list[Outcome]:
    """Motions voted only at a meeting where more than half of ALL members were present."""
    outcomes = []
    for meeting in facts.meetings or ():
        if not meeting.is_attendance_recorded:
            continue
        voted = sum(1 for m in meeting.motions if m.votes_for + m.votes_against + m.votes_abstain)
        values = {"title": meeting.title, "meeting_on": meeting.meeting_on, "members": meeting.members,
                  "present": meeting.present, "motions": voted}
        subject = f"meeting:{meeting.id}"
        if committee_quorum(meeting.present, meeting.members):
            outcomes.append(Outcome(True, "ok", values, ("meeting_on", "members", "present"), None, subject))
        elif voted:
            outcomes.append(Outcome(False, "no_quorum", values, ("meeting_on", "members", "present", "motions"),
                                    None, subject))
    return outcomes


def committee_motion_majority(facts: CompoundFacts, params) -> list[Outcome]:
    """A motion the record treats as passed had more than half of ALL members in favour
    (not of those present), so a tie fails. Where the record stores no outcome of its own
    (the meetings feature derives it by this same rule), each decision is shown with its count."""
    outcomes = []
    for meeting in facts.meetings or ():
        for motion in meeting.motions:
            ok = committee_motion_passes(motion.votes_for, meeting.members)
            if motion.is_recorded_passed is False or (motion.is_recorded_passed is None and not ok):
                continue  # not treated as a decision: nothing to check
            values = {"title": motion.text[:40], "meeting_on": meeting.meeting_on, "members": meeting.members,
                      "present": meeting.present, "votes_for": motion.votes_for}
            outcomes.append(Outcome(ok, "ok" if ok else "no_majority", values,
                                    ("meeting_on", "members", "present", "votes_for"), None, f"meeting:{meeting.id}"))
    return outcomes


def committee_meeting_notice(facts: CompoundFacts, params) -> list[Outcome]:
    """Agenda posted at least ``committee_agenda_notice_days`` before a committee meeting; a meeting
    held as urgent with less notice is flagged with its reason for the street office to review."""
    days = int(facts.settings.get("committee_agenda_notice_days", 7))
    outcomes = []
    for meeting in facts.meetings or ():
        if meeting.agenda_posted_on is None:
            continue
        ahead = (meeting.meeting_on - meeting.agenda_posted_on).days
        values = {"title": meeting.title, "meeting_on": meeting.meeting_on,
                  "agenda_posted_on": meeting.agenda_posted_on, "days_before": ahead, "required_days": days,
                  "urgent_reason": (meeting.urgent_reason or "").rstrip("。.． ") or None}
        subject = f"meeting:{meeting.id}"
        if ahead >= days:
            outcomes.append(Outcome(True, "ok", values, ("meeting_on", "agenda_posted_on", "days_before"), None,
                                    subject))
        elif meeting.is_urgent:
            outcomes.append(Outcome(False, "urgent", values,
                                    ("meeting_on", "agenda_posted_on", "days_before", "urgent_reason"), None, subject))
        else:
            outcomes.append(Outcome(False, "late", values,
                                    ("meeting_on", "agenda_posted_on", "days_before", "required_days"), None, subject))
    return outcomes


def committee_decisions_posted(facts: CompoundFacts, params) -> list[Outcome]:
    """A meeting's decisions posted within ``decision_posting_days`` (3) of the meeting."""
    days = int(facts.settings.get("decision_posting_days", 3))
    outcomes = []
    for meeting in facts.meetings or ():
        if not any(m.votes_for + m.votes_against + m.votes_abstain for m in meeting.motions):
            continue
        counted = counted_within(meeting.meeting_on, days)
        due_on = counted.on
        values = {"title": meeting.title, "meeting_on": meeting.meeting_on, "due_on": due_on, "required_days": days,
                  "posted_on": meeting.decisions_posted_on, "counted": counted}
        subject = f"meeting:{meeting.id}"
        if meeting.decisions_posted_on is not None:
            ok = meeting.decisions_posted_on <= due_on
            outcomes.append(Outcome(ok, "ok" if ok else "late", values,
                                    ("meeting_on", "posted_on", "due_on", "counted"), None, subject))
        elif facts.today > due_on:
            outcomes.append(Outcome(False, "overdue", values, ("meeting_on", "due_on", "counted"), None, subject))
    return outcomes


def member_request_met(facts: CompoundFacts, params) -> list[Outcome]:
    """A meeting held within 7 days of a request by at least 1/3 of the members."""
    outcomes = []
    for request in facts.meeting_requests or ():
        held = [m.meeting_on for m in facts.meetings or () if m.request_id == request.id]
        values = {"title": request.subject[:40], "requested_on": request.requested_on, "due_on": request.meeting_due_on,
                  "meeting_on": min(held) if held else None}
        subject = f"request:{request.id}"
        if held:
            ok = min(held) <= request.meeting_due_on
            outcomes.append(Outcome(ok, "ok" if ok else "late", values, ("requested_on", "due_on", "meeting_on"), None,
                                    subject))
        elif facts.today > request.meeting_due_on:
            outcomes.append(Outcome(False, "overdue", values, ("requested_on", "due_on"), None, subject))
    return outcomes


# --------------------------------------------------------------------------- settings and terms


def setting_enabled(facts: CompoundFacts, params) -> list[Outcome]:
    """A compound setting that is a legal risk when on (the non-voter clause, GR art 26 vs CC art 278)."""
    key = params["setting"]
    enabled = facts.settings.get(key) is True
    return [Outcome(not enabled, "risk" if enabled else "ok", {"setting": key}, ("setting",), None, f"setting:{key}")]


@dataclass(frozen=True)
class _Act:
    on: object
    kind: str  # notice | meeting
    title: str
    subject: str


def acting_after_term(facts: CompoundFacts, params) -> list[Outcome]:
    """Acts in a committee's name after its term ended and before a successor was elected: committee
    decisions posted on the board, committee meetings held."""
    committees = sorted(facts.committees or (), key=lambda c: c.elected_on)
    outcomes = []
    for index, committee in enumerate(committees):
        if committee.term_ends_on >= facts.today:
            continue
        successor_on = committees[index + 1].elected_on if index + 1 < len(committees) else None
        meetings_known = facts.meetings is not None  # then a meeting's decisions notice is reported as the meeting
        acts = [_Act(n.posted_on, "notice", n.title, f"notice:{n.id}") for n in facts.notices or ()
                if n.kind == "committee_decision" and n.posted_on > committee.term_ends_on
                and not (meetings_known and n.source_type == "committee_meeting")
                and (successor_on is None or n.posted_on < successor_on)]
        acts += [_Act(m.meeting_on, "meeting", m.title, f"meeting:{m.id}") for m in facts.meetings or ()
                 if m.committee_id == committee.id and m.meeting_on > committee.term_ends_on]
        for act in sorted(acts, key=lambda a: a.on):
            outcomes.append(Outcome(False, f"acted_{act.kind}", {"term_ends_on": committee.term_ends_on,
                                                                  "act_on": act.on, "act": act.title},
                                    ("term_ends_on", "act_on", "act"), None, act.subject))
    return outcomes


# --------------------------------------------------------------------------- waivers


def waived_steps(facts: CompoundFacts, params) -> list[Outcome]:
    """Every waived procedure step, with who waived it, when, why and who approved it.

    ``params.approved``: true reports waivers that stand (approved by the street office, or waived by
    the organiser where the rule data allows it alone); false reports waivers the vote may not rely
    on (awaiting the street office's approval, or a step the rules do not let anyone waive)."""
    want_approved = bool(params.get("approved"))
    outcomes = []
    for procedure in _live(facts):
        for step in procedure.steps:
            if step.state != "waived":
                continue
            waiver_rule = getattr(step.rule, "waiver", None) if step.rule is not None else None
            if step.action == "vote":
                waiver_rule = None
            fact = step.waiver
            approved = fact is not None and fact.approved_on is not None
            lawful = waiver_rule is not None
            stands = approved and lawful
            if stands != want_approved:
                continue
            if not lawful:
                message, approval = "statutory", "规则不允许豁免此步骤"
            elif not approved:
                message, approval = "awaiting", "未经街道办事处批准"
            elif fact.approved_by_street:
                message, approval = "approved", f"街道办事处 {fact.approved_by or ''} {fact.approved_on} 批准".replace("  ", " ")
            else:
                message, approval = "organiser", "规则允许组织方自行豁免"
            basis = "、".join(waiver_rule.citations) if waiver_rule is not None else "—"
            values = {"step": step.title, "waived_by": fact.waived_by if fact else None,
                      "waived_on": fact.waived_on if fact else None, "reason": fact.reason if fact else None,
                      "approval": approval, "waiver_basis": basis}
            outcomes.append(Outcome(False, message, values,
                                    ("step", "waived_by", "waived_on", "reason", "approval", "waiver_basis"),
                                    procedure.id, f"procedure:{procedure.id}:{step.key}"))
    return outcomes
