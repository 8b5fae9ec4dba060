"""The search page in headless Chromium with every request outside 127.0.0.1 blocked: the map,
its markers and popups, hostile listing names, the keyboard-only form, geolocation and axe."""
import pytest
from playwright.sync_api import expect

from finder.directory.service import create_center
from tests.browser.conftest import run_axe, save_screenshot
from tests.conftest import center_data

CITIES = {"Brisbane": (-27.47, 153.02), "Sydney": (-33.87, 151.21), "Melbourne": (-37.81, 144.96)}
HOSTILE = ["<img src=x onerror=alert(1)>", "${alert(1)}", "{{ 7*7 }}"]


def seed(live_server, *listings: dict) -> list[int]:
    with live_server.session() as session:
        return [create_center(session, center_data(**fields), actor="test").id
                for fields in listings]


def city_centers(names=None) -> list[dict]:
    names = names or [f"{city} allergy clinic" for city in CITIES]
    return [{"name": name, "locality": city, "lat": lat, "lon": lon}
            for name, (city, (lat, lon)) in zip(names, CITIES.items(), strict=True)]


def open_results(page, live_server, query="location=Brisbane"):
    page.goto(f"{live_server.url}/search?{query}")
    page.wait_for_selector("#map_results.leaflet-container")
    page.locator(".leaflet-marker-icon").first.wait_for()


def test_map_draws_offline_with_markers_and_a_popup(page, live_server):
    seed(live_server, *city_centers())
    open_results(page, live_server)
    assert page.locator(".leaflet-marker-icon").count() == 3
    assert page.locator(".leaflet-tile-pane img").count() == 0  # no tile URL configured
    assert page.locator("path.leaflet-interactive").count() == 1  # the patient's place
    page.locator(".leaflet-marker-icon[title^='2. ']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Sydney allergy clinic" in popup.inner_text()
    assert popup.locator("a").get_attribute("href").startswith("/centers/")
    assert page.blocked == [] and page.dialogs == []
    save_screenshot(page, "search-results")


def test_hostile_names_stay_text_in_list_and_popups(page, live_server):
    seed(live_server, *city_centers(HOSTILE))
    for i, name in enumerate(HOSTILE, start=1):
        open_results(page, live_server)  # a fresh map for each popup: no auto-pan in between
        page.locator(f".leaflet-marker-icon[title^='{i}. ']").click()
        popup = page.locator(".leaflet-popup-content strong")
        popup.wait_for()
        assert popup.inner_text() == name
    assert page.locator("ol.results .department").all_inner_texts() == HOSTILE
    assert page.dialogs == []
    assert "49" not in page.locator("ol.results").inner_text()


def tab_to(page, element_id: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def test_the_whole_form_works_by_keyboard(page, live_server):
    seed(live_server, {"name": "Platinum clinic", "drug_classes": ["platinum"]})
    page.goto(f"{live_server.url}/search")
    location = page.locator("#location")
    tab_to(page, "location")
    page.keyboard.type("Toow")
    listbox = page.locator("#location-options")
    listbox.wait_for(state="visible")
    assert location.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    active = location.get_attribute("aria-activedescendant")
    assert active == "location-options-0"
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    chosen = page.locator(f"#{active}").inner_text()
    page.keyboard.press("Enter")
    assert location.input_value() == chosen and listbox.is_hidden()

    tab_to(page, "drug")
    page.keyboard.type("carbopl")
    page.locator("#drug-options").wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#drug").input_value().lower() == "carboplatin"
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search?location=Toowoomba" in page.url and "drug=carboplatin" in page.url.lower()
    assert page.locator("ol.results > li").count() == 1
    assert page.locator("ol.results").inner_text().count("Platinum clinic") >= 1


def test_escape_closes_the_suggestions(page, live_server):
    page.goto(f"{live_server.url}/search")
    page.locator("#drug").focus()
    page.keyboard.type("amox")
    page.locator("#drug-options").wait_for(state="visible")
    page.keyboard.press("Escape")
    assert page.locator("#drug-options").is_hidden()
    assert page.locator("#drug").get_attribute("aria-expanded") == "false"


def test_refused_geolocation_leaves_a_message_and_a_usable_form(page, live_server):
    page.goto(f"{live_server.url}/search")
    page.locator("#use-location").click()
    status = page.locator("#geo-status")
    expect(status).to_contain_text("could not use your location")
    assert "Type your town" in status.inner_text()
    assert page.evaluate("document.activeElement.id") == "location"
    page.keyboard.type("Brisbane")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#results-title").inner_text() == "Centers near Brisbane QLD 4000"


def test_granted_geolocation_searches_near_the_browser(page, live_server):
    seed(live_server, *city_centers())
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": -37.81, "longitude": 144.96})
    page.goto(f"{live_server.url}/search")
    page.locator("#use-location").click()
    expect(page.locator("#lat")).not_to_have_value("")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.locator("ol.results .department").first.inner_text() == "Melbourne allergy clinic"


@pytest.mark.parametrize("path", ["/", "/search?location=Brisbane&drug=amoxicillin",
                                  "/search?location=zzqqxx", "/centers/{id}"])
def test_no_serious_accessibility_violations(page, live_server, path):
    ids = seed(live_server, *city_centers())
    page.goto(live_server.url + path.format(id=ids[0]))
    if "location=Brisbane" in path:
        page.locator(".leaflet-marker-icon").first.wait_for()
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
