"""An organiser finds one owner on a long roll by name or by unit instead of scrolling."""
import re


def _names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>.*", "", cell).strip() for cell in re.findall(r"<tr>\s*<td>(.*?)</td>", body, re.S)]


def test_the_roll_is_searched_by_name_or_unit_and_the_search_is_kept_across_pages(client, world, login_as):
    login_as("organiser")
    everyone = _names(client.get("/compounds/A/roll").get_data(as_text=True))
    assert len(everyone) == 5 and "赵喆" in everyone

    page = client.get("/compounds/A/roll?q=赵").get_data(as_text=True)
    assert _names(page) == ["赵喆"] and "找到 1 名表决权人" in page

    page = client.get("/compounds/A/roll?q=1栋-1-10").get_data(as_text=True)
    assert _names(page) == ["张三"]  # owns 1-101 and 1-102: one voter

    page = client.get("/compounds/A/roll?q=P-001").get_data(as_text=True)
    assert _names(page) == ["钱堃"]

    page = client.get("/compounds/A/roll?q=%25").get_data(as_text=True)  # a LIKE wildcard is just a character
    assert _names(page) == [] and "没有姓名或房号包含" in page


def test_roll_search_in_english_counts_in_the_plural(client, world, login_as):
    login_as("organiser")
    client.post("/language", data={"locale": "en", "next": "/compounds/A/roll"})
    assert "1 voter found" in client.get("/compounds/A/roll?q=赵").get_data(as_text=True)
    assert "3 voters found" in client.get("/compounds/A/roll?q=1栋-1-").get_data(as_text=True)
