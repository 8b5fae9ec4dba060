"""The referral builder in headless Chromium: filled in by keyboard alone, reactions added and
removed, axe-clean pages, and a result that prints as an A4 letter of at most two pages with
the navigation and buttons hidden."""
import io
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from playwright.sync_api import expect
from pypdf import PdfReader

from finder.directory.service import create_center
from tests.browser.conftest import ARTIFACTS, run_axe, save_screenshot
from tests.conftest import center_data


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
    page.keyboard.press("Space")
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
    assert page.locator("#print-letter").is_visible()  # shown by our script
    assert page.locator("#print-handout").is_visible()
    assert run_axe(page) == []
    assert page.blocked == [] and page.dialogs == []


def test_reactions_are_added_and_removed_from_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/referral")
    assert page.locator("fieldset.reaction").count() == 1
    for count in (2, 3):
        tab_to(page, "add-reaction")
        page.keyboard.press("Enter")
        assert page.locator("fieldset.reaction").count() == count
    assert page.evaluate("document.activeElement.id") == "reactions-2-drug"
    assert page.locator("#reaction-2 .reaction-legend").inner_text() == "Reaction 3"
    page.keyboard.type("amoxicillin")
    page.locator("#reaction-1 .remove-reaction").focus()
    page.keyboard.press("Enter")
    assert page.locator("fieldset.reaction").count() == 2
    assert page.locator("#reaction-2 .reaction-legend").inner_text() == "Reaction 2"  # renumbered
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
    assert page.input_value("#reactions-0-drug") == "carboplatin"
    assert run_axe(page) == []


def fill_the_longest_referral(page, live_server) -> None:
    """Every condition, three reactions with every history item, tests, a narrative of 1,000
    characters, five centers and travel help."""
    page.goto(f"{live_server.url}/referral?drug=carboplatin&location=Broken+Hill")
    page.fill("#indication", "Recurrent high-grade serous ovarian cancer, second line")
    page.fill("#needed_by", page.evaluate(
        "new Date(Date.now() + 20 * 864e5).toISOString().slice(0, 10)"))
    page.click("summary:has-text('Chemotherapy and treating specialist')")
    page.fill("#chemo_cycle", "4")
    page.fill("#premedication", "dexamethasone 20 mg, loratadine 10 mg, famotidine 20 mg")
    page.fill("#specialist", "Dr A Jones, medical oncology, Townsville University Hospital")
    page.fill("#patient-age_years", "54")
    for code in ("asthma", "pregnancy", "beta_blocker", "ace_inhibitor",
                 "cardiovascular_disease", "mastocytosis"):
        page.check(f"#patient-{code}")
    page.click("summary:has-text('Current medicines and weight')")
    page.fill("#patient-current_medicines", "metoprolol 50 mg bd, perindopril 5 mg, "
                                            "salbutamol prn, fluticasone 250 bd")
    for i, drug in enumerate(["carboplatin", "cisplatin", "oxaliplatin"]):
        if i:
            page.click("#add-reaction")
        page.fill(f"#reactions-{i}-drug", drug)
        page.fill(f"#reactions-{i}-years_ago", str(i + 1))
        page.check(f"#reactions-{i}-onset-under_1h")
        for code in ("urticaria", "angioedema", "pruritus", "flushing", "bronchospasm",
                     "hypotension", "anaphylaxis", "gastrointestinal"):
            page.check(f"#reactions-{i}-symptoms-{code}")
        for code in ("adrenaline", "antihistamine", "corticosteroid", "hospital_admission"):
            page.check(f"#reactions-{i}-treatments-{code}")
        page.click(f"#reaction-{i} summary")
        page.fill(f"#reactions-{i}-dose", "AUC 5 (650 mg)")
        page.select_option(f"#reactions-{i}-route", "iv")
        page.select_option(f"#reactions-{i}-recovery", "under_24h")
        page.fill(f"#reactions-{i}-co_medications", "ondansetron, dexamethasone, palonosetron")
        page.fill(f"#reactions-{i}-related_tolerated", "paclitaxel and gemcitabine since")
    page.click("#tests summary")
    page.fill("#tests-tryptase-result", "14.2 ug/L at 1 h; baseline 4.1")
    page.fill("#tests-skin_prick-result", "carboplatin 10 mg/mL positive")
    page.click("summary:has-text('The history in your words')")
    page.fill("#narrative", ("Flushing, back pain and hypotension 10 minutes into cycle 3. " * 20)[:1000])
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")


IDENTITY = {"patient_name": "Jane Citizen", "patient_dob": "3 May 1971",
            "doctor_name": "Dr Sam Lee", "practice": "Mount Isa Family Practice",
            "provider_number": "2345678A", "phone": "07 4743 0000"}


def type_identity(page, values=IDENTITY) -> None:
    for key, value in values.items():
        page.fill(f"#id-{key}", value)


def letter_pdf_pages(page, part: str) -> list[str]:
    """The text of each A4 page Chromium prints when only `part` is printed."""
    page.evaluate(f"document.body.classList.add('print-only-{part}')")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"referral-{part}.pdf").write_bytes(pdf)  # to look at after a run
    page.evaluate(f"document.body.classList.remove('print-only-{part}')")
    page.emulate_media(media="screen")
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_letter_prints_on_at_most_two_a4_pages_with_page_one_identifying_it(page,
                                                                                live_server):
    seed_centers(live_server)
    fill_the_longest_referral(page, live_server)
    page.click(".choose-center >> nth=0")  # address it to the nearest center
    page.wait_for_url("**/referral/result")
    chosen = page.locator(".center-card.chosen h3").inner_text()
    type_identity(page)
    texts = letter_pdf_pages(page, "letter")
    assert 1 <= len(texts) <= 2, len(texts)
    first = " ".join(texts[0].split())
    print(f"letter: {len(texts)} pages; page 1 ends with: {first[-120:]!r}")
    for words in ("Jane Citizen", "3 May 1971", "Dr Sam Lee", "Mount Isa Family Practice",
                  "2345678A", f"To: {chosen}", "Urgency", "Drug needed carboplatin (Platinum",
                  "Recurrent high-grade serous ovarian cancer", "Reaction history"):
        assert words in first, words
    assert first.index("Jane Citizen") < first.index("Reaction history")
    everything = " ".join(" ".join(t.split()) for t in texts)
    assert "Screening:" in everything and f"Questions for {chosen}" in everything
    assert "Never try" not in everything and "at home" not in everything  # for the handout
    # No section split across the page break when it fits on one page.
    if len(texts) == 2:
        second = " ".join(texts[1].split())
        for heading in ("Screening:", "Questions for"):
            assert (heading in first) != (heading in second), heading
    save_screenshot(page, "referral-letter")


def test_the_handout_prints_alone_on_one_page_and_in_plain_words(page, live_server):
    seed_centers(live_server)
    fill_the_longest_referral(page, live_server)
    texts = letter_pdf_pages(page, "handout")
    assert len(texts) == 1
    text = " ".join(texts[0].split())
    assert "what it means" in text and "Never try small doses" in text
    assert "Reaction history" not in text


def test_a_short_not_suitable_letter_prints_on_one_page(page, live_server):
    page.goto(f"{live_server.url}/referral")
    page.fill("#drug", "amoxicillin")
    page.fill("#patient-age_years", "30")
    page.fill("#reactions-0-drug", "amoxicillin")
    page.check("#reactions-0-symptoms-sjs")
    page.check("#reactions-0-onset-unknown")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    assert "Not suitable" in page.locator(".verdict").inner_text()
    assert run_axe(page) == []
    assert len(letter_pdf_pages(page, "letter")) == 1
    # The browser's own Print gives the letter, then the handout on its own page.
    page.emulate_media(media="print")
    assert len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages) == 2


def test_the_doctor_is_remembered_until_forget_me_and_the_patient_only_in_this_tab(page,
                                                                                   live_server):
    page.goto(f"{live_server.url}/referral?drug=carboplatin")
    page.fill("#patient-age_years", "54")
    page.fill("#reactions-0-drug", "carboplatin")
    page.check("#reactions-0-symptoms-urticaria")
    page.check("#reactions-0-onset-unknown")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    page.check("#remember-doctor")
    type_identity(page)
    assert page.locator('.referral-letter [data-fill="doctor_name"]').inner_text() == "Dr Sam Lee"
    page.click("#change-answers")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    assert page.input_value("#id-doctor_name") == "Dr Sam Lee"
    assert page.input_value("#id-patient_name") == "Jane Citizen"  # same tab
    other = page.context.new_page()
    other.goto(page.url.replace("/result", ""))
    assert other.evaluate("localStorage.getItem('referral-doctor')") is not None
    assert other.evaluate("sessionStorage.getItem('referral-patient')") is None  # new tab
    other.close()
    page.click("#forget-doctor")
    assert page.input_value("#id-doctor_name") == ""
    assert page.evaluate("localStorage.getItem('referral-doctor')") is None
    expect(page.locator("#identity-status")).to_contain_text("forgotten")


secret_text = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]),
                      min_size=8, max_size=20)


@hypothesis_settings(max_examples=4, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({key: secret_text for key in IDENTITY}))
def test_nothing_typed_for_the_letter_is_ever_sent(page, live_server, values):
    seed_centers(live_server, count=2)
    sent = []
    page.on("request", lambda r: sent.append(" ".join([r.url, r.post_data or "",
                                                       str(r.headers)])))
    page.goto(f"{live_server.url}/referral?drug=carboplatin&location=Broken+Hill")
    page.fill("#patient-age_years", "54")
    page.fill("#reactions-0-drug", "carboplatin")
    page.check("#reactions-0-symptoms-urticaria")
    page.check("#reactions-0-onset-unknown")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    page.check("#remember-doctor")
    type_identity(page, values)
    for button in ("Download FHIR", "Download text"):
        with page.expect_download():
            page.click(f"button:has-text('{button}')")
    page.click(".choose-center >> nth=0")
    page.wait_for_url("**/referral/result")
    assert page.input_value("#id-patient_name") == values["patient_name"]  # kept in the tab
    page.click("#change-answers")
    page.wait_for_url("**/referral/edit")
    page.click("#submit-referral")
    page.wait_for_url("**/referral/result")
    assert len(sent) >= 6
    for value in values.values():
        for form in {value, quote_plus(value), quote(value)}:
            assert not any(form in request for request in sent), value
    page.context.clear_cookies()
    page.evaluate("localStorage.clear(); sessionStorage.clear()")
