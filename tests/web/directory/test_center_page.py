"""The center page is rendered once per listing version and answered from the worker's
snapshot: an edit must show at once in the worker that made it, within a generation check
elsewhere, and never mixed; the query string's trip and the clock's facts belong to one request."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from finder.directory.models import Center, DirectoryGeneration
from finder.directory.service import update_center
from finder.search.holder import CHECK_EVERY_S, holder_for
from finder.web.directory import present

MONDAY_10AM_BRISBANE = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
SUNDAY_10AM_BRISBANE_LATER = datetime(2028, 3, 5, 0, 0, tzinfo=UTC)


def page(client, center_id, query="") -> str:
    response = client.get(f"/centers/{center_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def another_worker_edits(app, center_id, **values):
    """A committed edit this process never hears of: a new version and generation, as another
    worker or replica writes them (not through this process's session, so no local note)."""
    with app.extensions["finder.engine"].begin() as connection:
        connection.execute(update(Center).where(Center.id == center_id)
                           .values(**values, version=Center.version + 1))
        connection.execute(update(DirectoryGeneration).where(DirectoryGeneration.id == 1)
                           .values(generation=DirectoryGeneration.generation + 1))


@pytest.fixture
def clock(app):
    """The snapshot holder's clock, moved by hand."""
    now = [0.0]
    holder_for(app.extensions["finder.engine"]).clock = lambda: now[0]
    return now


def test_an_edit_in_this_worker_shows_on_the_next_view(client, session, make_center):
    center = make_center(name="Before Clinic", phone="+61 7 3000 0001")
    assert "+61 7 3000 0001" in page(client, center.id)
    assert "+61 7 3000 0001" in page(client, center.id)  # now from the page kept
    update_center(session, center.id, {"phone": "+61 7 3999 9999"},
                  expected_version=center.version, actor="test")
    shown = page(client, center.id)
    assert "+61 7 3999 9999" in shown and "+61 7 3000 0001" not in shown


def test_an_edit_elsewhere_shows_once_the_generation_is_checked(app, client, make_center, clock):
    center = make_center(name="Before Clinic")
    assert "Before Clinic" in page(client, center.id)
    another_worker_edits(app, center.id, name="After Clinic")
    clock[0] += CHECK_EVERY_S  # the holder reads the stored generation again
    shown = page(client, center.id)
    assert "After Clinic" in shown and "Before Clinic" not in shown


def test_a_listing_newer_than_the_snapshot_is_read_from_the_database(app, client, make_center,
                                                                      clock):
    first, second = make_center(name="First Clinic"), make_center(name="Second Clinic")
    page(client, first.id)  # the snapshot is built; the second listing is not read yet
    another_worker_edits(app, second.id, name="Second Clinic Renamed")
    shown = page(client, second.id)  # before any generation check: the version tells
    assert "Second Clinic Renamed" in shown
    assert page(client, second.id) == shown


def test_an_archived_listing_is_gone_at_once(client, session, make_center):
    from finder.directory.service import set_status

    center = make_center(name="Closing Clinic")
    page(client, center.id)
    set_status(session, center.id, "archived", actor="test")
    assert client.get(f"/centers/{center.id}").status_code == 404


@pytest.fixture
def at(monkeypatch):
    """Set the time the page's clock facts are worked out at."""
    def set_time(moment):
        class Clock(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment.astimezone(tz)
        monkeypatch.setattr(present, "datetime", Clock)
    return set_time


def test_clock_facts_are_worked_out_for_each_request(client, make_center, session, at):
    center = make_center(name="Hours Clinic", hours=[{"day": "mon", "opens": "09:00", "closes": "17:00"}])
    session.get(Center, center.id).verified_at = datetime(2026, 2, 1, tzinfo=UTC)
    session.commit()
    at(MONDAY_10AM_BRISBANE)
    early = page(client, center.id)
    at(SUNDAY_10AM_BRISBANE_LATER)
    late = page(client, center.id)
    at(MONDAY_10AM_BRISBANE)
    assert page(client, center.id) == early
    assert "Open now, until 17:00 local time" in early and "Closed now" not in early
    assert "Confirmed by the center on 1 February 2026" in early and "call before you travel" not in early
    assert "Closed now; opens tomorrow at 09:00 local time" in late and "Open now" not in late
    assert "Last confirmed 25 months ago" in late and "Confirmed by the center on" not in late


def test_the_trip_belongs_to_the_request_that_carries_it(client, make_center):
    center = make_center(name="Trip Clinic")
    plain = page(client, center.id)
    searched = page(client, center.id, "?location=Cairns&drug=carboplatin")
    assert page(client, center.id) == plain
    assert "Back to results" in searched and "in a straight line from Cairns" in searched
    assert "drug=carboplatin" in searched
    assert "Back to results" not in plain and "in a straight line" not in plain
    assert "Search from your town" in plain and "Search from your town" not in searched


def test_a_flashed_message_is_shown_once(app, client, make_center):
    center = make_center(name="Message Clinic")
    plain = page(client, center.id)
    with client.session_transaction() as cookie:
        cookie["_flashes"] = [("info", "A message for this visitor")]
    assert "A message for this visitor" in page(client, center.id)
    assert page(client, center.id) == plain


def test_listing_text_cannot_pose_as_a_part_of_the_page(client, make_center):
    from finder.web.core.frames import MARKERS

    forged = str(MARKERS.badge)
    center = make_center(name=f"Forged {forged} Clinic", referral_process=forged)
    shown = page(client, center.id)
    assert page(client, center.id) == shown
    assert "Forged &lt;!--part:" in shown and "<!--part:" not in shown
