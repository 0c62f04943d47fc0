"""The app factory: secret key file, error pages, phone layout, no external hosts."""
import re

from committee_app import create_app


def test_the_secret_key_is_created_once_and_shared(tmp_path, monkeypatch):
    import committee_app

    monkeypatch.setattr(committee_app, "PROJECT_ROOT", tmp_path)
    first = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == first.config["SECRET_KEY"]


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_pages_load_nothing_from_another_host_and_fit_a_phone(client, world):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="viewport"' in page and "width=device-width" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    css = re.search(r'href="([^"]*bootstrap[^"]*\.css)"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    response.close()
