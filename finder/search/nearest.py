"""Patient search: the nearest suitable active centers to a place, ranked by distance.

The database is read through a bounding box on the (lat, lon) index that doubles until it holds
enough matches (or the whole globe), so the cost follows the centers near the patient, not the
size of the directory. Candidates are ranked by cheap haversine distance; geopy's geodesic
distance, the one shown, is computed only for the few that can still make the list.
"""
import json
import math
import time
from dataclasses import dataclass
from functools import cache, lru_cache

from geopy.distance import geodesic
from sqlalchemy import String, and_, bindparam, cast, func, or_, true
from sqlmodel import Session, select

from finder.directory.models import Center, ages_cover, sees_children
from finder.geocoding.place import EARTH_KM, Place, haversine_km
from finder.vocabulary import ADULT_AGE

HALF_EQUATOR_KM = math.pi * EARTH_KM  # no two points on the globe are farther apart
START_KM = 10.0  # the smallest first box
DENSITY_TTL_S = 60.0
_density: dict[str, tuple[float, tuple[int, float]]] = {}  # database URL -> (read at, (count, km²))
# Spherical and ellipsoidal distances differ by < 0.6 %; this margin keeps every center that
# could rank by geodesic distance inside the box searched by spherical distance.
SLACK = 1.01
GLOBE_KM = 5000.0
_WGS84 = geodesic()  # geopy's geodesic (WGS-84); .measure() skips building a Distance per pair


@lru_cache(maxsize=200_000)
def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """geopy's geodesic km, remembered: patients come from a limited set of places (the
    gazetteer's) and centers rarely move, so the same pairs recur and each costs ~0.2 ms."""
    return _WGS84.measure((lat1, lon1), (lat2, lon2))
SIMILAR_KM, SIMILAR_FRACTION = 20.0, 0.10  # "similar distance" for regional telehealth-first

# Lists come back as their JSON text: a quoted code is found in it without decoding each row.
_COLUMNS = (Center.id, Center.name, Center.lat, Center.lon, Center.status,
            cast(Center.drug_classes, String).label("drug_classes"),
            cast(Center.routes, String).label("routes"), Center.age_min_years,
            Center.age_max_years, Center.cost, cast(Center.languages, String).label("languages"),
            Center.telehealth_preassessment, Center.accepting_referrals)


@dataclass(frozen=True)
class Match:
    center: Center
    distance_km: float  # geodesic, from the patient's place
    outside_radius: bool = False


@dataclass
class SearchResult:
    matches: list[Match]
    outside_radius: bool  # nothing lay within the radius: these are the nearest beyond it
    left_out_not_accepting: int  # otherwise matching centers, no farther, not accepting now


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
        """True when a row of _COLUMNS (lists as JSON text) fits every criterion."""
        if row.status != "active":
            return False
        if self.drug_class and f'"{self.drug_class}"' not in (row.drug_classes or ""):
            return False
        if self.route and f'"{self.route}"' not in (row.routes or ""):
            return False
        if self.child and not sees_children(row.age_min_years):
            return False
        if self.age is not None and not ages_cover(row.age_min_years, row.age_max_years, self.age):
            return False
        if self.cost == "public" and row.cost not in ("public", "both"):
            return False
        if self.language and not speaks(json.loads(row.languages or "[]"), self.language):
            return False
        return not (self.telehealth and not row.telehealth_preassessment)


def speaks(languages, wanted: str) -> bool:
    """'zh' is met by 'zh-Hant'; tags compare without case (BCP 47)."""
    wanted = wanted.lower()
    return any(tag.lower() == wanted or tag.lower().startswith(wanted + "-") for tag in languages)


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


@cache
def _statement(spans: int, drug: bool, route: bool, child: bool, age: bool, public: bool,
               telehealth: bool):
    """The prefilter query for one shape of search, built once (values are bound per call).

    SQL narrows the rows; Criteria.admits, in Python, stays the rule. The status test is an
    expression so the SQLite planner keeps to the (lat, lon) index rather than the status one.
    """
    query = select(*_COLUMNS).where(func.coalesce(Center.status, "") == "active")
    if spans:
        query = query.where(Center.lat >= bindparam("lat_min"), Center.lat <= bindparam("lat_max"),
                            or_(*(and_(Center.lon >= bindparam(f"west{i}"),
                                       Center.lon <= bindparam(f"east{i}")) for i in range(spans))))
    if drug:  # a JSON list holds '"code"'; LIKE's "_" may over-match, admits() is exact
        query = query.where(cast(Center.drug_classes, String).like(bindparam("drug")))
    if route:
        query = query.where(cast(Center.routes, String).like(bindparam("route")))
    if child:
        query = query.where(or_(Center.age_min_years.is_(None), Center.age_min_years < ADULT_AGE))
    if age:
        query = query.where(or_(Center.age_min_years.is_(None), Center.age_min_years <= bindparam("age")),
                            or_(Center.age_max_years.is_(None), Center.age_max_years >= bindparam("age")))
    if public:
        query = query.where(Center.cost.in_(("public", "both")))
    if telehealth:
        query = query.where(Center.telehealth_preassessment == true())
    return query


def _rows_in(session: Session, box, criteria: "Criteria") -> list:
    lat_min, lat_max, spans = box if box is not None else (None, None, [])
    params = {"lat_min": lat_min, "lat_max": lat_max, "age": criteria.age,
              "drug": f'%"{criteria.drug_class}"%', "route": f'%"{criteria.route}"%'}
    for i, (west, east) in enumerate(spans):
        params[f"west{i}"], params[f"east{i}"] = west, east
    query = _statement(len(spans), bool(criteria.drug_class), bool(criteria.route),
                       criteria.child, criteria.age is not None, criteria.cost == "public",
                       bool(criteria.telehealth))
    return list(session.execute(query, params).all())


def _reach(km: float, regional: bool) -> float:
    """How far the list must be known for its last place to be final (regional reordering
    can pull in a telehealth center a little farther away)."""
    return km + max(SIMILAR_KM, SIMILAR_FRACTION * km) if regional else km


class _Geodesic:
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


def _key(ranked):
    return ranked[0], ranked[1].name, ranked[1].id


def _nearest(pairs: list, k: int, exact: _Geodesic) -> list:
    """The k (geodesic km, row) nearest, ties by name then id; `pairs` sorted by spherical km.
    Stops measuring once the next spherical distance rules a row out."""
    done: list = []
    for pair in pairs if k > 0 else ():
        if len(done) >= k and pair[0] / SLACK > done[k - 1][0]:
            break
        done.append((exact(pair), pair[1]))
        done.sort(key=_key)
    return done[:k]


def _regional_order(pairs: list, k: int, exact: _Geodesic) -> list:
    """telehealth_first over the nearest pairs, measuring only what decides the first k."""
    out, rest = [], pairs
    while rest and len(out) < k:
        reach = _reach(_nearest(rest, 1, exact)[0][0], True)
        group = [p for p in rest if exact.within(p, reach)]
        taken = {id(p) for p in group}
        rest = [p for p in rest if id(p) not in taken]
        for offers in (True, False):
            same = [p for p in group if bool(p[1].telehealth_preassessment) is offers]
            out += _nearest(same, k - len(out), exact)
    return out


NOT_TAKING_REFERRALS = {"paused", "closed"}


def paused_after_accepting(matches: list[Match]) -> list[Match]:
    """Among centers at a similar distance (the regional telehealth reach), those whose
    referrals are paused or closed go after the rest: still listed and marked, never hidden."""
    out, rest = [], list(matches)
    while rest:
        reach = _reach(rest[0].distance_km, True)
        size = next((i for i, m in enumerate(rest) if m.distance_km > reach), len(rest))
        group, rest = rest[:size], rest[size:]
        out += sorted(group, key=lambda m: m.center.accepting_referrals in NOT_TAKING_REFERRALS)
    return out


def find_centers(place: Place, *, session: Session, drug_class: str | None = None,
                 child: bool = False, route: str | None = None, radius_km: float | None = None,
                 limit: int = 10, accepting: bool | None = None, cost: str | None = None,
                 language: str | None = None, telehealth: bool | None = None,
                 age: int | None = None) -> SearchResult:
    """The `limit` nearest active centers fitting every filter, nearest first (ties by name,
    then id). With `radius_km`, only those within it; when none is, the nearest beyond it,
    marked `outside_radius`. A place that is not a finite point gets an empty result."""
    criteria = Criteria(drug_class, child, route, cost, language, telehealth, age)
    if limit < 1 or not (math.isfinite(place.lat) and math.isfinite(place.lon)):
        return SearchResult([], False, 0)
    lat, lon = max(-90.0, min(90.0, place.lat)), ((place.lon + 180.0) % 360.0) - 180.0
    if radius_km is not None and math.isfinite(radius_km):
        radius = max(0.0, radius_km)
        found = _search(session, lat, lon, criteria, limit, accepting, place.is_regional, radius)
        if found.matches:
            return found
    found = _search(session, lat, lon, criteria, limit, accepting, place.is_regional, None)
    outside = radius_km is not None and math.isfinite(radius_km) and bool(found.matches)
    matches = [Match(m.center, m.distance_km, outside) for m in found.matches]
    return SearchResult(matches, outside, found.left_out_not_accepting)


def _first_box_km(session: Session, limit: int) -> float:
    """The box that would hold `limit` centers were they spread evenly over the area the
    directory covers: small for a dense directory, wide for a sparse one, so most searches
    need one or two queries. The count and extent are read at most once a minute."""
    key = str(session.get_bind().url)
    read_at, (active, area_km2) = _density.get(key, (0.0, (0, 0.0)))
    if time.monotonic() - read_at > DENSITY_TTL_S:
        active, south, north, west, east = session.execute(
            select(func.count(), func.min(Center.lat), func.max(Center.lat), func.min(Center.lon),
                   func.max(Center.lon)).where(Center.status == "active")).one()
        area_km2 = 0.0
        if active:
            height = math.radians(north - south) * EARTH_KM
            width = math.radians(east - west) * EARTH_KM * math.cos(math.radians((north + south) / 2))
            area_km2 = max(height, START_KM) * max(width, START_KM)
        _density[key] = (time.monotonic(), (active, area_km2))
    if active <= limit:
        return HALF_EQUATOR_KM
    return max(START_KM, math.sqrt(limit / active * area_km2 / math.pi))


def _search(session, lat, lon, criteria, limit, accepting, regional, radius) -> SearchResult:
    start = _first_box_km(session, limit)
    km = min(start, radius * SLACK) if radius is not None else start
    while True:
        box = bounding_box(lat, lon, km)
        fitting = [(haversine_km(lat, lon, r.lat, r.lon), r) for r in _rows_in(session, box, criteria)
                   if criteria.admits(r)]
        fitting.sort(key=lambda pair: pair[0])
        shown = [p for p in fitting if not accepting or p[1].accepting_referrals == "yes"]
        if radius is not None:
            shown = [p for p in shown if p[0] <= radius * SLACK]
        # `needed`: how far (spherical km) the directory must be known for the list to be final
        if len(shown) >= limit:
            needed = _reach(shown[limit - 1][0] * SLACK, regional) * SLACK
        else:
            needed = HALF_EQUATOR_KM
        if radius is not None:
            needed = min(needed, radius * SLACK)
        if box is None or needed <= km:
            return _rank(session, (lat, lon), fitting, [p for p in shown if p[0] <= needed],
                         limit, regional, radius, count_refusing=bool(accepting))
        km = min(needed, km * 8) if len(shown) >= limit else _grow(km, len(shown), limit)
        km = HALF_EQUATOR_KM if km > GLOBE_KM else km  # that far, read everything at once


def _grow(km: float, found: int, wanted: int) -> float:
    """The next box: as if matches were spread evenly, enough for `wanted`, within 2-8 times."""
    factor = math.sqrt(wanted / found) * 1.3 if found else 4.0
    return max(km * min(max(factor, 2.0), 8.0), 1.0)


def _rank(session, origin, fitting, shown, limit, regional, radius, count_refusing):
    """The final order, measuring geodesic km only where it decides something."""
    exact = _Geodesic(origin)
    if radius is not None:
        shown = [p for p in shown if exact.within(p, radius)]
    ranked = _regional_order(shown, limit, exact) if regional else _nearest(shown, limit, exact)
    centers = {c.id: c for c in _load(session, [r.id for _, r in ranked])}
    matches = paused_after_accepting([Match(centers[r.id], d) for d, r in ranked])
    left_out = 0
    if count_refusing:
        farthest = max((d for d, _ in ranked), default=None)  # nothing listed: all count
        left_out = sum(1 for p in fitting if p[1].accepting_referrals != "yes"
                       and (farthest is None or exact.within(p, farthest)))
    return SearchResult(matches, False, left_out)


def _load(session: Session, ids: list[int]) -> list[Center]:
    if not ids:
        return []
    return list(session.exec(select(Center).where(Center.id.in_(ids))).all())
