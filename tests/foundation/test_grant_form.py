"""The admin grants a role: no role is preselected, only the chosen role's scope fields count,
and an owner is picked from the roll by building and unit instead of typing an internal key
(issue 15 item 7)."""
import json

import pytest
from sqlalchemy import select

from committee_app.accounts.models import RoleGrant, User
from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.registry.models import Building, Unit


def _unit(world, number, compound="a"):
    unit = db.session.scalar(select(Unit).where(Unit.compound_id == getattr(world, compound), Unit.number == number))
    return unit.id, unit.building_id


@pytest.fixture
def newbie(app, world):
    from committee_app.accounts import operations

    with app.app_context():
        user = operations.create_user("newbie", "新人", "longpassword")
        db.session.commit()
        return user.id


def _grants(user_id):
    return db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id)).all()


def _nothing_granted(app, user_id):
    with app.app_context():
        assert _grants(user_id) == []
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role.grant",
                                                          AuditEntry.after.contains("newbie"))) is None


def test_the_form_starts_without_a_role_and_labels_each_group(client, world, login_as, newbie):
    login_as("admin")
    page = client.get(f"/admin/users/{newbie}").get_data(as_text=True)
    select_html = page[page.index('<select class="form-select" id="role"'):page.index("</select>", page.index('id="role"'))]
    assert '<option selected value="">请选择角色</option>' in select_html and "required" in select_html
    for role in ("street_officer", "mentor", "organiser", "owner"):
        assert f'data-role-fields="{role}"' in page
    assert "仅用于“业主”角色" in page and "仅用于“工作室导师”角色" in page
    assert "grant-form.js" in page and "voter_key" not in page and "unit:" not in page


def test_an_owner_is_picked_by_building_and_unit_and_listed_in_words(app, client, world, login_as, newbie):
    login_as("admin")
    with app.app_context():
        unit_id, building_id = _unit(world, "1-202")
    # without JavaScript: the reload lists the compound's buildings and units, grouped by building;
    # the rest of the form (its CSRF token) leaves the address at once
    reload = client.get(f"/admin/users/{newbie}?csrf_token=abc&role=owner&owner_compound_id={world.a}"
                        "&owner_unit_id=0&mentor_community_id=0")
    assert reload.status_code == 302
    assert reload.headers["Location"] == f"/admin/users/{newbie}?role=owner&owner_compound_id={world.a}"
    page = client.get(f"/admin/users/{newbie}?role=owner&owner_compound_id={world.a}").get_data(as_text=True)
    assert f'<option value="{unit_id}" data-building="{building_id}">1栋-1-202</option>' in page
    assert '<optgroup label="1栋">' in page
    response = client.post(f"/admin/users/{newbie}/grants", data={
        "role": "owner", "owner_compound_id": world.a, "owner_building_id": building_id, "owner_unit_id": unit_id})
    assert response.status_code == 302
    with app.app_context():
        (grant,) = _grants(newbie)
        assert grant.role == "owner" and grant.compound_id == world.a and grant.voter_key
        assert grant.street_id is None and grant.community_id is None
    listing = client.get("/admin/users?q=newbie").get_data(as_text=True)
    assert "业主 · 甲小区 · 1栋-1-202（赵喆）" in listing and "unit:" not in listing
    client.post("/logout")
    client.post("/login", data={"username": "newbie", "password": "longpassword"})
    assert client.get("/compounds/A/candidates").status_code == 200


def test_the_units_endpoint_lists_a_compounds_roll_for_admins(app, client, world, login_as):
    login_as("admin")
    data = client.get(f"/admin/compounds/{world.a}/units").get_json()
    names = {b["name"]: [u["label"] for u in b["units"]] for b in data["buildings"]}
    assert names["1栋"] == ["1-101", "1-102", "1-201", "1-202"]
    assert client.get("/admin/compounds/999999/units").status_code == 404
    assert client.get(f"/admin/compounds/{2**40}/units").status_code == 404
    assert client.get(f"/admin/compounds/{10**30}/units").status_code == 404
    login_as("organiser")
    assert client.get(f"/admin/compounds/{world.a}/units").status_code == 403


@pytest.mark.parametrize("make,message", [
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_unit_id": b[0]}, "不属于所选的小区"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_building_id": b[1], "owner_unit_id": a[0]},
     "不在所选的楼栋"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_unit_id": 999999}, "所选的房号不存在"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_unit_id": str(2**31)}, "选择无效"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_unit_id": "9" * 30}, "选择无效"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a, "owner_unit_id": "-1"}, "选择无效"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": 999999, "owner_unit_id": a[0]}, "所选的小区不存在"),
    (lambda w, a, b: {"role": "owner", "owner_compound_id": w.a}, "业主的楼栋和房号"),
    (lambda w, a, b: {"role": "organiser", "organiser_compound_id": 999999}, "所选的小区不存在"),
    (lambda w, a, b: {"role": "mentor", "mentor_community_id": "abc"}, "选择无效"),
    (lambda w, a, b: {"role": "street_officer", "officer_street_id": 999999}, "所选的街道不存在"),
    # a field of another role: refused, not silently dropped
    (lambda w, a, b: {"role": "organiser", "organiser_compound_id": w.a, "owner_unit_id": a[0]}, "不使用这些范围"),
    (lambda w, a, b: {"role": "admin", "mentor_community_id": w.community}, "不使用这些范围"),
    (lambda w, a, b: {"owner_compound_id": w.a, "owner_unit_id": a[0]}, "请选择角色"),
    (lambda w, a, b: {"role": "superuser"}, "请选择角色"),
])
def test_a_forged_grant_is_refused_with_a_clear_error_and_changes_nothing(app, client, world, login_as, newbie,
                                                                          make, message):
    with app.app_context():
        a, b = _unit(world, "1-202"), _unit(world, "1-101", "b")
    login_as("admin")
    response = client.post(f"/admin/users/{newbie}/grants", data=make(world, a, b), follow_redirects=True)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    _nothing_granted(app, newbie)


def test_each_role_takes_its_own_fields(app, client, world, login_as, newbie):
    login_as("admin")
    client.post(f"/admin/users/{newbie}/grants", data={"role": "street_officer", "officer_community_id": world.community})
    client.post(f"/admin/users/{newbie}/grants", data={"role": "mentor", "mentor_community_id": world.other_community})
    client.post(f"/admin/users/{newbie}/grants", data={"role": "organiser", "organiser_compound_id": world.b})
    client.post(f"/admin/users/{newbie}/grants", data={"role": "admin"})
    with app.app_context():
        scopes = {(g.role, g.street_id, g.community_id, g.compound_id) for g in _grants(newbie)}
    assert scopes == {("street_officer", None, world.community, None), ("mentor", None, world.other_community, None),
                      ("organiser", None, None, world.b), ("admin", None, None, None)}
