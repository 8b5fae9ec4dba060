"""FHIR search over the public directory (active listings): parameters in, a page of centers out.

R4 §3.1.1. Answered from the worker's snapshot of the directory (finder.search.snapshot), as
patient searches are: a near search keeps the order find_centers gives (the one distance
search), every other search is sorted by id. Filters on the id or the name read the snapshot
too; only a filter on other fields reads the candidates' rows, and only the page's listings
are built, so a large directory costs arrays, not objects. `source="sql"` answers the same
straight from the database (for checks).
Parameters come as (name, value) pairs. A bad value or an unsupported modifier raises
SearchRejected (HTTP 400): a modifier changes what a parameter means, so ignoring it would widen
the result. An unknown parameter is dropped and named in `ignored`, or rejected when `strict`
(Prefer: handling=strict).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

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
from finder.search.nearest import find_centers, from_snapshot
from finder.search.snapshot import DirectorySnapshot, StaleSnapshot

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
# Filters that read only a listing's id, name and status: the snapshot answers them alone.
LIGHT = frozenset({"_id", "identifier", "organization", "active", "specialty", "service-type",
                   "name"})
ROWS_BY_ID = 5000  # up to this many candidates, their rows are read by id; past it, all rows
BATCH_ROWS = 2000


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
    # where the page's snapshot generation keeps worked-out values (resource texts); None:
    # nothing is kept (the SQL path)
    remembered: dict | None = None


class Listed(NamedTuple):
    """What the light filters read of an active listing: the snapshot holds it for each."""
    id: int
    name: str
    status: str = "active"


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


@dataclass
class _Plan:
    """A parsed search: what to match, then which page to show."""
    light: list[Test] = field(default_factory=list)  # read only id, name and status
    heavy: list[Test] = field(default_factory=list)  # read other fields of the listing
    near: Near | None = None
    count: int = DEFAULT_COUNT
    offset: int = 0
    includes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    applied: list[tuple[str, str]] = field(default_factory=list)


def _plan(resource_type: str, params: list[tuple[str, str]], strict: bool) -> _Plan:
    known, plan = FILTERS[resource_type], _Plan()

    def unsupported(name, value, why):
        if strict:
            raise SearchRejected(f"{name}={value}: {why} (see /fhir/metadata for what this "
                                 "server supports)")
        plan.ignored.append(f"{name}={value}")

    for name, value in params:
        base = name.partition(":")[0]
        if name == "_count":
            plan.count = whole_number("_count", value, 0, MAX_COUNT)
        elif name == "_offset":
            plan.offset = whole_number("_offset", value, 0, 1_000_000)
            continue
        elif name == "_format":
            pass
        elif name == "_summary":  # a value it cannot honour would change the answer: 400
            if value not in SUMMARIES:
                raise SearchRejected(f"_summary={value} is not served (only count or false)")
            plan.count = 0 if value == "count" else plan.count
        elif base not in known:
            unsupported(name, value, f"{base} is not a search parameter of {resource_type}")
            continue
        elif base == "_include":
            if name != "_include":
                raise SearchRejected(f"{name} is not supported: _include takes no modifier")
            if value not in INCLUDES:
                unsupported(name, value, f"only {' and '.join(INCLUDES)} can be included")
                continue
            plan.includes.append(value)
        else:
            found = _filter(resource_type, name, value)
            if isinstance(found, Near):
                plan.near = found
            else:
                (plan.light if base in LIGHT else plan.heavy).append(found)
        plan.applied.append((name, value))
    return plan


def search_directory(session: Session, resource_type: str, params: list[tuple[str, str]], *,
                     strict: bool = False, source: str = "snapshot") -> SearchPage:
    """The page of active centers a search asks for, with the total before paging.

    `_count=0` and `_summary=count` give the total and no centers. A listing edited while
    the page is read makes the snapshot rebuild and the search run again."""
    plan = _plan(resource_type, params, strict)
    if source == "sql":
        centers, distances = _candidates_sql(session, plan.near)
        found = [c for c in centers if all(test(c) for test in plan.light + plan.heavy)]
        return _page(plan, found[plan.offset:plan.offset + plan.count], len(found), distances)
    return from_snapshot(session, lambda snapshot: _snapshot_page(session, snapshot, plan))


def _page(plan: _Plan, centers: list, total: int, distances: dict, remembered=None):
    return SearchPage(centers, total, plan.offset, plan.count, tuple(dict.fromkeys(plan.includes)),
                      plan.ignored, plan.applied, distances, remembered)


def _snapshot_page(session: Session, snapshot: DirectorySnapshot, plan: _Plan) -> SearchPage:
    if plan.near is None:
        ids, km = sorted(snapshot.ids.tolist()), None
    else:
        ids, km = snapshot.within(plan.near.lat, plan.near.lon, plan.near.km)
    if plan.light:
        names = snapshot.names
        rows = map(Listed, ids, [names[p] for p in snapshot.positions(ids).tolist()]
                   if ids else [])
        ids, km = _kept(ids, km, [all(test(row) for test in plan.light) for row in rows])
    if plan.heavy:
        passing = _passing(session, snapshot, ids, plan.heavy)
        ids, km = _kept(ids, km, [i in passing for i in ids])
    shown = ids[plan.offset:plan.offset + plan.count]
    centers = snapshot.centers(session, shown) if shown else {}
    distances = ({} if km is None else
                 dict(zip(shown, km[plan.offset:plan.offset + plan.count], strict=True)))
    return _page(plan, [centers[i] for i in shown], len(ids), distances, snapshot.derived)


def _kept(ids: list[int], km: list[float] | None, kept: list[bool]):
    """The ids (and their distances, if any) marked kept."""
    ids = [i for i, keep in zip(ids, kept, strict=True) if keep]
    return ids, None if km is None else [d for d, keep in zip(km, kept, strict=True) if keep]


def _passing(session: Session, snapshot: DirectorySnapshot, ids: list[int],
             tests: list[Test]) -> set[int]:
    """The ids among `ids` whose whole listing passes every test. Rows are read a batch at a
    time and not kept. Raises StaleSnapshot when one is not as the snapshot has it."""
    if not ids:
        return set()
    versions = dict(zip(ids, snapshot.versions[snapshot.positions(ids)].tolist(), strict=True))
    query = select(Center.__table__).where(Center.status == "active")
    if len(ids) <= ROWS_BY_ID:
        query = query.where(Center.id.in_(ids))
    passing, seen = set(), 0
    for batch in session.execute(query.execution_options(yield_per=BATCH_ROWS)).partitions():
        for row in batch:
            version = versions.get(row.id)
            if version is None:
                continue
            if version != row.version:
                raise StaleSnapshot
            seen += 1
            # a plain object built without validation (the row is the table's own)
            center = Center.model_construct(**row._mapping)
            if all(test(center) for test in tests):
                passing.add(row.id)
    if seen != len(versions):
        raise StaleSnapshot
    return passing


def _candidates_sql(session: Session, near: Near | None) -> tuple[list[Center], dict[int, float]]:
    if near is None:
        return list(session.exec(select(Center).where(Center.status == "active")
                                 .order_by(Center.id)).all()), {}
    active = session.exec(select(func.count()).select_from(Center)
                          .where(Center.status == "active")).one()
    place = Place(label="near", lat=near.lat, lon=near.lon, country="", kind="coordinates",
                  source="fhir")
    result = find_centers(place, session=session, radius_km=near.km, limit=max(1, active),
                          source="sql")
    matches = [m for m in result.matches if not m.outside_radius]  # none beyond the distance
    return [m.center for m in matches], {m.center.id: m.distance_km for m in matches}
