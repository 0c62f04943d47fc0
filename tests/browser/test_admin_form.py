"""An admin grants a role on a phone and a desktop: no role is preselected, choosing "owner"
shows only the owner's fields, the owner is picked by building and then unit from the roll, and
the user is listed with that scope in words (issue 15 item 7)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_an_admin_grants_an_owner_by_building_and_unit(app, live_server, browser, log_in, width):
    from committee_app.extensions import db
    from committee_app.registry.models import Compound, Unit, Voter

    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "ZT1Q"))
        unit = db.session.scalars(db.select(Unit).join(Voter, Unit.voter_id == Voter.id)
                                  .where(Unit.compound_id == compound.id, Voter.is_on_roll, Voter.kind == "owner")
                                  .order_by(Unit.sort_key)).all()[5]
        compound_name, building_name, number = compound.name, unit.building.name, unit.number
        voter_name = unit.voter.display_name
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users")
    username = f"owner{width}"
    page.fill("#username", username)
    page.fill("#display_name", f"新业主{width}")
    page.fill("#password", "longpassword1")
    with page.expect_navigation():
        page.get_by_role("button", name="创建账号").click()

    role = page.locator("#role")
    expect(role).to_have_value("")
    expect(role.locator("option:checked")).to_have_text("请选择角色")
    for group in ("street_officer", "mentor", "organiser", "owner"):
        expect(page.locator(f'[data-role-fields="{group}"]')).to_be_hidden()

    role.select_option("owner")
    expect(page.locator('[data-role-fields="owner"]')).to_be_visible()
    for group in ("street_officer", "mentor", "organiser"):
        expect(page.locator(f'[data-role-fields="{group}"]')).to_be_hidden()
    expect(page.locator("#owner-units-reload")).to_be_hidden()
    expect(page.locator("#owner_building_id")).to_be_disabled()

    page.locator("#owner_compound_id").select_option(label=compound_name)
    building = page.locator("#owner_building_id")
    expect(building).to_be_enabled()
    building.select_option(label=building_name)
    unit_select = page.locator("#owner_unit_id")
    expect(unit_select).to_be_enabled()
    # only the chosen building's units are offered
    labels = unit_select.locator("option").all_inner_texts()
    assert all(label.startswith(f"{building_name}-") for label in labels[1:]) and len(labels) > 1
    unit_select.select_option(label=f"{building_name}-{number}")
    with page.expect_navigation():
        page.get_by_role("button", name="授予角色").click()
    expect(page.locator(".alert-success")).to_contain_text("已授予角色")
    scope = f"{compound_name} · {building_name}-{number}"
    expect(page.locator("table")).to_contain_text(scope)

    page.goto(f"{live_server}/admin/users?q={username}")
    expect(page.locator(".list-group")).to_contain_text(f"业主 · {scope}")
    expect(page.locator(".list-group")).to_contain_text(voter_name)
    expect(page.locator(".list-group")).not_to_contain_text("unit:")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_role_form_with_an_owner_chosen_has_no_axe_violations(app, live_server, browser, log_in, width):
    from committee_app.accounts.models import User
    from committee_app.extensions import db

    from tests.browser.test_accessibility import _violations

    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.username == "organiser"))
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users/{user_id}")
    page.locator("#role").select_option("owner")
    page.locator("#owner_compound_id").select_option(label="中铁一期")
    page.locator("#owner_building_id").select_option(index=1)
    expect(page.locator("#owner_unit_id")).to_be_enabled()
    assert _violations(page) == []
    context.close()


def test_without_javascript_every_group_shows_and_the_units_come_from_a_reload(app, live_server, browser, log_in):
    from committee_app.accounts.models import RoleGrant, User
    from committee_app.extensions import db

    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.username == "organiser_jc"))
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users/{user_id}")
    for group in ("street_officer", "mentor", "organiser", "owner"):
        expect(page.locator(f'[data-role-fields="{group}"]')).to_be_visible()
    expect(page.locator('[data-role-fields="owner"]')).to_contain_text("仅用于“业主”角色")
    page.locator("#role").select_option("owner")
    page.locator("#owner_compound_id").select_option(label="中铁一期")
    with page.expect_navigation():
        page.get_by_role("button", name="列出该小区的楼栋和房号").click()
    assert "csrf_token" not in page.url
    expect(page.locator("#role")).to_have_value("owner")
    page.locator("#owner_unit_id").select_option(index=3)
    unit_label = page.locator("#owner_unit_id option:checked").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="授予角色").click()
    expect(page.locator(".alert-success")).to_contain_text("已授予角色")
    expect(page.locator("table")).to_contain_text(f"中铁一期 · {unit_label}")
    with app.app_context():
        assert db.session.scalar(db.select(RoleGrant.role).where(RoleGrant.user_id == user_id,
                                                                 RoleGrant.role == "owner")) == "owner"
    context.close()
