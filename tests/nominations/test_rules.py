"""The pure rules: vetting decisions, inclusive periods, the list's composition."""
from datetime import date
from fractions import Fraction

from committee_app.nominations import rules
from committee_app.rules import get_rule_set
from committee_app.rules.model import CandidateCondition


def condition(key, required=True):
    return CandidateCondition(key, key, key, "national", required, ("GR art 31",), False)


CONDITIONS = [condition("is_owner"), condition("law_abiding"), condition("optional_item", required=False)]


def test_a_candidate_with_every_item_met_is_eligible():
    decision = rules.decide(CONDITIONS, {"is_owner": "met", "law_abiding": "met", "optional_item": "met"})
    assert decision.is_eligible and decision.state == "eligible"


def test_a_required_item_not_met_makes_the_candidate_ineligible_and_is_cited():
    decision = rules.decide(CONDITIONS, {"is_owner": "met", "law_abiding": "not_met", "optional_item": "met"})
    assert not decision.is_eligible and decision.state == "ineligible"
    assert decision.failing == (("law_abiding", "not_met"),)


def test_not_applicable_does_not_satisfy_a_required_item():
    decision = rules.decide(CONDITIONS, {"is_owner": "met", "law_abiding": "not_applicable", "optional_item": "met"})
    assert not decision.is_eligible and decision.failing == (("law_abiding", "not_applicable"),)


def test_an_optional_item_never_fails_a_candidate_but_needs_a_mark():
    decision = rules.decide(CONDITIONS, {"is_owner": "met", "law_abiding": "met", "optional_item": "not_met"})
    assert decision.is_eligible
    pending = rules.decide(CONDITIONS, {"is_owner": "met", "law_abiding": "met"})
    assert not pending.is_eligible and pending.state == "pending" and pending.pending == ("optional_item",)


def test_an_unknown_mark_counts_as_unmarked():
    decision = rules.decide(CONDITIONS, {"is_owner": "yes", "law_abiding": "met", "optional_item": "met"})
    assert decision.pending == ("is_owner",)


def test_the_objection_period_starts_the_day_after_posting_and_ends_at_24_00_of_its_last_day():
    ends = rules.period_end(date(2026, 11, 26), 7)
    assert ends == date(2026, 12, 3)  # 11-27 .. 12-03 (CC art 201)
    assert rules.period_end(date(2026, 11, 26), 1) == date(2026, 11, 27)
    assert not rules.objection_open(date(2026, 11, 26), ends, date(2026, 11, 25))
    assert rules.objection_open(date(2026, 11, 26), ends, date(2026, 11, 26))
    assert rules.objection_open(date(2026, 11, 26), ends, date(2026, 12, 3))
    assert not rules.objection_open(date(2026, 11, 26), ends, date(2026, 12, 4))
    assert not rules.period_over(ends, date(2026, 12, 3))
    assert rules.period_over(ends, date(2026, 12, 4))


def test_composition_compares_candidates_with_seats_and_the_party_guideline():
    comp = rules.composition(7, 9, 3, Fraction(1, 2))
    assert comp.ratio == Fraction(9, 7) and comp.ratio_text == "1.29" and comp.surplus == 2
    assert comp.party_members_guideline == 4 and comp.party_meets_guideline is False
    assert rules.composition(7, 9, 4, Fraction(1, 2)).party_meets_guideline is True
    assert rules.composition(5, 5, 3, Fraction(1, 2)).party_members_guideline == 3
    national = rules.composition(7, 7, 0, None)
    assert national.party_members_guideline is None and national.ratio_text == "1.00"
    assert rules.composition(7, 0, 0, None).party_share_of_candidates is None


def test_the_chengdu_rule_set_adds_the_local_disqualifications():
    national = get_rule_set("national")
    chengdu = get_rule_set("sichuan-chengdu")
    national_keys = [c.key for c in national.conditions_in_force(national.effective_settings())]
    chengdu_keys = [c.key for c in chengdu.conditions_in_force(chengdu.effective_settings())]
    assert "no_criminal_record" not in national_keys and "no_criminal_record" in chengdu_keys
    off = chengdu.effective_settings({"disqualify_criminal_record": False})
    assert "no_criminal_record" not in [c.key for c in chengdu.conditions_in_force(off)]
