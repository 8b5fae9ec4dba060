"""Keeping listings fresh: how long ago each was confirmed, in words, and which will turn
stale soon, so the dashboard and `finder stale --notify` can ask in time."""
from datetime import date, datetime, timedelta

from finder.directory.listing import months_between


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def confirmed_words(verified_at: datetime | None, today: date) -> str:
    """'last confirmed 3 months ago (August 2026)', 'never confirmed', …"""
    if verified_at is None:
        return "never confirmed by the center"
    verified_on = verified_at.date()
    months = months_between(verified_on, today)
    if months <= 0:
        return f"last confirmed on {verified_on:%-d %B %Y}"
    unit = "month" if months == 1 else "months"
    return f"last confirmed {months} {unit} ago ({verified_on:%B %Y})"


def stale_on(verified_at: datetime, months: int) -> date:
    """The first day the confirmation counts as stale."""
    return add_months(verified_at.date(), months)


def going_stale(centers, today: date, months: int, within_days: int = 30) -> list[tuple]:
    """(center, the day it turns stale) for confirmed listings that turn stale within the
    next `within_days` days, soonest first."""
    horizon = today + timedelta(days=within_days)
    rows = [(c, stale_on(c.verified_at, months)) for c in centers if c.verified_at is not None]
    return sorted(((c, day) for c, day in rows if today < day <= horizon), key=lambda r: r[1])
