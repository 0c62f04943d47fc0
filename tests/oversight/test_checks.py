"""Each compliance check at its boundary: the day (or count) that passes and the one that fails.

Pure functions over plain facts: no app, no database.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from committee_app.oversight.checks import CheckDataError, get_checks, load_checks
from committee_app.oversight.util import evaluate, findings_of
from tests.oversight import facts as f

TODAY = date(2026, 12, 1)
MEETING = date(2026, 11, 20)


def outcomes(key: str, compound):
    check = get_checks().by_key()[key]
    return check.checker(compound, check.params)


def messages(key: str, compound) -> list[str]:
    return [o.message for o in outcomes(key, compound)]


# --------------------------------------------------------------------------- the data file


def test_every_check_in_the_data_file_loads_with_a_checker_citations_and_messages():
    checks = get_checks()
    keys = [c.key for c in checks.checks]
    assert len(keys) == len(set(keys)) >= 15
    for check in checks.checks:
        assert check.title_zh and check.title_en and check.messages and check.severity in ("high", "medium", "low")
        assert check.citations, check.key


def test_a_check_naming_an_unknown_checker_stops_the_loader(tmp_path):
    path = tmp_path / "checks.yaml"
    path.write_text("checks:\n  - {key: x, title_zh: X, severity: high, checker: no_such, messages: {ok: {zh: ok}}}\n",
                    encoding="utf-8")
    with pytest.raises(CheckDataError, match="unknown checker"):
        load_checks(path)


def test_a_message_fills_its_placeholders_and_shows_missing_values_as_a_dash():
    check = get_checks().by_key()["meeting_notice_period"]
    assert "距会议（2026-11-20）仅14日" in check.text("short", {"posted_on": date(2026, 11, 6), "meeting_on": MEETING,
                                                            "days_before": 14, "required_days": 15})
    assert "—" in check.text("short", {})


# --------------------------------------------------------------------------- notice and publicity periods


@pytest.mark.parametrize("days_before, expected", [(15, ["ok"]), (14, ["short"])])
def test_meeting_notice_must_stand_15_days_before_the_meeting(days_before, expected):
    procedure = f.procedure(done={"R7_meeting_notice": MEETING - timedelta(days=days_before)}, meeting_on=MEETING)
    assert messages("meeting_notice_period", f.compound(TODAY, procedures=[procedure])) == expected


def test_a_meeting_notice_not_yet_posted_or_without_a_meeting_date_is_not_judged():
    assert outcomes("meeting_notice_period", f.compound(TODAY, procedures=[f.procedure(meeting_on=MEETING)])) == []
    procedure = f.procedure(done={"R7_meeting_notice": MEETING})
    assert outcomes("meeting_notice_period", f.compound(TODAY, procedures=[procedure])) == []


def test_an_abandoned_procedure_is_history_not_a_finding():
    procedure = f.procedure(done={"R7_meeting_notice": MEETING - timedelta(days=3)}, meeting_on=MEETING,
                            status="abandoned")
    assert outcomes("meeting_notice_period", f.compound(TODAY, procedures=[procedure])) == []


@pytest.mark.parametrize("days_before, expected", [(15, ["ok"]), (14, ["short"])])
def test_roll_is_posted_its_publicity_period_before_the_meeting(days_before, expected):
    procedure = f.procedure(done={"R4_roll_notice": MEETING - timedelta(days=days_before)}, meeting_on=MEETING)
    assert messages("roll_publicity_period", f.compound(TODAY, procedures=[procedure])) == expected


@pytest.mark.parametrize("days_before, expected", [(7, ["ok"]), (6, ["short"])])
def test_candidate_list_is_posted_its_publicity_days_before_the_meeting(days_before, expected):
    procedure = f.procedure(done={"R6b_candidate_list": MEETING - timedelta(days=days_before)}, meeting_on=MEETING)
    assert messages("candidate_publicity_period", f.compound(TODAY, procedures=[procedure])) == expected


def test_the_candidate_publicity_period_follows_the_compound_setting():
    procedure = f.procedure(done={"R6b_candidate_list": MEETING - timedelta(days=7)}, meeting_on=MEETING)
    compound = f.compound(TODAY, procedures=[procedure], candidate_publicity_days=10)
    assert messages("candidate_publicity_period", compound) == ["short"]


def test_a_notice_stays_up_its_publicity_period_counted_from_the_day_after_posting():
    posted = date(2026, 11, 1)
    full = f.notice("candidate_list", posted, ends_on=posted + timedelta(days=7))  # 7 days: 2nd to 8th (CC art 201)
    short = f.notice("candidate_list", posted, ends_on=posted + timedelta(days=6))  # the old inclusive count
    assert messages("publicity_period_length", f.compound(TODAY, notices=[full])) == ["ok"]
    assert messages("publicity_period_length", f.compound(TODAY, notices=[short])) == ["short"]
    roll = f.notice("roll_notice", posted, ends_on=posted + timedelta(days=13))
    assert messages("publicity_period_length", f.compound(TODAY, notices=[roll])) == ["short"]
    replaced = f.notice("roll_notice", posted, ends_on=posted + timedelta(days=1), is_current=False)
    assert outcomes("publicity_period_length", f.compound(TODAY, notices=[replaced])) == []


# --------------------------------------------------------------------------- vote after the notice period


def test_the_vote_step_may_happen_15_days_after_the_notice_and_not_14():
    posted = date(2026, 11, 1)
    on_time = f.procedure(done={"R7_meeting_notice": posted, "R8a_vote": posted + timedelta(days=15)},
                          meeting_on=posted + timedelta(days=15))
    early = f.procedure(done={"R7_meeting_notice": posted, "R8a_vote": posted + timedelta(days=14)},
                        meeting_on=posted + timedelta(days=14))
    assert messages("vote_after_notice", f.compound(TODAY, procedures=[on_time])) == ["ok"]
    assert messages("vote_after_notice", f.compound(TODAY, procedures=[early])) == ["early"]


def test_a_vote_opened_before_the_announced_meeting_day_is_early():
    posted = date(2026, 11, 1)
    procedure = f.procedure(done={"R7_meeting_notice": posted}, meeting_on=posted + timedelta(days=20))
    vote = f.vote(opened_on=posted + timedelta(days=16), state="open")
    assert messages("vote_after_notice", f.compound(TODAY, procedures=[procedure], votes=[vote])) == ["early"]
    vote = f.vote(opened_on=posted + timedelta(days=20), state="open")
    assert messages("vote_after_notice", f.compound(TODAY, procedures=[procedure], votes=[vote])) == ["ok"]


def test_a_vote_with_no_meeting_notice_at_all_is_a_finding_and_a_board_notice_counts():
    vote = f.vote(opened_on=date(2026, 11, 20), state="open")
    assert messages("vote_after_notice", f.compound(TODAY, votes=[vote])) == ["no_notice"]
    notice = f.notice("meeting_notice", date(2026, 11, 5))
    assert messages("vote_after_notice", f.compound(TODAY, votes=[vote], notices=[notice])) == ["ok"]


# --------------------------------------------------------------------------- counts


def _result(part_head, part_area, roll_head=30, roll_area="3000.00", status="decided", passed=None, votes=None):
    result = {"roll": f.counts(roll_head, roll_area), "participation": f.counts(part_head, part_area),
              "status": status}
    if passed is not None:
        result["passed"] = passed
    if votes is not None:
        result["votes"] = votes
    return result


def test_a_result_needs_two_thirds_of_headcount_and_area_exactly_two_thirds_is_enough():
    met = f.vote(result=_result(20, "2000.00"))
    short_head = f.vote(result=_result(19, "2500.00"))
    short_area = f.vote(result=_result(25, "1999.99"))
    assert messages("quorum_before_result", f.compound(TODAY, votes=[met])) == ["ok"]
    assert messages("quorum_before_result", f.compound(TODAY, votes=[short_head])) == ["no_quorum"]
    assert messages("quorum_before_result", f.compound(TODAY, votes=[short_area])) == ["no_quorum"]


def test_a_count_that_says_quorum_not_met_and_declares_nothing_is_correct():
    vote = f.vote(result=_result(10, "1000.00", status="quorum_not_met", passed=False))
    assert outcomes("quorum_before_result", f.compound(TODAY, votes=[vote])) == []
    installed = f.vote(kind="election", result=_result(10, "1000.00", status="quorum_not_met"), committee_installed=True)
    assert messages("quorum_before_result", f.compound(TODAY, votes=[installed])) == ["no_quorum"]


def test_raising_maintenance_funds_is_a_special_matter():
    wrong = f.vote(subject="maintenance_funds_raise", matter="ordinary")
    right = f.vote(subject="maintenance_funds_raise", matter="special")
    assert messages("matter_threshold", f.compound(TODAY, votes=[wrong])) == ["wrong_matter"]
    assert messages("matter_threshold", f.compound(TODAY, votes=[right])) == ["ok"]
    assert messages("matter_threshold", f.compound(TODAY, votes=[f.vote(subject="maintenance_funds_use")])) == ["ok"]


def test_a_special_matter_declared_passed_needs_three_quarters_on_both_counts():
    def motion(for_head, for_area):
        return f.vote(subject="common_parts", matter="special", result=_result(
            20, "2000.00", passed=True, votes={"for": f.counts(for_head, for_area)}))
    assert messages("matter_threshold", f.compound(TODAY, votes=[motion(15, "1500.00")])) == ["ok"]
    assert messages("matter_threshold", f.compound(TODAY, votes=[motion(14, "1900.00")])) == ["wrong_result"]
    assert messages("matter_threshold", f.compound(TODAY, votes=[motion(18, "1499.99")])) == ["wrong_result"]


def test_an_ordinary_matter_passed_with_exactly_half_is_wrong():
    vote = f.vote(result=_result(20, "2000.00", passed=True, votes={"for": f.counts(10, "1200.00")}))
    assert messages("matter_threshold", f.compound(TODAY, votes=[vote])) == ["wrong_result"]
    vote = f.vote(result=_result(20, "2000.00", passed=True, votes={"for": f.counts(11, "1000.01")}))
    assert messages("matter_threshold", f.compound(TODAY, votes=[vote])) == ["ok"]


def test_vote_checks_are_skipped_when_no_voting_records_exist():
    compound = f.compound(TODAY)  # votes=None: the voting feature records nothing here
    keys = {r.check.key for r in evaluate(compound)}
    assert "quorum_before_result" not in keys and "matter_threshold" not in keys


# --------------------------------------------------------------------------- time limits after the election


ELECTION = date(2026, 11, 2)  # a Monday: day 7 and day 30 after it are working days (no CC art 203 extension)


@pytest.mark.parametrize("key, step", [("first_committee_meeting", "R9b_first_committee_meeting"),
                                       ("filing_within_30_days", "R10_filing")])
def test_steps_after_the_election_have_their_time_limit(key, step):
    days = {"first_committee_meeting": 7, "filing_within_30_days": 30}[key]
    on_time = f.procedure(done={step: ELECTION + timedelta(days=days)}, election_on=ELECTION)
    late = f.procedure(done={step: ELECTION + timedelta(days=days + 1)}, election_on=ELECTION)
    assert messages(key, f.compound(ELECTION + timedelta(days=60), procedures=[on_time])) == ["ok"]
    assert messages(key, f.compound(ELECTION + timedelta(days=60), procedures=[late])) == ["late"]
    pending = f.procedure(election_on=ELECTION)
    assert outcomes(key, f.compound(ELECTION + timedelta(days=days), procedures=[pending])) == []
    assert messages(key, f.compound(ELECTION + timedelta(days=days + 1), procedures=[pending])) == ["overdue"]


def test_a_committee_elected_outside_a_procedure_is_judged_by_its_first_recorded_meeting():
    committee = f.committee(ELECTION, date(2031, 10, 31))
    on_time = f.meeting(7, 5, meeting_on=ELECTION + timedelta(days=7))
    late = f.meeting(7, 5, meeting_on=ELECTION + timedelta(days=8))
    assert messages("first_committee_meeting", f.compound(TODAY, committees=[committee], meetings=[on_time])) == ["ok"]
    assert messages("first_committee_meeting", f.compound(TODAY, committees=[committee], meetings=[late])) == ["late"]
    assert messages("first_committee_meeting", f.compound(TODAY, committees=[committee], meetings=[])) == ["overdue"]
    # a committee entered after its first meeting was due: its earliest recorded meeting proves nothing
    entered_later = f.committee(ELECTION, date(2031, 10, 31), recorded_on=ELECTION + timedelta(days=8))
    assert outcomes("first_committee_meeting", f.compound(TODAY, committees=[entered_later], meetings=[late])) == []


def test_a_committee_elected_outside_a_procedure_is_checked_by_its_filing_date():
    on_time = f.committee(ELECTION, date(2031, 10, 31), filed_on=ELECTION + timedelta(days=30))
    late = f.committee(ELECTION, date(2031, 10, 31), filed_on=ELECTION + timedelta(days=31))
    unfiled = f.committee(ELECTION, date(2031, 10, 31))
    assert messages("filing_within_30_days", f.compound(TODAY, committees=[on_time])) == ["ok"]
    assert messages("filing_within_30_days", f.compound(TODAY, committees=[late])) == ["late"]
    assert messages("filing_within_30_days", f.compound(ELECTION + timedelta(days=30), committees=[unfiled])) == []
    assert messages("filing_within_30_days", f.compound(ELECTION + timedelta(days=31), committees=[unfiled])) == ["overdue"]
    entered_later = f.committee(ELECTION, date(2031, 10, 31), recorded_on=ELECTION + timedelta(days=31))
    assert outcomes("filing_within_30_days", f.compound(TODAY, committees=[entered_later])) == []


def test_the_handover_is_due_10_days_after_the_term_ends():
    term_end = date(2026, 11, 10)
    on_time = f.procedure(done={"R11_handover": term_end + timedelta(days=10)}, term_ends_on=term_end)
    late = f.procedure(done={"R11_handover": term_end + timedelta(days=11)}, term_ends_on=term_end)
    assert messages("handover_within_10_days", f.compound(TODAY, procedures=[on_time])) == ["ok"]
    assert messages("handover_within_10_days", f.compound(TODAY, procedures=[late])) == ["late"]
    waived = f.procedure(done={}, states={"R11_handover": "waived"}, term_ends_on=term_end)
    assert outcomes("handover_within_10_days", f.compound(TODAY, procedures=[waived])) == []


# --------------------------------------------------------------------------- re-election and terms


TERM_END = date(2027, 3, 31)
DUE = date(2026, 12, 31)  # 3 months before the term ends


def _sitting():
    return f.committee(date(2022, 4, 1), TERM_END, filed_on=date(2022, 4, 20))


def test_a_reelection_started_3_months_before_the_term_ends_is_on_time_and_a_day_later_is_late():
    on_time = f.procedure(started_on=DUE, term_ends_on=TERM_END)
    late = f.procedure(started_on=DUE + timedelta(days=1), term_ends_on=TERM_END)
    assert messages("reelection_started_on_time", f.compound(TODAY, committees=[_sitting()],
                                                             procedures=[on_time])) == ["ok"]
    assert messages("reelection_started_on_time", f.compound(TODAY, committees=[_sitting()],
                                                             procedures=[late])) == ["late"]


def test_no_reelection_is_a_finding_from_the_day_after_it_was_due():
    assert outcomes("reelection_started_on_time", f.compound(DUE, committees=[_sitting()])) == []
    assert messages("reelection_started_on_time", f.compound(DUE + timedelta(days=1),
                                                             committees=[_sitting()])) == ["not_started"]


def test_acts_after_the_term_ended_and_before_a_successor_are_findings():
    ended = f.committee(date(2021, 11, 1), date(2026, 10, 31))
    on_last_day = f.notice("committee_decision", date(2026, 10, 31), "续签合同")
    day_after = f.notice("committee_decision", date(2026, 11, 1), "续签合同", id=2)
    assert outcomes("acting_after_term", f.compound(TODAY, committees=[ended], notices=[on_last_day])) == []
    assert messages("acting_after_term", f.compound(TODAY, committees=[ended], notices=[day_after])) == ["acted_notice"]
    successor = f.committee(date(2026, 11, 1), date(2031, 10, 31), id=2)
    assert outcomes("acting_after_term", f.compound(TODAY, committees=[ended, successor], notices=[day_after])) == []
    meeting = f.meeting(7, 5, meeting_on=date(2026, 11, 5))
    assert messages("acting_after_term", f.compound(TODAY, committees=[ended], meetings=[meeting])) == ["acted_meeting"]
    # the meeting's own decisions notice is the same act, reported once
    decisions = f.notice("committee_decision", date(2026, 11, 6), id=3, source_type="committee_meeting")
    assert messages("acting_after_term", f.compound(TODAY, committees=[ended], meetings=[meeting],
                                                    notices=[decisions])) == ["acted_meeting"]


def test_the_non_voter_clause_is_flagged_as_a_risk_only_when_enabled():
    assert messages("non_voter_clause", f.compound(TODAY)) == ["ok"]
    results = evaluate(f.compound(TODAY, non_voter_clause=True))
    finding = next(r for r in findings_of(results) if r.check.key == "non_voter_clause")
    assert finding.severity == "high" and "CC art 278" in finding.check.citations and "GR art 26" in finding.check.citations


# --------------------------------------------------------------------------- committee meetings


def test_motions_at_a_meeting_without_more_than_half_of_all_members_are_findings():
    voted = [f.motion(3)]
    assert messages("committee_meeting_quorum", f.compound(TODAY, meetings=[f.meeting(7, 4, motions=voted)])) == ["ok"]
    assert messages("committee_meeting_quorum", f.compound(TODAY, meetings=[f.meeting(6, 3, motions=voted)])) == [
        "no_quorum"]
    assert outcomes("committee_meeting_quorum", f.compound(TODAY, meetings=[f.meeting(6, 3)])) == []


def test_a_decision_needs_more_than_half_of_all_members_so_a_tie_fails():
    passing = f.meeting(7, 6, motions=[f.motion(4, 2, passed=True)])
    tie = f.meeting(6, 6, motions=[f.motion(3, 3, passed=True)])
    of_present = f.meeting(7, 4, motions=[f.motion(3, 1, passed=True)])
    assert messages("committee_motion_majority", f.compound(TODAY, meetings=[passing])) == ["ok"]
    assert messages("committee_motion_majority", f.compound(TODAY, meetings=[tie])) == ["no_majority"]
    assert messages("committee_motion_majority", f.compound(TODAY, meetings=[of_present])) == ["no_majority"]
    # a record without an outcome of its own: decisions shown with their count, failed motions are no decision
    derived = f.meeting(7, 6, motions=[f.motion(4, 2), f.motion(3, 3, id=2)])
    assert messages("committee_motion_majority", f.compound(TODAY, meetings=[derived])) == ["ok"]


def test_agenda_posted_7_days_ahead_and_urgent_meetings_flagged_with_their_reason():
    day = date(2026, 11, 20)
    on_time = f.meeting(7, 5, meeting_on=day, agenda_posted_on=day - timedelta(days=7))
    urgent = f.meeting(7, 5, meeting_on=day, agenda_posted_on=day - timedelta(days=6), is_urgent=True,
                       urgent_reason="电梯故障")
    late = f.meeting(7, 5, meeting_on=day, agenda_posted_on=day - timedelta(days=6))
    assert messages("urgent_meeting_without_notice", f.compound(TODAY, meetings=[on_time])) == ["ok"]
    assert messages("urgent_meeting_without_notice", f.compound(TODAY, meetings=[urgent])) == ["urgent"]
    assert messages("urgent_meeting_without_notice", f.compound(TODAY, meetings=[late])) == ["late"]
    finding = findings_of(evaluate(f.compound(TODAY, meetings=[urgent])))[0]
    assert "电梯故障" in finding.text() and ("紧急会议理由", "电梯故障") in finding.evidence(get_checks())


def test_decisions_are_posted_within_3_days_of_the_meeting():
    day = date(2026, 11, 20)
    voted = [f.motion(4, 1)]
    on_time = f.meeting(7, 5, meeting_on=day, motions=voted, decisions_posted_on=day + timedelta(days=3))
    late = f.meeting(7, 5, meeting_on=day, motions=voted, decisions_posted_on=day + timedelta(days=4))
    unposted = f.meeting(7, 5, meeting_on=day, motions=voted)
    assert messages("committee_decisions_posted", f.compound(TODAY, meetings=[on_time])) == ["ok"]
    assert messages("committee_decisions_posted", f.compound(TODAY, meetings=[late])) == ["late"]
    assert outcomes("committee_decisions_posted", f.compound(day + timedelta(days=3), meetings=[unposted])) == []
    assert messages("committee_decisions_posted", f.compound(day + timedelta(days=4), meetings=[unposted])) == [
        "overdue"]
    assert outcomes("committee_decisions_posted", f.compound(TODAY, meetings=[f.meeting(7, 5, meeting_on=day)])) == []


def test_a_meeting_is_held_within_7_days_when_a_third_of_the_members_ask():
    asked, due = date(2026, 11, 10), date(2026, 11, 17)
    request = f.request(asked, due)
    on_time = f.meeting(7, 5, meeting_on=due, request_id=1)
    late = f.meeting(7, 5, meeting_on=due + timedelta(days=1), request_id=1)
    assert messages("member_request_met", f.compound(TODAY, meetings=[on_time], requests=[request])) == ["ok"]
    assert messages("member_request_met", f.compound(TODAY, meetings=[late], requests=[request])) == ["late"]
    assert outcomes("member_request_met", f.compound(due, meetings=[], requests=[request])) == []
    assert messages("member_request_met", f.compound(due + timedelta(days=1), meetings=[],
                                                     requests=[request])) == ["overdue"]


def test_a_filing_due_on_national_day_is_on_time_the_first_working_day_after_it():
    """30 days from 2025-09-01 end on 10-01, inside the National Day holiday (10-01 to 10-08):
    the period ends at 24:00 on 10-09 (CC arts 201, 203)."""
    election = date(2025, 9, 1)
    results = {}
    for filed_on in (date(2025, 10, 8), date(2025, 10, 9), date(2025, 10, 10)):
        procedure = f.procedure(done={"R10_filing": filed_on}, election_on=election)
        found = outcomes("filing_within_30_days", f.compound(date(2025, 12, 1), procedures=[procedure]))
        results[filed_on] = found[0].message
        assert found[0].values["due_on"] == date(2025, 10, 9)
        assert "顺延" in found[0].values["counted"].explanation("zh")
    assert results == {date(2025, 10, 8): "ok", date(2025, 10, 9): "ok", date(2025, 10, 10): "late"}
