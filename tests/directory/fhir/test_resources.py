"""A listing as Organization, Location and HealthcareService: valid R4 and every fact in place."""
import json
from datetime import UTC, date, datetime

import pytest

from finder.cli import DEMO_FILE
from finder.directory import exchange
from finder.directory.fhir.resources import healthcare_service, location, organization, resources_of
from finder.fhir import (
    ATC,
    BCP47,
    CHARACTERISTIC,
    REFERRER,
    SERVICE_PROVISION,
    SNOMED,
    extension_url,
    our_system,
)
from tests.directory.fhir.conftest import validate

TODAY = date(2026, 11, 1)


def codes(concepts, system):
    return [c["code"] for cc in concepts for c in cc["coding"] if c["system"] == system]


def extension(resource, name):
    found = [e for e in resource.get("extension", []) if e["url"] == extension_url(name)]
    return found[0] if found else None


def test_every_demo_listing_maps_to_three_valid_r4_resources(session):
    rows = json.loads(DEMO_FILE.read_text())["centers"]
    exchange.import_records(session, rows, actor="t")
    from sqlmodel import select

    from finder.directory.models import Center
    for center in session.exec(select(Center)).all():
        kinds = [validate(r)["resourceType"] for r in resources_of(center, today=TODAY)]
        assert kinds == ["Organization", "Location", "HealthcareService"]


def test_service_refers_to_its_organization_and_location(make_center):
    center = make_center(name="Allergy Unit", organisation="Prince Hospital")
    service = healthcare_service(center, today=TODAY)
    assert service["providedBy"]["reference"] == f"Organization/{center.id}"
    assert service["location"][0]["reference"] == f"Location/{center.id}"
    assert organization(center)["name"] == "Prince Hospital"
    assert location(center)["managingOrganization"]["reference"] == f"Organization/{center.id}"
    assert service["name"] == "Allergy Unit"
    assert service["appointmentRequired"] is True


def test_specialty_is_clinical_immunology_from_the_practice_setting_value_set(make_center):
    service = healthcare_service(make_center(), today=TODAY)
    assert codes(service["specialty"], SNOMED) == ["408480009"]


@pytest.mark.parametrize("drug_class, atc", [
    ("platinum", ["L01XA"]),
    ("penicillins", ["J01C"]),
    ("cephalosporins", ["J01DB", "J01DC", "J01DD", "J01DE", "J01DI"]),
    ("aspirin_nsaids", ["N02BA", "M01A"]),
])
def test_each_drug_class_carries_its_atc_prefixes(make_center, drug_class, atc):
    service = healthcare_service(make_center(drug_classes=[drug_class]), today=TODAY)
    assert codes(service["characteristic"], ATC) == atc


def test_routes_carry_our_code_and_snomed_route(make_center):
    service = healthcare_service(make_center(routes=["iv", "oral", "subcutaneous"]), today=TODAY)
    assert codes(service["characteristic"], SNOMED) == ["47625008", "26643006", "34206005"]


@pytest.mark.parametrize("ages, groups, eligibility_text", [
    ((None, None), {"pediatric", "adult"}, None),
    ((2, 17), {"pediatric"}, "Ages 2 to 17 years"),
    ((18, None), {"adult"}, "Ages 18 years and over"),
    ((None, 15), {"pediatric"}, "Ages up to 15 years"),
])
def test_age_limits_become_eligibility_and_age_group_characteristics(make_center, ages, groups,
                                                                     eligibility_text):
    center = make_center(age_min_years=ages[0], age_max_years=ages[1])
    service = healthcare_service(center, today=TODAY)
    found = set(codes(service["characteristic"],
                      our_system(CHARACTERISTIC)))
    assert found & {"pediatric", "adult"} == groups
    if eligibility_text is None:
        assert "eligibility" not in service
    else:
        assert service["eligibility"][0]["comment"] == eligibility_text


@pytest.mark.parametrize("cost, provision", [
    ("public", ["free"]), ("private", ["cost"]), ("both", ["free", "cost"]), ("unknown", []),
])
def test_cost_maps_to_service_provision_conditions(make_center, cost, provision):
    service = healthcare_service(make_center(cost=cost), today=TODAY)
    assert codes(service.get("serviceProvisionCode", []), SERVICE_PROVISION) == provision


def test_who_may_refer_is_an_extension_not_a_referral_method(make_center):
    service = healthcare_service(make_center(referral_from=["gp", "self"]), today=TODAY)
    assert "referralMethod" not in service
    referrers = [e["valueCoding"] for e in service["extension"]
                 if e["url"] == extension_url("referral-from")]
    assert [(r["system"], r["code"]) for r in referrers] == [(our_system(REFERRER), "gp"),
                                                           (our_system(REFERRER), "self")]


def test_languages_are_bcp47_communication(make_center):
    service = healthcare_service(make_center(languages=["vi", "zh-Hant"]), today=TODAY)
    assert codes(service["communication"], BCP47) == ["vi", "zh-Hant"]


def test_hours_become_hours_of_operation_with_the_zone_in_an_extension(make_center):
    center = make_center(hours=[{"day": "mon", "opens": "08:30", "closes": "12:00"}],
                         hours_note="Closed public holidays", timezone="Australia/Brisbane")
    place = validate(location(center))
    assert place["hoursOfOperation"] == [{"daysOfWeek": ["mon"], "openingTime": "08:30:00",
                                          "closingTime": "12:00:00"}]
    assert extension(place, "timezone")["valueCode"] == "Australia/Brisbane"
    assert place["availabilityExceptions"] == "Closed public holidays"


def test_a_listing_without_hours_has_no_hours_of_operation(make_center):
    assert "hoursOfOperation" not in location(make_center(hours=[]))


def test_location_has_address_with_state_and_postcode_and_position(make_center):
    place = location(make_center(region="QLD", postcode="4000", lat=-27.47, lon=153.02))
    assert (place["address"]["state"], place["address"]["postalCode"]) == ("QLD", "4000")
    assert place["position"] == {"latitude": -27.47, "longitude": 153.02}
    assert {t["system"] for t in place["telecom"]} == {"phone"}


def test_an_unverified_listing_says_so_in_the_comment_and_an_extension(make_center):
    service = healthcare_service(make_center(referral_process="Send a GP letter."), today=TODAY)
    assert service["comment"].startswith("Send a GP letter. ")
    assert "Demonstration listing, not verified by the center" in service["comment"]
    verification = extension(service, "listing-verification")["extension"]
    assert verification == [{"url": "status", "valueCode": "unverified"}]


def test_a_verified_listing_shows_when(make_center):
    verified = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
    service = healthcare_service(make_center(verified_at=verified), today=TODAY)
    parts = {p["url"]: p for p in extension(service, "listing-verification")["extension"]}
    assert parts["status"]["valueCode"] == "verified"
    assert parts["verifiedAt"]["valueDateTime"].startswith("2026-06-01T03:00:00")
    assert "Confirmed by the center in June 2026" in service["comment"]


def test_last_updated_is_an_instant_with_an_offset(make_center):
    meta = healthcare_service(make_center(), today=TODAY)["meta"]
    assert datetime.fromisoformat(meta["lastUpdated"]).tzinfo is not None


def test_listing_facts_without_a_standard_home_are_extensions(make_center):
    service = healthcare_service(make_center(
        wait_weeks=6, wait_reported_on="2026-10-01", accepting_referrals="paused",
        accepting_note="Until March", procedures_per_year=90, travel_note="Parking on site",
        cost="private", cost_note="Fees for non-residents"), today=TODAY)
    assert extension(service, "wait-time")["valueDuration"]["value"] == 6
    assert extension(service, "wait-reported-on")["valueDate"] == "2026-10-01"
    assert extension(service, "accepting-referrals")["valueCode"] == "paused"
    assert extension(service, "accepting-note")["valueString"] == "Until March"
    assert extension(service, "procedures-per-year")["valueInteger"] == 90
    assert extension(service, "travel-note")["valueString"] == "Parking on site"
    assert extension(service, "cost-note")["valueString"] == "Fees for non-residents"


def test_a_location_says_whether_the_center_confirmed_it(make_center):
    unconfirmed = location(make_center(), today=TODAY)
    validate(unconfirmed)
    assert extension(unconfirmed, "listing-verification")["extension"] == [
        {"url": "status", "valueCode": "unverified"}]
    assert "not verified by the center" in unconfirmed["description"]
    stale = location(make_center(verified_at=datetime(2024, 1, 5, tzinfo=UTC)), today=TODAY)
    assert "call before you travel" in stale["description"]
