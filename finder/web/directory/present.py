"""A listing as the API and the pages show it: stored fields plus what is derived on read."""
from datetime import UTC, datetime

from finder.directory.exchange import listing_record
from finder.directory.listing import Freshness, freshness, opening
from finder.directory.models import Center


def listing_freshness(center: Center, settings, *, now: datetime | None = None) -> Freshness:
    """How old the center's own confirmation is, by the app's FINDER_STALE_MONTHS."""
    today = (now or datetime.now(UTC)).date()
    return freshness(center.verified_at, today=today, stale_months=settings.stale_months)


def listing_state(center: Center, settings, *, now: datetime | None = None) -> dict:
    """What changes with the clock, not with the listing: freshness and "open now"."""
    now = now or datetime.now(UTC)
    return {"freshness": listing_freshness(center, settings, now=now),
            "opening": opening(center.hours, center.zone(), now=now)}


def center_public(center: Center, settings, *, now: datetime | None = None) -> dict:
    """The API's listing: the file row (stored fields, JSON types) plus what is derived."""
    return {
        "id": center.id,
        **listing_record(center),
        "pediatric": center.pediatric,
        "adult": center.adult,
        **{name: fact.to_dict() if fact else None
           for name, fact in listing_state(center, settings, now=now).items()},
        "version": center.version,
        "updated_at": center.updated_at.isoformat(),
    }
