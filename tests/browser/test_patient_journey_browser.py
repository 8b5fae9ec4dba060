"""The patient's journey in headless Chromium at a phone's and a desktop's size, over the
demonstration listings: results first, "which St Marys?", cards, the center page as the next
step, keeping and sharing the list, no sideways scrolling anywhere (signed-in pages too)."""
import json
import re

import pytest
from playwright.sync_api import expect

from finder.directory import accounts
from finder.directory.exchange import seed_demo
from tests.browser.conftest import ARTIFACTS, run_axe, save_screenshot

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
DEMO = json.loads(open("data/centers.json", encoding="utf-8").read())["centers"]
PASSWORD = "journey password 2026"
BROKEN_HILL = "location=Broken+Hill&drug=carboplatin"
MOUNT_ISA = "location=Mount+Isa&drug=amoxicillin"  # regional: telehealth note and travel help


def seed_demo_listings(live_server, *, paused: str | None = None) -> dict[str, int]:
    rows = [dict(row) for row in DEMO]
    for row in rows:
        if paused and row["organisation"].startswith(paused):
            row["accepting_referrals"] = "paused"
    with live_server.session() as session:
        seed_demo(session, rows, actor="test")
        from sqlmodel import select

        from finder.directory.models import Center
        return {c.organisation: c.id for c in session.exec(select(Center)).all()}


def at_size(page, size: dict):
    page.set_viewport_size(size)
    return page


def screen_shot(page, name: str) -> None:
    """What the first screen shows (the viewport, not the whole page), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))


def first_card_top(page) -> float:
    return page.evaluate("document.querySelector('ol.results > li').getBoundingClientRect().top")


# 1. Results first ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("query", [BROKEN_HILL, MOUNT_ISA], ids=["broken-hill", "mount-isa"])
def test_the_first_result_is_in_the_first_viewport(page, live_server, size, query):
    seed_demo_listings(live_server)
    at_size(page, size).goto(f"{live_server.url}/search?{query}")
    top = first_card_top(page)
    assert 0 < top < size["height"] - 100, top  # its heading and distance are on screen
    name = "phone" if size is PHONE else "desktop"
    screen_shot(page, f"journey-{query.split('&')[0].split('=')[1].lower()}-{name}")
    summary = page.locator(".search-summary > summary")
    assert page.locator("#location").is_hidden()  # the form is folded into one line
    assert re.search(r"· near (Broken Hill NSW 2880|Mount Isa QLD 4825)", summary.inner_text())
    notes = page.locator(".notes-panel")
    assert notes.count() == 1  # one panel, after the first results
    assert page.evaluate("""() => {
        const first = document.querySelector('ol.results > li');
        const notes = document.querySelector('.notes-panel');
        return !!(first.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    if query == MOUNT_ISA:
        travel = page.locator(".travel-help")
        assert travel.locator("summary").inner_text().startswith("Help with travel costs")
        assert not travel.locator("p").first.is_visible()  # the detail is behind "more"
        travel.locator("summary").click()
        assert travel.locator("p").first.is_visible()
    summary.click()  # "change" opens the form in place
    expect(page.locator("#location")).to_be_visible()
    save_screenshot(page, f"journey-results-{query.split('&')[0].split('=')[1].lower()}-{name}")


def test_the_home_search_box_is_inside_the_first_phone_screen(page, live_server):
    at_size(page, PHONE).goto(live_server.url + "/")
    box = page.locator("#location").bounding_box()
    button = page.locator(".search-form button[type=submit]").bounding_box()
    assert box["y"] + box["height"] < PHONE["height"]
    assert button["y"] + button["height"] < PHONE["height"] + 400  # the rest of the form follows
    save_screenshot(page, "journey-home-phone")


# 2. Which St Marys? -------------------------------------------------------------------------
def test_an_ambiguous_place_is_asked_about_first(page, live_server):
    seed_demo_listings(live_server)
    at_size(page, PHONE).goto(f"{live_server.url}/search?location=St+Marys&drug=carboplatin")
    assert page.locator("h1").inner_text() == "Which St Marys?"
    choices = page.locator(".place-choices a").all_inner_texts()
    assert choices[:3] == ["St Marys SA 5042", "St Marys TAS 7215", "St Marys NSW 2760"]
    assert not any("United States" in c or "Canada" in c for c in choices)
    assert page.locator("ol.results").count() == 0  # nothing guessed
    screen_shot(page, "journey-which-place-phone")
    assert run_axe(page) == []
    page.get_by_role("link", name="St Marys NSW 2760").click()
    assert page.locator("#results-title").inner_text() == "Centers near St Marys NSW 2760"
    assert "Carboplatin" in page.locator(".search-summary > summary").inner_text()


# 3. Cards, badges, markers ------------------------------------------------------------------
def test_cards_read_at_a_glance_with_44px_actions_and_numbered_markers(page, live_server):
    seed_demo_listings(live_server, paused="St Vincent's Hospital Sydney")
    at_size(page, DESKTOP).goto(f"{live_server.url}/search?location=Sydney&drug=carboplatin&limit=3")
    page.locator(".numbered-marker").first.wait_for()
    first = page.locator("ol.results > li").first
    # St Vincent's is the nearest, but paused: after Royal North Shore, a few km farther
    assert first.locator("h3").inner_text() == "Royal North Shore Hospital"
    cards = page.locator("ol.results > li")
    paused = page.locator("ol.results > li.status-paused")
    assert paused.count() == 1 and paused.locator("h3").inner_text() == "St Vincent's Hospital Sydney"
    assert cards.nth(1).get_attribute("class").endswith("status-paused")  # listed, never hidden
    assert paused.locator(".status-badge").inner_text() == "Referrals paused"
    assert first.locator(".department").inner_text()  # the department under the hospital
    assert first.locator(".chip-match").inner_text().startswith("Platinum compounds")
    assert re.fullmatch(r"\+\d+ more", first.locator(".chips-more").inner_text())
    assert first.locator(".freshness").count() == 1 and first.locator(".badge-unverified").count() == 0
    for link in first.locator(".card-actions a").all():
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (link.inner_text(), box)
    text = page.locator("ol.results").first.inner_text()
    assert "MM" not in text
    numbers = page.locator(".numbered-marker").all_inner_texts()
    assert sorted(numbers, key=int)[:2] == ["1", "2"] and cards.count() >= 2
    marker = page.locator(".numbered-marker", has_text=re.compile(r"^1$"))
    assert marker.get_attribute("title").startswith("1. ")
    assert "You: Sydney NSW 2000" in page.locator(".leaflet-tooltip").inner_text()
    assert "your place" in page.locator("#map-caption").inner_text()  # the legend
    save_screenshot(page, "journey-cards-desktop")


def test_clusters_are_named_for_screen_readers(page, live_server):
    seed_demo_listings(live_server)
    at_size(page, DESKTOP).goto(f"{live_server.url}/search?location=Darwin&limit=25")
    page.locator(".marker-cluster").first.wait_for()
    label = page.locator(".marker-cluster").first.get_attribute("aria-label")
    assert re.fullmatch(r"\d+ centers", label)


def test_without_javascript_the_map_box_explains_itself(browser, live_server):
    seed_demo_listings(live_server)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/search?{BROKEN_HILL}")
    assert page.locator(".map-noscript").is_visible()
    assert "The map needs JavaScript" in page.locator(".results-map").inner_text()
    context.close()


# 4. The center page -------------------------------------------------------------------------
def test_the_center_page_is_the_next_step(page, live_server):
    seed_demo_listings(live_server)
    at_size(page, PHONE).goto(f"{live_server.url}/search?{BROKEN_HILL}")
    page.locator("ol.results > li").first.get_by_role("link", name=re.compile("^Details")).click()
    main = page.locator("main")
    assert re.search(r"km\s+in a straight line from Broken Hill NSW 2880", main.inner_text())
    directions = page.get_by_role("link", name=re.compile("^Directions from Broken Hill"))
    href = directions.get_attribute("href")
    assert href.startswith("https://www.openstreetmap.org/directions?engine=fossgis_osrm_car&route=-31.9")
    assert page.locator(".trip .travel-help").count() == 1  # regional: travel help carried over
    assert ", AU" not in page.locator(".facts-list").first.inner_text()
    assert page.get_by_role("link", name="Prepare a referral for this center").get_attribute(
        "href").startswith("/referral?center=")
    page.locator(".gp-checklist summary").click()
    assert "reaction history" in page.locator(".gp-checklist").inner_text().lower()
    assert page.locator("#map_results.leaflet-container").count() == 1
    assert "Last changed" in main.inner_text() or "As listed on" in main.inner_text()
    assert page.blocked == []  # nothing left the app, the directions link included
    assert run_axe(page) == []
    save_screenshot(page, "journey-center-phone")
    screen_shot(page, "journey-center-phone")
    page.get_by_role("link", name="← Back to results").click()
    assert page.locator("#results-title").inner_text() == "Centers near Broken Hill NSW 2880"


# 5. Keep and share --------------------------------------------------------------------------
def test_the_shortlist_prints_five_and_the_link_copies(page, live_server):
    seed_demo_listings(live_server)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    at_size(page, DESKTOP).goto(f"{live_server.url}/search?{MOUNT_ISA}")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    page.emulate_media(media="print")
    visible = [c for c in page.locator("ol.results > li").all() if c.is_visible()]
    assert len(visible) == 5
    assert page.locator(".print-only", has_text="Shortlist printed").is_visible()
    assert page.locator(".print-only", has_text="Travel help").is_visible()
    assert "Phone" in visible[0].inner_text() and "km" in visible[0].inner_text()
    assert not page.locator(".results-map").is_visible()


# 6. No sideways scrolling -------------------------------------------------------------------
def signed_in_pages(live_server, page, ids) -> list[str]:
    center_id = next(iter(ids.values()))
    with live_server.session() as session:
        accounts.create_account(session, "admin@example.org", PASSWORD, role="admin",
                                actor="test")
    page.goto(f"{live_server.url}/manage/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return ["/manage/", f"/manage/centers/{center_id}/edit",
            f"/manage/centers/{center_id}/history", "/manage/accounts", "/manage/tokens"]


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways(page, live_server, width):
    ids = seed_demo_listings(live_server)
    center_id = next(iter(ids.values()))
    at_size(page, {"width": width, "height": 800})
    public = ["/", "/search", f"/search?{BROKEN_HILL}", f"/search?{MOUNT_ISA}",
              "/search?location=St+Marys", "/search?location=Broken+Hill&radius_km=abc",
              "/directory", f"/centers/{center_id}", f"/centers/{center_id}?{BROKEN_HILL}",
              "/referral", "/list-your-center", "/manage/login", "/nowhere"]
    wide = []
    for path in public + signed_in_pages(live_server, page, ids):
        page.goto(live_server.url + path)
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if sizes[0] > sizes[1]:
            wide.append((path, sizes))
    page.goto(f"{live_server.url}/referral?drug=carboplatin&location=Broken+Hill")
    page.locator("#indication").fill("ovarian cancer")
    page.locator("#reactions-0-drug").fill("carboplatin")
    page.locator("#submit-referral").click()
    page.wait_for_url("**/referral/result")
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > sizes[1]:
        wide.append(("/referral/result", sizes))
    assert wide == [], wide


# 8. The directory ---------------------------------------------------------------------------
def test_the_directory_jumps_to_a_state_and_filters_without_javascript(browser, live_server):
    seed_demo_listings(live_server)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/directory")
    link = page.get_by_role("link", name=re.compile(r"^TAS \(\d+\)$"))
    link.click()
    assert page.url.endswith("#region-AU-TAS")
    assert re.search(r"TAS\s+\(2 centers\)", page.locator("#region-AU-TAS").inner_text())
    page.get_by_label("Name or town").fill("Launceston")
    page.get_by_role("button", name="Filter").click()
    assert page.locator(".center-card").count() == 1
    assert "Launceston General Hospital" in page.locator(".center-card").inner_text()
    context.close()


# Keep: axe-clean at both sizes -----------------------------------------------------------------
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", [f"/search?{MOUNT_ISA}", "/directory", "/",
                                  "/search?location=Broken+Hill&radius_km=abc"])
def test_journey_pages_have_no_serious_accessibility_violations(page, live_server, size, path):
    seed_demo_listings(live_server)
    at_size(page, size).goto(live_server.url + path)
    if "Mount" in path:
        page.locator(".numbered-marker").first.wait_for()
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
