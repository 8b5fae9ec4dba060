"""The referral builder in headless Chromium: filled in by keyboard alone, reactions added and
removed, axe-clean pages, and a result that prints as an A4 letter of at most two pages with
the navigation and buttons hidden."""
import re

import pytest
from playwright.sync_api import expect

from finder.directory.service import create_center
from tests.browser.conftest import run_axe, save_screenshot
from tests.conftest import center_data

A4_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def seed_centers(live_server, count: int = 6) -> None:
    """Platinum centers spread along the way from Broken Hill (regional) to the coast."""
    with live_server.session() as session:
        for n in range(count):
            create_center(session, center_data(
                name=f"Allergy and Immunology Service {n + 1}",
                organisation=f"Long Hospital Name Number {n + 1}", locality="Sydney",
                region="NSW", lat=-33.0 - n * 0.2, lon=146.0 + n, drug_classes=["platinum"],
                phone=f"+61 2 9000 000{n}"), actor="test")


def tab_to(page, element_id: str, limit: int = 400) -> None:
    """Press Tab until the element with this id has focus: keyboard navigation only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} never received focus by Tab")


def pdf_pages(page) -> int:
    return len(A4_PAGE.findall(page.pdf(format="A4", print_background=False)))


def test_the_form_filled_by_keyboard_alone_gives_the_verdict(page, live_server):
    seed_centers(live_server)
    page.goto(f"{live_server.url}/referral?drug=carboplatin&location=Broken+Hill")
    assert run_axe(page) == []

    tab_to(page, "indication")
    page.keyboard.type("ovarian cancer")
    tab_to(page, "urgency-routine")
    page.keyboard.press("ArrowDown")  # radio group: arrows choose "soon"
    tab_to(page, "patient-age_years")
    page.keyboard.type("54")
    tab_to(page, "patient-asthma")
    page.keyboard.press("Space")
    tab_to(page, "reactions-0-drug")
    page.keyboard.type("carboplatin")
    tab_to(page, "reactions-0-years_ago")
    page.keyboard.type("1")
    tab_to(page, "reactions-0-onset-under_1h")
    page.keyboard.press("Space")  # a radio group: Space chooses the focused "Within 1 hour"
    tab_to(page, "reactions-0-symptoms-urticaria")
    page.keyboard.press("Space")
    tab_to(page, "reactions-0-symptoms-hypotension")
    page.keyboard.press("Space")
    tab_to(page, "submit-referral")
    page.keyboard.press("Enter")

    page.wait_for_url("**/referral/result")
    verdict = page.locator(".verdict")
    assert "Possible candidate" in verdict.inner_text()
    assert "Desensitization may be an option" in verdict.inner_text()
    assert page.locator(".center-card").count() == 5
    assert page.locator("#print-referral").is_visible()  # shown by our script
    assert run_axe(page) == []
    assert page.blocked == [] and page.dialogs == []


def test_reactions_are_added_and_removed_from_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/referral")
    assert page.locator("fieldset.reaction").count() == 3
    tab_to(page, "add-reaction")
    page.keyboard.press("Enter")
    assert page.locator("fieldset.reaction").count() == 4
    focused = page.evaluate("document.activeElement.id")
    assert focused == "reactions-3-drug"
    assert page.locator("#reaction-3 .reaction-legend").inner_text() == "Reaction 4"
    page.keyboard.type("amoxicillin")
    page.locator("#reaction-1 .remove-reaction").focus()
    page.keyboard.press("Enter")
    assert page.locator("fieldset.reaction").count() == 3
    assert page.locator("#reaction-3 .reaction-legend").inner_text() == "Reaction 3"  # renumbered
    assert page.evaluate("document.activeElement.id") == "add-reaction"
    expect(page.locator("#reaction-status")).to_have_text("Reaction 2 removed.")
    assert run_axe(page) == []


def test_errors_come_back_beside_the_fields_and_the_summary_takes_focus(page, live_server):
    page.goto(f"{live_server.url}/referral")
    page.fill("#drug", "carboplatin")
    page.fill("#patient-age_years", "130")
    page.fill("#reactions-0-drug", "carboplatin")
    page.click("#submit-referral")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#patient-age_years-error").inner_text().endswith(
        "Must be between 0 and 120.")
    assert page.locator("#reactions-0-symptoms-error").is_visible()
    assert page.locator("#reactions-0-onset-error").is_visible()  # a required choice
    assert page.input_value("#reactions-0-drug") == "carboplatin"
    assert run_axe(page) == []


def fill_the_longest_referral(page, live_server) -> None:
    """Every condition, three reactions with many symptoms, five centers and travel help."""
    page.goto(f"{live_server.url}/referral?drug=carboplatin&location=Broken+Hill")
    page.fill("#indication", "Recurrent high-grade serous ovarian cancer, second line")
    page.fill("#patient-age_years", "54")
    for code in ("asthma", "pregnancy", "beta_blocker", "cardiovascular_disease",
                 "mastocytosis"):
        page.check(f"#patient-{code}")
    for i, drug in enumerate(["carboplatin", "cisplatin", "oxaliplatin"]):
        page.fill(f"#reactions-{i}-drug", drug)
        page.fill(f"#reactions-{i}-years_ago", str(i + 1))
        page.check(f"#reactions-{i}-onset-under_1h")
        for code in ("urticaria", "angioedema", "pruritus", "flushing", "bronchospasm",
                     "hypotension", "anaphylaxis", "gastrointestinal"):
            page.check(f"#reactions-{i}-symptoms-{code}")
        for code in ("adrenaline", "antihistamine", "corticosteroid", "hospital_admission"):
            page.check(f"#reactions-{i}-treatments-{code}")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")


def test_the_result_prints_as_an_a4_letter_of_at_most_two_pages(page, live_server):
    seed_centers(live_server)
    fill_the_longest_referral(page, live_server)
    assert page.locator(".center-card").count() == 5
    assert page.locator(".travel").count() == 1

    page.emulate_media(media="print")
    for hidden in ("nav", ".site-header", ".site-footer", "#print-referral",
                   ".result-actions button", ".result-actions a"):
        for i in range(page.locator(hidden).count()):
            assert not page.locator(hidden).nth(i).is_visible(), hidden
    assert page.locator(".verdict").is_visible()
    assert page.locator(".gp-details").is_visible()
    assert "Provider number" in page.locator(".gp-details").inner_text()
    save_screenshot(page, "referral-print")
    pages = pdf_pages(page)
    assert 1 <= pages <= 2, pages


def test_a_short_not_suitable_letter_prints_on_one_or_two_pages(page, live_server):
    page.goto(f"{live_server.url}/referral")
    page.fill("#drug", "amoxicillin")
    page.fill("#patient-age_years", "30")
    page.fill("#reactions-0-drug", "amoxicillin")
    page.check("#reactions-0-onset-1_to_7_days")
    page.check("#reactions-0-symptoms-sjs")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    assert "Not suitable" in page.locator(".verdict").inner_text()
    assert run_axe(page) == []
    page.emulate_media(media="print")
    assert 1 <= pdf_pages(page) <= 2
