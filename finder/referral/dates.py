"""The user's own calendar date, for the letter, the FHIR dates and the file name.

A server keeping UTC, or one that assumes the latest zone on Earth (UTC+14), puts tomorrow's
date on every Australian evening's letter. The browser says what day it is where the user is;
a date no real time zone can have right now (UTC-12 to UTC+14) is not believed, and without
one the app's configured zone decides.
"""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

EARLIEST_ZONE = timedelta(hours=-12)
LATEST_ZONE = timedelta(hours=14)


def local_today(zone: str, now: datetime | None = None) -> date:
    """Today's date in the named IANA time zone."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


def user_today(claimed: object, zone: str, now: datetime | None = None) -> date:
    """The browser's date (YYYY-MM-DD) when some time zone has it now, else today in `zone`."""
    now = now or datetime.now(UTC)
    if isinstance(claimed, str):
        try:
            day = date.fromisoformat(claimed.strip())
        except ValueError:
            day = None
        if day in believable_dates(now):
            return day
    return local_today(zone, now)


def believable_dates(now: datetime) -> tuple[date, ...]:
    """Every date some time zone has at `now` (two or three of them)."""
    first, last = (now + EARLIEST_ZONE).date(), (now + LATEST_ZONE).date()
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def when_text(when: date | None, years_ago: int | None, today: date) -> str:
    """When a reaction happened, as a clinician writes it: "3 Mar 2025", "this year",
    "about 4 years ago (2022)", or "date not known"."""
    if when is not None:
        return f"{when.day} {when:%b %Y}"
    if years_ago is None:
        return "date not known"
    if years_ago == 0:
        return "this year"
    unit = "year" if years_ago == 1 else "years"
    return f"about {years_ago} {unit} ago ({today.year - years_ago})"
