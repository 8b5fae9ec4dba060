"""A listing as the API and the pages show it: stored fields plus what is derived on read."""
from datetime import UTC, datetime

from finder.listing import Freshness, freshness, opening
from finder.models import EDITABLE_FIELDS, Center


def listing_freshness(center: Center, settings, *, now: datetime | None = None) -> Freshness:
    """How old the center's own confirmation is, by the app's FINDER_STALE_MONTHS."""
    today = (now or datetime.now(UTC)).date()
    return freshness(center.verified_at, today=today, stale_months=settings.stale_months)


def center_public(center: Center, settings, *, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    data = {"id": center.id}
    data.update({f: getattr(center, f) for f in EDITABLE_FIELDS})
    data["wait_reported_on"] = center.wait_reported_on.isoformat() if center.wait_reported_on else None
    hours_state = opening(center.hours, center.zone(), now=now)
    data.update(
        pediatric=center.pediatric,
        adult=center.adult,
        status=center.status,
        verified_at=center.verified_at.isoformat() if center.verified_at else None,
        freshness=listing_freshness(center, settings, now=now).to_dict(),
        opening=hours_state.to_dict() if hours_state else None,
        version=center.version,
        updated_at=center.updated_at.isoformat(),
    )
    return data
