"""The rules of procedure as data, at their boundaries (pure functions, no database)."""
import pytest

from committee_app.deliberation import rules


@pytest.fixture
def nantang():
    return rules.rules_of_procedure("nantang13")


def test_the_rules_of_procedure_come_from_the_data_with_their_sources(nantang):
    assert nantang.speech_seconds == 120 and nantang.turns_per_motion == 2
    assert [s.key for s in nantang.steps] == ["move", "second", "debate", "amend", "vote"]
    assert all(step.citation for step in nantang.steps)
    assert set(rules.bodies()) == {"committee", "council", "consultation"}


def test_a_speaker_at_the_turn_limit_is_refused_and_one_below_it_is_not(nantang):
    assert rules.floor_refusal(nantang, speaker="王", side="for", turns_taken=1) is None
    assert rules.floor_refusal(nantang, speaker="王", side="for", turns_taken=2) == "turns"
    assert rules.floor_refusal(nantang, speaker="王", side="sideways", turns_taken=0) == "side"


def test_a_speech_of_exactly_the_limit_is_in_time_and_one_second_more_is_over(nantang):
    assert not rules.is_over_time(120, nantang)
    assert rules.is_over_time(121, nantang)


def test_sides_alternate_when_the_other_side_waits(nantang):
    queue = [(1, "for"), (2, "for"), (3, "against")]
    assert rules.next_speaker(queue, last_side="for", rules=nantang) == 3
    assert rules.next_speaker(queue, last_side="against", rules=nantang) == 1
    assert rules.next_speaker(queue, last_side=None, rules=nantang) == 1
    assert rules.next_speaker([(1, "for"), (2, "for")], last_side="for", rules=nantang) == 1  # no one opposes
    assert rules.next_speaker([], last_side="for", rules=nantang) is None


def test_a_main_motion_may_be_amended_but_an_amendment_may_not(nantang):
    assert rules.may_amend(0, nantang)
    assert not rules.may_amend(1, nantang)


def test_the_council_passes_more_for_than_against_and_a_tie_fails():
    council = rules.body("council")
    passed = rules.decide(council, members=9, present=7, votes_for=3, votes_against=2, votes_abstain=2)
    assert passed.state == "passed"
    tie = rules.decide(council, members=9, present=7, votes_for=3, votes_against=3, votes_abstain=1)
    assert tie.state == "failed"


def test_no_vote_counts_without_a_quorum_of_members_present():
    council = rules.body("council")
    assert rules.decide(council, members=9, present=5, votes_for=5, votes_against=0, votes_abstain=0).state == "passed"
    short = rules.decide(council, members=10, present=5, votes_for=5, votes_against=0, votes_abstain=0)
    assert short.state == "no_quorum" and not short.passed
    # an owners' consultation has no quorum
    assert rules.decide(rules.body("consultation"), members=100, present=3, votes_for=2, votes_against=1,
                        votes_abstain=0).state == "passed"


def test_the_committee_needs_more_than_half_of_all_members_not_of_those_present():
    committee = rules.body("committee")
    assert rules.decide(committee, members=7, present=5, votes_for=4, votes_against=1, votes_abstain=0).passed
    # 3 of 5 present is a majority of those present but not of the 7 members
    assert not rules.decide(committee, members=7, present=5, votes_for=3, votes_against=0, votes_abstain=2).passed
    assert "GR" in committee.citation


def test_impossible_counts_are_refused():
    council = rules.body("council")
    with pytest.raises(ValueError):
        rules.decide(council, members=9, present=7, votes_for=5, votes_against=3, votes_abstain=0)
    with pytest.raises(ValueError):
        rules.decide(council, members=5, present=7, votes_for=1, votes_against=0, votes_abstain=0)
