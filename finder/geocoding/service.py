"""Geocoding for the app: an online geopy geocoder when configured, the gazetteer otherwise.

The online service is asked at most once a second for the whole app (geopy's RateLimiter in
each process plus a file lock shared by every process on the host: Nominatim's policy), its
answers are cached through the injected `cache_get`/`cache_put`, and the gazetteer answers
whenever the service fails, finds nothing, takes longer than the timeout or already has a full
queue of questions (finder.geocoding.online_queue: one asking thread per process).
geopy (with aiohttp and requests, ~15 MB) is imported only when an online service is configured.
"""
import fcntl
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from finder.geocoding.gazetteer import Gazetteer, GeocodeResult
from finder.geocoding.online_queue import QUEUE_SIZE, OnlineQueue
from finder.geocoding.parse import GeocodeInputError, check_query, parse_query, query_key
from finder.geocoding.place import Place

DEFAULT_USER_AGENT = (
    "desensitization-finder/0.1 (+https://github.com/desensitization-finder/finder)"
)
ONLINE_TIMEOUT_SECONDS = 2.0
MIN_SECONDS_BETWEEN_REQUESTS = 1.0

log = logging.getLogger(__name__)


class SharedRateLimit:
    """At most one call per `interval` across all processes using the same lock file.

    The lock file holds the time of the last call; a caller holds an exclusive flock while it
    waits its turn, so callers queue up. One host only: several hosts need a shared store.
    """

    def __init__(self, path, interval: float = MIN_SECONDS_BETWEEN_REQUESTS):
        self.path = Path(path)
        self.interval = interval

    def wait(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="ascii") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            try:
                last = float(f.read().strip() or 0)
            except ValueError:
                last = 0.0
            delay = last + self.interval - time.time()
            if delay > 0:
                time.sleep(min(delay, self.interval))
            f.seek(0)
            f.truncate()
            f.write(repr(time.time()))
            f.flush()


class _MemoryCache:
    """Default cache when the caller injects none: per process, bounded."""

    def __init__(self, size: int = 2000):
        self.size, self.entries = size, {}

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def put(self, key: str, payload: str, source: str) -> None:
        if len(self.entries) >= self.size:
            self.entries.pop(next(iter(self.entries)))
        self.entries[key] = payload


def online_geocoder(name: str, user_agent: str = DEFAULT_USER_AGENT, timeout: float = 5.0):
    """A geopy geocoder by service name ("nominatim"); makes no network call here."""
    from geopy.geocoders import get_geocoder_for_service

    return get_geocoder_for_service(name)(user_agent=user_agent, timeout=timeout)


class GeocodingService:
    """geocode() and suggest() for the web layer; see the module docstring for the policy."""

    def __init__(self, gazetteer: Gazetteer, *, online=None, user_agent: str = DEFAULT_USER_AGENT,
                 cache_get: Callable[[str], str | None] | None = None,
                 cache_put: Callable[[str, str, str], None] | None = None,
                 rate_limit_path=None, timeout: float = ONLINE_TIMEOUT_SECONDS,
                 min_interval: float = MIN_SECONDS_BETWEEN_REQUESTS, queue_size: int = QUEUE_SIZE):
        self.gazetteer = gazetteer
        self.timeout = timeout
        if isinstance(online, str):
            online = online_geocoder(online, user_agent) if online != "gazetteer" else None
        self.source = type(online).__name__.lower() if online else "gazetteer"
        memory = _MemoryCache()
        self._cache_get = cache_get or memory.get
        self._cache_put = cache_put or memory.put
        self._ask = self._rate_limited(online, rate_limit_path, min_interval) if online else None
        self._queue = OnlineQueue(self._ask, queue_size) if online else None

    @staticmethod
    def _rate_limited(online, rate_limit_path, min_interval):
        from geopy.extra.rate_limiter import RateLimiter

        shared = SharedRateLimit(rate_limit_path, min_interval) if rate_limit_path else None

        def ask(text: str):
            if shared:
                shared.wait()
            return online.geocode(text, exactly_one=True)

        return RateLimiter(ask, min_delay_seconds=min_interval, max_retries=0,
                           swallow_exceptions=False)

    def geocode(self, text: str) -> GeocodeResult:
        """The best place for what was typed; GeocodeInputError when it cannot be a place."""
        parsed = parse_query(text)
        if self._ask is None or parsed.kind in ("coordinates", "postcode"):
            return self.gazetteer.resolve(text, parsed)
        key = query_key(text)
        cached = self._cache_get(key)
        if cached is not None:
            place = _place_from_payload(cached)
            return GeocodeResult(text, place) if place else self.gazetteer.resolve(text, parsed)
        try:
            location = self._ask_within_timeout(text)
        except Exception as error:  # any failure of the outside service: answer offline
            log.warning("online geocoder failed (%s): using the gazetteer", type(error).__name__)
            return self.gazetteer.resolve(text, parsed)
        place = self._place_from_location(location, parsed.kind) if location else None
        self._cache_put(key, json.dumps(place.to_dict()) if place else "null", self.source)
        return GeocodeResult(text, place) if place else self.gazetteer.resolve(text, parsed)

    def suggest(self, text: str, limit: int = 8) -> list[Place]:
        """Autocomplete from the gazetteer only (Nominatim forbids autocomplete use)."""
        if not text or not text.strip():
            return []
        check_query(text)
        return self.gazetteer.suggest(text, limit)

    def _ask_within_timeout(self, text: str):
        """The online answer; TimeoutError after `timeout` seconds or at once when the queue
        is full (the question is then withdrawn if it has not started)."""
        future = self._queue.submit(text)
        if future is None:
            raise TimeoutError("the online geocoder's queue is full")
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError("the online geocoder did not answer in time") from None

    def _place_from_location(self, location, kind: str) -> Place:
        """A Place from a geopy Location, with country, region and remoteness from nearby."""
        lat, lon = location.latitude, location.longitude
        near = self.gazetteer.at(lat, lon)
        return Place(location.address, lat, lon, near.country, near.region, None,
                     "address" if kind == "address" else "locality", near.remoteness,
                     self.source)


def _place_from_payload(payload: str) -> Place | None:
    data = json.loads(payload)
    return Place.from_dict(data) if data else None


__all__ = ["GeocodingService", "GeocodeResult", "GeocodeInputError", "SharedRateLimit",
           "online_geocoder", "DEFAULT_USER_AGENT"]
