"""Geodesic distances agree with Karney's algorithm (geographiclib, which geopy uses) to well
under a millimetre, including the cases Vincenty's iteration finds hard."""
import random

import pytest
from geographiclib.geodesic import Geodesic

from finder.search.geodesy import geodesic_km, geodesic_km_many


def karney_km(lat1, lon1, lat2, lon2) -> float:
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def test_random_pairs_agree_with_karney_one_at_a_time_and_many_at_once():
    """Ranking measures the few pairs it needs one at a time; FHIR's near search measures
    every row at once: both agree with Karney to well under a millimetre, and with each other
    to a tenth of one (the printed figures are whole metres at most)."""
    rng = random.Random(11)
    for _ in range(200):
        lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        lats = [rng.uniform(-90, 90) for _ in range(20)]
        lons = [rng.uniform(-180, 180) for _ in range(20)]
        many = geodesic_km_many(lat, lon, lats, lons)
        for la, lo, km in zip(lats, lons, many, strict=True):
            one = geodesic_km(lat, lon, la, lo)
            assert km == pytest.approx(karney_km(lat, lon, la, lo), abs=1e-6)
            assert one == pytest.approx(km, abs=1e-7)


@pytest.mark.parametrize("origin, other", [
    ((-27.47, 153.02), (-27.47, 153.02)),        # the same point
    ((0.0, 0.0), (0.0, 179.7)),                  # along the equator, nearly antipodal
    ((0.0, 0.0), (0.5, 179.7)),                  # nearly antipodal: Vincenty does not converge
    ((10.0, 20.0), (-10.0, -160.0)),             # exactly antipodal
    ((-33.87, 179.9), (-33.87, -179.9)),         # across the date line
    ((90.0, 0.0), (-90.0, 0.0)),                 # pole to pole
])
def test_hard_cases_agree_with_karney(origin, other):
    expected = karney_km(*origin, *other)
    assert geodesic_km_many(*origin, [other[0]], [other[1]])[0] == pytest.approx(expected, abs=1e-6)
    assert geodesic_km(*origin, *other) == pytest.approx(expected, abs=1e-6)


def test_nothing_to_measure_is_an_empty_answer():
    assert geodesic_km_many(-27.0, 153.0, [], []).size == 0
