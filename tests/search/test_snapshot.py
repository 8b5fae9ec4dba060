"""The per-worker snapshot: follows the directory generation, swaps whole, never mixes."""
import itertools
import threading
import time

import numpy as np
import pytest

from finder.db import build_engine, open_session
from finder.directory import service as directory
from finder.directory.generation import read_generation
from finder.geocoding.place import Place, haversine_km
from finder.geocoding.points import spherical_km
from finder.search.holder import SnapshotHolder
from finder.search.nearest import find_centers
from tests.conftest import center_data

BRISBANE = Place("Brisbane QLD 4000", -27.47, 153.02, "AU", "QLD", "4000", "locality", 1)


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_vector_distances_equal_the_single_pair_formula():
    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(-90, 90, 200), rng.uniform(-180, 180, 200)
    got = spherical_km(-27.47, 153.02, lats, lons)
    expected = [haversine_km(-27.47, 153.02, a, b) for a, b in zip(lats, lons)]
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-9)


def test_every_listing_write_bumps_the_generation(session):
    engine = session.get_bind()
    with engine.connect() as connection:
        before = read_generation(connection)
    center = directory.create_center(session, center_data(), actor="t")
    directory.update_center(session, center.id, {"name": "Renamed"}, expected_version=1, actor="t")
    directory.mark_verified(session, center.id, actor="t")
    directory.set_status(session, center.id, "archived", actor="t")
    with engine.connect() as connection:
        assert read_generation(connection) == before + 4


def test_another_process_s_write_is_seen_at_the_next_check(sqlite_url):
    reader_engine, writer_engine = build_engine(sqlite_url), build_engine(sqlite_url)
    clock = FakeClock()
    holder = SnapshotHolder(reader_engine, clock=clock)
    try:
        assert holder.current().size == 0
        with open_session(writer_engine) as writer:  # another engine: as another worker
            directory.create_center(writer, center_data(), actor="t")
        clock.now += 0.5
        assert holder.current().size == 0  # checked less than a second ago
        clock.now += 0.6
        assert holder.current().size == 1
    finally:
        reader_engine.dispose()
        writer_engine.dispose()


def test_this_process_s_write_is_seen_at_once(sqlite_url):
    engine = build_engine(sqlite_url)
    clock = FakeClock()
    holder = SnapshotHolder(engine, clock=clock)
    try:
        assert holder.current().size == 0
        with open_session(engine) as session:
            directory.create_center(session, center_data(), actor="t")
        assert holder.current().size == 1  # the clock has not moved
    finally:
        engine.dispose()


def test_a_running_search_keeps_the_snapshot_it_started_with(sqlite_url):
    engine = build_engine(sqlite_url)
    holder = SnapshotHolder(engine, clock=FakeClock())
    try:
        with open_session(engine) as session:
            directory.create_center(session, center_data(name="Old"), actor="t")
            old = holder.current()
            directory.create_center(session, center_data(name="New", lat=-27.0), actor="t")
            new = holder.current()
        assert new is not old and (old.size, new.size) == (1, 2)
        assert old.names == ["Old"]  # never altered in place
    finally:
        engine.dispose()


def test_a_stale_listing_makes_the_search_read_the_new_directory(sqlite_url):
    """Details are checked against the snapshot's version: an edit made elsewhere after the
    last check is searched at once rather than shown half old, half new."""
    reader_engine, writer_engine = build_engine(sqlite_url), build_engine(sqlite_url)
    try:
        with open_session(writer_engine) as writer:
            center = directory.create_center(writer, center_data(name="Old"), actor="t")
        with open_session(reader_engine) as reader:
            assert [m.center.name for m in find_centers(BRISBANE, session=reader).matches] == ["Old"]
        with open_session(writer_engine) as writer:
            directory.update_center(writer, center.id, {"name": "New", "lat": -27.0},
                                    expected_version=1, actor="t")
        with open_session(reader_engine) as reader:
            match = find_centers(BRISBANE, session=reader).matches[0]
        # either the old listing at its old place (details remembered) or the new at its new
        new_km = haversine_km(BRISBANE.lat, BRISBANE.lon, -27.0, center.lon)
        assert (match.center.name, match.center.lat) in {("Old", center.lat), ("New", -27.0)}
        if match.center.name == "New":
            assert abs(match.distance_km - new_km) < 0.01 * new_km
        else:
            assert match.distance_km < 1
    finally:
        reader_engine.dispose()
        writer_engine.dispose()


@pytest.mark.parametrize("rounds", [6])
def test_searches_on_one_app_see_edits_through_another_whole_and_within_two_seconds(
        app_factory, rounds):
    editor_app, search_app = app_factory(), app_factory(search_cache_seconds=0)
    assert editor_app.extensions["finder.engine"] is not search_app.extensions["finder.engine"]
    with open_session(editor_app.extensions["finder.engine"]) as session:
        center = directory.create_center(session, center_data(name="Place 0", lat=-27.0),
                                         actor="t")
    seen, stop = [], threading.Event()

    def search():
        client = search_app.test_client()
        for i in itertools.count():
            if stop.is_set():
                break
            # many patients, not one: /api/search is rate limited per client address
            address = {"REMOTE_ADDR": f"198.18.{i // 250 % 250}.{i % 250 + 1}"}
            body = client.get("/api/search?lat=-27.47&lon=153.02", environ_base=address).get_json()
            (result,) = body["results"]
            listing = result["center"]
            seen.append((time.monotonic(), listing["name"], listing["lat"], listing["locality"],
                         result["distance_km"]))

    reader = threading.Thread(target=search)
    reader.start()
    try:
        version, expected = 1, {("Place 0", -27.0, "Brisbane")}
        for n in range(1, rounds + 1):
            lat, locality = -27.0 - n / 10, f"Town {n}"
            with open_session(editor_app.extensions["finder.engine"]) as session:
                directory.update_center(session, center.id,
                                        {"name": f"Place {n}", "lat": lat, "locality": locality},
                                        expected_version=version, actor="t")
            version, edited_at = version + 1, time.monotonic()
            expected.add((f"Place {n}", lat, locality))
            deadline = edited_at + 2.0
            while time.monotonic() < deadline and not any(
                    at > edited_at and name == f"Place {n}" for at, name, *_ in seen):
                time.sleep(0.02)
            assert any(at <= deadline and name == f"Place {n}" for at, name, *_ in seen), n
    finally:
        stop.set()
        reader.join()
    for _, name, lat, locality, km in seen:
        assert (name, lat, locality) in expected  # one version's fields, never a blend
        want = haversine_km(-27.47, 153.02, lat, center.lon)
        assert abs(km - want) <= 0.01 * want + 0.1  # the distance to that version's place


@pytest.mark.parametrize("kept", [1, 2, 3])
def test_remembering_few_listings_still_answers_every_search(session, kept, monkeypatch):
    import finder.search.snapshot as snapshot

    monkeypatch.setattr(snapshot, "DETAILS_KEPT", kept)
    for n in range(5):
        directory.create_center(session, center_data(name=f"C{n}", lat=-27.47 - n / 10), actor="t")
    for limit in (1, 3, 5, 2, 5, 4):
        names = [m.center.name for m in find_centers(BRISBANE, session=session, limit=limit).matches]
        assert names == [f"C{n}" for n in range(limit)]
