"""FHIR search over the public directory (active listings): parameters in, a page of centers out.

A near search asks `finder.search.nearest.find_centers` (the one distance search) for every active
center within the distance and keeps its order; every other search is sorted by id.
Parameters come as (name, value) pairs; a bad value raises SearchRejected (HTTP 400).
"""
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from finder.directory.fhir.resources import SPECIALTY, characteristic_concepts
from finder.directory.models import Center
from finder.geocoding.place import Place
from finder.search.nearest import find_centers

DEFAULT_COUNT, MAX_COUNT = 20, 100
DEFAULT_NEAR_KM, MAX_NEAR_KM = 50.0, 20_000.0
INCLUDES = ("HealthcareService:location", "HealthcareService:organization")
RESULT_PARAMS = ("_count", "_offset", "_format")  # handled outside the filters
FILTERS = {  # resource type → search parameter → the listing fact it reads
    "HealthcareService": ("name", "name:exact", "active", "specialty", "characteristic",
                          "location.near", "location.address-postalcode",
                          "location.address-state", "_include"),
    "Location": ("near", "address-postalcode", "address-state"),
}


class SearchRejected(ValueError):
    """A search the server will not run; the message says what to change."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    km: float


@dataclass
class SearchPage:
    centers: list[Center]
    total: int
    offset: int
    count: int
    includes: tuple[str, ...] = ()
    ignored: list[str] = field(default_factory=list)  # parameters not understood
    distances: dict[int, float] = field(default_factory=dict)  # center id → km (near only)


def parse_near(value: str) -> Near:
    """`lat|lon|distance|units` (FHIR R4 Location near); distance defaults to 50, units to km."""
    parts = value.split("|")
    if len(parts) < 2 or len(parts) > 4:
        raise SearchRejected(f"near must be latitude|longitude|distance|km, e.g. "
                             f"-27.47|153.02|50|km (got {value!r})")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        km = float(parts[2]) if len(parts) > 2 and parts[2].strip() else DEFAULT_NEAR_KM
    except ValueError:
        raise SearchRejected(f"near: latitude, longitude and distance must be numbers "
                             f"(got {value!r})") from None
    units = parts[3].strip() if len(parts) > 3 else "km"
    if units not in ("km", ""):
        raise SearchRejected(f"near: distance must be in km (got units {units!r})")
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lon) and -180 <= lon <= 180):
        raise SearchRejected("near: latitude must be -90..90 and longitude -180..180")
    if not (math.isfinite(km) and 0 < km <= MAX_NEAR_KM):
        raise SearchRejected(f"near: distance must be above 0 and at most {MAX_NEAR_KM:g} km")
    return Near(lat, lon, km)


def _int_param(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SearchRejected(f"{name} must be a whole number (got {value!r})") from None
    if not low <= number <= high:
        raise SearchRejected(f"{name} must be between {low} and {high} (got {number})")
    return number


def token_matches(token: str, codings: list[dict]) -> bool:
    """FHIR token search: `system|code`, `|code` (no system), `system|`, or just `code`."""
    if "|" not in token:
        return any(c.get("code") == token for c in codings)
    system, code = token.split("|", 1)
    return any((c.get("system") or "") == system and (not code or c.get("code") == code)
               for c in codings)


def _any_of(value: str, test: Callable[[str], bool]) -> bool:
    """A comma in a value means OR (FHIR search)."""
    return any(test(part) for part in value.split(",") if part)


def _starts(text: str | None, prefix: str) -> bool:
    return (text or "").casefold().startswith(prefix.casefold())


def _filter(name: str, value: str) -> Callable[[Center], bool]:
    if name == "name":  # contains, without case: wider than FHIR's default starts-with
        return lambda c: _any_of(value, lambda v: v.casefold() in c.name.casefold())
    if name == "name:exact":
        return lambda c: _any_of(value, lambda v: v == c.name)
    if name == "active":
        if value not in ("true", "false"):
            raise SearchRejected("active must be true or false")
        return lambda c: (c.status == "active") == (value == "true")
    if name == "specialty":
        return lambda c: _any_of(value, lambda v: token_matches(v, [SPECIALTY]))
    if name == "characteristic":
        def has(center):
            codings = [c for cc in characteristic_concepts(center) for c in cc["coding"]]
            return _any_of(value, lambda v: token_matches(v, codings))
        return has
    if name.endswith("address-postalcode"):
        return lambda c: _any_of(value, lambda v: _starts(c.postcode, v))
    if name.endswith("address-state"):
        return lambda c: _any_of(value, lambda v: _starts(c.region, v))
    raise AssertionError(name)


def search_directory(session: Session, resource_type: str, params: list[tuple[str, str]], *,
                     strict: bool = False) -> SearchPage:
    """The page of active centers a search asks for, with the total before paging.

    Unknown parameters are listed in `ignored`, or rejected when `strict` (Prefer:
    handling=strict)."""
    allowed = FILTERS[resource_type]
    filters, near, includes, ignored = [], None, [], []
    count, offset = DEFAULT_COUNT, 0
    for name, value in params:
        if name == "_count":
            count = _int_param("_count", value, 1, MAX_COUNT)
        elif name == "_offset":
            offset = _int_param("_offset", value, 0, 1_000_000)
        elif name in RESULT_PARAMS:
            continue
        elif name not in allowed or (name == "_include" and value not in INCLUDES):
            if strict:
                raise SearchRejected(f"{name}={value} is not supported on {resource_type}; "
                                     "see /fhir/metadata for the parameters this server knows")
            ignored.append(name if name != "_include" else f"_include={value}")
        elif name == "_include":
            includes.append(value)
        elif name.endswith("near"):
            near = parse_near(value)
        else:
            filters.append(_filter(name, value))
    distances = {}
    if near:
        matches = _within(session, near)
        distances = {m.center.id: m.distance_km for m in matches}
        centers = [m.center for m in matches]
    else:
        centers = list(session.exec(select(Center).where(Center.status == "active")
                                    .order_by(Center.id)).all())
    found = [c for c in centers if all(test(c) for test in filters)]
    return SearchPage(found[offset:offset + count], len(found), offset, count,
                      tuple(dict.fromkeys(includes)), ignored, distances)


def _within(session: Session, near: Near) -> list:
    """Every active center within the distance, in find_centers' order (none beyond it)."""
    active = session.exec(select(func.count()).select_from(Center)
                          .where(Center.status == "active")).one()
    place = Place(label="near", lat=near.lat, lon=near.lon, country="", kind="coordinates",
                  source="fhir")
    result = find_centers(place, session=session, radius_km=near.km, limit=max(1, active))
    return [m for m in result.matches if not m.outside_radius]
