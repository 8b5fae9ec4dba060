"""Reads and writes of center listings: every write validated, versioned and audited.

Writes happen in the caller's session and are committed here, once, together with their
audit entries, so a listing change and its history can never disagree. Concurrent edits are
caught by a compare-and-set on `version`: the loser gets VersionConflict, never a silent
overwrite.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import String, cast, func, update
from sqlmodel import Session, select

from finder.directory.generation import bump_generation
from finder.directory.listing import freshness
from finder.directory.models import (
    EDITABLE_FIELDS,
    Account,
    AuditEntry,
    Center,
    CenterFields,
    CenterInput,
    editable_values,
    utcnow,
)
from finder.vocabulary import ADULT_AGE, DRUG_CLASSES


class ListingValidationError(ValueError):
    """Field-level problems with a listing; `errors` maps field name to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class VersionConflict(Exception):
    """The listing changed since the editor loaded it; `current` is the row as it is now."""

    def __init__(self, current: Center):
        super().__init__(f"center {current.id} is at version {current.version}")
        self.current = current


@dataclass(frozen=True)
class Page:
    items: list[Center]
    total: int
    limit: int
    offset: int


def field_errors(error: ValidationError) -> dict[str, str]:
    """pydantic's errors as {field: message}, in words a person can act on."""
    errors = {}
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "listing"
        errors.setdefault(field, _in_words(item))
    return errors


def _in_words(item: dict) -> str:
    """One pydantic error as a person would say it (our own validators already do)."""
    kind, limits = item["type"], item.get("ctx") or {}
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "finite_number"):
        return "must be a number, e.g. 12" if kind.startswith("int") else "must be a number, e.g. -27.4705"
    if kind == "int_from_float":
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be {limits['ge']:g} or more"
    if kind == "less_than_equal":
        return f"must be {limits['le']:g} or less"
    if kind == "string_too_short":
        shortest = limits.get("min_length")
        return "is required" if shortest == 1 else f"must be at least {shortest} characters"
    if kind == "string_too_long":
        return f"must be at most {limits['max_length']} characters"
    if kind == "missing" or (kind == "string_type" and item.get("input") is None):
        return "is required"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return "must be a date such as 2026-03-31"
    return item["msg"].removeprefix("Value error, ")


def validate_listing(data: dict) -> CenterInput:
    try:
        return CenterInput.model_validate(data)
    except ValidationError as error:
        raise ListingValidationError(field_errors(error)) from None


def plain(value):
    """A JSON-safe copy of a field value for the audit log."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _audit(session: Session, center_id, action: str, actor: str, changes: dict) -> None:
    session.add(AuditEntry(center_id=center_id, action=action, actor=actor, changes=changes))
    bump_generation(session)  # every listing write is audited here: search snapshots follow


# --- reads -----------------------------------------------------------------------------

def get_center(session: Session, center_id: int, *, public: bool = True) -> Center | None:
    """The listing, or None; `public` hides pending and archived listings."""
    center = session.get(Center, center_id)
    if center is None or (public and center.status != "active"):
        return None
    return center


def list_centers(session: Session, *, drug_class=None, pediatric=None, country=None, region=None,
                 status="active", limit=50, offset=0) -> Page:
    """Listings sorted by country, region and name; filtered, counted and paged in SQL."""
    query = select(Center)
    if drug_class:  # a JSON list holds '"code"'; only known codes, so no LIKE wildcard gets in
        if drug_class not in DRUG_CLASSES:
            return Page(items=[], total=0, limit=limit, offset=offset)
        query = query.where(cast(Center.drug_classes, String).like(f'%"{drug_class}"%'))
    if status:
        query = query.where(Center.status == status)
    if country:
        query = query.where(Center.country == country.upper())
    if region:
        query = query.where(func.upper(Center.region) == region.upper())
    if pediatric is not None:
        sees_children = Center.age_min_years.is_(None) | (Center.age_min_years < ADULT_AGE)
        query = query.where(sees_children if pediatric else ~sees_children)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    ordered = query.order_by(Center.country, Center.region, Center.name, Center.id)
    rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return Page(items=list(rows), total=total, limit=limit, offset=offset)


def audit_history(session: Session, center_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.center_id == center_id)
    return list(session.exec(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all())


# --- writes ----------------------------------------------------------------------------

def create_center(session: Session, data: dict | CenterInput, *, actor: str,
                  commit: bool = True) -> Center:
    """A new listing from validated data, with its `create` audit entry."""
    listing = data if isinstance(data, CenterInput) else validate_listing(data)
    center = Center(**listing.model_dump())
    session.add(center)
    session.flush()
    changes = {k: [None, plain(v)] for k, v in listing.model_dump().items() if v not in (None, [], False)}
    _audit(session, center.id, "create", actor, changes)
    if commit:
        session.commit()
    return center


def update_center(session: Session, center_id: int, changes: dict, *, expected_version: int,
                  actor: str, action: str = "update", verify: bool = False) -> Center:
    """Apply `changes` if the listing is still at `expected_version`; `verify` also records,
    in the same write, that the center confirmed the listing is current.

    Raises ListingValidationError for bad values or unknown fields, VersionConflict when
    someone saved first, LookupError when there is no such listing.
    """
    center = session.get(Center, center_id)
    if center is None:
        raise LookupError(center_id)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ListingValidationError({unknown[0]: "is not a listing field that can be edited"})
    merged = editable_values(center) | changes
    try:
        listing = CenterFields.model_validate(merged)  # non-table SQLModel: validates
    except ValidationError as error:
        raise ListingValidationError(field_errors(error)) from None
    now = utcnow()
    clean = listing.model_dump()
    clean["wait_reported_on"] = wait_report_date(editable_values(center), clean, now)
    diff = {f: [plain(getattr(center, f)), plain(clean[f])]
            for f in EDITABLE_FIELDS if clean[f] != getattr(center, f)}
    values = {f: clean[f] for f in diff}
    if verify:
        values["verified_at"] = now
        diff["verified_at"] = [plain(center.verified_at), now.isoformat()]
    if not diff and center.version == expected_version:
        return center  # nothing changed: no new version, no audit noise
    _compare_and_set(session, center, expected_version, values, action, actor, diff)
    return center


def wait_report_date(before: dict, after: dict, now: datetime) -> date | None:
    """A changed wait is reported today (the center's own date when its zone is known),
    unless the editor set the report date themselves in the same change."""
    if after.get("wait_weeks") == before.get("wait_weeks"):
        return after.get("wait_reported_on")
    if after.get("wait_reported_on") != before.get("wait_reported_on"):
        return after.get("wait_reported_on")
    if after.get("wait_weeks") is None:
        return None
    zone = after.get("timezone")
    return (now.astimezone(ZoneInfo(zone)) if zone else now).date()


def set_status(session: Session, center_id: int, status: str, *, actor: str,
               expected_version: int | None = None) -> Center:
    """Approve (pending → active) or archive a listing; audited as `approve` / `archive`."""
    center = session.get(Center, center_id)
    if center is None:
        raise LookupError(center_id)
    action = {"active": "approve", "archived": "archive", "pending": "unpublish"}[status]
    version = center.version if expected_version is None else expected_version
    _compare_and_set(session, center, version, {"status": status}, action, actor,
                     {"status": [center.status, status]})
    return center


def mark_verified(session: Session, center_id: int, *, actor: str,
                  expected_version: int | None = None) -> Center:
    """The center confirms its listing is current: sets `verified_at` to now."""
    center = session.get(Center, center_id)
    if center is None:
        raise LookupError(center_id)
    now = utcnow()
    version = center.version if expected_version is None else expected_version
    _compare_and_set(session, center, version, {"verified_at": now}, "verify", actor,
                     {"verified_at": [plain(center.verified_at), now.isoformat()]})
    return center


def _compare_and_set(session, center, expected_version, values, action, actor, diff) -> None:
    """One UPDATE guarded by the version, plus the audit entry, committed together."""
    now = utcnow()
    result = session.execute(
        update(Center)
        .where(Center.id == center.id, Center.version == expected_version)
        .values(**values, version=Center.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        session.refresh(center)
        raise VersionConflict(center)
    _audit(session, center.id, action, actor, diff)
    session.commit()
    session.refresh(center)


def stale_listings(session: Session, *, today: date, months: int) -> list[tuple[Center, str, list[str]]]:
    """Active listings never confirmed or confirmed `months` or more ago, oldest first,
    each with its freshness status and its editors' email addresses (for outreach)."""
    rows = []
    for center in session.exec(select(Center).where(Center.status == "active")).all():
        status = freshness(center.verified_at, today=today, stale_months=months).status
        if status == "verified":
            continue
        editors = session.exec(select(Account.email).where(
            Account.center_id == center.id, Account.active == True)).all()  # noqa: E712
        rows.append((center, status, sorted(editors)))
    never = date.min
    rows.sort(key=lambda r: (r[0].verified_at.date() if r[0].verified_at else never, r[0].name))
    return rows
