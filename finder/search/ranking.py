"""The pure search rules: what fits a patient, the search box, and the final order.

Works on any rows carrying id, name, lat, lon, telehealth_preassessment and
accepting_referrals (the in-memory snapshot's candidates or the SQL prefilter's rows), so the
order is one rule whichever source supplied them. No database, no Flask.
"""
import bisect
import math
from dataclasses import dataclass
from typing import NamedTuple

from finder.directory.models import Center, ages_cover, sees_children
from finder.geocoding.place import EARTH_KM
from finder.search.geodesy import geodesic_km

HALF_EQUATOR_KM = math.pi * EARTH_KM  # no two points on the globe are farther apart
START_KM = 10.0  # the smallest first box
GLOBE_KM = 5000.0  # past this, read everything at once
# Spherical and ellipsoidal distances differ by < 0.6 %; this margin keeps every center that
# could rank by geodesic distance inside the box searched by spherical distance.
SLACK = 1.01
SIMILAR_KM, SIMILAR_FRACTION = 20.0, 0.10  # "similar distance" for regional telehealth-first
NOT_TAKING_REFERRALS = frozenset({"paused", "closed"})


class Match(NamedTuple):
    center: Center
    distance_km: float  # geodesic, from the patient's place
    outside_radius: bool = False


@dataclass
class SearchResult:
    matches: list[Match]
    outside_radius: bool  # nothing lay within the radius: these are the nearest beyond it
    left_out_not_accepting: int  # otherwise matching centers, no farther, not accepting now


class Candidate(NamedTuple):
    """What ranking needs of a listing."""
    id: int
    name: str
    lat: float
    lon: float
    telehealth_preassessment: bool
    accepting_referrals: str


def offers_public(cost: str | None) -> bool:
    """A public service (or one offering both public and private care)."""
    return cost in ("public", "both")


def speaks(languages, wanted: str) -> bool:
    """'zh' is met by 'zh-Hant'; tags compare without case (BCP 47)."""
    wanted = wanted.lower()
    return any(tag.lower() == wanted or tag.lower().startswith(wanted + "-") for tag in languages)


@dataclass(frozen=True)
class Criteria:
    """What the patient needs; `accepting` is kept apart so the ones it drops can be counted."""
    drug_class: str | None = None
    child: bool = False
    route: str | None = None
    cost: str | None = None
    language: str | None = None
    telehealth: bool | None = None
    age: int | None = None

    def admits(self, row) -> bool:
        """True when an active listing's row (lists decoded) fits every criterion."""
        if row.status != "active":
            return False
        if self.drug_class and self.drug_class not in (row.drug_classes or ()):
            return False
        if self.route and self.route not in (row.routes or ()):
            return False
        if self.child and not sees_children(row.age_min_years):
            return False
        if self.age is not None and not ages_cover(row.age_min_years, row.age_max_years, self.age):
            return False
        if self.cost == "public" and not offers_public(row.cost):
            return False
        if self.language and not speaks(row.languages or (), self.language):
            return False
        return not (self.telehealth and not row.telehealth_preassessment)


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, list[tuple]] | None:
    """(lat_min, lat_max, [(lon_min, lon_max), ...]) holding every point within `km` on the
    sphere; None for the whole globe. A box over a pole spans all longitudes; one across the
    antimeridian is split in two."""
    if km >= HALF_EQUATOR_KM:
        return None
    r = km / EARTH_KM
    lat_min, lat_max = lat - math.degrees(r), lat + math.degrees(r)
    if lat_min <= -90 or lat_max >= 90 or math.cos(math.radians(lat)) <= math.sin(r):
        return max(lat_min, -90.0), min(lat_max, 90.0), [(-180.0, 180.0)]
    dlon = math.degrees(math.asin(math.sin(r) / math.cos(math.radians(lat))))
    west, east = lon - dlon, lon + dlon
    if west < -180:
        spans = [(west + 360, 180.0), (-180.0, east)]
    elif east > 180:
        spans = [(west, 180.0), (-180.0, east - 360)]
    else:
        spans = [(west, east)]
    return lat_min, lat_max, spans


def first_box_km(active: int, area_km2: float, limit: int) -> float:
    """The box that would hold `limit` centers were they spread evenly over the area the
    directory covers: small for a dense directory, wide for a sparse one."""
    if active <= limit:
        return HALF_EQUATOR_KM
    return max(START_KM, math.sqrt(limit / active * area_km2 / math.pi))


def covered_area_km2(south: float, north: float, west: float, east: float) -> float:
    height = math.radians(north - south) * EARTH_KM
    width = math.radians(east - west) * EARTH_KM * math.cos(math.radians((north + south) / 2))
    return max(height, START_KM) * max(width, START_KM)


def grow(km: float, found: int, wanted: int) -> float:
    """The next box: as if matches were spread evenly, enough for `wanted`, within 2-8 times."""
    factor = math.sqrt(wanted / found) * 1.3 if found else 4.0
    return max(km * min(max(factor, 2.0), 8.0), 1.0)


def paused_last(distances: list[float], paused: list[bool]) -> list[int]:
    """Positions in listing order once, among listings at a similar distance (the regional
    telehealth reach of the first of each group), the ones not taking referrals go after the
    rest: still listed, never hidden."""
    order, start, count = [], 0, len(distances)
    while start < count:
        far = reach(distances[start], True)
        stop = next((i for i in range(start + 1, count) if distances[i] > far), count)
        order += sorted(range(start, stop), key=paused.__getitem__)
        start = stop
    return order


def reach(km: float, regional: bool) -> float:
    """How far the list must be known for its last place to be final (regional reordering
    can pull in a telehealth center a little farther away)."""
    return km + max(SIMILAR_KM, SIMILAR_FRACTION * km) if regional else km


def needed_km(shown_km: list[float], limit: int, regional: bool, radius: float | None) -> float:
    """How far (spherical km) the directory must be known for the list to be final, given
    the sorted spherical distances of the rows shown so far."""
    needed = (reach(shown_km[limit - 1] * SLACK, regional) * SLACK if len(shown_km) >= limit
              else HALF_EQUATOR_KM)
    return min(needed, radius * SLACK) if radius is not None else needed


def next_box_km(km: float, needed: float, shown: int, limit: int) -> float:
    km = min(needed, km * 8) if shown >= limit else grow(km, shown, limit)
    return HALF_EQUATOR_KM if km > GLOBE_KM else km


class Geodesic:
    """Geodesic km from the origin, computed at most once per row. Spherical km bound it
    (geodesic is within SLACK of it either way), so most rows never need it."""

    def __init__(self, origin: tuple[float, float]):
        self.origin, self.known = origin, {}

    def __call__(self, pair) -> float:
        row = pair[1]
        if row.id not in self.known:
            self.known[row.id] = geodesic_km(*self.origin, row.lat, row.lon)
        return self.known[row.id]

    def within(self, pair, km: float) -> bool:
        return pair[0] * SLACK <= km or (pair[0] / SLACK <= km and self(pair) <= km)


def nearest(pairs: list, k: int, exact: Geodesic) -> list:
    """The k (geodesic km, row) nearest, ties by name then id; `pairs` sorted by spherical km.
    Stops measuring once the next spherical distance rules a row out."""
    done: list = []  # (km, name, id, row): in order as they are (ids differ)
    for pair in pairs if k > 0 else ():
        if len(done) >= k and pair[0] / SLACK > done[k - 1][0]:
            break
        row = pair[1]
        bisect.insort(done, (exact(pair), row.name, row.id, row))
    return [(km, row) for km, _, _, row in done[:k]]


def regional_order(pairs: list, k: int, exact: Geodesic) -> list:
    """Telehealth first among similar distances, measuring only what decides the first k."""
    out, rest = [], pairs
    while rest and len(out) < k:
        limit_km = reach(nearest(rest, 1, exact)[0][0], True)
        group = [p for p in rest if exact.within(p, limit_km)]
        taken = {id(p) for p in group}
        rest = [p for p in rest if id(p) not in taken]
        for offers in (True, False):
            same = [p for p in group if bool(p[1].telehealth_preassessment) is offers]
            out += nearest(same, k - len(out), exact)
    return out


def rank(origin, shown: list, refusing, limit: int, regional: bool,
         radius: float | None) -> tuple[list, int]:
    """The final (geodesic km, row) order and how many refusing pairs (fitting, not
    accepting referrals) lie no farther than the last one listed (all, when none is).
    `shown` is sorted by spherical km; geodesic km is measured only where it decides.
    `refusing(farthest)` gives the refusing pairs that might lie within `farthest` km
    (spherical km / SLACK no more than it; every one when it is None), or is None."""
    exact = Geodesic(origin)
    if radius is not None:
        shown = [p for p in shown if exact.within(p, radius)]
    ranked = regional_order(shown, limit, exact) if regional else nearest(shown, limit, exact)
    left_out = 0
    if refusing is not None:
        farthest = max((d for d, _ in ranked), default=None)
        left_out = sum(1 for p in refusing(farthest) if farthest is None or exact.within(p, farthest))
    return ranked, left_out


def find_with(search, lat: float, lon: float, *, limit: int, radius_km: float | None,
              **options) -> tuple[list, bool, int]:
    """The radius rule over a `search(lat, lon, radius=…)` giving (ranked, left_out): within
    the radius when anything lies there, else the nearest beyond it, marked outside."""
    if radius_km is not None and math.isfinite(radius_km):
        ranked, left_out = search(lat, lon, limit=limit, radius=max(0.0, radius_km), **options)
        if ranked:
            return ranked, False, left_out
    ranked, left_out = search(lat, lon, limit=limit, radius=None, **options)
    outside = radius_km is not None and math.isfinite(radius_km) and bool(ranked)
    return ranked, outside, left_out
