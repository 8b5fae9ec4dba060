"""The SQL path of the search: the same rules read straight from the database.

Searches are answered from the per-worker snapshot (finder.search.snapshot); this path stays
for checks (tests compare the two) and reads a bounding box on the (lat, lon) index that
doubles until it holds enough matches, so its cost follows the centers near the patient.
"""
import json
import math
from functools import cache
from types import SimpleNamespace

from sqlalchemy import String, and_, bindparam, cast, func, or_, true
from sqlmodel import Session, select

from finder.directory.models import Center
from finder.geocoding.place import haversine_km
from finder.search import ranking
from finder.search.ranking import Criteria, bounding_box
from finder.vocabulary import ADULT_AGE

_LISTS = ("drug_classes", "routes", "languages")
_COLUMNS = (Center.id, Center.name, Center.lat, Center.lon, Center.status,
            *(cast(getattr(Center, name), String).label(name) for name in _LISTS),
            Center.age_min_years, Center.age_max_years, Center.cost,
            Center.telehealth_preassessment, Center.accepting_referrals)


@cache
def _statement(spans: int, drug: bool, route: bool, child: bool, age: bool, public: bool,
               telehealth: bool):
    """The prefilter query for one shape of search, built once (values are bound per call).
    SQL narrows the rows; Criteria.admits, in Python, stays the rule."""
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


def _rows_in(session: Session, box, criteria: Criteria) -> list:
    lat_min, lat_max, spans = box if box is not None else (None, None, [])
    params = {"lat_min": lat_min, "lat_max": lat_max, "age": criteria.age,
              "drug": f'%"{criteria.drug_class}"%', "route": f'%"{criteria.route}"%'}
    for i, (west, east) in enumerate(spans):
        params[f"west{i}"], params[f"east{i}"] = west, east
    query = _statement(len(spans), bool(criteria.drug_class), bool(criteria.route),
                       criteria.child, criteria.age is not None, criteria.cost == "public",
                       bool(criteria.telehealth))
    rows = []
    for row in session.execute(query, params):
        values = row._asdict()
        values.update((name, json.loads(values[name] or "[]")) for name in _LISTS)
        rows.append(SimpleNamespace(**values))
    return [r for r in rows if criteria.admits(r)]


def _first_box_km(session: Session, limit: int) -> float:
    active, south, north, west, east = session.execute(
        select(func.count(), func.min(Center.lat), func.max(Center.lat), func.min(Center.lon),
               func.max(Center.lon)).where(Center.status == "active")).one()
    area = ranking.covered_area_km2(south, north, west, east) if active else 0.0
    return ranking.first_box_km(active, area, limit)


def search_sql(session: Session, lat: float, lon: float, *, criteria: Criteria, limit: int,
               accepting: bool | None, regional: bool, radius: float | None) -> tuple[list, int]:
    """(ranked (geodesic km, row), left out not accepting), read through SQL."""
    start = _first_box_km(session, limit)
    km = min(start, radius * ranking.SLACK) if radius is not None else start
    while True:
        box = bounding_box(lat, lon, km)
        fitting = sorted(((haversine_km(lat, lon, r.lat, r.lon), r)
                          for r in _rows_in(session, box, criteria)), key=lambda p: p[0])
        shown = [p for p in fitting if not accepting or p[1].accepting_referrals == "yes"]
        if radius is not None:
            shown = [p for p in shown if p[0] <= radius * ranking.SLACK]
        needed = ranking.needed_km([p[0] for p in shown], limit, regional, radius)
        if box is None or needed <= km:
            refusing = None
            if accepting:
                def refusing(_farthest, fitting=fitting):
                    return [p for p in fitting if p[1].accepting_referrals != "yes"]
            return ranking.rank((lat, lon), [p for p in shown if p[0] <= needed], refusing,
                                limit, regional, radius)
        km = ranking.next_box_km(km, needed, len(shown), limit)


def load_centers(session: Session, ids: list[int]) -> dict[int, Center]:
    if not ids:
        return {}
    return {c.id: c for c in session.exec(select(Center).where(Center.id.in_(ids))).all()}


def finite_point(lat: float, lon: float) -> tuple[float, float] | None:
    """The point with latitude clamped and longitude wrapped; None when not finite."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return max(-90.0, min(90.0, lat)), ((lon + 180.0) % 360.0) - 180.0
