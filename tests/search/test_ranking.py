"""finder.search.ranking on in-memory rows: no database, no Flask."""
import math

import pytest

from finder.geocoding.place import haversine_km
from finder.search.ranking import Candidate, Criteria, find_with, paused_last, rank

ORIGIN = (-26.57, 148.79)  # Roma QLD


def east(km: float) -> tuple[float, float]:
    lat, lon = ORIGIN
    return lat, lon + km / (111.32 * math.cos(math.radians(lat)))


def row(center_id: int, name: str, km: float, telehealth=False, accepting="yes") -> tuple:
    lat, lon = east(km)
    return (haversine_km(*ORIGIN, lat, lon),
            Candidate(center_id, name, lat, lon, telehealth, accepting))


def ordered(pairs, refusing=None, **options):
    defaults = {"limit": 10, "regional": False, "radius": None}
    given = None if refusing is None else (lambda _farthest: refusing)
    ranked, left_out = rank(ORIGIN, sorted(pairs, key=lambda p: p[0]), given,
                            **{**defaults, **options})
    return [r.name for _, r in ranked], left_out


def test_nearest_first_with_ties_by_name_then_id():
    pairs = [row(3, "B", 10), row(2, "A", 10), row(1, "A", 10), row(4, "Near", 5)]
    ranked, _ = rank(ORIGIN, sorted(pairs, key=lambda p: p[0]), None, 10, False, None)
    assert [(r.name, r.id) for _, r in ranked] == [("Near", 4), ("A", 1), ("A", 2), ("B", 3)]


def test_regional_patients_see_telehealth_first_among_similar_distances():
    pairs = [row(1, "Near", 100), row(2, "Telehealth", 110, telehealth=True), row(3, "Far", 300)]
    assert ordered(pairs, regional=True)[0] == ["Telehealth", "Near", "Far"]
    assert ordered(pairs, regional=False)[0] == ["Near", "Telehealth", "Far"]


def test_the_radius_drops_what_lies_beyond_it():
    assert ordered([row(1, "In", 40), row(2, "Out", 60)], radius=50)[0] == ["In"]


def test_refusing_centers_no_farther_than_the_last_listed_are_counted():
    refusing = [row(5, "Paused near", 5, accepting="paused"),
                row(6, "Paused far", 500, accepting="paused")]
    names, left_out = ordered([row(1, "A", 10), row(2, "B", 20)], refusing=refusing)
    assert (names, left_out) == (["A", "B"], 1)
    assert ordered([], refusing=refusing)[1] == 2  # nothing listed: every one counts


def test_find_with_falls_back_beyond_the_radius_and_says_so():
    calls = []

    def search(lat, lon, *, limit, radius, **options):
        calls.append(radius)
        return ([] if radius is not None else [(80.0, "far")]), 0

    assert find_with(search, 0.0, 0.0, limit=3, radius_km=50) == ([(80.0, "far")], True, 0)
    assert calls == [50, None]


@pytest.mark.parametrize(("criteria", "fits"), [
    (Criteria(drug_class="platinum"), False), (Criteria(drug_class="penicillins"), True),
    (Criteria(route="oral"), False), (Criteria(child=True), False), (Criteria(age=40), True),
    (Criteria(age=70), False), (Criteria(cost="public"), True), (Criteria(language="zh"), True),
    (Criteria(language="vi"), False), (Criteria(telehealth=True), False),
])
def test_criteria_on_a_plain_row(criteria, fits):
    from types import SimpleNamespace

    listing = SimpleNamespace(status="active", drug_classes=["penicillins"], routes=["iv"],
                              age_min_years=18, age_max_years=65, cost="both",
                              languages=["zh-Hant"], telehealth_preassessment=False)
    assert criteria.admits(listing) is fits


@pytest.mark.parametrize("km, paused, expected", [
    ([], [], []),
    ([1, 2, 3], [True, False, False], [1, 2, 0]),  # within 20 km of the first: one group
    ([1, 30, 31], [True, False, False], [0, 1, 2]),  # 30 km is past 1 km's reach
    ([100, 105, 111, 112], [True, True, False, False], [2, 3, 0, 1]),  # reach of 100 km: 120
    ([300, 320, 331], [True, False, True], [1, 0, 2]),  # 331 is past 300 km's reach (330)
])
def test_paused_referrals_go_last_among_similar_distances(km, paused, expected):
    assert paused_last(km, paused) == expected
