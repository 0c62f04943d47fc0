"""A mentor finds action items by compound, state and text, a page at a time; a bad query
string is ignored, never a 500 (issue 15 item 9)."""
import pytest

from committee_app import clock
from committee_app.extensions import db
from committee_app.workshop.models import ActionItem

from .factories import log_session


@pytest.fixture
def items(app, world, thursday):
    with app.app_context():
        log_session(world.a, items=[("事项甲一 门禁", 5), ("事项甲二 逾期", -2)])
        log_session(world.b, items=[("事项乙一 门禁", 5), ("事项乙二", 9)])
        done = db.session.scalar(db.select(ActionItem).where(ActionItem.title == "事项乙二"))
        from committee_app.workshop import operations

        operations.complete_item(done, on=clock.today(), note="已办完")
        db.session.commit()


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_mentor_filters_items_by_compound_state_and_text(client, login_as, world, items):
    login_as("mentor")
    page = _page(client, "/workshop/items")
    assert all(t in page for t in ("事项甲一", "事项甲二", "事项乙一", "事项乙二"))
    page = _page(client, f"/workshop/items?compound={world.b}")
    assert "事项乙一" in page and "事项甲一" not in page
    page = _page(client, "/workshop/items?state=overdue")
    assert "事项甲二" in page and "事项甲一" not in page and "事项乙二" not in page
    page = _page(client, "/workshop/items?state=done")
    assert "事项乙二" in page and "事项乙一" not in page
    page = _page(client, "/workshop/items?state=open")
    assert "事项甲一" in page and "事项甲二" in page and "事项乙二" not in page
    page = _page(client, "/workshop/items?q=门禁")
    assert "事项甲一" in page and "事项乙一" in page and "事项甲二" not in page
    page = _page(client, f"/workshop/items?q=门禁&compound={world.a}&state=open")
    assert "事项甲一" in page and "事项乙一" not in page


@pytest.mark.parametrize("query", ["compound=abc", "compound=999999", f"compound={10**30}", "state=everything",
                                   "page=0", "page=-3", "page=abc", "page=99999", "q=" + "x" * 500,
                                   "q=%25", "q=_", "compound=&state=&q="])
def test_bad_query_values_are_ignored(client, login_as, world, items, query):
    login_as("mentor")
    page = _page(client, f"/workshop/items?{query}")
    if query.startswith(("compound", "state", "page=0", "page=-", "page=abc", "q=x")):
        assert "事项甲一" in page and "事项乙一" in page


def test_a_page_past_the_integer_range_is_not_found_as_everywhere(client, login_as, items):
    login_as("mentor")  # committee_app/web/guards.py: a numeric query argument past the integer range
    assert client.get(f"/workshop/items?page={10**30}").status_code == 404


def test_a_compound_outside_the_scope_is_not_a_filter(client, login_as, world, items):
    login_as("organiser")  # organiser of A: compound B is not theirs
    page = _page(client, f"/workshop/my-items?compound={world.b}")
    assert "事项乙一" not in page and "事项甲一" in page


def test_a_long_list_is_paged(app, client, login_as, world, thursday):
    with app.app_context():
        log_session(world.a, items=[(f"长清单事项{n:02d}", 3 + n) for n in range(25)])
        db.session.commit()
    login_as("mentor")
    first = _page(client, "/workshop/compounds/A/items")
    assert "长清单事项00" in first and "长清单事项19" in first and "长清单事项20" not in first
    assert 'href="/workshop/compounds/A/items?page=2"' in first
    second = _page(client, "/workshop/compounds/A/items?page=2")
    assert "长清单事项20" in second and "长清单事项24" in second and "长清单事项00" not in second
    filtered = _page(client, "/workshop/compounds/A/items?q=事项2&state=open")
    assert "长清单事项20" in filtered and "长清单事项19" not in filtered
