"""History people can read: labels, public-page values, the center's local time with its zone
named, people instead of system names, and a filter by field."""
from datetime import UTC, datetime

import pytest

from finder.directory import service as directory
from finder.directory.history import actor_words, local_time, readable
from tests.web.staff_kit import login, make_account


@pytest.mark.parametrize("field, value, words", [
    ("hours", [{"day": "mon", "opens": "08:30", "closes": "16:30"}], "Monday 08:30–16:30"),
    ("languages", ["vi", "zh-Hant"], "Vietnamese, Chinese (Traditional)"),
    ("drug_classes", ["penicillins"], "Penicillins"),
    ("routes", ["iv", "oral"], "Intravenous, Oral"),
    ("verified_at", "2026-11-30T01:02:03+00:00", "30 November 2026"),
    ("wait_reported_on", "2026-01-05", "5 January 2026"),
    ("wait_weeks", 11, "about 11 weeks"),
    ("timezone", "Australia/Brisbane", "Queensland (Brisbane time, no daylight saving)"),
    ("interpreter_service", True, "yes"),
    ("phone", None, "(empty)"),
])
def test_values_read_as_on_the_public_page(field, value, words):
    assert readable(field, value) == words


@pytest.mark.parametrize("actor, words", [
    ("cli:root", "set up from the command line"),
    ("cli", "set up from the command line"),
    ("public:someone@hospital.org", "sent through \u201clist your center\u201d by someone@hospital.org"),
    ("editor@hospital.org", "editor@hospital.org"),
])
def test_people_not_system_names(actor, words):
    assert actor_words(actor) == words


def test_times_are_the_centers_own_with_the_zone_named():
    at = datetime(2026, 12, 1, 6, 5, tzinfo=UTC)
    assert local_time(at, "Australia/Brisbane") == "1 December 2026, 16:05 Brisbane time (AEST)"
    assert local_time(at, "Australia/Sydney") == "1 December 2026, 17:05 Sydney time (AEDT)"
    assert local_time(at, None) == "1 December 2026, 06:05 UTC"


def test_history_page_reads_well_and_filters_by_field(client, session, make_center):
    center = make_center(timezone="Australia/Perth")
    directory.update_center(session, center.id, {"phone": "+61 8 9000 0000"}, expected_version=1,
                            actor="cli:root")
    directory.update_center(session, center.id, {"wait_weeks": 5}, expected_version=2,
                            actor="cli:root")
    make_account(session, "admin@example.org", admin=True)
    login(client, "admin@example.org")
    page = client.get(f"/manage/centers/{center.id}/history").get_data(as_text=True)
    assert "set up from the command line" in page and "cli:root" not in page
    assert "Perth time (AWST)" in page and "UTC" not in page
    assert "Waiting time (weeks)" in page and "about 5 weeks" in page
    assert "wait_weeks" not in page.replace('value="wait_weeks"', "")
    phone_only = client.get(f"/manage/centers/{center.id}/history?field=phone").get_data(as_text=True)
    assert "+61 8 9000 0000" in phone_only and "about 5 weeks" not in phone_only
    unknown = client.get(f"/manage/centers/{center.id}/history?field=<script>")
    assert unknown.status_code == 200 and "about 5 weeks" in unknown.get_data(as_text=True)
