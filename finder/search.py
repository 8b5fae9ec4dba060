"""Patient search: the nearest suitable active centers to a place, ranked by distance.

The database is read through a bounding box on the (lat, lon) index that doubles until it holds
enough matches (or the whole globe), so the cost follows the centers near the patient, not the
size of the directory. Candidates are ranked by cheap haversine distance; geopy's geodesic
distance, the one shown, is computed only for the few that can still make the list.
"""
import math
from dataclasses import dataclass

from geopy.distance import geodesic
from sqlalchemy import and_, or_
from sqlmodel import Session, select

from finder.geocoding.place import Place
from finder.models import Center
from finder.vocabulary import ADULT_AGE

EARTH_KM = 6371.009  # geopy's great_circle mean radius
HALF_EQUATOR_KM = math.pi * EARTH_KM  # no two points on the globe are farther apart
START_KM = 50.0
# Spherical and ellipsoidal distances differ by < 0.6 %; this margin keeps every center that
# could rank by geodesic distance inside the box searched by spherical distance.
SLACK = 1.01
SIMILAR_KM, SIMILAR_FRACTION = 20.0, 0.10  # "similar distance" for regional telehealth-first

_COLUMNS = (Center.id, Center.name, Center.lat, Center.lon, Center.status, Center.drug_classes,
            Center.routes, Center.age_min_years, Center.age_max_years, Center.cost,
            Center.languages, Center.telehealth_preassessment, Center.accepting_referrals)


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
        """True when a listing (a Center or a row of _COLUMNS) fits every criterion."""
        if row.status != "active":
            return False
        if self.drug_class and self.drug_class not in (row.drug_classes or ()):
            return False
        if self.route and self.route not in (row.routes or ()):
            return False
        if self.child and not (row.age_min_years is None or row.age_min_years < ADULT_AGE):
            return False
        if self.age is not None and not (
                (row.age_min_years is None or row.age_min_years <= self.age)
                and (row.age_max_years is None or self.age <= row.age_max_years)):
            return False
        if self.cost == "public" and row.cost not in ("public", "both"):
            return False
        if self.language and not speaks(row.languages or (), self.language):
            return False
        return not (self.telehealth and not row.telehealth_preassessment)


def speaks(languages, wanted: str) -> bool:
    """'zh' is met by 'zh-Hant'; tags compare without case (BCP 47)."""
    wanted = wanted.lower()
    return any(tag.lower() == wanted or tag.lower().startswith(wanted + "-") for tag in languages)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


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


def _rows_in(session: Session, box) -> list:
    # status is checked in Python: an equality on the status index would otherwise tempt the
    # SQLite planner away from the (lat, lon) range.
    query = select(*_COLUMNS)
    if box is not None:
        lat_min, lat_max, spans = box
        query = query.where(and_(Center.lat >= lat_min, Center.lat <= lat_max,
                                 or_(*(and_(Center.lon >= w, Center.lon <= e) for w, e in spans))))
    return list(session.exec(query).all())


def _reach(km: float, regional: bool) -> float:
    """How far the list must be known for its last place to be final (regional reordering
    can pull in a telehealth center a little farther away)."""
    return km + max(SIMILAR_KM, SIMILAR_FRACTION * km) if regional else km


def telehealth_first(ranked: list, distance=lambda m: m.distance_km,
                     telehealth=lambda m: m.center.telehealth_preassessment) -> list:
    """Among centers at a similar distance (within 10 % or 20 km of the nearest of them),
    those offering a telehealth pre-assessment first; otherwise the order is kept."""
    ordered, i = [], 0
    while i < len(ranked):
        j, reach = i, _reach(distance(ranked[i]), True)
        while j < len(ranked) and distance(ranked[j]) <= reach:
            j += 1
        ordered += sorted(ranked[i:j], key=lambda m: not telehealth(m))
        i = j
    return ordered


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


def _search(session, lat, lon, criteria, limit, accepting, regional, radius) -> SearchResult:
    km = min(START_KM, radius * SLACK) if radius is not None else START_KM
    while True:
        box = bounding_box(lat, lon, km)
        fitting = [(haversine_km(lat, lon, r.lat, r.lon), r) for r in _rows_in(session, box)
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
            return _rank(session, (lat, lon), fitting, shown, needed, limit, regional, radius,
                         count_refusing=bool(accepting))
        km = max(km * 2, min(needed, km * 8), 1.0)


def _rank(session, origin, fitting, shown, needed, limit, regional, radius, count_refusing):
    """Geodesic distances for the candidates still in the running, then the final order."""
    def measured(pairs):
        return [(geodesic(origin, (r.lat, r.lon)).km, r) for d, r in pairs if d <= needed]

    ranked = sorted(measured(shown), key=lambda m: (m[0], m[1].name, m[1].id))
    if radius is not None:
        ranked = [m for m in ranked if m[0] <= radius]
    if regional:
        ranked = telehealth_first(ranked, lambda m: m[0], lambda m: m[1].telehealth_preassessment)
    ranked = ranked[:limit]
    centers = {c.id: c for c in _load(session, [r.id for _, r in ranked])}
    matches = [Match(centers[r.id], d) for d, r in ranked]
    left_out = 0
    if count_refusing:
        farthest = max((d for d, _ in ranked), default=radius)
        refusing = [p for p in fitting if p[1].accepting_referrals != "yes"]
        left_out = sum(1 for d, _ in measured(refusing) if farthest is None or d <= farthest)
    return SearchResult(matches, False, left_out)


def _load(session: Session, ids: list[int]) -> list[Center]:
    if not ids:
        return []
    return list(session.exec(select(Center).where(Center.id.in_(ids))).all())
