"""The referral pages: the form, each verdict through the page, field-level errors, the
downloads, CSRF, and the promise that nothing of a referral is stored or logged."""
import html
import json
import logging
import re
from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import inspect, text
from werkzeug.datastructures import MultiDict

from finder.referral.dates import local_today


def today():
    return local_today("Australia/Sydney")

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMITTED = re.compile(r'name="referral" value="([^"]*)"')


def csrf_token(client) -> str:
    return TOKEN.search(client.get("/referral").get_data(as_text=True)).group(1)


def form(client, **fields) -> dict:
    """A filled-in form as the browser sends it without JavaScript: three reaction fieldsets,
    the last two left empty."""
    data = {"csrf_token": csrf_token(client), "drug": "carboplatin", "indication": "",
            "urgency": "soon", "patient-age_years": "54", "location": "",
            "reactions-0-drug": "carboplatin", "reactions-0-date": "",
            "reactions-0-years_ago": "1", "reactions-0-symptoms": ["urticaria", "hypotension"],
            "reactions-0-onset": "unknown",
            "reactions-1-drug": "", "reactions-1-date": "", "reactions-1-years_ago": "",
            "reactions-2-drug": "", "reactions-2-date": "", "reactions-2-years_ago": ""}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def page(response) -> str:
    return response.get_data(as_text=True)


def field_error(body: str, name: str) -> str | None:
    found = re.search(rf'id="{re.escape(name)}-error"><span class="visually-hidden">Error: '
                      r'</span>([^<]*)<', body)
    return html.unescape(found.group(1)) if found else None


def test_form_is_prefilled_from_a_search_link(client):
    response = client.get("/referral?drug=carboplatin&location=Broken+Hill")
    body = page(response)
    assert response.status_code == 200
    assert re.search(r'id="drug" name="drug"[^>]*data-autocomplete="/api/drugs"', body)
    assert re.search(r'id="drug"[^>]*value="carboplatin"', body, re.S)
    assert re.search(r'id="location"[^>]*value="Broken Hill"', body, re.S)
    # One reaction fieldset, plus the template JavaScript copies.
    assert re.findall(r'<fieldset class="reaction" id="reaction-(\w+)"', body) == ["0", "__i__"]
    assert 'method="post"' in body and 'novalidate' in body


def test_form_has_a_hint_for_every_text_field_and_no_inline_script(client):
    body = page(client.get("/referral"))
    for name in ("drug", "indication", "patient-age_years", "location", "reactions-0-drug",
                 "reactions-0-date", "reactions-0-years_ago"):
        assert re.search(rf'id="{name}"[^>]*aria-describedby="{name}-hint"', body, re.S), name
        assert f'id="{name}-hint"' in body
    assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script[^>]*>", body))


def test_symptoms_are_grouped_in_plain_words(client):
    body = page(client.get("/referral"))
    assert "Soon after the dose" in body and "Serious reactions days or weeks later" in body
    assert "Skin peeling off over large areas" in body  # the plain words for TEN


@pytest.mark.parametrize(("fields", "label", "summary"), [
    ({}, "Possible candidate", "Desensitization may be an option"),
    ({"reactions-0-symptoms": ["rash", "sjs"]}, "Not suitable",
     "Desensitization is not an option after this kind of reaction"),
    ({"drug": "amoxicillin", "reactions-0-drug": "amoxicillin", "reactions-0-years_ago": "20",
      "reactions-0-symptoms": ["rash"]}, "Allergy test first: likely not allergic",
     "This history is low risk"),
    ({"reactions-0-drug": "zorbex"},
     "Allergist review needed", "An allergist needs to look at this history"),
    ({"reactions-0-drug": "ciprofloxacin"}, "Desensitization not needed",
     "Desensitization does not look needed for this drug"),
    ({"reactions-0-onset": "unknown", "reactions-0-symptoms": ["urticaria"]}, "Testing first",
     "Skin testing or a supervised challenge comes before"),
])
def test_each_verdict_through_the_page(client, fields, label, summary):
    response = client.post("/referral/result", data=form(client, **fields))
    body = page(response)
    assert response.status_code == 200
    verdict = body.index('class="verdict')
    assert label in body[verdict:verdict + 600] and summary in body[verdict:verdict + 600]
    assert verdict < body.index('id="letter"')  # the verdict comes first
    assert ("PEN-FAST" in body) == (fields.get("drug") == "amoxicillin")  # penicillins only
    assert response.headers["Cache-Control"] == "no-store"


def test_not_suitable_says_desensitization_is_no_option_and_an_allergist_advises(client):
    body = page(client.post("/referral/result",
                            data=form(client, **{"reactions-0-symptoms": ["ten"]})))
    assert "Desensitization is not an option after this kind of reaction" in body
    assert "An allergist and the treating doctor should choose an alternative" in body
    assert "Never try small doses of the drug on your own" in body  # the handout's safety line
    assert "do not take" not in body.lower()


def test_penicillin_result_shows_pen_fast_with_its_components(client):
    fields = {"drug": "amoxicillin", "reactions-0-drug": "penicillin",
              "reactions-0-years_ago": "2", "reactions-0-symptoms": ["urticaria"],
              "reactions-0-treatments": ["antihistamine"]}
    body = page(client.post("/referral/result", data=form(client, **fields)))
    assert "PEN-FAST 3/5 (moderate risk)" in body
    assert "Antihistamine" in body


def test_result_letter_has_the_history_checklist_questions_and_lines_for_the_gp(client):
    fields = {"indication": "ovarian cancer", "patient-asthma": "true",
              "reactions-1-drug": "amoxicillin", "reactions-1-symptoms": ["rash"],
              "reactions-1-tolerated_since": "true", "reactions-1-onset": "unknown"}
    body = page(client.post("/referral/result", data=form(client, **fields)))
    for text_ in ("ovarian cancer", "54 years", "Asthma", "amoxicillin",
                  "same drug tolerated since", "Questions", "Provider number", "Signature"):
        assert text_ in body, text_


def test_fully_empty_reaction_fieldsets_are_ignored_whatever_their_number(client):
    fields = {"reactions-0-drug": "", "reactions-0-years_ago": "", "reactions-0-symptoms": None,
              "reactions-0-onset": None, "reactions-7-onset": "under_1h",
              "reactions-7-drug": "carboplatin", "reactions-7-symptoms": ["anaphylaxis"]}
    response = client.post("/referral/result", data=form(client, **fields))
    assert response.status_code == 200
    assert "Possible candidate" in page(response)


@pytest.mark.parametrize(("fields", "name", "message"), [
    ({"drug": ""}, "drug", "This field is required."),
    ({"patient-age_years": "fifty"}, "patient-age_years", "Must be a whole number."),
    ({"patient-age_years": "-1"}, "patient-age_years", "Must be between 0 and 120."),
    ({"patient-age_years": "130"}, "patient-age_years", "Must be between 0 and 120."),
    ({"patient-age_years": ""}, "patient-age_years", "This field is required."),
    ({"reactions-0-years_ago": "", "reactions-0-date": (today() + timedelta(days=2)).isoformat()},
     "reactions-0-date", "Cannot be in the future."),
    ({"reactions-0-date": "2020-01-01"}, "reactions-0-years_ago",
     "Give either a date or years ago, not both."),
    ({"reactions-0-symptoms": None}, "reactions-0-symptoms",
     "Choose at least one symptom ('other' if unsure)."),
    ({"reactions-0-onset": None}, "reactions-0-onset", "Choose how soon it started"),
    ({"reactions-0-symptoms": ["urticaria", "sneezing"]}, "reactions-0-symptoms", "Unknown choice"),
    # The empty fieldset 1 is dropped: the error must still land on fieldset 2.
    ({"reactions-2-drug": "amoxicillin"}, "reactions-2-symptoms", "Choose at least one symptom"),
    ({"reactions-2-symptoms": ["rash"]}, "reactions-2-drug", "This field is required."),
    ({"urgency": "whenever"}, "urgency", "Must be one of"),
    ({"indication": "x" * 201}, "indication", "At most 200 characters."),
])
def test_errors_re_render_the_form_with_the_message_beside_the_field(client, fields, name,
                                                                     message):
    response = client.post("/referral/result", data=form(client, **fields))
    body = page(response)
    assert response.status_code == 400
    assert message in (field_error(body, name) or ""), body[:3000]
    assert re.search(rf'<a href="#{name}">', body)  # listed at the top, linked to the field
    assert re.search(rf'id="{name}"[^>]*aria-describedby="[^"]*{name}-error', body, re.S) or \
        re.search(rf'id="{name}"[^>]*aria-describedby="{name}-hint {name}-error"', body, re.S)


def test_everything_typed_is_kept_when_the_form_comes_back(client):
    fields = {"patient-age_years": "fifty", "indication": "ovarian <cancer>",
              "patient-beta_blocker": "true", "location": "Broken Hill",
              "reactions-0-treatments": ["adrenaline"], "reactions-0-tolerated_since": "true",
              "reactions-1-drug": "amoxicillin", "reactions-1-symptoms": ["rash"],
              "reactions-1-date": "2019-05-04", "reactions-1-years_ago": ""}
    body = page(client.post("/referral/result", data=form(client, **fields)))
    assert re.search(r'id="patient-age_years"[^>]*value="fifty"', body, re.S)
    assert 'value="ovarian &lt;cancer&gt;"' in body
    assert re.search(r'id="patient-beta_blocker"[^>]*checked', body, re.S)
    assert re.search(r'id="location"[^>]*value="Broken Hill"', body, re.S)
    assert re.search(r'id="urgency-soon"[^>]*checked', body, re.S)
    for checked in ("reactions-0-symptoms-urticaria", "reactions-0-symptoms-hypotension",
                    "reactions-0-treatments-adrenaline", "reactions-0-tolerated_since",
                    "reactions-1-symptoms-rash"):
        assert re.search(rf'id="{checked}"[^>]*checked', body, re.S), checked
    assert not re.search(r'id="reactions-0-symptoms-rash"[^>]*checked', body)
    assert re.search(r'id="reactions-1-date"[^>]*value="2019-05-04"', body, re.S)
    assert re.search(r'id="reactions-0-years_ago"[^>]*value="1"', body, re.S)


@pytest.mark.parametrize("url", ["/referral/result", "/referral/download/fhir",
                                 "/referral/download/text"])
def test_a_post_without_the_csrf_token_is_refused(client, url):
    data = form(client)
    del data["csrf_token"]
    response = client.post(url, data={**data, "referral": json.dumps({"drug": "x"})})
    assert response.status_code == 400
    assert "CSRF" in page(response)


def submitted_referral(client, **fields) -> str:
    body = page(client.post("/referral/result", data=form(client, **fields)))
    return html.unescape(SUBMITTED.search(body).group(1))


def test_fhir_download_is_a_valid_r4_bundle_as_an_attachment(client):
    referral = submitted_referral(client, indication="ovarian cancer")
    response = client.post("/referral/download/fhir",
                           data={"csrf_token": csrf_token(client), "referral": referral})
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert re.fullmatch(r'attachment; filename="desensitization-referral-[\d-]+\.json"',
                        response.headers["Content-Disposition"])
    bundle = response.get_json(force=True)
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "AllergyIntolerance", "ServiceRequest"]


def test_text_download_is_the_letter_with_the_verdict(client):
    referral = submitted_referral(client, **{"reactions-0-symptoms": ["dress"]})
    response = client.post("/referral/download/text",
                           data={"csrf_token": csrf_token(client), "referral": referral})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    letter = page(response)
    assert "Desensitization contraindicated" in letter
    assert "Drug needed: carboplatin" in letter


@pytest.mark.parametrize("referral", ["", "{not json", json.dumps({"drug": "x"}), "[" * 50_000])
def test_a_tampered_download_is_a_400_not_a_500(client, referral):
    response = client.post("/referral/download/text",
                           data={"csrf_token": csrf_token(client), "referral": referral})
    assert response.status_code == 400


def test_nearest_suitable_centers_are_listed_with_distance_link_and_label(client, make_center):
    near = make_center(name="Far West Allergy", locality="Broken Hill", region="NSW",
                       lat=-31.95, lon=141.45, drug_classes=["platinum"])
    make_center(name="Penicillin Only", lat=-31.96, lon=141.46, drug_classes=["penicillins"])
    body = page(client.post("/referral/result", data=form(client, location="Broken Hill")))
    assert "Nearest suitable centers to" in body
    assert f'href="/centers/{near.id}"' in body and "Far West Allergy" in body
    assert re.search(r"<strong>\d+ km</strong> away", body)
    assert "not verified by the center" in body
    assert "Penicillin Only" not in body


def test_a_place_that_cannot_be_found_is_said_plainly(client, make_center):
    make_center(drug_classes=["platinum"])
    response = client.post("/referral/result", data=form(client, location="Qwxzvtrubl Springs"))
    assert response.status_code == 200
    assert "We could not find" in page(response)


def test_regional_patient_sees_travel_assistance_in_the_letter(client, make_center):
    make_center(name="Harbour Allergy", locality="Sydney", region="NSW", lat=-33.87,
                lon=151.21, drug_classes=["platinum"])
    referral = submitted_referral(client, location="Broken Hill")
    body = page(client.post("/referral/result", data=form(client, location="Broken Hill")))
    assert "Help with travel costs" in body and "may be eligible" in body
    letter = page(client.post("/referral/download/text",
                              data={"csrf_token": csrf_token(client), "referral": referral}))
    assert "Travel assistance:" in letter and "Harbour Allergy" in letter


# --- privacy --------------------------------------------------------------------------------

def database_dump(app) -> dict[str, list]:
    engine = app.extensions["finder.engine"]
    with engine.connect() as conn:
        return {table: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
                for table in inspect(engine).get_table_names()}


def test_nothing_of_a_referral_is_stored_or_logged(app, client, make_center, caplog,
                                                   tmp_path):
    make_center(drug_classes=["platinum"], locality="Sydney", lat=-33.87, lon=151.21)
    secret_drug, secret_reason = "zorblatinib-7781", "indication-pelican-4410"
    fields = {"indication": secret_reason, "location": "Broken Hill",
              "reactions-1-drug": secret_drug, "reactions-1-symptoms": ["anaphylaxis"],
              "reactions-1-onset": "under_1h"}
    before = database_dump(app)
    caplog.set_level(logging.DEBUG)
    referral = submitted_referral(client, **fields)
    for url in ("/referral/download/fhir", "/referral/download/text"):
        client.post(url, data={"csrf_token": csrf_token(client), "referral": referral})
    api = client.post("/api/referral/assess", json=json.loads(referral))
    assert api.status_code == 200
    bad = form(client, **fields, **{"patient-age_years": "x"})
    assert client.post("/referral/result", data=bad).status_code == 400
    del bad["csrf_token"]
    assert client.post("/referral/result", data=bad).status_code == 400
    assert any("CSRF" in r.getMessage() for r in caplog.records)  # the capture does work

    assert database_dump(app) == before
    logged = caplog.text + " ".join(repr(r.args) for r in caplog.records)
    for secret in (secret_drug, secret_reason, "Broken Hill"):
        assert secret not in logged
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*.sqlite*") if p.is_file())
    assert secret_drug.encode() not in stored and secret_reason.encode() not in stored


def test_details_never_travel_in_a_url(client):
    body = page(client.get("/referral"))
    assert re.search(r'<form class="referral-form" method="post"', body)
    result = page(client.post("/referral/result", data=form(client)))
    assert all(m == "post" for m in re.findall(r'<form[^>]*method="(\w+)"', result))


def test_questions_show_what_the_chosen_centers_listing_already_answers(client, make_center):
    from datetime import date

    chosen = make_center(name="Chosen Clinic", drug_classes=["platinum"], wait_weeks=9,
                         wait_reported_on=date(2026, 9, 14), procedures_per_year=75)
    prefilled = page(client.get(f"/referral?drug=carboplatin&center={chosen.id}"))
    assert f'name="center" value="{chosen.id}"' in prefilled
    body = page(client.post("/referral/result", data=form(client, center=str(chosen.id))))
    assert "Chosen Clinic" in body
    letter = body[body.index('id="letter"'):body.index('id="handout"')]
    assert "To: Chosen Clinic" in letter and "Questions for Chosen Clinic" in letter
    assert "(listing: About 9 weeks. as of 2026-09-14)" in letter
    assert "(listing: About 75 desensitizations a year." in letter


def test_without_a_chosen_center_the_questions_stay_open(client):
    body = page(client.post("/referral/result", data=form(client)))
    assert "(listing:" not in body and "To: The allergy service" in body



@pytest.mark.parametrize("center", ["²", "٣", "12345678901", "-1", "abc"])
def test_an_odd_center_number_is_ignored_not_a_500(client, center):
    response = client.post("/referral/result", data=form(client, center=center))
    assert response.status_code == 200 and "(listing:" not in page(response)


# --- one model, the form from it; change answers; the user's date; names kept in the browser --

def model_field_names() -> set[str]:
    """Every form field name the input model implies."""
    from finder.referral.codes import TESTS
    from finder.referral.schema import PatientInput, ReactionInput, ReferralInput, TestDone
    from finder.web.referral.form import NOT_FROM_FORM

    names = {f"reactions-0-{n}" for n in ReactionInput.model_fields}
    names |= {f"patient-{n}" for n in PatientInput.model_fields}
    names |= {f"tests-{kind}-{n}" for kind in TESTS for n in TestDone.model_fields if n != "kind"}
    not_typed = {"patient", "reactions", "tests", "aerd"} | NOT_FROM_FORM  # aerd: inferred
    names |= set(ReferralInput.model_fields) - not_typed
    return names


def test_the_form_shows_every_field_the_model_reads(client):
    body = page(client.get("/referral"))
    shown = set(re.findall(r'name="([\w-]+)"', body))
    missing = model_field_names() - shown
    assert not missing, missing


def test_optional_sections_start_collapsed_and_open_when_filled(client):
    body = page(client.get("/referral"))
    assert body.count('<details class="optional-section"') + \
        body.count('<details class="form-section optional-section"') >= 4
    assert " open>" not in body.split('<template id="reaction-template">')[0]
    body = page(client.post("/referral/edit", data=form(client, **{"reactions-0-dose": "5 mg"})))
    assert re.search(r'<details class="optional-section" open>\s*<summary>Dose', body)


def test_another_reaction_is_added_without_javascript_keeping_everything(client):
    only_one = {f"reactions-{i}-{n}": None for i in (1, 2) for n in ("drug", "date", "years_ago")}
    response = client.post("/referral/result", data=form(client, add_reaction="1",
                                                         indication="ovarian cancer", **only_one))
    body = page(response)
    assert response.status_code == 200 and "error-summary" not in body
    assert re.findall(r'<fieldset class="reaction" id="reaction-(\w+)"', body) == \
        ["0", "1", "__i__"]
    assert 'value="ovarian cancer"' in body
    assert re.search(r'id="reactions-0-symptoms-hypotension"[^>]*checked', body, re.S)


def carried_answers(body: str) -> list[tuple[str, str]]:
    """The hidden fields of the "Change answers" form on a result page."""
    found = re.search(r'<form method="post" action="/referral/edit">(.*?)</form>', body, re.S)
    return [(n, html.unescape(v)) for n, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', found.group(1))]


def test_change_answers_brings_back_the_form_as_typed(client):
    fields = {"indication": "ovarian <cancer>", "patient-beta_blocker": "true",
              "reactions-0-onset": "under_1h", "reactions-0-route": "iv",
              "reactions-0-dose": "450 mg", "tests-tryptase-result": "14.2",
              "narrative": "Flushed at cycle 3.\nRecovered."}
    result = page(client.post("/referral/result", data=form(client, **fields)))
    answers = carried_answers(result)
    assert ("indication", "ovarian <cancer>") in answers
    assert answers.count(("reactions-0-symptoms", "urticaria")) == 1
    body = page(client.post("/referral/edit", data=MultiDict(answers)))
    assert 'value="ovarian &lt;cancer&gt;"' in body
    assert re.search(r'id="patient-beta_blocker"[^>]*checked', body, re.S)
    assert re.search(r'id="reactions-0-onset-under_1h"[^>]*checked', body, re.S)
    assert re.search(r'<option value="iv" selected>', body)
    assert re.search(r'id="reactions-0-dose"[^>]*value="450 mg"', body, re.S)
    assert re.search(r'id="tests-tryptase-result"[^>]*value="14.2"', body, re.S)
    assert "Flushed at cycle 3.\nRecovered.</textarea>" in body
    assert re.search(r'id="reactions-0-symptoms-hypotension"[^>]*checked', body, re.S)


def test_the_actions_sit_at_the_top_of_the_result(client):
    body = page(client.post("/referral/result", data=form(client)))
    actions = body.index('class="result-actions')
    for label in ("Print letter", "Print handout", "Download FHIR", "Download text",
                  "Change answers"):
        assert actions < body.index(label) < body.index('class="verdict'), label


def test_the_names_for_the_letter_are_never_part_of_a_form(client):
    body = page(client.post("/referral/result", data=form(client)))
    identity = re.findall(r"<input[^>]*data-identity[^>]*>", body)
    assert len(identity) == 6
    assert not any(re.search(r"\bname=", tag) for tag in identity)
    outside_forms = re.sub(r"<form\b.*?</form>", "", body, flags=re.S)
    assert len(re.findall(r"<input[^>]*data-identity", outside_forms)) == 6
    letter = body[body.index('id="letter"'):body.index('id="handout"')]
    for key in ("patient_name", "patient_dob", "doctor_name", "practice", "provider_number",
                "phone"):
        assert f'data-fill="{key}"' in letter  # blanks our script fills, lines when printed


def test_at_9pm_in_sydney_the_letter_fhir_and_file_name_carry_sydneys_date(client,
                                                                           monkeypatch):
    from datetime import UTC, datetime

    from finder.referral import dates
    from finder.web.referral import views

    sydney_9pm = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)  # UTC+14 is already the 16th
    monkeypatch.setattr(views, "user_today",
                        lambda claimed, zone: dates.user_today(claimed, zone, sydney_9pm))
    body = page(client.post("/referral/result", data=form(client)))
    assert '<p class="letter-date">15 January 2026</p>' in body
    referral = html.unescape(SUBMITTED.search(body).group(1))
    response = client.post("/referral/download/fhir",
                           data={"csrf_token": csrf_token(client), "referral": referral})
    bundle = response.get_json()
    assert '"desensitization-referral-2026-01-15.json"' in response.headers["Content-Disposition"]
    request = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "ServiceRequest")
    assert request["authoredOn"] == "2026-01-15"
    # The browser's own date wins when some time zone has it now.
    body = page(client.post("/referral/result", data=form(client, today="2026-01-16")))
    assert '<p class="letter-date">16 January 2026</p>' in body


def test_a_severe_reaction_to_another_drug_does_not_block_the_drug_needed(client):
    fields = {"reactions-1-drug": "lamotrigine", "reactions-1-years_ago": "15",
              "reactions-1-onset": "1_to_7_days", "reactions-1-symptoms": ["sjs"]}
    body = page(client.post("/referral/result", data=form(client, **fields)))
    assert "Possible candidate" in body and "Not suitable" not in body
    assert "severe reaction (Stevens-Johnson syndrome) to lamotrigine; avoid lamotrigine" in body
    assert "do not take" not in body.lower()
