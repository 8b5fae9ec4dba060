"""The editor made for people: confirm-on-save, the message after saving, the wait's report
date, the time zone from the state, and coordinates that take any text without a 500."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.web.manage import listings
from tests.web.staff_kit import TOOWOOMBA, FakeGeocoder, edit_form, login, make_account


@pytest.fixture
def center(make_center):
    return make_center(timezone=None, wait_weeks=None)


@pytest.fixture
def editor(client, session, center, monkeypatch):
    monkeypatch.setattr(listings, "address_geocoder", lambda: FakeGeocoder(TOOWOOMBA))
    make_account(session, "editor@example.org", center_id=center.id)
    assert login(client, "editor@example.org").status_code == 302
    return client


def save(client, center_id, **changes):
    data = edit_form(client, center_id) | changes
    return client.post(f"/manage/centers/{center_id}/edit", data=data, follow_redirects=True)


def test_save_and_confirm_buttons_sit_at_the_top_and_the_bottom(editor, center):
    page = editor.get(f"/manage/centers/{center.id}/edit").get_data(as_text=True)
    form = page[page.index('class="listing-form"'):]
    assert form.count("Save changes</button>") == 2
    assert form.index("confirm_current_top") < form.index('name="name"') < form.index(
        "confirm_current_bottom")


def test_saving_with_confirm_ticked_shows_the_new_verification_state(editor, session, center):
    page = save(editor, center.id, phone="+61 7 3999 0000", confirm_current="on")
    text = page.get_data(as_text=True)
    today = datetime.now(UTC)
    assert f"Saved and confirmed: the public page now says the listing was confirmed by the center on {today:%-d %B %Y}" in text
    assert "Confirmed by the center on" in text  # the badge on the page agrees
    session.refresh(center)
    assert center.verified_at is not None and center.phone == "+61 7 3999 0000"


def test_saving_without_confirming_says_the_listing_is_still_not_verified(editor, session, center):
    text = save(editor, center.id, phone="+61 7 3999 0000").get_data(as_text=True)
    assert "Saved. The public page shows your changes, and still says" in text
    assert "not verified" in text
    session.refresh(center)
    assert center.verified_at is None


def test_changing_the_wait_dates_it_today_on_the_public_page(editor, session, center):
    save(editor, center.id, wait_weeks="11")
    session.refresh(center)
    # "today" where the center is (Brisbane's date runs ahead of UTC's from 14:00 UTC)
    assert center.wait_reported_on == datetime.now(ZoneInfo(center.timezone)).date()
    save(editor, center.id, wait_weeks="9", wait_reported_on="2026-01-05")
    session.refresh(center)
    assert str(center.wait_reported_on) == "2026-01-05"


@pytest.mark.parametrize("region, chosen, expected", [
    ("QLD", "", "Australia/Brisbane"),
    ("Western Australia", "", "Australia/Perth"),
    ("NSW", "Australia/Broken_Hill", "Australia/Broken_Hill"),
])
def test_the_time_zone_follows_the_state_unless_chosen(editor, session, center, region, chosen,
                                                       expected):
    data = edit_form(editor, center.id) | {"region": region, "timezone": chosen, "confirmed": "1"}
    editor.post(f"/manage/centers/{center.id}/edit", data=data)
    session.refresh(center)
    assert center.timezone == expected


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["lat", "lon"]),
       typed=st.one_of(st.text(max_size=30), st.floats(allow_nan=True).map(str),
                       st.sampled_from(["-27,47", "1e400", "nan", "-inf", " 45 ", "٣٤", "-27.5"])))
def test_any_coordinate_text_gets_a_page_never_a_500(editor, center, field, typed):
    data = edit_form(editor, center.id) | {field: typed}
    response = editor.post(f"/manage/centers/{center.id}/edit", data=data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:  # the map to confirm: a real number, five decimals
        assert "latitude <strong>" in response.get_data(as_text=True)
