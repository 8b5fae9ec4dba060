"""Clients nobody here wrote, against a live server: fhirpy (search, _id, .count(), paging,
includes) and fhirclient (strict R4 model parsing of reads and searchsets), and a conditional
read as a synchronising consumer makes it."""
import threading

import pytest
import requests
from werkzeug.serving import make_server

from tests.test_faults import free_port


@pytest.fixture
def live(app_factory, make_center):
    made = [make_center(name=f"Clinic {i:02}", lat=-27 - i / 100, lon=153.0,
                        postcode=f"40{i:02}", region="QLD" if i % 2 else "NSW").id
            for i in range(12)]
    port = free_port()
    app = app_factory(public_url=f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/fhir", made
    server.shutdown()
    thread.join(timeout=5)


def test_fhirpy_searches_counts_pages_and_includes(live):
    from fhirpy import SyncFHIRClient

    base, made = live
    client = SyncFHIRClient(base)
    services = client.resources("HealthcareService")
    assert services.count() == 12
    assert services.search(**{"location.address-state": "QLD"}).count() == 6
    one = services.search(_id=made[3]).get()
    assert one["id"] == str(made[3]) and one["name"] == "Clinic 03"
    every = services.limit(5).fetch_all()
    assert sorted(int(s["id"]) for s in every) == sorted(made)
    with_orgs = services.search(_id=made[0]).include("HealthcareService", "organization") \
        .fetch_raw()
    kinds = sorted(e["resource"]["resourceType"] for e in with_orgs["entry"])
    assert kinds == ["HealthcareService", "Organization"]
    location = client.reference("Location", made[5]).to_resource()
    assert location["managingOrganization"]["reference"] == f"Organization/{made[5]}"


def test_fhirclient_parses_reads_and_searchsets_strictly(live):
    from fhirclient import client
    from fhirclient.models.bundle import Bundle
    from fhirclient.models.healthcareservice import HealthcareService
    from fhirclient.models.location import Location
    from fhirclient.models.organization import Organization

    base, made = live
    smart = client.FHIRClient(settings={"app_id": "finder-tests", "api_base": base + "/"})
    service = HealthcareService.read(str(made[2]), smart.server)
    assert service.name == "Clinic 02" and service.meta.versionId == "1"
    assert service.identifier[0].value == str(made[2])
    assert Location.read(str(made[2]), smart.server).address.postalCode == "4002"
    assert Organization.read(str(made[2]), smart.server).name
    bundle = next(HealthcareService.where(struct={"_id": f"{made[0]},{made[1]}"})
                  .perform_iter(smart.server))
    assert isinstance(bundle, Bundle) and bundle.total == 2
    paged = list(HealthcareService.where(struct={"_count": "5"}).perform_iter(smart.server))
    assert [len(b.entry) for b in paged] == [5, 5, 2]  # next links followed to the end
    found = HealthcareService.where(struct={"name": "Clinic 1", "_count": "3"}) \
        .perform_resources_iter(smart.server)
    assert sorted(s.name for s in found) == ["Clinic 10", "Clinic 11"]


def test_a_conditional_read_answers_304_then_the_new_version(live, session):
    from finder.directory.service import update_center

    base, made = live
    url = f"{base}/HealthcareService/{made[0]}"
    before = requests.get(f"{base}/HealthcareService", params={"_count": 100}, timeout=10).json()
    synced_up_to = max(e["resource"]["meta"]["lastUpdated"] for e in before["entry"])
    first = requests.get(url, timeout=10)
    assert first.status_code == 200
    unchanged = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert unchanged.status_code == 304 and unchanged.content == b""
    update_center(session, made[0], {"phone": "+61 7 3999 0000"}, actor="test",
                  expected_version=1)
    changed = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert changed.status_code == 200 and changed.json()["meta"]["versionId"] == "2"
    since = requests.get(f"{base}/HealthcareService",  # what changed since the last sync
                         params={"_lastUpdated": f"gt{synced_up_to}"}, timeout=10).json()
    assert [e["resource"]["id"] for e in since["entry"]] == [str(made[0])]
