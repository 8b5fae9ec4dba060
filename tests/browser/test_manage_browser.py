"""A center editor in headless Chromium: sign in, change the phone number, see it in public
and in the history; the sign-in and edit pages pass axe (no serious or critical problems)."""
from playwright.sync_api import expect

from finder.directory import accounts
from finder.directory.service import create_center
from tests.browser.conftest import run_axe, save_screenshot
from tests.conftest import center_data

PASSWORD = "browser password 2026"


def _seed(live_server) -> int:
    with live_server.session() as session:
        center = create_center(session, center_data(name="Toowoomba Allergy Clinic"), actor="test")
        accounts.create_account(session, "editor@example.org", PASSWORD, role="center_editor",
                                center_id=center.id, actor="test")
        return center.id


def test_editor_changes_the_phone_and_sees_it_in_public_and_in_history(page, live_server):
    center_id = _seed(live_server)
    page.goto(f"{live_server.url}/manage/login")
    assert run_axe(page) == []
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Edit").first.click()
    assert page.url.endswith(f"/manage/centers/{center_id}/edit")
    assert run_axe(page) == []
    save_screenshot(page, "manage-edit")

    page.get_by_label("Phone").fill("+61 7 4600 1234")
    page.get_by_role("button", name="Save changes").click()
    assert "Saved." in page.locator(".notice").first.inner_text()

    page.goto(f"{live_server.url}/centers/{center_id}")
    assert "+61 7 4600 1234" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/manage/centers/{center_id}/history")
    history = page.locator("main").inner_text()
    assert "update by editor@example.org" in history
    assert "+61 7 3000 0000" in history and "+61 7 4600 1234" in history
    assert page.blocked == [] and page.dialogs == []


def test_edit_page_with_field_errors_passes_axe(page, live_server):
    center_id = _seed(live_server)
    page.goto(f"{live_server.url}/manage/login")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/manage/centers/{center_id}/edit")
    page.get_by_label("Phone").fill("call the switchboard")
    page.get_by_role("button", name="Save changes").click()
    assert page.locator("#phone-error").is_visible()
    assert page.get_by_label("Phone").get_attribute("aria-invalid") == "true"
    assert run_axe(page) == []


def test_moved_address_is_confirmed_on_a_map_before_saving(page, live_server, monkeypatch):
    from finder.web.manage import listings
    from tests.web.staff_kit import TOOWOOMBA, FakeGeocoder

    monkeypatch.setattr(listings, "address_geocoder", lambda: FakeGeocoder(TOOWOOMBA))
    center_id = _seed(live_server)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/manage/login")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/manage/centers/{center_id}/edit")
    page.get_by_label("Town or suburb").fill("Toowoomba")
    page.get_by_label("Postcode").fill("4350")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#confirm-map.leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert run_axe(page) == []
    save_screenshot(page, "manage-confirm-map")
    page.get_by_role("button", name="Confirm and save").click()
    assert "Saved." in page.locator(".notice").first.inner_text()
    assert page.get_by_label("Latitude").input_value() == str(TOOWOOMBA.lat)
    assert errors == [] and page.blocked == []
