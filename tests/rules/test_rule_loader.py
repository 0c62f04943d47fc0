"""Rule sets load from data files, overlay correctly and refuse broken data loudly."""

from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from committee_app.rules import RuleDataError, get_rule_sets, load_rule_sets
from committee_app.rules.loader import DATA_DIR
from committee_app.rules.model import ANCHORS, CITATION_PREFIXES, SITUATIONS
from committee_app.rules.thresholds import ORDINARY, PARTICIPATION, SPECIAL


@pytest.fixture(scope="module")
def rule_sets():
    return load_rule_sets()


@pytest.fixture(scope="module")
def national(rule_sets):
    return rule_sets["national"]


@pytest.fixture(scope="module")
def chengdu(rule_sets):
    return rule_sets["sichuan-chengdu"]


def _raw(name):
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def _write(directory: Path, name: str, data) -> None:
    (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def broken_national(tmp_path):
    """Returns a callable: mutate a copy of national.yaml, load it, return the error message."""

    def load_with(mutate, *, with_overlay=False):
        data = _raw("national.yaml")
        overlay = _raw("sichuan-chengdu.yaml") if with_overlay else None
        mutate(data, overlay) if with_overlay else mutate(data)
        _write(tmp_path, "national.yaml", data)
        if with_overlay:
            _write(tmp_path, "sichuan-chengdu.yaml", overlay)
        with pytest.raises(RuleDataError) as caught:
            load_rule_sets(tmp_path)
        return str(caught.value)

    return load_with


def _step(data, kind, key):
    return next(step for step in data["procedures"][kind]["steps"] if step["key"] == key)


def _setting(data, key):
    return next(setting for setting in data["settings"] if setting["key"] == key)


# --------------------------------------------------------------------------- loading


def test_both_rule_sets_load_and_are_cached(rule_sets):
    assert set(rule_sets) == {"national", "sichuan-chengdu"}
    assert get_rule_sets() is get_rule_sets()
    assert set(get_rule_sets()) == set(rule_sets)


def test_national_settings_carry_their_defaults_and_basis(national):
    assert national.setting("meeting_notice_days").value == 15
    assert national.setting("meeting_notice_days").citations == ("PMR art 14",)
    assert national.setting("term_years").unconfirmed is True
    assert national.setting("egm_request_share").value == Fraction(1, 5)
    assert national.setting("committee_request_share").value == Fraction(1, 3)
    ballots = national.setting("participating_ballots")
    assert ballots.value == "all_returned"
    assert ballots.choices == ("all_returned", "exclude_spoilt", "exclude_blank_and_spoilt")
    clause = national.setting("non_voter_clause")
    assert clause.value is False and clause.conflicts_with == ("CC art 278",)
    with pytest.raises(KeyError):
        national.setting("meeting_within_days_of_group")


def test_national_thresholds_match_the_arithmetic_module(national):
    for key, constant in [("participation", PARTICIPATION), ("ordinary", ORDINARY), ("special", SPECIAL)]:
        loaded = national.threshold(key)
        assert (loaded.share, loaded.comparison, loaded.base) == (constant.share, constant.comparison, constant.base)
        assert {"CC art 278", "CC art 1259"} <= set(loaded.citations)
    assert national.threshold("participation").share == Fraction(2, 3)
    assert national.threshold("ordinary").comparison == "more_than"
    assert national.threshold("special").share == Fraction(3, 4)


def test_procedures_are_ordered_and_complete(national):
    formation = [step.key for step in national.procedure("formation")]
    assert formation[0] == "F1_developer_handover" and formation[-1] == "F10_seals"
    reelection = [step.key for step in national.procedure("reelection")]
    assert reelection[0] == "R2_start" and reelection[-1] == "R11_handover"
    notice = national.step("formation", "F5_meeting_notice")
    assert notice.deadline.kind == "before" and notice.deadline.anchor == "meeting_on"
    assert notice.deadline.setting == "meeting_notice_days"
    assert notice.documents == ("meeting_notice",)
    assert notice.completed_by == "action" and notice.action == "meeting_notice"
    start = national.step("reelection", "R2_start")
    assert start.deadline.unit == "months" and start.deadline.anchor == "term_ends_on"
    assert national.step("formation", "F9_filing").street_signoff is True
    # A deadline without its own citations carries the step's.
    assert notice.deadline.citations == ("PMR art 14",)


def test_every_step_has_known_anchor_and_every_citation_a_known_prefix(rule_sets):
    for rule_set in rule_sets.values():
        for procedure in rule_set.procedures:
            for step in procedure.steps:
                if step.deadline:
                    assert step.deadline.anchor in ANCHORS
                for citation in step.citations:
                    assert citation.split()[0] in CITATION_PREFIXES


def test_checklists_filter_by_situation(national):
    before_contract = {item.key for item in national.checklist("before_service_contract")}
    assert "service_contract_owner_decision" in before_contract
    assert "keep_minutes" in before_contract  # situations: [all]
    assert "maintenance_funds_owner_decision" not in before_contract
    contract_item = next(i for i in national.checklists if i.key == "service_contract_owner_decision")
    assert contract_item.kind == "must"
    assert contract_item.citations == ("CC art 278", "PMR art 15", "PMR art 34", "CC art 939")
    for situation in SITUATIONS:
        kinds = {item.kind for item in national.checklist(situation)}
        assert "must" in kinds
    with pytest.raises(ValueError, match="unknown situation"):
        national.checklist("someday")


def test_local_candidate_conditions_follow_their_settings(national, chengdu):
    assert {c.key for c in national.conditions_in_force()} == {
        c.key for c in national.candidate_conditions if c.scope == "national"
    }
    assert len(chengdu.conditions_in_force()) == len(chengdu.candidate_conditions) == 13
    switched_off = chengdu.conditions_in_force(chengdu.effective_settings({"disqualify_criminal_record": False}))
    assert "no_criminal_record" not in {c.key for c in switched_off}


# --------------------------------------------------------------------------- overlay


def test_overlay_replaces_named_fields_and_keeps_the_rest(national, chengdu):
    assert chengdu.extends == "national"
    assert chengdu.source_files == ("national.yaml", "sichuan-chengdu.yaml")
    # overridden value, untouched title
    unpaid = chengdu.setting("disqualify_unpaid_fees")
    assert national.setting("disqualify_unpaid_fees").value is False
    assert unpaid.value is True
    assert unpaid.title_zh == national.setting("disqualify_unpaid_fees").title_zh
    # inherited unchanged
    assert chengdu.setting("meeting_notice_days") == national.setting("meeting_notice_days")
    # added only in the overlay
    assert chengdu.setting("meeting_within_days_of_group").value == 30
    assert chengdu.setting("party_member_share_guideline").value == Fraction(1, 2)
    # steps merged by key, order kept
    assert [s.key for s in chengdu.procedure("formation")] == [s.key for s in national.procedure("formation")]
    vote = chengdu.step("formation", "F6a_vote")
    assert national.step("formation", "F6a_vote").deadline is None
    assert vote.deadline.anchor == "group_formed_on" and vote.deadline.citations == ("CD",)
    assert vote.title_zh == national.step("formation", "F6a_vote").title_zh
    assert "SC art 7" in chengdu.step("formation", "F2_preparatory_group_decision").citations
    # checklists merged by key
    assert "street_office_leads" in {item.key for item in chengdu.checklists}
    assert "street_office_leads" not in {item.key for item in national.checklists}


# --------------------------------------------------------------------------- validation


def test_the_documented_example_error(broken_national):
    def misspell_anchor(data):
        data["procedures"]["formation"]["steps"][4]["deadline"]["anchor"] = "meting_on"

    message = broken_national(misspell_anchor)
    assert message.startswith(
        "national.yaml: procedures.formation.steps[4].deadline.anchor: unknown anchor 'meting_on'"
    )


def test_an_unknown_key_is_named(broken_national):
    message = broken_national(lambda data: data["settings"][0].update(colour="red"))
    assert message == "national.yaml: settings[0].colour: unknown key"


def test_a_missing_required_field_is_named(broken_national):
    message = broken_national(lambda data: data["settings"][2].pop("title_en"))
    assert message == "national.yaml: settings[2].title_en: missing required field"


def test_a_value_of_the_wrong_type_is_named(broken_national):
    message = broken_national(lambda data: data["settings"][0].update(value="five"))
    assert message.startswith("national.yaml: settings[0].value: ")
    message = broken_national(lambda data: data["procedures"]["reelection"]["steps"][1].update(street_signoff="yes"))
    assert message.startswith("national.yaml: procedures.reelection.steps[1].street_signoff: expected true or false")


def test_an_unknown_prerequisite_is_named(broken_national):
    def point_to_nowhere(data):
        data["procedures"]["formation"]["steps"][1]["prerequisites"] = ["F0_nothing"]

    message = broken_national(point_to_nowhere)
    assert message == "national.yaml: procedures.formation.steps[1].prerequisites[0]: unknown step 'F0_nothing'"


def test_an_unknown_setting_in_a_deadline_is_named(broken_national):
    def misname_setting(data):
        _step(data, "formation", "F5_meeting_notice")["deadline"]["setting"] = "notice_days"

    message = broken_national(misname_setting)
    assert message == "national.yaml: procedures.formation.steps[8].deadline.setting: unknown setting 'notice_days'"


def test_an_unknown_citation_prefix_is_named(broken_national):
    message = broken_national(lambda data: _setting(data, "meeting_notice_days").update(citations=["XYZ art 14"]))
    assert message.startswith("national.yaml: settings[2].citations[0]: unknown citation key prefix in 'XYZ art 14'")


def test_a_bad_choice_default_and_an_even_committee_size_are_refused(broken_national):
    message = broken_national(lambda data: _setting(data, "participating_ballots").update(value="everything"))
    assert message.startswith("national.yaml: settings[10].value: ")
    message = broken_national(lambda data: _setting(data, "committee_seats_default").update(value=8))
    assert "settings[9].value" in message and "odd" in message


def test_a_duplicate_key_is_named(broken_national):
    message = broken_national(lambda data: data["checklists"].append(dict(data["checklists"][0])))
    assert message.startswith("national.yaml: checklists[") and "duplicate key 'carry_out_decisions'" in message


def test_errors_in_an_overlay_name_the_overlay_file(broken_national):
    def break_overlay(data, overlay):
        overlay["procedures"]["formation"]["steps"][2]["deadline"]["anchor"] = "vote_on"

    message = broken_national(break_overlay, with_overlay=True)
    assert message.startswith(
        "sichuan-chengdu.yaml: procedures.formation.steps[2].deadline.anchor: unknown anchor 'vote_on'"
    )


def test_an_overlay_of_an_unknown_rule_set_is_refused(broken_national):
    def extend_nothing(data, overlay):
        overlay["extends"] = "sichuan"

    message = broken_national(extend_nothing, with_overlay=True)
    assert message == "sichuan-chengdu.yaml: extends: unknown rule set 'sichuan'"


def test_an_incomplete_new_overlay_entry_is_refused(broken_national):
    def add_bare_setting(data, overlay):
        overlay["settings"].append({"key": "brand_new", "value": 3})

    message = broken_national(add_bare_setting, with_overlay=True)
    assert message.startswith("sichuan-chengdu.yaml: settings[")
    assert "missing required field" in message


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "national.yaml").write_text("settings: [\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"^national\.yaml: not valid YAML"):
        load_rule_sets(tmp_path)


# --------------------------------------------------------------------------- effective settings


def test_effective_settings_apply_valid_overrides_from_form_strings(national):
    values = national.effective_settings(
        {
            "meeting_notice_days": "20",
            "parking_area_counts": "false",
            "participating_ballots": "exclude_spoilt",
            "committee_request_share": "1/4",
            "committee_seats_default": 9,
        }
    )
    assert values["meeting_notice_days"] == 20
    assert values["parking_area_counts"] is False
    assert values["participating_ballots"] == "exclude_spoilt"
    assert values["committee_request_share"] == Fraction(1, 4)
    assert values["committee_seats_default"] == 9
    assert values["filing_days"] == 30  # untouched default
    assert national.effective_settings() == national.default_settings()


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"no_such_setting": 1}, "unknown setting 'no_such_setting'"),
        ({"meeting_notice_days": 14}, "below the minimum 15"),
        ({"meeting_notice_days": "fifteen"}, "expected a whole number"),
        ({"meeting_notice_days": True}, "expected a whole number"),
        ({"meeting_notice_days": "--3"}, "expected a whole number"),
        ({"committee_seats_default": 8}, "must be an odd number"),
        ({"committee_seats_default": 13}, "must lie between"),
        ({"term_years": 6}, "above the maximum 5"),
        ({"participating_ballots": "bogus"}, "is not one of: all_returned"),
        ({"non_voter_clause": "maybe"}, "expected true or false"),
        ({"egm_request_share": "0.2"}, "expected a fraction"),
        ({"egm_request_share": "3/2"}, "at most 1"),
    ],
)
def test_effective_settings_refuse_bad_overrides(national, overrides, fragment):
    with pytest.raises(ValueError, match=fragment):
        national.effective_settings(overrides)


# --------------------------------------------------------------------------- phases


def test_each_procedure_groups_its_steps_into_phases_in_order(rule_sets):
    for rule_set in rule_sets.values():
        for procedure in rule_set.procedures:
            assert [phase.key for phase in procedure.phases] == [
                "preparation", "nominations", "candidates", "vote", "result"]
            assert all(phase.title_zh and phase.title_en for phase in procedure.phases)
            order = [phase.key for phase in procedure.phases]
            positions = [order.index(step.phase) for step in procedure.steps]
            assert positions == sorted(positions)
    vote = next(s for s in rule_sets["national"].procedure("reelection") if s.action == "vote")
    assert vote.phase == "vote"


def test_a_step_with_an_unknown_phase_is_named(broken_national):
    def mutate(data):
        _step(data, "formation", "F5_meeting_notice")["phase"] = "voting"
    message = broken_national(mutate)
    assert "procedures.formation.steps[" in message and "phase: unknown phase 'voting'" in message


def test_a_step_without_a_phase_is_refused_once_phases_are_declared(broken_national):
    def mutate(data):
        del _step(data, "reelection", "R7_meeting_notice")["phase"]
    assert "phase: missing" in broken_national(mutate)


def test_phases_out_of_order_are_refused(broken_national):
    def mutate(data):
        _step(data, "formation", "F4a_roll_notice")["phase"] = "result"
    assert "a phase's steps must be consecutive" in broken_national(mutate)


def test_a_phase_without_steps_and_a_bad_phase_entry_are_refused(broken_national):
    def add_empty(data):
        data["procedures"]["formation"]["phases"] = list(data["procedures"]["formation"]["phases"]) + [
            {"key": "aftercare", "title_zh": "后续", "title_en": "Aftercare"}]
    assert "phase 'aftercare' has no step" in broken_national(add_empty)

    def no_title(data):
        data["procedures"]["reelection"]["phases"] = [dict(p) for p in data["procedures"]["reelection"]["phases"]]
        del data["procedures"]["reelection"]["phases"][0]["title_en"]
    assert "procedures.reelection.phases[0].title_en: missing required field" in broken_national(no_title)
