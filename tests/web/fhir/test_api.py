"""/fhir: CapabilityStatement, reads, searches, paging, includes and OperationOutcome errors.
Every body is validated with fhir.resources R4B by the `fhir` fixture."""
import random
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.directory.fhir.search import FILTERS
from finder.geocoding.place import Place
from finder.search.nearest import find_centers
from tests.directory.fhir.conftest import validate

BRISBANE = (-27.47, 153.02)


def ids(bundle, kind="HealthcareService", mode="match"):
    return [int(e["resource"]["id"]) for e in bundle["entry"]
            if e["resource"]["resourceType"] == kind and e["search"]["mode"] == mode]


def link(bundle, relation):
    found = [x["url"] for x in bundle["link"] if x["relation"] == relation]
    if not found:
        return None
    parts = urlsplit(found[0])
    return f"{parts.path}?{parts.query}"


def test_capability_statement_lists_exactly_what_is_served(fhir):
    statement = fhir("/fhir/metadata")
    assert (statement["fhirVersion"], statement["status"], statement["kind"]) == \
        ("4.0.1", "active", "instance")
    assert statement["format"] == ["json"]
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(resources) == {"HealthcareService", "Location", "Organization"}
    assert [i["code"] for i in resources["Organization"]["interaction"]] == ["read"]
    for kind in ("HealthcareService", "Location"):
        assert [i["code"] for i in resources[kind]["interaction"]] == ["read", "search-type"]
        listed = {p["name"] for p in resources[kind]["searchParam"]}
        served = {name.split(".")[0].split(":")[0] for name in FILTERS[kind]} - {"_include"}
        assert listed == served
    assert resources["HealthcareService"]["searchInclude"] == [
        "HealthcareService:location", "HealthcareService:organization"]


@pytest.mark.parametrize("kind", ["HealthcareService", "Location", "Organization"])
def test_read_returns_the_resource_for_an_active_listing(fhir, directory, kind):
    resource = fhir(f"/fhir/{kind}/{directory['sydney']}")
    assert (resource["resourceType"], resource["id"]) == (kind, str(directory["sydney"]))


@pytest.mark.parametrize("kind", ["HealthcareService", "Location", "Organization"])
@pytest.mark.parametrize("which", ["pending", "archived", "missing", "abc", "１２"])
def test_read_of_an_unknown_or_hidden_id_is_a_404_outcome(fhir, directory, kind, which):
    resource_id = directory.get(which, 99999 if which == "missing" else which)
    outcome = fhir(f"/fhir/{kind}/{resource_id}", 404)
    assert f"No {kind} with id" in outcome["issue"][0]["details"]["text"]


@pytest.mark.parametrize("url", ["/fhir/Patient", "/fhir/Patient/1", "/fhir/a/b/c"])
def test_an_unknown_resource_type_is_a_404_outcome(fhir, url):
    outcome = fhir(url, 404)
    assert outcome["issue"][0]["code"] == "not-found"


SEARCHES = [
    ("name=immunology", []),  # R4 string search: starts with, not contains
    ("name:contains=immunology", ["gold", "sydney"]),
    ("name=SYDNEY,perth", ["sydney", "perth"]),
    ("name:exact=Perth Allergy", ["perth"]),
    ("name:exact=perth allergy", []),
    ("active=true", ["brisbane", "ipswich", "gold", "sydney", "perth"]),
    ("active=false", []),
    ("specialty=http://snomed.info/sct|408480009",
     ["brisbane", "ipswich", "gold", "sydney", "perth"]),
    ("specialty=408480009", ["brisbane", "ipswich", "gold", "sydney", "perth"]),
    ("specialty=http://snomed.info/sct|394805004", []),
    ("characteristic=L01XA", ["brisbane", "sydney"]),
    ("characteristic=http://www.whocc.no/atc|J01C", ["ipswich", "gold"]),
    ("characteristic=pediatric", ["ipswich", "gold", "sydney", "perth"]),
    ("characteristic=adult&characteristic=iv", ["brisbane", "sydney"]),
    ("characteristic=telehealth-preassessment", ["ipswich"]),
    ("characteristic=subcutaneous,oral", ["ipswich", "perth"]),
    ("location.address-postalcode=40", ["brisbane"]),
    ("location.address-state=qld", ["brisbane", "ipswich", "gold"]),
    ("location.near=-27.47|153.02|100|km", ["brisbane", "ipswich", "gold"]),
    ("location.near=-27.47|153.02|100", ["brisbane", "ipswich", "gold"]),
    ("location.near=-27.47|153.02", ["brisbane", "ipswich"]),  # 50 km by default
    ("location.near=-27.47|153.02|1000|km&characteristic=J01C", ["ipswich", "gold"]),
    ("location.near=-33.0|151.0|20000|km&location.address-state=NSW,WA", ["sydney", "perth"]),
]


@pytest.mark.parametrize("query, expected", SEARCHES)
def test_each_search_parameter_finds_the_right_services(fhir, directory, query, expected):
    bundle = fhir(f"/fhir/HealthcareService?{query}")
    assert ids(bundle) == [directory[k] for k in expected]
    assert bundle["total"] == len(expected)
    assert all(e["fullUrl"].endswith(f"/fhir/HealthcareService/{e['resource']['id']}")
               for e in bundle["entry"])
    assert link(bundle, "self") is not None


@pytest.mark.parametrize("query, expected", [
    ("near=-27.47|153.02|100|km", ["brisbane", "ipswich", "gold"]),
    ("near=-31.95|115.86|10|km", ["perth"]),
    ("address-postalcode=2000", ["sydney"]),
    ("address-state=QLD&near=-28.0|153.4|30|km", ["gold"]),
])
def test_location_search_by_near_postcode_and_state(fhir, directory, query, expected):
    bundle = fhir(f"/fhir/Location?{query}")
    assert ids(bundle, "Location") == [directory[k] for k in expected]


def test_near_results_carry_their_distance(fhir, directory):
    bundle = fhir("/fhir/HealthcareService?location.near=-27.47|153.02|100|km")
    distances = [e["search"]["extension"][0]["valueDistance"]["value"] for e in bundle["entry"]]
    assert distances == sorted(distances) and distances[0] == 0


@pytest.mark.parametrize("include, kind", [("HealthcareService:location", "Location"),
                                           ("HealthcareService:organization", "Organization")])
def test_include_adds_each_match_s_location_or_organization(fhir, directory, include, kind):
    bundle = fhir(f"/fhir/HealthcareService?location.address-state=QLD&_include={include}")
    assert ids(bundle, kind, "include") == ids(bundle)
    assert bundle["total"] == 3  # includes are not counted


def test_both_includes_together(fhir, directory):
    bundle = fhir("/fhir/HealthcareService?_count=2&_include=HealthcareService:location"
                  "&_include=HealthcareService:organization")
    assert len(ids(bundle, "Location", "include")) == 2
    assert len(ids(bundle, "Organization", "include")) == 2


def test_paging_to_the_end_and_back_visits_every_service_once(fhir, make_center):
    made = [make_center(name=f"Clinic {i:02}", lat=-27 - i / 100, lon=153.0).id for i in range(11)]
    url, forward = "/fhir/HealthcareService?_count=3&characteristic=penicillins", []
    while url:
        bundle = fhir(url)
        assert bundle["total"] == 11 and link(bundle, "self")
        forward.append(ids(bundle))
        url = link(bundle, "next")
    assert [i for page in forward for i in page] == made
    backward = []
    url = link(bundle, "self")
    while url:
        bundle = fhir(url)
        backward.append(ids(bundle))
        url = link(bundle, "previous")
    assert backward == forward[::-1]


def test_paging_a_near_search_keeps_the_distance_order(fhir, make_center):
    made = [make_center(name=f"Clinic {i}", lat=-27.47 - i / 50, lon=153.02).id for i in range(7)]
    first = fhir("/fhir/HealthcareService?location.near=-27.47|153.02|200|km&_count=4")
    second = fhir(link(first, "next"))
    assert ids(first) + ids(second) == made
    assert link(second, "next") is None


@pytest.mark.parametrize("query, words", [
    ("location.near=north|153", "must be numbers"),
    ("location.near=-27.47", "latitude|longitude|distance|km"),
    ("location.near=-27|153|10|km|x", "latitude|longitude|distance|km"),
    ("location.near=-97|153|10|km", "latitude must be -90..90"),
    ("location.near=-27|153|0|km", "distance must be above 0"),
    ("location.near=-27|153|10|mi", "must be in km"),
    ("location.near=-27|153|nan|km", "distance must be above 0"),
    ("_count=-1", "_count must be between 0 and 100"),
    ("_count=1000", "_count must be between 0 and 100"),
    ("_count=ten", "_count must be a whole number"),
    ("_offset=-1", "_offset must be between"),
    ("active=maybe", "active must be true or false"),
])
def test_bad_search_values_are_400_outcomes_that_say_what_to_fix(fhir, query, words):
    outcome = fhir(f"/fhir/HealthcareService?{query}", 400)
    assert words in outcome["issue"][0]["details"]["text"]


def test_location_near_errors_too(fhir):
    fhir("/fhir/Location?near=1|2|3|mi", 400)


@pytest.mark.parametrize("fmt, status", [("json", 200), ("application/fhir+json", 200),
                                         ("xml", 406), ("application/fhir+xml", 406)])
def test_only_json_format_is_served(fhir, fmt, status):
    fhir(f"/fhir/metadata?_format={fmt}", status)


def test_unknown_parameters_are_ignored_and_reported_in_an_outcome_entry(fhir, directory):
    bundle = fhir("/fhir/HealthcareService?colour=blue&_include=HealthcareService:endpoint"
                  "&location.address-state=WA")
    assert ids(bundle) == [directory["perth"]]
    outcome_entry = [e for e in bundle["entry"] if e["search"]["mode"] == "outcome"][0]
    assert outcome_entry["fullUrl"].startswith("urn:uuid:")
    outcome = outcome_entry["resource"]
    texts = [i["details"]["text"] for i in outcome["issue"]]
    assert any("colour" in t for t in texts)
    assert any("HealthcareService:endpoint" in t for t in texts)


def test_unknown_parameters_are_rejected_under_strict_handling(fhir, directory):
    outcome = fhir("/fhir/HealthcareService?colour=blue", 400,
                   headers={"Prefer": "handling=strict"})
    assert "colour=blue: colour is not a search parameter" in outcome["issue"][0]["details"]["text"]
    fhir("/fhir/HealthcareService?name=Perth", headers={"Prefer": "handling=strict"})


def test_organization_is_read_only(fhir):
    fhir("/fhir/Organization?name=x", 405)


@pytest.mark.parametrize("seed", range(10))
def test_location_near_returns_exactly_what_find_centers_returns(fhir, make_center, session, seed):
    rng = random.Random(seed)
    for _ in range(rng.randint(3, 40)):
        make_center(name=f"Center {rng.randint(0, 5)}",  # repeated names: ties break by id
                    lat=BRISBANE[0] + rng.uniform(-2, 2), lon=BRISBANE[1] + rng.uniform(-2, 2),
                    status=rng.choice(["active", "active", "active", "pending"]),
                    telehealth_preassessment=rng.random() < 0.5)
    lat, lon = BRISBANE[0] + rng.uniform(-1, 1), BRISBANE[1] + rng.uniform(-1, 1)
    km = rng.choice([5, 40, 90, 150, 400])
    place = Place(label="near", lat=lat, lon=lon, country="", kind="coordinates", source="fhir")
    expected = [m.center.id for m in find_centers(place, session=session, radius_km=km,
                                                   limit=1000).matches if not m.outside_radius]
    for kind, param in (("HealthcareService", "location.near"), ("Location", "near")):
        url, got = f"/fhir/{kind}?{param}={lat}|{lon}|{km}|km&_count=7", []
        while url:
            bundle = fhir(url)
            got += ids(bundle, kind)
            url = link(bundle, "next")
        assert got == expected


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(
    st.sampled_from(["name", "name:exact", "active", "specialty", "characteristic", "location.near",
                     "near", "location.address-postalcode", "address-state", "_count", "_offset",
                     "_include", "_format", "x"]),
    st.one_of(st.text(max_size=30), st.sampled_from(["-27|153|50|km", "1e309|0", "nan|nan|1",
                                                     "0|0|20000|km", "|", "٣"])),
    max_size=5),
    kind=st.sampled_from(["HealthcareService", "Location", "Organization"]))
def test_no_query_produces_a_500_or_a_body_that_is_not_fhir(fhir, client, params, kind):
    response = client.get(f"/fhir/{kind}", query_string=params)
    assert response.status_code in (200, 400, 405, 406)
    validate(response.get_json(force=True))
