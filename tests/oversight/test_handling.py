"""The street officer marks a finding handled with a note, sees it greyed on the board and out of the
risk score, re-opens it; a finding whose facts change shows again; forged posts are refused."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.committees import operations as committees
from committee_app.committees.models import Committee
from committee_app.extensions import db
from committee_app.oversight import util
from committee_app.oversight.models import FindingHandling
from committee_app.registry.models import Compound
from tests.jobs.helpers import document


def _text(response) -> str:
    return response.get_data(as_text=True)


def _term_ended(app, world, compound_attr="a", term_ends_on=date(2026, 11, 30), elected_on=date(2021, 12, 1)):
    """A committee whose term ended without a re-election: the finding reelection_started_on_time."""
    with app.app_context():
        compound = db.session.get(Compound, getattr(world, compound_attr))
        committees.record_committee(compound, members=[("张三", None, "chair")], elected_on=elected_on,
                                    term_ends_on=term_ends_on, filed_on=None if elected_on.year < 2000 else date(2021, 12, 20))
        db.session.commit()


def _finding(app, world, key="reelection_started_on_time", compound_attr="a"):
    with app.app_context():
        compound = db.session.get(Compound, getattr(world, compound_attr))
        _facts, results = util.compound_results(compound)
        return next(r for r in results if not r.ok and r.check.key == key)


def _row(app, world, user="officer", code="A"):
    from committee_app.accounts.models import User

    with app.test_request_context():
        user = db.session.get(User, world.users[user])
        return next(r for r in util.board_rows(user) if r.code == code)


def _handlings(app):
    with app.app_context():
        return db.session.scalars(select(FindingHandling).order_by(FindingHandling.id)).all()


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_board_sorts_by_risk_by_default_and_phrases_the_finding_as_what_went_wrong(app, world, login_as, today):
    _term_ended(app, world)  # A: high finding + term over; B: nothing
    page = _text(login_as("officer").get("/oversight/"))
    assert page.index("甲小区") < page.index("乙小区")
    assert "任期于2026年11月30日届满，换届程序尚未启动" in page
    by_name = _text(login_as("officer").get("/oversight/?sort=name"))
    assert 'value="name" selected' in by_name


def test_an_officer_marks_a_finding_handled_and_it_stops_counting(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    before = _row(app, world)
    assert before.risk == 5 + 5 and before.band == "high"  # one high finding, term over

    client = login_as("officer")
    response = client.post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "已约谈业委会，下周启动换届。"})
    assert response.status_code == 302 and "/oversight/compounds/A" in response.headers["Location"]

    [handling] = _handlings(app)
    assert handling.note == "已约谈业委会，下周启动换届。" and handling.handled_on == today
    assert handling.subject == finding.outcome.subject and handling.reopened_at is None
    assert handling.handled_by_id == world.users["officer"]
    [entry] = _audit(app, "oversight.finding_handled")
    assert json.loads(entry.after)["note"] == "已约谈业委会，下周启动换届。"

    after = _row(app, world)
    assert after.risk == 5 and after.handled_count == 1 and after.finding_count == 0  # only the term counts
    page = _text(client.get("/oversight/"))
    assert "finding-handled" in page and "已约谈业委会，下周启动换届。" in page and "2026-12-01" in page
    assert "已约谈业委会" in _text(client.get("/oversight/compounds/A"))
    rows = list(csv.reader(io.StringIO(document(app, client, client.post("/oversight/board-csv-job"))
                                       .data.decode("utf-8-sig"))))
    row_a = next(row for row in rows[1:] if row[1] == "甲小区")
    assert row_a[rows[0].index("已处理问题")].startswith("任期于2026年11月30日届满")
    assert row_a[rows[0].index("风险分")] == "5"

    # handling it twice is refused
    again = client.post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "再次"}, follow_redirects=True)
    assert "已标记为已处理" in _text(again) and len(_handlings(app)) == 1


def test_reopening_counts_the_finding_again_and_is_audited(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    client = login_as("officer")
    client.post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "已处理"})
    [handling] = _handlings(app)
    response = client.post(f"/oversight/compounds/A/handlings/{handling.id}/reopen")
    assert response.status_code == 302
    [handling] = _handlings(app)
    assert handling.reopened_at is not None and handling.reopened_by_id == world.users["officer"]
    assert len(_audit(app, "oversight.finding_reopened")) == 1
    assert _row(app, world).risk == 10
    # re-opening twice is refused, nothing changes
    client.post(f"/oversight/compounds/A/handlings/{handling.id}/reopen")
    assert len(_audit(app, "oversight.finding_reopened")) == 1


def test_a_handled_finding_whose_facts_change_shows_again(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    login_as("officer").post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "已处理"})
    assert _row(app, world).finding_count == 0
    with app.app_context():
        committee = db.session.scalar(select(Committee).where(Committee.compound_id == world.a))
        committees.update_committee(committee, term_ends_on=date(2026, 10, 31), filed_on=committee.filed_on)
        db.session.commit()
    row = _row(app, world)
    assert row.finding_count == 1 and row.handled_count == 0  # a new occurrence is not hidden by the old note
    assert "任期于2026年10月31日届满" in _text(login_as("officer").get("/oversight/"))


def test_a_note_is_required_and_nothing_is_stored_without_one(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    response = login_as("officer").post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "   "}, follow_redirects=True)
    assert "请填写处理说明" in _text(response)
    assert _handlings(app) == [] and _audit(app, "oversight.finding_handled") == []


def test_a_forged_fingerprint_or_check_is_refused(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    client = login_as("officer")
    for data in ({"check": finding.check.key, "fingerprint": "f" * 64, "note": "x"},
                 {"check": "non_voter_clause", "fingerprint": finding.fingerprint, "note": "x"},
                 {"note": "x"}):
        response = client.post("/oversight/compounds/A/findings/handled", data=data, follow_redirects=True)
        assert "该问题已不存在" in _text(response)
    assert _handlings(app) == []


def test_an_officer_cannot_handle_a_finding_of_a_compound_outside_their_street(app, world, login_as, today):
    _term_ended(app, world, "c")  # 丙小区 is in another street
    finding = _finding(app, world, compound_attr="c")
    with app.app_context():
        code_c = db.session.get(Compound, world.c).code
    response = login_as("officer").post(f"/oversight/compounds/{code_c}/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "越权"})
    assert response.status_code == 403
    # nor with A's finding posted to C, nor by an organiser of A
    _term_ended(app, world)
    a_finding = _finding(app, world)
    assert login_as("organiser").post("/oversight/compounds/A/findings/handled", data={
        "check": a_finding.check.key, "fingerprint": a_finding.fingerprint, "note": "x"}).status_code == 403
    assert login_as("outside_officer").post(f"/oversight/compounds/{code_c}/findings/handled", data={
        "check": a_finding.check.key, "fingerprint": a_finding.fingerprint, "note": "x"}).status_code == 302
    assert _handlings(app) == []


def test_reopening_a_handling_of_another_compound_or_past_the_id_range_is_not_found(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    client = login_as("officer")
    client.post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "已处理"})
    [handling] = _handlings(app)
    assert client.post(f"/oversight/compounds/B/handlings/{handling.id}/reopen").status_code == 404
    assert client.post("/oversight/compounds/A/handlings/99999999999/reopen").status_code == 404
    assert client.post("/oversight/compounds/A/handlings/2147483647/reopen").status_code == 404
    assert login_as("outside_officer").post(f"/oversight/compounds/A/handlings/{handling.id}/reopen").status_code == 403
    [handling] = _handlings(app)
    assert handling.reopened_at is None


def test_a_note_longer_than_allowed_is_refused(app, world, login_as, today):
    _term_ended(app, world)
    finding = _finding(app, world)
    response = login_as("officer").post("/oversight/compounds/A/findings/handled", data={
        "check": finding.check.key, "fingerprint": finding.fingerprint, "note": "长" * 2001}, follow_redirects=True)
    assert "处理说明不能超过" in _text(response) and _handlings(app) == []


def test_one_compound_with_bad_data_does_not_break_the_board(app, world, login_as, today):
    _term_ended(app, world)
    # a committee typed in with year 1: no calendar counts three months back from its term's end
    _term_ended(app, world, "b", term_ends_on=date(1, 1, 5), elected_on=date(1, 1, 1))
    response = login_as("officer").get("/oversight/")
    assert response.status_code == 200
    page = _text(response)
    assert "甲小区" in page and "任期于2026年11月30日届满" in page and "乙小区" in page
    assert "无法计算" in page


def test_in_english_the_finding_reads_from_the_catalog(app, world, login_as, today):
    _term_ended(app, world)
    client = login_as("officer")
    client.post("/language", data={"locale": "en"})
    page = _text(client.get("/oversight/"))
    assert "The term ends 30 November 2026 and the re-election has not started" in page
    assert "Compliance at a glance" in page and "High risk" in page
