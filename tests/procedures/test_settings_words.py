"""The compound's rule settings read in words, in Chinese and in English: a choice shows its
label from the rule data, a list of subjects shows their titles, a share reads 三分之一; the
raw keys never reach the page (issue 15 item 7)."""
import re

import pytest
import yaml

from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.rules import RuleDataError, load_rule_sets
from committee_app.rules.loader import DATA_DIR
from committee_app.procedures.util import fraction_words

RAW_KEYS = ("all_returned", "exclude_spoilt", "exclude_blank_and_spoilt", "maintenance_funds_use",
            "rules_of_procedure", "property_company")


def _visible(response) -> str:
    """The page's words as a person sees them: tags, and the values of inputs, removed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("role", ["organiser", "mentor"])
def test_every_setting_reads_in_chinese_words(app, world, client, login_as, role):
    with app.app_context():
        db.session.get(Compound, world.a).setting_overrides = {"stricter_subjects": "maintenance_funds_use"}
        db.session.commit()
    login_as(role)
    page = _visible(client.get("/compounds/A/settings"))
    assert "所有收回的选票（含空白票、弃权票、无效票）" in page
    assert "使用建筑物及其附属设施的维修资金" in page
    for key in RAW_KEYS:
        assert key not in page
    if role == "mentor":  # read-only: the share in words
        assert "三分之一" in page and "五分之一" in page and "1/3" not in page


def test_every_setting_reads_in_english_words(app, world, client, login_as):
    login_as("organiser")
    client.post("/language", data={"locale": "en"})
    page = _visible(client.get("/compounds/A/settings"))
    assert "Every returned ballot (blank, abstaining and spoilt included)" in page
    assert "Returned ballots except blank and spoilt ones" in page
    assert "Use the maintenance funds of the buildings and facilities" in page
    for key in RAW_KEYS:
        assert key not in page
    login_as("mentor")
    client.post("/language", data={"locale": "en"})
    page = _visible(client.get("/compounds/A/settings"))
    assert "one third" in page and "one fifth" in page


def test_the_form_offers_words_and_saves_the_chosen_subjects(app, world, client, login_as):
    login_as("organiser")
    html = client.get("/compounds/A/settings").get_data(as_text=True)
    assert '<option value="exclude_spoilt" >收回的选票，不含无效票</option>' in html
    # special subjects (items 6-8) cannot be raised, so they are not offered
    assert 'value="maintenance_funds_raise"' not in html and 'value="maintenance_funds_use"' in html
    client.post("/compounds/A/settings", data={
        "participating_ballots": "exclude_spoilt", "present-stricter_subjects": "1",
        "stricter_subjects": ["maintenance_funds_use", "property_company"]})
    with app.app_context():
        overrides = db.session.get(Compound, world.a).setting_overrides
        assert overrides["participating_ballots"] == "exclude_spoilt"
        assert overrides["stricter_subjects"] == "property_company,maintenance_funds_use" or \
            overrides["stricter_subjects"] == "maintenance_funds_use,property_company"
    login_as("mentor")
    page = _visible(client.get("/compounds/A/settings"))
    assert "收回的选票，不含无效票" in page and "选聘和解聘物业服务企业或者其他管理人" in page


@pytest.mark.parametrize("data", [
    {"present-stricter_subjects": "1", "stricter_subjects": ["maintenance_funds_use", "x' onmouseover='1"]},
    {"present-stricter_subjects": "1", "stricter_subjects": ["no_such_subject"]},
    {"participating_ballots": "everything"},
])
def test_a_forged_setting_value_is_refused_and_nothing_changes(app, world, client, login_as, data):
    login_as("organiser")
    response = client.post("/compounds/A/settings", data=data)
    assert response.status_code == 400
    with app.app_context():
        assert not db.session.get(Compound, world.a).setting_overrides
    assert "no_such_subject" not in _visible(response) and "onmouseover='1" not in response.get_data(as_text=True)


def test_fractions_read_as_words():
    from fractions import Fraction

    assert fraction_words(Fraction(1, 3)) == "三分之一" and fraction_words(Fraction(2, 3)) == "三分之二"
    assert fraction_words(Fraction(3, 4), "en") == "three quarters"
    assert fraction_words(Fraction(1, 5), "en") == "one fifth"
    assert fraction_words(Fraction(7, 100)) == "7/100"


def _load_with(tmp_path, mutate):
    data = yaml.safe_load((DATA_DIR / "national.yaml").read_text(encoding="utf-8"))
    ballots = next(s for s in data["settings"] if s["key"] == "participating_ballots")
    subjects = next(s for s in data["settings"] if s["key"] == "stricter_subjects")
    mutate(ballots, subjects)
    (tmp_path / "national.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleDataError) as caught:
        load_rule_sets(tmp_path)
    return str(caught.value)


@pytest.mark.parametrize("mutate,message", [
    (lambda b, s: b.pop("choice_labels"), "needs a label"),
    (lambda b, s: b["choice_labels"].pop("exclude_spoilt"), "choice_labels.exclude_spoilt: needs exactly zh and en"),
    (lambda b, s: b["choice_labels"]["exclude_spoilt"].pop("en"), "needs exactly zh and en"),
    (lambda b, s: b["choice_labels"].update(other={"zh": "x", "en": "y"}), "choice_labels.other: not one of"),
    (lambda b, s: b["choice_labels"]["all_returned"].update(zh=" "), "expected non-empty text"),
    (lambda b, s: s.update(choice_labels={"a": {"zh": "x", "en": "y"}}), "only a choice setting"),
    (lambda b, s: s.update(items_from="thresholds"), "unknown section"),
    (lambda b, s: b.update(items_from="subjects"), "only a text setting"),
    (lambda b, s: s.update(value="no_such_subject"), "'no_such_subject' is not a key of subjects"),
])
def test_the_loader_refuses_missing_or_stray_labels(tmp_path, mutate, message):
    assert message in _load_with(tmp_path, mutate)
