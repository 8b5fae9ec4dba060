"""finder.search.nearest: ranking, filters, radius fallback, ties, regional telehealth-first, and the
bounding-box prefilter checked against a plain full scan on random directories."""
import math
import random

import pytest
from geopy.distance import geodesic
from sqlmodel import select

from finder.directory.generation import bump_generation
from finder.directory.models import Center
from finder.geocoding.place import Place, haversine_km
from finder.search.nearest import bounding_box, find_centers

QUERIES = 40  # per random directory (300 each also passed when this was written)
BRISBANE = Place("Brisbane QLD 4000", -27.47, 153.02, "AU", "QLD", "4000", "locality", 1)
ROMA = Place("Roma QLD 4455", -26.57, 148.79, "AU", "QLD", "4455", "locality", 5)


def names(result):
    return [m.center.name for m in result.matches]


def km_east(place: Place, km: float) -> tuple[float, float]:
    """A point `km` due east-ish of the place (small distances only)."""
    return place.lat, place.lon + km / (111.32 * math.cos(math.radians(place.lat)))


@pytest.fixture
def near(make_center):
    """A center `km` east of Brisbane with any listing fields."""
    def make(name, km, **fields):
        lat, lon = km_east(BRISBANE, km)
        return make_center(name=name, lat=lat, lon=lon, **fields)
    return make


# --- ranking -----------------------------------------------------------------------------

def test_nearest_center_comes_first_with_geodesic_distance(session, near):
    near("Far", 300)
    near("Near", 10)
    near("Middle", 100)
    result = find_centers(BRISBANE, session=session)
    assert names(result) == ["Near", "Middle", "Far"]
    first = result.matches[0]
    assert first.distance_km == pytest.approx(
        geodesic((BRISBANE.lat, BRISBANE.lon), (first.center.lat, first.center.lon)).km)
    assert not result.outside_radius and not first.outside_radius


def test_limit_keeps_only_the_nearest(session, near):
    for km in (50, 10, 40, 20, 30):
        near(f"At {km}", km)
    assert names(find_centers(BRISBANE, session=session, limit=2)) == ["At 10", "At 20"]


def test_ties_are_broken_by_name_then_id(session, make_center):
    ids = [make_center(name=n).id for n in ("Beta", "Alpha", "Beta")]
    result = find_centers(BRISBANE, session=session)
    assert [(m.center.name, m.center.id) for m in result.matches] == [
        ("Alpha", ids[1]), ("Beta", ids[0]), ("Beta", ids[2])]


def test_pending_and_archived_centers_are_never_found(session, near):
    near("Pending", 5, status="pending")
    near("Archived", 6, status="archived")
    near("Active", 7)
    assert names(find_centers(BRISBANE, session=session)) == ["Active"]


# --- every filter alone -------------------------------------------------------------------

FILTER_CASES = [
    # (keyword arguments, listing that passes, listing that fails)
    ({"drug_class": "platinum"}, {"drug_classes": ["platinum", "taxanes"]},
     {"drug_classes": ["penicillins"]}),
    ({"child": True}, {"age_min_years": 0, "age_max_years": 17}, {"age_min_years": 18}),
    ({"child": True}, {"age_min_years": None}, {"age_min_years": 18, "age_max_years": 99}),
    ({"route": "oral"}, {"routes": ["iv", "oral"]}, {"routes": ["iv"]}),
    ({"accepting": True}, {"accepting_referrals": "yes"}, {"accepting_referrals": "paused"}),
    ({"accepting": True}, {"accepting_referrals": "yes"}, {"accepting_referrals": "unknown"}),
    ({"cost": "public"}, {"cost": "public"}, {"cost": "private"}),
    ({"cost": "public"}, {"cost": "both"}, {"cost": "unknown"}),
    ({"language": "vi"}, {"languages": ["en", "vi"]}, {"languages": ["en"]}),
    ({"language": "zh"}, {"languages": ["zh-Hant"]}, {"languages": ["zu"]}),
    ({"telehealth": True}, {"telehealth_preassessment": True}, {"telehealth_preassessment": False}),
    ({"age": 70}, {"age_min_years": 18, "age_max_years": None}, {"age_min_years": 0, "age_max_years": 17}),
]


@pytest.mark.parametrize(("criteria", "passing", "failing"), FILTER_CASES)
def test_each_filter_keeps_only_fitting_centers(session, near, criteria, passing, failing):
    near("Fails", 1, **failing)
    near("Passes", 50, **passing)
    assert names(find_centers(BRISBANE, session=session, **criteria)) == ["Passes"]


@pytest.mark.parametrize(("criteria", "listing"), [
    ({"accepting": False}, {"accepting_referrals": "paused"}),
    ({"telehealth": False}, {"telehealth_preassessment": False}),
    ({"child": False}, {"age_min_years": 18}),
    ({"cost": None}, {"cost": "private"}),
])
def test_a_filter_that_is_off_keeps_everything(session, near, criteria, listing):
    near("Any", 5, **listing)
    assert names(find_centers(BRISBANE, session=session, **criteria)) == ["Any"]


def test_filters_combine(session, near):
    wanted = {"drug_classes": ["platinum"], "routes": ["iv"], "age_min_years": 0,
              "accepting_referrals": "yes", "cost": "both", "languages": ["ar"],
              "telehealth_preassessment": True}
    near("All of them", 90, **wanted)
    for i, (field, value) in enumerate([("drug_classes", ["taxanes"]), ("routes", ["oral"]),
                                        ("age_min_years", 18), ("accepting_referrals", "paused"),
                                        ("cost", "private"), ("languages", ["el"]),
                                        ("telehealth_preassessment", False)]):
        near(f"Misses {field}", 10 + i, **{**wanted, field: value})
    result = find_centers(BRISBANE, session=session, drug_class="platinum", route="iv",
                          child=True, accepting=True, cost="public", language="ar",
                          telehealth=True, age=12)
    assert names(result) == ["All of them"]
    assert result.left_out_not_accepting == 1  # the paused one fits everything else


@pytest.mark.parametrize(("age", "found"), [
    (4, []), (5, ["Five to fifteen"]), (15, ["Five to fifteen"]), (16, []),
])
def test_age_range_boundaries_are_inclusive(session, near, age, found):
    near("Five to fifteen", 10, age_min_years=5, age_max_years=15)
    assert names(find_centers(BRISBANE, session=session, age=age)) == found


@pytest.mark.parametrize(("age_min", "child_found"), [(17, True), (18, False), (None, True)])
def test_child_means_under_eighteen(session, near, age_min, child_found):
    near("Clinic", 10, age_min_years=age_min)
    assert bool(names(find_centers(BRISBANE, session=session, child=True))) is child_found


def test_left_out_counts_nearer_centers_not_accepting(session, near):
    near("Paused near", 5, accepting_referrals="paused")
    near("Unknown near", 8, accepting_referrals="unknown")
    near("Accepting", 20, accepting_referrals="yes")
    near("Paused beyond the list", 200, accepting_referrals="paused")
    near("Wrong drug, paused", 3, accepting_referrals="paused", drug_classes=["platinum"])
    result = find_centers(BRISBANE, session=session, accepting=True, drug_class="penicillins")
    assert names(result) == ["Accepting"]
    assert result.left_out_not_accepting == 2


def test_left_out_is_zero_without_the_accepting_filter(session, near):
    near("Paused", 5, accepting_referrals="paused")
    assert find_centers(BRISBANE, session=session).left_out_not_accepting == 0


def test_left_out_counts_all_when_no_center_is_accepting(session, near):
    near("Paused", 5, accepting_referrals="paused")
    near("Paused too", 2000, accepting_referrals="paused")
    result = find_centers(BRISBANE, session=session, accepting=True)
    assert result.matches == [] and result.left_out_not_accepting == 2


# --- radius ------------------------------------------------------------------------------

def test_radius_keeps_centers_within_it(session, near):
    near("Inside", 40)
    near("Outside", 60)
    result = find_centers(BRISBANE, session=session, radius_km=50)
    assert names(result) == ["Inside"] and not result.outside_radius


def test_when_none_lies_within_the_radius_the_nearest_beyond_are_marked(session, near):
    near("Farther", 400)
    near("Far", 200)
    result = find_centers(BRISBANE, session=session, radius_km=100)
    assert names(result) == ["Far", "Farther"]
    assert result.outside_radius and all(m.outside_radius for m in result.matches)


def test_nothing_anywhere_is_not_outside_the_radius(session):
    result = find_centers(BRISBANE, session=session, radius_km=100)
    assert result.matches == [] and not result.outside_radius


# --- regional help -----------------------------------------------------------------------

def roma_center(make_center, name, km, telehealth):
    lat, lon = km_east(ROMA, km)
    return make_center(name=name, lat=lat, lon=lon, telehealth_preassessment=telehealth)


def test_regional_patients_see_telehealth_first_among_similar_distances(session, make_center):
    roma_center(make_center, "Near, no telehealth", 400, False)
    roma_center(make_center, "Slightly farther, telehealth", 430, True)  # within 10 %
    roma_center(make_center, "Much farther, telehealth", 600, True)
    assert names(find_centers(ROMA, session=session)) == [
        "Slightly farther, telehealth", "Near, no telehealth", "Much farther, telehealth"]


def test_city_patients_get_plain_distance_order(session, make_center):
    roma_center(make_center, "Near, no telehealth", 400, False)
    roma_center(make_center, "Slightly farther, telehealth", 430, True)
    city = Place("Roma", ROMA.lat, ROMA.lon, "AU", remoteness=2)
    assert names(find_centers(city, session=session)) == [
        "Near, no telehealth", "Slightly farther, telehealth"]


def test_regional_similarity_is_at_least_twenty_km(session, make_center):
    roma_center(make_center, "Near, no telehealth", 30, False)
    roma_center(make_center, "Within 20 km more, telehealth", 48, True)
    roma_center(make_center, "Beyond, telehealth", 80, True)
    assert names(find_centers(ROMA, session=session, limit=1)) == ["Within 20 km more, telehealth"]


# --- the bounding box --------------------------------------------------------------------

@pytest.mark.parametrize(("lat", "lon", "km", "covers_all_longitudes", "spans"), [
    (-27.0, 153.0, 100, False, 1),
    (-17.0, 179.5, 200, False, 2),   # Fiji: across the antimeridian
    (-17.0, -179.5, 200, False, 2),
    (89.5, 0.0, 100, True, 1),       # over the pole
    (-89.9, 10.0, 50, True, 1),
    (0.0, 0.0, 25_000, True, 1),
])
def test_bounding_box_shapes(lat, lon, km, covers_all_longitudes, spans):
    box = bounding_box(lat, lon, km)
    if km >= 20_000:
        assert box is None
        return
    lat_min, lat_max, lon_spans = box
    assert len(lon_spans) == spans
    assert (lon_spans == [(-180.0, 180.0)]) is covers_all_longitudes
    assert -90 <= lat_min < lat < lat_max <= 90 or lat in (lat_min, lat_max)


def test_bounding_box_holds_every_point_within_the_distance():
    rng = random.Random(7)
    for _ in range(2000):
        lat, lon = rng.uniform(-89, 89), rng.uniform(-180, 180)
        km = rng.choice([10, 100, 1000, 5000])
        plat, plon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        box = bounding_box(lat, lon, km)
        if haversine_km(lat, lon, plat, plon) <= km and box is not None:
            lat_min, lat_max, spans = box
            assert lat_min <= plat <= lat_max
            assert any(w <= plon <= e for w, e in spans)


# --- prefilter = full scan ---------------------------------------------------------------

def paused_last(pairs):
    """Within runs of similar distance (20 km or 10%), paused centers after the others."""
    out, rest = [], list(pairs)
    while rest:
        first = rest[0][0]
        size = next((i for i, p in enumerate(rest) if p[0] > first + max(20.0, 0.1 * first)),
                    len(rest))
        group, rest = rest[:size], rest[size:]
        out += [p for p in group if p[1].accepting_referrals not in ("paused", "closed")]
        out += [p for p in group if p[1].accepting_referrals in ("paused", "closed")]
    return out


def full_scan_find_centers(place, *, session, drug_class=None, child=False, route=None,
                           radius_km=None, limit=10, accepting=None, cost=None, language=None,
                           telehealth=None, age=None):
    """The obvious answer: every center, every filter, geodesic distance, sort, cut."""
    def fits(c: Center) -> bool:
        return (c.status == "active"
                and (drug_class is None or drug_class in c.drug_classes)
                and (not child or c.pediatric)
                and (route is None or route in c.routes)
                and (cost is None or c.cost in ("public", "both"))
                and (language is None or any(t == language or t.startswith(language + "-")
                                             for t in c.languages))
                and (not telehealth or c.telehealth_preassessment)
                and (age is None or ((c.age_min_years is None or c.age_min_years <= age)
                                     and (c.age_max_years is None or age <= c.age_max_years))))

    origin = (place.lat, place.lon)
    everyone = sorted(((geodesic(origin, (c.lat, c.lon)).km, c)
                       for c in session.exec(select(Center)).all() if fits(c)),
                      key=lambda p: (p[0], p[1].name, p[1].id))
    eligible = [p for p in everyone if not accepting or p[1].accepting_referrals == "yes"]

    def regional_order(pairs):
        if not place.is_regional:
            return pairs
        out, rest = [], list(pairs)
        while rest:
            first = rest[0][0]
            group = [p for p in rest if p[0] <= first + max(20.0, 0.1 * first)]
            rest = rest[len(group):]
            out += [p for p in group if p[1].telehealth_preassessment]
            out += [p for p in group if not p[1].telehealth_preassessment]
        return out

    within = [p for p in eligible if radius_km is None or p[0] <= radius_km]
    outside = bool(radius_km is not None and not within and eligible)
    chosen = regional_order(within if within else eligible)[:limit]
    chosen = paused_last(chosen)
    farthest = max((d for d, _ in chosen), default=None)  # nothing listed: every one counts
    left_out = 0
    if accepting:
        left_out = sum(1 for d, c in everyone if c.accepting_referrals != "yes"
                       and (farthest is None or d <= farthest))
    return [(c.id, round(d, 6)) for d, c in chosen], outside, left_out


def random_directory(session, seed: int, count: int) -> None:
    rng = random.Random(seed)
    clusters = [(-27.5, 153.0), (-33.9, 151.2), (-17.8, 178.0), (-17.8, -179.9), (64.0, -150.0),
                (51.5, -0.1), (-37.8, 145.0), (85.0, 30.0)]
    rows = []
    for i in range(count):
        if rng.random() < 0.7:
            clat, clon = rng.choice(clusters)
            lat = max(-90.0, min(90.0, clat + rng.gauss(0, 3)))
            lon = ((clon + rng.gauss(0, 3) + 180) % 360) - 180
        else:
            lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        if rng.random() < 0.05 and rows:  # same place, another listing: a tie
            lat, lon = rows[-1].lat, rows[-1].lon
        age_min = rng.choice([None, 0, 5, 16, 18])
        rows.append(Center(
            name=f"Center {rng.randint(0, count // 3)}", organisation="Org", locality="Town",
            country="AU", lat=lat, lon=lon,
            drug_classes=rng.sample(["penicillins", "platinum", "taxanes", "aspirin_nsaids"],
                                    rng.randint(1, 3)),
            routes=rng.sample(["iv", "oral", "subcutaneous"], rng.randint(1, 2)),
            age_min_years=age_min,
            age_max_years=rng.choice([None, 17, 65]) if age_min in (None, 0, 5) else None,
            telehealth_preassessment=rng.random() < 0.4,
            accepting_referrals=rng.choice(["yes", "yes", "paused", "closed", "unknown"]),
            cost=rng.choice(["public", "private", "both", "unknown"]),
            languages=rng.sample(["en", "vi", "zh-Hant", "ar"], rng.randint(0, 2)),
            status=rng.choice(["active"] * 8 + ["pending", "archived"]),
        ))
    session.add_all(rows)
    bump_generation(session)  # written around finder.directory.service: say so, as it does
    session.commit()


def random_query(rng: random.Random) -> tuple[Place, dict]:
    lat = rng.choice([rng.uniform(-45, -10), rng.uniform(-90, 90), rng.uniform(-20, -15),
                      rng.choice([89.9, -89.9, 0.0])])
    lon = rng.choice([rng.uniform(110, 155), rng.uniform(-180, 180), rng.uniform(179, 180),
                      rng.uniform(-180, -179), 180.0, -180.0])
    place = Place("Random", lat, lon, "AU", remoteness=rng.choice([None, 1, 2, 3, 5, 7]))
    criteria = {
        "drug_class": rng.choice([None, None, "penicillins", "platinum", "local_anaesthetics"]),
        "child": rng.random() < 0.3,
        "route": rng.choice([None, None, "iv", "oral"]),
        "radius_km": rng.choice([None, None, 0, 50, 300, 2000]),
        "limit": rng.choice([1, 3, 10, 25]),
        "accepting": rng.choice([None, True]),
        "cost": rng.choice([None, "public"]),
        "language": rng.choice([None, None, "vi", "zh"]),
        "telehealth": rng.choice([None, True]),
        "age": rng.choice([None, None, 5, 17, 40]),
    }
    return place, criteria


@pytest.mark.parametrize("source", ["snapshot", "sql"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prefiltered_search_equals_a_full_scan(session, seed, source):
    random_directory(session, seed, 400)
    rng = random.Random(seed * 1000)
    for _ in range(QUERIES):
        place, criteria = random_query(rng)
        result = find_centers(place, session=session, source=source, **criteria)
        expected = full_scan_find_centers(place, session=session, **criteria)
        # the same listings in the same order; distances to a centimetre (Vincenty's series
        # and Karney's differ by well under a millimetre)
        assert [m.center.id for m in result.matches] == [i for i, _ in expected[0]], (place, criteria)
        assert [m.distance_km for m in result.matches] == pytest.approx(
            [km for _, km in expected[0]], abs=1e-5)
        assert (result.outside_radius, result.left_out_not_accepting) == expected[1:]


@pytest.mark.parametrize(("place", "criteria"), [
    (Place("North Pole", 90.0, 0.0, "NO"), {}),
    (Place("South Pole", -90.0, 180.0, "AQ"), {"radius_km": 1}),
    (Place("Antimeridian", 0.0, 180.0, "KI"), {"limit": 1}),
    (Place("Antimeridian west", 0.0, -180.0, "KI"), {"radius_km": 0}),
    (Place("Nowhere", float("nan"), 0.0, ""), {}),
    (Place("Inf", 10.0, float("inf"), ""), {}),
    (BRISBANE, {"limit": 0}),
    (BRISBANE, {"limit": -5}),
    (BRISBANE, {"radius_km": -10}),
    (BRISBANE, {"radius_km": float("nan")}),
    (BRISBANE, {"drug_class": "not-a-class"}),
    (BRISBANE, {"age": 0, "child": True, "language": "xx"}),
    (ROMA, {"radius_km": 1e9, "limit": 10**6}),
])
def test_edge_inputs_never_raise(session, near, place, criteria):
    near("Somewhere", 10)
    result = find_centers(place, session=session, **criteria)
    assert all(m.distance_km >= 0 for m in result.matches)
