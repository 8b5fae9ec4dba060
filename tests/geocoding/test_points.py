"""The in-memory point index answers "what is near these coordinates?" exactly as measuring
every place would, across the antimeridian and at the poles too."""
import random
import sqlite3

import numpy as np
import pytest

from finder.geocoding.place import haversine_km
from finder.geocoding.points import PlacePoints


def place(lat, lon, country="AU", region="NSW", kind="locality", remoteness=None):
    return {"lat": lat, "lon": lon, "country": country, "region": region, "kind": kind,
            "remoteness": remoteness}


def brute_force(places, lat, lon, max_km):
    """(id, km) of every place within max_km, nearest first, ties by id."""
    measured = [(haversine_km(lat, lon, p["lat"], p["lon"]), i)
                for i, p in enumerate(places, 1)]
    return [(i, km) for km, i in sorted(m for m in measured if m[0] <= max_km)]


def near_ids(points, lat, lon, max_km):
    positions, km = points.near(lat, lon, max_km)
    return list(zip(points.id[positions].tolist(), km.tolist(), strict=True))


@pytest.fixture(scope="module")
def crowded():
    """Places packed densely enough that every query has many neighbours, including
    clusters on the antimeridian, near both poles and exact duplicates."""
    rng = random.Random(3)
    places = [place(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(4000)]
    for lat, lon in ((-16.8, 180.0), (65.5, -179.9), (89.8, 10.0), (-89.9, -120.0)):
        places += [place(lat + rng.gauss(0, 0.2), (lon + rng.gauss(0, 0.4) + 180) % 360 - 180)
                   for _ in range(200)]
    places += [place(-27.5, 153.0)] * 3  # the same point three times: ties go by id
    for p in places:
        p["lat"] = max(-90.0, min(90.0, p["lat"]))
    return places


def test_near_finds_exactly_what_measuring_every_place_finds(crowded):
    points = PlacePoints.of(crowded)
    rng = random.Random(4)
    queries = [(-16.8, 179.95), (-16.8, -179.95), (65.5, 179.99), (89.9, 0.0), (-90.0, 0.0),
               (90.0, 45.0), (-27.5, 153.0), (0.0, 180.0)]
    queries += [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(300)]
    for lat, lon in queries:
        for max_km in (1.0, 50.0, 400.0):
            got = near_ids(points, lat, lon, max_km)
            expected = dict(brute_force(crowded, lat, lon, max_km))
            assert {i for i, _ in got} == set(expected), (lat, lon, max_km)
            assert all(km == pytest.approx(expected[i], abs=1e-9) for i, km in got)
            assert got == sorted(got, key=lambda found: (found[1], found[0]))  # ties by id


def test_columns_survive_the_file(crowded, tmp_path):
    crowded = [*crowded, place(-31.9, 141.4, region="NSW", remoteness=5),
               place(40.7, -74.0, country="US", region="NY", kind="city")]
    points = PlacePoints.of(crowded)
    with sqlite3.connect(tmp_path / "points.sqlite") as db:
        db.execute("CREATE TABLE place_point(name TEXT PRIMARY KEY, data BLOB)")
        db.executemany("INSERT INTO place_point VALUES (?, ?)", points.blobs())
        read = PlacePoints.from_blobs(db.execute("SELECT name, data FROM place_point"))
    for name in ("id", "lat", "lon", "au_locality", "area", "remoteness"):
        assert np.array_equal(getattr(read, name), getattr(points, name)), name
    by_id = {int(i): pos for pos, i in enumerate(read.id)}
    assert read.area_of(by_id[len(crowded)]) == ("US", "NY")
    assert not read.au_locality[by_id[len(crowded)]]
    assert read.remoteness_of(by_id[len(crowded) - 1]) == 5
    assert read.remoteness_of(by_id[1]) is None


def test_the_gazetteer_names_country_region_and_remoteness_of_the_nearest(gazetteer):
    broken_hill = gazetteer.at(-31.95, 141.45)
    assert (broken_hill.country, broken_hill.region) == ("AU", "NSW")
    assert broken_hill.remoteness is not None and broken_hill.remoteness >= 3
    assert gazetteer.at(-33.87, 151.21).remoteness == 1  # Sydney
    mid_ocean = gazetteer.at(-40.0, -120.0)
    assert (mid_ocean.country, mid_ocean.region, mid_ocean.remoteness) == ("", None, None)
    london = gazetteer.at(51.507, -0.128)
    assert london.country == "GB" and london.remoteness is None
