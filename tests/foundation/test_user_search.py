"""The admin finds one account among many by name or user name, fifty to a page."""
from committee_app.accounts import operations as accounts
from committee_app.extensions import db


def test_the_admin_searches_accounts_and_pages_through_them(app, client, world, login_as):
    with app.app_context():
        for n in range(60):
            accounts.create_user(f"resident{n:02d}", f"住户{n:02d}", "long-enough-password-1")
        db.session.commit()
    login_as("admin")
    first = client.get("/admin/users").get_data(as_text=True)
    assert first.count('class="list-group-item list-group-item-action"') == 50
    assert "page=2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count('class="list-group-item list-group-item-action"') == 20  # 70 accounts in all

    found = client.get("/admin/users?q=住户07").get_data(as_text=True)
    assert found.count('class="list-group-item list-group-item-action"') == 1 and "resident07" in found
    assert "找到 1 个账号" in found
    by_username = client.get("/admin/users?q=other_").get_data(as_text=True)
    assert "other_organiser" in by_username and "other_owner" in by_username and "resident01" not in by_username
    assert "没有找到账号" in client.get("/admin/users?q=nobody").get_data(as_text=True)
