"""The referral as a FHIR R4 Bundle, validated with fhir.resources R4B and fhirclient."""
import json
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhirclient.models.bundle import Bundle as ClientBundle

from finder.fhir import ATC, SNOMED
from finder.referral.assess import SYMPTOMS, assess_referral, parse_referral
from finder.referral.fhir import SNOMED_MANIFESTATIONS, SNOMED_ROUTES, referral_bundle

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
                "AllergyIntolerance", "MedicationStatement"}


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


FULL = {
    **EXAMPLE, "needed_by": "2026-02-20", "chemo_cycle": 4, "premedication": "dexamethasone",
    "specialist": "Dr A Jones, oncology", "narrative": "Flushed and hypotensive at cycle 3.",
    "patient": {"age_years": 9, "weight_kg": 31.5, "ace_inhibitor": True, "beta_blocker": True,
                "current_medicines": "enalapril 5 mg daily"},
    "reactions": [
        {"drug": "carboplatin", "date": "2025-03-01", "symptoms": ["urticaria", "hypotension"],
         "onset": "under_1h", "recovery": "under_24h", "dose": "450 mg", "route": "iv",
         "treatments": ["adrenaline"], "co_medications": "ondansetron",
         "related_tolerated": "cisplatin 2024"},
        {"drug": "amoxicillin", "years_ago": 0, "symptoms": ["rash"], "route": "inhaled"},
    ],
    "tests": [{"kind": "tryptase", "result": "14.2 ug/L", "date": "2025-03-01"},
              {"kind": "skin_prick", "result": "negative"}],
}


def test_every_resource_validates_on_its_own_and_the_bundle_parses_in_fhirclient_strict():
    _, bundle = build(FULL)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    Bundle.model_validate(bundle)
    parsed = ClientBundle(bundle, strict=True)
    assert len(parsed.entry) == len(bundle["entry"])
    kinds = [e.resource.resource_type for e in parsed.entry]
    assert kinds.count("AllergyIntolerance") == 2 and kinds.count("Observation") == 2


def test_fhirclient_strict_refuses_a_broken_bundle():
    """The strict parse above can fail: a reaction without its required manifestation."""
    _, bundle = build(FULL)
    broken = json.loads(json.dumps(bundle))
    allergy = next(e for e in broken["entry"]
                   if e["resource"]["resourceType"] == "AllergyIntolerance")
    allergy["resource"]["reaction"][0]["severity"] = 7
    with pytest.raises(Exception):
        ClientBundle(broken, strict=True)


def test_reaction_carries_onset_route_substance_and_timing():
    _, bundle = build(FULL)
    carboplatin, amoxicillin = resources(bundle, "AllergyIntolerance")
    event = carboplatin["reaction"][0]
    assert event["onset"] == "2025-03-01"
    assert event["substance"]["text"] == "carboplatin"
    assert event["substance"]["coding"][0]["system"] == ATC
    assert event["exposureRoute"]["coding"][0] == {
        "system": SNOMED, "code": SNOMED_ROUTES["iv"][0], "display": "Intravenous route"}
    assert "under 1 hour" in event["description"] and "450 mg" in event["description"]
    assert "within a day" in event["description"]
    assert "cisplatin 2024" in carboplatin["note"][0]["text"]
    # A route with no verified concept goes as text; a reaction this year has no exact date.
    assert amoxicillin["reaction"][0]["exposureRoute"] == {"text": "Inhaled"}
    assert "onset" not in amoxicillin["reaction"][0]
    assert "this year" in amoxicillin["note"][0]["text"]


def test_medicines_and_tests_become_medication_statements_and_observations():
    _, bundle = build(FULL)
    statements = resources(bundle, "MedicationStatement")
    active = [s for s in statements if s["status"] == "active"]
    assert {c["code"] for s in active for c in s["medicationCodeableConcept"].get("coding", [])} \
        == {"C07", "C09A"}
    assert any(s["medicationCodeableConcept"]["text"] == "enalapril 5 mg daily" for s in active)
    (at_reaction,) = [s for s in statements if s["status"] == "completed"]
    assert at_reaction["medicationCodeableConcept"]["text"] == "ondansetron"
    assert at_reaction["effectiveDateTime"] == "2025-03-01"
    tryptase, skin = resources(bundle, "Observation")
    assert (tryptase["status"], tryptase["valueString"], tryptase["effectiveDateTime"]) == (
        "final", "14.2 ug/L", "2025-03-01")
    assert skin["code"]["text"] == "Skin prick test" and "effectiveDateTime" not in skin


@pytest.mark.parametrize("urgency, priority", [("routine", "routine"), ("soon", "urgent"),
                                               ("urgent", "asap")])
def test_service_request_priority_occurrence_and_history(urgency, priority):
    _, bundle = build({**FULL, "urgency": urgency})
    (request,) = resources(bundle, "ServiceRequest")
    assert request["priority"] == priority
    assert request["occurrenceDateTime"] == "2026-02-20"
    notes = " ".join(n["text"] for n in request["note"])
    for words in ("next cycle 4", "dexamethasone", "Dr A Jones", "Weight 31.5 kg",
                  "hypotensive at cycle 3"):
        assert words in notes
    assert "occurrenceDateTime" not in resources(build(EXAMPLE)[1], "ServiceRequest")[0]
