"""The demonstration listings route children plausibly: a child's search from each state
capital and from regional towns reaches a children's hospital first wherever one that gives
the drug class lies within 1,000 km (never a regional adult clinic marked "all ages")."""
import json

import pytest

from finder.directory.exchange import seed_demo
from finder.geocoding.gazetteer import open_gazetteer
from finder.search.nearest import find_centers, geodesic_km

DEMO = json.loads(open("data/centers.json", encoding="utf-8").read())["centers"]
ORIGINS = ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Hobart", "Darwin",
           "Canberra", "Bendigo", "Broken Hill", "Wagga Wagga", "Toowoomba", "Launceston"]
REACH_KM = 1000


def is_childrens_hospital(center) -> bool:
    return center.age_max_years is not None and center.age_max_years < 18


@pytest.fixture
def demo_session(session):
    seed_demo(session, DEMO, actor="test")
    return session


@pytest.fixture(scope="module")
def places(gazetteer_path):
    gazetteer = open_gazetteer(gazetteer_path)
    return {name: gazetteer.search(name).match for name in ORIGINS}


@pytest.mark.parametrize("origin", ORIGINS)
def test_a_child_reaches_a_childrens_hospital_first(demo_session, places, origin):
    place = places[origin]
    childrens = [c for c in DEMO if c["age_max_years"] is not None and c["age_max_years"] < 18
                 and c["country"] == "AU"]
    classes = sorted({code for c in childrens for code in c["drug_classes"]})
    checked = 0
    for drug_class in classes:
        reachable = [c for c in childrens if drug_class in c["drug_classes"]
                     and geodesic_km(place.lat, place.lon, c["lat"], c["lon"]) <= REACH_KM]
        if not reachable:
            continue
        first = find_centers(place, session=demo_session, drug_class=drug_class, child=True,
                             age=10, limit=1).matches[0].center
        assert is_childrens_hospital(first), (origin, drug_class, first.organisation)
        checked += 1
    assert checked or origin == "Darwin"  # Darwin: the nearest children's hospital is 2,600 km


def test_carboplatin_for_a_child_in_bendigo_goes_to_melbourne(demo_session, places):
    first = find_centers(places["Bendigo"], session=demo_session, drug_class="platinum",
                         child=True, age=10, limit=3).matches
    assert [m.center.locality for m in first][:1] == ["Parkville"]  # The Royal Children's
