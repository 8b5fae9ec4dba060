"""The letter's date is the user's own, never the latest time zone on Earth's."""
from datetime import UTC, date, datetime

import pytest

from finder.referral.dates import local_today, user_today, when_text

# 21:00 in Sydney on 15 January 2026 (daylight time, UTC+11) is 10:00 UTC; UTC+14 is already
# the 16th there.
SYDNEY_9PM = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def test_at_9pm_in_sydney_the_date_is_still_sydneys():
    assert local_today("Australia/Sydney", SYDNEY_9PM) == date(2026, 1, 15)
    assert local_today("Pacific/Kiritimati", SYDNEY_9PM) == date(2026, 1, 16)  # UTC+14


def test_the_browsers_date_is_believed_when_some_zone_has_it_now():
    assert user_today("2026-01-15", "Australia/Perth", SYDNEY_9PM) == date(2026, 1, 15)
    assert user_today("2026-01-16", "Australia/Sydney", SYDNEY_9PM) == date(2026, 1, 16)


@pytest.mark.parametrize("claimed", ["2026-01-17", "2025-12-31", "2099-01-01", "15/01/2026",
                                     "", None, 20260115, "2026-02-30"])
def test_an_impossible_or_missing_browser_date_falls_back_to_the_configured_zone(claimed):
    assert user_today(claimed, "Australia/Sydney", SYDNEY_9PM) == date(2026, 1, 15)
    assert user_today(claimed, "America/Los_Angeles", SYDNEY_9PM) == date(2026, 1, 15)
    assert user_today(claimed, "Pacific/Kiritimati", SYDNEY_9PM) == date(2026, 1, 16)


@pytest.mark.parametrize("when, years_ago, text", [
    (None, 0, "this year"),
    (None, 1, "about 1 year ago (2025)"),
    (None, 7, "about 7 years ago (2019)"),
    (None, None, "date not known"),
    (date(2025, 3, 1), None, "1 Mar 2025"),
])
def test_when_a_reaction_happened_reads_naturally(when, years_ago, text):
    assert when_text(when, years_ago, date(2026, 1, 15)) == text
