"""Result cards and the search form are rendered once (per listing version, per choice of
filters) and filled in per search: an edit shows at once, each search's own values (number,
distance, links, what was typed, clock facts) never leak into another's, and what a search
fills in is escaped."""
import re
from typing import NamedTuple

from finder.directory.service import update_center
from finder.web.directory.present import listing_state
from finder.web.search.cards import card_html, km


def cards(client, **params) -> list[str]:
    html = client.get("/search", query_string=params).get_data(as_text=True)
    return re.findall(r'<li class="center-card.*?</li>', html, re.S)


def test_an_edit_shows_on_the_next_search(client, session, make_center):
    center = make_center(name="Old department name", lat=-27.47, lon=153.02)
    assert "Old department name" in cards(client, location="Brisbane")[0]
    update_center(session, center.id, {"name": "New department name", "wait_weeks": 3},
                  expected_version=center.version, actor="test")
    card = cards(client, location="Brisbane")[0]
    assert "New department name" in card and "Old department name" not in card
    assert "About 3 weeks" in card


def test_each_search_fills_in_its_own_number_distance_and_links(client, make_center):
    make_center(name="Near Brisbane", lat=-27.47, lon=153.02)
    make_center(name="On the Gold Coast", lat=-28.0, lon=153.4)
    from_brisbane = cards(client, location="Brisbane", drug="amoxicillin")
    from_cairns = cards(client, location="Cairns", drug="amoxicillin")
    assert 'value="1"' in from_brisbane[0] and 'value="2"' in from_brisbane[1]
    assert "Near Brisbane" in from_brisbane[0] and "Near Brisbane" in from_cairns[0]
    near = re.search(r'class="distance">([^<]+)<', from_brisbane[0]).group(1)
    far = re.search(r'class="distance">([^<]+)<', from_cairns[0]).group(1)
    assert near.endswith(" km") and far.endswith(" km") and far != near
    assert "location=Brisbane" in from_brisbane[0] and "location=Cairns" not in from_brisbane[0]
    assert "location=Cairns" in from_cairns[0] and "location=Brisbane" not in from_cairns[0]


def test_beyond_the_maximum_distance_is_said_only_where_true(client, make_center):
    make_center(name="Far away", lat=-12.46, lon=130.84)  # Darwin, from Brisbane
    beyond = cards(client, location="Brisbane", radius_km=50)
    assert "(beyond your maximum distance)" in beyond[0]
    assert "(beyond your maximum distance)" not in cards(client, location="Darwin")[0]


class Said(NamedTuple):
    message: str


def test_what_a_search_fills_in_is_escaped(app, make_center):
    center = make_center(name='Ward <b>7</b> & "annex"')
    with app.test_request_context():
        facts = {"opening": Said("Open now <b>"), "freshness": Said("Checked & fine")}
        html = card_html(center, None, number=1, url='/centers/1?location="><script>x</script>',
                         distance=km(3.21), beyond=False, referral="/referral?location=<i>",
                         facts=facts)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;i&gt;" in html
    assert 'Ward &lt;b&gt;7&lt;/b&gt; &amp; &#34;annex&#34;' in html
    assert '<p class="card-opening">Open now &lt;b&gt;</p>' in html
    assert "Checked &amp; fine" in html and "3.2 km" in html and "\x00" not in html


def test_no_opening_line_when_hours_are_not_known(app, make_center):
    center = make_center()
    with app.test_request_context():
        facts = {**listing_state(center, app.config["FINDER"]), "opening": None}
        html = card_html(center, None, number=2, url="/c", distance="1 km", beyond=False,
                         referral="/r", facts=facts)
    assert "card-opening" not in html and 'id="result-2"' in html


def test_distances_read_as_a_patient_would():
    assert km(0.04) == "0.0 km" and km(9.96) == "10.0 km" and km(10) == "10 km"
    assert km(1240.4) == "1,240 km"


def form_of(client, **params) -> str:
    html = client.get("/search", query_string=params).get_data(as_text=True)
    return html[html.index('<form class="search-form"'):html.index("</form>")]


def test_the_search_form_keeps_what_each_search_typed_and_chose(client, make_center):
    make_center()
    first = form_of(client, location="Brisbane", drug="amoxicillin")
    second = form_of(client, location="Cairns", drug="rituximab", route="iv", language="vi", age=7)
    assert 'value="Brisbane QLD 4000"' in first or 'value="Brisbane"' in first
    assert 'value="amoxicillin"' in first and "Cairns" not in first and "rituximab" not in first
    assert 'value="rituximab"' in second and "amoxicillin" not in second
    assert '<option value="iv" selected>' in second and '<option value="iv" selected>' not in first
    assert '<option value="vi" selected>' in second and 'value="7"' in second
    assert 'class="more-filters" open' in second and 'class="more-filters" open' not in first


def test_what_was_typed_into_the_form_is_escaped(client, make_center):
    make_center()
    form = form_of(client, location="Brisbane", drug='"><script>alert(1)</script>')
    assert "<script>alert(1)" not in form and "&#34;&gt;&lt;script&gt;" in form
