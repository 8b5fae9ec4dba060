"""Listings in and out as JSON or CSV files: all rows valid, or nothing changes.

The file shape is the listing's own fields plus `status` and `verified_at`; an export read
back into an empty database reproduces every listing.
"""
import csv
import io
import json
from collections.abc import Callable, Iterable

from sqlmodel import Session, select

from finder.directory.listing import parse_span, span_text
from finder.directory.models import EDITABLE_FIELDS, Center, CenterInput
from finder.directory.service import create_center, field_errors

FORMAT_NAME = "desensitization-finder/centers"
FILE_FIELDS = (*EDITABLE_FIELDS, "status", "verified_at")
LIST_FIELDS = ("drug_classes", "routes", "referral_from", "languages")
BOOL_FIELDS = tuple(f for f, info in CenterInput.model_fields.items() if info.annotation is bool)

# Australian states and territories keep their own clocks: NSW, VIC, ACT and TAS observe
# daylight saving, QLD does not, SA and NT are half-hour zones (IANA tz database).
STATE_TIMEZONES = {
    "NSW": "Australia/Sydney", "ACT": "Australia/Sydney", "VIC": "Australia/Melbourne",
    "TAS": "Australia/Hobart", "QLD": "Australia/Brisbane", "SA": "Australia/Adelaide",
    "NT": "Australia/Darwin", "WA": "Australia/Perth",
}
COUNTRY_TIMEZONES = {"NZ": "Pacific/Auckland", "GB": "Europe/London", "IE": "Europe/Dublin",
                     "ES": "Europe/Madrid", "SG": "Asia/Singapore"}


class ImportRejected(ValueError):
    """The file has bad rows; `problems` lists (row number, field, message), nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        shown = "; ".join(f"row {r}: {f}: {m}" for r, f, m in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s), nothing imported: {shown}{more}")


def derive_timezone(country: str | None, region: str | None) -> str | None:
    if (country or "").upper() == "AU":
        return STATE_TIMEZONES.get((region or "").upper())
    return COUNTRY_TIMEZONES.get((country or "").upper())


def listing_record(center: Center) -> dict:
    """A center as one file row (JSON types)."""
    record = {f: getattr(center, f) for f in FILE_FIELDS}
    record["wait_reported_on"] = center.wait_reported_on.isoformat() if center.wait_reported_on else None
    record["verified_at"] = center.verified_at.isoformat() if center.verified_at else None
    return record


def export_records(session: Session) -> list[dict]:
    return [listing_record(c) for c in session.exec(select(Center).order_by(Center.id)).all()]


def dump(records: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"format": FORMAT_NAME, "version": 1, "centers": records},
                          indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FILE_FIELDS)
    writer.writeheader()
    for record in records:
        writer.writerow({k: _csv_cell(k, v) for k, v in record.items()})
    return out.getvalue()


def load(text: str, fmt: str) -> list[dict]:
    """Rows from a file's text; raises ImportRejected when the file itself is unreadable."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problem = f"not valid JSON: {error.msg} at line {error.lineno}"
            raise ImportRejected([(0, "file", problem)]) from None
        rows = data.get("centers") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ImportRejected([(0, "file", 'expected a list of centers or {"centers": [...]}')])
        return rows
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        raise ImportRejected([(1, "header", f"missing column(s): {', '.join(sorted(missing))}")])
    return [_from_csv_row(row) for row in reader]


def validate_rows(rows: list) -> list[CenterInput]:
    """Every row checked; raises ImportRejected with all problems (row numbers from 1)."""
    from pydantic import ValidationError

    listings, problems = [], []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append((number, "row", "must be an object of listing fields"))
            continue
        unknown = sorted(set(row) - set(FILE_FIELDS) - {"id", "pediatric", "adult", "version",
                                                        "created_at", "updated_at"})
        for field in unknown:
            problems.append((number, field, "is not a listing field"))
        row = {k: v for k, v in row.items() if k in FILE_FIELDS}
        if not row.get("timezone"):
            row["timezone"] = derive_timezone(row.get("country"), row.get("region"))
        try:
            listings.append(CenterInput.model_validate(row))
        except ValidationError as error:
            problems.extend((number, f, m) for f, m in field_errors(error).items())
    if problems:
        raise ImportRejected(problems)
    return listings


def import_records(session: Session, rows: list, *, actor: str,
                   progress: Callable[[int], None] | None = None) -> int:
    """Validate every row, then write them all in one transaction; returns the count."""
    listings = validate_rows(rows)
    try:
        for listing in listings:
            create_center(session, listing, actor=actor, commit=False)
            if progress:
                progress(1)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(listings)


def seed_demo(session: Session, rows: Iterable[dict], *, actor: str) -> int:
    """Add the demonstration listings not already present (by name, organisation, locality)."""
    have = {(c.name, c.organisation, c.locality) for c in session.exec(select(Center)).all()}
    fresh = [r for r in rows if (r.get("name"), r.get("organisation"), r.get("locality")) not in have]
    return import_records(session, fresh, actor=actor) if fresh else 0


# OWASP "CSV Injection": a cell starting with one of these is run as a formula by spreadsheet
# programs; a leading apostrophe makes it text. Numbers are written as numbers (never formulas).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The cell as a spreadsheet will show it but never evaluate it (text only)."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value  # also before an apostrophe already there, so import can undo it
    return value


def _from_spreadsheet_safe(text: str) -> str:
    """The inverse of spreadsheet_safe, so an exported file imports back unchanged."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


def _csv_cell(field, value):
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return spreadsheet_safe(";".join(value))
    if field == "hours":
        return "; ".join(span_text(s) for s in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


def _from_csv_row(row: dict) -> dict:
    """CSV text cells to the JSON shapes the validator expects (bad cells stay bad for it)."""
    out = {}
    for field, raw in row.items():
        if field is None:
            out["extra columns"] = raw
            continue
        raw = _from_spreadsheet_safe(raw or "").strip()
        if field in LIST_FIELDS:
            out[field] = [p.strip() for p in raw.split(";") if p.strip()]
        elif field == "hours":
            out[field] = [_hours_span(p.strip()) for p in raw.split(";") if p.strip()]
        elif raw == "":
            out[field] = None if field not in BOOL_FIELDS else False
        elif field in BOOL_FIELDS:
            out[field] = {"true": True, "false": False, "yes": True, "no": False}.get(raw.lower(), raw)
        else:
            out[field] = raw
    return out


def _hours_span(text: str):
    return parse_span(text) or text  # left as text: the validator names the problem

