"""FHIR search over the public directory (active listings): parameters in, a page of centers out.

R4 §3.1.1: a near search asks `finder.search.nearest.find_centers` (the one distance search) for
every active center within the distance and keeps its order; every other search is sorted by id.
Parameters come as (name, value) pairs. A bad value or an unsupported modifier raises
SearchRejected (HTTP 400): a modifier changes what a parameter means, so ignoring it would widen
the result. An unknown parameter is dropped and named in `ignored`, or rejected when `strict`
(Prefer: handling=strict).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from finder.directory.fhir.resources import (
    SPECIALTY,
    aware,
    characteristic_concepts,
    service_type,
)
from finder.directory.fhir.values import (
    Near,
    SearchRejected,
    folded,
    parse_date,
    parse_id,
    parse_near,
    reference_id,
    token_matches,
    whole_number,
)
from finder.directory.models import Center
from finder.fhir import identifier_system
from finder.geocoding.place import Place
from finder.search.nearest import find_centers

__all__ = ["FILTERS", "SearchPage", "SearchRejected", "search_directory", "parse_near"]

DEFAULT_COUNT, MAX_COUNT = 20, 100
INCLUDES = ("HealthcareService:location", "HealthcareService:organization")
STRING_MODIFIERS = ("exact", "contains")
COMMON = {"_id": "token", "_lastUpdated": "date", "identifier": "token"}
FILTERS = {  # resource type → search parameter → its R4 type
    "HealthcareService": {**COMMON, "name": "string", "active": "token", "specialty": "token",
                          "service-type": "token", "characteristic": "token",
                          "organization": "reference", "location.near": "special",
                          "location.address-postalcode": "string",
                          "location.address-state": "string", "_include": "include"},
    "Location": {**COMMON, "name": "string", "organization": "reference", "near": "special",
                 "address-postalcode": "string", "address-state": "string"},
}
SUMMARIES = ("count", "false")  # _summary values served; false is the full resource (default)
ACTIVE = ("true", "false")

Test = Callable[[Center], bool]


@dataclass
class SearchPage:
    centers: list[Center]
    total: int
    offset: int
    count: int
    includes: tuple[str, ...] = ()
    ignored: list[str] = field(default_factory=list)  # "name=value" of parameters dropped
    applied: list[tuple[str, str]] = field(default_factory=list)  # for the self link
    distances: dict[int, float] = field(default_factory=dict)  # center id → km (near only)


def _any_of(value: str, test: Callable[[str], bool]) -> bool:
    """A comma in a value means OR (R4 §3.1.1.5.5)."""
    return any(test(part) for part in value.split(",") if part)


def _string(base: str, modifier: str, value: str) -> Test:
    """R4 string search: starts with (default), :contains, or :exact (case and accents kept)."""
    def read(center):
        if base.endswith("address-postalcode"):
            return center.postcode
        return center.region if base.endswith("address-state") else center.name

    if modifier == "exact":
        return lambda c: _any_of(value, lambda v: v == (read(c) or ""))
    if modifier == "contains":
        return lambda c: _any_of(value, lambda v: folded(v) in folded(read(c)))
    return lambda c: _any_of(value, lambda v: folded(read(c)).startswith(folded(v)))


def _token(resource_type: str, base: str, value: str) -> Test:
    if base == "_id":
        wanted = {parse_id("_id", v) for v in value.split(",")}
        return lambda c: str(c.id) in wanted
    if base == "active":
        if any(v not in ACTIVE for v in value.split(",")):
            raise SearchRejected("active must be true or false")
        return lambda c: _any_of(value, lambda v: (c.status == "active") == (v == "true"))

    def codings(center) -> list[dict]:
        if base == "identifier":
            return [{"system": identifier_system(resource_type), "code": str(center.id)}]
        if base == "specialty":
            return [SPECIALTY]
        if base == "service-type":
            return [service_type()]
        return [c for cc in characteristic_concepts(center) for c in cc["coding"]]

    return lambda c: _any_of(value, lambda v: token_matches(v, codings(c)))


def _filter(resource_type: str, name: str, value: str) -> Test | Near:
    base, _, modifier = name.partition(":")
    kind = FILTERS[resource_type][base]
    if modifier and not (kind == "string" and modifier in STRING_MODIFIERS):
        raise SearchRejected(f"The modifier :{modifier} is not supported on {base}"
                             + (f" (only :{' and :'.join(STRING_MODIFIERS)})" if kind == "string"
                                else " (it takes no modifier)")
                             + "; a modifier changes what a search means, so it is not ignored.")
    if kind == "string":
        return _string(base, modifier, value)
    if kind == "token":
        return _token(resource_type, base, value)
    if kind == "date":
        ranges = [parse_date(base, v) for v in value.split(",")]
        return lambda c: any(r.admits(aware(c.updated_at)) for r in ranges)
    if kind == "reference":
        wanted = {reference_id(base, v, "Organization") for v in value.split(",")}
        return lambda c: str(c.id) in wanted
    return parse_near(value)


def search_directory(session: Session, resource_type: str, params: list[tuple[str, str]], *,
                     strict: bool = False) -> SearchPage:
    """The page of active centers a search asks for, with the total before paging.

    `_count=0` and `_summary=count` give the total and no centers."""
    known = FILTERS[resource_type]
    tests, near, includes, ignored, applied = [], None, [], [], []
    count, offset = DEFAULT_COUNT, 0

    def unsupported(name, value, why):
        if strict:
            raise SearchRejected(f"{name}={value}: {why} (see /fhir/metadata for what this "
                                 "server supports)")
        ignored.append(f"{name}={value}")

    for name, value in params:
        base = name.partition(":")[0]
        if name == "_count":
            count = whole_number("_count", value, 0, MAX_COUNT)
        elif name == "_offset":
            offset = whole_number("_offset", value, 0, 1_000_000)
            continue
        elif name == "_format":
            pass
        elif name == "_summary":  # a value it cannot honour would change the answer: 400
            if value not in SUMMARIES:
                raise SearchRejected(f"_summary={value} is not served (only count or false)")
            count = 0 if value == "count" else count
        elif base not in known:
            unsupported(name, value, f"{base} is not a search parameter of {resource_type}")
            continue
        elif base == "_include":
            if name != "_include":
                raise SearchRejected(f"{name} is not supported: _include takes no modifier")
            if value not in INCLUDES:
                unsupported(name, value, f"only {' and '.join(INCLUDES)} can be included")
                continue
            includes.append(value)
        else:
            found = _filter(resource_type, name, value)
            if isinstance(found, Near):
                near = found
            else:
                tests.append(found)
        applied.append((name, value))
    centers, distances = _candidates(session, near)
    found = [c for c in centers if all(test(c) for test in tests)]
    return SearchPage(found[offset:offset + count], len(found), offset, count,
                      tuple(dict.fromkeys(includes)), ignored, applied, distances)


def _candidates(session: Session, near: Near | None) -> tuple[list[Center], dict[int, float]]:
    if near is None:
        return list(session.exec(select(Center).where(Center.status == "active")
                                 .order_by(Center.id)).all()), {}
    active = session.exec(select(func.count()).select_from(Center)
                          .where(Center.status == "active")).one()
    place = Place(label="near", lat=near.lat, lon=near.lon, country="", kind="coordinates",
                  source="fhir")
    result = find_centers(place, session=session, radius_km=near.km, limit=max(1, active))
    matches = [m for m in result.matches if not m.outside_radius]  # none beyond the distance
    return [m.center for m in matches], {m.center.id: m.distance_km for m in matches}
