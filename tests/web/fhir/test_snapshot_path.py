"""FHIR searches answered from the worker's snapshot: the same Bundle as straight from the
database, and never a resource text kept from before an edit."""
import random
import re
from datetime import date, timedelta

import pytest

from finder.db import build_engine, open_session
from finder.directory import service as directory
from finder.directory.fhir.search import search_directory
from finder.directory.fhir.searchset import ResourceTexts, searchset_text
from finder.search.holder import holder_for
from tests.web.fhir.test_api import ids

TODAY = date(2026, 6, 1)
NEAR = "location.near"
QUERIES = [
    [],
    [("_count", "100")],
    [("_count", "3"), ("_offset", "2")],
    [(NEAR, "-27.47|153.02|100|km")],
    [(NEAR, "-27.47|153.02|300|km"), ("_count", "4"), ("_offset", "4")],
    [(NEAR, "-27.9|152.9|80|km"), ("_include", "HealthcareService:location"),
     ("_include", "HealthcareService:organization")],
    [(NEAR, "-27.47|153.02|400|km"), ("name", "center 2,center 4")],
    [(NEAR, "-27.47|153.02|400|km"), ("name:contains", "3")],
    [(NEAR, "-27.47|153.02|400|km"), ("characteristic", "J01C")],
    [(NEAR, "-27.47|153.02|400|km"), ("characteristic", "telehealth-preassessment"),
     ("_summary", "count")],
    [(NEAR, "-27.47|153.02|5|km")],
    [(NEAR, "-33.0|115.0|50|km")],  # nothing there
    [(NEAR, "0|0|20000|km"), ("_count", "100")],  # the whole globe
    [("_id", "1,3,5,7,9,11"), ("_count", "2")],
    [("organization", "Organization/4,6")],
    [("identifier", "8"), ("_include", "HealthcareService:organization")],
    [("location.address-state", "qld"), ("_lastUpdated", "ge2020-01-01")],
    [("active", "true"), ("specialty", "408480009"), ("colour", "blue")],
    [("_count", "0")],
]


@pytest.fixture
def listings(make_center, session):
    """Thirty listings around Brisbane, names repeated (ties break by id), some not taking
    referrals (listed after the others at a similar distance), some archived or pending."""
    rng = random.Random(7)
    made = []
    for _ in range(30):
        center = make_center(
            name=f"Center {rng.randint(0, 5)}", lat=-27.47 + rng.uniform(-1.5, 1.5),
            lon=153.02 + rng.uniform(-1.5, 1.5), telehealth_preassessment=rng.random() < 0.4,
            accepting_referrals=rng.choice(["yes", "paused", "unknown", "closed"]),
            drug_classes=rng.sample(["penicillins", "platinum", "taxanes"], rng.randint(1, 2)))
        made.append(center.id)
    for center_id in made[::7]:
        directory.set_status(session, center_id, "archived", actor="test")
    return made


def _bundle(session, kind, query, source, remembered=None):
    page = search_directory(session, kind, query, source=source)
    if remembered is not None:
        page.remembered = remembered

    def link_for(offset):
        return f"http://x/fhir/{kind}?o={offset}"

    text = searchset_text(page, kind, base_url="http://x/fhir", link_for=link_for, today=TODAY)
    return re.sub(r"urn:uuid:[0-9a-f-]+", "urn:uuid:x", text)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("kind", ["HealthcareService", "Location"])
def test_the_snapshot_gives_the_same_bundle_as_the_database(session, listings, kind, query):
    if kind == "Location":
        query = [(name.removeprefix("location."), value) for name, value in query
                 if name not in ("_include", "characteristic", "specialty", "active")]
    from_database = _bundle(session, kind, query, "sql")
    assert _bundle(session, kind, query, "snapshot") == from_database
    assert _bundle(session, kind, query, "snapshot") == from_database  # texts kept, same bytes


def test_a_near_search_lists_paused_referrals_after_the_others_at_a_similar_distance(
        session, make_center):
    paused = make_center(name="Alpha", lat=-27.47, lon=153.02, accepting_referrals="paused").id
    taking = make_center(name="Bravo", lat=-27.50, lon=153.02, accepting_referrals="yes").id
    far = make_center(name="Charlie", lat=-28.47, lon=153.02, accepting_referrals="yes").id
    for source in ("sql", "snapshot"):
        page = search_directory(session, "HealthcareService", [(NEAR, "-27.47|153.02|300")],
                                source=source)
        assert [c.id for c in page.centers] == [taking, paused, far]


def _names(bundle):
    return {(e["resource"]["resourceType"], e["resource"]["name"]) for e in bundle["entry"]}


INCLUDE_ALL = ("&_include=HealthcareService:location"
               "&_include=HealthcareService:organization")


@pytest.mark.parametrize("query", [f"{NEAR}=-27.47|153.02|50|km", "_id={id}", "name=gold"])
def test_an_edit_is_served_at_once_never_a_text_kept_from_before(fhir, session, make_center,
                                                                 query):
    center = make_center(name="Gold Clinic", organisation="Old Hospital")
    url = f"/fhir/HealthcareService?{query.format(id=center.id)}{INCLUDE_ALL}"
    before = fhir(url)
    assert _names(before) == {("HealthcareService", "Gold Clinic"), ("Location", "Gold Clinic"),
                              ("Organization", "Old Hospital")}
    assert fhir(url) == before  # now answered from the kept texts
    directory.update_center(session, center.id, {"name": "Golden Clinic",
                                                 "organisation": "New Hospital"},
                            expected_version=center.version, actor="test")
    after = fhir(url)
    assert _names(after) == {("HealthcareService", "Golden Clinic"),
                             ("Location", "Golden Clinic"), ("Organization", "New Hospital")}
    assert {e["resource"]["meta"]["versionId"] for e in after["entry"]} == {"2"}


def test_an_archived_listing_leaves_the_results_at_once(fhir, session, make_center):
    kept, gone = make_center(name="Kept").id, make_center(name="Gone").id
    url = f"/fhir/HealthcareService?{NEAR}=-27.47|153.02|50|km"
    assert ids(fhir(url)) == [gone, kept]  # the same place: by name
    directory.set_status(session, gone, "archived", actor="test")
    assert ids(fhir(url)) == [kept]


def test_another_worker_s_edit_is_served_after_its_next_generation_check(fhir, app,
                                                                         make_center):
    center = make_center(name="Gold Clinic")
    url = f"/fhir/Location?_id={center.id}"
    holder = holder_for(app.extensions["finder.engine"])
    now = [1000.0]
    holder.clock = lambda: now[0]
    assert _names(fhir(url)) == {("Location", "Gold Clinic")}
    other = build_engine(str(app.extensions["finder.engine"].url))  # another worker's
    try:
        with open_session(other) as session:
            directory.update_center(session, center.id, {"name": "Golden Clinic"},
                                    expected_version=center.version, actor="test")
    finally:
        other.dispose()
    now[0] += holder.check_every + 0.1
    assert _names(fhir(url)) == {("Location", "Golden Clinic")}


def test_kept_texts_follow_the_day_a_listing_goes_stale(session, make_center):
    center = make_center(name="Verified once")
    directory.mark_verified(session, center.id, actor="test")
    verified = session.get(type(center), center.id).verified_at
    remembered = {}
    fresh_day = verified.date() + timedelta(days=30)
    stale_day = verified.date() + timedelta(days=800)
    statuses = []
    for today in (fresh_day, stale_day, fresh_day):
        page = search_directory(session, "HealthcareService", [("_id", str(center.id))])
        page.remembered = remembered
        text = searchset_text(page, "HealthcareService", base_url="http://x/fhir",
                              link_for=str, today=today)
        statuses.append(re.search(r'"url":"status","valueCode":"(\w+)"', text).group(1))
    assert statuses == ["verified", "stale", "verified"]


def test_kept_texts_are_bounded_least_recently_served_first():
    texts = ResourceTexts(kept=2)
    written = []

    def write(name):
        return lambda: written.append(name) or name

    for key in ("a", "b", "a", "c", "a", "b"):
        texts.text(key, write(key))
    assert written == ["a", "b", "c", "b"]  # "b" went when "c" came; "a" was served since
    assert len(texts) == 2


def test_no_listing_on_the_page_means_no_listing_built(session, listings, monkeypatch):
    """A count, or a page past the end, reads no listing's row."""
    from finder.search.snapshot import DirectorySnapshot

    def refuse(*_args):
        raise AssertionError("a listing was built")

    monkeypatch.setattr(DirectorySnapshot, "centers", refuse)
    for query in ([("_summary", "count")], [("_count", "0"), (NEAR, "-27|153|500")],
                  [("_offset", "1000")]):
        page = search_directory(session, "HealthcareService", query)
        assert (page.centers, page.total) == ([], 25)  # 30 made, 5 archived
