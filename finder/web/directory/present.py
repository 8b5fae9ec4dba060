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
    hours_state = opening(center.hours, center.zone(), now=now)
    return {"freshness": listing_freshness(center, settings, now=now).to_dict(),
            "opening": hours_state.to_dict() if hours_state else None}


def center_public(center: Center, settings, *, now: datetime | None = None) -> dict:
    """The API's listing: the file row (stored fields, JSON types) plus what is derived."""
    return {
        "id": center.id,
        **listing_record(center),
        "pediatric": center.pediatric,
        "adult": center.adult,
        **listing_state(center, settings, now=now),
        "version": center.version,
        "updated_at": center.updated_at.isoformat(),
    }
