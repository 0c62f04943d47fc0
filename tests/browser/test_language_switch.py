"""On a phone the language switch sits in the top bar, not inside the collapsed menu."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_owner_switches_to_english_on_a_phone_without_opening_the_menu(live_server, phone, log_in):
    log_in(phone, live_server, "owner")
    phone.goto(f"{live_server}/compounds/ZT1Q")
    expect(phone.locator("#mainNav")).to_be_hidden()  # the menu is collapsed
    switch = phone.locator("#language-switch button[value=en]")
    expect(switch).to_be_visible()
    expect(phone.locator("#notification-bell")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361  # the bar fits a 360 px phone
    with phone.expect_navigation():
        switch.click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("#language-switch button[value=zh_Hans_CN]")).to_be_visible()
    assert phone.url.endswith("/compounds/ZT1Q")
    # the bar stays one line in English too: brand, switch, bell and menu button side by side
    toggler, brand = phone.locator(".navbar-toggler").bounding_box(), phone.locator(".navbar-brand").bounding_box()
    assert abs(toggler["y"] - brand["y"]) < 10, (brand, toggler)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361
