"""An organiser vets a nominee with "全部符合" and marks only the exceptions; an objection
answer has no preselected outcome and must be chosen (issue 15 item 7)."""
from __future__ import annotations

import json

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.nominations import util
from committee_app.nominations.models import EligibilityCheck, Nomination, Objection

from .test_nominations import collecting, lodge, nominate, posted  # noqa: F401  (fixtures)


def _statuses(nomination_id: int) -> dict[str, tuple[str, str]]:
    checks = db.session.scalars(db.select(EligibilityCheck).where(EligibilityCheck.nomination_id == nomination_id))
    return {check.condition_key: (check.status, check.note) for check in checks}


def _new_nominee(app, compound_a, users, person, name="李四"):
    with app.app_context():
        nomination_id = nominate(compound_a, users, person, name).id
        keys = [c.key for c in util.conditions(compound_a())]
        db.session.commit()
    return nomination_id, keys


def test_all_conform_records_every_item_as_met(app, client, login_as, collecting, compound_a, users, person):
    nomination_id, keys = _new_nominee(app, compound_a, users, person)
    login_as("organiser")
    page = client.get(f"/compounds/A/nominations/{nomination_id}").get_data(as_text=True)
    assert 'name="all_met" value="1" id="all-met" checked' in page and "标出例外" in page
    client.post(f"/compounds/A/nominations/{nomination_id}/checks", data={"all_met": "1"})
    with app.app_context():
        statuses = _statuses(nomination_id)
        assert sorted(statuses) == sorted(keys) and {status for status, _note in statuses.values()} == {"met"}
        # the ownership check made against the roll at nomination keeps its note
        assert statuses["is_owner"][1].startswith("已与业主名册核对")
        nomination = db.session.get(Nomination, nomination_id)
        assert util.decision(nomination, util.conditions(compound_a())).is_eligible
    page = client.get(f"/compounds/A/nominations/{nomination_id}").get_data(as_text=True)
    assert "符合条件（全部必备条件均符合）" in page


def test_all_conform_is_the_same_as_answering_each_item(app, client, login_as, collecting, compound_a, users,
                                                        person):
    by_all, keys = _new_nominee(app, compound_a, users, person, "李四")
    by_item, _keys = _new_nominee(app, compound_a, users, person, "张三")
    login_as("organiser")
    exception = {"status_no_unpaid_fees": "not_met", "note_no_unpaid_fees": "欠缴物业费 2 年"}
    client.post(f"/compounds/A/nominations/{by_all}/checks", data={"all_met": "1", **exception})
    each = {f"status_{key}": "met" for key in keys}
    client.post(f"/compounds/A/nominations/{by_item}/checks", data={**each, **exception})
    with app.app_context():
        statuses = {key: status for key, (status, _note) in _statuses(by_all).items()}
        assert statuses == {key: status for key, (status, _note) in _statuses(by_item).items()}
        assert _statuses(by_all)["no_unpaid_fees"] == ("not_met", "欠缴物业费 2 年")
        assert sum(status == "met" for status, _note in _statuses(by_all).values()) == len(keys) - 1


def test_a_forged_all_conform_with_a_non_conforming_item_keeps_the_exception(app, client, login_as, collecting,
                                                                             compound_a, users, person):
    nomination_id, keys = _new_nominee(app, compound_a, users, person)
    login_as("organiser")
    # claims everything conforms while naming an item as not met, without the required note: refused whole
    refused = client.post(f"/compounds/A/nominations/{nomination_id}/checks",
                          data={"all_met": "1", "status_no_unpaid_fees": "not_met"}, follow_redirects=True)
    assert "须写明理由" in refused.get_data(as_text=True)
    with app.app_context():
        assert list(_statuses(nomination_id)) == ["is_owner"]  # checked against the roll at nomination
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "nomination.vet")) == 0
    # with the note, the exception wins over "all conform" and the nominee is not eligible
    client.post(f"/compounds/A/nominations/{nomination_id}/checks",
                data={"all_met": "1", "status_no_unpaid_fees": "not_met", "note_no_unpaid_fees": "欠费"})
    with app.app_context():
        statuses = _statuses(nomination_id)
        assert statuses["no_unpaid_fees"] == ("not_met", "欠费")
        assert all(status == "met" for key, (status, _n) in statuses.items() if key != "no_unpaid_fees")
        nomination = db.session.get(Nomination, nomination_id)
        assert util.decision(nomination, util.conditions(compound_a())).state == "ineligible"
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "nomination.vet"))
        assert json.loads(entry.after)["all_met_except"] == ["no_unpaid_fees"]


def test_without_all_conform_only_the_marked_items_are_saved(app, client, login_as, collecting, compound_a, users,
                                                             person):
    nomination_id, keys = _new_nominee(app, compound_a, users, person)
    login_as("organiser")
    client.post(f"/compounds/A/nominations/{nomination_id}/checks", data={"status_no_unpaid_fees": "met"})
    with app.app_context():
        assert sorted(_statuses(nomination_id)) == ["is_owner", "no_unpaid_fees"]
    # a forged value of the switch is not "1": nothing is filled in for the other items
    client.post(f"/compounds/A/nominations/{nomination_id}/checks", data={"all_met": "yes"})
    with app.app_context():
        assert sorted(_statuses(nomination_id)) == ["is_owner", "no_unpaid_fees"]


def test_an_objection_answer_starts_without_an_outcome_and_needs_one(app, client, login_as, posted):
    login_as("owner")
    lodge(client)
    login_as("organiser")
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    with app.app_context():
        objection_id = db.session.scalar(db.select(Objection.id))
    select = page[page.index(f'id="outcome-{objection_id}"') - 80:page.index("</select>", page.index("outcome-"))]
    assert '<option selected value="">请选择</option>' in select and "required" in select
    assert "selected" not in select.replace('<option selected value="">', "")
    for data in ({"answer": "经核实已缴清"}, {"outcome": "", "answer": "经核实已缴清"},
                 {"outcome": "maybe", "answer": "经核实已缴清"}):
        response = client.post(f"/compounds/A/nominations/objections/{objection_id}/answer", data=data,
                               follow_redirects=True)
        assert "请选择处理结果" in response.get_data(as_text=True)
        with app.app_context():
            objection = db.session.get(Objection, objection_id)
            assert not objection.is_answered and objection.answer is None
    client.post(f"/compounds/A/nominations/objections/{objection_id}/answer",
                data={"outcome": "upheld", "answer": "经核实属实"})
    with app.app_context():
        objection = db.session.get(Objection, objection_id)
        assert objection.is_answered and objection.is_upheld and objection.answer == "经核实属实"


# --------------------------------------------------------------------------- finding a nomination (issue 15 item 9)


def _names(page: str) -> list[str]:
    import re

    table = page[page.index('id="nominations"'):page.index("</table>", page.index('id="nominations"'))]
    return re.findall(r'/nominations/\d+">([^<]+)</a>', table)


def test_the_nominations_list_is_filtered_by_name_channel_and_vetting_state(app, client, login_as, collecting,
                                                                             compound_a, users, person):
    from .test_nominations import vet_all

    with app.app_context():
        first = nominate(compound_a, users, person, "张三", channel="party")
        nominate(compound_a, users, person, "李四")
        third = nominate(compound_a, users, person, "赵喆", channel="community")
        vet_all(first, users)
        vet_all(third, users, status="not_met")
        db.session.commit()
    login_as("organiser")
    assert sorted(_names(client.get("/compounds/A/nominations").get_data(as_text=True))) == ["张三", "李四", "赵喆"]
    assert _names(client.get("/compounds/A/nominations?q=赵").get_data(as_text=True)) == ["赵喆"]
    assert _names(client.get("/compounds/A/nominations?channel=party").get_data(as_text=True)) == ["张三"]
    assert _names(client.get("/compounds/A/nominations?state=eligible").get_data(as_text=True)) == ["张三"]
    assert _names(client.get("/compounds/A/nominations?state=ineligible").get_data(as_text=True)) == ["赵喆"]
    assert _names(client.get("/compounds/A/nominations?state=pending").get_data(as_text=True)) == ["李四"]
    page = client.get("/compounds/A/nominations?q=王&state=eligible").get_data(as_text=True)
    assert _names(page) == [] and "没有符合条件的推荐" in page and "共 3 条推荐，符合条件的 0 条" in page
    for query in ("state=everything", "channel=<script>", "page=abc", "page=0", "page=999", "q=" + "x" * 300,
                  "q=%25&channel=&state="):
        response = client.get(f"/compounds/A/nominations?{query}")
        assert response.status_code == 200, query
        if "q=%25" not in query:
            assert len(_names(response.get_data(as_text=True))) == 3, query


def test_a_long_nominations_list_is_paged(app, client, login_as, collecting, compound_a, users, person,
                                         monkeypatch):
    from committee_app.web.listing import ListPage

    page = ListPage(list(range(60)), 2, per_page=25)
    assert page.items == list(range(25, 50)) and page.pages == 3 and list(page.iter_pages()) == [1, 2, 3]
    assert ListPage(list(range(60)), 99, per_page=25).items == list(range(50, 60))
    assert list(ListPage(list(range(500)), 10, per_page=10).iter_pages()) == [1, 2, None, 8, 9, 10, 11, 12, 13, 14,
                                                                              None, 49, 50]
    from committee_app.nominations import views

    monkeypatch.setattr(views, "NOMINATIONS_PER_PAGE", 2)  # three nominations make two pages
    with app.app_context():
        for name in ("张三", "李四", "赵喆"):
            nominate(compound_a, users, person, name)
        db.session.commit()
    login_as("organiser")
    first = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert len(_names(first)) == 2 and 'href="/compounds/A/nominations?page=2"' in first
    second = client.get("/compounds/A/nominations?page=2").get_data(as_text=True)
    assert len(_names(second)) == 1 and set(_names(first) + _names(second)) == {"张三", "李四", "赵喆"}
    filtered = client.get("/compounds/A/nominations?state=pending&page=2").get_data(as_text=True)
    assert 'state=pending' in filtered[filtered.index('aria-label="分页"'):]
