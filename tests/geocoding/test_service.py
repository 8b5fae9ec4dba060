"""GeocodingService with a fake online geocoder: cache, fallback, timeout, shared rate limit."""
import json
import threading
import time

import pytest
from geopy.exc import GeocoderServiceError
from geopy.location import Location

from finder.geocoding.parse import GeocodeInputError
from finder.geocoding.place import Place
from finder.geocoding.service import GeocodingService, SharedRateLimit, online_geocoder


class FakeOnline:
    """Stands in for Nominatim: answers from a table, records when it was asked."""

    def __init__(self, answers=None, error=None, delay=0.0):
        self.answers = answers or {}
        self.error, self.delay = error, delay
        self.calls: list[tuple[str, float]] = []

    def geocode(self, query, exactly_one=True, **kwargs):
        self.calls.append((query, time.monotonic()))
        if self.delay:
            time.sleep(self.delay)
        if self.error:
            raise self.error
        found = self.answers.get(query)
        return Location(found[0], found[1], {"fake": True}) if found else None


class DictCache:
    def __init__(self):
        self.rows: dict[str, tuple[str, str]] = {}

    def get(self, key):
        return self.rows[key][0] if key in self.rows else None

    def put(self, key, payload, source):
        self.rows[key] = (payload, source)


DUBBO_STREET = ("12 Macquarie St, Dubbo NSW 2830, Australia", (-32.2457, 148.6027))


def service_with(gazetteer, online, cache=None, **options):
    cache = cache or DictCache()
    return GeocodingService(gazetteer, online=online, cache_get=cache.get,
                            cache_put=cache.put, **options)


def test_an_online_answer_is_cached_and_reused(gazetteer):
    online, cache = FakeOnline({"12 Macquarie St, Dubbo": DUBBO_STREET}), DictCache()
    service = service_with(gazetteer, online, cache)
    first = service.geocode("12 Macquarie St, Dubbo")
    again = service.geocode("  12 macquarie st,  DUBBO ")
    assert len(online.calls) == 1
    assert first.match == again.match
    assert first.match.source == "fakeonline"
    assert (first.match.country, first.match.region, first.match.remoteness) == ("AU", "NSW", 3)
    payload, source = next(iter(cache.rows.values()))
    assert json.loads(payload)["label"] == DUBBO_STREET[0] and source == "fakeonline"


def test_a_cached_payload_round_trips_to_the_same_place():
    place = Place("Dubbo NSW 2830", -32.2, 148.6, "AU", "NSW", "2830", "locality", 3)
    assert Place.from_dict(json.loads(json.dumps(place.to_dict()))) == place


def test_an_online_miss_is_cached_and_the_gazetteer_answers(gazetteer):
    online, cache = FakeOnline(), DictCache()
    service = service_with(gazetteer, online, cache)
    assert service.geocode("Toowoomba").match.label == "Toowoomba QLD 4350"
    assert service.geocode("Toowoomba").match.source == "gazetteer"
    assert len(online.calls) == 1
    assert [payload for payload, _ in cache.rows.values()] == ["null"]


def test_a_failing_service_falls_back_to_the_gazetteer(gazetteer):
    online = FakeOnline(error=GeocoderServiceError("503"))
    result = service_with(gazetteer, online).geocode("Mt Gambier")
    assert result.match.label == "Mount Gambier SA 5290"
    assert len(online.calls) == 1


def test_a_hanging_service_gives_way_to_the_gazetteer(gazetteer):
    online = FakeOnline({"Broken Hill": ("Broken Hill", (-31.95, 141.45))}, delay=5.0)
    started = time.monotonic()
    result = service_with(gazetteer, online).geocode("Broken Hill")
    assert time.monotonic() - started < 2.5
    assert result.match.source == "gazetteer"
    assert result.match.label == "Broken Hill NSW 2880"


def test_postcodes_and_coordinates_are_answered_offline(gazetteer):
    online = FakeOnline()
    service = service_with(gazetteer, online)
    assert service.geocode("2880").match.kind == "postcode"
    assert service.geocode("-27.47, 153.03").match.kind == "coordinates"
    assert online.calls == []


def test_two_calls_within_a_second_do_not_both_reach_the_service(gazetteer, tmp_path):
    online = FakeOnline()
    service = service_with(gazetteer, online, rate_limit_path=tmp_path / "geocoder.lock")
    service.geocode("Dubbo")
    service.geocode("Orange")
    (_, first), (_, second) = online.calls
    assert second - first >= 0.9


def test_the_rate_limit_is_shared_by_services_using_one_lock_file(gazetteer, tmp_path):
    """Two services stand for two worker processes: together, still one request a second."""
    online = FakeOnline()
    lock = tmp_path / "geocoder.lock"
    services = [service_with(gazetteer, online, rate_limit_path=lock) for _ in range(2)]
    threads = [threading.Thread(target=s.geocode, args=(q,))
               for s, q in zip(services, ["Dubbo", "Orange"], strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for _, t in online.calls)
    assert len(times) == 2 and times[1] - times[0] >= 0.9


def test_shared_rate_limit_survives_a_garbled_lock_file(tmp_path):
    lock = tmp_path / "geocoder.lock"
    lock.write_text("not a time")
    SharedRateLimit(lock, interval=0.01).wait()
    assert float(lock.read_text()) > 0


def test_without_an_online_service_the_gazetteer_answers(gazetteer):
    result = GeocodingService(gazetteer).geocode("Toowomba")
    assert result.fuzzy and result.message == "Showing results for Toowoomba QLD"


@pytest.mark.parametrize("typed", ["", "x" * 201, "Dubbo\x07", "91, 200"])
def test_invalid_input_raises_before_any_service_is_asked(gazetteer, typed):
    online = FakeOnline()
    with pytest.raises(GeocodeInputError):
        service_with(gazetteer, online).geocode(typed)
    assert online.calls == []


def test_suggest_comes_from_the_gazetteer_only(gazetteer):
    online = FakeOnline()
    service = service_with(gazetteer, online)
    assert service.suggest("toow", limit=3)[0].label == "Toowoomba QLD 4350"
    assert len(service.suggest("s", limit=3)) == 3
    assert service.suggest("   ") == []
    assert online.calls == []
    with pytest.raises(GeocodeInputError):
        service.suggest("toow\x00")


def test_an_online_geocoder_is_configured_by_name_with_our_user_agent(gazetteer):
    service = GeocodingService(gazetteer, online="nominatim")  # constructing makes no request
    assert service.source == "nominatim"
    assert online_geocoder("nominatim").headers["User-Agent"].startswith("desensitization-finder/")
    assert GeocodingService(gazetteer, online="gazetteer").source == "gazetteer"


def online_threads() -> int:
    return sum(t.name == "online-geocoder" for t in threading.enumerate())


def test_timeouts_leave_no_thread_behind(gazetteer):
    online = FakeOnline(delay=0.5)
    service = service_with(gazetteer, online, timeout=0.05, min_interval=0)
    before = online_threads()
    for town in ("Dubbo", "Orange", "Bathurst", "Mudgee", "Parkes", "Cowra"):
        assert service.geocode(town).match.source == "gazetteer"
    assert online_threads() - before <= 1  # one asking thread, however many timed out


def test_a_full_queue_answers_from_the_gazetteer_at_once(gazetteer):
    release = threading.Event()

    class Stuck(FakeOnline):
        def geocode(self, query, exactly_one=True, **kwargs):
            self.calls.append((query, time.monotonic()))
            release.wait(5)

    online = Stuck()
    service = service_with(gazetteer, online, timeout=3, min_interval=0, queue_size=2)
    waiting = [threading.Thread(target=service.geocode, args=(q,)) for q in ("Dubbo", "Orange",
                                                                             "Bathurst")]
    for thread in waiting:
        thread.start()
        time.sleep(0.1)  # the first is being asked; the next two fill the queue
    started = time.monotonic()
    result = service.geocode("Mudgee")
    assert time.monotonic() - started < 0.5
    assert result.match.source == "gazetteer" and result.match.label.startswith("Mudgee")
    release.set()
    for thread in waiting:
        thread.join()


def test_a_question_whose_caller_gave_up_is_not_asked(gazetteer):
    online = FakeOnline(delay=0.4)
    service = service_with(gazetteer, online, timeout=0.05, min_interval=0)
    service.geocode("Dubbo")   # being asked when its caller gives up
    service.geocode("Orange")  # still queued when its caller gives up: withdrawn
    time.sleep(1.0)
    assert [q for q, _ in online.calls] == ["Dubbo"]
