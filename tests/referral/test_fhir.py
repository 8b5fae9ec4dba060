"""The referral as a FHIR R4 Bundle (validated with fhir.resources R4B) and as a letter."""
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle

from finder.fhir import ATC, SNOMED
from finder.referral.assess import SYMPTOMS, assess_referral, parse_referral
from finder.referral.fhir import SNOMED_MANIFESTATIONS, referral_bundle, referral_text

TODAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

EXAMPLE = {
    "drug": "carboplatin", "indication": "ovarian cancer", "urgency": "soon",
    "patient": {"age_years": 54, "asthma": True, "beta_blocker": True},
    "reactions": [
        {"drug": "carboplatin", "date": "2025-03-01", "symptoms": ["urticaria", "hypotension"],
         "treatments": ["adrenaline"]},
        {"drug": "amoxicillin", "years_ago": 10, "symptoms": ["rash", "flushing"],
         "tolerated_since": True},
        {"drug": "xyzzy plugh", "symptoms": ["sjs"]},
    ],
    "location": "Broken Hill NSW",
}


def build(data=EXAMPLE):
    parsed = parse_referral(data, TODAY)
    return parsed, referral_bundle(parsed, assess_referral(parsed, TODAY), TODAY, now=NOW)


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(node):
    """Every {"reference": ...} value anywhere in a resource."""
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


@pytest.mark.parametrize("data", [
    EXAMPLE,
    {**EXAMPLE, "reactions": []},
    {**EXAMPLE, "drug": "xyzzy plugh", "patient": {"age_years": 4}},
    {**EXAMPLE, "drug": "amoxicillin",
     "reactions": [{"drug": "amoxicillin", "years_ago": 60, "symptoms": ["urticaria"]}]},
])
def test_bundle_validates_as_fhir_r4b(data):
    _, bundle = build(data)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection" and bundle["timestamp"] == NOW.isoformat()


def test_every_reference_resolves_to_an_entry_of_the_right_type():
    _, bundle = build()
    kinds = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in kinds)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for ref in references(resource):
            assert ref in kinds
        if resource["resourceType"] == "AllergyIntolerance":
            assert kinds[resource["patient"]["reference"]] == "Patient"
        if resource["resourceType"] == "ServiceRequest":
            assert kinds[resource["subject"]["reference"]] == "Patient"
            assert {kinds[r["reference"]] for r in resource["supportingInfo"]} == {
                "AllergyIntolerance"}


def test_patient_is_anonymous():
    _, bundle = build()
    assert resources(bundle, "Patient") == [{"resourceType": "Patient"}]
    assert "Broken Hill" not in str(bundle)


def test_one_allergy_intolerance_per_reaction_with_atc_and_snomed():
    _, bundle = build()
    carboplatin, amoxicillin, unknown = resources(bundle, "AllergyIntolerance")
    assert carboplatin["code"]["text"] == "carboplatin"
    assert carboplatin["code"]["coding"][0]["system"] == ATC == "http://www.whocc.no/atc"
    assert carboplatin["code"]["coding"][0]["code"].startswith("L01XA")
    assert "coding" not in unknown["code"]
    assert carboplatin["category"] == ["medication"]
    manifestations = carboplatin["reaction"][0]["manifestation"]
    assert [m["coding"][0] for m in manifestations] == [
        {"system": SNOMED, "code": "126485001", "display": "Urticaria"},
        {"system": SNOMED, "code": "45007003", "display": "Low blood pressure"}]
    flushing = amoxicillin["reaction"][0]["manifestation"][1]
    assert flushing == {"text": SYMPTOMS["flushing"]}  # no code we are sure of: text only


def test_manifestation_codings_all_use_snomed():
    data = {**EXAMPLE, "reactions": [{"drug": "carboplatin", "symptoms": list(SYMPTOMS)}]}
    _, bundle = build(data)
    (allergy,) = resources(bundle, "AllergyIntolerance")
    codings = [c for m in allergy["reaction"][0]["manifestation"] for c in m.get("coding", [])]
    assert len(codings) == len(SNOMED_MANIFESTATIONS)
    assert {c["system"] for c in codings} == {"http://snomed.info/sct"}
    assert all(c["code"].isdigit() for c in codings)


@pytest.mark.parametrize("symptoms, treatments, criticality, severity, kind", [
    (["urticaria", "hypotension"], ["adrenaline"], "high", "severe", "allergy"),
    (["anaphylaxis"], [], "high", "severe", "allergy"),
    (["sjs"], [], "high", "severe", "allergy"),
    (["urticaria"], [], "unable-to-assess", "mild", "allergy"),
    (["angioedema"], [], "unable-to-assess", "moderate", "allergy"),
    (["urticaria"], ["antihistamine"], "unable-to-assess", "moderate", "allergy"),
    (["gastrointestinal"], [], "unable-to-assess", "mild", "intolerance"),
    (["fever"], [], "unable-to-assess", "mild", None),
])
def test_criticality_severity_and_type_follow_the_symptoms(symptoms, treatments, criticality,
                                                           severity, kind):
    data = {**EXAMPLE, "reactions": [{"drug": "carboplatin", "symptoms": symptoms,
                                      "treatments": treatments}]}
    (allergy,) = resources(build(data)[1], "AllergyIntolerance")
    assert allergy["criticality"] == criticality
    assert allergy["reaction"][0]["severity"] == severity
    assert allergy.get("type") == kind


def test_aerd_reaction_is_an_intolerance():
    data = {**EXAMPLE, "drug": "aspirin",
            "reactions": [{"drug": "ibuprofen", "symptoms": ["bronchospasm"]}]}
    (allergy,) = resources(build(data)[1], "AllergyIntolerance")
    assert allergy["type"] == "intolerance"


def test_onset_is_a_date_an_age_or_a_note():
    _, bundle = build()
    dated, years_ago, unknown = resources(bundle, "AllergyIntolerance")
    assert dated["onsetDateTime"] == "2025-03-01"
    assert years_ago["onsetAge"] == {"value": 44, "unit": "years",
                                     "system": "http://unitsofmeasure.org", "code": "a"}
    assert "about 10 years ago" in years_ago["note"][0]["text"]
    assert "onsetDateTime" not in unknown and "onsetAge" not in unknown
    assert years_ago["clinicalStatus"]["coding"][0]["code"] == "resolved"


def test_service_request_is_a_draft_proposal_with_the_verdict():
    parsed, bundle = build()
    (request,) = resources(bundle, "ServiceRequest")
    assert (request["status"], request["intent"], request["priority"]) == (
        "draft", "proposal", "urgent")
    assert request["code"]["text"] == "Drug desensitization assessment"
    assert "ovarian cancer" in request["reasonCode"][0]["text"]
    notes = " ".join(n["text"] for n in request["note"])
    assert "(candidate)" in notes and "spirometry" in notes


def test_letter_summarises_history_and_verdict():
    parsed = parse_referral(EXAMPLE, TODAY)
    text = referral_text(parsed, assess_referral(parsed, TODAY))
    for words in ("carboplatin (Platinum compounds)", "ovarian cancer", "54 years old",
                  "Hives (urticaria)", "2025-03-01", "about 10 years ago",
                  "Adrenaline", "Taken again since", "may be an option", "spirometry"):
        assert words in text
    assert "Broken Hill" not in text
