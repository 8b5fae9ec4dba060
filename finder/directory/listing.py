"""Facts derived from a listing on read, never stored: freshness and opening hours."""
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from finder.vocabulary import WEEKDAYS


@dataclass(frozen=True)
class Freshness:
    status: str            # verified | stale | unverified
    verified_on: date | None
    message: str

    def to_dict(self) -> dict:
        return {"status": self.status,
                "verified_on": self.verified_on.isoformat() if self.verified_on else None,
                "message": self.message}


def months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def freshness(verified_at: datetime | None, *, today: date, stale_months: int = 12) -> Freshness:
    """How old the center's own confirmation is, in the words a patient reads."""
    if verified_at is None:
        return Freshness("unverified", None,
                         "Demonstration listing, not verified by the center: call before you travel.")
    verified_on = verified_at.date()
    age = months_between(verified_on, today)
    if age < stale_months:
        return Freshness("verified", verified_on,
                         f"Confirmed by the center in {verified_on:%B %Y}.")
    return Freshness("stale", verified_on,
                     f"Last confirmed {age} months ago ({verified_on:%B %Y}): call before you travel.")


_SPAN = re.compile(r"(\w{3})\s+(\S+)\s*[-\u2013]\s*(\S+)")


def span_text(span: dict) -> str:
    """An opening span as people and files write it: "mon 08:30-16:30"."""
    return f"{span.get('day')} {span.get('opens')}-{span.get('closes')}"


def parse_span(text: str) -> dict | None:
    """"mon 08:30-16:30" (a dash or en dash) as a span; None when it is not of that shape.
    The times are not judged here: the listing's validator names a bad one."""
    match = _SPAN.fullmatch(text.strip())
    if not match:
        return None
    day, opens, closes = match.groups()
    return {"day": day.lower(), "opens": opens, "closes": closes}


@dataclass(frozen=True)
class Opening:
    open_now: bool
    closes_at: str | None      # local HH:MM when open now
    next_opening: datetime | None  # local, aware, when closed
    message: str

    def to_dict(self) -> dict:
        return {"open_now": self.open_now, "closes_at": self.closes_at,
                "next_opening": self.next_opening.isoformat() if self.next_opening else None,
                "message": self.message}


def opening(hours: list[dict], zone, *, now: datetime | None = None) -> Opening | None:
    """Whether the booking line is open at `now`, in the center's own time zone.

    None when the listing gives no hours or no time zone. Local wall-clock times are turned
    into instants through the zone, so a daylight-saving change moves them correctly.
    """
    if not hours or zone is None:
        return None
    local = (now or datetime.now(UTC)).astimezone(zone)
    today = WEEKDAYS[local.weekday()]
    hhmm = local.strftime("%H:%M")
    for span in hours:
        if span["day"] == today and span["opens"] <= hhmm < span["closes"]:
            return Opening(True, span["closes"], None, f"Open now, until {span['closes']} local time")
    for days_ahead in range(8):
        day = local.date() + timedelta(days=days_ahead)
        for span in sorted((s for s in hours if s["day"] == WEEKDAYS[day.weekday()]),
                           key=lambda s: s["opens"]):
            if days_ahead == 0 and span["opens"] <= hhmm:
                continue
            hour, minute = map(int, span["opens"].split(":"))
            start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            when = "today" if days_ahead == 0 else ("tomorrow" if days_ahead == 1 else f"{start:%A}")
            return Opening(False, None, start,
                           f"Closed now; opens {when} at {span['opens']} local time")
    return None
