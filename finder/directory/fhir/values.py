"""Parsing FHIR R4 search values (R4 §3.1.1.4): tokens, dates with prefixes, references, near.

Each parser raises SearchRejected with a message naming the parameter and what to send.
"""
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_NEAR_KM, MAX_NEAR_KM = 50.0, 20_000.0
DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")

# The patterns below are the whole rule for each value: the server checks them, and the OpenAPI
# document carries them (Python and ECMA-262 read them alike; no look-around, for Rust readers).
ID = r"[A-Za-z0-9\-.]{1,64}"  # R4 id datatype
_YEAR = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
              r"|(0[13578]|1[02])-31)")
_TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
# R4 dateTime: YYYY, YYYY-MM, YYYY-MM-DD, or with a time (a zone optional; none means UTC)
DATE = (f"({'|'.join(DATE_PREFIXES)})?({_YEAR}(-(0[1-9]|1[0-2]))?|({_YEAR}-{_MONTH_DAY}"
        f"|{_LEAP}-02-29)({_TIME})?)")
LATITUDE = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"
DISTANCE = r"([1-9][0-9]{0,3}(\.[0-9]+)?|20000(\.0+)?|0\.[0-9]*[1-9][0-9]*)"  # (0, 20000] km
NEAR = f"{LATITUDE}\\|{LONGITUDE}(\\|({DISTANCE})?(\\|(km)?)?)?"
REFERENCE = f"([^,]*/Organization/|Organization/)?{ID}"


def listed(pattern: str) -> str:
    """A comma-separated list (FHIR's OR) of values matching `pattern`."""
    return f"({pattern})(,({pattern}))*"


_DATE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$")


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


@dataclass(frozen=True)
class DateRange:
    """A search date and its precision as the half-open interval [start, end), with a prefix."""
    prefix: str
    start: datetime
    end: datetime

    def admits(self, moment: datetime) -> bool:
        """R4 §3.1.1.4.2 for a single instant (lastUpdated): the prefix against the interval."""
        inside = self.start <= moment < self.end
        return {"eq": inside, "ne": not inside, "gt": moment >= self.end, "sa": moment >= self.end,
                "ge": moment >= self.start, "lt": moment < self.start, "eb": moment < self.start,
                "le": moment < self.end}[self.prefix]


def parse_date(name: str, value: str) -> DateRange:
    """`[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][zone]]]]`; a time without a zone is UTC."""
    prefix, text = (value[:2], value[2:]) if value[:2] in DATE_PREFIXES else ("eq", value)
    match = _DATE.match(text)
    if not match or not re.fullmatch(DATE, value):
        raise SearchRejected(f"{name} must be a date such as ge2026-01-31 or "
                             f"lt2026-01-31T10:00:00Z, with an optional prefix "
                             f"({', '.join(DATE_PREFIXES)}); got {value!r}")
    try:
        start, end = _interval(text, match)
    except ValueError:
        raise SearchRejected(f"{name}: {text!r} is not a real date") from None
    return DateRange(prefix, start, end)


def _interval(text: str, match: re.Match) -> tuple[datetime, datetime]:
    year, month, day, time = match.group(1), match.group(2), match.group(3), match.group(4)
    if time:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        step = timedelta(seconds=1) if match.group(5) else timedelta(minutes=1)
        if match.group(6):
            step = timedelta(microseconds=1)
        return moment, moment + step
    if day:
        start = datetime(int(year), int(month[1:]), int(day[1:]), tzinfo=UTC)
        return start, start + timedelta(days=1)
    if month:
        start = datetime(int(year), int(month[1:]), 1, tzinfo=UTC)
        following = datetime(int(year) + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
        return start, following
    start = datetime(int(year), 1, 1, tzinfo=UTC)
    return start, datetime(int(year) + 1, 1, 1, tzinfo=UTC)


def parse_id(name: str, value: str) -> str:
    if not re.fullmatch(ID, value):
        raise SearchRejected(f"{name} must be a resource id (letters, digits, - and ., at most "
                             f"64); got {value!r}")
    return value


def reference_id(name: str, value: str, resource_type: str) -> str:
    """`Type/id`, an absolute URL ending in it, or a bare id (R4 §3.1.1.4.6)."""
    if not re.fullmatch(REFERENCE.replace("Organization", resource_type), value):
        raise SearchRejected(f"{name} must be {resource_type}/<id> or an id (got {value!r})")
    parts = value.split("/")
    if len(parts) >= 2 and parts[-2] != resource_type:
        raise SearchRejected(f"{name} refers to {resource_type}s: send {resource_type}/<id> "
                             f"(got {value!r})")
    return parse_id(name, parts[-1])


def token_matches(token: str, codings: list[dict]) -> bool:
    """FHIR token search: `system|code`, `|code` (no system), `system|`, or just `code`."""
    if "|" not in token:
        return any(c.get("code") == token for c in codings)
    system, code = token.split("|", 1)
    return any((c.get("system") or "") == system and (not code or c.get("code") == code)
               for c in codings)


def folded(text: str | None) -> str:
    """Case- and accent-insensitive form for string search (R4 §3.1.1.4.8)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


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
    if not re.fullmatch(NEAR, value):  # e.g. 1e1 or +5: numbers are written plainly
        raise SearchRejected(f"near must be latitude|longitude|distance|km written as plain "
                             f"decimal numbers, e.g. -27.47|153.02|50|km (got {value!r})")
    return Near(lat, lon, km)


def whole_number(name: str, value: str, low: int, high: int) -> int:
    try:
        if not re.fullmatch(r"-?(0|[1-9][0-9]*)", value):
            raise ValueError(value)
        number = int(value)
    except ValueError:
        raise SearchRejected(f"{name} must be a whole number (got {value!r})") from None
    if not low <= number <= high:
        raise SearchRejected(f"{name} must be between {low} and {high} (got {number})")
    return number
