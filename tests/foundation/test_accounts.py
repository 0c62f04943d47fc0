"""Logins, throttling, CSRF, roles granted and revoked by an admin."""
from sqlalchemy import select

from committee_app.accounts.models import RoleGrant, User
from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from tests.conftest import PASSWORD, login


def test_each_role_lands_on_a_page_that_makes_sense(client, world):
    expectations = {"admin": "/admin/users", "organiser": "/compounds/A", "owner": "/compounds/A"}
    for role, target in expectations.items():
        client.post("/logout")
        login(client, role)
        response = client.get("/")
        if target:
            assert response.status_code == 302 and response.headers["Location"].endswith(target), role
        else:
            assert response.status_code in (200, 302)


def test_a_wrong_password_is_refused_and_logins_are_throttled(app, client, world):
    for _ in range(5):
        response = login(client, "organiser", "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.get_data(as_text=True)
    response = login(client, "organiser")  # right password, but locked out now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_a_success_resets_the_failure_count(client, world):
    for _ in range(4):
        login(client, "mentor", "wrong-password")
    assert login(client, "mentor").status_code == 302
    client.post("/logout")
    for _ in range(4):
        login(client, "mentor", "wrong-password")
    assert login(client, "mentor").status_code == 302


def test_a_forged_form_post_without_csrf_token_is_rejected(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已失效" in response.get_data(as_text=True)


def test_an_admin_creates_a_user_and_grants_then_revokes_a_role(app, client, world, login_as):
    login_as("admin")
    response = client.post("/admin/users", data={"username": "newbie", "display_name": "新人", "password": "longpassword"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "newbie"))
        user_id = user.id
    response = client.post(f"/admin/users/{user_id}/grants", data={"role": "organiser",
                                                                     "organiser_compound_id": world.b})
    assert response.status_code == 302
    with app.app_context():
        grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user_id))
        assert grant.compound_id == world.b and grant.revoked_at is None
        grant_id = grant.id
    client.post("/logout")
    login(client, "newbie", "longpassword")
    assert client.get("/compounds/B/roll").status_code == 200
    login_as("admin")
    assert client.post(f"/admin/grants/{grant_id}/revoke").status_code == 302
    client.post("/logout")
    login(client, "newbie", "longpassword")
    assert client.get("/compounds/B/roll").status_code == 403
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
        assert {"user.create", "role.grant", "role.revoke", "user.login"} <= set(actions)


def test_a_role_without_its_scope_is_refused(app, client, world, login_as):
    login_as("admin")
    response = client.post(f"/admin/users/{world.users['owner']}/grants",
                           data={"role": "owner", "owner_compound_id": world.a}, follow_redirects=True)
    assert "此角色需要指定范围：业主的楼栋和房号" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{world.users['owner']}/grants",
                           data={"role": "mentor", "mentor_community_id": 0}, follow_redirects=True)
    assert "此角色需要指定范围：社区" in response.get_data(as_text=True)


def test_the_english_switch_translates_the_layout(client, world):
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page
