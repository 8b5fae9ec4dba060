"""POST /api/referral/assess: bad input is a 400 naming each bad field (never a 500), good
input gets the assessment with exactly the documented keys, and the nearest centers when a
location is given."""
import json
from datetime import timedelta

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from finder.referral.dates import local_today
from finder.web.core.openapi import openapi_document
from finder.web.referral.api import response_schema


def today():
    return local_today("Australia/Sydney")

URL = "/api/referral/assess"
ASSESSMENT_KEYS = {"verdict", "verdict_summary", "reasons", "pen_fast", "drug", "pediatric",
                   "precautions", "checklist", "questions_for_center", "centers"}
TOMORROW = (today() + timedelta(days=2)).isoformat()


def referral(**fields) -> dict:
    data = {"drug": "carboplatin", "urgency": "soon", "indication": "ovarian cancer",
            "patient": {"age_years": 54},
            "reactions": [{"drug": "carboplatin", "years_ago": 1,
                           "symptoms": ["urticaria", "hypotension"]}]}
    data.update(fields)
    return data


def reaction(**fields) -> dict:
    return {"drug": "carboplatin", "symptoms": ["urticaria"], **fields}


def validated(body: dict) -> dict:
    """The body checked against the schema the OpenAPI document publishes."""
    schema = dict(response_schema())
    document = openapi_document()
    jsonschema_rs.validate({**schema, "components": document["components"]}, body)
    return body


def test_good_referral_gets_exactly_the_assessment_keys(client):
    response = client.post(URL, json=referral())
    assert response.status_code == 200
    body = validated(response.get_json())
    assert set(body) == ASSESSMENT_KEYS
    assert body["verdict"] == "candidate"
    assert body["drug"]["class"]["code"] == "platinum"
    assert body["centers"] == []


@pytest.mark.parametrize(("data", "verdict"), [
    (referral(), "candidate"),
    (referral(reactions=[reaction(symptoms=["sjs"], onset="1_to_7_days")]), "not_suitable"),
    (referral(drug="amoxicillin", reactions=[reaction(drug="amoxicillin", years_ago=20,
                                                      symptoms=["rash"])]),
     "consider_delabelling"),
    (referral(reactions=[]), "not_needed"),
    (referral(reactions=[reaction(drug="ciprofloxacin", onset="under_1h")]), "not_needed"),
    (referral(reactions=[reaction(onset="unknown")]), "test_first"),
    (referral(reactions=[reaction(drug="zorbex", onset="under_1h")]), "specialist_review"),
    (referral(reactions=[reaction(onset="under_1h"),
                         reaction(drug="lamotrigine", symptoms=["sjs"], onset="1_to_7_days")]),
     "candidate"),
])
def test_each_verdict_comes_back(client, data, verdict):
    body = validated(client.post(URL, json=data).get_json())
    assert body["verdict"] == verdict


@pytest.mark.parametrize(("data", "field"), [
    (referral(reactions=[reaction(date=TOMORROW)]), "reactions[0].date"),
    (referral(reactions=[reaction(date="2020-02-30")]), "reactions[0].date"),
    (referral(reactions=[reaction(date="15/01/2020")]), "reactions[0].date"),
    (referral(reactions=[reaction(date="2020-01-01", years_ago=6)]), "reactions[0].years_ago"),
    (referral(patient={"age_years": -1}), "patient.age_years"),
    (referral(patient={"age_years": 121}), "patient.age_years"),
    (referral(patient={"age_years": "54"}), "patient.age_years"),
    (referral(patient={"age_years": 54.5}), "patient.age_years"),
    (referral(patient={"age_years": True}), "patient.age_years"),
    (referral(patient={"age_years": 10 ** 40}), "patient.age_years"),
    (referral(patient={"age_years": 54, "asthma": "yes"}), "patient.asthma"),
    (referral(patient=[54]), "patient"),
    (referral(reactions=[reaction(symptoms=["sneezing"])]), "reactions[0].symptoms"),
    (referral(reactions=[reaction(symptoms=[])]), "reactions[0].symptoms"),
    (referral(reactions=[reaction(treatments=["leeches"])]), "reactions[0].treatments"),
    (referral(reactions=[reaction()] * 10_000), "reactions"),
    (referral(reactions="penicillin"), "reactions"),
    (referral(reactions=["penicillin"]), "reactions[0]"),
    (referral(reactions=[reaction(drug=7)]), "reactions[0].drug"),
    (referral(drug=["carboplatin"]), "drug"),
    (referral(drug="x" * 201), "drug"),
    (referral(drug="   "), "drug"),
    (referral(urgency="yesterday"), "urgency"),
    (referral(aerd="maybe"), "aerd"),
    ({"patient": {"age_years": 54}}, "drug"),
    ({"drug": "carboplatin"}, "patient"),
    ({"drug": "carboplatin", "patient": {}}, "patient.age_years"),
    ([], ""),
    ("carboplatin", ""),
    (None, ""),
])
def test_bad_input_is_400_naming_the_field(client, data, field):
    response = client.post(URL, data=json.dumps(data), content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error["fields"]
    assert error["fields"][field]


def test_every_bad_field_is_reported_at_once(client):
    data = {"drug": "", "patient": {"age_years": 200},
            "reactions": [reaction(date=TOMORROW, symptoms=["nope"])]}
    fields = client.post(URL, json=data).get_json()["error"]["fields"]
    expected = {"drug", "patient.age_years", "reactions[0].date", "reactions[0].symptoms"}
    assert expected <= set(fields)


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ("drug=carboplatin", "application/x-www-form-urlencoded", 415),
    ('{"drug": "carboplatin"}', "text/plain", 415),
    ("", None, 415),
    ("{not json", "application/json", 400),
    ("", "application/json", 400),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400),
    (b"\xff\xfe\x00garbage", "application/json", 400),
    ('{"drug": NaN}', "application/json", 400),
])
def test_a_body_that_is_not_json_is_refused_without_a_500(client, body, content_type, status):
    response = client.post(URL, data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"]


def test_the_api_needs_no_csrf_token_and_reads_no_cookie(client):
    client.set_cookie("session", "anything")
    assert client.post(URL, json=referral()).status_code == 200


def test_nearest_suitable_centers_come_with_a_location(client, make_center):
    near = make_center(name="Far West Allergy", locality="Broken Hill", region="NSW",
                       lat=-31.95, lon=141.45, drug_classes=["platinum"])
    far = make_center(name="Harbour Allergy", locality="Sydney", region="NSW",
                      lat=-33.87, lon=151.21, drug_classes=["platinum", "taxanes"])
    make_center(name="Penicillin Only", lat=-31.96, lon=141.46, drug_classes=["penicillins"])
    body = validated(client.post(URL, json=referral(location="Broken Hill")).get_json())
    assert [c["center"]["id"] for c in body["centers"]] == [near.id, far.id]
    assert body["centers"][0]["distance_km"] < body["centers"][1]["distance_km"]
    assert set(body) == ASSESSMENT_KEYS


def test_a_child_gets_only_centers_that_see_children(client, make_center):
    make_center(name="Adults Only", lat=-31.95, lon=141.45, drug_classes=["platinum"],
                age_min_years=18)
    kids = make_center(name="Children's Allergy", lat=-33.87, lon=151.21,
                       drug_classes=["platinum"], age_min_years=0, age_max_years=17)
    data = referral(location="Broken Hill", patient={"age_years": 9})
    body = client.post(URL, json=data).get_json()
    assert [c["center"]["id"] for c in body["centers"]] == [kids.id]


@pytest.mark.parametrize("location", ["Qwxzvtrubl Springs", "!!!", "\x00"])
def test_a_location_that_cannot_be_found_gives_no_centers_and_says_why(client, make_center,
                                                                        location):
    make_center(drug_classes=["platinum"])
    response = client.post(URL, json=referral(location=location))
    assert response.status_code == 200
    body = validated(response.get_json())
    assert body["centers"] == []
    assert "location_not_found" in [r["code"] for r in body["reasons"]]


def test_the_operation_is_documented_with_request_and_response_schemas():
    operation = openapi_document()["paths"]["/api/referral/assess"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    jsonschema_rs.validate(request, referral(location="Broken Hill"))
    assert set(operation["responses"]) >= {"200", "400", "415"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == ASSESSMENT_KEYS
    json.dumps(openapi_document())  # serialisable as served


# Not checked: positive_data_acceptance and negative_data_rejection. The referral has rules
# JSON Schema cannot state (a date not in the future nor over 120 years ago; a date or years
# ago, not both), so some schema-valid bodies are rightly refused.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_bodies_get_documented_responses_and_never_a_500(app, make_center, mode):
    make_center(drug_classes=["platinum"], lat=-31.95, lon=141.45)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema["/api/referral/assess"]["POST"]

    @given(operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(max_examples=150, deadline=None,
                         suppress_health_check=list(HealthCheck))
    def check(case):  # identity: schemathesis's WSGI transport does not undo gzip/br
        case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)

    check()


def test_the_chosen_centers_listing_answers_what_it_can(client, make_center):
    chosen = make_center(drug_classes=["platinum"], telehealth_preassessment=True)
    body = client.post("/api/referral/assess", json={
        "drug": "carboplatin", "patient": {"age_years": 60}, "center_id": chosen.id,
        "reactions": [{"drug": "carboplatin", "years_ago": 1, "symptoms": ["urticaria"]}]}).get_json()
    answers = {q["code"]: q for q in body["questions_for_center"]}
    assert answers["telehealth"]["answer"] == "Offers pre-assessment by telehealth."
    assert answers["telehealth"]["center_id"] == chosen.id
    assert answers["protocol"]["answer"] is None


def test_the_request_schema_is_the_input_models_own():
    from finder.referral.schema import ReactionInput, ReferralInput

    operation = openapi_document()["paths"]["/api/referral/assess"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == set(ReferralInput.model_fields)
    reaction = schema["properties"]["reactions"]["items"]
    assert set(reaction["properties"]) == set(ReactionInput.model_fields)
    assert "$ref" not in json.dumps(schema) and "$defs" not in schema  # stands alone
    onset = json.dumps(reaction["properties"]["onset"])
    assert "under_1h" in onset and "over_7_days" in onset
    assert schema["properties"]["narrative"]["anyOf"][0]["maxLength"] == 1000


def test_api_messages_are_human_and_all_in_one_round(client):
    data = {"drug": "carboplatin", "patient": {"age_years": 54, "weight_kg": "heavy"},
            "reactions": [reaction(onset="soon", dose="x" * 101)],
            "tests": [{"kind": "tryptase"}]}
    fields = client.post(URL, json=data).get_json()["error"]["fields"]
    assert fields == {"patient.weight_kg": "Must be a number.",
                      "reactions[0].onset": "Must be one of: under_1h, 1_to_6h, 6_to_24h, "
                                            "1_to_7_days, over_7_days or unknown.",
                      "reactions[0].dose": "At most 100 characters.",
                      "tests[0]": "Give the result or the date of this test."}
