"""A center editor in headless Chromium: sign in, change the phone number, see it in public
and in the history; the sign-in and edit pages pass axe (no serious or critical problems)."""
from urllib.parse import urlsplit

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
    page.get_by_role("button", name="Save changes").first.click()
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
    page.get_by_role("button", name="Save changes").first.click()
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
    page.get_by_role("button", name="Save changes").first.click()
    expect(page.locator("#confirm-map.leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert run_axe(page) == []
    save_screenshot(page, "manage-confirm-map")
    page.get_by_role("button", name="Confirm and save").click()
    assert "Saved." in page.locator(".notice").first.inner_text()
    assert page.get_by_label("Latitude").input_value() == str(TOOWOOMBA.lat)
    assert errors == [] and page.blocked == []


def _sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server.url}/manage/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_invitation_from_the_admin_to_a_signed_in_editor(page, live_server, browser):
    center_id = _seed(live_server)
    with live_server.session() as session:
        accounts.create_account(session, "admin@example.org", PASSWORD, role="admin", actor="test")
    _sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label("Email").fill("nurse@hospital.example.org")
    page.get_by_label("Center (for a center editor)").select_option(str(center_id))
    page.get_by_role("button", name="Send the invitation").click()
    shown = page.locator(".link-value").inner_text().strip()
    assert shown.startswith("http://127.0.0.1:5000/manage/link/")  # on FINDER_PUBLIC_URL
    link = live_server.url + urlsplit(shown).path  # this test's server is on another port
    assert "nurse@hospital.example.org" in page.locator("main").inner_text()  # not accepted yet

    invitee = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    invitee.goto(link)
    assert "Welcome: choose your password" in invitee.locator("h1").inner_text()
    assert run_axe(invitee) == []
    invitee.get_by_label("New password").fill("password1234")
    invitee.get_by_role("button", name="Set the password and sign in").click()
    expect(invitee.locator("#password-error")).to_contain_text("too easy to guess")
    invitee.get_by_label("New password").fill("copper kites drift over wheat")
    invitee.get_by_role("button", name="Set the password and sign in").click()
    assert invitee.url.endswith(f"/manage/centers/{center_id}/edit")
    assert "Your password is set" in invitee.locator(".notice").first.inner_text()
    invitee.goto(link)
    assert "This link no longer works" in invitee.locator("h1").inner_text()
    invitee.context.close()


def test_editor_picks_languages_by_name_sets_hours_and_confirms_on_save(page, live_server):
    center_id = _seed(live_server)
    _sign_in(page, live_server, "editor@example.org")
    page.goto(f"{live_server.url}/manage/centers/{center_id}/edit")
    page.get_by_label("Find a language").fill("viet")
    expect(page.get_by_label("Vietnamese")).to_be_visible()
    expect(page.get_by_label("Punjabi")).to_be_hidden()
    page.get_by_label("Vietnamese").check()
    page.get_by_label("Another language").fill("Tigrinya")
    page.get_by_label("Open on Tuesday").check()
    page.locator("#opens_tue_1").fill("08:30")
    page.locator("#closes_tue_1").fill("16:00")
    page.locator("#confirm_current_bottom").check()
    expect(page.locator("#confirm_current_top")).to_be_checked()  # the two boxes agree
    page.get_by_role("button", name="Save changes").last.click()
    notice = page.locator(".notice").first.inner_text()
    assert "Saved and confirmed" in notice
    assert "Confirmed by the center on" in page.locator("main").inner_text()
    expect(page.get_by_label("Vietnamese")).to_be_checked()
    expect(page.get_by_label("Tigrinya")).to_be_checked()
    expect(page.get_by_label("Open on Tuesday")).to_be_checked()
    with live_server.session() as session:
        from finder.directory.models import Center
        center = session.get(Center, center_id)
        assert "vi" in center.languages and "ti" in center.languages
        assert {"day": "tue", "opens": "08:30", "closes": "16:00"} in center.hours
        assert center.timezone == "Australia/Brisbane"  # from the state, QLD
    assert run_axe(page) == []


def test_edit_page_fits_a_320_pixel_phone(page, live_server):
    center_id = _seed(live_server)
    _sign_in(page, live_server, "editor@example.org")
    page.set_viewport_size({"width": 320, "height": 640})
    for path in (f"/manage/centers/{center_id}/edit", "/manage/password",
                 f"/manage/centers/{center_id}/history"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
