"""FHIR R4 §3.1.1 to the letter: _id, _lastUpdated, identifier, organization, service-type,
_count=0 and _summary=count, modifiers, handling, the self link, formats, conditional reads,
identifiers, the public URL and CORS."""
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from finder.directory.service import update_center
from finder.fhir import identifier_system, public_url
from tests.web.fhir.test_api import ids


def self_params(bundle):
    url = [x["url"] for x in bundle["link"] if x["relation"] == "self"][0]
    return urlsplit(url), parse_qsl(urlsplit(url).query)


def test_id_finds_exactly_that_service_and_a_comma_means_or(fhir, directory):
    assert ids(fhir(f"/fhir/HealthcareService?_id={directory['perth']}")) == [directory["perth"]]
    both = fhir(f"/fhir/HealthcareService?_id={directory['perth']},{directory['gold']}")
    assert sorted(ids(both)) == sorted([directory["perth"], directory["gold"]])
    assert ids(fhir("/fhir/HealthcareService?_id=999999")) == []
    assert ids(fhir(f"/fhir/Location?_id={directory['sydney']}"), "Location") == [directory["sydney"]]
    fhir(f"/fhir/HealthcareService?_id={directory['pending']}")["total"] == 0


def test_last_updated_prefixes_select_by_the_time_of_the_last_edit(fhir, directory, session):
    from finder.directory.models import Center

    old = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    for key, center_id in directory.items():
        center = session.get(Center, center_id)
        center.updated_at = old if key in ("perth", "gold") else datetime(2026, 6, 1, tzinfo=UTC)
    session.commit()
    recent = sorted(directory[k] for k in ("brisbane", "ipswich", "sydney"))
    assert sorted(ids(fhir("/fhir/HealthcareService?_lastUpdated=gt2026-01-10"))) == recent
    assert sorted(ids(fhir("/fhir/HealthcareService?_lastUpdated=ge2026-02"))) == recent
    assert sorted(ids(fhir("/fhir/HealthcareService?_lastUpdated=le2026-01-10"))) == \
        sorted([directory["perth"], directory["gold"]])
    assert ids(fhir("/fhir/HealthcareService?_lastUpdated=lt2026-01-10")) == []
    assert sorted(ids(fhir("/fhir/HealthcareService?_lastUpdated=2026-01-10T12:00:00Z"))) == \
        sorted([directory["perth"], directory["gold"]])
    # a zone moves the instant: 22:00+10:00 is 12:00 UTC
    assert len(ids(fhir("/fhir/HealthcareService?_lastUpdated=ge2026-01-10T22:00:01%2B10:00"))) == 3
    assert len(ids(fhir("/fhir/HealthcareService?_lastUpdated=ge2026-01-01"
                        "&_lastUpdated=lt2026-02-01"))) == 2


def test_a_summary_it_cannot_honour_is_a_400_whatever_the_handling(fhir):
    fhir("/fhir/HealthcareService?_summary=text", 400)  # it would change what comes back


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "xx2026", "2026-02-30", "2023-02-29",
                                   "", "2026,", "0000"])
def test_a_bad_last_updated_is_a_400_naming_the_form(fhir, value):
    text = fhir(f"/fhir/HealthcareService?_lastUpdated={value}", 400)["issue"][0]["details"]["text"]
    assert "_lastUpdated" in text


def test_every_resource_carries_its_identifier_version_and_last_update(fhir, directory, session):
    from finder.directory.models import Center

    center = session.get(Center, directory["perth"])
    for kind in ("HealthcareService", "Location", "Organization"):
        resource = fhir(f"/fhir/{kind}/{center.id}")
        assert resource["identifier"] == [{"use": "official", "system": identifier_system(kind),
                                           "value": str(center.id)}]
        assert resource["meta"]["versionId"] == str(center.version)
        stored = center.updated_at
        assert datetime.fromisoformat(resource["meta"]["lastUpdated"]) == \
            (stored if stored.tzinfo else stored.replace(tzinfo=UTC))
    found = fhir(f"/fhir/HealthcareService?identifier={identifier_system('HealthcareService')}"
                 f"|{center.id}")
    assert ids(found) == [center.id]
    assert ids(fhir(f"/fhir/HealthcareService?identifier=http://other.example|{center.id}")) == []


def test_organization_and_service_type_searches(fhir, directory):
    assert ids(fhir(f"/fhir/HealthcareService?organization=Organization/{directory['gold']}")) \
        == [directory["gold"]]
    assert ids(fhir(f"/fhir/HealthcareService?organization={directory['gold']}")) == \
        [directory["gold"]]
    fhir("/fhir/HealthcareService?organization=Location/1", 400)
    assert len(ids(fhir("/fhir/HealthcareService?service-type=drug-desensitization"))) == 5
    assert ids(fhir("/fhir/HealthcareService?service-type=something-else")) == []


@pytest.mark.parametrize("query", ["_count=0", "_summary=count"])
def test_count_only_gives_the_total_and_no_entries(fhir, directory, query):
    bundle = fhir(f"/fhir/HealthcareService?location.address-state=QLD&{query}")
    assert bundle["total"] == 3
    assert bundle.get("entry", []) == []
    assert [x["relation"] for x in bundle["link"]] == ["self"]


@pytest.mark.parametrize("query", ["name:contains=x&name:missing=true", "name:bogus=x",
                                   "active:not=true", "_id:exact=1", "_include:iterate="
                                   "HealthcareService:location", "location.near:below=1|2"])
@pytest.mark.parametrize("prefer", [None, "handling=lenient", "handling=strict"])
def test_an_unsupported_modifier_is_a_400_whatever_the_handling(fhir, directory, query, prefer):
    headers = {"Prefer": prefer} if prefer else {}
    text = fhir(f"/fhir/HealthcareService?{query}", 400, headers=headers)["issue"][0]["details"]
    assert "not supported" in text["text"]


def test_lenient_drops_unknown_parameters_and_the_self_link_lists_only_those_applied(fhir, directory):
    bundle = fhir("/fhir/HealthcareService?colour=blue&_sort=name&name=Perth&_count=5",
                  headers={"Prefer": "handling=lenient"})
    assert ids(bundle) == [directory["perth"]]
    url, params = self_params(bundle)
    assert params == [("name", "Perth"), ("_count", "5")]
    outcome = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"][0]
    texts = " ".join(i["details"]["text"] for i in outcome["issue"])
    assert "colour=blue" in texts and "_sort=name" in texts


@pytest.mark.parametrize("query", ["colour=blue", "_sort=name",
                                   "_include=HealthcareService:endpoint"])
def test_strict_rejects_every_unsupported_parameter(fhir, directory, query):
    fhir(f"/fhir/HealthcareService?{query}", 400, headers={"Prefer": "handling=strict"})


@pytest.mark.parametrize("accept, status", [
    ("application/fhir+xml", 406), ("application/xml", 406), ("text/html", 406),
    ("application/fhir+json", 200), ("application/json", 200), ("*/*", 200),
    ("application/fhir+xml, application/fhir+json;q=0.5", 200),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200)])
def test_accept_gets_the_same_answer_as_format(fhir, directory, accept, status):
    fhir("/fhir/HealthcareService", status, headers={"Accept": accept})
    fhir(f"/fhir/HealthcareService/{directory['perth']}", status, headers={"Accept": accept})


def test_a_read_answers_if_none_match_with_304_until_the_listing_changes(client, directory, session):
    from finder.directory.models import Center

    url = f"/fhir/HealthcareService/{directory['perth']}"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag == f'W/"{first.get_json()["meta"]["versionId"]}"'
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    center = session.get(Center, directory["perth"])
    center = update_center(session, center.id, {"name": "Perth Allergy Clinic"}, actor="test",
                           expected_version=center.version)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["meta"]["versionId"] == str(center.version)
    assert changed.headers["ETag"] != etag


def test_the_host_header_never_enters_a_url(app_factory, make_center):
    make_center(name="Alpha Clinic"), make_center(name="Beta Clinic")
    app = app_factory(public_url="https://finder.example.org")
    client = app.test_client()
    bundle = client.get("/fhir/HealthcareService?_count=1&_include=HealthcareService:location",
                        headers={"Host": "evil.example"}).get_json()
    urls = [e["fullUrl"] for e in bundle["entry"]] + [x["url"] for x in bundle["link"]]
    assert urls and all(u.startswith("https://finder.example.org/fhir/") for u in urls)
    service = bundle["entry"][0]["resource"]
    systems = [c["system"] for c in service["type"][0]["coding"]]
    assert systems == ["https://finder.example.org/fhir/CodeSystem/service-type"]
    assert "evil" not in client.get("/fhir/metadata", headers={"Host": "evil.example"}).get_data(
        as_text=True)


def test_code_systems_follow_the_public_url():
    from finder.fhir import our_system

    with public_url("https://a.example/"):
        assert our_system("route") == "https://a.example/fhir/CodeSystem/route"
    assert our_system("route") == "http://127.0.0.1:5000/fhir/CodeSystem/route"


def test_trusted_hosts_refuse_other_host_headers(app_factory):
    client = app_factory(trusted_hosts=("finder.example.org",)).test_client()
    assert client.get("/fhir/metadata", headers={"Host": "finder.example.org"}).status_code == 200
    assert client.get("/fhir/metadata", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("url", ["/fhir/metadata", "/fhir/HealthcareService", "/api/drugs?q=pen"])
def test_read_only_routes_allow_any_origin_without_credentials(client, url):
    response = client.get(url, headers={"Origin": "https://ehr.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(url, headers={"Origin": "https://ehr.example",
                                             "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "prefer"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Prefer" in preflight.headers["Access-Control-Allow-Headers"]


def test_configured_origins_only_and_never_on_writes(app_factory):
    client = app_factory(cors_origins=("https://ehr.example",)).test_client()
    ok = client.get("/fhir/metadata", headers={"Origin": "https://ehr.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://ehr.example"
    assert "Origin" in ok.headers["Vary"]
    other = client.get("/fhir/metadata", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    write = client.options("/api/centers", headers={"Origin": "https://ehr.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in write.headers
    post = client.post("/api/centers", headers={"Origin": "https://ehr.example"})
    assert "Access-Control-Allow-Origin" not in post.headers
