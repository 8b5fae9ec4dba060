"""Facts derived on read: freshness and "open now" in the center's own time zone."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from finder.directory.listing import freshness, opening

WEEKDAYS = [{"day": d, "opens": "08:30", "closes": "16:30"} for d in ("mon", "tue", "wed", "thu", "fri")]


@pytest.mark.parametrize("verified,status", [
    (None, "unverified"),
    (datetime(2026, 3, 26, tzinfo=UTC), "verified"),   # 11 months before today
    (datetime(2025, 11, 26, tzinfo=UTC), "verified"),  # one day short of 12 months
    (datetime(2025, 11, 25, tzinfo=UTC), "stale"),     # exactly 12 months: stale
    (datetime(2024, 9, 1, tzinfo=UTC), "stale"),
])
def test_freshness_at_the_threshold(verified, status):
    assert freshness(verified, today=date(2026, 11, 25), stale_months=12).status == status


def test_freshness_in_words():
    today = date(2026, 11, 25)
    assert "March 2026" in freshness(datetime(2026, 3, 2, tzinfo=UTC), today=today).message
    assert "14 months ago" in freshness(datetime(2025, 9, 10, tzinfo=UTC), today=today).message
    assert "not verified" in freshness(None, today=today).message


# Monday 5 October 2026: NSW and SA moved to daylight saving at 02:00 on Sunday 4 October;
# QLD and NT do not observe it. The same UTC instant a week apart gives different answers.
AFTER_DST = datetime(2026, 10, 4, 22, 15, tzinfo=UTC)
BEFORE_DST = datetime(2026, 9, 27, 22, 15, tzinfo=UTC)


@pytest.mark.parametrize("zone,now,is_open,detail", [
    ("Australia/Sydney", AFTER_DST, True, "until 16:30"),      # 09:15 AEDT
    ("Australia/Sydney", BEFORE_DST, False, "today at 08:30"),  # 08:15 AEST
    ("Australia/Adelaide", AFTER_DST, True, "until 16:30"),    # 08:45 ACDT (+10:30)
    ("Australia/Adelaide", BEFORE_DST, False, "today at 08:30"),  # 07:45 ACST (+9:30)
    ("Australia/Brisbane", AFTER_DST, False, "today at 08:30"),  # 08:15 AEST, no DST
    ("Australia/Brisbane", BEFORE_DST, False, "today at 08:30"),
    ("Australia/Darwin", AFTER_DST, False, "today at 08:30"),  # 07:45 ACST, no DST
    ("Australia/Darwin", BEFORE_DST, False, "today at 08:30"),
])
def test_open_now_across_a_daylight_saving_change(zone, now, is_open, detail):
    state = opening(WEEKDAYS, ZoneInfo(zone), now=now)
    assert state.open_now is is_open
    assert detail in state.message


def test_next_opening_after_friday_close_is_monday():
    friday_evening = datetime(2026, 10, 9, 8, 0, tzinfo=UTC)  # 19:00 AEDT Friday
    state = opening(WEEKDAYS, ZoneInfo("Australia/Sydney"), now=friday_evening)
    assert not state.open_now
    assert state.next_opening == datetime(2026, 10, 12, 8, 30, tzinfo=ZoneInfo("Australia/Sydney"))
    assert "Monday" in state.message


def test_several_spans_a_day():
    hours = [{"day": "mon", "opens": "08:00", "closes": "12:00"},
             {"day": "mon", "opens": "13:00", "closes": "16:00"}]
    lunch = datetime(2026, 10, 5, 1, 30, tzinfo=UTC)  # 12:30 AEDT Monday
    state = opening(hours, ZoneInfo("Australia/Sydney"), now=lunch)
    assert not state.open_now and "today at 13:00" in state.message


def test_no_hours_or_no_zone_means_unknown():
    assert opening([], ZoneInfo("Australia/Sydney")) is None
    assert opening(WEEKDAYS, None) is None


@pytest.mark.parametrize("text,span", [
    ("mon 08:30-16:30", {"day": "mon", "opens": "08:30", "closes": "16:30"}),
    ("  Tue 9:00 – 12:00 ", {"day": "tue", "opens": "9:00", "closes": "12:00"}),
    ("monday 08:30-16:30", None),
    ("mon 08:30", None),
    ("", None),
])
def test_an_opening_span_is_read_as_people_write_it(text, span):
    from finder.directory.listing import parse_span, span_text

    assert parse_span(text) == span
    if span:
        assert parse_span(span_text(span)) == span
