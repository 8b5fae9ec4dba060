"""The search page: results, messages for unknown drugs and places, bad parameters, escaping,
and the map wiring (a page JSON block plus static scripts, never inline script)."""
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape

MOUNT_ISA = {"lat": -20.73, "lon": 139.49}  # MM6 remote


def page(client, **params):
    response = client.get("/search", query_string=params)
    return response, response.get_data(as_text=True)


def map_json(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_first_visit_shows_the_empty_form(client):
    response, html = page(client)
    assert response.status_code == 200
    assert 'action="/search"' in html and 'id="location"' in html
    assert "results-title" not in html and "map-data" not in html


def test_home_form_leads_to_the_search_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and "More filters" in html


def test_results_are_an_ordered_list_nearest_first(client, make_center):
    make_center(name="Gold Coast clinic", lat=-28.0, lon=153.4, telehealth_preassessment=True)
    make_center(name="Brisbane clinic", lat=-27.47, lon=153.02, accepting_referrals="yes",
                cost="public", wait_weeks=6, languages=["vi"])
    response, html = page(client, location="Brisbane", drug="amoxicillin")
    assert response.status_code == 200
    results = html[html.index('<ol class="results'):html.index("</ol>")]
    assert results.index("Brisbane clinic") < results.index("Gold Coast clinic")
    assert "km</strong> away" in results
    assert "Accepting referrals" in results and "About 6 weeks" in results
    assert "Public (no charge" in results and "Languages: Vietnamese" in results
    assert "Telehealth pre-assessment" in results and "Sees children" in results
    assert results.count('class="freshness"') == 2  # one freshness line per card
    assert "chip-match" in results  # the drug's class is highlighted
    assert "/referral?drug=amoxicillin&amp;location=Brisbane+QLD+4000" in results
    assert "2 centers, nearest first" in html


def test_unknown_drug_is_answered_plainly_and_the_search_still_runs(client, make_center):
    make_center(name="Any clinic")
    response, html = page(client, location="Brisbane", drug="xyzzyquux")
    assert response.status_code == 200
    assert "“xyzzyquux” is not in our list, so these centers are not filtered by drug" in html
    assert "Any clinic" in html


def test_a_drug_outside_the_listed_classes_does_not_filter_the_centers(client, make_center):
    make_center(name="Platinum clinic", drug_classes=["platinum"])
    response, html = page(client, location="Brisbane", drug="insulin glargine")
    assert response.status_code == 200
    assert "Insulin glargine is not in a drug class that centers list" in html
    assert "Platinum clinic" in html


def test_an_ambiguous_place_is_asked_about_keeping_the_other_fields(client, make_center):
    make_center()
    response, html = page(client, location="St Marys", drug="carboplatin", radius_km="500")
    assert response.status_code == 200
    assert "Which St Marys?" in html and 'class="results' not in html
    links = [parse_qs(urlsplit(unescape(h)).query) for h in re.findall(r'href="(/search\?[^"]*)"', html)]
    choices = [link["location"][0] for link in links if "location" in link]
    assert choices[:3] == ["St Marys SA 5042", "St Marys TAS 7215", "St Marys NSW 2760"]
    assert {"location": ["St Marys NSW 2760"], "drug": ["carboplatin"], "radius_km": ["500"]} in links
    chosen, html = page(client, location="St Marys NSW 2760", drug="carboplatin")
    assert "Centers near St Marys NSW 2760" in html


def test_a_dominant_place_offers_its_namesakes_as_one_line(client, make_center):
    make_center()
    html = page(client, location="Perth", drug="carboplatin")[1]
    assert "Centers near Perth WA 6000" in html and "Not your place?" in html
    links = [parse_qs(urlsplit(unescape(h)).query) for h in re.findall(r'href="(/search\?[^"]*)"', html)]
    assert {"location": ["Perth TAS 7300"], "drug": ["carboplatin"]} in links


@pytest.mark.parametrize(("typed", "message"), [
    ("zzqqxx", "No place matched"),
    ("Roma\u200b", "invisible control characters"),
])
def test_a_place_not_found_keeps_the_form_as_typed(client, typed, message):
    response, html = page(client, location=typed, drug="Augmentin", child="true")
    assert response.status_code == 200
    assert message in html and 'aria-invalid="true"' in html
    assert 'value="Augmentin"' in html and 'id="child" name="child" type="checkbox" value="true" checked' in html
    assert "map-data" not in html


@pytest.mark.parametrize("params", [
    {"location": "Brisbane", "radius_km": "abc"},
    {"location": "Brisbane", "radius_km": "0"},
    {"lat": "999", "lon": "1"},
    {"lat": "-27"},
    {"lat": "nan", "lon": "1"},
    {"location": "Brisbane", "age": "-1"},
    {"location": "Brisbane", "age": "old"},
    {"location": "Brisbane", "route": "nasal"},
    {"location": "Brisbane", "language": "klingon-xx-yy"},
    {"location": "Brisbane", "cost": "private"},
    {"location": "Brisbane", "child": "maybe"},
    {"location": "Brisbane", "limit": "1000"},
    {"location": "x" * 201},
    {"location": "Bris\x00bane"},
])
def test_bad_parameters_are_a_400_page_with_a_message(client, params):
    response, html = page(client, **params)
    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert "Please check" in html
    shown = re.sub(r"<[^>]+>", " ", html.split('<form class="search-form"')[0])
    assert not re.search(r"\b(radius_km|lat|lon|limit)\b|must be|valid", shown)  # no jargon


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>", "${alert(1)}", "{{ 7*7 }}",
                                  "</script><script>alert(1)</script>"])
def test_listing_text_is_escaped_in_the_list_and_the_map_data(client, make_center, name):
    make_center(name=name, organisation=f"Org {name}")
    response, html = page(client, location="Brisbane")
    assert response.status_code == 200
    assert "<img src=x" not in html and "<script>alert" not in html
    assert not re.search(r"\b49\b", re.sub(r"<[^>]+>", " ", html))  # {{ 7*7 }} never evaluated
    assert str(escape(name)) in html  # shown as typed, as text
    assert map_json(html)["centers"][0]["name"] == name


def test_regional_patients_are_told_telehealth_may_save_a_trip(client, make_center):
    make_center()
    html = page(client, **MOUNT_ISA)[1]
    assert "You live in a remote community" in html and "telehealth pre-assessment" in html
    assert "MM6" not in html
    assert "You live in" not in page(client, location="Brisbane")[1]


def test_travel_assistance_is_shown_for_an_australian_place(client, make_center):
    make_center()
    html = page(client, **MOUNT_ISA)[1]
    assert "Help with travel costs" in html


def test_outside_radius_and_left_out_are_explained(client, make_center):
    make_center(name="Paused", accepting_referrals="paused")
    make_center(name="Far away", lat=-33.87, lon=151.21, accepting_referrals="yes")
    html = page(client, location="Brisbane", radius_km="50", accepting="true")[1]
    assert "None lies within 50 km" in html and "beyond your maximum distance" in html
    assert "1 otherwise suitable center was left out" in html


def test_filters_are_kept_in_the_form(client, make_center):
    make_center(languages=["vi"], accepting_referrals="yes", cost="public",
                telehealth_preassessment=True)
    html = page(client, location="Brisbane", accepting="true", cost="public", language="vi",
                telehealth="true", age="7")[1]
    assert '<details class="more-filters" open>' in html
    for checked in ('id="accepting" name="accepting" type="checkbox" value="true" checked',
                    'value="public" checked', 'value="vi" selected', 'value="7"'):
        assert checked in html


def test_the_map_is_data_plus_static_scripts_without_inline_script(client, make_center):
    center = make_center(name="Clinic")
    response, html = page(client, location="Brisbane")
    data = map_json(html)
    assert data["origin"]["label"] == "Brisbane QLD 4000"
    assert data["centers"] == [{"id": center.id, "name": "Clinic", "locality": "Brisbane",
                                "lat": -27.47, "lon": 153.02, "distance_km": data["centers"][0]["distance_km"],
                                "url": f"/centers/{center.id}?location=Brisbane+QLD+4000"}]
    assert 'id="map_results"' in html and "/static/js/results-map.js" in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "user-scalable=no" not in html


def test_base_map_script_is_cacheable_and_names_the_map(client):
    response = client.get("/map/base.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "window.finderMap" in response.get_data(as_text=True)
    assert response.cache_control.max_age >= 3600 and response.headers["ETag"]
    again = client.get("/map/base.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("assets", "external"), [("local", False), ("cdn", True)])
def test_map_assets_local_or_cdn(app_factory, make_center, assets, external):
    app = app_factory(map_assets=assets, tile_url="")
    client = app.test_client()
    html = client.get("/search", query_string={"location": "Brisbane"}).get_data(as_text=True)
    script = client.get("/map/base.js").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assets_urls = [u for u in urls if "leaflet" in u]
    assert bool(assets_urls) is external
    assert "http" not in script  # no tiles configured: nothing to fetch
    csp = client.get("/search").headers.get("Content-Security-Policy", "")
    assert ("https://unpkg.com" in csp) is external


def test_tile_origin_is_allowed_for_images(app_factory):
    app = app_factory(tile_url="https://tiles.example.org/{z}/{x}/{y}.png")
    client = app.test_client()
    assert "https://tiles.example.org" in client.get("/search").headers["Content-Security-Policy"]
    assert "tiles.example.org/{z}/{x}/{y}.png" in client.get("/map/base.js").get_data(as_text=True)


def test_a_repeated_search_is_reused_until_the_directory_changes(client, make_center):
    make_center(name="First clinic")
    first = page(client, location="Brisbane")[1]
    assert page(client, location="Brisbane")[1] == first
    make_center(name="Second clinic", lat=-27.5, lon=153.0)  # a write: a new audit entry
    assert "Second clinic" in page(client, location="Brisbane")[1]


def test_travel_help_shows_for_regional_patients_and_when_likely_only(client, make_center):
    make_center(name="Brisbane Clinic", lat=-27.47, lon=153.02)
    _, city = page(client, location="Brisbane")  # MM1, nearest center in town
    assert "Help with travel costs" not in city
    _, remote = page(client, location="Mount Isa")  # MM6, the nearest center ~1,500 km away
    assert "Help with travel costs:</strong> Patient Travel Subsidy Scheme (PTSS)" in remote
    assert "you may be eligible" in remote


def test_each_result_prepares_a_referral_for_that_center(client, make_center):
    center = make_center(name="Brisbane Clinic", lat=-27.47, lon=153.02)
    _, html = page(client, location="Brisbane", drug="amoxicillin")
    assert f"&amp;center={center.id}" in html


@pytest.mark.parametrize("extra", [{"endpoint": "x"}, {"_external": "1"}, {"_scheme": "https"}])
def test_did_you_mean_links_ignore_foreign_parameters(client, make_center, extra):
    make_center()
    response, html = page(client, location="Richmond", **extra)
    assert response.status_code == 200
    links = re.findall(r'href="(/search\?[^"]*)"', html)
    assert links and all("endpoint" not in link and "_external" not in link for link in links)


def test_bad_values_get_human_messages_all_at_once_and_keep_the_rest(client):
    response = client.get("/search", query_string={
        "location": "Broken Hill", "drug": "carboplatin", "radius_km": "abc", "age": "300",
        "language": "klingon!", "route": "rectal"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please check these 4 things" in html
    for message in ("Choose a maximum distance from the list.", "from 0 to 120",
                    "Choose a language from the list.", "Choose how the drug is given"):
        assert message in html
    shown = re.sub(r"<[^>]+>", " ", html.split('<form class="search-form"')[0])
    for jargon in ("radius_km", "must be between", "Input should be", "language code"):
        assert jargon not in shown  # the messages a person reads
    assert 'value="Broken Hill"' in html and 'value="carboplatin"' in html
    assert 'value="300"' in html  # what was typed comes back to be corrected


def test_the_center_page_carries_the_search_onward(client, make_center):
    center = make_center(name="Platinum clinic", drug_classes=["platinum"],
                         organisation="Broken Hill Health Service, Far West LHD",
                         locality="Broken Hill", region="NSW", postcode="2880",
                         lat=-31.96, lon=141.46, country="AU")
    html = page(client, location="Broken Hill", drug="carboplatin")[1]
    link = unescape(re.search(r'href="(/centers/\d+\?[^"]+)"', html).group(1))
    assert parse_qs(urlsplit(link).query) == {"location": ["Broken Hill NSW 2880"],
                                              "drug": ["carboplatin"]}
    detail = client.get(link).get_data(as_text=True)
    assert "from Broken Hill NSW 2880" in detail
    assert "https://www.openstreetmap.org/directions?engine=fossgis_osrm_car&amp;route=" in detail
    assert "Back to results" in detail and "Prepare a referral for this center" in detail
    assert "What to tell your GP" in detail and "reaction history" in detail
    assert "Broken Hill NSW 2880</dd>" in detail.replace("\n", "") or ", AU" not in detail
    plain = client.get(f"/centers/{center.id}").get_data(as_text=True)
    assert "Back to results" not in plain and "Directions" not in plain


def test_paused_centers_follow_accepting_ones_at_a_similar_distance(client, make_center):
    make_center(name="Closed clinic", lat=-27.469, lon=153.021, accepting_referrals="closed")
    make_center(name="Paused clinic", lat=-27.47, lon=153.02, accepting_referrals="paused")
    make_center(name="Open clinic", lat=-27.50, lon=153.00, accepting_referrals="yes")
    make_center(name="Far clinic", lat=-33.87, lon=151.21, accepting_referrals="yes")
    html = page(client, location="Brisbane")[1]
    order = [html.index(name) for name in ("Open clinic", "Closed clinic", "Far clinic")]
    assert order == sorted(order) and html.index("Paused clinic") < html.index("Far clinic")
    assert "status-badge-paused" in html and "Referrals paused" in html
    assert "status-badge-closed" in html and "Closed to new referrals" in html


def test_a_search_is_for_an_adult_unless_it_says_child_or_age(client, make_center):
    make_center(name="Kids clinic", age_min_years=0, age_max_years=17)
    make_center(name="Adult clinic", age_min_years=18, lat=-27.5, lon=153.0)
    adult = page(client, location="Brisbane")[1]
    assert "Adult clinic" in adult and "Kids clinic" not in adult
    child = page(client, location="Brisbane", child="true")[1]
    assert "Kids clinic" in child and "Adult clinic" not in child
    assert "Kids clinic" in page(client, location="Brisbane", age="9")[1]
